use serde_json::json;

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
    /// At the restricted level, flags pods whose containers may run as root: neither the
    /// pod nor the container sets `runAsNonRoot: true`, or either sets it to `false`.
    /// A container's own setting wins over the pod's.
    ///
    /// Severity: medium when the manifest leaves the user to the image (or sets user 0,
    /// which `root-user-id` also reports); low when the container runs as a non-zero
    /// `runAsUser`, since the manifest already pins a non-root user and
    /// `runAsNonRoot: true` only guards against that setting being removed or overridden.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the node's kernel, kept in only by namespaces,
    /// capabilities and seccomp. Any kernel or runtime bug, or any mistake in the other
    /// settings, turns into full control of the node. `runAsNonRoot: true` makes the
    /// kubelet refuse to start a container whose user is 0.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
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
    ///     runAsUser: 10001
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `runAsNonRoot: true`. An image whose user is root then fails to start
    /// until it gets a non-root `USER` or the pod a `runAsUser`.
    ///
    /// ## Version history
    /// Pod Security Standards control `runAsNonRoot` (restricted), since policy version
    /// v1.0. From v1.35 on, pods with their own user namespace (`hostUsers: false`) are
    /// exempt: root in the pod is not root on the node. Before v1.35 that relaxation
    /// existed only behind an alpha feature gate, off by default, and is not applied.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Running as Non-root
    pub static RUN_AS_ROOT = Rule {
        id: "run-as-root",
        title: "Container may run as root",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.runAsNonRoot: true` on the pod (and not `false` on any container).",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "runAsNonRoot", level: PssLevel::Restricted }),
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
    if !enforced(ctx, &RUN_AS_ROOT, 0)
        || (minor(ctx) >= since::USER_NAMESPACES && in_user_namespace(pod))
    {
        return;
    }
    let pod_setting = pod_context(pod).and_then(|sc| sc.run_as_non_root);
    if pod_setting == Some(false) {
        let pointer = pod_context_at(pod, "runAsNonRoot");
        out.report(object, &pointer, "pod sets `runAsNonRoot: false`")
            .fix_set("set `runAsNonRoot: true`", pointer, json!(true));
    }
    let pod_user = pod_context(pod).and_then(|sc| sc.run_as_user);
    for c in &pod.containers {
        let user = container_context(c)
            .and_then(|sc| sc.run_as_user)
            .or(pod_user);
        let unset = match container_context(c).and_then(|sc| sc.run_as_non_root) {
            Some(true) => continue,
            Some(false) => false,
            None if pod_setting == Some(true) => continue,
            None => true,
        };
        let (message, severity) = match (unset, user) {
            (false, _) => ("sets `runAsNonRoot: false`".to_owned(), None),
            (true, Some(0)) => (
                "runs as user 0 (root), and neither it nor the pod sets `runAsNonRoot: true`"
                    .to_owned(),
                None,
            ),
            (true, Some(uid)) => (
                format!(
                    "runs as user {uid} but neither it nor the pod sets `runAsNonRoot: true`"
                ),
                Some(Severity::Low),
            ),
            (true, None) => (
                "does not set `runAsNonRoot: true` (nor does the pod), and `runAsUser` is not set: the image decides the user".to_owned(),
                None,
            ),
        };
        let pointer = c.at("securityContext/runAsNonRoot");
        let finding = out.report(
            object,
            &pointer,
            format!("{} `{}` {message}", c.kind.noun(), c.name()),
        );
        finding.severity = severity;
        // The kubelet refuses `runAsNonRoot: true` together with user 0.
        if user != Some(0) {
            finding.fix_set("set `runAsNonRoot: true`", pointer, json!(true));
        }
    }
}
