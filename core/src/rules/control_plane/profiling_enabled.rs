use super::report;
use super::settings::{read, Component};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags kube-apiserver, kube-controller-manager and kube-scheduler running with
    /// profiling on: `--profiling` is `true` by default in all three, so a component
    /// without `--profiling=false` is reported too. Read from static pod
    /// `command`/`args` and kubeadm `extraArgs` (v1beta3 mapping or v1beta4 list);
    /// kubeadm does not turn profiling off.
    ///
    /// ## Why is this bad?
    /// The `/debug/pprof` endpoints show the program's internals (goroutines, heap,
    /// command line) to any caller allowed `get` on that non-resource URL, and CPU
    /// profiles can be made to load the component. Nobody needs them in production.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.34.1
    ///     command:
    ///     - kube-scheduler
    ///     - --bind-address=127.0.0.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-scheduler
    ///     image: registry.k8s.io/kube-scheduler:v1.34.1
    ///     command:
    ///     - kube-scheduler
    ///     - --bind-address=127.0.0.1
    ///     - --profiling=false
    /// ```
    ///
    /// ## Known problems
    /// A scheduler started with `--config` takes `enableProfiling` from that file,
    /// which is not read; it is not reported.
    pub static PROFILING_ENABLED = Rule {
        id: "profiling-enabled",
        title: "Control-plane component serves profiling endpoints",
        category: Category::Rbac,
        severity: Severity::Low,
        applies_to: "Static pods and workloads running kube-apiserver, kube-controller-manager or kube-scheduler, kubeadm ClusterConfiguration",
        remediation: "Set `--profiling=false`.",
        references: &[
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if !matches!(
            settings.component,
            Component::ApiServer | Component::ControllerManager | Component::Scheduler
        ) {
            continue;
        }
        if let Some(profiling) = settings.get("profiling").filter(|p| p.is_true()) {
            report(
                out,
                object,
                &settings,
                &profiling,
                "serves profiling endpoints",
                None,
            );
        }
    }
}
