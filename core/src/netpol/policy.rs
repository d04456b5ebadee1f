//! NetworkPolicy objects read from the tree, with a pointer for every rule and peer.
//!
//! Semantics from `k8s.io/api/networking/v1/types.go` (NetworkPolicySpec and friends)
//! and its defaulting (`SetDefaults_NetworkPolicySpec`): `policyTypes` absent or empty
//! means `Ingress`, plus `Egress` when `egress` has rules; an absent `podSelector` is the
//! empty one (every pod of the namespace); absent or empty `from`/`to` match every peer
//! and absent or empty `ports` every port; a peer's `podSelector` alone means pods of
//! the policy's namespace, its `namespaceSelector` alone every pod of the namespaces it
//! selects, both together the pods of those namespaces; `ipBlock` goes alone.

use std::net::IpAddr;

use ecow::EcoString;

use super::selector::{self, Problem, Selector};
use crate::yaml::{Node, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// An IP network, `cidr` or an `except` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = text.split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32u32),
            IpAddr::V6(v6) => (u128::from(v6), 128u32),
        };
        let ((net, width), (ip, ip_width)) = (bits(self.addr), bits(ip));
        if width != ip_width {
            return false;
        }
        let mask = if self.prefix == 0 {
            0
        } else {
            u128::MAX << (128 - u32::from(self.prefix))
        };
        net & mask == ip & mask
    }

    /// `0.0.0.0/0` or `::/0`: every address of its family.
    pub fn is_everything(&self) -> bool {
        self.prefix == 0
    }
}

#[derive(Clone, Debug)]
pub enum Peer {
    /// Pods: of the policy's namespace (`namespaces: None`) or of the namespaces the
    /// selector picks; every pod there when `pods` is `None`.
    Pods {
        pointer: EcoString,
        namespaces: Option<Selector>,
        pods: Option<Selector>,
    },
    /// Addresses outside the cluster.
    Block {
        pointer: EcoString,
        cidr: Cidr,
        except: Vec<Cidr>,
    },
    /// A malformed peer: it matches nothing (the problem is reported).
    Nothing,
}

/// Which port a `ports` entry allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    /// Every port of the protocol.
    Any,
    /// `port` to `endPort`, inclusive.
    Range(u16, u16),
    /// A named container port of the pod the traffic goes to.
    Name(EcoString),
}

#[derive(Clone, Debug)]
pub struct PortSpec {
    pub pointer: EcoString,
    pub protocol: EcoString,
    pub port: PortRef,
}

/// One entry of `ingress` or `egress`.
#[derive(Clone, Debug)]
pub struct PolicyRule {
    pub pointer: EcoString,
    /// `None`: every peer (`from`/`to` absent or empty).
    pub peers: Option<Vec<Peer>>,
    /// `None`: every port.
    pub ports: Option<Vec<PortSpec>>,
}

/// A NetworkPolicy as the model uses it.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Index of the object in the analysed slice.
    pub object: usize,
    pub namespace: usize,
    /// `None`: the selector is malformed and selects nothing.
    pub pod_selector: Option<Selector>,
    /// The rules of each direction the policy isolates; `None` when `policyTypes`
    /// leaves the direction out.
    pub ingress: Option<Vec<PolicyRule>>,
    pub egress: Option<Vec<PolicyRule>>,
}

impl Policy {
    pub fn rules(&self, direction: Direction) -> Option<&[PolicyRule]> {
        match direction {
            Direction::Ingress => self.ingress.as_deref(),
            Direction::Egress => self.egress.as_deref(),
        }
    }

