use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Services that set `spec.externalIPs`.
    ///
    /// ## Why is this bad?
    /// kube-proxy sends traffic for every address in `externalIPs` to the Service's
    /// pods, from every node and every pod of the cluster, whoever owns the address.
    /// Anyone who may create Services can so intercept the cluster's traffic to any
    /// outside address, such as an external database or API (CVE-2020-8554). The
    /// `DenyServiceExternalIPs` admission plugin exists to forbid the field.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     app: web
    ///   ports:
    ///   - port: 80
    ///   externalIPs:
    ///   - 203.0.113.10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges:
    ///   - 198.51.100.0/24
    ///   selector:
    ///     app: web
    ///   ports:
    ///   - port: 80
    /// ```
    ///
    /// ## Known problems
    /// Bare-metal clusters sometimes route node addresses with `externalIPs` on
    /// purpose; suppress the finding there with a reason.
    pub static SERVICE_EXTERNAL_IPS = Rule {
        id: "service-external-ips",
        title: "Service with external IPs",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Service",
        remediation: "Remove `spec.externalIPs` and expose the Service through a load balancer or an Ingress.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/service/#external-ips",
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips",
            "https://github.com/kubernetes/kubernetes/issues/97076",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Service" || object.api_version != "v1" {
        return;
    }
    let addresses: Vec<String> = object
        .at("/spec/externalIPs")
        .and_then(|n| n.as_seq())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str())
        .map(|ip| format!("`{ip}`"))
        .collect();
    if !addresses.is_empty() {
        out.report(
            object,
            "/spec/externalIPs/0",
            format!(
                "service takes the traffic for `externalIPs` {}",
                addresses.join(", ")
            ),
        );
    }
}
