use std::collections::BTreeMap;

use super::{is_network_policy, is_one_of, CLUSTER_POLICIES, OTHER_POLICIES};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. For each `Namespace` object in the input, counts
    /// the workloads of the input whose `metadata.namespace` names it; when there is at
    /// least one and no NetworkPolicy of the input lives in that namespace, the
    /// Namespace is flagged.
    ///
    /// Namespaces that the input does not define are never reported (the input is
    /// likely only part of what runs there), nor are workloads without an explicit
    /// `metadata.namespace`. Calico and Cilium namespaced policies count as policies;
    /// a cluster-wide policy in the input (Calico `GlobalNetworkPolicy`, Cilium
    /// `CiliumClusterwideNetworkPolicy`, `AdminNetworkPolicy`) turns the rule off.
    ///
    /// ## Why is this bad?
    /// Without a NetworkPolicy every pod accepts traffic from every other pod of the
    /// cluster and can connect anywhere. One compromised pod anywhere can then reach
    /// these workloads' ports and their databases, and exfiltrate freely.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Namespace
    ///   metadata:
    ///     name: shop
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: web
    ///     namespace: shop
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
    ///   metadata:
    ///     name: shop
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata:
    ///     name: default-deny
    ///     namespace: shop
    ///   spec:
    ///     podSelector: {}
    ///     policyTypes: [Ingress, Egress]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: web
    ///     namespace: shop
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
    /// check the namespace's manifests together. Whether the policies select every
    /// workload is not checked.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.3.2: Ensure that all Namespaces have Network Policies defined
    /// - NSA/CISA Kubernetes Hardening Guide: Network separation and hardening
    pub static NAMESPACE_WITHOUT_NETWORK_POLICY = Rule {
        id: "namespace-without-network-policy",
        title: "Namespace without a NetworkPolicy",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Namespace, with the workloads and NetworkPolicies of the input",
        remediation: "Add a default-deny NetworkPolicy to the namespace and allow the traffic its workloads need.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    if objects.iter().any(|o| is_one_of(o, CLUSTER_POLICIES)) {
        return;
    }
    // Namespace name -> (workloads, policies).
    let mut namespaces: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for object in objects {
        let Some(ns) = object.namespace() else {
            continue;
        };
        let counts = namespaces.entry(ns).or_default();
        if !object.pods.is_empty() {
            counts.0 += 1;
        }
        if is_network_policy(object) || is_one_of(object, OTHER_POLICIES) {
            counts.1 += 1;
        }
    }
    for object in objects {
        if object.kind != "Namespace" || object.api_version != "v1" {
            continue;
        }
        let Some(name) = object.name() else { continue };
        if let Some(&(workloads, 0)) = namespaces.get(name) {
            if workloads > 0 {
                let noun = if workloads == 1 {
                    "workload"
                } else {
                    "workloads"
                };
                out.report(
                    object,
                    "/metadata/name",
                    format!("namespace `{name}` has {workloads} {noun} and no `NetworkPolicy`"),
                );
            }
        }
    }
}
