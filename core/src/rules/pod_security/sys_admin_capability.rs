use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::pod_security::pss_overlap::{capability_name, is_windows};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Linux containers (including init and ephemeral containers) that add the
    /// `SYS_ADMIN` capability, or `ALL` capabilities, in
    /// `securityContext.capabilities.add`.
    ///
    /// The Pod Security Standards baseline control `capabilities_baseline`
    /// (`dangerous-capabilities`) forbids adding either at every level and policy
    /// version, and `privilege-escalation` asks for `allowPrivilegeEscalation: false`,
    /// which the API server refuses with `SYS_ADMIN`. This rule is the strongest of
    /// them: it reports the container once, critical, with those rules' ids in
    /// `relatedRules` (and the container's other added capabilities as related
    /// locations). A privileged container is reported by `privileged-container`
    /// instead, which takes this rule in.
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
    /// Severity: critical, a direct path to the node (see `docs/severity.md`).
    ///
    /// ## References
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

fn check_pod(_ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if is_windows(&pod.spec) {
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
