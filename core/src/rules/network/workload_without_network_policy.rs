use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::networking::v1::NetworkPolicySpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::declare_rule;
use crate::model::{with_pods, Object};
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
    #[cfg(test)]
    tests::EVALUATIONS.with(|n| n.set(n.get() + 1));
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

/// A condition a pod's labels must meet for a selector to select it, by which the
/// selector is indexed: only the selectors indexed under one of a pod's labels are
/// evaluated for it, instead of every selector of the namespace for every workload.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Needs<'s> {
    /// The label `key` with one of these values (`matchLabels`, `In`).
    Values(&'s str, Vec<&'s str>),
    /// The label `key`, with any value (`Exists`).
    Key(&'s str),
}

/// The conditions `selector` cannot select without: one per `matchLabels` pair, `In`
/// and `Exists` requirement. `None` when it selects nothing (an unknown operator).
fn needs(selector: &LabelSelector) -> Option<Vec<Needs<'_>>> {
    let mut out: Vec<Needs<'_>> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| Needs::Values(k, vec![v.as_str()]))
        .collect();
    for req in selector.match_expressions.iter().flatten() {
        match req.operator.as_str() {
            "In" => {
                let values = req.values.iter().flatten().map(String::as_str).collect();
                out.push(Needs::Values(&req.key, values));
            }
            "Exists" => out.push(Needs::Key(&req.key)),
            "NotIn" | "DoesNotExist" => {}
            _ => return None,
        }
    }
    Some(out)
}

/// What the policies of one namespace select.
#[derive(Default)]
struct Policies<'s> {
    /// Whether some policy selects every pod: an empty or absent `podSelector`, or a
    /// spec that does not fit the schema (taken to select everything).
    all: bool,
    /// Selectors with at least one condition, indexed under their rarest one: label
    /// key -> label value -> selectors, and label key -> selectors (`Exists`).
    by_value: HashMap<&'s str, HashMap<&'s str, Vec<&'s LabelSelector>>>,
    by_key: HashMap<&'s str, Vec<&'s LabelSelector>>,
    /// Selectors with only `NotIn` and `DoesNotExist`: evaluated for every label set.
    negative: Vec<&'s LabelSelector>,
    /// Any NetworkPolicy at all.
    any: bool,
    /// Calico or Cilium policies: their selectors are not evaluated.
    other: bool,
    /// Verdicts per distinct label set: workloads of one app share theirs.
    verdicts: HashMap<BTreeMap<String, String>, bool>,
}

impl<'s> Policies<'s> {
    /// Indexes the selectors of the namespace's NetworkPolicies (`None` for a spec
    /// that does not fit the schema, `Some(None)` for an absent `podSelector`).
    fn index(&mut self, selectors: &'s [Option<Option<LabelSelector>>]) {
        self.any |= !selectors.is_empty();
        let mut indexed: Vec<(&'s LabelSelector, Vec<Needs<'s>>)> = Vec::new();
        for selector in selectors {
            let Some(Some(selector)) = selector else {
                self.all = true;
                continue;
            };
            let Some(needs) = needs(selector) else {
                continue;
            };
            let positive = needs.len();
            let empty = positive == 0 && selector.match_expressions.iter().flatten().count() == 0;
            if empty {
                self.all = true;
            } else if positive == 0 {
                self.negative.push(selector);
            } else {
                indexed.push((selector, needs));
            }
        }
        if self.all {
            return;
        }
        // How many selectors each (key, value) and key would list: each selector goes
        // under its rarest condition, so a label that every policy requires does not
        // make every policy a candidate for every workload.
        let mut values: HashMap<(&str, &str), usize> = HashMap::new();
        let mut keys: HashMap<&str, usize> = HashMap::new();
        for (_, needs) in &indexed {
            for need in needs {
                match need {
                    Needs::Values(k, vs) => {
                        for v in vs {
                            *values.entry((k, v)).or_default() += 1;
                        }
                    }
                    Needs::Key(k) => *keys.entry(k).or_default() += 1,
                }
            }
        }
        for (selector, needs) in indexed {
            let cost = |need: &Needs<'_>| match need {
                Needs::Values(k, vs) => vs.iter().map(|v| values[&(*k, *v)]).sum::<usize>(),
                Needs::Key(k) => keys[k],
            };
            let rarest = needs
                .iter()
                .min_by_key(|n| cost(n))
                .expect("at least one condition");
            match rarest {
                Needs::Values(k, vs) => {
                    let by_value = self.by_value.entry(k).or_default();
                    for v in vs {
                        by_value.entry(v).or_default().push(selector);
                    }
                }
                Needs::Key(k) => self.by_key.entry(k).or_default().push(selector),
            }
        }
    }

    fn select(&mut self, labels: &BTreeMap<String, String>) -> bool {
        if self.all {
            return true;
        }
        if let Some(&verdict) = self.verdicts.get(labels) {
            return verdict;
        }
        let mut candidates = self.negative.iter();
        let verdict = candidates.any(|s| selects(Some(*s), labels))
            || labels.iter().any(|(k, v)| {
                let by_value = self
                    .by_value
                    .get(k.as_str())
                    .and_then(|m| m.get(v.as_str()))
                    .into_iter()
                    .flatten();
                let by_key = self.by_key.get(k.as_str()).into_iter().flatten();
                by_value.chain(by_key).any(|s| selects(Some(*s), labels))
            });
        self.verdicts.insert(labels.clone(), verdict);
        verdict
    }
}

