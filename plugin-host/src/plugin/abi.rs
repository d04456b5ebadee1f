//! ABI v1 names and JSON documents (`docs/plugin-abi.md`, sections 1 and 3–5), and the
//! checks the host makes on what a plugin returns.

use std::collections::HashSet;

use kubecheck_core::{Category, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::error::PluginError;

/// The ABI version this host speaks.
pub const ABI_VERSION: i32 = 1;

pub const EXPORT_MEMORY: &str = "memory";
pub const EXPORT_ABI_VERSION: &str = "kubecheck_abi_version";
pub const EXPORT_ALLOC: &str = "kubecheck_alloc";
pub const EXPORT_METADATA: &str = "kubecheck_metadata";
pub const EXPORT_CHECK: &str = "kubecheck_check";
/// Optional: the reactor initialiser of C and TinyGo toolchains.
pub const EXPORT_INITIALIZE: &str = "_initialize";

/// The only import a plugin may have.
pub const IMPORT_LOG: (&str, &str) = ("kubecheck", "log");

/// Longest finding message accepted.
const MAX_MESSAGE_BYTES: usize = 4096;
/// Longest plugin name and rule id.
const MAX_NAME_LEN: usize = 63;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub name: String,
    pub version: String,
    pub rules: Vec<RuleMeta>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub remediation: String,
    #[serde(default = "enabled")]
    pub enabled_by_default: bool,
}

fn enabled() -> bool {
    true
}

