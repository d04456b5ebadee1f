use super::report_role_capabilities;
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::capability::Capability;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Roles and ClusterRoles that let a subject into running pods:
    /// - run commands: `create` on `pods/exec` or `pods/attach`, `update` or `patch` on
    ///   `pods/ephemeralcontainers` (a debug container);
    /// - port-forward: `create` on `pods/portforward` (severity medium);
    /// - `get` on `pods/exec`, `pods/attach` or `pods/portforward`: the API server
    ///   authorizes the WebSocket upgrade that `kubectl` uses as `get` on clusters before
    ///   v1.35, so this is reported unless the target version (`--k8s-version`) is
    ///   v1.35 or later.
    ///
    /// Every spelling counts: `*` verbs, `*` resources, `*/exec`. `pods/*` is no
    /// wildcard and grants none of these.
    ///
    /// ## Why is this bad?
    /// A command in a pod runs with that pod's service account token, its Secrets and
    /// its host access: exec into one privileged pod is control of its node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/log", "pods/exec"]
    ///   verbs: ["get", "create"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/log"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Options
    /// `--k8s-version 1.35` (or later) stops counting `get` on these subresources.
    ///
    /// ## References
    /// - Kubernetes RBAC good practices: privilege escalation risks
    pub static RBAC_POD_EXEC = Rule {
        id: "rbac-pod-exec",
        title: "Role can exec, attach or port-forward into pods",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Role, ClusterRole",
        remediation: "Grant exec, attach and port-forward only to break-glass roles, for named pods where possible.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks",
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
        &[Capability::ExecPods, Capability::PortForward],
    );
}
