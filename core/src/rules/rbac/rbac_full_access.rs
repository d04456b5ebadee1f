use super::report_role_capabilities;
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capability::Capability;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Roles and ClusterRoles that allow every verb on every resource of every API
    /// group: a rule with `*` in `verbs`, `resources` and `apiGroups` (no `resourceNames`).
    /// That is `cluster-admin` for a ClusterRole, and full control of its namespace for a
    /// Role. Matching is the API server's (see `crate::rbac`): a rule that names many
    /// verbs and resources is not full access, and `apiGroups: ["*"]` with named
    /// resources is not either.
    ///
    /// Such a role is reported by this rule only; the other `rbac-*` role rules leave it
    /// alone while this one runs.
    ///
    /// ## Why is this bad?
    /// Whoever holds the role can do anything, including reading every Secret, running
    /// commands in every pod and granting itself or others any other role. It also grows
    /// with the cluster: every new resource type and custom resource is included.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: deployer
    /// rules:
    /// - apiGroups: ["*"]
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
    /// Kubernetes' own `cluster-admin` (label `kubernetes.io/bootstrapping: rbac-defaults`)
    /// is not reported; bindings to it are (`privileged-binding`). Operators that manage
    /// arbitrary resources (Argo CD) need this by design; suppress the finding with a
    /// reason.
    pub static RBAC_FULL_ACCESS = Rule {
        id: "rbac-full-access",
        title: "Role allows every verb on every resource",
        category: Category::Rbac,
        severity: Severity::Critical,
        applies_to: "Role, ClusterRole",
        remediation: "List the API groups, resources and verbs the subject needs instead of `*`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    report_role_capabilities(ctx, objects, out, &[Capability::FullAccess]);
}
