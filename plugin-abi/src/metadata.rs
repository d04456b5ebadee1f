//! What `kubecheck_metadata` returns (section 3): the plugin's name, version and rules.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::{AbiError, Category, Severity};

/// Longest plugin name and rule id.
pub const MAX_NAME_LEN: usize = 63;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The plugin's name: its rule ids appear as `<name>/<rule>` in reports.
    pub name: String,
    pub version: String,
    pub rules: Vec<Rule>,
}

/// One rule of a plugin. Description (Markdown) and remediation are shown in reports
/// and by `kubecheck plugin inspect`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Kebab-case, unique in the plugin.
    pub id: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub description: String,
    /// One sentence, ending in a period.
    #[serde(default)]
    pub remediation: String,
    /// Off-by-default rules run only when a selector (`--enable`) turns them on.
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
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Metadata {
            name: name.into(),
            version: version.into(),
            rules: Vec::new(),
        }
    }

    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Reads and checks a metadata document. Unknown fields are ignored (a later v1 may
    /// add some); a missing required field or a malformed name is an error naming it.
    pub fn parse(bytes: &[u8]) -> Result<Metadata, AbiError> {
        let bad = AbiError::Metadata;
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
}

impl Rule {
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        category: Category,
        severity: Severity,
    ) -> Self {
        Rule {
            id: id.into(),
            title: title.into(),
            category,
            severity,
            description: String::new(),
            remediation: String::new(),
            enabled_by_default: true,
        }
    }

    pub fn off_by_default(mut self) -> Self {
        self.enabled_by_default = false;
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    pub fn remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = remediation.into();
        self
    }
}
