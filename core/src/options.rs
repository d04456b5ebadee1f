//! What to check and how strictly.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::pss::PssTarget;
use crate::rule_info::{selects, RuleInfo, RuleView};
use crate::severity::Severity;
use crate::suppress::SuppressionPolicy;

/// Options of one run. Rule selectors name a rule id (`privileged-container`,
/// `acme/owner-label`), a category (`pod-security`), a plugin (`acme`), a standard
/// (`pss`, `pss:baseline`, `pss:restricted`, `cis`, `cis:5.2.*`, `nsa`: see
/// [`crate::rule_info::selects_by_standard`]) or `all`.
/// Serialisable so the built-in rules compiled as a plugin get the same options as data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Options {
    /// When not empty, the rules these selectors match run instead of the rules on by
    /// default, off-by-default ones included (`--select cis:5.1.*`); `enable`, `disable`
    /// and `only` then apply to that set.
    pub select: Vec<String>,
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
        let chosen = match self.select.is_empty() {
            true => rule.enabled_by_default,
            false => self.select.iter().any(|s| selects(s, rule)),
        };
        chosen || self.enable.iter().any(|s| selects(s, rule))
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
        let selectors = (self.select.iter())
            .chain(&self.only)
            .chain(&self.enable)
            .chain(&self.disable);
        let overrides = self.severity_overrides.keys();
        selectors
            .chain(overrides)
            .filter(|s| !rules.iter().any(|r| selects(s, r.into())))
            .cloned()
            .collect()
    }
}

/// The error for selectors that match no rule, saying what a selector can be.
pub fn unknown_selectors_message(unknown: &[String]) -> String {
    format!(
        "unknown rule selector(s): {} (a selector is a rule id or a category, as `kubecheck rules` \
         lists them, a plugin name, `all`, or a standard: `pss`, `pss:baseline`, `pss:restricted`, \
         `nsa`, `cis`, or `cis:ITEM` with an item of the {} such as `cis:5.2.11` or `cis:5.2.*`)",
        unknown.join(", "),
        crate::data::standards::CIS_BENCHMARK
    )
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
            standards: Default::default(),
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

    fn enabled_builtin(options: &Options) -> Vec<&'static str> {
        let enabled = crate::rules::enabled(options);
        crate::rules::RULES
            .iter()
            .map(|rule| rule.id)
            .filter(|id| enabled.contains(id))
            .collect()
    }

    #[test]
    fn select_by_standard_runs_the_rules_the_table_maps() {
        let select = |selectors: &[&str]| Options {
            select: selectors.iter().map(|s| s.to_string()).collect(),
            ..Options::default()
        };
        let rbac = [
            "automount-service-account-token",
            "rbac-full-access",
            "rbac-secret-read",
            "rbac-pod-creation",
            "rbac-privilege-escalation",
            "privileged-binding",
            "broad-subject-binding",
        ];
        assert_eq!(enabled_builtin(&select(&["cis:5.1.*"])), rbac);
        let section = enabled_builtin(&select(&["cis:5.2.*"]));
        assert_eq!(section.len(), 16, "{section:?}");
        assert!(section.contains(&"sensitive-host-path") && !section.contains(&"rbac-full-access"));
        assert_eq!(
            enabled_builtin(&select(&["cis:5.4.1"])),
            ["secret-as-env-var"],
            "a rule off by default runs when selected"
        );
        // `--select` composes: `--disable` wins, `--only` narrows, `--enable` adds.
        let composed = Options {
            disable: vec!["rbac".into()],
            enable: vec!["image-without-digest".into()],
            ..select(&["cis:5.1.*"])
        };
        assert_eq!(
            enabled_builtin(&composed),
            ["automount-service-account-token", "image-without-digest"]
        );
        let narrowed = Options {
            only: vec!["cis:5.1.6".into()],
            ..select(&["nsa"])
        };
        assert_eq!(
            enabled_builtin(&narrowed),
            ["automount-service-account-token"]
        );
        // `--only` keeps the default set's rules: off-by-default ones stay off.
        let only_nsa = Options {
            only: vec!["nsa".into()],
            ..Options::default()
        };
        assert!(!enabled_builtin(&only_nsa).contains(&"secret-as-env-var"));
        assert!(enabled_builtin(&select(&["nsa"])).contains(&"secret-as-env-var"));
    }

    #[test]
    fn pss_levels_select_their_controls() {
        let only = |selector: &str| Options {
            only: vec![selector.into()],
            ..Options::default()
        };
        let baseline = enabled_builtin(&only("pss:baseline"));
        let restricted = enabled_builtin(&only("pss:restricted"));
        assert!(baseline.contains(&"privileged-container") && !baseline.contains(&"run-as-root"));
        assert!(
            restricted.contains(&"privileged-container") && restricted.contains(&"run-as-root")
        );
        assert_eq!(restricted, enabled_builtin(&only("pss")));
    }

    #[test]
    fn standard_selectors_that_match_nothing_are_unknown() {
        let rules = crate::builtin_rules();
        let options = Options {
            select: ["cis:9.*", "pss:strict", "nsa:pods", "cis:", "cis:5.2.*"]
                .map(String::from)
                .to_vec(),
            ..Options::default()
        };
        assert_eq!(
            options.unknown_selectors(&rules),
            ["cis:9.*", "pss:strict", "nsa:pods", "cis:"]
        );
    }
}