/// The namespace an object lands in: its own, or for an object without one, "the
/// namespace its file is applied to", told apart per source.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    // Namespace -> pod selectors of its NetworkPolicies, and whether it has others.
    type Selectors = Vec<Option<Option<LabelSelector>>>;
    let mut found: BTreeMap<NamespaceKey<'_>, (Selectors, bool)> = BTreeMap::new();
    for object in objects {
        if super::is_network_policy(object) {
            let spec = object.typed::<NetworkPolicySpec>("/spec");
            found
                .entry(namespace_key(object))
                .or_default()
                .0
                .push(spec.map(|s| s.pod_selector));
        } else if super::is_one_of(object, super::OTHER_POLICIES) {
            found.entry(namespace_key(object)).or_default().1 = true;
        }
    }
    let mut namespaces: BTreeMap<NamespaceKey<'_>, Policies<'_>> = found
        .iter()
        .map(|(key, (selectors, other))| {
            let mut policies = Policies {
                other: *other,
                ..Policies::default()
            };
            if !other {
                policies.index(selectors);
            }
            (*key, policies)
        })
        .collect();
    for (object, pod) in with_pods(objects) {
        let Some(policies) = namespaces.get_mut(&namespace_key(object)) else {
            continue;
        };
        if policies.other || !policies.any {
            continue;
        }
        let no_labels = BTreeMap::new();
        let labels = pod.metadata.labels.as_ref().unwrap_or(&no_labels);
        if policies.select(labels) {
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::fmt::Write;

    use crate::{check, Options, Source};

    thread_local! {
        /// Selector evaluations on this thread, to count the rule's work.
        pub(super) static EVALUATIONS: Cell<u64> = const { Cell::new(0) };
    }

    /// Runs the rule alone; the findings and how many selectors it evaluated.
    fn run(yaml: &str) -> (usize, u64) {
        let options = Options {
            only: vec!["workload-without-network-policy".to_owned()],
            ..Options::default()
        };
        EVALUATIONS.with(|n| n.set(0));
        let report = check(vec![Source::new("in.yaml", yaml)], &options);
        (report.findings.len(), EVALUATIONS.with(Cell::get))
    }

    fn pod(yaml: &mut String, name: &str, labels: &str) {
        writeln!(yaml, "---\n{{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: ns, labels: {{{labels}}}}}, spec: {{containers: [{{name: a, image: b}}]}}}}").unwrap();
    }

    fn policy(yaml: &mut String, name: &str, selector: &str) {
        writeln!(yaml, "---\n{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: {name}, namespace: ns}}, spec: {{podSelector: {{{selector}}}}}}}").unwrap();
    }

    /// N pods and N policies in one namespace, none selecting another's pods: every
    /// workload used to be tested against every policy (N² evaluations).
    #[test]
    fn work_is_linear_in_pods_and_policies() {
        const N: usize = 2000;
        let mut yaml = String::new();
        for i in 0..N {
            pod(
                &mut yaml,
                &format!("p{i}"),
                &format!("app: a{i}, tier: web"),
            );
            // Every policy requires `tier: web`, which every pod has: the index must
            // use the rarer `app` label.
            policy(
                &mut yaml,
                &format!("n{i}"),
                &format!("matchLabels: {{app: zz{i}, tier: web}}"),
            );
            policy(
                &mut yaml,
                &format!("e{i}"),
                &format!("matchExpressions: [{{key: app, operator: In, values: [yy{i}, xx{i}]}}]"),
            );
        }
        let (findings, evaluations) = run(&yaml);
        assert_eq!(findings, N);
        assert!(
            evaluations <= N as u64,
            "{evaluations} selector evaluations"
        );
    }

    #[test]
    fn indexed_selectors_keep_their_verdicts() {
        let mut yaml = String::new();
        policy(&mut yaml, "labels", "matchLabels: {app: web, tier: front}");
        policy(
            &mut yaml,
            "in",
            "matchExpressions: [{key: app, operator: In, values: [api, db]}, {key: env, operator: NotIn, values: [dev]}]",
        );
        policy(
            &mut yaml,
            "exists",
            "matchExpressions: [{key: debug, operator: Exists}]",
        );
        policy(
            &mut yaml,
            "not",
            "matchExpressions: [{key: app, operator: DoesNotExist}]",
        );
        policy(
            &mut yaml,
            "bad",
            "matchExpressions: [{key: app, operator: Has}]",
        );
        let cases = [
            ("app: web, tier: front", true),
            ("app: web, tier: back", false),
            ("app: web", false),
            ("app: api", true),
            ("app: db, env: prod", true),
            ("app: db, env: dev", false),
            ("app: cache, debug: x", true),
            ("app: cache", false),
            ("other: x", true),
            ("", true),
        ];
        for (labels, selected) in cases {
            let mut input = yaml.clone();
            pod(&mut input, "p", labels);
            // The same labels twice: the second workload takes the remembered verdict.
            pod(&mut input, "q", labels);
            let expected = if selected { 0 } else { 2 };
            assert_eq!(run(&input).0, expected, "labels {{{labels}}}");
        }
        let mut all = yaml.clone();
        policy(&mut all, "all", "{}");
        pod(&mut all, "p", "app: web");
        assert_eq!(run(&all).0, 0);
    }
}
