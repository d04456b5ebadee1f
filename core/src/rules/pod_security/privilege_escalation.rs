use serde_json::json;

use crate::declare_rule;
use crate::model::{ContainerRef, Object};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{container_context, enforced, is_windows, minor};

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags containers (including init and ephemeral
    /// containers) that do not set `securityContext.allowPrivilegeEscalation: false`.
    ///
    /// ## Why is this bad?
    /// Unless it is `false`, a process in the container can gain more privileges than its
    /// parent, through setuid binaries or file capabilities: a non-root user runs `sudo`
    /// or a setuid exploit and becomes root in the container.
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
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `allowPrivilegeEscalation: false` (it sets the kernel's
    /// `no_new_privs`); programs that rely on setuid binaries, such as `sudo` or `ping`
    /// on old images, stop gaining privileges.
    ///
    /// ## Version history
    /// Pod Security Standards control `allowPrivilegeEscalation` (restricted), from policy
    /// version v1.8 on. From v1.25 on, pods with `spec.os.name: windows` are exempt.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Privilege Escalation
    /// - CIS Kubernetes Benchmark 5.2.6
    pub static PRIVILEGE_ESCALATION = Rule {
        id: "privilege-escalation",
        title: "Privilege escalation not turned off",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` in every container.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "allowPrivilegeEscalation", level: PssLevel::Restricted }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The container's setting when it does not turn escalation off.
fn escalation(c: &ContainerRef) -> Option<Option<bool>> {
    match container_context(c).and_then(|sc| sc.allow_privilege_escalation) {
        Some(false) => None,
        other => Some(other),
    }
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some(pod) = &object.pod else { return };
    if !enforced(
        ctx,
        &PRIVILEGE_ESCALATION,
        since::ALLOW_PRIVILEGE_ESCALATION,
    ) || (minor(ctx) >= since::WINDOWS_EXEMPTION && is_windows(pod))
    {
        return;
    }
    for c in &pod.containers {
        let Some(setting) = escalation(c) else {
            continue;
        };
        let what = match setting {
            Some(_) => "sets `allowPrivilegeEscalation: true`",
            None => "does not set `allowPrivilegeEscalation: false`",
        };
        let pointer = c.at("securityContext/allowPrivilegeEscalation");
        out.report(
            object,
            &pointer,
            format!("{} `{}` {what}", c.kind.noun(), c.name()),
        )
        .fix_set(
            "set `allowPrivilegeEscalation: false`",
            pointer,
            json!(false),
        );
    }
}
