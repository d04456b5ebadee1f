use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicySpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. In each namespace where the input has at least
    /// one NetworkPolicy, flags the workloads whose pod labels no NetworkPolicy of that
    /// namespace selects (`spec.podSelector`, with `matchLabels` and
    /// `matchExpressions`). Workloads and policies without `metadata.namespace` are
    /// taken to share a namespace only when they come from the same file (which is
    /// applied to one namespace); unrelated files checked together do not mix.
    ///
    /// Namespaces with no NetworkPolicy at all are left to
    /// `namespace-without-network-policy`. A namespace that also has Calico or Cilium
    /// policies, or an input with a cluster-wide policy, is not checked, since their
    /// selectors are not evaluated here.
    ///
    /// ## Why is this bad?
    /// The namespace uses NetworkPolicies, so its authors expect traffic to be
    /// restricted; a workload that no policy selects is not isolated at all and
    /// accepts connections from every pod of the cluster. This usually happens when
    /// labels change or a new workload is added after the policies were written.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata:
    ///     name: web
    ///     namespace: shop
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: web}
    ///     ingress:
    ///     - ports: [{port: 8080}]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: cart
    ///     namespace: shop
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: cart}
    ///     template:
    ///       metadata:
    ///         labels: {app: cart}
    ///       spec:
    ///         containers:
    ///         - name: cart
    ///           image: shop/cart:2.1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata:
    ///     name: web
    ///     namespace: shop
    ///   spec:
    ///     podSelector:
    ///       matchExpressions:
    ///       - {key: app, operator: In, values: [web, cart]}
    ///     ingress:
    ///     - ports: [{port: 8080}]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: cart
    ///     namespace: shop
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: cart}
    ///     template:
    ///       metadata:
    ///         labels: {app: cart}
    ///       spec:
    ///         containers:
    ///         - name: cart
    ///           image: shop/cart:2.1.0
    /// ```
    ///
    /// ## Known problems
    /// Policies that exist only in the cluster are not seen: check a namespace's
    /// manifests together. Unrelated projects checked together that use the same
    /// namespace name share their policies here.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.3.2: Ensure that all Namespaces have Network Policies defined
    /// - NSA/CISA Kubernetes Hardening Guide: Network separation and hardening
    pub static WORKLOAD_WITHOUT_NETWORK_POLICY = Rule {
        id: "workload-without-network-policy",
        title: "Workload that no NetworkPolicy selects",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template, with the NetworkPolicies of the input",
        remediation: "Add a NetworkPolicy that selects the workload's pods, or a default-deny policy with an empty `podSelector`.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// Whether `selector` selects a pod with `labels`. An absent selector selects every
/// pod; an unknown operator selects none, as the API server would refuse it.
fn selects(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else {
        return true;
    };
    let labels_match = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    let expressions_match = selector.match_expressions.iter().flatten().all(|req| {
        let value = labels.get(&req.key);
        let listed = |v: &String| req.values.iter().flatten().any(|w| w == v);
        match req.operator.as_str() {
            "In" => value.is_some_and(listed),
            "NotIn" => !value.is_some_and(listed),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

/// What the policies of one namespace select.
#[derive(Default)]
struct Policies {
    /// Pod selectors of the namespace's NetworkPolicies; `None` for a policy whose
    /// spec does not fit the schema, taken to select everything.
    selectors: Vec<Option<Option<LabelSelector>>>,
    /// Calico or Cilium policies: their selectors are not evaluated.
    other: bool,
}

impl Policies {
    fn select(&self, labels: &BTreeMap<String, String>) -> bool {
        self.selectors.iter().any(|s| match s {
            Some(selector) => selects(selector.as_ref(), labels),
            None => true,
        })
    }
}

/// The namespace an object lands in: its own, or for an object without one, "the
/// namespace its file is applied to", told apart per source.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum NamespaceKey<'a> {
    Named(&'a str),
    OfSource(usize),
}

fn namespace_key<'a>(object: &'a Object<'_>) -> NamespaceKey<'a> {
    match object.namespace() {
        Some(ns) => NamespaceKey::Named(ns),
        None => NamespaceKey::OfSource(object.source),
    }
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    if objects
        .iter()
        .any(|o| super::is_one_of(o, super::CLUSTER_POLICIES))
    {
        return;
    }
    let mut namespaces: BTreeMap<NamespaceKey<'_>, Policies> = BTreeMap::new();
    for object in objects {
        if super::is_network_policy(object) {
            let spec = object.typed::<NetworkPolicySpec>("/spec");
            namespaces
                .entry(namespace_key(object))
                .or_default()
                .selectors
                .push(spec.map(|s| s.pod_selector));
        } else if super::is_one_of(object, super::OTHER_POLICIES) {
            namespaces.entry(namespace_key(object)).or_default().other = true;
        }
    }
    for object in objects {
        let Some(pod) = &object.pod else { continue };
        let Some(policies) = namespaces.get(&namespace_key(object)) else {
            continue;
        };
        if policies.other || policies.selectors.is_empty() {
            continue;
        }
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        if policies.select(&labels) {
            continue;
        }
        let namespace = match object.namespace() {
            Some(ns) => format!("namespace `{ns}`"),
            None => "its namespace".to_owned(),
        };
        out.report(
            object,
            format!("{}/labels", pod.meta_pointer),
            format!("no `NetworkPolicy` in {namespace} selects the pods of this workload"),
        );
    }
}
