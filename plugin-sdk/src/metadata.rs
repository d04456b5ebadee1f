//! What `kubecheck_metadata` returns: the plugin's name, version and rules.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// The categories of `docs/plugin-abi.md`, the same as the built-in rules'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Rbac,
    Network,
    PodSecurity,
    Secrets,
    Encryption,
    Patching,
    Manifest,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// The plugin's name: its rule ids appear as `<name>/<rule>` in reports.
    pub name: String,
    pub version: String,
    pub rules: Vec<Rule>,
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
    pub description: String,
    /// One sentence, ending in a period.
    pub remediation: String,
    /// Off-by-default rules run only when a selector (`--enable`) turns them on.
    pub enabled_by_default: bool,
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
