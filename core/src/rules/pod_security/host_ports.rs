use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::enforced;

declare_rule! {
    /// ## What it does
    /// Flags container ports that set a `hostPort` (any value but `0`), in containers,
    /// init containers and ephemeral containers.
    ///
    /// ## Why is this bad?
    /// A host port binds the port on the node's own network interfaces: the pod becomes
    /// reachable from outside the cluster network, bypassing Services and network
    /// policies, and the port is taken on the node for everyone else.
    ///
    /// Severity: medium: a host port exposes the container on the node's address and
    /// bypasses the Service and NetworkPolicy layer: defence in depth missing.
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
    ///     ports:
    ///     - containerPort: 8080
    ///       hostPort: 80
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
    ///     ports:
    ///     - containerPort: 8080
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `hostPorts` (baseline), unchanged since policy
    /// version v1.0. The standard allows an explicit list of known ports; the
    /// admission library's default allows none, and so does this rule.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Host Ports
    pub static HOST_PORTS = Rule {
        id: "host-ports",
        title: "Container binds a host port",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `hostPort` and expose the port through a Service.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "hostPorts", level: PssLevel::Baseline }),
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
    if !enforced(ctx, &HOST_PORTS, 0) {
        return;
    }
    for c in &pod.containers {
        for (i, port) in c.container.ports.iter().flatten().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port != 0 {
                out.report(
                    object,
                    c.at(&format!("ports/{i}/hostPort")),
                    format!(
                        "{} `{}` binds host port `{host_port}`",
                        c.kind.noun(),
                        c.name()
                    ),
                );
            }
        }
    }
}
