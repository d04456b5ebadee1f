use super::load_balancer_without_source_ranges::{sensitive_service_ports, service_ports};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Services of `type: NodePort`. The severity is raised to medium when one of
    /// the Service's ports (`port` or a numeric `targetPort`) carries an admin or data
    /// protocol (SSH, a database, …).
    ///
    /// ## Why is this bad?
    /// A NodePort opens the port on every node of the cluster, on every node address,
    /// bypassing whatever fronts the cluster's load balancers and Ingress; node
    /// firewalls are often wide open inside a VPC. Exposure is better done through an
    /// Ingress or a load balancer with source ranges.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   type: NodePort
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   type: ClusterIP
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
    pub static NODE_PORT_SERVICE = Rule {
        id: "node-port-service",
        title: "Service exposed on every node",
        category: Category::Network,
        severity: Severity::Low,
        applies_to: "Service",
        remediation: "Use a `ClusterIP` Service behind an Ingress, or a load balancer with `loadBalancerSourceRanges`.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",
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
    if object.at("/spec/type").and_then(|n| n.as_str()) != Some("NodePort") {
        return;
    }
    let ports = service_ports(object);
    let sensitive = sensitive_service_ports(&ports);
    let mut message = "service `type: NodePort` opens its ports on every node".to_owned();
    if !sensitive.is_empty() {
        message.push_str(&format!(", including {sensitive}"));
    }
    let finding = out.report(object, "/spec/type", message);
    if !sensitive.is_empty() {
        finding.severity = Some(Severity::Medium);
    }
}
