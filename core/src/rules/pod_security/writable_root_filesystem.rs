use k8s_openapi::api::core::v1::SecurityContext;
use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::pod_security::pss_overlap::is_windows;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) that do not set
    /// `securityContext.readOnlyRootFilesystem: true`. Windows pods (`spec.os.name:
    /// windows`) are skipped: the field does not apply to them.
    ///
    /// ## Why is this bad?
    /// With a writable root filesystem an attacker who gets code execution can drop
    /// tools and binaries, change the application's own files and persist until the
    /// container restarts. An immutable filesystem also makes drift visible.
    ///
    /// Severity: medium: a writable root file system lets an attacker persist tools in the
    /// container: defence in depth missing.
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
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///     - name: tmp
    ///       mountPath: /tmp
    ///   volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `readOnlyRootFilesystem: true`. An application that writes to its
    /// filesystem (caches, `/tmp`, PID files) then fails at run time: mount an
    /// `emptyDir` at each path it writes to.
    ///
    /// ## References
    /// - Kubernetes docs: Configure a Security Context for a Pod or Container
    pub static WRITABLE_ROOT_FILESYSTEM = Rule {
        id: "writable-root-filesystem",
        title: "Writable root filesystem",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn is_read_only(ctx: Option<&SecurityContext>) -> bool {
    ctx.and_then(|c| c.read_only_root_filesystem) == Some(true)
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if is_windows(&pod.spec) {
        return;
    }
    for c in &pod.containers {
        if is_read_only(c.container.security_context.as_ref()) {
            continue;
        }
        let pointer = c.at("securityContext/readOnlyRootFilesystem");
        let message = match c
            .container
            .security_context
            .as_ref()
            .and_then(|s| s.read_only_root_filesystem)
        {
            Some(false) => format!(
                "{} `{}` sets `readOnlyRootFilesystem: false`",
                c.kind.noun(),
                c.name()
            ),
            _ => format!(
                "{} `{}` does not set `readOnlyRootFilesystem: true`",
                c.kind.noun(),
                c.name()
            ),
        };
        out.report(object, &pointer, message).fix_set(
            "set `readOnlyRootFilesystem: true`",
            pointer,
            json!(true),
        );
    }
}
