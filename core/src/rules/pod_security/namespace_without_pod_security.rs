use serde_json::json;

use crate::declare_rule;
use crate::model::Object;
use crate::pss::{PssLevel, PssTarget, LATEST_MINOR};
use crate::rules::pod_security::admission::{
    governed, label_pointer, namespace_policy, violations, Mode,
};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a `Namespace` without a `pod-security.kubernetes.io/enforce` label.
    ///
    /// ## Why is this bad?
    /// Without it Pod Security Admission enforces nothing in the namespace (unless the
    /// cluster's admission configuration sets a default): any pod, privileged or
    /// sharing the node's namespaces, is admitted. `warn` and `audit` labels alone
    /// only report.
    ///
    /// Severity: medium: nothing in the namespace stops a privileged pod: defence in depth
    /// missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## Known problems
    /// A cluster-wide default from the admission configuration is not visible in
    /// manifests; disable the rule when you rely on one.
    ///
    /// ## Fix safety
    /// The fix adds `enforce: restricted` when every workload of the namespace in the
    /// input passes the restricted level, `enforce: baseline` when they pass baseline,
    /// and no fix otherwise. Workloads that are not in the input may be rejected.
    ///
    /// ## References
    /// - Kubernetes docs: Enforce Pod Security Standards with Namespace Labels
    pub static NAMESPACE_WITHOUT_POD_SECURITY = Rule {
        id: "namespace-without-pod-security",
        title: "Namespace without an enforced Pod Security level",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Namespace",
        remediation: "Label the namespace `pod-security.kubernetes.io/enforce: restricted` (or `baseline` where workloads need it).",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// The strictest level that every one of `workloads` meets.
fn strictest_passing(ctx: &Ctx<'_>, workloads: &[&Object<'_>]) -> Option<PssLevel> {
    [PssLevel::Restricted, PssLevel::Baseline]
        .into_iter()
        .find(|&level| {
            let target = PssTarget {
                level,
                minor: LATEST_MINOR,
            };
            workloads
                .iter()
                .all(|w| violations(ctx, w, target).is_empty())
        })
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    for (namespace, workloads) in governed(objects) {
        let (policy, _) = namespace_policy(namespace);
        if policy.has_enforce_label {
            continue;
        }
        let name = namespace.name().unwrap_or_default();
        let only_reports = policy.warn.level.is_some() || policy.audit.level.is_some();
        let message = if only_reports {
            format!("namespace `{name}` has Pod Security `warn`/`audit` labels but no `enforce` label: nothing is enforced")
        } else {
            format!("namespace `{name}` has no `pod-security.kubernetes.io/enforce` label: any pod is admitted")
        };
        let pointer = label_pointer(&Mode::Enforce.level_label());
        let finding = out.report(namespace, &pointer, message);
        if let Some(level) = strictest_passing(ctx, &workloads) {
            finding.fix_set(
                format!("enforce the `{level}` Pod Security level"),
                pointer,
                json!(level.as_str()),
            );
        }
    }
}
