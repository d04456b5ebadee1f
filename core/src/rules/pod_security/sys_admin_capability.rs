use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::pod_security::pss_overlap::{capability_name, control_in_effect, is_windows};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Linux containers (including init and ephemeral containers) that add the
    /// `SYS_ADMIN` capability, or `ALL` capabilities, in
    /// `securityContext.capabilities.add`.
    ///
    /// The Pod Security Standards baseline control `capabilities_baseline` forbids
    /// adding either at every level and policy version. To avoid reporting one problem
    /// twice, this rule is silent while that control is part of the run (always,
    /// unless the rule implementing it is disabled, e.g. with `--disable pss`): it
    /// keeps the worst capability visible when the Pod Security rules are off.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` is "the new root": it allows mounting filesystems, using namespaces
    /// and many kernel interfaces, and it is the capability behind most container
    /// escapes. A container with it is one step from the node.
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
    ///       capabilities:
    ///         add: ["SYS_ADMIN"]
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
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## Options
    /// `--disable` of the Pod Security rules (or `--only` without them) decides whether
    /// `capabilities_baseline` covers this (see above).
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.2.9: Minimize the admission of containers with added capabilities
    /// - Pod Security Standards, baseline: Capabilities
    /// - man 7 capabilities (CAP_SYS_ADMIN)
    pub static SYS_ADMIN_CAPABILITY = Rule {
        id: "sys-admin-capability",
        title: "Container adds the SYS_ADMIN capability",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `SYS_ADMIN` (and `ALL`) from `securityContext.capabilities.add`; grant a narrower capability or move the privileged work out of the pod.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if is_windows(&pod.spec) || control_in_effect(ctx, "capabilities_baseline", 0) {
        return;
    }
    for c in &pod.containers {
        let added = c
            .container
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.add.as_ref());
        for (i, cap) in added.into_iter().flatten().enumerate() {
            let name = capability_name(cap);
            if name == "SYS_ADMIN" || name == "ALL" {
                out.report(
                    object,
                    c.at(&format!("securityContext/capabilities/add/{i}")),
                    format!(
                        "{} `{}` adds the `{name}` capability",
                        c.kind.noun(),
                        c.name()
                    ),
                );
            }
        }
    }
}
