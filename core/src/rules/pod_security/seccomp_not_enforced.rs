use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{container_context, enforced, is_windows, minor};
use super::unconfined_seccomp::{allowed_type as allowed, report_pod_profile};

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags pods where a container (including init and
    /// ephemeral containers) does not run with the `RuntimeDefault` or a `Localhost`
    /// seccomp profile: the container sets another type, or sets none while the pod
    /// sets no allowed one. A pod-level type other than those two is flagged as well.
    ///
    /// ## Why is this bad?
    /// Without a profile, most runtimes run the container unconfined: every system call,
    /// including the ones only kernel exploits use, is allowed.
    ///
    /// Severity: medium: a missing seccomp profile leaves the full system call surface
    /// open: defence in depth missing.
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
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Known problems
    /// An explicit `Unconfined` is also reported by `unconfined-seccomp` (baseline): both
    /// controls forbid it at the restricted level.
    ///
    /// ## Fix safety
    /// The fix sets `RuntimeDefault` on the container; software that needs a blocked
    /// system call fails and needs a `Localhost` profile.
    ///
    /// ## Version history
    /// Pod Security Standards control `seccompProfile_restricted` (restricted), from
    /// policy version v1.19 on. From v1.25 on, pods with `spec.os.name: windows` are
    /// exempt.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Seccomp
    pub static SECCOMP_NOT_ENFORCED = Rule {
        id: "seccomp-not-enforced",
        title: "Seccomp profile not enforced",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
        pss: Some(PssControl { control: "seccompProfile_restricted", level: PssLevel::Restricted }),
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
    if !enforced(ctx, &SECCOMP_NOT_ENFORCED, since::SECCOMP_PROFILE_FIELDS)
        || (minor(ctx) >= since::WINDOWS_EXEMPTION && is_windows(pod))
    {
        return;
    }
    let pod_allowed = report_pod_profile(object, pod, out);
    for c in &pod.containers {
        let message = match container_context(c).and_then(|sc| sc.seccomp_profile.as_ref()) {
            Some(profile) if allowed(profile) => continue,
            Some(profile) => format!("sets `seccompProfile.type: {}`", profile.type_),
            None if pod_allowed => continue,
            None => "has no seccomp profile, and the pod sets no allowed one".to_owned(),
        };
        let pointer = c.at("securityContext/seccompProfile/type");
        out.report(
            object,
            &pointer,
            format!("{} `{}` {message}", c.kind.noun(), c.name()),
        )
        .fix_set(
            "use the runtime's default profile",
            pointer,
            json!("RuntimeDefault"),
        )
        .fix_is_safe();
    }
}
