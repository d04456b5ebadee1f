use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. Flags a NetworkPolicy whose `podSelector`
    /// selects none of the workloads of its namespace in the input, when the input has
    /// at least one workload there (otherwise the workloads are likely elsewhere).
    ///
    /// ## Why is this bad?
    /// A policy that selects nothing protects nothing, and usually means its selector
    /// went stale: a label was renamed on the workloads and not in the policy, so the
    /// pods it was written for are open.
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
    ///       matchLabels: {app: frontend}
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
    /// ## Known problems
    /// Pods created by other means (operators, `kubectl run`) are not in the input.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/
    pub static NETWORK_POLICY_SELECTS_NOTHING = Rule {
        id: "network-policy-selects-nothing",
        title: "NetworkPolicy that selects no workload",
        category: Category::Network,
        severity: Severity::Low,
        applies_to: "NetworkPolicy, with the workloads of the input",
        remediation: "Fix the `podSelector` to match the labels of the pods the policy is for, or remove the policy.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    for (p, policy) in network.policies.iter().enumerate() {
        let namespace = &network.namespaces[policy.namespace];
        let workloads = namespace.workloads.len();
        // A malformed selector is invalid-network-policy's.
        if policy.pod_selector.is_none() || workloads == 0 || !network.selected_by(p).is_empty() {
            continue;
        }
        out.report(
            network.object(policy.object),
            "/spec/podSelector",
            format!(
                "`podSelector` selects no workload of {} in the input ({workloads} there)",
                namespace.key.describe()
            ),
        );
    }
}
