use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{container_context, enforced, pod_context, pod_context_at};

declare_rule! {
    /// ## What it does
    /// Flags pods that set `windowsOptions.hostProcess: true`, in the pod's security
    /// context or in a container's (including init and ephemeral containers).
    ///
    /// ## Why is this bad?
    /// A Windows HostProcess container runs directly on the node with the host's network,
    /// file system and, typically, a system account: it is the Windows equivalent of a
    /// privileged container and gives full control of the node.
    ///
    /// Severity: critical: a HostProcess container runs as a process on the Windows node,
    /// with its access: a direct node compromise.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   os:
    ///     name: windows
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///   containers:
    ///   - name: agent
    ///     image: mcr.microsoft.com/windows/nanoserver:ltsc2022
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: agent
    /// spec:
    ///   os:
    ///     name: windows
    ///   securityContext:
    ///     runAsNonRoot: true
    ///   containers:
    ///   - name: agent
    ///     image: mcr.microsoft.com/windows/nanoserver:ltsc2022
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `hostProcess: false`; node agents that really need the host break and
    /// belong in a namespace with the privileged level.
    ///
    /// ## Version history
    /// Pod Security Standards control `windowsHostProcess` (baseline), unchanged since
    /// policy version v1.0.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: HostProcess
    pub static WINDOWS_HOST_PROCESS = Rule {
        id: "windows-host-process",
        title: "Windows HostProcess container",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Remove `windowsOptions.hostProcess: true`, or run the workload in a namespace that admits privileged pods.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
        ],
        pss: Some(PssControl { control: "windowsHostProcess", level: PssLevel::Baseline }),
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
    if !enforced(ctx, &WINDOWS_HOST_PROCESS, 0) {
        return;
    }
    let pod_host_process = pod_context(pod)
        .and_then(|sc| sc.windows_options.as_ref())
        .and_then(|w| w.host_process);
    if pod_host_process == Some(true) {
        let pointer = pod_context_at(pod, "windowsOptions/hostProcess");
        out.report(
            object,
            &pointer,
            "pod sets `windowsOptions.hostProcess: true`",
        )
        .fix_set("set `hostProcess: false`", pointer, json!(false));
    }
    for c in &pod.containers {
        let host_process = container_context(c)
            .and_then(|sc| sc.windows_options.as_ref())
            .and_then(|w| w.host_process);
        if host_process == Some(true) {
            let pointer = c.at("securityContext/windowsOptions/hostProcess");
            out.report(
                object,
                &pointer,
                format!(
                    "{} `{}` sets `windowsOptions.hostProcess: true`",
                    c.kind.noun(),
                    c.name()
                ),
            )
            .fix_set("set `hostProcess: false`", pointer, json!(false));
        }
    }
}
