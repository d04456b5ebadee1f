use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Reports, as information, a RoleBinding or ClusterRoleBinding whose `roleRef` names
    /// a role that is neither in the input (a Role of the binding's namespace, a
    /// ClusterRole) nor one of Kubernetes' default ClusterRoles that kubecheck knows.
    ///
    /// ## Why is this bad?
    /// It may not be: the role can be created by another chart or by hand. But what the
    /// binding grants cannot be judged from the manifests, so the RBAC rules stay silent
    /// on it; this finding says so instead of passing it silently.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: app
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: app-reader
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: Role
    ///   metadata:
    ///     name: app-reader
    ///     namespace: shop
    ///   rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get"]
    /// - apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: RoleBinding
    ///   metadata:
    ///     name: app
    ///     namespace: shop
    ///   roleRef:
    ///     apiGroup: rbac.authorization.k8s.io
    ///     kind: Role
    ///     name: app-reader
    ///   subjects:
    ///   - kind: ServiceAccount
    ///     name: app
    /// ```
    ///
    /// ## References
    /// - Kubernetes RBAC: RoleBinding and ClusterRoleBinding
    pub static UNKNOWN_ROLE_REFERENCE = Rule {
        id: "unknown-role-reference",
        title: "Binding to a role that is not in the input",
        category: Category::Rbac,
        severity: Severity::Info,
        applies_to: "RoleBinding, ClusterRoleBinding",
        remediation: "Check the role together with its binding, or accept that kubecheck cannot judge this binding.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let rbac = ctx.rbac(objects);
    for binding in &rbac.bindings {
        let (Some((kind, name)), None) = (&binding.role_ref, binding.role) else {
            continue;
        };
        // A Role from a ClusterRoleBinding, or another kind, is `invalid-rbac-rule`'s.
        let valid = kind == "ClusterRole" || (kind == "Role" && !binding.cluster);
        if binding.kubernetes_default || !valid {
            continue;
        }
        let place = match (kind.as_str(), &binding.namespace) {
            ("Role", Some(ns)) => format!(" of namespace `{ns}`"),
            _ => String::new(),
        };
        let default = if kind == "ClusterRole" {
            " nor a Kubernetes default kubecheck knows"
        } else {
            ""
        };
        out.report(
            &objects[binding.object],
            "/roleRef/name",
            format!("cannot judge: {kind} `{name}`{place} is not in the input{default}"),
        );
    }
}
