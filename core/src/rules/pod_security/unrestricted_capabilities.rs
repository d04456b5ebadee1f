use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, FixSpec, PssControl};
use crate::severity::{Category, Severity};

use super::capabilities::added_severity;
use super::dangerous_capabilities::{is_baseline_capability, DANGEROUS_CAPABILITIES};
use super::pss_overlap::capability_name;
use super::standards::{container_context, enforced, is_windows, minor, reported_by};

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags containers (including init and ephemeral
    /// containers) that do not drop `ALL` capabilities, or that add any capability but
    /// `NET_BIND_SERVICE`.
    ///
    /// ## Why is this bad?
    /// The runtime's default capabilities (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`,
    /// `SETGID`, `MKNOD`...) are rarely needed by applications and give a root process
    /// in the container a good start on an escape. Dropping them all and adding back only
    /// what is needed keeps the container's power to the minimum.
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
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// Severity: medium for the default set kept (defence in depth missing). An added
    /// capability takes its severity from the capability table shared with
    /// `dangerous-capabilities` (low for the runtime's default ones such as `CHOWN`).
    ///
    /// ## Known problems
    /// Added capabilities outside the baseline set are left to `dangerous-capabilities`
    /// when that rule runs, so each is reported once.
    ///
    /// ## Fix safety
    /// The fix replaces `capabilities.drop` with `[ALL]`; a process that needs a default
    /// capability (changing file owners, switching users) fails until it is added back.
    ///
    /// ## Version history
    /// Pod Security Standards control `capabilities_restricted` (restricted), from policy
    /// version v1.22 on. From v1.25 on, pods with `spec.os.name: windows` are exempt.
    /// Names are compared exactly (`ALL`, `NET_BIND_SERVICE`).
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Capabilities
    pub static UNRESTRICTED_CAPABILITIES = Rule {
        id: "unrestricted-capabilities",
        title: "Capabilities not dropped",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `capabilities.drop: [ALL]` and add back only `NET_BIND_SERVICE` if the container needs it.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "capabilities_restricted", level: PssLevel::Restricted }),
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
    if !enforced(
        ctx,
        &UNRESTRICTED_CAPABILITIES,
        since::CAPABILITIES_RESTRICTED,
    ) || (minor(ctx) >= since::WINDOWS_EXEMPTION && is_windows(pod))
    {
        return;
    }
    let mut baseline_reports: Option<bool> = None;
    for c in &pod.containers {
        let capabilities = container_context(c).and_then(|sc| sc.capabilities.as_ref());
        let drop = capabilities.and_then(|caps| caps.drop.as_ref());
        if !drop.is_some_and(|d| d.iter().any(|cap| cap == "ALL")) {
            let pointer = c.at("securityContext/capabilities/drop");
            let miswritten =
                drop.is_some_and(|d| d.iter().any(|cap| cap.eq_ignore_ascii_case("ALL")));
            let hint = if miswritten {
                " (names are compared exactly: write `ALL`)"
            } else {
                ""
            };
            out.report(
                object,
                &pointer,
                format!(
                    "{} `{}` does not drop `ALL` capabilities{hint}",
                    c.kind.noun(),
                    c.name()
                ),
            )
            // Appended: the capabilities dropped already stay listed.
            .fix(FixSpec::new("drop all capabilities").add(format!("{pointer}/-"), json!("ALL")));
        }
        let added = capabilities.and_then(|caps| caps.add.as_ref());
        let alone = drop.is_some_and(|d| d.iter().any(|cap| cap == "ALL"))
            && added.is_some_and(|a| a.len() == 1);
        for (i, capability) in added.into_iter().flatten().enumerate() {
            if capability == "NET_BIND_SERVICE" {
                continue;
            }
            let left_to_baseline = !is_baseline_capability(capability)
                && *baseline_reports
                    .get_or_insert_with(|| reported_by(ctx, &DANGEROUS_CAPABILITIES, 0));
            if left_to_baseline {
                continue;
            }
            out.report(
                object,
                c.at(&format!("securityContext/capabilities/add/{i}")),
                format!(
                    "{} `{}` adds capability `{capability}`",
                    c.kind.noun(),
                    c.name()
                ),
            )
            .severity = Some(added_severity(&capability_name(capability), alone));
        }
    }
}
