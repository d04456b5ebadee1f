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
    /// only matters for resources of the same name in other groups. Operators that
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

/// The fields of `rule` that hold `*`, each with the index of its first `*`.
fn wildcards(rule: &PolicyRule) -> Vec<(&'static str, usize)> {
    let fields: [(&'static str, &[String]); 2] = [
        ("verbs", &rule.verbs),
        ("resources", rule.resources.as_deref().unwrap_or_default()),
    ];
    fields
        .into_iter()
        .filter_map(|(field, values)| Some((field, values.iter().position(|v| v == "*")?)))
        .collect()
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
