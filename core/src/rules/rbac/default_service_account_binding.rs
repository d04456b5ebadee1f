use super::{binding, describe_role};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings whose subjects include a namespace's
    /// `default` service account.
    ///
    /// ## Why is this bad?
    /// Every pod that does not name a `serviceAccountName` runs as `default`. A role
    /// bound to it is handed to every such pod of the namespace, present and future,
    /// not to the one workload that needed it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: config-reader
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: config-reader
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: default
    ///   namespace: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: config-reader
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: config-reader
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: web
    ///   namespace: shop
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.5: Ensure that default service accounts are not actively used
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static DEFAULT_SERVICE_ACCOUNT_BINDING = Rule {
        id: "default-service-account-binding",
        title: "Role bound to a default service account",
        category: Category::Rbac,
        severity: Severity::Medium,
        applies_to: "ClusterRoleBinding, RoleBinding",
        remediation: "Create a service account for the workload, set it as its `serviceAccountName` and bind the role to it.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some((role_ref, subjects)) = binding(object) else {
        return;
    };
    for (k, subject) in subjects.iter().enumerate() {
        if subject.kind == "ServiceAccount" && subject.name == "default" {
            let account = match subject.namespace.as_deref().or(object.namespace()) {
                Some(ns) => format!("{ns}/default"),
                None => "default".to_owned(),
            };
            out.report(
                object,
                format!("/subjects/{k}/name"),
                format!(
                    "binding grants {} to service account `{account}`",
                    describe_role(&role_ref)
                ),
            );
        }
    }
}
