use super::{describe_ports, sensitive_ports};
use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Direction;
use crate::netpol::{openness, Openness};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags NetworkPolicy rules that allow all traffic on every port: an ingress or
    /// egress rule without `from`/`to` (`ingress: [{}]`), a peer
    /// `namespaceSelector: {}` without a narrowing `podSelector` (every pod of the
    /// cluster), or an `ipBlock` of every address (`0.0.0.0/0`, `::/0`) without
    /// `except`, in a rule that has no `ports`. Ingress rules are medium, egress rules
    /// low; an ingress rule that opens an admin or data port that a selected workload
    /// declares (SSH, a database, …) is high and names it.
    ///
    /// ## Why is this bad?
    /// The policy isolates its pods only to let everything back in: it reads as
    /// protection in a review and in a coverage report, and protects nothing. Such rules
    /// are often left from debugging or copied from an "allow all" example.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   ingress:
    ///   - {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   ingress:
    ///   - from:
    ///     - podSelector:
    ///         matchLabels: {app: web}
    ///     ports: [{port: 8080}]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
    pub static NETWORK_POLICY_ALLOWS_ALL = Rule {
        id: "network-policy-allows-all",
        title: "NetworkPolicy rule that allows all traffic",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "NetworkPolicy, with the workloads of the input",
        remediation: "Name the peers (`podSelector`, `namespaceSelector` with labels, a narrow `ipBlock`) and the `ports` the traffic needs.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    for (p, policy) in network.policies.iter().enumerate() {
        let object = network.object(policy.object);
        for direction in [Direction::Ingress, Direction::Egress] {
            for rule in policy.rules(direction).unwrap_or_default() {
                if rule.ports.is_some() {
                    continue;
                }
                let Some((open, pointer)) = openness(rule, true) else {
                    continue;
                };
                let whom = match (direction, open) {
                    (Direction::Ingress, Openness::Everyone) => "from every source (no `from`)",
                    (Direction::Egress, Openness::Everyone) => "to every destination (no `to`)",
                    (Direction::Ingress, Openness::AllNamespaces) => {
                        "from every pod of every namespace (`namespaceSelector: {}`)"
                    }
                    (Direction::Egress, Openness::AllNamespaces) => {
                        "to every pod of every namespace (`namespaceSelector: {}`)"
                    }
                    (Direction::Ingress, Openness::Internet) => {
                        "from every address (an `ipBlock` of all addresses without `except`)"
                    }
                    (Direction::Egress, Openness::Internet) => {
                        "to every address (an `ipBlock` of all addresses without `except`)"
                    }
                };
                let mut message = format!(
                    "{} rule allows traffic {whom} on every port",
                    direction.field()
                );
                let mut exposed = Vec::new();
                if direction == Direction::Ingress {
                    for w in network.selected_by(p) {
                        for (port, row) in sensitive_ports(&network, w) {
                            if exposed.len() < 5 {
                                exposed.push((w, port, row));
                            }
                        }
                    }
                }
                if !exposed.is_empty() {
                    message.push_str(&format!(
                        ", including {} of the workloads it selects",
                        describe_ports(exposed.iter().map(|(_, p, s)| (p.number, s.service)))
                    ));
                }
                let finding = out.report(object, pointer, message);
                match direction {
                    Direction::Egress => finding.severity = Some(Severity::Low),
                    Direction::Ingress if !exposed.is_empty() => {
                        finding.severity = Some(Severity::High)
                    }
                    Direction::Ingress => {}
                }
                for (w, port, row) in exposed {
                    let target = network.object(network.workloads[w].object);
                    finding.related(
                        target,
                        port.pointer.clone(),
                        format!(
                            "container `{}` listens on `{}` ({})",
                            port.container, port.number, row.service
                        ),
                    );
                }
            }
        }
    }
}
