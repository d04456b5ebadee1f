//! Reachability as people read it: the matrix of which workload reaches which (and from
//! outside), and one question answered with the located rules that decide it. The CLI
//! (`kubecheck netpol`) prints these; they are data so that other front ends can too (the
//! web app's check worker sends them to its page).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::policy::Direction;
use super::{Endpoint, Network, PortQuery, RuleRef, Side};
use crate::model::{Input, Object};

/// The name of the row of traffic from outside the cluster.
pub const OUTSIDE: &str = "outside";

/// What a source reaches of a destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "reach", content = "ports")]
pub enum Reach {
    /// Every port the destination declares (or, when it declares none, some port).
    All,
    /// These of its declared TCP ports only.
    Ports(Vec<u16>),
    None,
    /// Calico or Cilium policies of a namespace are not evaluated.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub reach: Reach,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matrix {
    /// Workload names, in input order: the destinations, and with [`OUTSIDE`] first
    /// the sources.
    pub workloads: Vec<String>,
    /// Row by row: sources `outside`, then each workload; columns each workload.
    pub cells: Vec<Cell>,
}

/// The matrix of `network`: for each source (outside, then every workload) and each
/// destination workload, which of the destination's declared TCP ports it reaches.
pub fn matrix(network: &Network<'_, '_>) -> Matrix {
    let names = network.names();
    let sources = std::iter::once((OUTSIDE.to_owned(), Endpoint::Outside(None))).chain(
        names
            .iter()
            .enumerate()
            .map(|(w, n)| (n.clone(), Endpoint::Workload(w))),
    );
    let mut cells = Vec::new();
    for (from_name, from) in sources {
        for (to, to_name) in names.iter().enumerate() {
            let reach = if from == Endpoint::Workload(to) {
                // A pod's traffic to itself is never blocked by NetworkPolicy.
                Reach::All
            } else {
                reach(network, from, to)
            };
            cells.push(Cell {
                from: from_name.clone(),
                to: to_name.clone(),
                reach,
            });
        }
    }
    Matrix {
        workloads: names,
        cells,
    }
}

fn reach(network: &Network<'_, '_>, from: Endpoint, to: usize) -> Reach {
    let ports: Vec<u16> = network.workloads[to]
        .ports
        .iter()
        .filter(|p| p.protocol == "TCP")
        .map(|p| p.number)
        .collect();
    let unknown = |v: &super::Verdict| v.egress == Side::Unknown || v.ingress == Side::Unknown;
    if ports.is_empty() {
        let verdict = network.verdict(from, Endpoint::Workload(to), &PortQuery::any());
        return match (unknown(&verdict), verdict.allowed()) {
            (true, _) => Reach::Unknown,
            (false, true) => Reach::All,
            (false, false) => Reach::None,
        };
    }
    let mut allowed = Vec::new();
    for &port in &ports {
        let verdict = network.verdict(from, Endpoint::Workload(to), &PortQuery::tcp(port));
        if unknown(&verdict) {
            return Reach::Unknown;
        }
        if verdict.allowed() && !allowed.contains(&port) {
            allowed.push(port);
        }
    }
    let mut distinct = ports.clone();
    distinct.sort_unstable();
    distinct.dedup();
    match allowed.len() {
        0 => Reach::None,
        n if n == distinct.len() => Reach::All,
        _ => {
            allowed.sort_unstable();
            Reach::Ports(allowed)
        }
    }
}

/// A place in the input: `file:line:column`, the object and what is there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Located {
    pub location: String,
    pub policy: String,
    pub pointer: String,
    /// The span of the node `location` names, for front ends that select it.
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// One side of an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SideAnswer {
    /// `not-applicable`, `open`, `unknown`, `allowed` or `denied`.
    pub verdict: Cow<'static, str>,
    pub explanation: String,
    /// The allowing rules (`allowed`) or the isolating policies (`denied`).
    pub rules: Vec<Located>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub from: String,
    pub to: String,
    pub port: Option<u16>,
    pub allowed: bool,
    pub egress: SideAnswer,
    pub ingress: SideAnswer,
}

