//! What a rule is, what it sees and how it reports.

use serde_json::Value as Json;

use crate::model::{Input, Object};
use crate::options::{EnabledRules, Options};
use crate::pss::PssControl;
use crate::rule_info::{RuleInfo, RuleView};
use crate::severity::{Category, Severity};

/// Declares a rule once: its `///` doc comment becomes [`Rule::docs`], which is the
/// rule's documentation in `kubecheck explain` and `docs/rules.md`.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub static $name:ident = Rule { $($field:ident : $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            docs: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

/// How a rule looks at the input.
#[derive(Clone, Copy)]
pub enum Check {
    /// One object at a time.
    Object(fn(&Ctx<'_>, &Object<'_>, &mut Emitter)),
    /// All objects together (bindings reaching service accounts, policies covering pods).
    Input(fn(&Ctx<'_>, &[Object<'_>], &mut Emitter)),
}

pub struct Rule {
    /// Stable kebab-case id naming the risky pattern.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The kinds the rule looks at, for the docs (`Pod and workloads`, `ClusterRole`…).
    pub applies_to: &'static str,
    /// One sentence, ending in a period.
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    pub pss: Option<PssControl>,
    pub enabled_by_default: bool,
    /// Markdown: What it does / Why is this bad? / Example / …
    pub docs: &'static str,
    pub check: Check,
}

impl Rule {
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_owned(),
            title: self.title.to_owned(),
            category: self.category.clone(),
            severity: self.severity,
            remediation: self.remediation.to_owned(),
            pss: self.pss,
            help: doc_text(self.docs),
            enabled_by_default: self.enabled_by_default,
        }
    }
}

/// The doc comment as Markdown: `/// text` captures ` text`, so one leading space per line
/// goes, or headings (`## Example`) would not start their lines.
fn doc_text(docs: &str) -> String {
    docs.lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .fold(String::with_capacity(docs.len()), |mut out, line| {
            out.push_str(line);
            out.push('\n');
            out
        })
}

impl<'a> From<&'a Rule> for RuleView<'a> {
    fn from(rule: &'a Rule) -> Self {
        RuleView {
            id: rule.id,
            category: rule.category.as_str(),
            severity: rule.severity,
            pss: rule.pss.is_some(),
            enabled_by_default: rule.enabled_by_default,
        }
    }
}

/// What a rule sees besides the object: the options, the whole input, and which
/// built-in rules run (some stay silent where an overlapping one reports).
pub struct Ctx<'a> {
    pub options: &'a Options,
    pub input: &'a Input,
    pub enabled: &'a EnabledRules<'static>,
}

impl Ctx<'_> {
    /// Whether `rule` runs in this check.
    pub fn runs(&self, rule: &Rule) -> bool {
        self.enabled.contains(rule.id)
    }
}

/// A fix, as plugins return it: JSON Patch operations relative to the object. The report
/// turns it into a patch on the document and, where the YAML allows, text edits.
pub use kubecheck_plugin_abi::Fix as FixSpec;

/// A finding before options, suppression and locations are applied.
#[derive(Clone, Debug)]
pub struct RawFinding {
    pub rule: String,
    pub object: usize,
    /// Relative to the object.
    pub pointer: String,
    pub message: String,
    pub fix: Option<FixSpec>,
    /// A severity of this finding's own (plugins may set one); the rule's otherwise. A
    /// user's severity override for the rule wins over both.
    pub severity: Option<Severity>,
}

/// Collects a rule's findings.
pub struct Emitter {
    rule: &'static str,
    pub(crate) findings: Vec<RawFinding>,
}

impl Emitter {
    pub fn new(rule: &'static str) -> Self {
        Emitter {
            rule,
            findings: Vec::new(),
        }
    }

    /// Reports `message` at `pointer` (relative to the object). A pointer to a field
    /// that is absent is fine: the location falls back to its closest existing parent.
    pub fn report(
        &mut self,
        object: &Object<'_>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut RawFinding {
        self.findings.push(RawFinding {
            rule: self.rule.to_owned(),
            object: object.id,
            pointer: pointer.into(),
            message: message.into(),
            fix: None,
            severity: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub fn into_findings(self) -> Vec<RawFinding> {
        self.findings
    }
}

impl RawFinding {
    /// Attaches a fix that sets `pointer` (relative to the object) to `value`.
    pub fn fix_set(
        &mut self,
        description: impl Into<String>,
        pointer: impl Into<String>,
        value: Json,
    ) -> &mut Self {
        self.fix = Some(FixSpec::new(description).add(pointer, value));
        self
    }
}
