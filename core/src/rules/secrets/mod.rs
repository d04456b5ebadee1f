//! Secrets: credentials written into manifests where they do not belong.

use crate::model::Object;
use crate::pointer::escape;
use crate::yaml::{Node, Value};

pub mod secret_in_config_map;
pub mod secrets_in_env;
pub mod service_account_token_secret;

/// The last words of a name that hold a credential: `DB_PASSWORD`, `githubToken`,
/// `api-key`, `AWS_SECRET_ACCESS_KEY`. A name that only mentions one (`PASSWORD_FILE`,
/// `SECRET_NAME`, `TOKEN_TTL`) names something about the credential, not the credential.
fn is_credential_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    // Run-together names (`PGPASSWORD`, `ACCESSTOKEN`) end in the word too.
    const SUFFIXES: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"];
    if SUFFIXES.iter().any(|s| last.ends_with(s)) {
        return true;
    }
    match last.as_str() {
        "PASS" | "CREDENTIALS" => true,
        "KEY" => {
            words.len() >= 2
                && matches!(
                    words[words.len() - 2].as_str(),
                    "API" | "PRIVATE" | "SECRET" | "ACCESS" | "ENCRYPTION" | "SIGNING" | "SSH"
                )
        }
        _ => false,
    }
}

/// Upper-case words of a name split at `_`, `-`, `.` and lower-to-upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether the value of `name` is a literal credential rather than a placeholder, a
/// reference or a setting: empty values, `$(VAR)`/`${VAR}`/`{{ .template }}`
/// references, placeholders (`<token>`, `INSERT_TOKEN`, `YOUR_API_KEY`, `xxxx`, the
/// variable's own name), file paths, booleans and numbers are not.
fn is_literal_credential(name: &str, value: &str) -> bool {
    let value = value.trim();
    let is_reference = value.contains("$(") || value.contains("${") || value.contains("{{");
    let is_setting = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "enabled" | "disabled"
    ) || value.parse::<f64>().is_ok();
    !value.is_empty()
        && !is_placeholder(name, value)
        && !is_reference
        && !is_setting
        && !value.starts_with('/')
}

fn is_placeholder(name: &str, value: &str) -> bool {
    let normalized: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (value.starts_with('<') && value.ends_with('>'))
        || ["INSERT", "YOUR", "REPLACE", "ENTER"]
            .iter()
            .any(|w| normalized.starts_with(w))
        || normalized == name
        || value.chars().all(|c| matches!(c, 'x' | 'X' | '*' | '.'))
}

/// The kind of secret material found in a value, if any: a PEM private key block or an
/// AWS access key id.
fn embedded_secret(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") {
        return Some("a PEM private key");
    }
    if contains_aws_access_key_id(value) {
        return Some("an AWS access key id");
    }
    None
}

/// `AKIA` or `ASIA` followed by 16 upper-case letters or digits, as a whole word.
fn contains_aws_access_key_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    let is_key_char = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    (0..bytes.len().saturating_sub(19)).any(|start| {
        let candidate = &bytes[start..start + 20];
        (candidate.starts_with(b"AKIA") || candidate.starts_with(b"ASIA"))
            && candidate[4..].iter().all(|&b| is_key_char(b))
            && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
            && bytes
                .get(start + 20)
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// A value that holds a secret, with its pointer (relative to the object).
pub struct SecretNode<'a> {
    pub pointer: String,
    pub node: &'a Node,
    pub encoding: Encoding,
    /// Whether the value is a credential (not only a Secret's value, like `user: admin`):
    /// only credentials are worth looking for elsewhere in the input and the report.
    pub credential: bool,
}

/// How a secret value is written in the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    /// Secret `data`.
    Base64,
}

