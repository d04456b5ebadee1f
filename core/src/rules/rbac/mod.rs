//! RBAC: roles that grant too much and bindings that hand it to the wrong subjects.

pub mod cluster_admin_binding;
pub mod default_service_account_binding;
pub mod privileged_service_account;
pub mod rbac_escalation_verbs;
pub mod rbac_secrets_access;
pub mod rbac_wildcard;
pub mod unauthenticated_subject_binding;

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};

use crate::model::Object;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The rules of a Role or ClusterRole with their index; empty for other kinds or when
/// `rules` does not fit the schema (that is reported by `invalid-field-type`).
fn policy_rules(object: &Object<'_>) -> Vec<(usize, PolicyRule)> {
    if object.group() != RBAC_GROUP || !matches!(object.kind.as_str(), "Role" | "ClusterRole") {
        return Vec::new();
    }
    object
        .typed::<Vec<PolicyRule>>("/rules")
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .collect()
}

/// The role reference and subjects of a RoleBinding or ClusterRoleBinding.
fn binding(object: &Object<'_>) -> Option<(RoleRef, Vec<Subject>)> {
    if object.group() != RBAC_GROUP
        || !matches!(object.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
    {
        return None;
    }
    let role_ref = object.typed::<RoleRef>("/roleRef")?;
    let subjects = object
        .typed::<Vec<Subject>>("/subjects")
        .unwrap_or_default();
    Some((role_ref, subjects))
}

/// Whether a rule's `apiGroups` reach `group` (`""` is the core group).
fn covers_group(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|g| g == group || g == "*")
}

/// `cluster role `view`` or `role `reader`` for messages.
fn describe_role(role_ref: &RoleRef) -> String {
    let noun = if role_ref.kind == "ClusterRole" {
        "cluster role"
    } else {
        "role"
    };
    format!("{noun} `{}`", role_ref.name)
}

/// `service account `ns/name``, `group `name``, `user `name`` for messages.
fn describe_subject(subject: &Subject) -> String {
    let kind = match subject.kind.as_str() {
        "ServiceAccount" => "service account",
        "Group" => "group",
        "User" => "user",
        other => other,
    };
    match &subject.namespace {
        Some(ns) if subject.kind == "ServiceAccount" => format!("{kind} `{ns}/{}`", subject.name),
        _ => format!("{kind} `{}`", subject.name),
    }
}

/// `a`, `a` and `b`, `a`, `b` and 3 more: a short list of backticked names.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    match names.len() {
        0 => String::new(),
        1 => shown[0].to_owned(),
        n if n <= SHOWN => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}

#[cfg(test)]
mod tests {
    use crate::{check, Options, Source};

    #[test]
    fn same_named_roles_resolve_to_the_nearest_file() {
        let binding = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: adapter}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: adapter}
subjects:
- {kind: ServiceAccount, name: adapter, namespace: monitoring}
---
apiVersion: v1
kind: Pod
metadata: {name: adapter, namespace: monitoring}
spec:
  serviceAccountName: adapter
  containers: [{name: c, image: c:1}]
";
        let role = |verbs: &str| {
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: adapter}}
rules:
- {{apiGroups: [\"\"], resources: [\"*\"], verbs: [{verbs}]}}
"
            )
        };
        let run = |near: &str, far: &str| {
            let sources = vec![
                Source::new("far/role.yaml", role(far)),
                Source::new("repo/manifests/binding.yaml", binding),
                Source::new("repo/manifests/role.yaml", role(near)),
            ];
            let options = Options {
                only: vec!["privileged-service-account".to_owned()],
                ..Options::default()
            };
            check(sources, &options).findings.len()
        };
        assert_eq!(run("get", "\"*\""), 0);
        assert_eq!(run("\"*\"", "get"), 1);
    }
}
