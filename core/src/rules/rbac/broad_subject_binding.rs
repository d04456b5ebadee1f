use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capabilities;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags RoleBindings and ClusterRoleBindings that give a role to a subject that
    /// stands for many identities, when the role grants none of the dangerous
    /// capabilities that `privileged-binding` reports (that rule reports the others, at
    /// a raised severity):
    /// - the user `system:anonymous` and the group `system:unauthenticated` (anyone who
    ///   reaches the API server; severity high);
    /// - the groups `system:authenticated`, `system:serviceaccounts` and
    ///   `system:serviceaccounts:<ns>`;
    /// - a `default` service account, which every pod of its namespace that names no
    ///   service account runs as.
    ///
    /// A binding to a role kubecheck cannot see is reported too: what it grants is
    /// unknown. The roles Kubernetes itself binds to these groups
    /// (`system:public-info-viewer`, `system:discovery`, `system:basic-user`,
    /// `system:service-account-issuer-discovery`) and Kubernetes' own bindings are not.
    ///
    /// ## Why is this bad?
    /// Read access that looks harmless (`view`, a list of pods or ConfigMaps) given to
    /// everyone leaks the cluster's layout, names and configuration to any account, or
    /// without credentials at all. A role bound to a `default` service account is handed
    /// to every pod that did not ask for it.
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
    pub static BROAD_SUBJECT_BINDING = Rule {
        id: "broad-subject-binding",
        title: "Role granted to anonymous users, all users, all service accounts or a default service account",
        category: Category::Rbac,
        severity: Severity::Medium,
        applies_to: "RoleBinding, ClusterRoleBinding",
        remediation: "Bind the role to the specific users, groups or service accounts that need it.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles",
            "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// Roles Kubernetes binds to these groups itself.
const PUBLIC_ROLES: &[&str] = &[
    "system:public-info-viewer",
    "system:discovery",
    "system:basic-user",
    "system:service-account-issuer-discovery",
];

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let rbac = ctx.rbac(objects);
    let version = ctx.options.kubernetes_version;
    for binding in &rbac.bindings {
        let Some((kind, name)) = &binding.role_ref else {
            continue;
        };
        if binding.kubernetes_default
            || (kind == "ClusterRole" && PUBLIC_ROLES.contains(&name.as_str()))
        {
            continue;
        }
        let role_text = match binding.role {
            Some(role) => {
                if !capabilities(&rbac.effective[role], !binding.cluster, version).is_empty() {
                    // `privileged-binding` reports it, at a raised severity.
                    continue;
                }
                rbac.roles[role].describe()
            }
            None => format!("`{name}` (not in the input, so what it grants is unknown)"),
        };
        let object = &objects[binding.object];
        for subject in &binding.subjects {
            let Some(who) = subject.breadth() else {
                continue;
            };
            let finding = out.report(
                object,
                format!("/subjects/{}/name", subject.index),
                format!(
                    "binding gives {role_text} {} to {}: {who}",
                    binding.scope(),
                    subject.describe(binding.namespace.as_deref()),
                ),
            );
            if matches!(
                subject.name.as_str(),
                "system:unauthenticated" | "system:anonymous"
            ) {
                finding.severity = Some(Severity::High);
            }
        }
    }
}
