use std::net::IpAddr;

use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `type: ExternalName` Services whose `externalName` points inside the
    /// cluster or at the node: a cluster DNS name (`*.svc`, `*.cluster.local`,
    /// `kubernetes.default`), `localhost`, or a loopback, link-local (cloud metadata,
    /// `169.254.169.254`) or unspecified address.
    ///
    /// ## Why is this bad?
    /// An ExternalName is a DNS alias that Ingress controllers and meshes follow. One
    /// that points at another namespace's Service, the API server or the metadata
    /// endpoint lets whoever can create Services in this namespace route traffic across
    /// namespace boundaries through a trusted proxy (CVE-2021-25740).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: billing, namespace: shop}
    /// spec:
    ///   type: ExternalName
    ///   externalName: billing.finance.svc.cluster.local
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: billing, namespace: shop}
    /// spec:
    ///   type: ExternalName
    ///   externalName: billing.example.com
    /// ```
    ///
    /// ## References
    /// - https://github.com/kubernetes/kubernetes/issues/103675
    /// - https://kubernetes.io/docs/concepts/services-networking/service/#externalname
    pub static EXTERNAL_NAME_INTERNAL = Rule {
        id: "external-name-internal",
        title: "ExternalName Service pointing inside the cluster",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Service",
        remediation: "Point `externalName` at an external DNS name, or call the other namespace's Service by its own name under a NetworkPolicy.",
        references: &[
            "https://github.com/kubernetes/kubernetes/issues/103675",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Why `name` points inside the cluster or at the node, if it does.
fn internal(name: &str) -> Option<&'static str> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        let node_local = match ip {
            IpAddr::V4(v4) => v4.is_loopback() || v4.is_link_local() || v4.is_unspecified(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xffc0) == 0xfe80
            }
        };
        return node_local.then_some("a loopback, link-local or unspecified address");
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return Some("the node itself");
    }
    if name == "kubernetes" || name.starts_with("kubernetes.default") {
        return Some("the API server");
    }
    if name.ends_with(".svc") || name.ends_with(".cluster.local") || name.contains(".svc.") {
        return Some("a Service of the cluster");
    }
    None
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Service" || object.api_version != "v1" {
        return;
    }
    if object.at("/spec/type").and_then(|n| n.as_str()) != Some("ExternalName") {
        return;
    }
    let Some(name) = object.at("/spec/externalName").and_then(|n| n.as_str()) else {
        return;
    };
    if let Some(why) = internal(name) {
        out.report(
            object,
            "/spec/externalName",
            format!("`externalName` `{name}` points at {why}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::internal;

    #[test]
    fn cluster_names_and_node_addresses_are_internal() {
        for name in [
            "db.other.svc",
            "db.other.svc.cluster.local.",
            "kubernetes.default.svc",
            "localhost",
            "127.0.0.1",
            "169.254.169.254",
            "::1",
            "0.0.0.0",
        ] {
            assert!(internal(name).is_some(), "{name}");
        }
        for name in ["db.example.com", "svc.example.com", "8.8.8.8", "10.0.0.5"] {
            assert!(internal(name).is_none(), "{name}");
        }
    }
}
