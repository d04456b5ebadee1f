use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags Prometheus Operator scrape endpoints (`monitoring.coreos.com`
    /// `ServiceMonitor` `spec.endpoints[]`, `PodMonitor` `spec.podMetricsEndpoints[]`)
    /// that send credentials without verified TLS:
    /// - `scheme: https` with `tlsConfig.insecureSkipVerify: true` (medium; high when the
    ///   endpoint sends a credential: `bearerTokenFile`, `bearerTokenSecret`, `authorization`,
    ///   `basicAuth` or `oauth2`);
    /// - `scheme: http` with one of those credentials (high).
    ///
    /// Field names are those of the CRDs (`servicemonitors.monitoring.coreos.com`,
    /// `podmonitors.monitoring.coreos.com`, prometheus-operator v0.x `v1`).
    ///
    /// ## Why is this bad?
    /// Prometheus sends the credential with every scrape. Without verifying the target,
    /// anyone who can stand in for it (a pod that takes over the service's endpoints, a
    /// spoofed address) collects the token: kube-prometheus' kubelet and API server
    /// monitors send Prometheus' own service account token, which can read metrics and
    /// more across the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// metadata:
    ///   name: app
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   endpoints:
    ///   - port: metrics
    ///     scheme: https
    ///     bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    ///     tlsConfig:
    ///       insecureSkipVerify: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// metadata:
    ///   name: app
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   endpoints:
    ///   - port: metrics
    ///     scheme: https
    ///     bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    ///     tlsConfig:
    ///       caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    ///       serverName: web.shop.svc
    /// ```
    ///
    /// ## Known problems
    /// Kubelets serve self-signed certificates unless `serverTLSBootstrap` is on, which
    /// is why kube-prometheus skips verification for them; the finding is still true.
    ///
    /// ## References
    /// - https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint
    pub static METRICS_SCRAPE_INSECURE_TLS = Rule {
        id: "metrics-scrape-insecure-tls",
        title: "Metrics scrape sends credentials without verified TLS",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "ServiceMonitor, PodMonitor (Prometheus Operator)",
        remediation: "Scrape over `https` with `tlsConfig.ca`/`caFile` and `serverName`, and remove `insecureSkipVerify`.",
        references: &[
            "https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.SafeTLSConfig",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Endpoint fields that carry a credential.
const CREDENTIAL_FIELDS: &[&str] = &[
    "bearerTokenFile",
    "bearerTokenSecret",
    "authorization",
    "basicAuth",
    "oauth2",
];

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.group() != "monitoring.coreos.com" {
        return;
    }
    let list = match object.kind.as_str() {
        "ServiceMonitor" => "endpoints",
        "PodMonitor" => "podMetricsEndpoints",
        _ => return,
    };
    let endpoints = object
        .at(&format!("/spec/{list}"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let port = endpoint
            .get("port")
            .and_then(crate::rules::control_plane::settings::scalar_text)
            .unwrap_or("?");
        let credential = CREDENTIAL_FIELDS
            .iter()
            .find(|f| endpoint.get(f).is_some_and(|v| !v.is_null()));
        let scheme = endpoint
            .get("scheme")
            .and_then(Node::as_str)
            .unwrap_or("http");
        let base = format!("/spec/{list}/{i}");
        let skip = endpoint
            .get("tlsConfig")
            .and_then(|t| t.get("insecureSkipVerify"))
            .and_then(Node::as_bool)
            == Some(true);
        if let (Some(field), true) = (credential, scheme.eq_ignore_ascii_case("http")) {
            let pointer = if endpoint.get("scheme").is_some() {
                format!("{base}/scheme")
            } else {
                format!("{base}/{field}")
            };
            out.report(
                object,
                pointer,
                format!("endpoint on port `{port}` sends its `{field}` credential over plain HTTP"),
            )
            .severity = Some(Severity::High);
        } else if skip && scheme.eq_ignore_ascii_case("https") {
            let (what, severity) = match credential {
                Some(field) => (
                    format!(" and sends its `{field}` credential to whoever answers"),
                    Severity::High,
                ),
                None => (String::new(), Severity::Medium),
            };
            out.report(
                object,
                format!("{base}/tlsConfig/insecureSkipVerify"),
                format!("endpoint on port `{port}` does not verify the target's certificate (`insecureSkipVerify: true`){what}"),
            )
            .severity = Some(severity);
        }
    }
}
