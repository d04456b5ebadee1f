use k8s_openapi::api::rbac::v1::PolicyRule;

use super::policy_rules;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags rules of a Role or ClusterRole that use `*` in `verbs` or `resources`.
    ///
    /// ## Why is this bad?
    /// A wildcard grants every verb or every resource, including ones added later by
    /// new Kubernetes versions and custom resources: `escalate`, `bind`, `impersonate`,
    /// secrets, pods/exec. What a role allows can no longer be read from the role, and
    /// it grows silently with the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: deployer
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["*"]
    ///   verbs: ["*"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: deployer
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["get", "list", "watch", "update", "patch"]
    /// ```
    ///
    /// ## Known problems
    /// `apiGroups: ["*"]` alone (with named resources and verbs) is not reported: it
    /// only matters for resources of the same name in other groups. Neither is
    /// `resources: ["*"]` with only `get`, `list` and `watch` in named API groups other
    /// than the core group: a controller reading its own custom resources. Operators that
    /// manage arbitrary resources (Argo CD, Flux) need wildcards by design; suppress the
    /// finding on their roles with a reason.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.3: Minimize wildcard use in Roles and ClusterRoles
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static RBAC_WILDCARD = Rule {
        id: "rbac-wildcard",
        title: "Wildcard in a role's verbs or resources",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "List the verbs and resources the subject needs instead of `*`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const READ_VERBS: &[&str] = &["get", "list", "watch"];

/// The fields of `rule` that hold a risky `*`, each with the index of its first `*`.
/// `resources: ["*"]` read-only in named, non-core groups (a controller watching its
/// own custom resources) is not risky: it reaches no secrets and changes nothing.
fn wildcards(rule: &PolicyRule) -> Vec<(&'static str, usize)> {
    let read_only = rule.verbs.iter().all(|v| READ_VERBS.contains(&v.as_str()));
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let reaches_core = groups.iter().any(|g| g.is_empty() || g == "*");
    let mut found = Vec::new();
    if let Some(i) = rule.verbs.iter().position(|v| v == "*") {
        found.push(("verbs", i));
    }
    let resources = rule.resources.as_deref().unwrap_or_default();
    if let Some(i) = resources.iter().position(|r| r == "*") {
        if !read_only || reaches_core {
            found.push(("resources", i));
        }
    }
    found
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for (i, rule) in policy_rules(object) {
        let found = wildcards(&rule);
        let Some(&(field, index)) = found.first() else {
            continue;
        };
        let fields: Vec<String> = found.iter().map(|(f, _)| format!("`{f}`")).collect();
        out.report(
            object,
            format!("/rules/{i}/{field}/{index}"),
            format!("rule {i} uses `*` in {}", fields.join(" and ")),
        );
    }
}
