use crate::declare_rule;
use crate::model::Object;
use crate::rules::pod_security::admission::{
    controls, governed, namespace_policy, subject, violations, Mode, ModePolicy,
};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// The other half of the Pod Security Admission preview (see
    /// `admission-rejected-workload`): reports the workloads of a `Namespace` in the
    /// input that its `enforce` level admits but its `warn` or `audit` level
    /// (`pod-security.kubernetes.io/warn`, `…/audit` and their `-version` labels)
    /// does not. `kubectl apply` then prints a warning, or the API server's audit log
    /// records the violation. A workload that would be rejected is reported by
    /// `admission-rejected-workload` only.
    ///
    /// Without its own label, `warn` follows a stricter `enforce` level, as in the
    /// admission controller.
    ///
    /// ## Why is this bad?
    /// Warnings and audit entries are how a namespace announces a stricter level
    /// before enforcing it: these workloads break the day the namespace's `enforce`
    /// label catches up.
    ///
    /// Severity: low: a warning only: the workload runs, and each control it breaks is
    /// reported by its own rule.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    ///     pod-security.kubernetes.io/warn: restricted
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
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
    ///     pod-security.kubernetes.io/warn: restricted
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## Known problems
    /// As for `admission-rejected-workload`: exemptions and cluster defaults from the
    /// admission configuration are not known.
    ///
    /// ## References
    /// - Kubernetes docs: Pod Security Admission (modes)
    pub static ADMISSION_WARNED_WORKLOAD = Rule {
        id: "admission-warned-workload",
        title: "Workload warned or audited by its namespace's Pod Security labels",
        category: Category::PodSecurity,
        severity: Severity::Low,
        applies_to: "Namespace with Pod Security labels, and the Pods and workloads in it",
        remediation: "Change the workload to meet the namespace's `warn` and `audit` levels before they are enforced.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    for (namespace, workloads) in governed(objects) {
        let (policy, _) = namespace_policy(namespace);
        let name = namespace.name().unwrap_or_default();
        for workload in workloads {
            let rejected = policy
                .enforce
                .target()
                .is_some_and(|t| !violations(ctx, workload, t).is_empty());
            if rejected {
                continue;
            }
            let mut first_pointer = None;
            let mut reported: Vec<(Mode, ModePolicy, String)> = Vec::new();
            for mode in [Mode::Warn, Mode::Audit] {
                let mode_policy = policy.mode(mode);
                let Some(target) = mode_policy.target() else {
                    continue;
                };
                let found = violations(ctx, workload, target);
                let Some(first) = found.first() else { continue };
                first_pointer.get_or_insert_with(|| first.finding.pointer.clone());
                reported.push((mode, mode_policy, controls(&found)));
            }
            let Some(pointer) = first_pointer else {
                continue;
            };
            let verdict = match reported.as_slice() {
                // The usual set-up: warn and audit at the same level say the same thing.
                [(_, warn, why), (_, audit, same)] if warn == audit && why == same => {
                    format!("warned and audited (`warn`/`audit: {warn}`: {why})")
                }
                _ => reported
                    .iter()
                    .map(|(mode, mode_policy, why)| {
                        let what = if *mode == Mode::Warn {
                            "warned"
                        } else {
                            "audited"
                        };
                        format!("{what} (`{}: {mode_policy}`: {why})", mode.as_str())
                    })
                    .collect::<Vec<_>>()
                    .join(" and "),
            };
            out.report(
                workload,
                pointer,
                format!(
                    "{} would be admitted in namespace `{name}` but {}",
                    subject(workload),
                    verdict
                ),
            );
        }
    }
}
