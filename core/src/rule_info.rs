//! What the report, the outputs and rule selection know of a rule, built-in or from a
//! plugin. It sits below both `options` (which selects over it) and `rules` (which
//! describes the built-in rules with it), so neither imports the other's half.

use serde::Serialize;

use crate::data::standards::{self, RuleStandards};
use crate::pss::{PssControl, PssLevel};
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
    /// [`crate::data::peer_checks`]: their suppression annotations silence this rule
    /// (kubesec and Trivy have none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equivalents: Vec<Equivalent>,
    /// The CIS Benchmark items and the NSA/CISA guide section the rule checks, from
    /// [`crate::data::standards`] (the Pod Security Standards control is `pss`).
    #[serde(skip_serializing_if = "Standards::is_empty")]
    pub standards: Standards,
}

/// The standards a rule checks a part of, besides its Pod Security Standards control.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Standards {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cis: Vec<CisRef>,
    /// The section of the NSA/CISA Kubernetes Hardening Guide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsa: Option<&'static str>,
}

/// A CIS Kubernetes Benchmark item, with the benchmark release that numbers it so.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CisRef {
    pub benchmark: &'static str,
    pub item: &'static str,
    pub title: &'static str,
}

impl Standards {
    /// The standards of the built-in rule `id`; none for a plugin rule.
    pub fn of(id: &str) -> Standards {
        let Some(row) = standards::of(id) else {
            return Standards::default();
        };
        Standards {
            cis: row
                .cis
                .iter()
                .filter_map(|id| standards::cis_item(id))
                .map(|item| CisRef {
                    benchmark: standards::CIS_BENCHMARK,
                    item: item.id,
                    title: item.title,
                })
                .collect(),
            nsa: row.nsa,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cis.is_empty() && self.nsa.is_none()
    }
}

/// A check of another tool that stands for (part of) a rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Equivalent {
    /// `kube-linter`, `polaris`, `checkov`, `kube-score`, `kubescape`, `datree`,
    /// `kubesec` or `trivy`.
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
    /// The level of the Pod Security Standards control the rule implements (selectors
    /// `pss`, `pss:baseline`, `pss:restricted`).
    pub pss: Option<PssLevel>,
    /// The rule's row of the standards table (selectors `cis…`, `nsa`); `None` for a
    /// plugin rule.
    pub standards: Option<&'static RuleStandards>,
    pub enabled_by_default: bool,
}

impl<'a> From<&'a RuleInfo> for RuleView<'a> {
    fn from(rule: &'a RuleInfo) -> Self {
        RuleView {
            id: &rule.id,
            category: rule.category.as_str(),
            severity: rule.severity,
            pss: rule.pss.map(|p| p.level),
            standards: standards::of(&rule.id),
            enabled_by_default: rule.enabled_by_default,
        }
    }
}

/// Whether `selector` names `rule`: its id, its category, its plugin (`acme` for
/// `acme/owner-label`), a standard (see [`selects_by_standard`]), or `all`.
pub fn selects(selector: &str, rule: RuleView<'_>) -> bool {
    selector == "all"
        || selector == rule.id
        || selector == rule.category
        || selects_by_standard(selector, rule).unwrap_or(false)
        || rule
            .id
            .split_once('/')
            .is_some_and(|(plugin, _)| plugin == selector)
}

/// The standard selectors, `None` for a selector that is none:
/// - `pss`: every Pod Security Standards control; `pss:baseline` the baseline ones,
///   `pss:restricted` all that the restricted level enforces (baseline's included);
/// - `cis`: every rule with a CIS Kubernetes Benchmark item; `cis:5.2.11` the rules of
///   that item, `cis:5.2.*` those of the items the prefix begins;
/// - `nsa`: every rule with a section of the NSA/CISA Kubernetes Hardening Guide.
pub fn selects_by_standard(selector: &str, rule: RuleView<'_>) -> Option<bool> {
    let (standard, part) = match selector.split_once(':') {
        Some((standard, part)) => (standard, Some(part)),
        None => (selector, None),
    };
    let row = rule.standards;
    Some(match (standard, part) {
        ("pss", None) => rule.pss.is_some(),
        ("pss", Some(level)) => {
            let level: PssLevel = level.parse().ok()?;
            rule.pss.is_some_and(|own| own <= level)
        }
        ("cis", None) => row.is_some_and(|row| !row.cis.is_empty()),
        ("cis", Some(pattern)) => {
            row.is_some_and(|row| row.cis.iter().any(|id| standards::cis_matches(pattern, id)))
        }
        ("nsa", None) => row.is_some_and(|row| row.nsa.is_some()),
        _ => return None,
    })
}
