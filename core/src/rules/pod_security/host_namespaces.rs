use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::enforced;

declare_rule! {
    /// ## What it does
    /// Flags pods that share a namespace of the node: `hostNetwork: true`,
    /// `hostPID: true` or `hostIPC: true`.
    ///
    /// ## Why is this bad?
    /// With the host's network namespace a pod sees and binds every interface of the
    /// node and bypasses network policies; with the host's PID namespace it sees (and, as
    /// root, signals or ptraces) every process on the node; with the host's IPC namespace
    /// it reads other processes' shared memory.
    ///
    /// Severity: high: the node's network, process or IPC namespace exposes node-local
    /// services, other pods' processes and shared memory: a likely path to the node, not a
    /// compromise by itself.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   hostNetwork: true
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
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets the field to `false`. A pod that listens on node ports or inspects
    /// node processes (monitoring agents, CNI plugins) stops working; expose it through a
    /// Service instead, or keep it in a privileged namespace.
    ///
    /// ## Version history
    /// Pod Security Standards control `hostNamespaces` (baseline), unchanged since policy
    /// version v1.0.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Host Namespaces
    pub static HOST_NAMESPACES = Rule {
        id: "host-namespaces",
        title: "Pod shares a host namespace",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to `false`).",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "hostNamespaces", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The host namespaces the pod joins, by field name.
fn shared_namespaces(pod: &PodTemplate) -> Vec<&'static str> {
    let spec = &pod.spec;
    [
        ("hostNetwork", spec.host_network),
        ("hostPID", spec.host_pid),
        ("hostIPC", spec.host_ipc),
    ]
    .into_iter()
    .filter(|(_, value)| *value == Some(true))
    .map(|(field, _)| field)
    .collect()
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &HOST_NAMESPACES, 0) {
        return;
    }
    for field in shared_namespaces(pod) {
        let pointer = pod.at(field);
        let finding = out
            .report(object, &pointer, format!("pod sets `{field}: true`"))
            .fix_set(format!("set `{field}: false`"), pointer, json!(false));
        // Turning off hostPID or hostIPC hides the host's processes and IPC objects from
        // the pod; leaving the host's network changes the pod's ports and addresses.
        if field != "hostNetwork" {
            finding.fix_is_safe();
        }
    }
}
