//! What to check and how strictly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pss::PssTarget;
use crate::rule_info::{selects, RuleInfo, RuleView};
use crate::severity::Severity;

/// Options of one run. Rule selectors name a rule id (`privileged-container`,
/// `acme/owner-label`), a category (`pod-security`), a plugin (`acme`), `pss` (every Pod
/// Security Standards control) or `all`.
/// Serialisable so the built-in rules compiled as a plugin get the same options as data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// When not empty, only rules matching one of these selectors run.
    pub only: Vec<String>,
    /// Turns on rules that are off by default.
    pub enable: Vec<String>,
    /// Turns rules off; wins over `enable`.
    pub disable: Vec<String>,
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Findings below this severity are dropped.
    pub min_severity: Option<Severity>,
    pub pss: PssTarget,
    /// The Kubernetes version (major, minor) the manifests target, when known; rules whose
    /// verdict depends on the cluster version read it.
    pub kubernetes_version: Option<(u32, u32)>,
}

impl Options {
    pub fn is_enabled<'r>(&self, rule: impl Into<RuleView<'r>>) -> bool {
        let rule = rule.into();
        if !self.only.is_empty() && !self.only.iter().any(|s| selects(s, rule)) {
            return false;
        }
        if self.disable.iter().any(|s| selects(s, rule)) {
            return false;
        }
        rule.enabled_by_default || self.enable.iter().any(|s| selects(s, rule))
    }

    /// The user's override for `rule`, else the finding's own severity, else the rule's.
    pub fn severity_of<'r>(
        &self,
        rule: impl Into<RuleView<'r>>,
        own: Option<Severity>,
    ) -> Severity {
        let rule = rule.into();
        self.severity_overrides
            .get(rule.id)
            .copied()
            .or(own)
            .unwrap_or(rule.severity)
    }

    /// Selectors (and severity override keys) that match none of `rules`: usually typos,
    /// which the CLI refuses.
    pub fn unknown_selectors(&self, rules: &[RuleInfo]) -> Vec<String> {
        let selectors = self.only.iter().chain(&self.enable).chain(&self.disable);
        let overrides = self.severity_overrides.keys();
        selectors
            .chain(overrides)
            .filter(|s| !rules.iter().any(|r| selects(s, r.into())))
            .cloned()
            .collect()
    }
}

/// Parses a Kubernetes version for `--k8s-version`: `1.N`, with an optional `v` and
/// patch (`v1.24.3`).
pub fn parse_kubernetes_version(s: &str) -> Result<(u32, u32), String> {
    let digits = s.trim().strip_prefix('v').unwrap_or(s.trim());
    let mut parts = digits.split('.');
    let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
    match (number(parts.next()), number(parts.next()), parts.next()) {
        (Some(major), Some(minor), None) => Ok((major, minor)),
        (Some(major), Some(minor), Some(patch)) if patch.parse::<u32>().is_ok() => {
            Ok((major, minor))
        }
        _ => Err(format!(
            "invalid Kubernetes version `{s}` (expected `1.N`, e.g. `1.30`)"
        )),
    }
}
