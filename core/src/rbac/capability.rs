//! Dangerous capabilities, each defined by the requests that exercise it, so that every
//! spelling of a role that grants one is found by the evaluator ([`super::eval`]).
//!
//! Sources: "RBAC good practices, privilege escalation risks"
//! (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks),
//! the CSR approval and signing permissions
//! (https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization),
//! impersonation (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation)
//! and CIS Kubernetes Benchmark 5.1.x.

use super::eval::{rule_allows, PolicyRule, Request, UNLISTED};
use crate::severity::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// Every verb on every resource of every group: `cluster-admin` (within a namespace
    /// when bound there).
    FullAccess,
    ReadSecrets,
    CreatePods,
    ExecPods,
    PortForward,
    Escalate,
    Bind,
    Impersonate,
    NodesProxy,
    CreateTokens,
    ApproveCsr,
    SignCsr,
    WriteWebhooks,
    CreatePersistentVolumes,
}

impl Capability {
    pub const ALL: [Capability; 14] = [
        Capability::FullAccess,
        Capability::ReadSecrets,
        Capability::CreatePods,
        Capability::ExecPods,
        Capability::PortForward,
        Capability::Escalate,
        Capability::Bind,
        Capability::Impersonate,
        Capability::NodesProxy,
        Capability::CreateTokens,
        Capability::ApproveCsr,
        Capability::SignCsr,
        Capability::WriteWebhooks,
        Capability::CreatePersistentVolumes,
    ];

    /// What a subject holding it can do, for messages: "can …".
    pub fn phrase(self) -> &'static str {
        match self {
            Capability::FullAccess => "do everything (every verb on every resource)",
            Capability::ReadSecrets => "read Secrets",
            Capability::CreatePods => "create pods",
            Capability::ExecPods => "run commands in pods",
            Capability::PortForward => "port-forward into pods",
            Capability::Escalate => "escalate roles",
            Capability::Bind => "bind roles",
            Capability::Impersonate => "impersonate other identities",
            Capability::NodesProxy => "reach the kubelet API through `nodes/proxy`",
            Capability::CreateTokens => "create service account tokens",
            Capability::ApproveCsr => "approve certificate signing requests",
            Capability::SignCsr => "sign certificate signing requests",
            Capability::WriteWebhooks => "write admission webhook configurations",
            Capability::CreatePersistentVolumes => "create PersistentVolumes",
        }
    }

    /// Severity of holding it, before the subject's breadth raises it.
    pub fn severity(self) -> Severity {
        match self {
            Capability::FullAccess => Severity::Critical,
            Capability::PortForward | Capability::CreatePersistentVolumes => Severity::Medium,
            _ => Severity::High,
        }
    }

    /// Why it is dangerous, one clause for messages and docs.
    pub fn why(self) -> &'static str {
        match self {
            Capability::FullAccess => "this is `cluster-admin`",
            Capability::ReadSecrets => "`list` and `watch` return every Secret's data",
            Capability::CreatePods => {
                "a pod may mount any service account, Secret or host path of its namespace"
            }
            Capability::ExecPods => "it acts as every pod's service account and reads its files",
            Capability::PortForward => "it reaches ports that no Service or NetworkPolicy exposes",
            Capability::Escalate => "`escalate` lifts the limit to the editor's own rights",
            Capability::Bind => "`bind` grants roles the binder does not hold",
            Capability::Impersonate => "it acts as other users, groups or service accounts",
            Capability::NodesProxy => "the kubelet API runs commands in every pod of the node",
            Capability::CreateTokens => "a token of a service account carries its rights",
            Capability::ApproveCsr => "an approved CSR is a client certificate for any user",
            Capability::SignCsr => "a signed certificate authenticates as any user",
            Capability::WriteWebhooks => "a webhook sees and changes every admitted object",
            Capability::CreatePersistentVolumes => "a `hostPath` volume mounts any node path",
        }
    }
}

/// One request a capability needs. `verb`, `group` or `resource` [`UNLISTED`] means
/// "every", which only `*` grants.
#[derive(Debug)]
pub struct Probe {
    pub capability: Capability,
    /// Probes of one capability with the same `alternative` must all be allowed (CSR
    /// approval needs both the `approval` subresource and the signer); any complete
    /// alternative grants the capability.
    pub alternative: u8,
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    /// `true`: the capability is on objects the subject picks, so a rule limited by
    /// `resourceNames` does not grant it. `false`: named objects are enough (binding one
    /// named ClusterRole is the danger).
    pub any_object: bool,
    /// The resource is cluster-scoped (or, for impersonating users and groups, checked
    /// without a namespace): a Role or a RoleBinding cannot grant it.
    pub cluster_scoped: bool,
    /// `get` on an exec-like subresource: a WebSocket upgrade, authorized as `get` on
    /// clusters before v1.35 (`AuthorizePodWebsocketUpgradeCreatePermission`).
    pub websocket_get: bool,
}

