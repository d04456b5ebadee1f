//! The user's settings, persisted as JSON in the browser's local storage.

use std::collections::BTreeMap;

use kubecheck_core::pss::{PssLevel, PssTarget, LATEST_MINOR};
use kubecheck_core::{Options, RuleInfo};
use serde::{Deserialize, Serialize};

/// The oldest Pod Security Standards policy version (`v1.0`).
pub const OLDEST_MINOR: u32 = 0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the system (`prefers-color-scheme`).
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub pss: PssTarget,
    /// The Kubernetes minor version (`1.N`) the manifests are for; unset means the newest.
    pub kubernetes_minor: Option<u32>,
    /// Rules the user switched away from their default: id → on.
    pub rules: BTreeMap<String, bool>,
    pub theme: Theme,
}

impl Settings {
    /// Settings from storage; anything unreadable falls back to the defaults, so a stale
    /// or hand-edited entry never breaks the page.
    pub fn from_json(json: Option<&str>) -> Settings {
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn is_on(&self, rule: &RuleInfo) -> bool {
        self.rules
            .get(&rule.id)
            .copied()
            .unwrap_or(rule.enabled_by_default)
    }

    /// Records a rule switch, forgetting it when it matches the rule's default.
    pub fn set_rule(&mut self, rule: &RuleInfo, on: bool) {
        if on == rule.enabled_by_default {
            self.rules.remove(&rule.id);
        } else {
            self.rules.insert(rule.id.clone(), on);
        }
    }

    pub fn set_pss_level(&mut self, level: PssLevel) {
        self.pss.level = level;
    }

    pub fn set_pss_minor(&mut self, minor: u32) {
        self.pss.minor = minor.clamp(OLDEST_MINOR, LATEST_MINOR);
    }

    pub fn set_kubernetes_minor(&mut self, minor: Option<u32>) {
        self.kubernetes_minor = minor.map(|m| m.min(LATEST_MINOR));
    }

    pub fn options(&self, rules: &[RuleInfo]) -> Options {
        let switched = |on: bool| {
            rules
                .iter()
                .filter(|r| self.rules.get(&r.id) == Some(&on) && r.enabled_by_default != on)
                .map(|r| r.id.clone())
                .collect()
        };
        Options {
            enable: switched(true),
            disable: switched(false),
            pss: self.pss,
            kubernetes_version: self.kubernetes_minor.map(|minor| (1, minor)),
            ..Options::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_become_options_and_survive_storage() {
        let rules = kubecheck_core::builtin_rules();
        let rule = rules.iter().find(|r| r.enabled_by_default).unwrap();
        let mut settings = Settings::default();
        settings.set_rule(rule, false);
        settings.set_pss_level(PssLevel::Baseline);
        settings.set_pss_minor(99);
        settings.set_kubernetes_minor(Some(24));
        let options = settings.options(&rules);
        assert_eq!(options.kubernetes_version, Some((1, 24)));
        assert_eq!(options.disable, std::slice::from_ref(&rule.id));
        assert!(options.enable.is_empty());
        assert_eq!(options.pss.minor, LATEST_MINOR);
        assert!(!settings.is_on(rule));

        let restored = Settings::from_json(Some(&settings.to_json()));
        assert_eq!(restored, settings);
        settings.set_rule(rule, true);
        assert!(
            settings.rules.is_empty(),
            "back to the default is forgotten"
        );
    }

    #[test]
    fn unreadable_storage_gives_defaults() {
        assert_eq!(Settings::from_json(Some("{not json")), Settings::default());
        assert_eq!(Settings::from_json(None), Settings::default());
        let partial = Settings::from_json(Some(r#"{"theme":"dark"}"#));
        assert_eq!(partial.theme, Theme::Dark);
        assert_eq!(partial.pss, PssTarget::default());
    }
}
