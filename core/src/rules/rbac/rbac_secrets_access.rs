use k8s_openapi::api::rbac::v1::PolicyRule;

use super::{covers_group, list, policy_rules};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags rules of a Role or ClusterRole that allow `get`, `list` or `watch` (or
    /// `*`) on `secrets` without naming the secrets in `resourceNames`.
    ///
    /// ## Why is this bad?
    /// Reading secrets gives their contents: database passwords, API keys, TLS keys and
    /// service account tokens, which in turn carry their own permissions. `list` and
    /// `watch` return every secret of the namespace (or of the cluster, for a
    /// ClusterRole bound cluster-wide) in one call.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: app
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: app
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   resourceNames: ["app-db"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Known problems
    /// Only rules that name `secrets` are reported; `resources: ["*"]` is reported by
    /// `rbac-wildcard`. Controllers whose job is secrets (cert-manager, external-secrets,
    /// sealed-secrets) need this access; suppress the finding on their roles.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.2: Minimize access to secrets
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static RBAC_SECRETS_ACCESS = Rule {
        id: "rbac-secrets-access",
        title: "Role can read secrets",
        category: Category::Rbac,
        severity: Severity::Medium,
        applies_to: "Role, ClusterRole",
        remediation: "Name the secrets in `resourceNames` and allow only `get`, or mount the secrets the workload needs instead of reading them through the API.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const READ_VERBS: &[&str] = &["get", "list", "watch", "*"];

/// The verbs of `rule` that read any secret, if it reaches secrets unrestricted.
fn secret_read_verbs(rule: &PolicyRule) -> Vec<String> {
    if !covers_group(rule, "") || rule.resource_names.as_ref().is_some_and(|n| !n.is_empty()) {
        return Vec::new();
    }
    rule.verbs
        .iter()
        .filter(|v| READ_VERBS.contains(&v.as_str()))
        .map(|v| format!("`{v}`"))
        .collect()
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for (i, rule) in policy_rules(object) {
        let resources = rule.resources.as_deref().unwrap_or_default();
        let Some(j) = resources.iter().position(|r| r == "secrets") else {
            continue;
        };
        let verbs = secret_read_verbs(&rule);
        if verbs.is_empty() {
            continue;
        }
        out.report(
            object,
            format!("/rules/{i}/resources/{j}"),
            format!("rule {i} allows {} on all `secrets`", list(&verbs)),
        );
    }
}