const fn probe(
    capability: Capability,
    alternative: u8,
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
) -> Probe {
    Probe {
        capability,
        alternative,
        verb,
        group,
        resource,
        subresource,
        any_object: true,
        cluster_scoped: false,
        websocket_get: false,
    }
}

const fn named(mut p: Probe) -> Probe {
    p.any_object = false;
    p
}

const fn cluster(mut p: Probe) -> Probe {
    p.cluster_scoped = true;
    p
}

const fn websocket(mut p: Probe) -> Probe {
    p.websocket_get = true;
    p
}

use Capability as C;

const RBAC: &str = "rbac.authorization.k8s.io";
const CERTS: &str = "certificates.k8s.io";
const ADMISSION: &str = "admissionregistration.k8s.io";

pub static PROBES: &[Probe] = &[
    probe(C::FullAccess, 0, UNLISTED, UNLISTED, UNLISTED, ""),
    probe(C::ReadSecrets, 0, "get", "", "secrets", ""),
    probe(C::ReadSecrets, 1, "list", "", "secrets", ""),
    probe(C::ReadSecrets, 2, "watch", "", "secrets", ""),
    probe(C::CreatePods, 0, "create", "", "pods", ""),
    probe(C::CreatePods, 1, "create", "apps", "deployments", ""),
    probe(C::CreatePods, 2, "create", "apps", "daemonsets", ""),
    probe(C::CreatePods, 3, "create", "apps", "statefulsets", ""),
    probe(C::CreatePods, 4, "create", "apps", "replicasets", ""),
    probe(C::CreatePods, 5, "create", "batch", "jobs", ""),
    probe(C::CreatePods, 6, "create", "batch", "cronjobs", ""),
    probe(C::CreatePods, 7, "create", "", "replicationcontrollers", ""),
    probe(C::ExecPods, 0, "create", "", "pods", "exec"),
    websocket(probe(C::ExecPods, 1, "get", "", "pods", "exec")),
    probe(C::ExecPods, 2, "create", "", "pods", "attach"),
    websocket(probe(C::ExecPods, 3, "get", "", "pods", "attach")),
    probe(C::ExecPods, 4, "update", "", "pods", "ephemeralcontainers"),
    probe(C::ExecPods, 5, "patch", "", "pods", "ephemeralcontainers"),
    probe(C::PortForward, 0, "create", "", "pods", "portforward"),
    websocket(probe(C::PortForward, 1, "get", "", "pods", "portforward")),
    named(probe(C::Escalate, 0, "escalate", RBAC, "roles", "")),
    cluster(named(probe(
        C::Escalate,
        1,
        "escalate",
        RBAC,
        "clusterroles",
        "",
    ))),
    named(probe(C::Bind, 0, "bind", RBAC, "roles", "")),
    // A RoleBinding to a ClusterRole is authorized as `bind` on `clusterroles` in the
    // binding's namespace, so a Role can grant this.
    named(probe(C::Bind, 1, "bind", RBAC, "clusterroles", "")),
    cluster(named(probe(
        C::Impersonate,
        0,
        "impersonate",
        "",
        "users",
        "",
    ))),
    cluster(named(probe(
        C::Impersonate,
        1,
        "impersonate",
        "",
        "groups",
        "",
    ))),
    named(probe(
        C::Impersonate,
        2,
        "impersonate",
        "",
        "serviceaccounts",
        "",
    )),
    cluster(named(probe(
        C::Impersonate,
        3,
        "impersonate",
        "authentication.k8s.io",
        "uids",
        "",
    ))),
    cluster(named(probe(C::NodesProxy, 0, "get", "", "nodes", "proxy"))),
    cluster(named(probe(
        C::NodesProxy,
        1,
        "create",
        "",
        "nodes",
        "proxy",
    ))),
    named(probe(
        C::CreateTokens,
        0,
        "create",
        "",
        "serviceaccounts",
        "token",
    )),
    cluster(probe(
        C::ApproveCsr,
        0,
        "update",
        CERTS,
        "certificatesigningrequests",
        "approval",
    )),
    cluster(named(probe(
        C::ApproveCsr,
        0,
        "approve",
        CERTS,
        "signers",
        "",
    ))),
    cluster(probe(
        C::ApproveCsr,
        1,
        "patch",
        CERTS,
        "certificatesigningrequests",
        "approval",
    )),
    cluster(named(probe(
        C::ApproveCsr,
        1,
        "approve",
        CERTS,
        "signers",
        "",
    ))),
    cluster(probe(
        C::SignCsr,
        0,
        "update",
        CERTS,
        "certificatesigningrequests",
        "status",
    )),
    cluster(named(probe(C::SignCsr, 0, "sign", CERTS, "signers", ""))),
    cluster(probe(
        C::SignCsr,
        1,
        "patch",
        CERTS,
        "certificatesigningrequests",
        "status",
    )),
    cluster(named(probe(C::SignCsr, 1, "sign", CERTS, "signers", ""))),
    cluster(probe(
        C::WriteWebhooks,
        0,
        "create",
        ADMISSION,
        "mutatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        1,
        "update",
        ADMISSION,
        "mutatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        2,
        "patch",
        ADMISSION,
        "mutatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        3,
        "delete",
        ADMISSION,
        "mutatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        4,
        "create",
        ADMISSION,
        "validatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        5,
        "update",
        ADMISSION,
        "validatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        6,
        "patch",
        ADMISSION,
        "validatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::WriteWebhooks,
        7,
        "delete",
        ADMISSION,
        "validatingwebhookconfigurations",
        "",
    )),
    cluster(probe(
        C::CreatePersistentVolumes,
        0,
        "create",
        "",
        "persistentvolumes",
        "",
    )),
];

