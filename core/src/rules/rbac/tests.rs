//! What the fixtures cannot show: exact locations of every hop, aggregation depth and
//! cycles, the target version, bad input and scale.

use crate::model::Input;
use crate::rbac::capability::Capability;
use crate::rbac::{capabilities, summary, Rbac};
use crate::rules::test_support::{located, run};
use crate::Source;

fn cluster_role(name: &str, labels: &str, body: &str) -> String {
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\n{body}---\n"
    )
}

/// A chain of `depth` aggregated ClusterRoles, `agg-0` selecting `agg-1` … selecting the
/// leaf `leaf`, which lists secrets.
fn aggregation_chain(depth: usize) -> String {
    let mut yaml = String::new();
    for i in 0..depth {
        yaml += &cluster_role(
            &format!("agg-{i}"),
            &format!("level: \"{i}\""),
            &format!(
                "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {{level: \"{}\"}}\n",
                i + 1
            ),
        );
    }
    yaml += &cluster_role(
        "leaf",
        &format!("level: \"{depth}\""),
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"list\"]\n",
    );
    yaml
}

fn rbac_of(yaml: &str) -> (Input, impl Fn(&Input) -> Rbac) {
    let input = Input::parse(vec![Source::new("in.yaml", yaml)]);
    (input, |input: &Input| {
        let (objects, errors) = input.objects();
        assert!(errors.is_empty(), "{errors:?}");
        Rbac::new(&objects)
    })
}

fn grants_of(rbac: &Rbac, role: usize, namespaced: bool) -> Vec<Capability> {
    summary(&rbac.effective[role], namespaced, None)
        .into_iter()
        .map(|g| g.capability)
        .collect()
}

#[test]
fn aggregation_reaches_any_depth() {
    for depth in [1, 2, 5, 40] {
        let (input, build) = rbac_of(&aggregation_chain(depth));
        let rbac = build(&input);
        let top = rbac.cluster_role("agg-0").unwrap();
        assert_eq!(
            grants_of(&rbac, top, false),
            [Capability::ReadSecrets],
            "depth {depth}"
        );
        // The hit is the leaf's rule 0.
        let leaf = rbac.cluster_role("leaf").unwrap();
        let hits = &capabilities(&rbac.effective[top], false, None)[0].hits;
        assert_eq!((hits[0].1.role as usize, hits[0].1.rule), (leaf, 0));
    }
}

#[test]
fn aggregation_cycles_end_and_share_their_rules() {
    // a selects b, b selects a and the leaf: both get the leaf's rules, and a role does
    // not select itself.
    let yaml = cluster_role(
        "a",
        "ring: \"a\"",
        "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {ring: \"b\"}\n",
    ) + &cluster_role(
        "b",
        "ring: \"b\"",
        "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {ring: \"a\"}\n  - matchLabels: {ring: \"leaf\"}\n",
    ) + &cluster_role(
        "leaf",
        "ring: \"leaf\"",
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"pods/exec\"]\n  verbs: [\"create\"]\n",
    ) + &cluster_role(
        "self",
        "ring: \"self\"",
        "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {ring: \"self\"}\n",
    );
    let (input, build) = rbac_of(&yaml);
    let rbac = build(&input);
    for name in ["a", "b"] {
        let role = rbac.cluster_role(name).unwrap();
        assert_eq!(
            grants_of(&rbac, role, false),
            [Capability::ExecPods],
            "{name}"
        );
    }
    let itself = rbac.cluster_role("self").unwrap();
    assert!(grants_of(&rbac, itself, false).is_empty());
}

#[test]
fn input_roles_join_the_default_aggregations() {
    // A chart's ClusterRole labelled aggregate-to-view adds to `view`, `edit` and `admin`.
    let yaml = cluster_role(
        "crd-viewer",
        "rbac.authorization.k8s.io/aggregate-to-view: \"true\"",
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"watch\"]\n",
    );
    let (input, build) = rbac_of(&yaml);
    let rbac = build(&input);
    let view = rbac.cluster_role("view").unwrap();
    assert_eq!(grants_of(&rbac, view, true), [Capability::ReadSecrets]);
    let admin = rbac.cluster_role("admin").unwrap();
    let admin_grants = grants_of(&rbac, admin, true);
    for expected in [
        Capability::ReadSecrets,
        Capability::CreatePods,
        Capability::ExecPods,
        Capability::PortForward,
        Capability::Impersonate,
        Capability::CreateTokens,
    ] {
        assert!(
            admin_grants.contains(&expected),
            "{expected:?}: {admin_grants:?}"
        );
    }
    // Without the chart's role, `view` is harmless.
    let (input, build) = rbac_of("");
    let rbac = build(&input);
    assert!(grants_of(&rbac, rbac.cluster_role("view").unwrap(), true).is_empty());
    assert_eq!(
        grants_of(&rbac, rbac.cluster_role("cluster-admin").unwrap(), false),
        [Capability::FullAccess]
    );
}

