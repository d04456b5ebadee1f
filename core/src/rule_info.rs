//! What the report, the outputs and rule selection know of a rule, built-in or from a
//! plugin. It sits below both `options` (which selects over it) and `rules` (which
//! describes the built-in rules with it), so neither imports the other's half.

use serde::Serialize;

use crate::pss::PssControl;
use crate::severity::{Category, Severity};

/// Rule metadata as data: built-in rules and plugin rules alike.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub remediation: String,
    pub pss: Option<PssControl>,
    /// Markdown documentation.
    pub help: String,
    pub enabled_by_default: bool,
    /// The fixes the rule attaches and their applicability; `None` for a rule without
    /// fixes (and for plugin rules, whose fixes say it each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::RuleFix>,
}

/// What selection reads of a rule, borrowed from a built-in rule or a [`RuleInfo`]:
/// selecting a rule copies nothing and renders no docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleView<'a> {
    pub id: &'a str,
    pub category: &'a str,
    pub severity: Severity,
    /// Whether the rule implements a Pod Security Standards control (selector `pss`).
    pub pss: bool,
    pub enabled_by_default: bool,
}

impl<'a> From<&'a RuleInfo> for RuleView<'a> {
    fn from(rule: &'a RuleInfo) -> Self {
        RuleView {
            id: &rule.id,
            category: rule.category.as_str(),
            severity: rule.severity,
            pss: rule.pss.is_some(),
            enabled_by_default: rule.enabled_by_default,
        }
    }
}

/// Whether `selector` names `rule`: its id, its category, its plugin (`acme` for
/// `acme/owner-label`), `pss` for a Pod Security Standards control, or `all`.
pub fn selects(selector: &str, rule: RuleView<'_>) -> bool {
    selector == "all"
        || selector == rule.id
        || selector == rule.category
        || (selector == "pss" && rule.pss)
        || rule
            .id
            .split_once('/')
            .is_some_and(|(plugin, _)| plugin == selector)
}
