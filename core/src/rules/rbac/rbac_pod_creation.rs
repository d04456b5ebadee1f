use super::report_role_capabilities;
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capability::Capability;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Roles and ClusterRoles that allow `create` on pods or on a workload that
    /// creates pods: Deployments, DaemonSets, StatefulSets, ReplicaSets (`apps`), Jobs and
    /// CronJobs (`batch`), ReplicationControllers (core), in any spelling (`*` verbs,
    /// resources or API groups).
    ///
    /// ## Why is this bad?
    /// A pod may name any service account of its namespace and mount any Secret and
    /// ConfigMap there; where Pod Security admission allows it, it may also run
    /// privileged or mount the node's filesystem. Creating pods is using every service
    /// account and reading every Secret of the namespace.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["create", "update"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   resourceNames: ["web"]
    ///   verbs: ["get", "patch"]
    /// ```
    ///
    /// ## Known problems
    /// Deployment tools and operators create workloads by design; suppress the finding
    /// on their roles with a reason, and enforce Pod Security admission on the namespaces
    /// they deploy to. `update` and `patch` of existing workloads (which can change their
    /// service account) are not reported.
    pub static RBAC_POD_CREATION = Rule {
        id: "rbac-pod-creation",
        title: "Role can create pods",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "Give `create` on pods and workloads only to deployment tools, and enforce Pod Security admission where they deploy.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    report_role_capabilities(ctx, objects, out, &[Capability::CreatePods]);
}
