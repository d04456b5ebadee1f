use super::report;
use super::settings::{read, Component, Settings};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Reads the authorization mode of kube-apiserver and the kubelet (static pod
    /// `command`/`args`, kubeadm `extraArgs` as a v1beta3 mapping or a v1beta4 list,
    /// `kubeletExtraArgs`, `KubeletConfiguration`, `AuthorizationConfiguration`) and
    /// flags:
    /// - `AlwaysAllow` among the modes (critical). It is the default of both
    ///   kube-apiserver without `--authorization-mode` or `--authorization-config`, and
    ///   of a kubelet started without `--config`;
    /// - an API server whose modes lack `Node` or `RBAC` (medium).
    ///
    /// kubeadm passes `--authorization-mode=Node,RBAC` unless `extraArgs` overrides it.
    ///
    /// ## Why is this bad?
    /// `AlwaysAllow` authorizes every authenticated request (with anonymous access on,
    /// every request): any service account token is cluster-admin on the API server,
    /// and anyone reaching a kubelet can run commands in every pod of its node. Without
    /// `RBAC` no role narrows what a user or service account may do; without `Node`
    /// kubelets are not limited to the objects of their own node.
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
    ///     - --authorization-mode=AlwaysAllow,Node,RBAC
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
    ///     - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Known problems
    /// An authorization webhook may enforce what `RBAC` would; a `Webhook`-only API
    /// server is still reported for lacking `Node` and `RBAC`.
    pub static WEAK_AUTHORIZATION_MODE = Rule {
        id: "weak-authorization-mode",
        title: "API server or kubelet authorizes too much",
        category: Category::Rbac,
        severity: Severity::Critical,
        applies_to: "Static pods and workloads running kube-apiserver or the kubelet, kubeadm configurations, KubeletConfiguration, AuthorizationConfiguration",
        remediation: "Use `--authorization-mode=Node,RBAC` for the API server and `Webhook` authorization for kubelets.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/authorization/",
            "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The modes an API server needs that `modes` lacks.
fn missing_modes(modes: &[&str]) -> Vec<&'static str> {
    ["Node", "RBAC"]
        .into_iter()
        .filter(|m| !modes.contains(m))
        .collect()
}

fn check_settings(object: &Object<'_>, settings: &Settings, out: &mut Emitter) {
    if !matches!(
        settings.component,
        Component::ApiServer | Component::Kubelet
    ) {
        return;
    }
    let Some(mode) = settings.get("authorization-mode") else {
        return;
    };
    let modes = mode.items();
    if modes.contains(&"AlwaysAllow") {
        report(
            out,
            object,
            settings,
            &mode,
            "authorizes every request with `AlwaysAllow`",
            Some(Severity::Critical),
        );
        return;
    }
    if settings.component == Component::ApiServer {
        let missing = missing_modes(&modes);
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            report(
                out,
                object,
                settings,
                &mode,
                &format!("authorizes without {}", names.join(" and ")),
                Some(Severity::Medium),
            );
        }
    }
}

/// `AuthorizationConfiguration` (apiserver.config.k8s.io): the `authorizers` chain.
fn check_authorization_configuration(object: &Object<'_>, out: &mut Emitter) {
    let Some(authorizers) = object.at("/authorizers").and_then(Node::as_seq) else {
        return;
    };
    let types: Vec<&str> = authorizers
        .iter()
        .map(|a| a.get("type").and_then(Node::as_str).unwrap_or(""))
        .collect();
    if let Some(i) = types.iter().position(|t| *t == "AlwaysAllow") {
        out.report(
            object,
            format!("/authorizers/{i}/type"),
            "authorization configuration authorizes every request (`type: AlwaysAllow`)",
        )
        .severity = Some(Severity::Critical);
        return;
    }
    let missing = missing_modes(&types);
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        out.report(
            object,
            "/authorizers",
            format!(
                "authorization configuration has no {} authorizer",
                names.join(" and ")
            ),
        )
        .severity = Some(Severity::Medium);
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind == "AuthorizationConfiguration" && object.group() == "apiserver.config.k8s.io" {
        check_authorization_configuration(object, out);
        return;
    }
    for settings in read(object) {
        check_settings(object, &settings, out);
    }
}
