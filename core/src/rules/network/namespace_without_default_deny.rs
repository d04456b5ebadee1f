use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Direction;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. For each `Namespace` object of the input whose
    /// namespace holds at least one workload of the input, checks for a default deny in
    /// each direction: a NetworkPolicy with an empty `podSelector` (every pod of the
    /// namespace, present and future) whose `policyTypes` include that direction. One
    /// finding per namespace names the directions that lack one: medium when ingress
    /// does, low when only egress does.
    ///
    /// Namespaces that the input does not define are not reported (the input is likely
    /// only part of what runs there; `network-policy-coverage-unknown` says so once). A
    /// namespace with Calico or Cilium policies, or an input with a cluster-wide policy,
    /// is not judged.
    ///
    /// ## Why is this bad?
    /// Without a default deny, every pod that no policy happens to select accepts
    /// traffic from every pod of the cluster and can connect anywhere; a workload added
    /// later, or whose labels change, silently falls out of its policies.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Namespace
    ///   metadata: {name: shop}
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: web}
    ///     template:
    ///       metadata:
    ///         labels: {app: web}
    ///       spec:
    ///         containers:
    ///         - name: web
    ///           image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Namespace
    ///   metadata: {name: shop}
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: default-deny, namespace: shop}
    ///   spec:
    ///     podSelector: {}
    ///     policyTypes: [Ingress, Egress]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: web}
    ///     template:
    ///       metadata:
    ///         labels: {app: web}
    ///       spec:
    ///         containers:
    ///         - name: web
    ///           image: nginx:1.27
    /// ```
    ///
    /// ## Known problems
    /// A policy that exists only in the cluster, or in another input, is not seen:
    /// check the namespace's manifests together.
    pub static NAMESPACE_WITHOUT_DEFAULT_DENY = Rule {
        id: "namespace-without-default-deny",
        title: "Namespace without a default-deny NetworkPolicy",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Namespace, with the workloads and NetworkPolicies of the input",
        remediation: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` to the namespace, then allow the traffic its workloads need.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    let network = ctx.network(objects);
    if network.cluster_wide {
        return;
    }
    for namespace in &network.namespaces {
        let Some(index) = namespace.object else {
            continue;
        };
        let workloads = namespace.workloads.len();
        if workloads == 0 || namespace.other_policies {
            continue;
        }
        let denies = |direction: Direction| {
            namespace
                .select_all
                .iter()
                .any(|&p| network.policies[p].rules(direction).is_some())
        };
        let missing: Vec<&str> = [Direction::Ingress, Direction::Egress]
            .into_iter()
            .filter(|d| !denies(*d))
            .map(Direction::field)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let noun = if workloads == 1 {
            "workload"
        } else {
            "workloads"
        };
        let none = if namespace.policies.is_empty() {
            " (no `NetworkPolicy` at all: every pod accepts and makes any connection)"
        } else {
            ""
        };
        let object = network.object(index);
        let finding = out.report(
            object,
            "/metadata/name",
            format!(
                "{} has {workloads} {noun} and no default-deny `NetworkPolicy` for {}{none}",
                namespace.key.describe(),
                missing.join(" or ")
            ),
        );
        if missing == ["egress"] {
            finding.severity = Some(Severity::Low);
        }
    }
}
