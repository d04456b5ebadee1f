//! Secrets: credentials written into manifests where they do not belong.

use std::collections::HashSet;

use crate::model::Object;
use crate::rules::Ctx;
use crate::rules::Emitter;
use scan::{found_in, Found, Hit, Place, EVERY_PLACE};

pub mod detectors;
pub mod missing_secret_key;
pub mod scan;
pub mod secret_as_env_var;
pub mod secret_data_not_base64;
pub mod secret_in_command_line;
pub mod secret_in_config_map;
pub mod secret_in_custom_resource;
pub mod secret_in_metadata;
pub mod secret_values_in_manifest;
pub mod secret_volume_readable_mode;
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
    // `checksum/secret`, `secretHash`: a digest of a credential (Helm charts roll pods
    // on it), not the credential.
    const DIGESTS: &[&str] = &["CHECKSUM", "HASH", "DIGEST", "SHA", "SHA1", "SHA256", "MD5"];
    if words.iter().any(|w| DIGESTS.contains(&w.as_str())) {
        return false;
    }
    // Helm charts' `existingSecret`: the name of a Secret the chart reads the credential
    // from.
    if words.first().is_some_and(|w| w == "EXISTING") {
        return false;
    }
    // Run-together names (`PGPASSWORD`, `ACCESSTOKEN`) end in the word too.
    const SUFFIXES: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "PRIVATEKEY",
        "SECRETKEY",
        "ACCOUNTKEY",
    ];
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
/// references, placeholders (see [`looks_like_placeholder`], and the variable's own
/// name), file paths, booleans, numbers and prose are not.
fn is_literal_credential(name: &str, value: &str) -> bool {
    let value = value.trim();
    let is_setting = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "enabled" | "disabled"
    ) || value.parse::<f64>().is_ok();
    let is_path = value.starts_with('/') || value.starts_with("./") || value.starts_with("~/");
    let is_digest = value.starts_with("sha256:") || value.starts_with("sha512:");
    let is_prose = value.split_whitespace().count() >= 3;
    // `os.environ["TOKEN"]`, `getenv("TOKEN")`, `process.env.TOKEN`: a script reading it.
    let is_code = value.contains("process.env.")
        || value.as_bytes().windows(2).any(|w| {
            (w[0].is_ascii_alphanumeric() || w[0] == b'_') && (w[1] == b'(' || w[1] == b'[')
        }) && (value.contains(')') || value.contains(']'));
    !value.is_empty()
        && !looks_like_placeholder(value)
        && normalized(value) != normalized(name)
        && !is_setting
        && !is_path
        && !is_digest
        && !is_prose
        && !is_code
}

fn normalized(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `value` stands in for a secret rather than being one: a reference to be
/// filled in (`${VAR}`, `$(VAR)`, `{{ .Values.x }}`, `<password>`), a SOPS-encrypted
/// value (`ENC[AES256_GCM,…]`), a masked or filler value (`***`, `xxxx`), a word that says
/// so (`changeme`, `REPLACE_ME`, `example`, `dummy`, `placeholder`, `redacted`, `YOUR_…`,
/// `INSERT_…`), or a credential word itself (`password`, `secret`). Vendors' documented
/// example keys (AWS's `AKIAIOSFODNN7EXAMPLE`) say `EXAMPLE`: they are published, so
/// not a leak.
pub(crate) fn looks_like_placeholder(value: &str) -> bool {
    let value = value.trim();
    let upper = normalized(value);
    const REFERENCES: &[&str] = &["${", "$(", "{{", "ENC[", "%(", "#{"];
    const WORDS: &[&str] = &[
        "CHANGEME",
        "REPLACEME",
        "EXAMPLE",
        "DUMMY",
        "PLACEHOLDER",
        "REDACTED",
        "SAMPLE",
    ];
    const PREFIXES: &[&str] = &["INSERT", "YOUR", "REPLACE", "ENTER", "FILLIN", "TODO"];
    const CREDENTIAL_WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "PASS",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "KEY",
        "CREDENTIALS",
    ];
    (upper.is_empty() && !value.chars().any(char::is_alphanumeric))
        // Substitution tokens of install scripts: `__SERVICEACCOUNT_TOKEN__`, `@TOKEN@`.
        || (value.len() > 4 && value.starts_with("__") && value.ends_with("__"))
        || (value.len() > 2 && value.starts_with('@') && value.ends_with('@'))
        || (value.starts_with('<') && value.ends_with('>'))
        || REFERENCES.iter().any(|r| value.contains(r))
        || WORDS.iter().any(|w| upper.contains(w))
        || PREFIXES.iter().any(|w| upper.starts_with(w))
        || CREDENTIAL_WORDS.contains(&upper.as_str())
        // A token's prefix and a name where its random part belongs: `nvapi-NVKEY`.
        || named_tail(value, CREDENTIAL_WORDS)
        || (upper.len() >= 3 && upper.bytes().all(|c| c == b'X'))
        || value.contains("xxx")
        || value.contains("XXX")
        || value.contains("***")
}

