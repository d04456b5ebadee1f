//! RBAC as the API server evaluates it: roles (with aggregation and Kubernetes' default
//! roles), bindings and their subjects, and what each grants. Rules, the CLI and the
//! page ask this model; none re-derives matching.
//!
//! Sources (kubernetes/kubernetes): rule matching in `pkg/apis/rbac/v1/evaluation_helpers.go`
//! and `plugin/pkg/auth/authorizer/rbac/rbac.go` ([`eval`]); role references, binding
//! scope and subjects in `pkg/registry/rbac/validation/rule.go` (`GetRoleReferenceRules`,
//! `appliesToUser`); aggregation in
//! `pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go` (the
//! union of the rules of every ClusterRole a selector matches, the role itself excepted);
//! service account users and groups in `staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go`.

pub mod access;
pub mod bootstrap;
pub mod capability;
pub mod eval;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::model::Object;
use crate::yaml::Node;
use capability::{Capability, PROBES};
use eval::PolicyRule;

pub const GROUP: &str = "rbac.authorization.k8s.io";

/// Where a rule grants a probe: role index in [`Rbac::roles`], rule index, verb index.
/// 32-bit: every role holds one per probe twice (its own grants and its effective
/// ones), 3 KB a role with 64-bit indexes (a model can't hold 2³² roles or rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub role: u32,
    pub rule: u32,
    pub verb: u32,
}

/// For each of [`PROBES`], the first rule that allows it.
pub type Grants = Vec<Option<Hit>>;

