use super::looks_like_placeholder;
use super::scan::{found_in, Found, Place};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Secret manifests that carry real values in `data` or `stringData`: one
    /// finding per Secret, naming its keys. The finding is `high` when a value holds a
    /// credential the secrets detectors recognise (a token, a private key, a password
    /// by its key's name), `medium` otherwise. Empty values, placeholders
    /// (`changeme`, `${VAR}`, `{{ … }}`), SOPS-encrypted values (`ENC[…]`, or a
    /// `sops:` section) and public certificates alone (`ca.crt`) are not real values.
    /// Secrets the cluster fills in (a `kubernetes.io/service-account-token` Secret
    /// without data) have none.
    ///
    /// ## Why is this bad?
    /// `data` is base64, an encoding, not encryption: anyone who can read the
    /// repository, a CI log or a rendered chart can read the credential, and it stays
    /// in the history after it is rotated.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: orders-db
    /// stringData:
    ///   password: Vq8-rT2kLm9x
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: orders-db
    /// spec:
    ///   secretStoreRef:
    ///     name: vault
    ///     kind: ClusterSecretStore
    ///   target:
    ///     name: orders-db
    ///   data:
    ///   - secretKey: password
    ///     remoteRef:
    ///       key: shop/orders-db
    ///       property: password
    /// ```
    ///
    /// ## Known problems
    /// Test fixtures and charts' default values hold fake credentials on purpose;
    /// suppress the finding on them with a reason.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    /// - https://github.com/bitnami-labs/sealed-secrets
    /// - https://external-secrets.io/
    /// - https://github.com/getsops/sops
    pub static SECRET_VALUES_IN_MANIFEST = Rule {
        id: "secret-values-in-manifest",
        title: "Secret manifest with committed values",
        category: Category::Secrets,
        severity: Severity::Medium,
        applies_to: "Secret",
        remediation: "Keep the values out of the manifest: commit a SealedSecret or a SOPS-encrypted file, or sync the Secret from a store with External Secrets.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
            "https://github.com/bitnami-labs/sealed-secrets",
            "https://external-secrets.io/",
            "https://github.com/getsops/sops",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Keys named in a message, at most.
const KEYS_SHOWN: usize = 5;

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Secret" || object.api_version != "v1" || object.at("/sops").is_some() {
        return;
    }
    // Keys in name order within `data`, then `stringData`: the order a mapping is
    // written in does not survive every path to the rules (a plugin receives the object
    // as JSON, whose members are sorted), and the finding must not depend on it.
    let found = found_in(ctx, object, &[Place::SecretData, Place::SecretStringData]);
    let mut values: Vec<&Found<'_>> = found.iter().filter(|f| is_real_value(f.text())).collect();
    values.sort_by(|a, b| {
        let rank = |f: &&Found<'_>| f.place == Place::SecretStringData;
        (rank(a), &a.label).cmp(&(rank(b), &b.label))
    });
    let Some(pointer) = values.first().map(|f| f.pointer.clone()) else {
        return;
    };
    let credential = values
        .iter()
        .find_map(|f| f.hits.first().map(|h| (h.what, f.label.clone())));
    let keys: Vec<&str> = values.iter().map(|f| f.label.as_str()).collect();
    let mut shown: Vec<String> = keys
        .iter()
        .take(KEYS_SHOWN)
        .map(|k| format!("`{k}`"))
        .collect();
    if keys.len() > KEYS_SHOWN {
        shown.push(format!("{} more", keys.len() - KEYS_SHOWN));
    }
    let noun = if keys.len() == 1 { "value" } else { "values" };
    let mut message = format!(
        "secret holds {} {noun} in the manifest ({})",
        keys.len(),
        shown.join(", ")
    );
    let finding_severity = match &credential {
        Some((what, key)) => {
            message.push_str(&format!(", `{key}` holding {what}"));
            Severity::High
        }
        None => Severity::Medium,
    };
    let finding = out.report(object, pointer, message);
    finding.severity = Some(finding_severity);
}

/// A value a person wrote in: not empty, not a placeholder or a SOPS-encrypted value,
/// not only public certificates.
fn is_real_value(text: &str) -> bool {
    let only_certificates =
        text.contains("-----BEGIN CERTIFICATE-----") && !text.contains("PRIVATE KEY-----");
    !text.trim().is_empty() && !looks_like_placeholder(text) && !only_certificates
}