/// Every value of `object` that holds a secret, whether or not a rule reports it, so
/// that the report can keep them out of every output: the values the secrets rules
/// find, every Secret `data` and `stringData` value, and annotations and labels that
/// hold a credential. A Secret's `kubectl.kubernetes.io/last-applied-configuration`
/// repeats its data, so it is a secret as a whole.
pub fn secret_nodes<'a>(object: &Object<'a>) -> Vec<SecretNode<'a>> {
    let mut found = Vec::new();
    let mut push = |pointer: String, node: &'a Node, encoding: Encoding, credential: bool| {
        found.push(SecretNode {
            pointer,
            node,
            encoding,
            credential,
        })
    };
    for pod in &object.pods {
        for c in &pod.containers {
            for (j, var) in c.container.env.iter().flatten().enumerate() {
                let Some(value) = &var.value else { continue };
                if credential_in(&var.name, value).is_some() {
                    let pointer = c.at(&format!("env/{j}/value"));
                    if let Some(node) = object.at(&pointer) {
                        push(pointer, node, Encoding::Plain, true);
                    }
                }
            }
        }
    }
    let is_v1 = object.api_version == "v1";
    let entries = |pointer: &'static str| {
        object
            .at(pointer)
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(move |e| {
                let key = e.key_str()?;
                Some((format!("{pointer}/{}", escape(key)), key, &e.value))
            })
    };
    let text = |node: &'a Node| match &node.value {
        Value::Scalar(s) if !s.text.is_empty() => Some(s.text.as_str()),
        _ => None,
    };
    match object.kind.as_str() {
        "Secret" if is_v1 => {
            for (pointer, key, value) in entries("/data") {
                if let Some(text) = text(value) {
                    let decoded = decode_base64(text);
                    let credential = decoded
                        .as_deref()
                        .is_some_and(|v| credential_in(key, v).is_some());
                    push(pointer, value, Encoding::Base64, credential);
                }
            }
            for (pointer, key, value) in entries("/stringData") {
                if let Some(text) = text(value) {
                    let credential = credential_in(key, text).is_some();
                    push(pointer, value, Encoding::Plain, credential);
                }
            }
        }
        "ConfigMap" if is_v1 => {
            for (pointer, key, value) in entries("/data") {
                if text(value).is_some_and(|v| credential_in(key, v).is_some()) {
                    push(pointer, value, Encoding::Plain, true);
                }
            }
        }
        _ => {}
    }
    for pointer in ["/metadata/annotations", "/metadata/labels"] {
        for (pointer, key, value) in entries(pointer) {
            let Some(text) = text(value) else { continue };
            let whole_secret = object.kind == "Secret"
                && key == "kubectl.kubernetes.io/last-applied-configuration";
            if whole_secret || credential_in(key, text).is_some() {
                push(pointer, value, Encoding::Plain, !whole_secret);
            }
        }
    }
    found
}

/// Secret `data` as the API server decodes it (standard alphabet, padded); line breaks
/// of a folded block scalar are ignored. `None` unless it decodes to UTF-8 text.
pub fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
}

/// What credential a `name: value` pair holds, if any: the value itself (a private key,
/// an AWS key id), or a credential name with a literal value.
pub(super) fn credential_in(name: &str, value: &str) -> Option<&'static str> {
    if let Some(found) = embedded_secret(value) {
        return Some(found);
    }
    (is_credential_name(name) && is_literal_credential(name, value))
        .then_some("a literal credential")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_end_in_a_credential_word() {
        for name in [
            "DB_PASSWORD",
            "githubToken",
            "api-key",
            "AWS_SECRET_ACCESS_KEY",
            "password",
            "CLIENT_SECRET",
            "SECRET_KEY",
            "REDIS_PASS",
            "PGPASSWORD",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "SECRET_NAME",
            "TOKEN_TTL",
            "AWS_ACCESS_KEY_ID",
            "KEY",
            "passwordMtime",
            "BYPASS",
            "CACHE_KEY",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn literal_credentials_exclude_references_settings_and_placeholders() {
        assert!(is_literal_credential("DB_PASSWORD", "hunter2"));
        assert!(is_literal_credential("DB_PASSWORD", "changeme"));
        for value in [
            "",
            " ",
            "$(DB_PASS)",
            "${TOKEN}",
            "{{ .Values.x }}",
            "/etc/pw",
            "true",
            "8080",
            "<your-token>",
            "INSERT_DB_PASSWORD",
            "your-password-here",
            "db_password",
            "xxxxxxxx",
        ] {
            assert!(!is_literal_credential("DB_PASSWORD", value), "{value:?}");
        }
    }

    #[test]
    fn aws_access_key_ids_are_whole_words() {
        assert!(contains_aws_access_key_id("id: AKIAIOSFODNN7EXAMPLE\n"));
        assert!(contains_aws_access_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(!contains_aws_access_key_id("XAKIAIOSFODNN7EXAMPLE"));
        assert!(!contains_aws_access_key_id("AKIAIOSFODNN7EXAMPLE1"));
        assert!(!contains_aws_access_key_id("AKIAiosfodnn7example"));
        assert!(!contains_aws_access_key_id("AKIA"));
    }
}