fn union(into: &mut Grants, from: &Grants) {
    for (slot, hit) in into.iter_mut().zip(from) {
        if slot.is_none() {
            *slot = *hit;
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum RoleSource {
    /// Index into the objects the model was built from.
    Input(usize),
    Default(&'static bootstrap::Role),
}

#[derive(Debug)]
pub struct Role {
    pub source: RoleSource,
    pub cluster: bool,
    pub namespace: Option<String>,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// By index in `rules`; `None` where the rule could not be read. Shared: Kubernetes'
    /// default roles are read once per process, not copied into each model.
    pub rules: Arc<[Option<PolicyRule>]>,
    pub aggregation: Option<Vec<Selector>>,
    /// Kubernetes' own definition (label `kubernetes.io/bootstrapping: rbac-defaults` on
    /// a name Kubernetes uses, or the built-in data).
    pub kubernetes_default: bool,
    /// What its own `rules` grant.
    pub own: Grants,
}

impl Role {
    /// `cluster role `edit`` or `role `reader`` for messages.
    pub fn describe(&self) -> String {
        let noun = if self.cluster { "cluster role" } else { "role" };
        match self.source {
            RoleSource::Input(_) => format!("{noun} `{}`", self.name),
            RoleSource::Default(_) => format!("Kubernetes' default {noun} `{}`", self.name),
        }
    }
}

/// A `clusterRoleSelectors` entry.
#[derive(Debug, Default)]
pub struct Selector {
    pub match_labels: Vec<(String, String)>,
    pub expressions: Vec<Expression>,
}

#[derive(Debug)]
pub struct Expression {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

impl Selector {
    /// `LabelSelectorAsSelector`: every requirement holds; an empty selector matches all.
    /// An unknown operator matches nothing (the API server refuses it).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => !value.is_some_and(|v| e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

#[derive(Debug, Clone)]
pub struct SubjectRef {
    /// Index in `subjects`.
    pub index: usize,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

impl SubjectRef {
    /// `service account `ns/name``, `group `name``, `user `name`` for messages.
    pub fn describe(&self, binding_namespace: Option<&str>) -> String {
        match self.kind.as_str() {
            "ServiceAccount" => match self.namespace.as_deref().or(binding_namespace) {
                Some(ns) => format!("service account `{ns}/{}`", self.name),
                None => format!("service account `{}`", self.name),
            },
            "Group" => format!("group `{}`", self.name),
            "User" => format!("user `{}`", self.name),
            other => format!("{other} `{}`", self.name),
        }
    }

    /// Who else the subject stands for, when it is many: `None` for one identity.
    pub fn breadth(&self) -> Option<&'static str> {
        match (self.kind.as_str(), self.name.as_str()) {
            ("Group", "system:unauthenticated") | ("User", "system:anonymous") => {
                Some("anyone who reaches the API server, without credentials")
            }
            ("Group", "system:authenticated") => {
                Some("every authenticated user and service account")
            }
            ("Group", "system:serviceaccounts") => Some("every service account of every namespace"),
            ("Group", name) if name.starts_with("system:serviceaccounts:") => {
                Some("every service account of the namespace")
            }
            ("ServiceAccount", "default") => {
                Some("every pod of the namespace that names no service account")
            }
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct Binding {
    /// Index into the objects.
    pub object: usize,
    pub cluster: bool,
    pub namespace: Option<String>,
    pub name: String,
    /// `kind` and `name` of `roleRef`, when readable.
    pub role_ref: Option<(String, String)>,
    /// The role in [`Rbac::roles`] the reference resolves to.
    pub role: Option<usize>,
    pub subjects: Vec<SubjectRef>,
    pub kubernetes_default: bool,
}

impl Binding {
    /// `cluster-wide` or `in namespace `ns``.
    pub fn scope(&self) -> String {
        match (&self.namespace, self.cluster) {
            (_, true) => "cluster-wide".to_owned(),
            (Some(ns), false) => format!("in namespace `{ns}`"),
            (None, false) => "in the binding's namespace".to_owned(),
        }
    }
}

/// Something the API server would refuse, or a rule that grants nothing, with where.
#[derive(Debug)]
pub struct Problem {
    pub object: usize,
    pub pointer: String,
    pub message: String,
}

/// A capability a grant set gives, with the probes and rules that give it.
#[derive(Debug)]
pub struct Granted {
    pub capability: Capability,
    pub hits: Vec<(usize, Hit)>,
}

/// The RBAC objects of one analysis context, resolved.
pub struct Rbac {
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub problems: Vec<Problem>,
    cluster_roles: HashMap<String, usize>,
    namespaced_roles: HashMap<(Option<String>, String), usize>,
    /// Per role: its own grants, or for an aggregated ClusterRole the union of what
    /// the roles it selects grant (at any depth).
    pub effective: Vec<Grants>,
    /// Work done aggregating (selector matches tried), for the scaling test.
    pub aggregation_work: usize,
    /// Per aggregated ClusterRole, the roles its selectors match.
    selected: Vec<Vec<usize>>,
}

/// A list of strings at `pointer`; `what` names it in problems (``rule 0: `verbs` ``).
fn strings(
    node: Option<&Node>,
    pointer: &str,
    what: &str,
    problems: &mut Vec<(String, String)>,
) -> Vec<String> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    match node.as_seq() {
        Some(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.as_str() {
                Some(s) => Some(s.to_owned()),
                None => {
                    problems.push((
                        format!("{pointer}/{i}"),
                        format!(
                            "{what} holds a {}, not a string; the API server refuses the object",
                            item.type_name()
                        ),
                    ));
                    None
                }
            })
            .collect(),
        None => {
            problems.push((
                pointer.to_owned(),
                format!(
                    "{what} is a {}, not a list; the API server refuses the object, and kubecheck reads it as empty",
                    node.type_name()
                ),
            ));
            Vec::new()
        }
    }
}

/// Verbs the API server and its built-in authorizers use; others are custom or typos.
const KNOWN_VERBS: &[&str] = &[
    "*",
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "escalate",
    "bind",
    "impersonate",
    "approve",
    "sign",
    "use",
    "proxy",
    "post",
    "put",
    "head",
    "options",
];

/// Reads one rule at `/rules/{i}`; `None` when it is not a mapping. Records what the API
/// server would refuse and what grants nothing.
fn read_rule(
    node: &Node,
    i: usize,
    namespaced: bool,
    out: &mut Vec<(String, String)>,
) -> Option<PolicyRule> {
    let base = format!("/rules/{i}");
    if node.as_map().is_none() {
        out.push((
            base,
            format!(
                "rule {i} is a {}, not a mapping; it grants nothing",
                node.type_name()
            ),
        ));
        return None;
    }
    let mut field = |name: &str| {
        strings(
            node.get(name),
            &format!("{base}/{name}"),
            &format!("rule {i}: `{name}`"),
            out,
        )
    };
    let rule = PolicyRule {
        verbs: field("verbs"),
        api_groups: field("apiGroups"),
        resources: field("resources"),
        resource_names: field("resourceNames"),
        non_resource_urls: field("nonResourceURLs"),
    };
    let mut say = |pointer: String, message: String| out.push((pointer, message));
    let absent = |name: &str| {
        node.get(name)
            .is_none_or(|n| n.is_null() || n.as_seq().is_some_and(<[Node]>::is_empty))
    };
    if absent("verbs") {
        say(
            base.clone(),
            format!("rule {i} has no `verbs`, so it grants nothing"),
        );
    }
    for (j, verb) in rule.verbs.iter().enumerate() {
        if !KNOWN_VERBS.contains(&verb.as_str()) {
            say(
                format!("{base}/verbs/{j}"),
                format!("rule {i}: verb `{verb}` is none the API server uses (verbs are lowercase: `get`, `create`, …)"),
            );
        }
    }
    if absent("resources") && absent("nonResourceURLs") {
        say(
            base.clone(),
            format!("rule {i} has neither `resources` nor `nonResourceURLs`, so it grants nothing"),
        );
    }
    if !rule.resources.is_empty() && absent("apiGroups") {
        say(
            base.clone(),
            format!("rule {i} has `resources` but no `apiGroups`, so it grants nothing (the core group is `\"\"`)"),
        );
    }
    for (j, group) in rule.api_groups.iter().enumerate() {
        if matches!(group.as_str(), "core" | "v1") {
            say(
                format!("{base}/apiGroups/{j}"),
                format!("rule {i}: API group `{group}` does not exist; the core group is written `\"\"`"),
            );
        }
    }
    for (j, resource) in rule.resources.iter().enumerate() {
        if resource.ends_with("/*") && !resource.starts_with("*/") {
            say(
                format!("{base}/resources/{j}"),
                format!("rule {i}: `{resource}` is no wildcard: it names a subresource called `*`, which grants nothing; list the subresources"),
            );
        }
    }
    if namespaced && !rule.non_resource_urls.is_empty() {
        say(
            format!("{base}/nonResourceURLs"),
            format!("rule {i}: a Role cannot grant `nonResourceURLs` (only a ClusterRole can); the API server refuses it"),
        );
    }
    Some(rule)
}

fn own_grants(role_index: usize, rules: &[Option<PolicyRule>], namespaced: bool) -> Grants {
    PROBES
        .iter()
        .map(|probe| {
            if namespaced && probe.cluster_scoped {
                return None;
            }
            rules.iter().enumerate().find_map(|(i, rule)| {
                let rule = rule.as_ref()?;
                probe.allowed_by(rule).then(|| Hit {
                    role: role_index as u32,
                    rule: i as u32,
                    verb: capability::verb_index(rule, probe).unwrap_or(0) as u32,
                })
            })
        })
        .collect()
}

/// A default role's rules and what they grant.
type EvaluatedRole = (Arc<[Option<PolicyRule>]>, Grants);

/// Kubernetes' default roles (`bootstrap::ROLES`, then `NAMESPACED_ROLES`) as rules, with
/// what each grants, evaluated once per process: every input has them, and evaluating
/// them was most of the time of checking one small object (an admission review).
fn evaluated_defaults() -> &'static [EvaluatedRole] {
    static EVALUATED: std::sync::OnceLock<Vec<EvaluatedRole>> = std::sync::OnceLock::new();
    EVALUATED.get_or_init(|| {
        let own = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
        bootstrap::ROLES
            .iter()
            .chain(bootstrap::NAMESPACED_ROLES)
            .map(|default| {
                let rules: Arc<[Option<PolicyRule>]> = default
                    .rules
                    .iter()
                    .map(|r| {
                        Some(PolicyRule {
                            verbs: own(r.verbs),
                            api_groups: own(r.groups),
                            resources: own(r.resources),
                            resource_names: own(r.names),
                            non_resource_urls: own(r.urls),
                        })
                    })
                    .collect();
                // The role index is set when the role joins a model.
                let grants = own_grants(0, &rules, default.namespace.is_some());
                (rules, grants)
            })
            .collect()
    })
}

fn read_selectors(node: &Node, out: &mut Vec<(String, String)>) -> Vec<Selector> {
    let base = "/aggregationRule/clusterRoleSelectors";
    let Some(items) = node.as_seq() else {
        if !node.is_null() {
            out.push((
                base.to_owned(),
                format!(
                    "`clusterRoleSelectors` is a {}, not a list of selectors",
                    node.type_name()
                ),
            ));
        }
        return Vec::new();
    };
    let mut selectors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut selector = Selector::default();
        if let Some(labels) = item.get("matchLabels").and_then(Node::as_map) {
            for entry in labels {
                match (entry.key_str(), entry.value.as_str()) {
                    (Some(k), Some(v)) => selector.match_labels.push((k.to_owned(), v.to_owned())),
                    _ => out.push((
                        format!("{base}/{i}/matchLabels"),
                        "`matchLabels` holds a label that is not a string; the selector matches nothing".to_owned(),
                    )),
                }
            }
        }
        for (j, e) in item
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
            let operator = e.get("operator").and_then(Node::as_str).unwrap_or_default();
            if !matches!(operator, "In" | "NotIn" | "Exists" | "DoesNotExist") {
                out.push((
                    format!("{base}/{i}/matchExpressions/{j}/operator"),
                    format!("operator `{operator}` is none of `In`, `NotIn`, `Exists`, `DoesNotExist`; the selector matches nothing"),
                ));
            }
            let values = strings(
                e.get("values"),
                &format!("{base}/{i}/matchExpressions/{j}/values"),
                "`values`",
                out,
            );
            selector.expressions.push(Expression {
                key: key.to_owned(),
                operator: operator.to_owned(),
                values,
            });
        }
        selectors.push(selector);
    }
    selectors
}

fn is_rbac(object: &Object<'_>, kinds: &[&str]) -> bool {
    object.group() == GROUP && kinds.contains(&object.kind.as_str())
}

impl Rbac {
    /// Resolves the RBAC objects of `objects`, with Kubernetes' default ClusterRoles for
    /// names the input does not define.
    pub fn new(objects: &[Object<'_>]) -> Rbac {
        let mut roles = Vec::new();
        let mut problems = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            if !is_rbac(object, &["Role", "ClusterRole"]) {
                continue;
            }
            let cluster = object.kind == "ClusterRole";
            let mut found = Vec::new();
            let rules: Vec<Option<PolicyRule>> = match object.at("/rules").filter(|n| !n.is_null())
            {
                None => Vec::new(),
                Some(node) => match node.as_seq() {
                    Some(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| read_rule(item, i, !cluster, &mut found))
                        .collect(),
                    None => {
                        found.push((
                            "/rules".to_owned(),
                            format!(
                                "`rules` is a {}, not a list; the role grants nothing",
                                node.type_name()
                            ),
                        ));
                        Vec::new()
                    }
                },
            };
            let aggregation = if cluster {
                object
                    .at("/aggregationRule")
                    .filter(|n| !n.is_null())
                    .map(|n| match n.get("clusterRoleSelectors") {
                        Some(selectors) => read_selectors(selectors, &mut found),
                        None => Vec::new(),
                    })
            } else {
                None
            };
            let name = object.name().unwrap_or_default().to_owned();
            let kubernetes_default =
                bootstrap::is_kubernetes_default(&name, object.label(bootstrap::LABEL.0));
            // Kubernetes' own definitions are not the user's to fix.
            if !kubernetes_default {
                problems.extend(found.into_iter().map(|(pointer, message)| Problem {
                    object: index,
                    pointer,
                    message,
                }));
            }
            let role_index = roles.len();
            roles.push(Role {
                source: RoleSource::Input(index),
                cluster,
                namespace: if cluster {
                    None
                } else {
                    object.namespace().map(str::to_owned)
                },
                own: own_grants(role_index, &rules, !cluster),
                rules: rules.into(),
                aggregation,
                labels: object
                    .metadata
                    .labels
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                name,
                kubernetes_default,
            });
        }
        let mut cluster_roles = HashMap::new();
        let mut namespaced_roles = HashMap::new();
        for (i, role) in roles.iter().enumerate() {
            if role.cluster {
                cluster_roles.entry(role.name.clone()).or_insert(i);
            } else {
                namespaced_roles
                    .entry((role.namespace.clone(), role.name.clone()))
                    .or_insert(i);
            }
        }
        let evaluated = evaluated_defaults();
        for (k, default) in bootstrap::ROLES
            .iter()
            .chain(bootstrap::NAMESPACED_ROLES)
            .enumerate()
        {
            let key = (
                default.namespace.map(str::to_owned),
                default.name.to_owned(),
            );
            let taken = match default.namespace {
                None => cluster_roles.contains_key(default.name),
                Some(_) => namespaced_roles.contains_key(&key),
            };
            if taken {
                continue;
            }
            let role_index = roles.len();
            match default.namespace {
                None => cluster_roles.insert(default.name.to_owned(), role_index),
                Some(_) => namespaced_roles.insert(key, role_index),
            };
            let (rules, grants) = &evaluated[k];
            let own = grants
                .iter()
                .map(|hit| {
                    hit.map(|hit| Hit {
                        role: role_index as u32,
                        ..hit
                    })
                })
                .collect();
            roles.push(Role {
                source: RoleSource::Default(default),
                cluster: default.namespace.is_none(),
                namespace: default.namespace.map(str::to_owned),
                name: default.name.to_owned(),
                labels: default
                    .labels
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                own,
                rules: Arc::clone(rules),
                aggregation: (!default.aggregate_from.is_empty()).then(|| {
                    default
                        .aggregate_from
                        .iter()
                        .map(|key| Selector {
                            match_labels: vec![((*key).to_owned(), "true".to_owned())],
                            expressions: Vec::new(),
                        })
                        .collect()
                }),
                kubernetes_default: true,
            });
        }
        let mut bindings = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            if !is_rbac(object, &["RoleBinding", "ClusterRoleBinding"]) {
                continue;
            }
            let cluster = object.kind == "ClusterRoleBinding";
            let namespace = if cluster {
                None
            } else {
                object.namespace().map(str::to_owned)
            };
            let text = |pointer: &str| object.at(pointer).and_then(Node::as_str).map(str::to_owned);
            let role_ref = match (text("/roleRef/kind"), text("/roleRef/name")) {
                (Some(kind), Some(name)) => Some((kind, name)),
                _ => {
                    problems.push(Problem {
                        object: index,
                        pointer: "/roleRef".to_owned(),
                        message: "`roleRef` needs a `kind` and a `name`; the API server refuses the binding".to_owned(),
                    });
                    None
                }
            };
            let role = role_ref
                .as_ref()
                .and_then(|(kind, name)| match kind.as_str() {
                    "ClusterRole" => cluster_roles.get(name).copied(),
                    "Role" if !cluster => namespaced_roles
                        .get(&(namespace.clone(), name.clone()))
                        .copied(),
                    _ => None,
                });
            if let Some((kind, _)) = &role_ref {
                if kind == "Role" && cluster {
                    problems.push(Problem {
                        object: index,
                        pointer: "/roleRef/kind".to_owned(),
                        message: "a ClusterRoleBinding can reference only a ClusterRole; the API server refuses it".to_owned(),
                    });
                } else if kind != "Role" && kind != "ClusterRole" {
                    problems.push(Problem {
                        object: index,
                        pointer: "/roleRef/kind".to_owned(),
                        message: format!(
                            "`roleRef.kind` `{kind}` is neither `Role` nor `ClusterRole`"
                        ),
                    });
                }
            }
            let mut subjects = Vec::new();
            match object.at("/subjects").filter(|n| !n.is_null()) {
                None => {}
                Some(node) => match node.as_seq() {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let field =
                                |k: &str| item.get(k).and_then(Node::as_str).map(str::to_owned);
                            match (field("kind"), field("name")) {
                                (Some(kind), Some(name)) => subjects.push(SubjectRef {
                                    index: i,
                                    kind,
                                    name,
                                    namespace: field("namespace").filter(|n| !n.is_empty()),
                                }),
                                _ => problems.push(Problem {
                                    object: index,
                                    pointer: format!("/subjects/{i}"),
                                    message: "a subject needs a `kind` and a `name`; the API server refuses the binding".to_owned(),
                                }),
                            }
                        }
                    }
                    None => problems.push(Problem {
                        object: index,
                        pointer: "/subjects".to_owned(),
                        message: format!(
                            "`subjects` is a {}, not a list; the API server refuses the binding",
                            node.type_name()
                        ),
                    }),
                },
            }
            let name = object.name().unwrap_or_default().to_owned();
            bindings.push(Binding {
                object: index,
                cluster,
                kubernetes_default: bootstrap::is_kubernetes_default(
                    &name,
                    object.label(bootstrap::LABEL.0),
                ),
                namespace,
                name,
                role_ref,
                role,
                subjects,
            });
        }
        let mut rbac = Rbac {
            roles,
            bindings,
            problems,
            cluster_roles,
            namespaced_roles,
            effective: Vec::new(),
            aggregation_work: 0,
            selected: Vec::new(),
        };
        rbac.aggregate();
        rbac
    }

    /// The ClusterRole of that name (the input's, else Kubernetes' default).
    pub fn cluster_role(&self, name: &str) -> Option<usize> {
        self.cluster_roles.get(name).copied()
    }

    pub fn role(&self, namespace: Option<&str>, name: &str) -> Option<usize> {
        self.namespaced_roles
            .get(&(namespace.map(str::to_owned), name.to_owned()))
            .copied()
    }

    /// The roles each aggregated ClusterRole selects (itself excepted), found through a
    /// label index so that the work is the number of matches, not roles × selectors.
    fn aggregation_edges(&mut self) -> Vec<Vec<usize>> {
        // Only the role a name resolves to takes part (a second definition of a name
        // does not exist in a cluster).
        let candidates: Vec<usize> = {
            let mut c: Vec<usize> = self.cluster_roles.values().copied().collect();
            c.sort_unstable();
            c
        };
        let mut by_label: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for &i in &candidates {
            for (k, v) in &self.roles[i].labels {
                by_label.entry((k, v)).or_default().push(i);
            }
        }
        let mut work = 0;
        let edges = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, role)| {
                let (Some(selectors), true) =
                    (&role.aggregation, candidates.binary_search(&i).is_ok())
                else {
                    return Vec::new();
                };
                let mut targets = Vec::new();
                for selector in selectors {
                    let pool: &[usize] = match selector.match_labels.first() {
                        Some((k, v)) => by_label
                            .get(&(k.as_str(), v.as_str()))
                            .map_or(&[], Vec::as_slice),
                        None => &candidates,
                    };
                    work += pool.len();
                    targets.extend(
                        pool.iter()
                            .copied()
                            .filter(|&j| j != i && selector.matches(&self.roles[j].labels)),
                    );
                }
                targets.sort_unstable();
                targets.dedup();
                targets
            })
            .collect();
        self.aggregation_work = work;
        edges
    }

    /// Effective grants through aggregation, any depth, cycles included: strongly
    /// connected components (Tarjan, iterative) in reverse topological order, so each
    /// role's grants are computed once from its successors'.
    fn aggregate(&mut self) {
        let edges = self.aggregation_edges();
        let n = self.roles.len();
        let mut effective: Vec<Grants> = self
            .roles
            .iter()
            .map(|r| {
                if r.aggregation.is_some() {
                    vec![None; PROBES.len()]
                } else {
                    r.own.clone()
                }
            })
            .collect();
        const UNSEEN: usize = usize::MAX;
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        for root in 0..n {
            if index[root] != UNSEEN || edges[root].is_empty() {
                continue;
            }
            // (node, next edge to follow)
            let mut call = vec![(root, 0usize)];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut e)) = call.last_mut() {
                if let Some(&w) = edges[v].get(*e) {
                    *e += 1;
                    if index[w] == UNSEEN {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        call.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] != index[v] {
                    continue;
                }
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let mut grants = vec![None; PROBES.len()];
                for &m in &component {
                    if self.roles[m].aggregation.is_none() {
                        union(&mut grants, &self.roles[m].own);
                    }
                    for &w in &edges[m] {
                        if !component.contains(&w) {
                            union(&mut grants, &effective[w]);
                        }
                    }
                }
                for &m in &component {
                    if self.roles[m].aggregation.is_some() {
                        effective[m] = grants.clone();
                    }
                }
            }
        }
        self.effective = effective;
        self.selected = edges;
    }

    /// The rules role `i` grants, as `(role, rule)`: its own, or for an aggregated
    /// ClusterRole those of every role it reaches (each once, cycles included).
    pub fn effective_rules(&self, i: usize) -> Vec<(usize, usize)> {
        let mut seen = vec![false; self.roles.len()];
        let mut stack = vec![i];
        let mut out = Vec::new();
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut seen[r], true) {
                continue;
            }
            if self.roles[r].aggregation.is_some() {
                stack.extend(self.selected[r].iter().rev());
            } else {
                out.extend((0..self.roles[r].rules.len()).map(|k| (r, k)));
            }
        }
        out
    }

    /// The object of role `i`, when it comes from the input.
    pub fn role_object(&self, i: usize) -> Option<usize> {
        match self.roles[i].source {
            RoleSource::Input(object) => Some(object),
            RoleSource::Default(_) => None,
        }
    }
}

