use k8s_openapi::api::core::v1::SELinuxOptions;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{container_context, enforced, minor, pod_context, pod_context_at};

/// SELinux types for container processes allowed at every policy version.
const CONTAINER_TYPES: &[&str] = &["container_t", "container_init_t", "container_kvm_t"];

declare_rule! {
    /// ## What it does
    /// Flags `seLinuxOptions` (pod or container) that set a `type` other than the
    /// container types, or set a `user` or `role`.
    ///
    /// ## Why is this bad?
    /// The SELinux label decides what a container process may touch on the node. A
    /// custom type such as `spc_t` (super-privileged container) or a custom user or role
    /// lifts the confinement that keeps the container away from the host's files.
    ///
    /// Severity: high: a custom SELinux type or user (e.g. `spc_t`, the unconfined
    /// container type) lifts the SELinux confinement of the container: a likely path to the
    /// node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     seLinuxOptions:
    ///       type: spc_t
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     seLinuxOptions:
    ///       level: "s0:c123,c456"
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `seLinuxOptions` (baseline), since policy version
    /// v1.0: `type` may be empty, `container_t`, `container_init_t` or
    /// `container_kvm_t`; from v1.31 also `container_engine_t`. `user` and `role` must be
    /// empty. `level` is free.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: SELinux
    pub static CUSTOM_SELINUX_OPTIONS = Rule {
        id: "custom-selinux-options",
        title: "Custom SELinux type, user or role",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove the SELinux `user` and `role`, and use one of the container types (`container_t`) or none.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "seLinuxOptions", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn allowed_type(selinux_type: &str, minor: u32) -> bool {
    selinux_type.is_empty()
        || CONTAINER_TYPES.contains(&selinux_type)
        || (selinux_type == "container_engine_t" && minor >= since::SELINUX_CONTAINER_ENGINE_TYPE)
}

/// `(field, value)` of every forbidden option.
fn forbidden(options: &SELinuxOptions, minor: u32) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    if let Some(t) = options.type_.as_deref().filter(|t| !allowed_type(t, minor)) {
        found.push(("type", t));
    }
    if let Some(user) = options.user.as_deref().filter(|u| !u.is_empty()) {
        found.push(("user", user));
    }
    if let Some(role) = options.role.as_deref().filter(|r| !r.is_empty()) {
        found.push(("role", role));
    }
    found
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &CUSTOM_SELINUX_OPTIONS, 0) {
        return;
    }
    let minor = minor(ctx);
    if let Some(options) = pod_context(pod).and_then(|sc| sc.se_linux_options.as_ref()) {
        for (field, value) in forbidden(options, minor) {
            out.report(
                object,
                pod_context_at(pod, &format!("seLinuxOptions/{field}")),
                format!("pod sets SELinux {field} `{value}`"),
            );
        }
    }
    for c in &pod.containers {
        let Some(options) = container_context(c).and_then(|sc| sc.se_linux_options.as_ref()) else {
            continue;
        };
        for (field, value) in forbidden(options, minor) {
            out.report(
                object,
                c.at(&format!("securityContext/seLinuxOptions/{field}")),
                format!(
                    "{} `{}` sets SELinux {field} `{value}`",
                    c.kind.noun(),
                    c.name()
                ),
            );
        }
    }
}
