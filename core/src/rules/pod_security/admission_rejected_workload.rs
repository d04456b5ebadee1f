use crate::declare_rule;
use crate::model::Object;
use crate::rules::pod_security::admission::{
    controls, governed, namespace_policy, subject, violations,
};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// A preview of Pod Security Admission. For every `Namespace` in the input with a
    /// `pod-security.kubernetes.io/enforce` label (and optionally
    /// `pod-security.kubernetes.io/enforce-version`), evaluates each workload of the
    /// input in that namespace (`metadata.namespace` equal to the namespace's name) at
    /// that level and policy version, and reports those whose pods the API server
    /// would reject. For a Deployment, StatefulSet, Job… the workload itself is
    /// accepted, but every pod its controller creates is rejected, so it never runs.
    /// When the input declares a namespace more than once (variants of one install),
    /// the declaration in the workload's own file applies, else the first one.
    ///
    /// The verdict comes from the Pod Security Standards rules of kubecheck, run at the
    /// namespace's level and version whatever `--pss` and `--only` say; the message
    /// lists the violated controls and the finding points at the first violation.
    ///
    /// ## Why is this bad?
    /// The manifests cannot be deployed as they are: a Deployment shows no error, its
    /// ReplicaSet just never gets pods, and the failure is only visible in events.
    ///
    /// Severity: medium: a rejected workload never runs: a failed deployment,
    /// while each control it breaks is reported by its own rule at that rule's severity.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: baseline
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       hostNetwork: true
    ///       containers:
    ///       - name: app
    ///         image: nginx:1.27
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
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///       - name: app
    ///         image: nginx:1.27
    /// ```
    ///
    /// ## Known problems
    /// Exemptions from the admission controller's configuration (users, runtime
    /// classes, namespaces) and a cluster-wide default level are not known to
    /// kubecheck: a namespace without labels is treated as `privileged`. Workloads
    /// without `metadata.namespace` are not matched to any namespace. An invalid label
    /// value is read as the admission controller reads it for an existing namespace:
    /// an invalid `enforce` level as `restricted`, an invalid version as `latest` (see
    /// `invalid-pod-security-label`).
    ///
    /// ## References
    /// - Kubernetes docs: Pod Security Admission
    /// - Kubernetes docs: Enforce Pod Security Standards with Namespace Labels
    pub static ADMISSION_REJECTED_WORKLOAD = Rule {
        id: "admission-rejected-workload",
        title: "Workload rejected by its namespace's Pod Security level",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Namespace with Pod Security labels, and the Pods and workloads in it",
        remediation: "Change the workload to meet its namespace's Pod Security level, or move it to a namespace whose level allows what it needs.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
            "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    for (namespace, workloads) in governed(objects) {
        let (policy, _) = namespace_policy(namespace);
        let Some(target) = policy.enforce.target() else {
            continue;
        };
        let name = namespace.name().unwrap_or_default();
        for workload in workloads {
            let found = violations(ctx, workload, target);
            let Some(first) = found.first() else { continue };
            out.report(
                workload,
                first.finding.pointer.clone(),
                format!(
                    "{} would be rejected in namespace `{name}` (`enforce: {}`): {}",
                    subject(workload),
                    policy.enforce,
                    controls(&found)
                ),
            );
        }
    }
}