/// The capabilities `grants` give where they apply (`namespaced`: through a Role or a
/// RoleBinding), each with the probes and rules that give it; full access first, when
/// granted, then every capability it implies.
pub fn capabilities(
    grants: &Grants,
    namespaced: bool,
    version: Option<(u32, u32)>,
) -> Vec<Granted> {
    let mut out = Vec::new();
    for capability in Capability::ALL {
        let mut hits: Vec<(usize, Hit)> = Vec::new();
        let mut alternative = 0u8;
        loop {
            let probes: Vec<usize> = PROBES
                .iter()
                .enumerate()
                .filter(|(_, p)| p.capability == capability && p.alternative == alternative)
                .map(|(i, _)| i)
                .collect();
            if probes.is_empty() {
                break;
            }
            let complete = probes
                .iter()
                .all(|&p| PROBES[p].applies(namespaced, version) && grants[p].is_some());
            if complete {
                for &p in &probes {
                    if let Some(hit) = grants[p] {
                        hits.push((p, hit));
                    }
                }
            }
            alternative += 1;
        }
        if !hits.is_empty() {
            out.push(Granted { capability, hits });
        }
    }
    out
}

/// [`capabilities`], with full access standing alone for all the others it implies: one
/// root cause, said once.
pub fn summary(grants: &Grants, namespaced: bool, version: Option<(u32, u32)>) -> Vec<Granted> {
    let mut all = capabilities(grants, namespaced, version);
    if all
        .first()
        .is_some_and(|g| g.capability == Capability::FullAccess)
    {
        all.truncate(1);
    }
    all
}

/// The user name and groups a service account authenticates with
/// (`system:serviceaccount:<ns>:<name>`, `system:serviceaccounts`,
/// `system:serviceaccounts:<ns>`, `system:authenticated`).
pub fn service_account_groups(namespace: &str) -> [String; 3] {
    [
        "system:serviceaccounts".to_owned(),
        format!("system:serviceaccounts:{namespace}"),
        "system:authenticated".to_owned(),
    ]
}
