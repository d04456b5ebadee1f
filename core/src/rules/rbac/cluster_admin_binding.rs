use super::{binding, describe_subject};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags ClusterRoleBindings and RoleBindings whose `roleRef` is the `cluster-admin`
    /// ClusterRole.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` allows every action on every resource. Bound cluster-wide, a
    /// compromise of any subject (a service account token leaked from one pod, one
    /// user's kubeconfig) is a compromise of the whole cluster; bound in a namespace it
    /// is full control there, including its secrets and RBAC.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: ci
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: ci
    ///   namespace: ci
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: ci
    ///   namespace: ci
    /// ```
    ///
    /// ## Known problems
    /// Some cluster operators are installed with `cluster-admin` on purpose; suppress
    /// the finding on their binding with a reason.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.1: Ensure that the cluster-admin role is only used where required
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static CLUSTER_ADMIN_BINDING = Rule {
        id: "cluster-admin-binding",
        title: "Binding to cluster-admin",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "ClusterRoleBinding, RoleBinding",
        remediation: "Bind a role that grants only the verbs and resources the subjects need.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
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
    if role_ref.kind != "ClusterRole" || role_ref.name != "cluster-admin" {
        return;
    }
    let subjects: Vec<String> = subjects.iter().map(describe_subject).collect();
    let scope = match (object.kind.as_str(), object.namespace()) {
        ("RoleBinding", Some(ns)) => format!(" in namespace `{ns}`"),
        ("RoleBinding", None) => " in its namespace".to_owned(),
        _ => String::new(),
    };
    let message = if subjects.is_empty() {
        format!("binding grants `cluster-admin`{scope}")
    } else {
        format!(
            "binding grants `cluster-admin`{scope} to {}",
            subjects.join(", ")
        )
    };
    out.report(object, "/roleRef/name", message);
}
