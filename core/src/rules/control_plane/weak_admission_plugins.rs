use super::report;
use super::settings::{read, Component};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Reads kube-apiserver's admission plugins (static pod `command`/`args`, kubeadm
    /// `extraArgs` as a v1beta3 mapping or a v1beta4 list) and flags:
    /// - `NodeRestriction` not enabled (medium): it is not among the plugins enabled by
    ///   default, so an API server without `--enable-admission-plugins` listing it runs
    ///   without it; listing it in `--disable-admission-plugins` also turns it off.
    ///   kubeadm enables it unless `extraArgs` replaces `enable-admission-plugins`;
    /// - `AlwaysAdmit` enabled (low): deprecated, it admits everything and adds nothing.
    ///
    /// ## Why is this bad?
    /// Without `NodeRestriction` a kubelet's credentials can modify any Node and any
    /// pod of the cluster (labels that steer workloads onto it, other nodes' status), so
    /// one compromised node spreads to the others. `AlwaysAdmit` signals an admission
    /// chain configured to let everything through.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.34.1
    ///     command:
    ///     - kube-apiserver
    ///     - --enable-admission-plugins=PodSecurity
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.34.1
    ///     command:
    ///     - kube-apiserver
    ///     - --enable-admission-plugins=NodeRestriction,PodSecurity
    /// ```
    pub static WEAK_ADMISSION_PLUGINS = Rule {
        id: "weak-admission-plugins",
        title: "API server without the NodeRestriction admission plugin",
        category: Category::Rbac,
        severity: Severity::Medium,
        applies_to: "Static pods and workloads running kube-apiserver, kubeadm ClusterConfiguration",
        remediation: "Add `NodeRestriction` to `--enable-admission-plugins` and remove `AlwaysAdmit`.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction",
            "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwaysadmit",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if settings.component != Component::ApiServer {
            continue;
        }
        // `--admission-control` is the flag's name before Kubernetes 1.10.
        let enabled = settings
            .get("enable-admission-plugins")
            .or_else(|| settings.get("admission-control"));
        let disabled = settings.get("disable-admission-plugins");
        match (&enabled, &disabled) {
            (_, Some(off)) if off.items().contains(&"NodeRestriction") => {
                report(
                    out,
                    object,
                    &settings,
                    off,
                    "disables the `NodeRestriction` admission plugin",
                    None,
                );
            }
            (Some(on), _) if !on.items().contains(&"NodeRestriction") => {
                report(
                    out,
                    object,
                    &settings,
                    on,
                    "does not enable the `NodeRestriction` admission plugin",
                    None,
                );
            }
            (None, _) => {
                out.report(
                    object,
                    settings.anchor.clone(),
                    format!(
                        "{} does not enable the `NodeRestriction` admission plugin (`--enable-admission-plugins` is not set, and it is not on by default)",
                        settings.subject
                    ),
                );
            }
            _ => {}
        }
        if let Some(on) = enabled.filter(|on| on.items().contains(&"AlwaysAdmit")) {
            report(
                out,
                object,
                &settings,
                &on,
                "enables the deprecated `AlwaysAdmit` admission plugin",
                Some(Severity::Low),
            );
        }
    }
}
