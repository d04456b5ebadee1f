//! What a rule is, what it sees and how it reports.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use crate::model::{Input, Object};
use crate::netpol::Network;
use crate::options::{EnabledRules, Options};
use crate::pss::PssControl;
use crate::rbac::Rbac;
use crate::rule_info::{RuleInfo, RuleView};
use crate::rules::secrets::scan::{Found, SecretScans};
use crate::severity::{Category, Severity};
use crate::yaml::Span;

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
    /// All objects together (bindings reaching service accounts, policies covering pods):
    /// the objects of one analysis context, which live as long as the run's [`Ctx`], so
    /// the models built from them can be shared by the rules.
    Input(for<'a> fn(&Ctx<'a>, &'a [Object<'a>], &mut Emitter)),
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
            fix: crate::fix::rule_fix(self.id),
            equivalents: crate::rule_info::Equivalent::of(self.id),
            standards: crate::rule_info::Standards::of(self.id),
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
            pss: rule.pss.map(|p| p.level),
            standards: crate::data::standards::of(rule.id),
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
    /// The RBAC model of each analysis context, built on first use.
    pub(crate) rbac_models: RbacModels,
    /// The network model of each analysis context, built on first use.
    network_models: Models<Network<'a, 'a>>,
    /// The secrets of the session's objects, when the rules run over them.
    secret_scans: Option<(&'a [Object<'a>], &'a SecretScans<'a>)>,
}

/// RBAC models by analysis context (its first object's id and its length: contexts of
/// one run never share both). Built once per run and shared by the RBAC rules: one
/// model per rule, with Kubernetes' default roles copied into each, was most of the
/// time of checking one small object (an admission review).
pub(crate) type RbacModels = Models<Rbac>;

/// Models of `T` by analysis context, each built once and shared.
pub(crate) struct Models<T>(Mutex<Vec<(ContextKey, Arc<T>)>>);

impl<T> Default for Models<T> {
    fn default() -> Self {
        Models(Mutex::default())
    }
}

impl<T> Models<T> {
    /// The model of the context `objects`, built by `build` the first time. With feature
    /// `parallel` the rules run side by side: the lock is held while the model is built,
    /// so it is built once and the other rules wait for it.
    fn get(&self, objects: &[Object<'_>], build: impl FnOnce() -> T) -> Arc<T> {
        let key = (objects.first().map_or(usize::MAX, |o| o.id), objects.len());
        let mut models = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, model)) = models.iter().find(|(k, _)| *k == key) {
            return Arc::clone(model);
        }
        let model = Arc::new(build());
        models.push((key, Arc::clone(&model)));
        model
    }
}

/// An analysis context of a run: its first object's id and its number of objects.
type ContextKey = (usize, usize);

impl<'a> Ctx<'a> {
    pub fn new(options: &'a Options, input: &'a Input, enabled: &'a EnabledRules<'static>) -> Self {
        Ctx {
            options,
            input,
            enabled,
            rbac_models: RbacModels::default(),
            network_models: Models::default(),
            secret_scans: None,
        }
    }

    /// This context, reading the secrets of `objects` from `scans` (made of them).
    pub(crate) fn with_secret_scans(
        self,
        objects: &'a [Object<'a>],
        scans: &'a SecretScans<'a>,
    ) -> Self {
        Ctx {
            secret_scans: Some((objects, scans)),
            ..self
        }
    }

    /// What the run's secret scans found in `object`, if it is one of the objects they
    /// were made of.
    pub(crate) fn secret_scans(&self, object: &Object<'_>) -> Option<&'a [Found<'a>]> {
        let (objects, scans) = self.secret_scans?;
        let scanned = objects.get(object.id)?;
        std::ptr::addr_eq(scanned, object).then(|| scans.of_object(object.id))
    }

    /// Whether `rule` runs in this check.
    pub fn runs(&self, rule: &Rule) -> bool {
        self.enabled.contains(rule.id)
    }

    /// The RBAC model of `objects`, one analysis context of this run.
    pub fn rbac(&self, objects: &[Object<'_>]) -> Arc<Rbac> {
        self.rbac_models.get(objects, || Rbac::new(objects))
    }

    /// The network model of `objects`, one analysis context of this run: seven rules
    /// read it, and building it (every policy's selectors and peers) was most of their
    /// time.
    pub fn network(&self, objects: &'a [Object<'a>]) -> Arc<Network<'a, 'a>> {
        self.network_models.get(objects, || Network::build(objects))
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
    /// Where in the source, when the pointer cannot say it: a pointer locates a value,
    /// and a finding about a key (a repeated one) belongs on the key. The pointer still
    /// names the field.
    pub span: Option<Span>,
    /// Where in the value at the pointer (a byte range of its text), when the finding is
    /// about part of it: the secret inside a command-line word. The engine locates it in
    /// the source when the text is written there as is, else the whole value stands in.
    pub within: Option<Range<usize>>,
    /// Other located places that make the finding (see [`crate::report::Finding::related`]).
    pub related: Vec<RawRelated>,
    /// Rules folded into this finding (see [`crate::report::Finding::related_rules`]).
    pub related_rules: Vec<String>,
}

/// A place related to a finding: a pointer into any object of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRelated {
    pub object: usize,
    /// Relative to that object.
    pub pointer: String,
    pub message: String,
}

/// Related places one finding lists at most; a chain longer than this is cut.
pub const RELATED_PER_FINDING: usize = 32;

