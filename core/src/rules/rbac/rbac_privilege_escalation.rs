use super::report_role_capabilities;
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capability::Capability;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Roles and ClusterRoles that grant a way around RBAC itself, one finding per
    /// capability:
    /// - `escalate` on `roles` or `clusterroles`, `bind` on `roles` or `clusterroles`;
    /// - `impersonate` on `users`, `groups`, `serviceaccounts` or `uids`;
    /// - `create` on `serviceaccounts/token`;
    /// - `get` or `create` on `nodes/proxy` (the kubelet API);
    /// - approving (`update` on `certificatesigningrequests/approval` and `approve` on
    ///   `signers`) or signing (`update` on `certificatesigningrequests/status` and `sign`
    ///   on `signers`) certificate signing requests: both halves are needed;
    /// - writing `mutatingwebhookconfigurations` or `validatingwebhookconfigurations`;
    /// - `create` on `persistentvolumes` (severity medium).
    ///
    /// A Role grants none of the cluster-scoped ones (users, groups, uids, nodes, CSRs,
    /// webhooks, PersistentVolumes, `escalate` on `clusterroles`): those are not
    /// reported on Roles. `bind`, `escalate` and `impersonate` limited by
    /// `resourceNames` still count; the others need any object.
    ///
    /// ## Why is this bad?
    /// Each of these turns the role into more rights than it lists: binding or
    /// escalating to `cluster-admin`, acting as another identity, minting a token or a
    /// client certificate for one, running commands through the kubelet, seeing and
    /// changing every admitted object, or mounting a node's disk through a `hostPath`
    /// PersistentVolume.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: team-lead
    /// rules:
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["clusterroles"]
    ///   verbs: ["bind"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: team-lead
    /// rules:
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["rolebindings"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// ## Known problems
    /// Kubernetes' own roles are not reported. Operators that manage RBAC (Calico's
    /// tigera-operator, OLM) and certificate controllers need some of these; suppress the
    /// finding with a reason.
    pub static RBAC_PRIVILEGE_ESCALATION = Rule {
        id: "rbac-privilege-escalation",
        title: "Role can escalate, bind, impersonate or mint credentials",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "Remove the permission, or limit it with `resourceNames` to the objects the subject must reach.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks",
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    report_role_capabilities(
        ctx,
        objects,
        out,
        &[
            Capability::Escalate,
            Capability::Bind,
            Capability::Impersonate,
            Capability::CreateTokens,
            Capability::NodesProxy,
            Capability::ApproveCsr,
            Capability::SignCsr,
            Capability::WriteWebhooks,
            Capability::CreatePersistentVolumes,
        ],
    );
}
