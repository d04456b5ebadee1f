use super::report_role_capabilities;
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capability::Capability;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Roles and ClusterRoles that allow `get`, `list` or `watch` on Secrets of any
    /// name, whatever the spelling: `secrets` in the core group `""`, `*` resources,
    /// `*` verbs or `*` API groups. A rule limited by `resourceNames` is not reported.
    ///
    /// ## Why is this bad?
    /// Reading Secrets gives their contents: database passwords, API keys, TLS keys and
    /// service account tokens, which carry their own permissions. `list` and `watch`
    /// alone return every Secret's data, not only names.
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
    ///   resources: ["secrets", "configmaps"]
    ///   verbs: ["list"]
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
    /// Controllers whose job is Secrets (cert-manager, external-secrets, sealed-secrets)
    /// need this; suppress the finding on their roles with a reason.
    pub static RBAC_SECRET_READ = Rule {
        id: "rbac-secret-read",
        title: "Role can read every Secret",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "Name the Secrets in `resourceNames` and allow only `get`, or mount the Secrets the workload needs instead of reading them through the API.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    report_role_capabilities(ctx, objects, out, &[Capability::ReadSecrets]);
}