/// Where `pointer` of `object` is: the node, or its closest existing parent.
pub fn locate(input: &Input, object: &Object<'_>, pointer: &str) -> String {
    let span = node_at(object, pointer).span;
    let source = input
        .sources
        .get(object.source)
        .map_or("-", |s| s.name.as_str());
    format!("{source}:{}:{}", span.start.line, span.start.column)
}

/// The node at `pointer` of `object`, or its closest existing parent.
fn node_at<'a>(object: &Object<'a>, pointer: &str) -> &'a crate::yaml::Node {
    let mut node = object.node;
    for segment in crate::pointer::segments(pointer).unwrap_or_default() {
        let next = match segment.parse::<usize>() {
            Ok(i) if node.as_seq().is_some() => node.index(i),
            _ => node.get(&segment),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

impl Located {
    fn new(input: &Input, object: &Object<'_>, policy: String, pointer: &str) -> Self {
        let span = node_at(object, pointer).span;
        Located {
            location: locate(input, object, pointer),
            policy,
            pointer: pointer.to_owned(),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
        }
    }
}

/// Answers "can `from` reach `to` on `port`" with the located rules that decide it.
pub fn explain(
    input: &Input,
    network: &Network<'_, '_>,
    from: (&str, Endpoint),
    to: (&str, Endpoint),
    port: Option<u16>,
) -> Answer {
    let query = match port {
        Some(p) => PortQuery::tcp(p),
        None => PortQuery::any(),
    };
    let verdict = network.verdict(from.1, to.1, &query);
    let policy_name = |p: usize| {
        let object = network.object(network.policies[p].object);
        format!(
            "NetworkPolicy/{}/{}",
            object.namespace().unwrap_or("-"),
            object.name().unwrap_or("?")
        )
    };
    let rule_located = |r: &RuleRef| {
        let policy = &network.policies[r.policy];
        let rule = &policy.rules(r.direction).unwrap_or_default()[r.rule];
        let object = network.object(policy.object);
        Located::new(input, object, policy_name(r.policy), &rule.pointer)
    };
    let side = |side: &Side, direction: Direction, who: &str| -> SideAnswer {
        let field = direction.field();
        match side {
            Side::NotApplicable => SideAnswer {
                verdict: Cow::Borrowed("not-applicable"),
                explanation: format!("{who} is outside the cluster: no {field} policy applies"),
                rules: Vec::new(),
            },
            Side::Open => SideAnswer {
                verdict: Cow::Borrowed("open"),
                explanation: format!("no NetworkPolicy isolates {who} for {field}"),
                rules: Vec::new(),
            },
            Side::Unknown => SideAnswer {
                verdict: Cow::Borrowed("unknown"),
                explanation: format!(
                    "{who}'s namespace has Calico or Cilium policies, or the input a cluster-wide policy, which are not evaluated"
                ),
                rules: Vec::new(),
            },
            Side::Allowed(rules) => SideAnswer {
                verdict: Cow::Borrowed("allowed"),
                explanation: format!("{who} is isolated for {field}, and these rules allow it"),
                rules: rules.iter().map(rule_located).collect(),
            },
            Side::Denied(policies) => SideAnswer {
                verdict: Cow::Borrowed("denied"),
                explanation: format!(
                    "{who} is isolated for {field} by these policies, and none of their rules allows it"
                ),
                rules: policies
                    .iter()
                    .map(|&p| {
                        let object = network.object(network.policies[p].object);
                        Located::new(input, object, policy_name(p), "/spec/podSelector")
                    })
                    .collect(),
            },
        }
    };
    Answer {
        from: from.0.to_owned(),
        to: to.0.to_owned(),
        port,
        allowed: verdict.allowed(),
        egress: side(&verdict.egress, Direction::Egress, from.0),
        ingress: side(&verdict.ingress, Direction::Ingress, to.0),
    }
}
