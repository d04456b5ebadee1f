//! The NetworkPolicy model: which policies select which workloads, whether a workload
//! is isolated in each direction, and whether traffic from A reaches B on a port, with
//! the located policy rules that decide it. Rules, `kubecheck netpol` and the page ask
//! this one model.
//!
//! The input is taken as the whole cluster: workloads are the pod templates of the
//! input, namespaces carry the labels of the input's Namespace objects plus the
//! automatic `kubernetes.io/metadata.name`. An object without `metadata.namespace` is in
//! "the namespace its file is applied to", told apart per source.
//!
//! `ipBlock` peers are taken to match addresses outside the cluster only: the API
//! documents them for cluster-external IPs (pod IPs are ephemeral), and whether pod
//! traffic matches them depends on the network plugin.

pub mod matrix;
pub mod policy;
pub mod ports;
pub mod selector;

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use policy::{Direction, Peer, Policy, PolicyRule, PortRef};
use selector::{Labels, Problem, SelectorIndex};

use crate::model::Object;

/// The label every namespace carries with its own name (Kubernetes 1.21 and later).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Namespaced Calico and Cilium policies, `(API group, kind)`: their selectors are not
/// evaluated, so the isolation of their namespace's workloads is unknown.
pub const OTHER_POLICIES: &[(&str, &str)] = &[
    ("projectcalico.org", "NetworkPolicy"),
    ("crd.projectcalico.org", "NetworkPolicy"),
    ("cilium.io", "CiliumNetworkPolicy"),
];

/// Policies that apply across namespaces: with one in the input, no isolation verdict.
pub const CLUSTER_POLICIES: &[(&str, &str)] = &[
    ("projectcalico.org", "GlobalNetworkPolicy"),
    ("crd.projectcalico.org", "GlobalNetworkPolicy"),
    ("cilium.io", "CiliumClusterwideNetworkPolicy"),
    ("policy.networking.k8s.io", "AdminNetworkPolicy"),
    ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"),
    ("policy.networking.k8s.io", "ClusterNetworkPolicy"),
];

pub fn is_network_policy(object: &Object<'_>) -> bool {
    object.group() == "networking.k8s.io" && object.kind == "NetworkPolicy"
}

pub fn is_one_of(object: &Object<'_>, kinds: &[(&str, &str)]) -> bool {
    kinds
        .iter()
        .any(|(group, kind)| object.group() == *group && object.kind == *kind)
}

/// The namespace an object lands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NamespaceKey<'a> {
    Named(&'a str),
    /// No `metadata.namespace`: the namespace its source is applied to.
    OfSource(usize),
}

impl NamespaceKey<'_> {
    pub fn describe(&self) -> String {
        match self {
            NamespaceKey::Named(ns) => format!("namespace `{ns}`"),
            NamespaceKey::OfSource(_) => "its namespace".to_owned(),
        }
    }
}

pub fn namespace_key<'a>(object: &'a Object<'_>) -> NamespaceKey<'a> {
    match object.namespace() {
        Some(ns) => NamespaceKey::Named(ns),
        None => NamespaceKey::OfSource(object.source),
    }
}

static NO_LABELS: Labels = Labels::new();

pub struct Namespace<'a> {
    pub key: NamespaceKey<'a>,
    pub labels: Labels,
    /// The Namespace object of the input, if any.
    pub object: Option<usize>,
    pub workloads: Vec<usize>,
    pub policies: Vec<usize>,
    /// Policies whose `podSelector` is empty: they select every pod of the namespace.
    pub select_all: Vec<usize>,
    /// The namespace has Calico or Cilium policies too.
    pub other_policies: bool,
}

/// A container port of a workload.
#[derive(Clone, Debug)]
pub struct ContainerPort {
    pub container: String,
    pub image: String,
    pub name: Option<String>,
    pub number: u16,
    pub protocol: String,
    /// Relative to the object.
    pub pointer: String,
}

pub struct Workload<'a> {
    pub object: usize,
    /// Index of the pod template in the object's `pods`.
    pub pod: usize,
    pub namespace: usize,
    pub labels: &'a Labels,
    pub ports: Vec<ContainerPort>,
    /// Policies with a non-empty `podSelector` that select it (with the namespace's
    /// [`Namespace::select_all`], every policy that does).
    pub selected_by: Vec<usize>,
}

pub struct Network<'o, 'a> {
    pub objects: &'o [Object<'a>],
    pub namespaces: Vec<Namespace<'o>>,
    pub workloads: Vec<Workload<'o>>,
    pub policies: Vec<Policy>,
    /// Malformed policies: `(object index, problem)`.
    pub problems: Vec<(usize, Problem)>,
    /// The input has a cluster-wide policy: isolation is not judged.
    pub cluster_wide: bool,
}

