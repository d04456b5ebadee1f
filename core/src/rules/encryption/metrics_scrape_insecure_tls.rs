use crate::declare_rule;
use crate::model::Object;
use crate::rules::control_plane::settings::scalar_text;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags Prometheus Operator connections (`monitoring.coreos.com`: `ServiceMonitor`
    /// `spec.endpoints[]`, `PodMonitor` `spec.podMetricsEndpoints[]`, `Probe` (its
    /// `prober`), `ScrapeConfig`, and `Prometheus`/`PrometheusAgent`
    /// `spec.remoteWrite[]` by the scheme of its `url`) that send credentials without
    /// verified TLS:
    /// - `scheme: https` with `tlsConfig.insecureSkipVerify: true` (medium; high when the
    ///   endpoint sends a credential: `bearerTokenFile`, `bearerTokenSecret`, `authorization`,
    ///   `basicAuth` or `oauth2`);
    /// - `scheme: http` with one of those credentials (high).
    ///
    /// Field names are those of the CRDs as kube-prometheus ships them
    /// (`servicemonitors`, `podmonitors`, `probes`, `prometheuses` `v1`,
    /// `scrapeconfigs` `v1alpha1`).
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
        applies_to: "ServiceMonitor, PodMonitor, Probe, ScrapeConfig, Prometheus, PrometheusAgent (Prometheus Operator)",
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
    "sigv4",
    "bearerTokenSecret",
    "authorization",
    "basicAuth",
    "oauth2",
];

/// One place Prometheus connects to: where it is in the object, how messages name it,
/// the node holding its credentials and `tlsConfig`, and its scheme with the pointer
/// that sets it, if any.
struct Target<'a> {
    base: String,
    name: String,
    node: &'a Node,
    scheme: String,
    scheme_pointer: Option<String>,
}

/// The targets of a `monitoring.coreos.com` object.
fn targets<'a>(object: &Object<'a>) -> Vec<Target<'a>> {
    let scheme_of = |node: &Node, field: &str, base: &str| {
        let scheme = node.get(field).and_then(Node::as_str);
        (
            scheme.unwrap_or("http").to_ascii_lowercase(),
            scheme.map(|_| format!("{base}/{field}")),
        )
    };
    let list = |field: &str, noun: &str| {
        let items = object
            .at(&format!("/spec/{field}"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        items
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let base = format!("/spec/{field}/{i}");
                let (scheme, scheme_pointer) = scheme_of(node, "scheme", &base);
                let port = node.get("port").and_then(scalar_text).unwrap_or("?");
                Target {
                    name: format!("{noun} on port `{port}`"),
                    base,
                    node,
                    scheme,
                    scheme_pointer,
                }
            })
            .collect::<Vec<_>>()
    };
    let Some(spec) = object.at("/spec") else {
        return Vec::new();
    };
    match object.kind.as_str() {
        "ServiceMonitor" => list("endpoints", "endpoint"),
        "PodMonitor" => list("podMetricsEndpoints", "endpoint"),
        // The prober (a blackbox exporter) is reached at `prober.url` over `prober.scheme`.
        "Probe" => {
            let prober = spec.get("prober");
            let scheme = prober.and_then(|p| p.get("scheme")).and_then(Node::as_str);
            vec![Target {
                base: "/spec".to_owned(),
                name: "probe".to_owned(),
                node: spec,
                scheme: scheme.unwrap_or("http").to_ascii_lowercase(),
                scheme_pointer: scheme.map(|_| "/spec/prober/scheme".to_owned()),
            }]
        }
        "ScrapeConfig" => {
            let (scheme, scheme_pointer) = scheme_of(spec, "scheme", "/spec");
            vec![Target {
                base: "/spec".to_owned(),
                name: "scrape config".to_owned(),
                node: spec,
                scheme,
                scheme_pointer,
            }]
        }
        // Remote write sends every sample, with its credentials, to `url`.
        "Prometheus" | "PrometheusAgent" => {
            let items = spec
                .get("remoteWrite")
                .and_then(Node::as_seq)
                .unwrap_or_default();
            items
                .iter()
                .enumerate()
                .map(|(i, node)| {
                    let base = format!("/spec/remoteWrite/{i}");
                    let url = node.get("url").and_then(Node::as_str).unwrap_or("");
                    let scheme = url.split_once("://").map_or("", |(s, _)| s);
                    Target {
                        name: format!("remote write {i}"),
                        scheme: scheme.to_ascii_lowercase(),
                        scheme_pointer: Some(format!("{base}/url")),
                        base,
                        node,
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.group() != "monitoring.coreos.com" {
        return;
    }
    for target in targets(object) {
        let Target {
            base,
            name,
            node,
            scheme,
            scheme_pointer,
        } = target;
        let credential = CREDENTIAL_FIELDS
            .iter()
            .find(|f| node.get(f).is_some_and(|v| !v.is_null()));
        let skip = node
            .get("tlsConfig")
            .and_then(|t| t.get("insecureSkipVerify"))
            .and_then(Node::as_bool)
            == Some(true);
        if let (Some(field), "http") = (credential, scheme.as_str()) {
            out.report(
                object,
                scheme_pointer.unwrap_or_else(|| format!("{base}/{field}")),
                format!("{name} sends its `{field}` credential over plain HTTP"),
            )
            .severity = Some(Severity::High);
        } else if skip && scheme == "https" {
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
                format!("{name} does not verify the target's certificate (`insecureSkipVerify: true`){what}"),
            )
            .severity = Some(severity);
        }
    }
}
