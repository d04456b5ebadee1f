use k8s_openapi::api::rbac::v1::PolicyRule;

use super::{covers_group, list, policy_rules};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags rules of a Role or ClusterRole that grant a verb which lets the holder gain
    /// permissions it was not given:
    /// - `escalate` or `bind` on `roles`/`clusterroles`;
    /// - `impersonate` on `users`, `groups`, `serviceaccounts`, `uids` or `userextras`;
    /// - `create` on `pods/exec`, `pods/attach` or `serviceaccounts/token`;
    /// - `update` or `patch` on `pods/ephemeralcontainers`;
    /// - `get` or `create` on `nodes/proxy`;
    /// - `approve` on `signers`.
    ///
    /// ## Why is this bad?
    /// Each of these is a documented privilege-escalation path: `escalate` and `bind`
    /// let a subject write or bind roles with more than it has; `impersonate` acts as
    /// another user or service account; exec, attach, ephemeral containers and token
    /// requests run code or obtain credentials of other workloads' service accounts;
    /// `nodes/proxy` reaches the kubelet API and, through it, every pod on the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: debugger
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/exec"]
    ///   verbs: ["get", "create"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: debugger
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/log"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Known problems
    /// Rules limited by `resourceNames` (e.g. `bind` on one named ClusterRole, the
    /// documented way to delegate) are not reported. Wildcards (`verbs: ["*"]`,
    /// `resources: ["*"]`) include these verbs but are reported by `rbac-wildcard`.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.8: Limit use of the Bind, Impersonate and Escalate permissions
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static RBAC_ESCALATION_VERBS = Rule {
        id: "rbac-escalation-verbs",
        title: "Role grants a privilege-escalation verb",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "Remove the verb, or limit it with `resourceNames` to the objects the subject must reach.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks",
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// `(verbs, API group, resource)` combinations that escalate privileges.
const ESCALATIONS: &[(&[&str], &str, &str)] = &[
    (&["escalate", "bind"], "rbac.authorization.k8s.io", "roles"),
    (
        &["escalate", "bind"],
        "rbac.authorization.k8s.io",
        "clusterroles",
    ),
    (&["impersonate"], "", "users"),
    (&["impersonate"], "", "groups"),
    (&["impersonate"], "", "serviceaccounts"),
    (&["impersonate"], "authentication.k8s.io", "uids"),
    (&["impersonate"], "authentication.k8s.io", "userextras"),
    (&["create"], "", "pods/exec"),
    (&["create"], "", "pods/attach"),
    (&["create"], "", "serviceaccounts/token"),
    (&["update", "patch"], "", "pods/ephemeralcontainers"),
    (&["get", "create"], "", "nodes/proxy"),
    (&["approve"], "certificates.k8s.io", "signers"),
];

/// The resources of `rule` that `verb` escalates on.
pub(super) fn escalating_resources(rule: &PolicyRule, verb: &str) -> Vec<String> {
    let resources = rule.resources.as_deref().unwrap_or_default();
    let mut found = Vec::new();
    for resource in resources {
        // `userextras/scopes` and the like: the part before `/` names the resource.
        let base = if resource.starts_with("userextras/") {
            "userextras"
        } else {
            resource.as_str()
        };
        let escalates = ESCALATIONS.iter().any(|(verbs, group, r)| {
            *r == base && verbs.contains(&verb) && covers_group(rule, group)
        });
        if escalates {
            found.push(format!("`{resource}`"));
        }
    }
    found
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for (i, rule) in policy_rules(object) {
        if rule.resource_names.as_ref().is_some_and(|n| !n.is_empty()) {
            continue;
        }
        for (j, verb) in rule.verbs.iter().enumerate() {
            let resources = escalating_resources(&rule, verb);
            if resources.is_empty() {
                continue;
            }
            out.report(
                object,
                format!("/rules/{i}/verbs/{j}"),
                format!("rule {i} grants `{verb}` on {}", list(&resources)),
            );
        }
    }
}
