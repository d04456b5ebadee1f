use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Ingresses (`networking.k8s.io`) that route traffic (`spec.rules` or
    /// `spec.defaultBackend`) but have no `spec.tls` entry, unless a certificate is
    /// attached by annotation: GKE (`ingress.gcp.kubernetes.io/pre-shared-cert`,
    /// `networking.gke.io/managed-certificates`), AWS Load Balancer Controller
    /// (`alb.ingress.kubernetes.io/certificate-arn`). cert-manager's annotations do not
    /// count: cert-manager only issues certificates for the hosts of `spec.tls`.
    ///
    /// Also flags an Ingress with TLS whose ingress-nginx annotation
    /// `nginx.ingress.kubernetes.io/ssl-redirect: "false"` turns the HTTPS redirect off
    /// (unless `force-ssl-redirect: "true"` turns it back on), and Gateway API
    /// `Gateway` listeners of `protocol: HTTP` on a Gateway that has no `HTTPS` or `TLS`
    /// listener (an HTTP listener next to an HTTPS one is taken to redirect).
    ///
    /// ## Why is this bad?
    /// Without TLS the Ingress serves plain HTTP: credentials, session cookies and data
    /// cross the network readable and modifiable by anyone on the path.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - path: /
    ///         pathType: Prefix
    ///         backend:
    ///           service:
    ///             name: web
    ///             port:
    ///               number: 80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   tls:
    ///   - hosts: [shop.example.com]
    ///     secretName: shop-example-com-tls
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - path: /
    ///         pathType: Prefix
    ///         backend:
    ///           service:
    ///             name: web
    ///             port:
    ///               number: 80
    /// ```
    ///
    /// ## Known problems
    /// TLS terminated in front of the cluster (a CDN, an external load balancer) is not
    /// visible in the manifest; suppress the finding with a reason.
    pub static INGRESS_WITHOUT_TLS = Rule {
        id: "ingress-without-tls",
        title: "Ingress or Gateway without TLS",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "Ingress, Gateway",
        remediation: "Add a `spec.tls` entry with the hosts and a certificate Secret, or attach a certificate with your controller's annotation.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Annotations through which a controller attaches a certificate to an Ingress.
const CERTIFICATE_ANNOTATIONS: &[&str] = &[
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "networking.gke.io/managed-certificates",
    "alb.ingress.kubernetes.io/certificate-arn",
];

fn has_tls(object: &Object<'_>) -> bool {
    let tls = object
        .at("/spec/tls")
        .and_then(|n| n.as_seq())
        .is_some_and(|entries| !entries.is_empty());
    tls || CERTIFICATE_ANNOTATIONS
        .iter()
        .any(|key| object.annotation(key).is_some_and(|v| !v.trim().is_empty()))
}

const SSL_REDIRECT: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
const FORCE_SSL_REDIRECT: &str = "nginx.ingress.kubernetes.io/force-ssl-redirect";

/// Gateway API listeners: plain HTTP, unless the Gateway also terminates TLS.
/// (`gateway.networking.k8s.io` `Gateway.spec.listeners[].protocol`.)
fn check_gateway(object: &Object<'_>, out: &mut Emitter) {
    let listeners = object
        .at("/spec/listeners")
        .and_then(|n| n.as_seq())
        .unwrap_or_default();
    let protocol = |l: &crate::yaml::Node| {
        l.get("protocol")
            .and_then(|p| p.as_str())
            .map(str::to_owned)
    };
    if listeners
        .iter()
        .any(|l| matches!(protocol(l).as_deref(), Some("HTTPS" | "TLS")))
    {
        return;
    }
    for (i, listener) in listeners.iter().enumerate() {
        if protocol(listener).as_deref() == Some("HTTP") {
            let name = listener.get("name").and_then(|n| n.as_str()).unwrap_or("?");
            out.report(
                object,
                format!("/spec/listeners/{i}/protocol"),
                format!("gateway listener `{name}` serves plain HTTP and the gateway has no `HTTPS` or `TLS` listener"),
            );
        }
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind == "Gateway" && object.group() == "gateway.networking.k8s.io" {
        check_gateway(object, out);
        return;
    }
    if object.kind != "Ingress" || !matches!(object.group(), "networking.k8s.io" | "extensions") {
        return;
    }
    let routes = ["/spec/rules", "/spec/defaultBackend", "/spec/backend"]
        .into_iter()
        .find(|pointer| object.at(pointer).is_some_and(|n| !n.is_null()));
    let Some(routes) = routes else { return };
    if has_tls(object) {
        let off = |key: &str, value: &str| {
            object
                .annotation(key)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
        };
        if off(SSL_REDIRECT, "false") && !off(FORCE_SSL_REDIRECT, "true") {
            out.report(
                object,
                format!("/metadata/annotations/{}", crate::pointer::escape(SSL_REDIRECT)),
                "`nginx.ingress.kubernetes.io/ssl-redirect: \"false\"` turns the HTTPS redirect off: the ingress also serves plain HTTP",
            );
        }
        return;
    }
    out.report(
        object,
        routes,
        "ingress serves plain HTTP: it has no `spec.tls` and no certificate annotation",
    );
}
