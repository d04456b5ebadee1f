use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{
    container_context, enforced, in_user_namespace, minor, pod_context, pod_context_at,
};

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags `runAsUser: 0` in the pod's or a container's
    /// security context.
    ///
    /// ## Why is this bad?
    /// User id 0 is root. Setting it explicitly runs the container as root whatever the
    /// image says, and contradicts `runAsNonRoot`.
    ///
    /// Severity: medium: running as user 0 is the same risk `run-as-root`
    /// reports when root is not forbidden: the kernel and runtime still confine the
    /// container, so defence in depth missing, not a path by itself.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       runAsUser: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       runAsUser: 10001
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `runAsUser` (restricted), from policy version v1.23
    /// on. From v1.35 on, pods with their own user namespace (`hostUsers: false`) are
    /// exempt, as for `run-as-root`.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Running as Non-root user
    pub static ROOT_USER_ID = Rule {
        id: "root-user-id",
        title: "Container runs as user id 0",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `runAsUser` to a non-zero user id, or remove it and use an image with a non-root `USER`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "runAsUser", level: PssLevel::Restricted }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &ROOT_USER_ID, since::RUN_AS_USER)
        || (minor(ctx) >= since::USER_NAMESPACES && in_user_namespace(pod))
    {
        return;
    }
    if pod_context(pod).and_then(|sc| sc.run_as_user) == Some(0) {
        out.report(
            object,
            pod_context_at(pod, "runAsUser"),
            "pod sets `runAsUser: 0`",
        );
    }
    for c in &pod.containers {
        if container_context(c).and_then(|sc| sc.run_as_user) == Some(0) {
            out.report(
                object,
                c.at("securityContext/runAsUser"),
                format!("{} `{}` sets `runAsUser: 0`", c.kind.noun(), c.name()),
            );
        }
    }
}
