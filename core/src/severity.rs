//! How bad a finding is, and in which of the checker's areas it falls.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Ordered from least to most severe, so `>=` compares against a threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str() == s)
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected critical, high, medium, low or info)")
            })
    }
}

/// The checker's areas. `Manifest` holds problems with the manifest itself (duplicate
/// keys, values of the wrong type) that can hide or change any security setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Rbac,
        Category::Network,
        Category::PodSecurity,
        Category::Secrets,
        Category::Encryption,
        Category::Patching,
        Category::Manifest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Rbac => "rbac",
            Category::Network => "network",
            Category::PodSecurity => "pod-security",
            Category::Secrets => "secrets",
            Category::Encryption => "encryption",
            Category::Patching => "patching",
            Category::Manifest => "manifest",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown category `{s}`"))
    }
}
