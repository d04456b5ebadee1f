//! The model against the NetworkPolicy API's semantics, one case per documented rule.

use super::*;
use crate::{Input, Source};

/// Builds the model over `yaml` and answers `from -> to` (workload names, or `outside`)
/// on TCP `port` (`0`: some port).
fn reach(yaml: &str, cases: &[(&str, &str, u16, bool)]) {
    let input = Input::parse(vec![Source::new("t.yaml", yaml)]);
    let (objects, errors) = input.objects();
    assert!(errors.is_empty(), "{errors:?}");
    let network = Network::build(&objects);
    let names = network.names();
    let endpoint = |name: &str| {
        if name == "outside" {
            return Endpoint::Outside(None);
        }
        if let Ok(ip) = name.parse() {
            return Endpoint::Outside(Some(ip));
        }
        let w = names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no workload {name} in {names:?}"));
        Endpoint::Workload(w)
    };
    for &(from, to, port, expected) in cases {
        let query = if port == 0 {
            PortQuery::any()
        } else {
            PortQuery::tcp(port)
        };
        let verdict = network.verdict(endpoint(from), endpoint(to), &query);
        assert_eq!(
            verdict.allowed(),
            expected,
            "{from} -> {to}:{port}: {verdict:?}"
        );
    }
}

fn pod(ns: &str, name: &str, labels: &str, ports: &str) -> String {
    format!("---\n{{apiVersion: v1, kind: Pod, metadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}, spec: {{containers: [{{name: c, image: i:1, ports: [{ports}]}}]}}}}\n")
}

fn policy(ns: &str, name: &str, spec: &str) -> String {
    format!("---\n{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: {name}, namespace: {ns}}}, spec: {spec}}}\n")
}

fn namespace(name: &str, labels: &str) -> String {
    format!("---\n{{apiVersion: v1, kind: Namespace, metadata: {{name: {name}, labels: {{{labels}}}}}}}\n")
}

fn two_pods() -> String {
    pod("a", "web", "app: web", "{containerPort: 80, name: http}")
        + &pod("a", "db", "app: db", "{containerPort: 5432, name: pg}")
}

#[test]
fn without_policies_everything_is_allowed() {
    reach(
        &two_pods(),
        &[
            ("a/web", "a/db", 5432, true),
            ("outside", "a/web", 80, true),
        ],
    );
}

#[test]
fn policy_types_default_to_ingress_and_add_egress_when_egress_rules_exist() {
    // No policyTypes, no egress: ingress-only, with no rules: web is isolated for
    // ingress and still free for egress.
    let yaml = two_pods() + &policy("a", "p", "{podSelector: {matchLabels: {app: web}}}");
    reach(
        &yaml,
        &[("a/db", "a/web", 80, false), ("a/web", "a/db", 5432, true)],
    );
    // Egress rules present: egress isolated too, so web reaches only what they allow.
    let yaml = two_pods()
        + &policy("a", "p", "{podSelector: {matchLabels: {app: web}}, egress: [{ports: [{port: 53, protocol: UDP}]}]}");
    reach(
        &yaml,
        &[("a/web", "a/db", 5432, false), ("a/db", "a/web", 80, false)],
    );
    // `egress: []` adds no Egress type.
    let yaml = two_pods()
        + &policy(
            "a",
            "p",
            "{podSelector: {matchLabels: {app: web}}, egress: []}",
        );
    reach(&yaml, &[("a/web", "a/db", 5432, true)]);
}

#[test]
fn explicit_policy_types_decide_the_directions() {
    // Egress only: ingress rules listed are ignored, and ingress stays open.
    let yaml = two_pods()
        + &policy("a", "p", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], ingress: [{from: [{podSelector: {matchLabels: {app: none}}}]}]}");
    reach(
        &yaml,
        &[("a/db", "a/web", 80, true), ("a/web", "a/db", 5432, false)],
    );
    // Both, no rules: default deny both ways.
    let yaml = two_pods()
        + &policy(
            "a",
            "p",
            "{podSelector: {}, policyTypes: [Ingress, Egress]}",
        );
    reach(
        &yaml,
        &[
            ("a/db", "a/web", 80, false),
            ("a/web", "a/db", 5432, false),
            ("outside", "a/web", 80, false),
        ],
    );
}

#[test]
fn empty_and_absent_selectors() {
    // Absent spec.podSelector selects every pod, like the empty one.
    let yaml = two_pods() + &policy("a", "p", "{policyTypes: [Ingress]}");
    reach(&yaml, &[("a/web", "a/db", 5432, false)]);
    // `from` absent: every source; `from: []` too.
    let yaml = two_pods() + &policy("a", "p", "{podSelector: {}, ingress: [{from: []}]}");
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, true),
            ("outside", "a/db", 5432, true),
        ],
    );
    // A peer `podSelector: {}` is every pod of the policy's namespace, not outside.
    let yaml = two_pods()
        + &pod("b", "x", "app: web", "")
        + &policy(
            "a",
            "p",
            "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}",
        );
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, true),
            ("b/x", "a/db", 5432, false),
            ("outside", "a/db", 5432, false),
        ],
    );
}

