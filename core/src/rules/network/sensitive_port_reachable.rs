use super::{describe_ports, sensitive_ports};
use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Direction;
use crate::netpol::{openness, Network, Openness, PortQuery};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags NetworkPolicy ingress rules that let every namespace
    /// (`namespaceSelector: {}`) or every outside address (`ipBlock` `0.0.0.0/0` or
    /// `::/0`, with or without `except`) reach a port that carries an admin or data
    /// protocol — SSH, RDP, databases, caches, kubelet, etcd, the Docker API… (the
    /// table is in `core/src/netpol/ports.rs`, each row with its source) — on a
    /// workload the policy selects that declares that container port. One finding per
    /// rule names the workloads and ports.
    ///
    /// A rule that allows everything on every port is `network-policy-allows-all`'s,
    /// and a workload that no policy isolates is `workload-ingress-not-isolated`'s: both
    /// name the sensitive ports themselves.
    ///
    /// ## Why is this bad?
    /// Databases, remote shells and control-plane APIs are what an attacker looks for
    /// first; exposing them to every pod of the cluster (any compromised workload, any
    /// tenant) or to the internet turns one foothold into data access or node takeover.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: db, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: db}
    ///     ingress:
    ///     - from:
    ///       - namespaceSelector: {}
    ///       ports: [{port: 5432}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: db, namespace: shop, labels: {app: db}}
    ///   spec:
    ///     containers:
    ///     - name: postgres
    ///       image: postgres:16.4
    ///       ports: [{containerPort: 5432}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: db, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: db}
    ///     ingress:
    ///     - from:
    ///       - podSelector:
    ///           matchLabels: {app: api}
    ///       ports: [{port: 5432}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: db, namespace: shop, labels: {app: db}}
    ///   spec:
    ///     containers:
    ///     - name: postgres
    ///       image: postgres:16.4
    ///       ports: [{containerPort: 5432}]
    /// ```
    ///
    /// ## Known problems
    /// Only ports declared in the containers' `ports` are known; a database listening
    /// on an undeclared port is not seen.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/networking/ports-and-protocols/
    pub static SENSITIVE_PORT_REACHABLE = Rule {
        id: "sensitive-port-reachable",
        title: "Admin or data port reachable from every namespace or the internet",
        category: Category::Network,
        severity: Severity::High,
        applies_to: "NetworkPolicy, with the workloads of the input",
        remediation: "Allow the port only from the pods and namespaces that need it, with labelled `podSelector` and `namespaceSelector`.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    for (p, policy) in network.policies.iter().enumerate() {
        let rules = policy.rules(Direction::Ingress).unwrap_or_default();
        let mut selected = None;
        for rule in rules {
            let Some((open, pointer)) = openness(rule, false) else {
                continue;
            };
            // Everything on every port: network-policy-allows-all reports it.
            if rule.ports.is_none() && openness(rule, true).is_some() {
                continue;
            }
            let selected = selected.get_or_insert_with(|| network.selected_by(p));
            let mut hits = Vec::new();
            for &w in selected.iter() {
                let ports = &network.workloads[w].ports;
                for (port, row) in sensitive_ports(&network, w) {
                    if Network::port_admitted(rule, &PortQuery::tcp(port.number), ports) {
                        hits.push((w, port, row));
                    }
                }
            }
            if hits.is_empty() {
                continue;
            }
            let whom = match open {
                Openness::Everyone => "every source",
                Openness::AllNamespaces => "every namespace",
                Openness::Internet => "every outside address",
            };
            let mut names: Vec<String> = Vec::new();
            for (w, _, _) in &hits {
                let name = format!(
                    "`{}`",
                    network
                        .object(network.workloads[*w].object)
                        .name()
                        .unwrap_or("?")
                );
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let more = names.len().saturating_sub(3);
            names.truncate(3);
            if more > 0 {
                names.push(format!("{more} more"));
            }
            let finding = out.report(
                network.object(policy.object),
                pointer,
                format!(
                    "ingress rule lets {whom} reach {} on {}",
                    describe_ports(hits.iter().map(|(_, p, s)| (p.number, s.service))),
                    names.join(", ")
                ),
            );
            for (w, port, row) in hits.iter().take(5) {
                finding.related(
                    network.object(network.workloads[*w].object),
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
