use super::api_migration::{advice, fix, row_of, status, target, Status};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags objects written against an API version that the target Kubernetes
    /// version (`--k8s-version`, by default the newest release kubecheck knows) still
    /// serves but has deprecated, and says in which release it goes away, what
    /// replaces it and what changes in the object. GA APIs that are deprecated but will
    /// stay served (core `v1` `Endpoints`, `ComponentStatus`) are flagged too.
    ///
    /// ## Why is this bad?
    /// The API server answers with a deprecation warning today and refuses the object
    /// after the removal release, so the upgrade to it breaks deployments that work
    /// now. Moving while both versions are served costs nothing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1beta1
    /// kind: DeviceClass
    /// metadata:
    ///   name: gpu.example.com
    /// spec:
    ///   selectors:
    ///   - cel:
    ///       expression: device.driver == "gpu.example.com"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1
    /// kind: DeviceClass
    /// metadata:
    ///   name: gpu.example.com
    /// spec:
    ///   selectors:
    ///   - cel:
    ///       expression: device.driver == "gpu.example.com"
    /// ```
    ///
    /// ## Options
    /// `--k8s-version v1.N` (or `k8sVersion` in `.kubecheck.yaml`) sets the target;
    /// at or after the removal release `removed-api-version` reports the object.
    ///
    /// ## Fix safety
    /// The same migrations as `removed-api-version`, offered when the target already
    /// serves the replacement.
    ///
    /// ## References
    /// - Kubernetes docs: Deprecated API Migration Guide
    /// - Kubernetes docs: Kubernetes Deprecation Policy
    pub static DEPRECATED_API_VERSION = Rule {
        id: "deprecated-api-version",
        title: "API version deprecated in the target Kubernetes version",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Any object of a deprecated apiVersion and kind",
        remediation: "Move the object to the replacement API version before upgrading to the release that removes it.",
        references: &[
            "https://kubernetes.io/docs/reference/using-api/deprecation-guide/",
            "https://kubernetes.io/docs/reference/using-api/deprecation-policy/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some(row) = row_of(object) else { return };
    let target = target(ctx.options);
    let Some(Status::Deprecated) = status(row, target) else {
        return;
    };
    let until = match row.removed {
        Some(removed) => format!("removed in v1.{removed}"),
        None => "still served (a GA API is not removed within v1)".to_owned(),
    };
    let message = format!(
        "`{}` `{}` is deprecated since Kubernetes v1.{} and {until}: {}",
        row.api_version,
        object.kind,
        row.deprecated,
        advice(row, &object.kind)
    );
    let finding = out.report(object, "/apiVersion", message);
    finding.fix = fix(object, row, target);
}
