use crate::declare_rule;
use crate::model::Object;
use crate::rules::control_plane::settings::{read, Component};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Reads an API server `EncryptionConfiguration` (`apiserver.config.k8s.io`) and
    /// finds the first `resources` entry that covers Secrets (`secrets`, `*.` or
    /// `*.*`); the API server uses that entry. The rule flags the configuration when
    /// the entry's first provider is `identity`, or when no entry covers Secrets.
    ///
    /// It also flags `kube-apiserver` without an `--encryption-provider-config` flag,
    /// so with no encryption at all: static pods (`--flag=value` or `--flag value` in
    /// `command`/`args`) and kubeadm `ClusterConfiguration` (`apiServer.extraArgs` as a
    /// v1beta3 mapping or a v1beta4 list; kubeadm sets no encryption by default).
    ///
    /// ## Why is this bad?
    /// The first provider of the entry encrypts every write. With `identity` first (or
    /// no entry at all) Secrets are written to etcd in plain text: anyone with a copy
    /// of etcd's data or of its backups reads every credential of the cluster. Other
    /// providers after `identity` are only used to decrypt existing data.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    /// - resources:
    ///   - secrets
    ///   providers:
    ///   - identity: {}
    ///   - aesgcm:
    ///       keys:
    ///       - name: key1
    ///         secret: c2VjcmV0IGlzIHNlY3VyZQ==
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    /// - resources:
    ///   - secrets
    ///   providers:
    ///   - kms:
    ///       apiVersion: v2
    ///       name: vault
    ///       endpoint: unix:///var/run/kms/vault.sock
    ///   - identity: {}
    /// ```
    ///
    /// ## Known problems
    /// During a migration to encryption `identity` comes second (to read old data),
    /// which is fine and not reported; while moving back to plain text it comes first,
    /// which is reported.
    pub static UNENCRYPTED_SECRETS_AT_REST = Rule {
        id: "unencrypted-secrets-at-rest",
        title: "Secrets stored in etcd without encryption",
        category: Category::Encryption,
        severity: Severity::High,
        applies_to: "EncryptionConfiguration, static pods and workloads running kube-apiserver, kubeadm ClusterConfiguration",
        remediation: "Put a `kms` (v2) provider, or `secretbox`/`aesgcm` with key rotation, first in the entry for `secrets`.",
        references: &[
            "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
            "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Whether a `resources[].resources` list covers Secrets.
fn covers_secrets(resources: &Node) -> bool {
    resources
        .as_seq()
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .any(|r| matches!(r, "secrets" | "*." | "*.*"))
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind == "EncryptionConfiguration" && object.group() == "apiserver.config.k8s.io" {
        check_configuration(object, out);
    }
    check_apiserver(object, out);
}

/// kube-apiserver instances (static pods, kubeadm `apiServer`) started without an
/// encryption configuration.
fn check_apiserver(object: &Object<'_>, out: &mut Emitter) {
    for settings in read(object) {
        if settings.component == Component::ApiServer
            && !settings.is_set("encryption-provider-config")
        {
            out.report(
                object,
                settings.anchor.clone(),
                format!(
                    "{} runs `kube-apiserver` without `--encryption-provider-config`: secrets are stored unencrypted",
                    settings.subject
                ),
            );
        }
    }
}

/// The index of the `resources` entry the API server uses for Secrets: the first that
/// covers them.
pub(crate) fn secrets_entry(object: &Object<'_>) -> Option<usize> {
    object
        .at("/resources")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .position(|e| e.get("resources").is_some_and(covers_secrets))
}

fn check_configuration(object: &Object<'_>, out: &mut Emitter) {
    let entries = object
        .at("/resources")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let Some(i) = secrets_entry(object) else {
        out.report(
            object,
            "/resources",
            "no `resources` entry covers `secrets`: they are stored unencrypted",
        );
        return;
    };
    let first = entries[i]
        .get("providers")
        .and_then(|p| p.index(0))
        .and_then(Node::as_map)
        .and_then(|provider| provider.first())
        .and_then(|e| e.key_str());
    if first == Some("identity") {
        out.report(
            object,
            format!("/resources/{i}/providers/0"),
            "the first provider for `secrets` is `identity`: they are stored unencrypted",
        );
    }
}
