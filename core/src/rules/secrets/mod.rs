//! Secrets: credentials written into manifests where they do not belong.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::located;

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

    #[test]
    fn literal_credentials_in_env_fire_at_the_value() {
        let yaml = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: shop/migrate:1.0
        env:
        - name: PGPASSWORD
          value: hunter2
      containers:
      - name: app
        image: shop/web:1.4.2
        env:
        - name: DB_HOST
          value: db
        - name: DB_PASSWORD_FILE
          value: /etc/db/password
        - name: API_TOKEN
          value: $(TOKEN_FROM_SECRET)
        - name: AWS_SECRET_ACCESS_KEY
          value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: db, key: password}
        - name: ACCESS_ID
          value: AKIAIOSFODNN7EXAMPLE
";
        assert_eq!(
            located("secrets-in-env", yaml),
            vec![
                (
                    13,
                    "/spec/template/spec/initContainers/0/env/0/value".to_owned()
                ),
                (
                    25,
                    "/spec/template/spec/containers/0/env/3/value".to_owned()
                ),
                (
                    30,
                    "/spec/template/spec/containers/0/env/5/value".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn config_map_credentials_fire_at_the_key() {
        let yaml = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  log_level: info
  admin.password: changeme
  tls.key: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIB
    -----END RSA PRIVATE KEY-----
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    MIIB
    -----END CERTIFICATE-----
  enable_token: \"true\"
  secret_name: app-credentials
";
        assert_eq!(
            located("secret-in-config-map", yaml),
            vec![
                (7, "/data/admin.password".to_owned()),
                (9, "/data/tls.key".to_owned()),
            ]
        );
    }

    #[test]
    fn service_account_token_secrets_fire_at_their_type() {
        let yaml = "\
apiVersion: v1
kind: Secret
metadata:
  name: fire-token
  annotations: {kubernetes.io/service-account.name: reader}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: {name: dont-fire-opaque}
type: Opaque
stringData: {color: blue}
";
        assert_eq!(
            located("service-account-token-secret", yaml),
            vec![(6, "/type".to_owned())]
        );
    }
}
