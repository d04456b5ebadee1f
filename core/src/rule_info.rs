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
    /// Other tools' checks that judge the same cause, from
    /// [`crate::data::peer_checks`]: their suppression annotations silence this rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equivalents: Vec<Equivalent>,
}

/// A check of another tool that stands for (part of) a rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Equivalent {
    /// `kube-linter`, `polaris`, `checkov`, `kube-score`, `kubescape` or `datree`.
    pub tool: &'static str,
    pub check: &'static str,
    /// The check stands for the rule's findings at this field only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl Equivalent {
    /// The equivalents of the built-in rule `id`, in the table's order.
    pub fn of(id: &str) -> Vec<Equivalent> {
        crate::data::peer_checks::peers_of(id)
            .flat_map(|peer| {
                peer.targets
                    .iter()
                    .filter(|target| target.rule == id)
                    .map(|target| Equivalent {
                        tool: peer.tool.name(),
                        check: peer.id,
                        field: target.field,
                    })
            })
            .collect()
    }
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
