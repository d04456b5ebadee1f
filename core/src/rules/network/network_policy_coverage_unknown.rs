use std::collections::BTreeSet;

use crate::declare_rule;
use crate::model::Object;
use crate::netpol::NamespaceKey;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole and says once, on the first such workload, how
    /// many workloads live in namespaces for which the input has neither a
    /// NetworkPolicy nor a `Namespace` object. The other network rules do not judge
    /// them: their policies may well live elsewhere (another repository, a platform
    /// chart), so a verdict would be a guess.
    ///
    /// ## Why is this bad?
    /// It is not, by itself: it is the input's completeness, stated once instead of a
    /// doubtful finding per workload. If these workloads are in fact unprotected, every
    /// pod of the cluster can reach them. Check a namespace's manifests together with
    /// its policies and its `Namespace` to get a verdict.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///       - name: web
    ///         image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
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
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/
    pub static NETWORK_POLICY_COVERAGE_UNKNOWN = Rule {
        id: "network-policy-coverage-unknown",
        title: "Workloads whose NetworkPolicies are not in the input",
        category: Category::Network,
        severity: Severity::Info,
        applies_to: "Pod and workloads with a pod template, with the NetworkPolicies and Namespaces of the input",
        remediation: "Check the workloads together with their namespace's NetworkPolicies and Namespace object.",
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
    if network.cluster_wide {
        return;
    }
    let unknown: Vec<_> = network
        .namespaces
        .iter()
        .filter(|n| {
            n.policies.is_empty()
                && !n.other_policies
                && n.object.is_none()
                && !n.workloads.is_empty()
        })
        .collect();
    let Some(first) = unknown
        .iter()
        .flat_map(|n| n.workloads.iter().copied())
        .min()
    else {
        return;
    };
    let count: usize = unknown.iter().map(|n| n.workloads.len()).sum();
    let names: BTreeSet<&str> = unknown
        .iter()
        .filter_map(|n| match n.key {
            NamespaceKey::Named(ns) => Some(ns),
            NamespaceKey::OfSource(_) => None,
        })
        .collect();
    let mut listed: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
    if names.len() > 5 {
        listed.push(format!("and {} more", names.len() - 5));
    }
    if names.len() < unknown.len() {
        listed.push("the namespace of files without `metadata.namespace`".to_owned());
    }
    let (noun, have) = if count == 1 {
        ("workload", "has")
    } else {
        ("workloads", "have")
    };
    let workload = &network.workloads[first];
    let object = network.object(workload.object);
    out.report(
        object,
        "/metadata",
        format!(
            "{count} {noun} of this input (in {}) {have} no `NetworkPolicy` and no `Namespace` in the input: their network isolation was not judged",
            listed.join(", ")
        ),
    );
}