#[test]
fn binding_scope_namespaced_even_to_a_cluster_role() {
    let role = cluster_role(
        "nodes-and-secrets",
        "a: b",
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"nodes/proxy\", \"secrets\"]\n  verbs: [\"get\"]\n",
    );
    let binding = |kind: &str, ns: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: b{ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: nodes-and-secrets}}\nsubjects:\n- {{kind: User, name: jane}}\n"
        )
    };
    let yaml = role.clone()
        + &binding("ClusterRoleBinding", "")
        + "---\n"
        + &binding("RoleBinding", "").replace("{name: b}", "{name: ns, namespace: shop}");
    let findings = run("privileged-binding", &yaml, |_| {});
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "binding gives user `jane` cluster role `nodes-and-secrets` cluster-wide: it can read Secrets and reach the kubelet API through `nodes/proxy`",
            "binding gives user `jane` cluster role `nodes-and-secrets` in namespace `shop`: it can read Secrets",
        ]
    );
}

#[test]
fn every_spelling_of_exec_is_located_on_its_verb() {
    let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a}
rules:
- apiGroups: [\"\"]
  resources: [\"pods\"]
  verbs: [\"get\"]
- apiGroups: [\"*\"]
  resources: [\"*/attach\"]
  verbs: [\"list\", \"*\"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b}
rules:
- apiGroups: [\"\"]
  resources: [\"*\"]
  verbs: [\"create\"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules:
- apiGroups: [\"\"]
  resources: [\"pods/*\", \"pods/exec/\"]
  verbs: [\"create\"]
";
    assert_eq!(
        located("rbac-pod-exec", yaml),
        [
            (10, "/rules/1/verbs/1".to_owned()),
            // `*` resources: exec and attach, and port-forward.
            (18, "/rules/0/verbs/0".to_owned()),
            (18, "/rules/0/verbs/0".to_owned()),
        ]
    );
}

#[test]
fn get_on_exec_counts_only_before_1_35() {
    let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: n}
rules:
- apiGroups: [\"\"]
  resources: [\"pods/exec\", \"pods/portforward\"]
  verbs: [\"get\"]
";
    let unknown = run("rbac-pod-exec", yaml, |_| {});
    assert_eq!(unknown.len(), 2);
    assert!(
        unknown[0].message.contains("no target version is set"),
        "{}",
        unknown[0].message
    );
    let old = run("rbac-pod-exec", yaml, |o| {
        o.kubernetes_version = Some((1, 34))
    });
    assert_eq!(old.len(), 2);
    let new = run("rbac-pod-exec", yaml, |o| {
        o.kubernetes_version = Some((1, 35))
    });
    assert!(new.is_empty(), "{new:?}");
}

#[test]
fn full_access_is_one_finding_not_one_per_capability() {
    let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all}
rules:
- {apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"]}
";
    let options = |o: &mut crate::Options| o.only = vec!["rbac".to_owned()];
    let report = crate::check(vec![Source::new("in.yaml", yaml)], &{
        let mut o = crate::Options::default();
        options(&mut o);
        o
    });
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["rbac-full-access"]);
    // Alone, the secrets rule still sees what it grants.
    assert_eq!(run("rbac-secret-read", yaml, |_| {}).len(), 1);
}

/// The path: workload → service account → RoleBinding → aggregated ClusterRole
/// → the rule that reads secrets, every hop located.
#[test]
fn privileged_service_account_locates_every_hop() {
    let yaml = crate::rules::test_support::fixture("privileged-service-account");
    let findings = run("privileged-service-account", &yaml, |_| {});
    let reader = findings
        .iter()
        .find(|f| f.resource.name.as_deref() == Some("fire-reader"))
        .expect("fire-reader");
    assert_eq!(
        reader.message,
        "pods run as service account `shop/reader` with its token mounted; through RoleBinding `reader` (cluster role `secrets-reader` in namespace `shop`) it can read Secrets"
    );
    assert_eq!(
        (reader.location.line, reader.location.path.as_str()),
        (52, "/spec/template/spec/serviceAccountName")
    );
    let hops: Vec<(u32, &str, &str)> = reader
        .related
        .iter()
        .map(|r| {
            (
                r.location.line,
                r.location.path.as_str(),
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            (6, "/metadata/name", "service account `shop/reader`"),
            (
                38,
                "/subjects/0/name",
                "RoleBinding `reader` binds cluster role `secrets-reader` to service account `shop/reader`"
            ),
            (
                24,
                "/aggregationRule",
                "cluster role `secrets-reader` aggregates the roles its selectors match"
            ),
            (
                17,
                "/rules/0/verbs/0",
                "rule 0 of cluster role `secrets-reader-part` allows `list` on `secrets`"
            ),
        ]
    );
    let names: Vec<&str> = findings
        .iter()
        .filter_map(|f| f.resource.name.as_deref())
        .collect();
    assert!(!names.contains(&"dont-fire-no-token"), "{names:?}");
}

#[test]
fn bad_input_is_reported_where_it_is_and_the_rest_still_analysed() {
    let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: broken}
rules: {verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: odd}
rules:
- just a string
- {apiGroups: \"\", resources: [secrets, 3], verbs: [list]}
- {apiGroups: [\"\"], resources: [secrets], verbs: [list]}
aggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: k, operator: Near}]}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: cluster-admin
subjects: {kind: User, name: jane}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: c, namespace: n}
roleRef: {kind: ClusterRole, name: odd}
subjects: [{kind: User}, {kind: User, name: ann}]
";
    let problems: Vec<(u32, String)> = located("invalid-rbac-rule", yaml);
    let pointers: Vec<&str> = problems.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/rules",
            "/rules/0",
            "/rules/1/apiGroups",
            "/rules/1/resources/1",
            "/aggregationRule/clusterRoleSelectors/0/matchExpressions/0/operator",
            "/roleRef",
            "/subjects",
            "/subjects/0",
        ]
    );
    // `odd` is aggregated with a selector that matches nothing: it grants nothing, and its
    // own rules are not its rules. The binding to it names one readable subject.
    assert!(run("privileged-binding", yaml, |_| {}).is_empty());
    assert_eq!(run("rbac-secret-read", yaml, |_| {}).len(), 0);
}

/// 5,000 roles and bindings plus an aggregation chain of 500: the aggregation index does
/// work in proportion to the matches, not roles × selectors, and every binding resolves.
#[test]
fn five_thousand_roles_and_bindings_stay_linear() {
    let mut yaml = aggregation_chain(500);
    for i in 0..5000 {
        yaml += &format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r{i}, namespace: ns{}}}\nrules:\n- {{apiGroups: [\"\"], resources: [pods], verbs: [get]}}\n---\n",
            i % 50
        );
        yaml += &format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: b{i}, namespace: ns{}}}\nroleRef: {{kind: {}, name: {}}}\nsubjects: [{{kind: ServiceAccount, name: sa{i}}}]\n---\n",
            i % 50,
            if i % 2 == 0 { "Role" } else { "ClusterRole" },
            if i % 2 == 0 { format!("r{i}") } else { "agg-0".to_owned() }
        );
    }
    let (input, build) = rbac_of(&yaml);
    let rbac = build(&input);
    assert_eq!(rbac.bindings.len(), 5000);
    assert!(rbac.bindings.iter().all(|b| b.role.is_some()));
    // One candidate per selector of the chain (and of the default roles), not 5,501 each.
    assert!(rbac.aggregation_work < 2_000, "{}", rbac.aggregation_work);
    let top = rbac.cluster_role("agg-0").unwrap();
    assert_eq!(grants_of(&rbac, top, true), [Capability::ReadSecrets]);
    let findings = run("privileged-binding", &yaml, |_| {});
    assert_eq!(findings.len(), 2500);
}
