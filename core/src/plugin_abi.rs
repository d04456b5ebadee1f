//! The JSON documents of the plugin ABI v1 (`docs/plugin-abi.md`, sections 3 and 5) and
//! the checks made on them. Pure data, so the wasmtime host and the browser app hold a
//! plugin to exactly the same rules.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::rules::{RawFinding, RuleInfo};
use crate::severity::{Category, Severity};

/// Longest finding message accepted.
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// Longest plugin name and rule id.
pub const MAX_NAME_LEN: usize = 63;

/// Why a plugin's document was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AbiError {
    #[error("bad metadata: {0}")]
    Metadata(String),
    #[error("bad output: {0}")]
    Output(String),
    /// The plugin answered `{"error": ...}` itself.
    #[error("plugin error: {0}")]
    Reported(String),
}

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

impl Metadata {
    pub fn parse(bytes: &[u8]) -> Result<Metadata, AbiError> {
        let bad = |m: String| AbiError::Metadata(m);
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
            if rule.title.trim().is_empty() || rule.title.contains('\n') {
                return Err(bad(format!("rule `{}` needs a one-line title", rule.id)));
            }
        }
        Ok(metadata)
    }

    /// The plugin's rules as the report knows them: `<plugin>/<rule>`, where `plugin`
    /// is the name the plugin runs under (its own, or one the user gave it).
    pub fn rule_infos(&self, plugin: &str) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                id: format!("{plugin}/{}", r.id),
                title: r.title.clone(),
                category: r.category,
                severity: r.severity,
                remediation: r.remediation.clone(),
                pss: None,
                help: r.description.clone(),
                enabled_by_default: r.enabled_by_default,
            })
            .collect()
    }
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
    pub fn parse(bytes: &[u8]) -> Result<PluginOutput, AbiError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            AbiError::Output(format!(
                "not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let value: Json =
            serde_json::from_str(text).map_err(|e| AbiError::Output(format!("not JSON: {e}")))?;
        if let Some(error) = value.get("error") {
            let message = error
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned);
            return Err(AbiError::Reported(message));
        }
        serde_json::from_value(value).map_err(|e| AbiError::Output(e.to_string()))
    }

    /// Checks every finding against the plugin's rules and the `resources` it was given;
    /// `resolves(resource, path)` says whether a JSON pointer names a value there.
    pub fn validate(
        &self,
        metadata: &Metadata,
        resources: usize,
        resolves: impl Fn(usize, &str) -> bool,
    ) -> Result<(), AbiError> {
        // Indexed once: a lookup per finding in the list was findings × rules.
        let rules: HashSet<&str> = metadata.rules.iter().map(|r| r.id.as_str()).collect();
        for (i, finding) in self.findings.iter().enumerate() {
            let bad = |m: String| AbiError::Output(format!("finding {i}: {m}"));
            if !rules.contains(finding.rule.as_str()) {
                return Err(bad(format!("unknown rule `{}`", finding.rule)));
            }
            if finding.resource >= resources {
                return Err(bad(format!(
                    "resource {} is out of range (the input has {resources})",
                    finding.resource
                )));
            }
            if !resolves(finding.resource, &finding.path) {
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

    /// The findings for the report, rule ids prefixed with the plugin's name; resource
    /// ids are object ids of the run.
    pub fn into_raw(self, plugin: &str) -> Vec<RawFinding> {
        self.findings
            .into_iter()
            .map(|f| RawFinding {
                rule: format!("{plugin}/{}", f.rule),
                object: f.resource,
                pointer: f.path,
                message: f.message,
                fix: None,
                severity: f.severity,
            })
            .collect()
    }
}