/// Where traffic comes from or goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Workload(usize),
    /// Outside the cluster: one address, or `None` for every address (the internet).
    Outside(Option<IpAddr>),
}

/// A port of a connection: a number, or `None` for "some port".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortQuery {
    pub protocol: String,
    pub number: Option<u16>,
}

impl PortQuery {
    pub fn tcp(number: u16) -> Self {
        PortQuery {
            protocol: "TCP".to_owned(),
            number: Some(number),
        }
    }

    pub fn any() -> Self {
        PortQuery {
            protocol: "TCP".to_owned(),
            number: None,
        }
    }
}

/// A located policy rule: the policy and the index of the rule in its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub policy: usize,
    pub direction: Direction,
    pub rule: usize,
}

/// The verdict of one side (the source's egress, the destination's ingress).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// Not a pod of the input (outside the cluster).
    NotApplicable,
    /// No policy isolates the pod in this direction.
    Open,
    /// Unknown: Calico or Cilium policies of the namespace are not evaluated.
    Unknown,
    /// Isolated, and these rules allow it.
    Allowed(Vec<RuleRef>),
    /// Isolated by these policies, and none of their rules allows it.
    Denied(Vec<usize>),
}

impl Side {
    pub fn allows(&self) -> bool {
        !matches!(self, Side::Denied(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub egress: Side,
    pub ingress: Side,
}

impl Verdict {
    pub fn allowed(&self) -> bool {
        self.egress.allows() && self.ingress.allows()
    }
}

/// How widely a rule's peers open it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openness {
    /// No `from`/`to`: every peer, in the cluster and outside.
    Everyone,
    /// `namespaceSelector: {}` without a narrowing `podSelector`: every pod.
    AllNamespaces,
    /// `ipBlock` of every address (`0.0.0.0/0`, `::/0`).
    Internet,
}

/// How `rule` opens up, and the pointer of the peer that does (the rule's own when it
/// has no peers); `strict`: an `ipBlock` of every address counts only without `except`.
pub fn openness(rule: &PolicyRule, strict: bool) -> Option<(Openness, &str)> {
    let Some(peers) = &rule.peers else {
        return Some((Openness::Everyone, &rule.pointer));
    };
    peers.iter().find_map(|peer| match peer {
        Peer::Pods {
            pointer,
            namespaces: Some(ns),
            pods,
        } if ns.is_empty() && pods.as_ref().is_none_or(|p| p.is_empty()) => {
            Some((Openness::AllNamespaces, pointer.as_str()))
        }
        Peer::Block {
            pointer,
            cidr,
            except,
        } if cidr.is_everything()
            && (if strict {
                except.is_empty()
            } else {
                !except.iter().any(|e| e.is_everything())
            }) =>
        {
            Some((Openness::Internet, pointer.as_str()))
        }
        _ => None,
    })
}

impl<'o, 'a> Network<'o, 'a> {
    pub fn build(objects: &'o [Object<'a>]) -> Self {
        let mut namespaces: Vec<Namespace<'o>> = Vec::new();
        let mut by_key: HashMap<NamespaceKey<'o>, usize> = HashMap::new();
        let mut namespace_of = |key: NamespaceKey<'o>, namespaces: &mut Vec<Namespace<'o>>| {
            *by_key.entry(key).or_insert_with(|| {
                let mut labels = Labels::new();
                if let NamespaceKey::Named(name) = key {
                    labels.insert(NAMESPACE_NAME_LABEL.to_owned(), name.to_owned());
                }
                namespaces.push(Namespace {
                    key,
                    labels,
                    object: None,
                    workloads: Vec::new(),
                    policies: Vec::new(),
                    select_all: Vec::new(),
                    other_policies: false,
                });
                namespaces.len() - 1
            })
        };
        let mut network = Network {
            objects,
            namespaces: Vec::new(),
            workloads: Vec::new(),
            policies: Vec::new(),
            problems: Vec::new(),
            cluster_wide: false,
        };
        for (index, object) in objects.iter().enumerate() {
            if object.kind == "Namespace" && object.api_version == "v1" {
                let Some(name) = object.name() else { continue };
                let ns = namespace_of(NamespaceKey::Named(name), &mut namespaces);
                let namespace = &mut namespaces[ns];
                namespace.object.get_or_insert(index);
                for (k, v) in object.metadata.labels.iter().flatten() {
                    if !namespace.labels.contains_key(k) {
                        namespace.labels.insert(k.clone(), v.clone());
                    }
                }
            } else if is_network_policy(object) {
                let ns = namespace_of(namespace_key(object), &mut namespaces);
                let mut problems = Vec::new();
                let policy = Policy::read(index, ns, object.at("/spec"), &mut problems);
                network
                    .problems
                    .extend(problems.into_iter().map(|p| (index, p)));
                namespaces[ns].policies.push(network.policies.len());
                network.policies.push(policy);
            } else if is_one_of(object, OTHER_POLICIES) {
                let ns = namespace_of(namespace_key(object), &mut namespaces);
                namespaces[ns].other_policies = true;
            } else if is_one_of(object, CLUSTER_POLICIES) {
                network.cluster_wide = true;
            }
            // A Kustomize patch or a fragment is not a workload of its own, and a partial
            // template's labels may be left to its base or operator.
            let pods = object.pods.iter().enumerate().filter(|_| !object.partial);
            for (pod_index, pod) in pods.filter(|(_, p)| !p.partial) {
                let ns = namespace_of(namespace_key(object), &mut namespaces);
                namespaces[ns].workloads.push(network.workloads.len());
                let mut ports: Vec<ContainerPort> = pod
                    .containers
                    .iter()
                    .flat_map(|c| {
                        c.container
                            .ports
                            .iter()
                            .flatten()
                            .enumerate()
                            .filter_map(|(i, p)| {
                                Some(ContainerPort {
                                    container: c.name().to_owned(),
                                    image: c.container.image.clone().unwrap_or_default(),
                                    name: p.name.clone().filter(|n| !n.is_empty()),
                                    number: u16::try_from(p.container_port).ok()?,
                                    protocol: p
                                        .protocol
                                        .clone()
                                        .unwrap_or_else(|| "TCP".to_owned()),
                                    pointer: c.at(&format!("ports/{i}/containerPort")),
                                })
                            })
                    })
                    .collect();
                // Collected from a `flat_map`, the list had room for four ports.
                ports.shrink_to_fit();
                network.workloads.push(Workload {
                    object: index,
                    pod: pod_index,
                    namespace: ns,
                    labels: pod.metadata.labels.as_ref().unwrap_or(&NO_LABELS),
                    ports,
                    selected_by: Vec::new(),
                });
            }
        }
        // Selection, namespace by namespace: one indexed pass per distinct label set.
        for namespace in &mut namespaces {
            let index = SelectorIndex::new(
                namespace
                    .policies
                    .iter()
                    .filter_map(|&p| network.policies[p].pod_selector.as_ref().map(|s| (s, p))),
            );
            namespace.select_all = index.all.clone();
            let mut verdicts: HashMap<&Labels, Vec<usize>> = HashMap::new();
            for &w in &namespace.workloads {
                let workload = &mut network.workloads[w];
                let selected = verdicts
                    .entry(workload.labels)
                    .or_insert_with(|| index.matching(workload.labels));
                workload.selected_by = selected.clone();
            }
        }
        network.namespaces = namespaces;
        network
    }

    pub fn object(&self, index: usize) -> &'o Object<'a> {
        &self.objects[index]
    }

    /// Every policy that selects workload `w`.
    pub fn policies_of(&self, w: usize) -> impl Iterator<Item = usize> + '_ {
        let workload = &self.workloads[w];
        self.namespaces[workload.namespace]
            .select_all
            .iter()
            .chain(&workload.selected_by)
            .copied()
    }

