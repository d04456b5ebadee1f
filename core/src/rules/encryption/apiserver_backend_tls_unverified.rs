use crate::declare_rule;
use crate::model::Object;
use crate::rules::control_plane::report;
use crate::rules::control_plane::settings::{read, Component, Form, Settings};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Reads kube-apiserver's flags for its connections to etcd and to kubelets (static
    /// pod `command`/`args` as `--flag=value` or `--flag value`, kubeadm `extraArgs` as a
    /// v1beta3 mapping or a v1beta4 list, with what kubeadm adds) and flags:
    /// - `--etcd-servers` with `http://` (high);
    /// - otherwise no `--etcd-cafile` (etcd's certificate not verified) or no
    ///   `--etcd-certfile`/`--etcd-keyfile` (no client certificate for etcd), high;
    /// - no `--kubelet-certificate-authority`: kubelets' serving certificates are not
    ///   verified (medium). kubeadm does not set it;
    /// - no `--kubelet-client-certificate`/`--kubelet-client-key` (medium).
    ///
    /// ## Why is this bad?
    /// The API server sends everything to etcd (Secrets included) and sends exec,
    /// attach, port-forward and log streams, with their credentials, to kubelets.
    /// Without verifying the other end, anyone who can redirect that traffic (a spoofed
    /// node address, ARP or DNS) reads and changes it; without a client certificate
    /// etcd and kubelets cannot tell the API server from anyone else.
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
    ///     - --etcd-servers=https://127.0.0.1:2379
    ///     - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    ///     - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///     - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    ///     - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///     - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
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
    ///     - --etcd-servers=https://127.0.0.1:2379
    ///     - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    ///     - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///     - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    ///     - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///     - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    ///     - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known problems
    /// `--kubelet-certificate-authority` needs kubelet serving certificates signed by
    /// that CA (`serverTLSBootstrap: true` and approved CSRs); kubeadm clusters do not
    /// have them by default, so every kubeadm configuration is reported.
    pub static APISERVER_BACKEND_TLS_UNVERIFIED = Rule {
        id: "apiserver-backend-tls-unverified",
        title: "API server talks to etcd or kubelets without verified TLS",
        category: Category::Encryption,
        severity: Severity::High,
        applies_to: "Static pods and workloads running kube-apiserver, kubeadm ClusterConfiguration",
        remediation: "Give the API server `--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`, `--kubelet-certificate-authority`, `--kubelet-client-certificate` and `--kubelet-client-key`.",
        references: &[
            "https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/#api-server-to-kubelet",
            "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-communication",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Reports those of `flags` that are not set, at `at`.
fn missing(
    object: &Object<'_>,
    settings: &Settings,
    at: &str,
    flags: &[&str],
    problem: &str,
    severity: Severity,
    out: &mut Emitter,
) {
    let absent: Vec<String> = flags
        .iter()
        .filter(|f| !settings.is_set(f))
        .map(|f| format!("`--{f}`"))
        .collect();
    if absent.is_empty() {
        return;
    }
    let verb = if absent.len() == 1 { "is" } else { "are" };
    out.report(
        object,
        at,
        format!(
            "{} {problem} ({} {verb} not set)",
            settings.subject,
            absent.join(" and ")
        ),
    )
    .severity = Some(severity);
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if settings.component != Component::ApiServer {
            continue;
        }
        // kubeadm with external etcd takes the etcd flags from `etcd.external`.
        let etcd_at = match (settings.form, object.at("/etcd/external")) {
            (Form::Kubeadm, Some(external)) if !external.is_null() => "/etcd/external".to_owned(),
            _ => settings.anchor.clone(),
        };
        if let Some(servers) = settings.get("etcd-servers") {
            let plain = servers
                .items()
                .into_iter()
                .find(|u| u.starts_with("http://"))
                .map(str::to_owned);
            match plain {
                Some(url) => {
                    report(
                        out,
                        object,
                        &settings,
                        &servers,
                        &format!("talks to etcd over plain HTTP on `{url}`"),
                        Some(Severity::High),
                    );
                }
                None => {
                    missing(
                        object,
                        &settings,
                        &etcd_at,
                        &["etcd-cafile"],
                        "does not verify etcd's certificate",
                        Severity::High,
                        out,
                    );
                    missing(
                        object,
                        &settings,
                        &etcd_at,
                        &["etcd-certfile", "etcd-keyfile"],
                        "presents no client certificate to etcd",
                        Severity::High,
                        out,
                    );
                }
            }
        }
        missing(
            object,
            &settings,
            &settings.anchor,
            &["kubelet-certificate-authority"],
            "does not verify kubelets' serving certificates",
            Severity::Medium,
            out,
        );
        missing(
            object,
            &settings,
            &settings.anchor,
            &["kubelet-client-certificate", "kubelet-client-key"],
            "presents no client certificate to kubelets",
            Severity::Medium,
            out,
        );
    }
}