impl Probe {
    /// `` `get` on `pods/exec` `` for messages.
    pub fn describe(&self) -> String {
        if self.capability == Capability::FullAccess {
            return "`*` verbs on `*` resources in `*` API groups".to_owned();
        }
        let resource = if self.subresource.is_empty() {
            self.resource.to_owned()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        };
        let group = if self.group.is_empty() {
            String::new()
        } else {
            format!(" (`{}`)", self.group)
        };
        format!("`{}` on `{resource}`{group}", self.verb)
    }

    /// Whether `rule` allows this request.
    pub fn allowed_by(&self, rule: &PolicyRule) -> bool {
        let request = Request::Resource {
            verb: self.verb,
            group: self.group,
            resource: self.resource,
            subresource: self.subresource,
            name: UNLISTED,
        };
        if rule_allows(rule, &request) {
            return true;
        }
        // Named objects are enough: any rule that matches the request but for its names.
        !self.any_object
            && !rule.resource_names.is_empty()
            && rule_allows(
                &PolicyRule {
                    resource_names: Vec::new(),
                    ..rule.clone()
                },
                &request,
            )
    }

    /// Whether the probe counts where the grant applies: cluster-scoped resources need a
    /// ClusterRole bound cluster-wide; WebSocket `get` only before v1.35.
    pub fn applies(&self, namespaced: bool, version: Option<(u32, u32)>) -> bool {
        let out_of_scope = namespaced && self.cluster_scoped;
        let create_only = self.websocket_get && version.is_some_and(|v| v >= (1, 35));
        !out_of_scope && !create_only
    }
}

/// The index of the first verb of `rule` that allows `probe` (its `*` or its name).
pub fn verb_index(rule: &PolicyRule, probe: &Probe) -> Option<usize> {
    rule.verbs.iter().position(|v| v == "*" || v == probe.verb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_has_a_probe_and_alternatives_are_numbered_from_zero() {
        for capability in Capability::ALL {
            let alternatives: Vec<u8> = PROBES
                .iter()
                .filter(|p| p.capability == capability)
                .map(|p| p.alternative)
                .collect();
            assert!(!alternatives.is_empty(), "{capability:?}");
            let max = *alternatives.iter().max().unwrap();
            for a in 0..=max {
                assert!(
                    alternatives.contains(&a),
                    "{capability:?} lacks alternative {a}"
                );
            }
        }
    }

    #[test]
    fn resource_names_limit_any_object_probes_but_not_named_ones() {
        let rule = PolicyRule {
            verbs: vec!["get".into(), "bind".into()],
            api_groups: vec!["".into(), RBAC.into()],
            resources: vec!["secrets".into(), "clusterroles".into()],
            resource_names: vec!["x".into()],
            ..PolicyRule::default()
        };
        let secrets = PROBES.iter().find(|p| p.resource == "secrets").unwrap();
        assert!(!secrets.allowed_by(&rule));
        let bind = PROBES
            .iter()
            .find(|p| p.capability == C::Bind && p.resource == "clusterroles")
            .unwrap();
        assert!(bind.allowed_by(&rule));
    }

    #[test]
    fn websocket_get_counts_before_1_35_and_cluster_scope_only_cluster_wide() {
        let get_exec = PROBES
            .iter()
            .find(|p| p.websocket_get && p.subresource == "exec")
            .unwrap();
        assert!(get_exec.applies(true, None));
        assert!(get_exec.applies(true, Some((1, 34))));
        assert!(!get_exec.applies(true, Some((1, 35))));
        let pv = PROBES
            .iter()
            .find(|p| p.resource == "persistentvolumes")
            .unwrap();
        assert!(pv.applies(false, None));
        assert!(!pv.applies(true, None));
    }
}
