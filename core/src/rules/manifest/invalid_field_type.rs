use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags values whose type does not match the Kubernetes schema in object
    /// metadata and pod templates, such as `privileged: "yes"` (a quoted string where
    /// a boolean is expected).
    ///
    /// ## Why is this bad?
    /// The API server rejects the object, or a tool reading it leniently sees a
    /// different value than the author meant. A security setting that does not parse
    /// does not protect anything.
    ///
    /// Severity: medium: the API server rejects most such values; where a tool
    /// reads them leniently, the security setting does not apply: defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       runAsNonRoot: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       runAsNonRoot: true
    /// ```
    ///
    /// ## Known problems
    /// The other rules read such a value as unset, which is how most decoders that
    /// accept the object treat it.
    ///
    /// ## References
    /// - Kubernetes API reference: PodSpec, Container, SecurityContext
    pub static INVALID_FIELD_TYPE = Rule {
        id: "invalid-field-type",
        title: "Value of the wrong type",
        category: Category::Manifest,
        severity: Severity::Medium,
        applies_to: "object metadata and pod templates",
        remediation: "Write the value with the type the Kubernetes API expects (unquoted booleans and numbers).",
        references: &["https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/"],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for error in &object.type_errors {
        let field = error
            .pointer
            .rsplit('/')
            .next()
            .map(crate::pointer::unescape)
            .unwrap_or_default();
        out.report(
            object,
            &error.pointer,
            format!("`{field}`: {}", error.message),
        );
    }
}
