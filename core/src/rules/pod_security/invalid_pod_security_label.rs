use crate::declare_rule;
use crate::model::Object;
use crate::rules::pod_security::admission::{namespace_policy, namespaces};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `pod-security.kubernetes.io/*` labels of a `Namespace` that Pod Security
    /// Admission does not accept: a level other than `privileged`, `baseline` or
    /// `restricted`, a version other than `latest` or `v1.<minor>`, or a key that is
    /// not one of `enforce`, `audit`, `warn` and their `-version` labels.
    ///
    /// ## Why is this bad?
    /// The API server refuses to create or relabel a namespace with an invalid level
    /// or version. Where an existing namespace has one, the admission controller
    /// reads an invalid `enforce` level as `restricted` (rejecting more than was
    /// meant), an invalid `warn` or `audit` level as `privileged` (reporting nothing)
    /// and an invalid version as `latest`. A misspelt key is ignored silently, so the
    /// namespace enforces nothing.
    ///
    /// Severity: medium: an invalid label weakens or disables the namespace's
    /// admission like a missing one (`namespace-without-pod-security`): defence in depth
    /// missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    ///     pod-security.kubernetes.io/enforce-version: "1.30"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    ///     pod-security.kubernetes.io/enforce-version: v1.30
    /// ```
    ///
    /// ## References
    /// - Kubernetes docs: Pod Security Admission labels for namespaces
    pub static INVALID_POD_SECURITY_LABEL = Rule {
        id: "invalid-pod-security-label",
        title: "Invalid Pod Security Admission label",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Namespace",
        remediation: "Use a level `privileged`, `baseline` or `restricted`, a version `latest` or `v1.<minor>`, and only the `enforce`, `audit` and `warn` labels and their `-version` labels.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for namespace in namespaces(std::slice::from_ref(object)) {
        let (_, errors) = namespace_policy(namespace);
        for error in errors {
            out.report(
                namespace,
                error.pointer(),
                format!(
                    "namespace `{}`: {}",
                    namespace.name().unwrap_or_default(),
                    error.message
                ),
            );
        }
    }
}
