use super::report;
use super::settings::{read, Component, Settings};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Reads kube-apiserver and kubelet settings (static pod `command`/`args` as
    /// `--flag=value` or `--flag value`, kubeadm `extraArgs` as a v1beta3 mapping or a
    /// v1beta4 list, `kubeletExtraArgs`, `KubeletConfiguration`,
    /// `AuthenticationConfiguration`) and flags the ones that let requests in without a
    /// verified identity:
    /// - anonymous requests accepted: `--anonymous-auth` is `true` by default in both
    ///   kube-apiserver and a kubelet started without `--config`;
    ///   `authentication.anonymous.enabled: true`; an `AuthenticationConfiguration`
    ///   with `anonymous.enabled: true` and no `conditions`;
    /// - static credentials: `--token-auth-file`, `--basic-auth-file` (removed in
    ///   Kubernetes 1.19: an API server with it does not start);
    /// - kubelet token (webhook) authentication off: `--authentication-token-webhook`
    ///   false (its default without `--config`), `authentication.webhook.enabled: false`.
    ///
    /// Severity per finding: anonymous access where the same component authorizes with
    /// `AlwaysAllow` is critical (anyone reaching the port controls the cluster or the
    /// node); anonymous access otherwise medium; static credential files high; webhook
    /// authentication off low.
    ///
    /// ## Why is this bad?
    /// An anonymous request is authorized as `system:anonymous` in the group
    /// `system:unauthenticated`: one binding to that group, or an `AlwaysAllow`
    /// authorizer, hands the API or the kubelet (exec into every pod of the node) to
    /// anyone who reaches the port. Static token and password files hold long-lived
    /// credentials in plain text on the control-plane node that cannot be rotated or
    /// revoked without restarting the API server.
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
    ///     - --authorization-mode=Node,RBAC
    ///     - --anonymous-auth=true
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
    ///     - --anonymous-auth=false
    /// ```
    ///
    /// ## Known problems
    /// Load balancers often probe `/healthz` or `/livez` anonymously; with
    /// `--anonymous-auth=false` they need a client certificate, or use an
    /// `AuthenticationConfiguration` whose `anonymous.conditions` allow only those
    /// paths (Kubernetes 1.32 and later), which this rule accepts. Settings in a config
    /// file that is not in the input are not seen.
    pub static WEAK_AUTHENTICATION = Rule {
        id: "weak-authentication",
        title: "Control-plane component accepts unauthenticated or static credentials",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Static pods and workloads running kube-apiserver or the kubelet, kubeadm configurations, KubeletConfiguration, AuthenticationConfiguration",
        remediation: "Set `--anonymous-auth=false` (or limit anonymous access to health paths), remove static token and password files, and enable kubelet webhook authentication.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
            "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/",
            "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check_settings(object: &Object<'_>, settings: &Settings, out: &mut Emitter) {
    if !matches!(
        settings.component,
        Component::ApiServer | Component::Kubelet
    ) {
        return;
    }
    if let Some(anonymous) = settings.get("anonymous-auth").filter(|s| s.is_true()) {
        let always_allow = settings
            .get("authorization-mode")
            .filter(|mode| mode.items().contains(&"AlwaysAllow"));
        match always_allow {
            // One root cause, two settings: the finding names the authorizer's too.
            Some(mode) => {
                report(
                    out,
                    object,
                    settings,
                    &anonymous,
                    "accepts anonymous requests and authorizes them all with `AlwaysAllow`",
                    Some(Severity::Critical),
                )
                .related(
                    object,
                    mode.pointer.clone(),
                    format!("authorizes every request {}", mode.cite()),
                )
                .related_rule("weak-authorization-mode");
            }
            None => {
                report(
                    out,
                    object,
                    settings,
                    &anonymous,
                    "accepts anonymous requests",
                    Some(Severity::Medium),
                );
            }
        }
    }
    if settings.component == Component::ApiServer {
        if let Some(file) = settings.get("token-auth-file") {
            report(
                out,
                object,
                settings,
                &file,
                "accepts static bearer tokens from a file",
                Some(Severity::High),
            );
        }
        if let Some(file) = settings.get("basic-auth-file") {
            report(
                out,
                object,
                settings,
                &file,
                "accepts static passwords from a file, a flag removed in Kubernetes 1.19 that newer API servers refuse to start with",
                Some(Severity::High),
            );
        }
    }
    if settings.component == Component::Kubelet {
        if let Some(webhook) = settings
            .get("authentication-token-webhook")
            .filter(|s| !s.is_true())
        {
            report(
                out,
                object,
                settings,
                &webhook,
                "does not verify bearer tokens with the API server: webhook authentication is off",
                Some(Severity::Low),
            );
        }
    }
}

/// `AuthenticationConfiguration` (apiserver.config.k8s.io): anonymous access without
/// `conditions` is open on every path.
fn check_authentication_configuration(object: &Object<'_>, out: &mut Emitter) {
    let pointer = "/anonymous/enabled";
    if object.at(pointer).and_then(Node::as_bool) != Some(true) {
        return;
    }
    let limited = object
        .at("/anonymous/conditions")
        .and_then(Node::as_seq)
        .is_some_and(|c| !c.is_empty());
    if !limited {
        out.report(
            object,
            pointer,
            "authentication configuration accepts anonymous requests on every path (`anonymous.enabled: true` without `conditions`)",
        )
        .severity = Some(Severity::Medium);
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind == "AuthenticationConfiguration" && object.group() == "apiserver.config.k8s.io" {
        check_authentication_configuration(object, out);
        return;
    }
    for settings in read(object) {
        check_settings(object, &settings, out);
    }
}
