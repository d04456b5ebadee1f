use serde_json::json;

use crate::declare_rule;
use crate::model::{ContainerRef, Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::pss_overlap::capability_name;
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
    /// Severity: medium: `no_new_privs` stops set-user-ID binaries from gaining privileges:
    /// defence in depth missing. A privileged or `SYS_ADMIN` container is reported once, by
    /// `privileged-container` or `sys-admin-capability`.
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
    /// A container that sets `privileged: true` or adds `SYS_ADMIN` gets no automatic
    /// fix: the API server refuses `allowPrivilegeEscalation: false` together with
    /// `privileged: true` or with `CAP_SYS_ADMIN` in `capabilities.add`, and such a
    /// container can escalate anyway. The message says to remove those first (see
    /// `privileged-container` and `sys-admin-capability`).
    ///
    /// ## Version history
    /// Pod Security Standards control `allowPrivilegeEscalation` (restricted), from policy
    /// version v1.8 on. From v1.25 on, pods with `spec.os.name: windows` are exempt.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Privilege Escalation
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

/// What the container sets that the API server refuses together with
/// `allowPrivilegeEscalation: false` (Kubernetes `ValidateSecurityContext`): `privileged:
/// true`, or `CAP_SYS_ADMIN` in `capabilities.add`. `SYS_ADMIN` in any spelling counts,
/// since escalation stays possible with it whatever the field says.
fn conflict(c: &ContainerRef) -> Option<&'static str> {
    let sc = container_context(c)?;
    if sc.privileged == Some(true) {
        return Some("`privileged: true`");
    }
    let added = sc.capabilities.as_ref().and_then(|caps| caps.add.as_ref());
    added
        .into_iter()
        .flatten()
        .any(|cap| capability_name(cap) == "SYS_ADMIN")
        .then_some("`SYS_ADMIN` from `capabilities.add`")
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
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
        let message = format!("{} `{}` {what}", c.kind.noun(), c.name());
        match conflict(c) {
            // No fix: the API server would refuse it.
            Some(setting) => {
                out.report(
                    object,
                    &pointer,
                    format!(
                        "{message}; remove {setting} first (the API server refuses `allowPrivilegeEscalation: false` with it)"
                    ),
                );
            }
            None => {
                out.report(object, &pointer, message)
                    .fix_set(
                        "set `allowPrivilegeEscalation: false`",
                        pointer,
                        json!(false),
                    )
                    .fix_is_safe();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Finding;
    use crate::rules::test_support::run;

    /// The findings on one container whose block `securityContext` holds `fields`.
    fn findings(fields: &[&str]) -> Vec<Finding> {
        let context: String = fields.iter().map(|f| format!("      {f}\n")).collect();
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n{context}"
        );
        run("privilege-escalation", &yaml, |_| {})
    }

    #[test]
    fn offers_no_fix_the_api_server_refuses() {
        for fields in [
            &["privileged: true"][..],
            &["privileged: true", "allowPrivilegeEscalation: true"],
            &["capabilities: {add: [CAP_SYS_ADMIN]}"],
            &["capabilities: {add: [NET_ADMIN, sys_admin]}"],
        ] {
            let found = findings(fields);
            assert_eq!(found.len(), 1, "{fields:?}");
            assert!(found[0].fix.is_none(), "{fields:?}: {:?}", found[0].fix);
            assert!(
                found[0].message.contains("first (the API server refuses"),
                "{fields:?}: {}",
                found[0].message
            );
        }
    }

    #[test]
    fn still_fixes_a_container_that_is_not_privileged() {
        for fields in [
            &["privileged: false"][..],
            &["privileged: false", "allowPrivilegeEscalation: true"],
            &["capabilities: {add: [NET_BIND_SERVICE]}"],
        ] {
            let found = findings(fields);
            assert_eq!(found.len(), 1, "{fields:?}");
            let fix = found[0].fix.as_ref().expect("a fix");
            assert_eq!(
                fix.patch[0]["path"],
                "/spec/containers/0/securityContext/allowPrivilegeEscalation"
            );
        }
    }
}
