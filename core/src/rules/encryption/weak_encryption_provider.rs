use super::unencrypted_secrets_at_rest::secrets_entry;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Reads the `EncryptionConfiguration` entry the API server uses for Secrets (the
    /// first `resources` entry covering `secrets`, `*.` or `*.*`) and judges its
    /// providers:
    /// - `aescbc` writing (medium): discouraged by Kubernetes, CBC is open to padding
    ///   oracle attacks;
    /// - `aesgcm` writing (medium): safe only when its key is rotated before 200,000
    ///   writes, since a repeated nonce reveals the key stream;
    /// - `kms` with `apiVersion: v1` or no `apiVersion` (medium when writing, low when
    ///   only reading): KMS v1 is deprecated since Kubernetes 1.28 and off by default
    ///   since 1.29;
    /// - `aescbc`, `aesgcm` and `secretbox` keys written inline (low when that is the
    ///   only problem): the key sits next to what it protects, in this file.
    ///
    /// `identity` first, or no entry for Secrets, is `unencrypted-secrets-at-rest`.
    ///
    /// ## Why is this bad?
    /// Encryption at rest protects Secrets in etcd and its backups from whoever obtains
    /// them. A weak mode, a deprecated KMS protocol or a key stored in plain text beside
    /// the configuration (and in the repository that holds it) undoes much of that:
    /// whoever reads this file can decrypt every Secret. A KMS v2 provider keeps the key
    /// encryption key outside the control-plane node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    /// - resources:
    ///   - secrets
    ///   providers:
    ///   - kms:
    ///       name: vault
    ///       endpoint: unix:///var/run/kms/vault.sock
    ///   - identity: {}
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
    /// Providers kept after the first only to read data written before a key or
    /// provider change are reported at low severity (inline keys, KMS v1) until the
    /// data is rewritten and they can go.
    pub static WEAK_ENCRYPTION_PROVIDER = Rule {
        id: "weak-encryption-provider",
        title: "Secrets encrypted at rest with a weak or deprecated provider",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "EncryptionConfiguration",
        remediation: "Encrypt Secrets with a `kms` provider of `apiVersion: v2`, keeping local keys out of the file.",
        references: &[
            "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers",
            "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// What is wrong with provider `name` (`config` its settings), at position `writes`
/// (the first provider encrypts; the others only decrypt): pointer below the provider,
/// problem, severity.
fn judge(name: &str, config: &Node, writes: bool) -> Option<(String, String, Severity)> {
    let inline = "its key is written inline in this file, next to what it protects";
    let key_pointer = format!("{name}/keys/0/name");
    match (name, writes) {
        ("aescbc", true) => Some((
            key_pointer,
            format!("Secrets are encrypted with `aescbc`, which Kubernetes discourages (CBC is open to padding-oracle attacks); {inline}"),
            Severity::Medium,
        )),
        ("aesgcm", true) => Some((
            key_pointer,
            format!("Secrets are encrypted with `aesgcm`, whose key must be rotated every 200,000 writes; {inline}"),
            Severity::Medium,
        )),
        ("secretbox", true) => Some((
            key_pointer,
            format!("Secrets are encrypted with `secretbox`: {inline}"),
            Severity::Low,
        )),
        ("aescbc" | "aesgcm" | "secretbox", false) => Some((
            key_pointer,
            format!("decrypt-only provider `{name}`: {inline}"),
            Severity::Low,
        )),
        ("kms", _) => {
            let version = config.get("apiVersion").and_then(Node::as_str);
            if version.is_some_and(|v| v != "v1") {
                return None;
            }
            let (pointer, shown) = match version {
                Some(_) => ("kms/apiVersion".to_owned(), "`apiVersion: v1`"),
                None => ("kms/name".to_owned(), "no `apiVersion` (v1)"),
            };
            let role = if writes { "encrypts Secrets" } else { "decrypts Secrets" };
            Some((
                pointer,
                format!("`kms` provider with {shown} {role} through KMS v1, deprecated since Kubernetes 1.28 and off by default since 1.29"),
                if writes { Severity::Medium } else { Severity::Low },
            ))
        }
        _ => None,
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "EncryptionConfiguration" || object.group() != "apiserver.config.k8s.io" {
        return;
    }
    let Some(i) = secrets_entry(object) else {
        return;
    };
    let providers_pointer = format!("/resources/{i}/providers");
    let providers = object
        .at(&providers_pointer)
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (j, provider) in providers.iter().enumerate() {
        let Some(entry) = provider.as_map().and_then(|m| m.first()) else {
            continue;
        };
        let Some(name) = entry.key_str() else {
            continue;
        };
        if let Some((pointer, problem, severity)) = judge(name, &entry.value, j == 0) {
            out.report(
                object,
                format!("{providers_pointer}/{j}/{pointer}"),
                problem,
            )
            .severity = Some(severity);
        }
    }
}
