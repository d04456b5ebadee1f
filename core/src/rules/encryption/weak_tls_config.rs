use crate::declare_rule;
use crate::model::Object;
use crate::rules::control_plane::report;
use crate::rules::control_plane::settings::{read, suite_pointer, Component};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags control-plane components that accept weak TLS:
    /// - `--tls-min-version` of `VersionTLS10` or `VersionTLS11` (kube-apiserver,
    ///   kubelet, kube-controller-manager, kube-scheduler; `tlsMinVersion` in a
    ///   `KubeletConfiguration`), or etcd's `--tls-min-version` of `TLS1.0`/`TLS1.1`;
    /// - cipher suites from Go's `crypto/tls` `InsecureCipherSuites()` list (RC4,
    ///   3DES and CBC-SHA256 suites) in `--tls-cipher-suites` (`tlsCipherSuites`) or
    ///   etcd's `--cipher-suites`.
    ///
    /// Read from static pod `command`/`args` (`--flag=value` or `--flag value`), etcd's
    /// `ETCD_*` environment, kubeadm `extraArgs` (v1beta3 mapping or v1beta4 list),
    /// `kubeletExtraArgs` and `KubeletConfiguration`. Unset values are not reported: Go's
    /// defaults are safe.
    ///
    /// ## Why is this bad?
    /// TLS 1.0 and 1.1 and these suites have practical attacks (BEAST, Lucky13, RC4
    /// biases, Sweet32): a client can be made to negotiate them, and the traffic they
    /// protect (tokens, Secrets, exec sessions) can be recovered by someone on the path.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsMinVersion: VersionTLS10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsMinVersion: VersionTLS12
    /// ```
    ///
    /// ## References
    /// - Go `crypto/tls`, `InsecureCipherSuites`: https://pkg.go.dev/crypto/tls#InsecureCipherSuites
    pub static WEAK_TLS_CONFIG = Rule {
        id: "weak-tls-config",
        title: "Control-plane component accepts old TLS versions or insecure cipher suites",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "Static pods and workloads running control-plane components or etcd, kubeadm configurations, KubeletConfiguration",
        remediation: "Set `--tls-min-version=VersionTLS12` (or 13) and drop RC4, 3DES and CBC-SHA256 cipher suites.",
        references: &[
            "https://pkg.go.dev/crypto/tls#InsecureCipherSuites",
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
            "https://etcd.io/docs/v3.5/op-guide/configuration/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Go's `crypto/tls` `InsecureCipherSuites()` (src/crypto/tls/cipher_suites.go, Go 1.22:
/// "This list includes RC4, CBC_SHA256, and 3DES cipher suites"), by the names
/// Kubernetes' `--tls-cipher-suites` and etcd's `--cipher-suites` accept.
const INSECURE_CIPHER_SUITES: &[&str] = &[
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
];

/// TLS versions below 1.2, as Kubernetes (`VersionTLS10`) and etcd (`TLS1.0`) name them.
fn is_old_tls(version: &str) -> bool {
    matches!(
        version.trim(),
        "VersionTLS10" | "VersionTLS11" | "TLS1.0" | "TLS1.1"
    )
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if let Some(min) = settings
            .get("tls-min-version")
            .filter(|v| is_old_tls(&v.value))
        {
            report(
                out,
                object,
                &settings,
                &min,
                "accepts TLS versions older than 1.2",
                None,
            );
        }
        let suites_flag = if settings.component == Component::Etcd {
            "cipher-suites"
        } else {
            "tls-cipher-suites"
        };
        let Some(suites) = settings.get(suites_flag) else {
            continue;
        };
        for suite in suites.items() {
            if INSECURE_CIPHER_SUITES.contains(&suite) {
                out.report(
                    object,
                    suite_pointer(object, &suites, suite),
                    format!(
                        "{} accepts the insecure cipher suite `{suite}` {}",
                        settings.subject,
                        suites.cite()
                    ),
                );
            }
        }
    }
}
