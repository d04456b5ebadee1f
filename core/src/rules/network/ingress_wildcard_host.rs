use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Ingress rules without a `host` (they take requests for any host name) or
    /// with a wildcard host (`*.example.com`), and an Ingress `defaultBackend` (it takes
    /// whatever no rule matched).
    ///
    /// ## Why is this bad?
    /// A catch-all route serves the backend under every name that resolves to the
    /// controller, including names the owner never meant to publish; with a shared
    /// controller, one team's catch-all can capture another's traffic. A wildcard also
    /// needs a wildcard certificate, whose key then protects every subdomain.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   rules:
    ///   - http:
    ///       paths:
    ///       - path: /
    ///         pathType: Prefix
    ///         backend:
    ///           service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - path: /
    ///         pathType: Prefix
    ///         backend:
    ///           service: {name: web, port: {number: 80}}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
    pub static INGRESS_WILDCARD_HOST = Rule {
        id: "ingress-wildcard-host",
        title: "Ingress route for any host name",
        category: Category::Network,
        severity: Severity::Low,
        applies_to: "Ingress",
        remediation: "Give each rule the exact `host` it serves.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Ingress" || !matches!(object.group(), "networking.k8s.io" | "extensions") {
        return;
    }
    for backend in ["/spec/defaultBackend", "/spec/backend"] {
        if object.at(backend).is_some_and(|n| !n.is_null()) {
            out.report(
                object,
                backend,
                "`defaultBackend` takes requests for any host and path that no rule matches",
            );
        }
    }
    let rules = object
        .at("/spec/rules")
        .and_then(|n| n.as_seq())
        .unwrap_or_default();
    for (i, rule) in rules.iter().enumerate() {
        match rule
            .get("host")
            .and_then(|h| h.as_str())
            .filter(|h| !h.is_empty())
        {
            None => {
                out.report(
                    object,
                    format!("/spec/rules/{i}"),
                    "rule has no `host`: it serves requests for any host name",
                );
            }
            Some(host) if host.starts_with('*') => {
                out.report(
                    object,
                    format!("/spec/rules/{i}/host"),
                    format!("rule serves the wildcard host `{host}`"),
                );
            }
            Some(_) => {}
        }
    }
}