#[test]
fn namespace_selector_alone_and_with_a_pod_selector() {
    let base = two_pods()
        + &namespace("b", "team: blue")
        + &pod("b", "client", "app: client", "")
        + &pod("b", "other", "app: other", "")
        + &pod("c", "stranger", "app: client", "");
    // Alone: every pod of the selected namespaces (by label, or by the automatic name).
    let yaml = base.clone() + &policy("a", "p", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]}");
    reach(
        &yaml,
        &[
            ("b/client", "a/db", 5432, true),
            ("b/other", "a/db", 5432, true),
            ("c/stranger", "a/db", 5432, false),
            ("a/web", "a/db", 5432, false),
        ],
    );
    let yaml = base.clone() + &policy("a", "p", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: c}}}]}]}");
    reach(
        &yaml,
        &[
            ("c/stranger", "a/db", 5432, true),
            ("b/client", "a/db", 5432, false),
        ],
    );
    // With a pod selector in the same peer: those pods of those namespaces.
    let yaml = base.clone() + &policy("a", "p", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {app: client}}}]}]}");
    reach(
        &yaml,
        &[
            ("b/client", "a/db", 5432, true),
            ("b/other", "a/db", 5432, false),
            ("c/stranger", "a/db", 5432, false),
        ],
    );
    // As two peers: either.
    let yaml = base + &policy("a", "p", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}, {podSelector: {matchLabels: {app: web}}}]}]}");
    reach(
        &yaml,
        &[
            ("b/other", "a/db", 5432, true),
            ("a/web", "a/db", 5432, true),
            ("c/stranger", "a/db", 5432, false),
        ],
    );
}

#[test]
fn match_expressions_select_pods() {
    let yaml = two_pods()
        + &pod("a", "dev", "app: tool, env: dev", "")
        + &policy("a", "p", "{podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}, ingress: [{from: [{podSelector: {matchExpressions: [{key: env, operator: Exists}]}}]}]}");
    reach(
        &yaml,
        &[
            ("a/dev", "a/db", 5432, true),
            ("a/web", "a/db", 5432, false),
            ("a/db", "a/web", 80, true),
        ],
    );
}

#[test]
fn ports_by_number_range_and_name() {
    let peer = "from: [{podSelector: {matchLabels: {app: web}}}]";
    let yaml = two_pods() + &policy("a", "p", &format!("{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{{peer}, ports: [{{port: pg}}]}}]}}"));
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, true),
            ("a/web", "a/db", 5433, false),
        ],
    );
    let yaml = two_pods() + &policy("a", "p", &format!("{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{{peer}, ports: [{{port: 5000, endPort: 6000}}]}}]}}"));
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, true),
            ("a/web", "a/db", 6001, false),
        ],
    );
    // UDP only: TCP is denied. A named port the pod lacks matches nothing.
    let yaml = two_pods() + &policy("a", "p", &format!("{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{{peer}, ports: [{{port: 5432, protocol: UDP}}, {{port: http}}]}}]}}"));
    reach(
        &yaml,
        &[("a/web", "a/db", 5432, false), ("a/web", "a/db", 80, false)],
    );
    // Egress to a named port resolves against the destination's ports.
    let yaml = two_pods() + &policy("a", "p", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{ports: [{port: pg}]}]}");
    reach(
        &yaml,
        &[("a/web", "a/db", 5432, true), ("a/web", "a/db", 80, false)],
    );
}

#[test]
fn policies_combine_as_a_union() {
    let yaml = two_pods()
        + &pod("a", "batch", "app: batch", "")
        + &policy("a", "one", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}")
        + &policy("a", "two", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: batch}}}], ports: [{port: 5432}]}]}");
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, true),
            ("a/batch", "a/db", 5432, true),
            ("a/batch", "a/db", 22, false),
        ],
    );
}

#[test]
fn default_deny_in_one_namespace_but_not_another() {
    let yaml = two_pods()
        + &pod("b", "web", "app: web", "{containerPort: 80}")
        + &pod("b", "db", "app: db", "{containerPort: 5432}")
        + &policy(
            "a",
            "deny",
            "{podSelector: {}, policyTypes: [Ingress, Egress]}",
        );
    reach(
        &yaml,
        &[
            ("a/web", "a/db", 5432, false),
            ("b/web", "b/db", 5432, true),
            ("b/web", "a/db", 5432, false),
            ("a/web", "b/db", 5432, false),
        ],
    );
}

#[test]
fn ip_blocks_match_outside_addresses_minus_their_exceptions() {
    let yaml = two_pods()
        + &policy("a", "p", "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]}");
    reach(
        &yaml,
        &[
            ("outside", "a/web", 80, true),
            ("203.0.113.9", "a/web", 80, true),
            ("10.1.2.3", "a/web", 80, false),
            ("a/db", "a/web", 80, false),
        ],
    );
}

#[test]
fn malformed_selectors_match_nothing_and_are_located() {
    let yaml = two_pods()
        + &policy("a", "p", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchExpressions: [{key: app, operator: Has, values: [web]}]}}]}]}");
    reach(&yaml, &[("a/web", "a/db", 5432, false)]);
    let input = Input::parse(vec![Source::new("t.yaml", yaml)]);
    let (objects, _) = input.objects();
    let network = Network::build(&objects);
    let pointers: Vec<&str> = network
        .problems
        .iter()
        .map(|(_, p)| p.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        ["/spec/ingress/0/from/0/podSelector/matchExpressions/0/operator"]
    );
}

#[test]
fn selection_work_is_near_linear() {
    const N: usize = 1000;
    let mut yaml = String::new();
    for i in 0..N {
        yaml += &pod("ns", &format!("p{i}"), &format!("app: a{i}, tier: web"), "");
        yaml += &policy(
            "ns",
            &format!("n{i}"),
            &format!("{{podSelector: {{matchLabels: {{app: zz{i}, tier: web}}}}}}"),
        );
    }
    let input = Input::parse(vec![Source::new("t.yaml", yaml)]);
    let (objects, _) = input.objects();
    selector::tests::EVALUATIONS.with(|n| n.set(0));
    let network = Network::build(&objects);
    let evaluations = selector::tests::EVALUATIONS.with(std::cell::Cell::get);
    assert!(evaluations <= N as u64, "{evaluations} evaluations");
    assert!(network.workloads.iter().all(|w| w.selected_by.is_empty()));
}