/// Whether the last part of `value` (after `-`, `:` or `.`) is a capitalised name
/// ending in a credential word (`NVKEY`, `API_TOKEN`): random parts of real tokens mix
/// cases and digits.
fn named_tail(value: &str, credential_words: &[&str]) -> bool {
    let tail = value.rsplit(['-', ':', '.']).next().unwrap_or_default();
    tail.len() >= 3
        && tail.bytes().all(|c| c.is_ascii_uppercase() || c == b'_')
        && credential_words
            .iter()
            .any(|w| normalized(tail).ends_with(w))
}

/// Secret `data` decoded for reading: as [`decode_base64_bytes`], also ignoring blanks
/// (a folded scalar's). `None` unless it decodes to UTF-8 text.
pub fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    String::from_utf8(decode_base64_bytes(&compact)?)
        .ok()
        .filter(|s| !s.is_empty())
}

/// The bytes of base64 `text` as the API server decodes Secret `data`, `None` if it
/// cannot: Go's `encoding/json` reads `[]byte` with `base64.StdEncoding` (standard
/// alphabet, padding required, CR and LF ignored, stray low bits allowed).
pub fn decode_base64_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{general_purpose::PAD, GeneralPurpose};
    use base64::{alphabet, Engine as _};
    const GO_STD_ENCODING: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        PAD.with_decode_allow_trailing_bits(true),
    );
    let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    GO_STD_ENCODING.decode(compact).ok()
}

/// Reports each secret found in the values of `places` of `object`, located on the
/// secret itself where the value shows it as written, with `describe(found, hit)` as the
/// message. A secret that the last applied configuration repeats from the object's own
/// fields is reported there only.
fn report_hits(
    ctx: &Ctx<'_>,
    object: &Object<'_>,
    out: &mut Emitter,
    places: &[Place],
    describe: impl Fn(&Found<'_>, &Hit) -> String,
) {
    let mut own: Option<HashSet<String>> = None;
    for found in found_in(ctx, object, places).iter() {
        for hit in &found.hits {
            if found.place == Place::LastApplied {
                let own = own.get_or_insert_with(|| {
                    let others: Vec<Place> = EVERY_PLACE
                        .iter()
                        .copied()
                        .filter(|&p| p != Place::LastApplied)
                        .collect();
                    found_in(ctx, object, &others)
                        .iter()
                        .flat_map(|f| f.hits.iter().map(|h| f.secret(h).to_owned()))
                        .collect()
                });
                if own.contains(found.secret(hit)) {
                    continue;
                }
            }
            let finding = out.report(object, found.pointer.clone(), describe(found, hit));
            if found.decoded.is_none() {
                finding.within(hit.range.clone());
            }
        }
    }
}

/// ` (`key`)` naming the key inside a value that holds the secret, if that found it.
fn inner(hit: &Hit) -> String {
    hit.inner_name
        .as_deref()
        .map(|name| format!(" (`{name}`)"))
        .unwrap_or_default()
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
            "existingSecret",
            "TOKEN_TTL",
            "AWS_ACCESS_KEY_ID",
            "KEY",
            "passwordMtime",
            "BYPASS",
            "CACHE_KEY",
            "checksum/secret",
            "tokenHash",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn literal_credentials_exclude_references_settings_and_placeholders() {
        assert!(is_literal_credential("DB_PASSWORD", "hunter2"));
        assert!(is_literal_credential(
            "NGC_API_KEY",
            "nvapi-Q3xv9TqLmW2pR8sZ"
        ));
        assert!(is_literal_credential("DB_PASSWORD", "HUNTER2KEY"));
        assert!(!is_literal_credential("DB_PASSWORD", "changeme"));
        for value in [
            "",
            " ",
            "os.environ[\"DB_PASSWORD\"]",
            "getenv(\"DB_PASSWORD\")",
            "__DB_PASSWORD__",
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
            "nvapi-NVKEY",
            "sk-MY_API_KEY",
        ] {
            assert!(!is_literal_credential("DB_PASSWORD", value), "{value:?}");
        }
    }
}
