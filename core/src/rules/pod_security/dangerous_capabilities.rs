use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::capabilities::{added_severity, find};
use super::pss_overlap::capability_name;
use super::standards::{container_context, enforced};

/// Whether the baseline level lets a container add `capability`, compared exactly, as
/// the admission library does (`chown` and `CAP_CHOWN` are not `CHOWN`).
pub(crate) fn is_baseline_capability(capability: &str) -> bool {
    find(capability).is_some_and(|c| c.baseline)
}

/// The exact spelling the admission expects when `capability` is a differently written
/// baseline capability (`chown`, `CAP_CHOWN`).
fn canonical_spelling(capability: &str) -> Option<&'static str> {
    let upper = capability.to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    find(name)
        .filter(|c| c.baseline && c.name != capability)
        .map(|c| c.name)
}

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) that add a capability
    /// outside the container runtimes' default set under `securityContext.capabilities.add`.
    ///
    /// ## Why is this bad?
    /// Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or `NET_RAW` hand out
    /// parts of root's power over the kernel: mounting file systems, reconfiguring the
    /// network, reading other processes' memory, spoofing packets. Most lead to a
    /// container escape.
    ///
    /// Severity: high by default, since most added capabilities are a likely path to the
    /// node; each capability's own severity comes from one table (see
    /// `core/src/rules/pod_security/capabilities.rs`): critical for `SYS_ADMIN`,
    /// `SYS_MODULE` and `ALL` (a direct compromise), medium for `SYS_TIME`, `NET_RAW`,
    /// `SYSLOG` (defence in depth), low for `IPC_LOCK` (a policy violation only). A
    /// container that drops `ALL` and adds back one capability is a step lower than the
    /// table says (a high one medium): it holds far less than the runtime's default set.
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
    ///         add: [SYS_ADMIN]
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
    /// ## Known problems
    /// Names are compared exactly as the API server's admission does: `CAP_CHOWN` or
    /// `chown` are reported even though some runtimes accept them.
    ///
    /// ## Version history
    /// Pod Security Standards control `capabilities_baseline` (baseline), unchanged since
    /// policy version v1.0. Allowed: `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`,
    /// `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`,
    /// `SETUID`, `SYS_CHROOT`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Capabilities
    pub static DANGEROUS_CAPABILITIES = Rule {
        id: "dangerous-capabilities",
        title: "Container adds a dangerous capability",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove the capability from `capabilities.add`; keep only runtime-default capabilities such as `NET_BIND_SERVICE`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
        pss: Some(PssControl { control: "capabilities_baseline", level: PssLevel::Baseline }),
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
    if !enforced(ctx, &DANGEROUS_CAPABILITIES, 0) {
        return;
    }
    for c in &pod.containers {
        let capabilities = container_context(c).and_then(|sc| sc.capabilities.as_ref());
        let added = capabilities.and_then(|caps| caps.add.as_ref());
        let drops_all = capabilities
            .and_then(|caps| caps.drop.as_ref())
            .is_some_and(|d| d.iter().any(|cap| cap == "ALL"));
        let outside_baseline = added
            .into_iter()
            .flatten()
            .filter(|cap| !is_baseline_capability(cap))
            .count();
        let alone = drops_all && outside_baseline == 1;
        for (i, capability) in added.into_iter().flatten().enumerate() {
            if is_baseline_capability(capability) {
                continue;
            }
            let hint = canonical_spelling(capability)
                .map(|c| format!(" (names are compared exactly: write `{c}`)"))
                .or_else(|| find(&capability_name(capability)).map(|c| format!(" ({})", c.why)))
                .unwrap_or_default();
            out.report(
                object,
                c.at(&format!("securityContext/capabilities/add/{i}")),
                format!(
                    "{} `{}` adds capability `{capability}`{hint}",
                    c.kind.noun(),
                    c.name()
                ),
            )
            .severity = Some(added_severity(&capability_name(capability), alone));
        }
    }
}
