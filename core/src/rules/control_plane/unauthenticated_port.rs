use super::report;
use super::settings::{read, Component, Origin};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags ports that serve without authentication:
    /// - kube-apiserver `--insecure-port` other than `0` (critical), and
    ///   `--insecure-bind-address` while the insecure port is not `0` (high). Both flags
    ///   are gone: the insecure port could only be `0` from Kubernetes 1.20 and the flags
    ///   were removed in 1.24, so an API server of 1.24 or later does not start with them;
    /// - the kubelet read-only port: `--read-only-port` other than `0` (its default
    ///   `10255` when the kubelet has no `--config`) or `readOnlyPort` in a
    ///   `KubeletConfiguration` (medium).
    ///
    /// Read from static pod `command`/`args` (`--flag=value` or `--flag value`), kubeadm
    /// `extraArgs` (v1beta3 mapping or v1beta4 list), `kubeletExtraArgs` and
    /// `KubeletConfiguration`.
    ///
    /// ## Why is this bad?
    /// The API server's insecure port skips authentication and authorization: whoever
    /// reaches it is cluster-admin. The kubelet's read-only port answers anyone with the
    /// specs of every pod on the node (environment variables included) and its metrics.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 10255
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 0
    /// ```
    pub static UNAUTHENTICATED_PORT = Rule {
        id: "unauthenticated-port",
        title: "API server or kubelet port without authentication",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Static pods and workloads running kube-apiserver or the kubelet, kubeadm configurations, KubeletConfiguration",
        remediation: "Remove `--insecure-port` and `--insecure-bind-address`, and set the kubelet's `--read-only-port=0` (`readOnlyPort: 0`).",
        references: &[
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/",
            "https://kubernetes.io/docs/concepts/security/controlling-access/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Whether a port value opens the port (`0` and an empty value do not).
fn opens(port: &str) -> bool {
    !matches!(port.trim(), "" | "0")
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        match settings.component {
            Component::ApiServer => {
                let port = settings.get("insecure-port");
                if let Some(port) = port.as_ref().filter(|p| opens(&p.value)) {
                    report(
                        out,
                        object,
                        &settings,
                        port,
                        "serves the API over plain HTTP without authentication or authorization, a port removed in Kubernetes 1.24",
                        Some(Severity::Critical),
                    );
                }
                let port_closed = port.is_some_and(|p| !opens(&p.value));
                if let Some(address) = settings.get("insecure-bind-address") {
                    if !port_closed {
                        report(
                            out,
                            object,
                            &settings,
                            &address,
                            "exposes the unauthenticated insecure port beyond localhost, a flag removed in Kubernetes 1.24",
                            Some(Severity::High),
                        );
                    }
                }
            }
            Component::Kubelet => {
                if let Some(port) = settings.get("read-only-port").filter(|p| opens(&p.value)) {
                    let problem = if port.origin == Origin::Default {
                        "serves pod specs and metrics without authentication on the read-only port"
                    } else {
                        "opens the read-only port: pod specs and metrics without authentication"
                    };
                    report(
                        out,
                        object,
                        &settings,
                        &port,
                        problem,
                        Some(Severity::Medium),
                    );
                }
            }
            _ => {}
        }
    }
}
