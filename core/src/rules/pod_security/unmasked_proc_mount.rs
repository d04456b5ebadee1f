use serde_json::json;

use crate::declare_rule;
use crate::model::{ContainerRef, Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{container_context, enforced, in_user_namespace, minor};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) that set
    /// `securityContext.procMount` to anything but `Default`.
    ///
    /// ## Why is this bad?
    /// The runtime masks sensitive parts of `/proc` (kernel keys, timers, `sysrq`) and
    /// makes others read-only. `Unmasked` removes that protection, which exposes the host
    /// kernel to the container unless the pod runs in its own user namespace.
    ///
    /// Severity: high: an unmasked `/proc` exposes kernel interfaces the runtime hides
    /// (`/proc/sys`, `/proc/sysrq-trigger`): a likely path to the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///   - name: buildkit
    ///     image: moby/buildkit:v0.16.0
    ///     securityContext:
    ///       procMount: Unmasked
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///   - name: buildkit
    ///     image: moby/buildkit:v0.16.0
    ///     securityContext:
    ///       procMount: Default
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `procMount: Default`; nested container builds that need an unmasked
    /// `/proc` break, and should run with `hostUsers: false` instead.
    ///
    /// ## Version history
    /// Pod Security Standards control `procMount` (baseline), since policy version v1.0.
    /// From v1.35 on, baseline no longer applies to pods with `hostUsers: false` (their
    /// `/proc` belongs to their own user namespace); restricted then refuses `Unmasked`
    /// through `unmasked-proc-mount-restricted`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: /proc Mount Type
    pub static UNMASKED_PROC_MOUNT = Rule {
        id: "unmasked-proc-mount",
        title: "Unmasked /proc mount",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `procMount` or set it to `Default`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "procMount", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The container's `procMount` when it is not `Default`.
pub(crate) fn non_default_proc_mount(c: &ContainerRef) -> Option<&str> {
    container_context(c)
        .and_then(|sc| sc.proc_mount.as_deref())
        .filter(|mount| *mount != "Default")
}

/// Whether baseline at `minor` lets this pod unmask `/proc`.
pub(crate) fn baseline_allows(pod: &PodTemplate, minor: u32) -> bool {
    minor >= since::USER_NAMESPACES && in_user_namespace(pod)
}

pub(crate) fn report(object: &Object<'_>, c: &ContainerRef, mount: &str, out: &mut Emitter) {
    let pointer = c.at("securityContext/procMount");
    out.report(
        object,
        &pointer,
        format!("{} `{}` sets `procMount: {mount}`", c.kind.noun(), c.name()),
    )
    .fix_set("set `procMount: Default`", pointer, json!("Default"));
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &UNMASKED_PROC_MOUNT, 0) || baseline_allows(pod, minor(ctx)) {
        return;
    }
    for c in &pod.containers {
        if let Some(mount) = non_default_proc_mount(c) {
            report(object, c, mount, out);
        }
    }
}
