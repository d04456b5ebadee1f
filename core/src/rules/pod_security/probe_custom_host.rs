use k8s_openapi::api::core::v1::{HTTPGetAction, TCPSocketAction};

use crate::declare_rule;
use crate::model::{ContainerRef, Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::enforced;

declare_rule! {
    /// ## What it does
    /// Flags liveness, readiness and startup probes and `postStart`/`preStop` lifecycle
    /// hooks whose `httpGet` or `tcpSocket` action sets a `host`.
    ///
    /// ## Why is this bad?
    /// The kubelet runs probes and hooks from the node. A `host` field turns it into a
    /// proxy: the pod's author makes the node connect to any address, including services
    /// only the node can reach (cloud metadata endpoints, the node's own ports).
    ///
    /// Severity: medium: the kubelet sends the probe from the node to any address: a
    /// request forgery from the node, defence in depth missing rather than a path to it.
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
    ///     livenessProbe:
    ///       httpGet:
    ///         host: 169.254.169.254
    ///         port: 80
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
    ///     livenessProbe:
    ///       httpGet:
    ///         port: 80
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `hostProbesAndHostLifecycle` (baseline), from
    /// policy version v1.34 on; older versions allow any host. Any non-empty host is
    /// refused, `127.0.0.1` and `::1` included.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Probes and Lifecycle Hooks
    pub static PROBE_CUSTOM_HOST = Rule {
        id: "probe-custom-host",
        title: "Probe or lifecycle hook targets another host",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove the `host` field so the probe or hook targets the pod's own IP.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "hostProbesAndHostLifecycle", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// `(pointer below the container, host)` of every probe or hook action that sets a host.
fn custom_hosts(c: &ContainerRef, object: &Object<'_>) -> Vec<(String, String)> {
    let mut actions: Vec<(&str, Option<HTTPGetAction>, Option<TCPSocketAction>)> = Vec::new();
    for field in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.probe(object, field) {
            actions.push((field, p.http_get, p.tcp_socket));
        }
    }
    if let Some(lifecycle) = c.lifecycle(object) {
        for (field, hook) in [
            ("lifecycle/postStart", lifecycle.post_start),
            ("lifecycle/preStop", lifecycle.pre_stop),
        ] {
            if let Some(h) = hook {
                actions.push((field, h.http_get, h.tcp_socket));
            }
        }
    }
    let mut found = Vec::new();
    for (field, http, tcp) in actions {
        if let Some(host) = http.and_then(|a| a.host).filter(|h| !h.is_empty()) {
            found.push((format!("{field}/httpGet/host"), host));
        }
        if let Some(host) = tcp.and_then(|a| a.host).filter(|h| !h.is_empty()) {
            found.push((format!("{field}/tcpSocket/host"), host));
        }
    }
    found
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &PROBE_CUSTOM_HOST, since::HOST_PROBES) {
        return;
    }
    for c in &pod.containers {
        for (relative, host) in custom_hosts(c, object) {
            // `lifecycle/postStart/httpGet/host` reads as `lifecycle.postStart`.
            let what = relative
                .rsplitn(3, '/')
                .nth(2)
                .unwrap_or_default()
                .replace('/', ".");
            out.report(
                object,
                c.at(&relative),
                format!(
                    "{} `{}` sets `{what}` host `{host}`",
                    c.kind.noun(),
                    c.name()
                ),
            );
        }
    }
}