impl Metadata {
    pub fn parse(bytes: &[u8]) -> Result<Metadata, PluginError> {
        let bad = |m: String| PluginError::BadMetadata(m);
        let metadata: Metadata = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if !is_name(&metadata.name, true) {
            return Err(bad(format!(
                "plugin name `{}` must be 1-63 characters of a-z, 0-9 and `-`, starting with a letter",
                metadata.name
            )));
        }
        if metadata.rules.is_empty() {
            return Err(bad("the plugin declares no rules".into()));
        }
        let mut seen = HashSet::new();
        for rule in &metadata.rules {
            if !is_name(&rule.id, false) {
                return Err(bad(format!(
                    "rule id `{}` must be 1-63 characters of a-z, 0-9 and `-`",
                    rule.id
                )));
            }
            if !seen.insert(rule.id.as_str()) {
                return Err(bad(format!("rule id `{}` is declared twice", rule.id)));
            }
            if rule.title.trim().is_empty() {
                return Err(bad(format!("rule `{}` has an empty title", rule.id)));
            }
        }
        Ok(metadata)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Plugin names and rule ids: lowercase kebab-case, so `<plugin>/<rule>` is unambiguous
/// and a plugin name never collides with a category or `all`-style selector by shape.
pub fn is_name(s: &str, letter_first: bool) -> bool {
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || (!letter_first && c.is_ascii_digit()));
    first_ok
        && s.len() <= MAX_NAME_LEN
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One entry of the input's `resources`.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub id: usize,
    pub source: String,
    pub object: Json,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputDocument<'a> {
    abi_version: i32,
    settings: &'a Json,
    resources: &'a [Resource],
}

/// The input document as bytes.
pub fn input_document(settings: &Json, resources: &[Resource]) -> Vec<u8> {
    let document = InputDocument {
        abi_version: ABI_VERSION,
        settings,
        resources,
    };
    // Serialising a tree of JSON values into memory cannot fail.
    serde_json::to_vec(&document).unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginOutput {
    pub findings: Vec<PluginFinding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginFinding {
    pub rule: String,
    pub resource: usize,
    pub path: String,
    pub message: String,
    #[serde(default)]
    pub severity: Option<Severity>,
}

impl PluginOutput {
    /// Parses the output document: findings, or the plugin's own `{"error": ...}`.
    pub fn parse(bytes: &[u8]) -> Result<PluginOutput, PluginError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            PluginError::BadOutput(format!(
                "not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let value: Json = serde_json::from_str(text)
            .map_err(|e| PluginError::BadOutput(format!("not JSON: {e}")))?;
        if let Some(error) = value.get("error") {
            let message = error
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned);
            return Err(PluginError::Reported(message));
        }
        serde_json::from_value(value).map_err(|e| PluginError::BadOutput(e.to_string()))
    }

    /// Checks every finding against the plugin's rules and the resources it was given.
    pub fn validate(&self, metadata: &Metadata, resources: &[Resource]) -> Result<(), PluginError> {
        for (i, finding) in self.findings.iter().enumerate() {
            let bad = |m: String| PluginError::BadOutput(format!("finding {i}: {m}"));
            if metadata.rule(&finding.rule).is_none() {
                return Err(bad(format!("unknown rule `{}`", finding.rule)));
            }
            let Some(resource) = resources.get(finding.resource) else {
                return Err(bad(format!(
                    "resource {} is out of range (the input has {})",
                    finding.resource,
                    resources.len()
                )));
            };
            if resource.object.pointer(&finding.path).is_none() {
                return Err(bad(format!(
                    "path `{}` does not resolve in resource {}",
                    finding.path, finding.resource
                )));
            }
            if finding.message.trim().is_empty() {
                return Err(bad("empty message".into()));
            }
            if finding.message.len() > MAX_MESSAGE_BYTES {
                return Err(bad(format!(
                    "message of {} bytes is longer than {MAX_MESSAGE_BYTES}",
                    finding.message.len()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Metadata {
        Metadata::parse(
            br#"{"name":"acme","version":"1","rules":[{"id":"r1","title":"t","category":"patching","severity":"low"}]}"#,
        )
        .unwrap()
    }

    fn resources() -> Vec<Resource> {
        vec![Resource {
            id: 0,
            source: "a.yaml".into(),
            object: serde_json::json!({"metadata": {"labels": {"a/b": "x"}}}),
        }]
    }

    fn validate(output: &str) -> Result<(), PluginError> {
        PluginOutput::parse(output.as_bytes())?.validate(&metadata(), &resources())
    }

    #[test]
    fn metadata_defaults_and_checks() {
        let m = metadata();
        assert!(m.rules[0].enabled_by_default);
        assert_eq!(m.rules[0].description, "");
        let dup = br#"{"name":"acme","version":"1","rules":[
            {"id":"r","title":"t","category":"rbac","severity":"low"},
            {"id":"r","title":"t","category":"rbac","severity":"low"}]}"#;
        assert!(Metadata::parse(dup)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let upper = br#"{"name":"Acme","version":"1","rules":[]}"#;
        assert!(matches!(
            Metadata::parse(upper),
            Err(PluginError::BadMetadata(_))
        ));
        let category = br#"{"name":"acme","version":"1","rules":[{"id":"r","title":"t","category":"misc","severity":"low"}]}"#;
        assert!(Metadata::parse(category).is_err());
    }

    #[test]
    fn valid_findings_pass() {
        validate(r#"{"findings":[{"rule":"r1","resource":0,"path":"/metadata/labels/a~1b","message":"m"}]}"#).unwrap();
        validate(r#"{"findings":[],"extra":1}"#).unwrap();
    }

    #[test]
    fn violations_are_named() {
        let cases = [
            (
                r#"{"findings":[{"rule":"nope","resource":0,"path":"","message":"m"}]}"#,
                "unknown rule `nope`",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":1,"path":"","message":"m"}]}"#,
                "out of range",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"/spec","message":"m"}]}"#,
                "does not resolve",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"metadata","message":"m"}]}"#,
                "does not resolve",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"","message":" "}]}"#,
                "empty message",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":-1,"path":"","message":"m"}]}"#,
                "invalid value",
            ),
            (r#"{"findings":"#, "not JSON"),
        ];
        for (output, expected) in cases {
            let error = validate(output).unwrap_err().to_string();
            assert!(error.starts_with("bad output: "), "{error}");
            assert!(error.contains(expected), "{output}: {error}");
        }
    }

    #[test]
    fn invalid_utf8_and_plugin_errors() {
        let error = PluginOutput::parse(b"{\"findings\":[\"\xff\"]}").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not UTF-8 (invalid byte at offset 14)"),
            "{error}"
        );
        let error = PluginOutput::parse(br#"{"error":"bad settings"}"#).unwrap_err();
        assert_eq!(error.to_string(), "plugin error: bad settings");
    }
}
