use super::api_migration::{advice, fix, row_of, status, target, Status};
use crate::data::addon_api_lifecycle;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags objects written against an API version that the target Kubernetes
    /// version (`--k8s-version`, by default the newest release kubecheck knows) no
    /// longer serves: `extensions/v1beta1` Deployments and Ingresses, `batch/v1beta1`
    /// CronJobs, `policy/v1beta1` PodSecurityPolicies and every other apiVersion and
    /// kind removed since v1.16, alpha and beta, including the config-file APIs
    /// (audit policy, kube-scheduler configuration). The message names the
    /// replacement and what changes in the object besides `apiVersion`.
    ///
    /// Add-on API versions that their project no longer serves in any supported
    /// release are flagged too, whatever the target: cert-manager's `v1alpha2`,
    /// `v1alpha3` and `v1beta1` (not served since cert-manager v1.6).
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`no matches for kind "Ingress" in version
    /// "extensions/v1beta1"`): the deployment fails, or a component reading the file
    /// does not start. It is the upgrade blocker every platform team meets.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1beta1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///           - name: report
    ///             image: registry.example/report:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///           - name: report
    ///             image: registry.example/report:1.4.2
    /// ```
    ///
    /// ## Options
    /// `--k8s-version v1.N` (or `k8sVersion` in `.kubecheck.yaml`) sets the target;
    /// an API version removed after it is reported by `deprecated-api-version`.
    ///
    /// ## Fix safety
    /// Where the migration is mechanical the fix rewrites the object in place:
    /// apps/v1 workloads get `spec.selector.matchLabels` from the template's labels
    /// (what the old versions defaulted to) and `updateStrategy: {type: OnDelete}`
    /// where that was the old default; Ingresses get `service.name`/`service.port`
    /// backends, `defaultBackend` and `pathType: ImplementationSpecific`;
    /// autoscaling/v2 metrics get `target`; webhooks get the v1beta1 defaults written
    /// out (`failurePolicy: Ignore`, `matchPolicy: Exact`, `timeoutSeconds: 30`,
    /// `admissionReviewVersions: [v1beta1]`) and `sideEffects: None` where none was
    /// declared, which asserts that the webhook has no side effects: check it. A
    /// PodDisruptionBudget is only moved when its selector is not empty, and a
    /// CustomResourceDefinition, a CertificateSigningRequest or a PodSecurityPolicy is
    /// never rewritten.
    ///
    /// ## References
    /// - Kubernetes docs: Deprecated API Migration Guide
    /// - Kubernetes source: `zz_generated.prerelease-lifecycle.go` of each API version
    pub static REMOVED_API_VERSION = Rule {
        id: "removed-api-version",
        title: "API version not served by the target Kubernetes version",
        category: Category::Patching,
        severity: Severity::High,
        applies_to: "Any object of a removed apiVersion and kind",
        remediation: "Move the object to the replacement API version and make the spec changes it needs.",
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
    if let Some(row) = addon_api_lifecycle::lookup(&object.api_version, &object.kind) {
        let message = format!(
            "`{}` `{}` is not served since {} v{} (deprecated in v{}): use `{}`; {}",
            row.api_version,
            object.kind,
            row.product,
            row.removed,
            row.deprecated,
            row.replacement,
            row.changes
        );
        out.report(object, "/apiVersion", message);
        return;
    }
    let Some(row) = row_of(object) else { return };
    let target = target(ctx.options);
    let Some(Status::Removed) = status(row, target) else {
        return;
    };
    let removed = row.removed.unwrap_or(target);
    let message = format!(
        "`{}` `{}` is not served since Kubernetes v1.{removed} (target v1.{target}): {}",
        row.api_version,
        object.kind,
        advice(row, &object.kind)
    );
    let finding = out.report(object, "/apiVersion", message);
    finding.fix = fix(object, row, target);
}
