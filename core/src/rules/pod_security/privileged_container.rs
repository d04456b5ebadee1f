use k8s_openapi::api::core::v1::SecurityContext;
use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};

use super::standards::{container_context, enforced};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) that set
    /// `securityContext.privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container runs with every capability and access to all host
    /// devices; escaping to the node is trivial. It disables most of the isolation
    /// that containers provide.
    ///
    /// Severity: critical: a privileged container has every capability and every device of
    /// the node: a direct node compromise.
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
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       privileged: false
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `privileged: false`. Workloads that really need host devices (CNI
    /// and storage drivers) break; grant the specific capability or device instead.
    ///
    /// ## Version history
    /// Pod Security Standards control `privileged` (baseline), unchanged since policy
    /// version v1.0. Applies to containers, init containers and ephemeral containers.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Privileged Containers
    pub static PRIVILEGED_CONTAINER = Rule {
        id: "privileged-container",
        title: "Privileged container",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.privileged: false` and grant only the capabilities the container needs.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
        pss: Some(PssControl { control: "privileged", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn is_privileged(ctx: &SecurityContext) -> bool {
    ctx.privileged == Some(true)
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &PRIVILEGED_CONTAINER, 0) {
        return;
    }
    for c in &pod.containers {
        if container_context(c).is_some_and(is_privileged) {
            let pointer = c.at("securityContext/privileged");
            out.report(
                object,
                &pointer,
                format!("{} `{}` sets `privileged: true`", c.kind.noun(), c.name()),
            )
            .fix_set("set `privileged: false`", pointer, json!(false));
        }
    }
}