    /// The workloads policy `p` selects.
    pub fn selected_by(&self, p: usize) -> Vec<usize> {
        let policy = &self.policies[p];
        let namespace = &self.namespaces[policy.namespace];
        if namespace.select_all.contains(&p) {
            return namespace.workloads.clone();
        }
        namespace
            .workloads
            .iter()
            .copied()
            .filter(|&w| self.workloads[w].selected_by.binary_search(&p).is_ok())
            .collect()
    }

    /// Whether isolation of workload `w` can be judged: no cluster-wide policy, and no
    /// Calico or Cilium policy in its namespace.
    pub fn judged(&self, w: usize) -> bool {
        !self.cluster_wide && !self.namespaces[self.workloads[w].namespace].other_policies
    }

    /// The policies that isolate workload `w` in `direction`.
    pub fn isolating(&self, w: usize, direction: Direction) -> Vec<usize> {
        self.policies_of(w)
            .filter(|&p| self.policies[p].rules(direction).is_some())
            .collect()
    }

    /// Whether traffic from `from` reaches `to` on `port`, and which rules decide.
    pub fn verdict(&self, from: Endpoint, to: Endpoint, port: &PortQuery) -> Verdict {
        let to_ports = match to {
            Endpoint::Workload(w) => self.workloads[w].ports.as_slice(),
            Endpoint::Outside(_) => &[],
        };
        let egress = match from {
            Endpoint::Outside(_) => Side::NotApplicable,
            Endpoint::Workload(w) => self.side(w, Direction::Egress, to, port, to_ports),
        };
        let ingress = match to {
            Endpoint::Outside(_) => Side::NotApplicable,
            Endpoint::Workload(w) => self.side(w, Direction::Ingress, from, port, to_ports),
        };
        Verdict { egress, ingress }
    }

