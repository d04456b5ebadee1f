use crate::declare_rule;
use crate::model::Object;
use crate::rules::control_plane::report;
use crate::rules::control_plane::settings::{read, Component, Settings};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Reads etcd's flags (static pod or workload `command`/`args` as `--flag=value` or
    /// `--flag value`, its `ETCD_*` environment, kubeadm `etcd.local.extraArgs` as a
    /// v1beta3 mapping or a v1beta4 list) and flags:
    /// - clients served over plain HTTP on a non-loopback address
    ///   (`--listen-client-urls` with `http://`), high;
    /// - otherwise, for a member listening beyond loopback, client certificates not
    ///   required: `--client-cert-auth` not `true` (etcd's default is `false`), high;
    /// - `--auto-tls` or `--peer-auto-tls` true: self-signed certificates nobody
    ///   verifies, medium;
    /// - for a member with peers (`--listen-peer-urls` or an `--initial-cluster` of
    ///   several members): peers over plain HTTP, or `--peer-client-cert-auth` not
    ///   `true`, medium.
    ///
    /// kubeadm's local etcd sets client and peer certificate authentication; it is only
    /// reported when `extraArgs` turns them off.
    ///
    /// ## Why is this bad?
    /// etcd holds the whole cluster state, Secrets included; etcd has no authorization
    /// of its own by default, so any client that connects reads and writes everything,
    /// which is cluster-admin and more. Without client certificates anyone who reaches
    /// the port connects; without TLS anyone on the path reads the traffic.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.21-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://10.0.0.10:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: etcd
    ///     image: registry.k8s.io/etcd:3.5.21-0
    ///     command:
    ///     - etcd
    ///     - --listen-client-urls=https://10.0.0.10:2379
    ///     - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///     - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///     - --client-cert-auth=true
    ///     - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Known problems
    /// An etcd that only listens on loopback is not reported for plain HTTP. etcd's own
    /// password authentication (`etcdctl auth enable`) is not visible in manifests.
    pub static ETCD_INSECURE_TRANSPORT = Rule {
        id: "etcd-insecure-transport",
        title: "etcd without TLS client authentication",
        category: Category::Encryption,
        severity: Severity::High,
        applies_to: "Static pods and workloads running etcd, kubeadm ClusterConfiguration",
        remediation: "Serve etcd over TLS with `--client-cert-auth=true` and `--peer-client-cert-auth=true`, with certificates from a dedicated CA.",
        references: &[
            "https://etcd.io/docs/v3.5/op-guide/security/",
            "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Whether a URL's host is a loopback address.
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or(rest);
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "localhost" | "[::1]" | "::1") || host.starts_with("127.")
}

fn plain_http<'a>(urls: &[&'a str], non_loopback: bool) -> Option<&'a str> {
    urls.iter()
        .copied()
        .find(|u| u.starts_with("http://") && !(non_loopback && is_loopback(u)))
}

fn check_etcd(object: &Object<'_>, settings: &Settings, out: &mut Emitter) {
    let client_urls = settings.get("listen-client-urls");
    // etcd's default is `http://localhost:2379`: loopback only.
    let urls: Vec<&str> = client_urls.as_ref().map(|u| u.items()).unwrap_or_default();
    let plain = plain_http(&urls, true).map(str::to_owned);
    let reachable = urls.iter().any(|u| !is_loopback(u));
    match (&client_urls, plain) {
        (Some(urls), Some(url)) => {
            report(
                out,
                object,
                settings,
                urls,
                &format!("serves clients over plain HTTP on `{url}`"),
                None,
            );
        }
        _ if reachable => {
            if let Some(auth) = settings.get("client-cert-auth").filter(|a| !a.is_true()) {
                report(
                    out,
                    object,
                    settings,
                    &auth,
                    "accepts clients without a certificate",
                    None,
                );
            }
        }
        _ => {}
    }
    for flag in ["auto-tls", "peer-auto-tls"] {
        if let Some(auto) = settings.get(flag).filter(|a| a.is_true()) {
            report(
                out,
                object,
                settings,
                &auto,
                "uses self-signed certificates that no one verifies",
                Some(Severity::Medium),
            );
        }
    }
    let peers = settings.get("listen-peer-urls");
    let clustered = settings
        .get("initial-cluster")
        .is_some_and(|c| c.items().len() > 1);
    if peers.is_none() && !clustered {
        return;
    }
    let plain_peer = peers
        .as_ref()
        .and_then(|urls| plain_http(&urls.items(), false).map(str::to_owned));
    match (&peers, plain_peer) {
        (Some(urls), Some(url)) => {
            report(
                out,
                object,
                settings,
                urls,
                &format!("talks to its peers over plain HTTP on `{url}`"),
                Some(Severity::Medium),
            );
        }
        _ => {
            if let Some(auth) = settings
                .get("peer-client-cert-auth")
                .filter(|a| !a.is_true())
            {
                report(
                    out,
                    object,
                    settings,
                    &auth,
                    "accepts peers without a certificate",
                    Some(Severity::Medium),
                );
            }
        }
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if settings.component == Component::Etcd {
            check_etcd(object, &settings, out);
        }
    }
}
