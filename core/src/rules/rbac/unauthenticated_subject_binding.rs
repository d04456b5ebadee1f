use k8s_openapi::api::rbac::v1::Subject;

use super::{binding, describe_role};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings that grant a role to the user
    /// `system:anonymous`, or one of the groups `system:unauthenticated`,
    /// `system:authenticated` and `system:serviceaccounts` (every service account of
    /// every namespace). The bindings Kubernetes itself makes for these subjects
    /// (`system:public-info-viewer`, `system:discovery`, `system:basic-user`,
    /// `system:service-account-issuer-discovery`) are not reported.
    ///
    /// ## Why is this bad?
    /// `system:anonymous` and `system:unauthenticated` are anyone who can reach the API
    /// server without credentials. `system:authenticated` is every user and every
    /// service account of every namespace, and on managed clusters often any account of
    /// the cloud provider; `system:serviceaccounts` is every pod of the cluster that
    /// mounts a token. A role bound to them is granted to the world, or to any
    /// compromised pod.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: read-all
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: Group
    ///   name: system:unauthenticated
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: read-all
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: Group
    ///   name: auditors
    /// ```
    ///
    /// ## References
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization (anonymous requests)
    /// - CIS Kubernetes Benchmark 5.1: RBAC and Service Accounts
    pub static UNAUTHENTICATED_SUBJECT_BINDING = Rule {
        id: "unauthenticated-subject-binding",
        title: "Role granted to anonymous users, all users or all service accounts",
        category: Category::Rbac,
        severity: Severity::Critical,
        applies_to: "ClusterRoleBinding, RoleBinding",
        remediation: "Bind the role to the specific users, groups or service accounts that need it.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
            "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Roles that Kubernetes binds to these subjects by default.
const DEFAULT_ROLES: &[&str] = &[
    "system:public-info-viewer",
    "system:discovery",
    "system:basic-user",
    "system:service-account-issuer-discovery",
];

fn is_everyone(subject: &Subject) -> bool {
    match subject.kind.as_str() {
        "User" => subject.name == "system:anonymous",
        "Group" => matches!(
            subject.name.as_str(),
            "system:unauthenticated" | "system:authenticated" | "system:serviceaccounts"
        ),
        _ => false,
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some((role_ref, subjects)) = binding(object) else {
        return;
    };
    if DEFAULT_ROLES.contains(&role_ref.name.as_str()) {
        return;
    }
    for (k, subject) in subjects.iter().enumerate() {
        if is_everyone(subject) {
            out.report(
                object,
                format!("/subjects/{k}/name"),
                format!(
                    "binding grants {} to `{}`",
                    describe_role(&role_ref),
                    subject.name
                ),
            );
        }
    }
}