    fn side(
        &self,
        w: usize,
        direction: Direction,
        peer: Endpoint,
        port: &PortQuery,
        to_ports: &[ContainerPort],
    ) -> Side {
        if !self.judged(w) {
            return Side::Unknown;
        }
        let isolating = self.isolating(w, direction);
        if isolating.is_empty() {
            return Side::Open;
        }
        let mut allowing = Vec::new();
        for &p in &isolating {
            let policy = &self.policies[p];
            for (i, rule) in policy
                .rules(direction)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if self.rule_matches(policy, rule, peer, port, to_ports) {
                    allowing.push(RuleRef {
                        policy: p,
                        direction,
                        rule: i,
                    });
                }
            }
        }
        if allowing.is_empty() {
            Side::Denied(isolating)
        } else {
            Side::Allowed(allowing)
        }
    }

    fn rule_matches(
        &self,
        policy: &Policy,
        rule: &PolicyRule,
        peer: Endpoint,
        port: &PortQuery,
        to_ports: &[ContainerPort],
    ) -> bool {
        let peer_ok = match &rule.peers {
            None => true,
            Some(peers) => peers.iter().any(|p| self.peer_matches(policy, p, peer)),
        };
        peer_ok && Self::port_admitted(rule, port, to_ports)
    }

    /// Whether `rule`'s `ports` admit `port` of a pod with the container ports
    /// `to_ports` (named ports resolve against them).
    pub fn port_admitted(rule: &PolicyRule, port: &PortQuery, to_ports: &[ContainerPort]) -> bool {
        let Some(specs) = &rule.ports else {
            return true;
        };
        specs.iter().any(|spec| {
            if spec.protocol != port.protocol {
                return false;
            }
            match &spec.port {
                PortRef::Any => true,
                PortRef::Range(lo, hi) => port.number.is_none_or(|n| (*lo..=*hi).contains(&n)),
                PortRef::Name(name) => to_ports.iter().any(|c| {
                    c.name.as_deref() == Some(name.as_str())
                        && c.protocol == spec.protocol
                        && port.number.is_none_or(|n| n == c.number)
                }),
            }
        })
    }

    fn peer_matches(&self, policy: &Policy, peer: &Peer, endpoint: Endpoint) -> bool {
        match (peer, endpoint) {
            (Peer::Nothing, _) => false,
            (Peer::Block { cidr, except, .. }, Endpoint::Outside(ip)) => match ip {
                Some(ip) => cidr.contains(ip) && !except.iter().any(|e| e.contains(ip)),
                None => cidr.is_everything() && !except.iter().any(|e| e.is_everything()),
            },
            (Peer::Block { .. }, Endpoint::Workload(_)) => false,
            (Peer::Pods { .. }, Endpoint::Outside(_)) => false,
            (
                Peer::Pods {
                    namespaces, pods, ..
                },
                Endpoint::Workload(w),
            ) => {
                let workload = &self.workloads[w];
                let namespace_ok = match namespaces {
                    None => workload.namespace == policy.namespace,
                    Some(selector) => selector.matches(&self.namespaces[workload.namespace].labels),
                };
                namespace_ok && pods.as_ref().is_none_or(|s| s.matches(workload.labels))
            }
        }
    }

    /// A workload's name for people: `namespace/name`, with the kind when two workloads
    /// of the input would share it.
    pub fn names(&self) -> Vec<String> {
        let short = |w: &Workload<'_>| {
            let object = self.object(w.object);
            let ns = match self.namespaces[w.namespace].key {
                NamespaceKey::Named(ns) => ns.to_owned(),
                NamespaceKey::OfSource(_) => "-".to_owned(),
            };
            format!("{ns}/{}", object.name().unwrap_or("?"))
        };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for w in &self.workloads {
            *counts.entry(short(w)).or_default() += 1;
        }
        self.workloads
            .iter()
            .map(|w| {
                let name = short(w);
                if counts[&name] > 1 {
                    let (ns, rest) = name.split_once('/').unwrap_or(("", &name));
                    format!("{ns}/{}/{rest}", self.object(w.object).kind)
                } else {
                    name
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
