use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags RBAC objects that the API server refuses or that grant nothing although
    /// they look like they grant something:
    /// - a field of the wrong type (`verbs: get` instead of a list, a number in a list);
    /// - a verb the API server does not use (`Get`, `exec`, `read`);
    /// - a rule without verbs, without `resources` and `nonResourceURLs`, or with
    ///   `resources` but no `apiGroups`;
    /// - the API group `core` or `v1` (the core group is `""`);
    /// - `pods/*` and the like, which name a subresource called `*` and are no wildcard;
    /// - `nonResourceURLs` in a Role; a ClusterRoleBinding to a Role; a `roleRef` or a
    ///   subject without `kind` or `name`; a selector operator that does not exist.
    ///
    /// The rest of the input is analysed as the API server would read it: an unreadable
    /// field counts as empty.
    ///
    /// ## Why is this bad?
    /// The object fails to apply, or it applies and does not grant what its author meant;
    /// the workload then fails at run time, and the usual "fix" is a wildcard.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: logs
    ///   namespace: shop
    /// rules:
    /// - apiGroups: ["core"]
    ///   resources: ["pods/log"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: logs
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods/log"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Known problems
    /// Verbs of aggregated API servers and custom authorizers are not known and are
    /// reported; suppress the finding with a reason.
    ///
    /// ## References
    /// - Kubernetes RBAC: Referring to resources
    pub static INVALID_RBAC_RULE = Rule {
        id: "invalid-rbac-rule",
        title: "RBAC object the API server refuses or that grants nothing",
        category: Category::Rbac,
        severity: Severity::Low,
        applies_to: "Role, ClusterRole, RoleBinding, ClusterRoleBinding",
        remediation: "Write the field as the RBAC API defines it: lists of lowercase verbs, `\"\"` for the core group, subresources by name.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    for problem in &ctx.rbac(objects).problems {
        out.report(
            &objects[problem.object],
            problem.pointer.clone(),
            problem.message.clone(),
        );
    }
}
