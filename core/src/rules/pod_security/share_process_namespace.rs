use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags pods that set `shareProcessNamespace: true`.
    ///
    /// ## Why is this bad?
    /// Every container of the pod then sees the processes of the others: it can
    /// signal them, read their environment and command lines, and reach their
    /// filesystems through `/proc/<pid>/root`. A compromised sidecar gets the
    /// secrets of the main container, and the reverse.
    ///
    /// Severity: medium: containers see and signal each other's processes and read their
    /// files through `/proc/<pid>/root`: defence in depth between containers missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   shareProcessNamespace: true
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
    /// ```
    ///
    /// ## Known problems
    /// Some sidecars (process reapers, debuggers, config reloaders that signal the
    /// main process) need the shared namespace; suppress the rule for them with
    /// `kubecheck.io/ignore` and a reason. Use ephemeral containers for debugging.
    ///
    /// ## Fix safety
    /// The fix sets `shareProcessNamespace: false`, which breaks a sidecar that signals
    /// or inspects another container's processes.
    ///
    /// ## References
    /// - Kubernetes docs: Share Process Namespace between Containers in a Pod
    pub static SHARE_PROCESS_NAMESPACE = Rule {
        id: "share-process-namespace",
        title: "Containers share the process namespace",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `shareProcessNamespace: true` so each container sees only its own processes.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if pod.spec.share_process_namespace == Some(true) {
        let pointer = pod.at("shareProcessNamespace");
        out.report(
            object,
            &pointer,
            "pod sets `shareProcessNamespace: true`: its containers see each other's processes",
        )
        .fix_set("set `shareProcessNamespace: false`", pointer, json!(false));
    }
}