    /// Reads the policy at `spec` (the object's `/spec`, if any).
    pub fn read(
        object: usize,
        namespace: usize,
        spec: Option<&Node>,
        problems: &mut Vec<Problem>,
    ) -> Policy {
        let empty = Node::null_at(Default::default());
        let spec = spec.unwrap_or(&empty);
        let pod_selector = match spec.get("podSelector") {
            Some(node) => selector::parse(node, "/spec/podSelector", problems),
            None => Some(Selector::default()),
        };
        let list = |field: &str, problems: &mut Vec<Problem>| -> Option<Vec<PolicyRule>> {
            let node = spec.get(field).filter(|n| !n.is_null())?;
            let Some(items) = node.as_seq() else {
                problems.push(Problem {
                    pointer: format!("/spec/{field}"),
                    message: format!("`{field}` must be a list, not a {}", node.type_name()),
                });
                return Some(Vec::new());
            };
            let peers = if field == "ingress" { "from" } else { "to" };
            Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        read_rule(item, &format!("/spec/{field}/{i}"), peers, problems)
                    })
                    .collect(),
            )
        };
        let ingress = list("ingress", problems);
        let egress = list("egress", problems);
        let (mut has_ingress, mut has_egress) =
            (true, egress.as_ref().is_some_and(|e| !e.is_empty()));
        if let Some(types) = spec
            .get("policyTypes")
            .and_then(Node::as_seq)
            .filter(|t| !t.is_empty())
        {
            (has_ingress, has_egress) = (false, false);
            for (i, t) in types.iter().enumerate() {
                match t.as_str() {
                    Some("Ingress") => has_ingress = true,
                    Some("Egress") => has_egress = true,
                    _ => problems.push(Problem {
                        pointer: format!("/spec/policyTypes/{i}"),
                        message: "`policyTypes` entries are `Ingress` or `Egress`".to_owned(),
                    }),
                }
            }
        }
        Policy {
            object,
            namespace,
            pod_selector,
            ingress: has_ingress.then(|| ingress.unwrap_or_default()),
            egress: has_egress.then(|| egress.unwrap_or_default()),
        }
    }
}

fn read_rule(
    node: &Node,
    pointer: &str,
    peers_field: &str,
    problems: &mut Vec<Problem>,
) -> PolicyRule {
    let peers = node
        .get(peers_field)
        .filter(|n| !n.is_null())
        .and_then(|n| {
            let at = format!("{pointer}/{peers_field}");
            match n.as_seq() {
                Some([]) => None,
                Some(items) => Some(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| read_peer(p, &format!("{at}/{i}"), problems))
                        .collect(),
                ),
                None => {
                    problems.push(Problem {
                        pointer: at,
                        message: format!("`{peers_field}` must be a list, not a {}", n.type_name()),
                    });
                    Some(vec![Peer::Nothing])
                }
            }
        });
    let ports = node.get("ports").filter(|n| !n.is_null()).and_then(|n| {
        let at = format!("{pointer}/ports");
        match n.as_seq() {
            Some([]) => None,
            Some(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| read_port(p, &format!("{at}/{i}"), problems))
                    .collect(),
            ),
            None => {
                problems.push(Problem {
                    pointer: at,
                    message: format!("`ports` must be a list, not a {}", n.type_name()),
                });
                Some(Vec::new())
            }
        }
    });
    PolicyRule {
        pointer: pointer.into(),
        peers,
        ports,
    }
}

