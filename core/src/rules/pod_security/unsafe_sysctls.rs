use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{enforced, minor, pod_context, pod_context_at};

declare_rule! {
    /// ## What it does
    /// Flags pod `securityContext.sysctls` outside the safe set of the policy version.
    ///
    /// ## Why is this bad?
    /// Most sysctls are not isolated per pod: setting them changes the whole node's
    /// kernel for every other pod, or opens the node to denial of service. Only a short
    /// list is known to be namespaced and harmless.
    ///
    /// Severity: medium: the kubelet only admits namespaced sysctls, so an
    /// unsafe one affects the node's other pods (memory, queues), not the node's control:
    /// defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
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
    ///     sysctls:
    ///     - name: net.ipv4.ip_local_port_range
    ///       value: "1024 65000"
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `sysctls` (baseline). Allowed from v1.0:
    /// `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`,
    /// `net.ipv4.ping_group_range`; from v1.27 `net.ipv4.ip_local_reserved_ports`; from
    /// v1.29 `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`; from v1.32
    /// `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; from v1.37
    /// `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Sysctls
    /// - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
    pub static UNSAFE_SYSCTLS = Rule {
        id: "unsafe-sysctls",
        title: "Unsafe sysctl",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove the sysctl, or tune the node itself instead of the pod.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "sysctls", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn is_safe(name: &str, minor: u32) -> bool {
    since::SAFE_SYSCTLS
        .iter()
        .any(|(safe, since)| *safe == name && minor >= *since)
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &UNSAFE_SYSCTLS, 0) {
        return;
    }
    let minor = minor(ctx);
    let sysctls = pod_context(pod).and_then(|sc| sc.sysctls.as_ref());
    for (i, sysctl) in sysctls.into_iter().flatten().enumerate() {
        if !is_safe(&sysctl.name, minor) {
            out.report(
                object,
                pod_context_at(pod, &format!("sysctls/{i}/name")),
                format!("pod sets sysctl `{}`", sysctl.name),
            );
        }
    }
}
