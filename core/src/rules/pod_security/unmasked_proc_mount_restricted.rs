use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{enforced, minor, reported_by};
use super::unmasked_proc_mount::{
    baseline_allows, non_default_proc_mount, report, UNMASKED_PROC_MOUNT,
};

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags containers that set `securityContext.procMount` to
    /// anything but `Default`, even in pods that run in their own user namespace
    /// (`hostUsers: false`), which the baseline level allows.
    ///
    /// ## Why is this bad?
    /// An unmasked `/proc` inside a user namespace is much less dangerous than on the
    /// host's, but it still exposes kernel interfaces the runtime hides by default: the
    /// restricted level wants the smallest possible surface.
    ///
    /// Severity: medium: the restricted level's stricter form of `unmasked-proc-mount`:
    /// defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   hostUsers: false
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
    ///   hostUsers: false
    ///   containers:
    ///   - name: buildkit
    ///     image: moby/buildkit:v0.16.0
    ///     securityContext:
    ///       procMount: Default
    /// ```
    ///
    /// ## Known problems
    /// Where `unmasked-proc-mount` already reports the container (pods sharing the host's
    /// user namespace), this rule stays silent so the problem is reported once.
    ///
    /// ## Version history
    /// Pod Security Standards control `procMount_restricted` (restricted), from policy
    /// version v1.35 on, when baseline began to allow `Unmasked` with `hostUsers: false`.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: /proc Mount Type
    pub static UNMASKED_PROC_MOUNT_RESTRICTED = Rule {
        id: "unmasked-proc-mount-restricted",
        title: "Unmasked /proc mount in a user namespace",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `procMount` or set it to `Default`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "procMount_restricted", level: PssLevel::Restricted }),
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
    if !enforced(ctx, &UNMASKED_PROC_MOUNT_RESTRICTED, since::USER_NAMESPACES) {
        return;
    }
    let unmasked: Vec<_> = pod
        .containers
        .iter()
        .filter_map(|c| Some((c, non_default_proc_mount(c)?)))
        .collect();
    let left_to_baseline =
        || !baseline_allows(pod, minor(ctx)) && reported_by(ctx, &UNMASKED_PROC_MOUNT, 0);
    if unmasked.is_empty() || left_to_baseline() {
        return;
    }
    for (c, mount) in unmasked {
        report(object, c, mount, out);
    }
}