fn read_peer(node: &Node, pointer: &str, problems: &mut Vec<Problem>) -> Peer {
    let field = |name: &str| node.get(name).filter(|n| !n.is_null());
    let (pods, namespaces, block) = (
        field("podSelector"),
        field("namespaceSelector"),
        field("ipBlock"),
    );
    let mut problem = |at: String, message: &str| {
        problems.push(Problem {
            pointer: at,
            message: message.to_owned(),
        })
    };
    if node.as_map().is_none() {
        problem(pointer.to_owned(), "a peer must be a mapping");
        return Peer::Nothing;
    }
    if let Some(block) = block {
        if pods.is_some() || namespaces.is_some() {
            problem(
                pointer.to_owned(),
                "a peer with `ipBlock` may not also set `podSelector` or `namespaceSelector`",
            );
            return Peer::Nothing;
        }
        let at = format!("{pointer}/ipBlock");
        let Some(cidr) = block
            .get("cidr")
            .and_then(Node::as_str)
            .and_then(Cidr::parse)
        else {
            problem(
                format!("{at}/cidr"),
                "`ipBlock.cidr` must be a CIDR such as `10.0.0.0/8`",
            );
            return Peer::Nothing;
        };
        let mut except = Vec::new();
        for (i, e) in block
            .get("except")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            match e.as_str().and_then(Cidr::parse) {
                Some(c) => except.push(c),
                None => {
                    problem(
                        format!("{at}/except/{i}"),
                        "an `except` entry must be a CIDR",
                    );
                    return Peer::Nothing;
                }
            }
        }
        return Peer::Block {
            pointer: at.into(),
            cidr,
            except,
        };
    }
    if pods.is_none() && namespaces.is_none() {
        problem(
            pointer.to_owned(),
            "a peer must set `podSelector`, `namespaceSelector` or `ipBlock`",
        );
        return Peer::Nothing;
    }
    let before = problems.len();
    let pods = pods.map(|n| selector::parse(n, &format!("{pointer}/podSelector"), problems));
    let namespaces =
        namespaces.map(|n| selector::parse(n, &format!("{pointer}/namespaceSelector"), problems));
    if problems.len() != before {
        return Peer::Nothing;
    }
    Peer::Pods {
        pointer: pointer.into(),
        namespaces: namespaces.flatten(),
        pods: pods.flatten(),
    }
}

fn read_port(node: &Node, pointer: &str, problems: &mut Vec<Problem>) -> Option<PortSpec> {
    let mut problem = |at: String, message: String| {
        problems.push(Problem {
            pointer: at,
            message,
        })
    };
    if node.as_map().is_none() {
        problem(
            pointer.to_owned(),
            "a `ports` entry must be a mapping".to_owned(),
        );
        return None;
    }
    let protocol = match node.get("protocol").filter(|n| !n.is_null()) {
        None => "TCP".to_owned(),
        Some(p) => match p.as_str() {
            Some(p @ ("TCP" | "UDP" | "SCTP")) => p.to_owned(),
            _ => {
                problem(
                    format!("{pointer}/protocol"),
                    "`protocol` is `TCP`, `UDP` or `SCTP`".to_owned(),
                );
                return None;
            }
        },
    };
    let number = |n: &Node| match &n.value {
        Value::Scalar(s) => s
            .int()
            .and_then(|i| u16::try_from(i).ok())
            .filter(|p| *p > 0),
        _ => None,
    };
    let port = match node.get("port").filter(|n| !n.is_null()) {
        None => PortRef::Any,
        Some(p) => match (number(p), p.as_str()) {
            (Some(n), _) => {
                let end = match node.get("endPort").filter(|n| !n.is_null()) {
                    None => n,
                    Some(e) => match number(e).filter(|e| *e >= n) {
                        Some(e) => e,
                        None => {
                            problem(
                                format!("{pointer}/endPort"),
                                format!("`endPort` must be a port number not below `port` ({n})"),
                            );
                            return None;
                        }
                    },
                };
                PortRef::Range(n, end)
            }
            // `IsValidPortName`: a quoted `"80"` is a name, and names need a letter.
            (None, Some(name)) if name.bytes().any(|b| b.is_ascii_alphabetic()) => {
                if node.get("endPort").is_some_and(|n| !n.is_null()) {
                    problem(
                        format!("{pointer}/endPort"),
                        "`endPort` needs a numeric `port`, not a named one".to_owned(),
                    );
                    return None;
                }
                PortRef::Name(name.into())
            }
            _ => {
                problem(
                    format!("{pointer}/port"),
                    "`port` must be a number from 1 to 65535 or a port name".to_owned(),
                );
                return None;
            }
        },
    };
    Some(PortSpec {
        pointer: pointer.into(),
        protocol: protocol.into(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_contain_their_addresses() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.is_everything() && all.contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("::/0")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0.0").is_none());
    }
}
