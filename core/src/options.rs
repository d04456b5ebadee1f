//! What to check and how strictly.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::pss::PssTarget;
use crate::rule_info::{selects, RuleInfo, RuleView};
use crate::severity::Severity;
use crate::suppress::SuppressionPolicy;

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
    /// Registries (`registry.example.com`) and repository prefixes (`ghcr.io/acme/`)
    /// images may come from; empty allows any.
    pub allowed_registries: Vec<String>,
    /// Exemptions, and how `kubecheck.io/ignore` annotations count.
    pub suppressions: SuppressionPolicy,
}

/// The rules one run executes, matched against the selectors once when the run starts:
/// rules ask for every object whether an overlapping rule runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnabledRules<'r>(HashSet<&'r str>);

impl EnabledRules<'_> {
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }
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

    /// Which of `rules` this run executes.
    pub fn enabled_rules<'r>(
        &self,
        rules: impl IntoIterator<Item = RuleView<'r>>,
    ) -> EnabledRules<'r> {
        EnabledRules(
            rules
                .into_iter()
                .filter(|rule| self.is_enabled(*rule))
                .map(|rule| rule.id)
                .collect(),
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pss::{PssControl, PssLevel};
    use crate::severity::Category;

    fn rule(id: &str, category: Category, pss: bool, enabled_by_default: bool) -> RuleInfo {
        RuleInfo {
            id: id.to_owned(),
            title: String::new(),
            category,
            severity: Severity::Medium,
            remediation: String::new(),
            pss: pss.then_some(PssControl {
                control: "privileged",
                level: PssLevel::Baseline,
            }),
            help: String::new(),
            enabled_by_default,
            fix: None,
            equivalents: Vec::new(),
        }
    }

    #[test]
    fn the_enabled_set_is_what_each_rule_selects() {
        let rules = [
            rule("privileged-container", Category::PodSecurity, true, true),
            rule("latest-image-tag", Category::Patching, false, true),
            rule("rbac-wildcard", Category::Rbac, false, false),
            rule("acme/owner-label", Category::Manifest, false, true),
        ];
        let selections = [
            Options::default(),
            Options {
                only: vec!["pss".into(), "acme".into()],
                ..Options::default()
            },
            Options {
                enable: vec!["rbac".into()],
                disable: vec!["acme/owner-label".into(), "patching".into()],
                ..Options::default()
            },
            Options {
                disable: vec!["all".into()],
                ..Options::default()
            },
        ];
        let expected: [&[&str]; 4] = [
            &[
                "privileged-container",
                "latest-image-tag",
                "acme/owner-label",
            ],
            &["privileged-container", "acme/owner-label"],
            &["privileged-container", "rbac-wildcard"],
            &[],
        ];
        for (options, expected) in selections.iter().zip(expected) {
            let enabled = options.enabled_rules(rules.iter().map(RuleView::from));
            let listed: Vec<&str> = rules
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| enabled.contains(id))
                .collect();
            assert_eq!(listed, expected, "{options:?}");
            for rule in &rules {
                assert_eq!(enabled.contains(&rule.id), options.is_enabled(rule));
            }
        }
    }
}
