use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Direction;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. In each namespace where the input has at least
    /// one NetworkPolicy, flags the workloads that no policy isolates for egress: no
    /// policy selecting their pods has `Egress` among its `policyTypes`. Without
    /// `policyTypes`, a policy covers egress only when it has `egress` rules, so a
    /// namespace with ingress policies alone leaves every pod free to connect out.
    ///
    /// The same namespaces are skipped as for `workload-ingress-not-isolated`.
    ///
    /// ## Why is this bad?
    /// A compromised pod with open egress reaches every other pod, the cloud metadata
    /// endpoint and the internet: lateral movement and exfiltration need no more. The
    /// severity is lower than for ingress since the pod must be compromised first; turn
    /// the rule off (`--disable workload-egress-not-isolated`) or raise its severity in
    /// the config to match your policy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: web}
    ///     ingress:
    ///     - ports: [{port: 8080}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: web, namespace: shop, labels: {app: web}}
    ///   spec:
    ///     containers:
    ///     - name: web
    ///       image: shop/web:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: web}
    ///     policyTypes: [Ingress, Egress]
    ///     ingress:
    ///     - ports: [{port: 8080}]
    ///     egress:
    ///     - ports: [{port: 53, protocol: UDP}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: web, namespace: shop, labels: {app: web}}
    ///   spec:
    ///     containers:
    ///     - name: web
    ///       image: shop/web:1.4.2
    /// ```
    pub static WORKLOAD_EGRESS_NOT_ISOLATED = Rule {
        id: "workload-egress-not-isolated",
        title: "Workload that no NetworkPolicy isolates for egress",
        category: Category::Network,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template, with the NetworkPolicies of the input",
        remediation: "Select the workload's pods with a NetworkPolicy that lists `Egress` in `policyTypes` and allows only the destinations it needs.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    super::workload_ingress_not_isolated::report_not_isolated(&network, out, Direction::Egress);
}