/// Findings one rule lists on one object; the rest become one finding that counts
/// them. A few bytes of input can make a finding (a repeated key, a container), and a
/// finding costs a kilobyte and more of report: without a cap, memory grew hundreds of
/// times the input.
pub const FINDINGS_PER_OBJECT: usize = 100;

/// Collects a rule's findings.
pub struct Emitter {
    rule: &'static str,
    pub(crate) findings: Vec<RawFinding>,
    /// Findings so far per object id.
    per_object: HashMap<usize, usize>,
    /// Findings past [`FINDINGS_PER_OBJECT`] per object id, in object order.
    unlisted: BTreeMap<usize, usize>,
    /// What a finding past the cap is written to, and forgotten.
    discarded: RawFinding,
}

impl Emitter {
    pub fn new(rule: &'static str) -> Self {
        Emitter {
            rule,
            findings: Vec::new(),
            per_object: HashMap::new(),
            unlisted: BTreeMap::new(),
            discarded: RawFinding::new("", 0, "", ""),
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
        let count = self.per_object.entry(object.id).or_default();
        *count += 1;
        if *count > FINDINGS_PER_OBJECT {
            *self.unlisted.entry(object.id).or_default() += 1;
            self.discarded.fix = None;
            self.discarded.related.clear();
            self.discarded.related_rules.clear();
            return &mut self.discarded;
        }
        self.findings
            .push(RawFinding::new(self.rule, object.id, pointer, message));
        self.findings.last_mut().expect("just pushed")
    }

    /// The findings, with one per object that had more than [`FINDINGS_PER_OBJECT`]
    /// counting those not listed.
    pub fn into_findings(mut self) -> Vec<RawFinding> {
        for (object, count) in std::mem::take(&mut self.unlisted) {
            let noun = if count == 1 { "finding" } else { "findings" };
            self.findings.push(RawFinding::new(self.rule, object, "", format!(
                    "{count} more {noun} of this rule on this object are not listed (at most {FINDINGS_PER_OBJECT} are)"
                )));
        }
        self.findings
    }
}

impl RawFinding {
    /// A finding of `rule` at `pointer` (relative to object `object`), nothing attached.
    pub fn new(
        rule: impl Into<String>,
        object: usize,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        RawFinding {
            rule: rule.into(),
            object,
            pointer: pointer.into(),
            message: message.into(),
            fix: None,
            severity: None,
            span: None,
            within: None,
            related: Vec::new(),
            related_rules: Vec::new(),
        }
    }

    /// Attaches `fix` (JSON Patch operations relative to the object).
    pub fn fix(&mut self, fix: FixSpec) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    /// Marks the attached fix safe: it changes nothing the workload does beyond the
    /// security setting (a fix is unsafe unless marked).
    pub fn fix_is_safe(&mut self) -> &mut Self {
        if let Some(fix) = self.fix.as_mut() {
            fix.applicability = crate::fix::Applicability::Safe;
        }
        self
    }

    /// Attaches a fix that sets `pointer` (relative to the object) to `value`; it is
    /// unsafe unless marked with [`RawFinding::fix_is_safe`].
    pub fn fix_set(
        &mut self,
        description: impl Into<String>,
        pointer: impl Into<String>,
        value: Json,
    ) -> &mut Self {
        self.fix = Some(FixSpec::new(description).add(pointer, value));
        self
    }

    /// Adds a related place: `pointer` (relative to `object`) with what it is. At most
    /// [`RELATED_PER_FINDING`] are kept.
    pub fn related(
        &mut self,
        object: &Object<'_>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Self {
        if self.related.len() < RELATED_PER_FINDING {
            self.related.push(RawRelated {
                object: object.id,
                pointer: pointer.into(),
                message: message.into(),
            });
        }
        self
    }

    /// Names a rule whose finding of the same cause is folded into this one.
    pub fn related_rule(&mut self, rule: &str) -> &mut Self {
        if !self.related_rules.iter().any(|r| r == rule) {
            self.related_rules.push(rule.to_owned());
        }
        self
    }

    /// Puts the finding at `span` of the source instead of where its pointer resolves.
    pub fn at_span(&mut self, span: Span) -> &mut Self {
        self.span = Some(span);
        self
    }

    /// Puts the finding on `range` (bytes) of the text of the value at its pointer.
    pub fn within(&mut self, range: Range<usize>) -> &mut Self {
        self.within = Some(range);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::FINDINGS_PER_OBJECT;
    use crate::{check, Options, Source};

    #[test]
    fn one_rule_lists_at_most_its_cap_on_one_object_and_counts_the_rest() {
        let containers: Vec<String> = (0..FINDINGS_PER_OBJECT + 50)
            .map(|i| {
                format!("{{name: c{i}, image: nginx:1.27, securityContext: {{privileged: true}}}}")
            })
            .collect();
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: [{}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: q}}\nspec:\n  containers: [{}]\n",
            containers.join(", "),
            containers[..3].join(", ")
        );
        let options = Options {
            only: vec!["privileged-container".to_owned()],
            ..Options::default()
        };
        let report = check(vec![Source::new("in.yaml", yaml)], &options);
        let of = |name: &str| {
            report
                .findings
                .iter()
                .filter(|f| f.resource.name.as_deref() == Some(name))
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
        };
        let p = of("p");
        assert_eq!(p.len(), FINDINGS_PER_OBJECT + 1);
        assert!(
            p.contains(
                &"50 more findings of this rule on this object are not listed (at most 100 are)"
            ),
            "{p:#?}"
        );
        assert_eq!(of("q").len(), 3);
    }
}
