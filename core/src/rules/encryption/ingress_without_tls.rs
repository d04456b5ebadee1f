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
    ///
    /// ## References
    /// - NSA/CISA Kubernetes Hardening Guide: Network separation and hardening (encrypt traffic)
    pub static INGRESS_WITHOUT_TLS = Rule {
        id: "ingress-without-tls",
        title: "Ingress without TLS",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "Ingress",
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

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Ingress" || !matches!(object.group(), "networking.k8s.io" | "extensions") {
        return;
    }
    let routes = ["/spec/rules", "/spec/defaultBackend", "/spec/backend"]
        .into_iter()
        .find(|pointer| object.at(pointer).is_some_and(|n| !n.is_null()));
    let Some(routes) = routes else { return };
    if has_tls(object) {
        return;
    }
    out.report(
        object,
        routes,
        "ingress serves plain HTTP: it has no `spec.tls` and no certificate annotation",
    );
}
