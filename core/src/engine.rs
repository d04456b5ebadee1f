//! A run: objects from the input, findings from the rules, and the report.

use crate::fix;
use crate::fold::{self, Candidate};
use crate::model::{Input, InputError, Object};
use crate::options::{EnabledRules, Options};
use crate::pointer;
use crate::report::{
    Finding, Location, PssTag, Report, ReportError, Resource, Summary, Suppression, Tool,
    REPORT_VERSION,
};
use crate::rules::{self, Ctx, RawFinding, RuleInfo};

/// The annotation that silences rules on one object:
/// `kubecheck.io/ignore: rule-a,rule-b # reason`.
pub const IGNORE_ANNOTATION: &str = "kubecheck.io/ignore";

pub struct Session<'a> {
    pub input: &'a Input,
    pub options: &'a Options,
    pub objects: Vec<Object<'a>>,
    /// Parse errors and documents that are not Kubernetes objects.
    pub errors: Vec<InputError>,
    /// The built-in rules the options turn on.
    pub enabled: EnabledRules<'static>,
}

impl<'a> Session<'a> {
    pub fn new(input: &'a Input, options: &'a Options) -> Self {
        let (objects, object_errors) = input.objects();
        let mut errors = input.errors.clone();
        errors.extend(object_errors);
        Session {
            input,
            options,
            objects,
            errors,
            enabled: rules::enabled(options),
        }
    }

    /// What the rules of this run see.
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            options: self.options,
            input: self.input,
            enabled: &self.enabled,
        }
    }

    /// Runs the enabled built-in rules.
    pub fn run_builtin(&self) -> Vec<RawFinding> {
        rules::run(&self.ctx(), &self.objects, |_| true)
    }

    /// Where `pointer` (relative to object `id`) is in the source: the node itself, or
    /// its closest existing parent. `None` for an unknown object or a malformed pointer.
    pub fn locate(&self, id: usize, relative: &str) -> Option<Location> {
        let object = self.objects.get(id)?;
        let absolute = format!("{}{relative}", object.prefix);
        let doc = self.input.document(object.source, object.document)?;
        let (node, consumed) = pointer::resolve_prefix(&doc.root, &absolute)?;
        Some(Location {
            source: self.input.sources[object.source].name.clone(),
            document: object.document,
            path: pointer::prefix(&absolute, consumed),
            line: node.span.start.line,
            column: node.span.start.column,
            end_line: node.span.end.line,
            end_column: node.span.end.column,
        })
    }

    /// Applies options and suppressions, locates every finding and counts them. `rules`
    /// describes every rule that may appear in `raw` (built-in and plugin rules);
    /// findings of rules not in it are dropped.
    pub fn report(
        &self,
        raw: Vec<RawFinding>,
        rules: &[RuleInfo],
        extra_errors: Vec<ReportError>,
    ) -> Report {
        let mut candidates = Vec::new();
        // The enabled rules, indexed once: a scan of the rules per finding was
        // findings × rules, and plugins bring both in any number.
        let enabled: std::collections::HashMap<&str, &RuleInfo> = rules
            .iter()
            .filter(|r| self.options.is_enabled(*r))
            .map(|r| (r.id.as_str(), r))
            .collect();
        for raw in raw {
            let Some(&rule) = enabled.get(raw.rule.as_str()) else {
                continue;
            };
            let severity = self.options.severity_of(rule, raw.severity);
            let (Some(object), Some(mut location)) = (
                self.objects.get(raw.object),
                self.locate(raw.object, &raw.pointer),
            ) else {
                continue;
            };
            if let Some(span) = raw.span {
                location.line = span.start.line;
                location.column = span.start.column;
                location.end_line = span.end.line;
                location.end_column = span.end.column;
            }
            let fix = raw.fix.as_ref().and_then(|spec| {
                let doc = self.input.document(object.source, object.document)?;
                fix::build(&doc.root, &object.prefix, spec)
            });
            let mut finding = Finding {
                rule: rule.id.clone(),
                severity,
                category: rule.category.clone(),
                message: raw.message,
                resource: Resource {
                    api_version: object.api_version.clone(),
                    kind: object.kind.clone(),
                    name: object.name().map(str::to_owned),
                    namespace: object.namespace().map(str::to_owned),
                },
                location,
                remediation: rule.remediation.clone(),
                fix,
                pss: rule.pss.map(|p| PssTag {
                    level: p.level,
                    control: p.control.to_owned(),
                }),
                suppression: None,
                related: Vec::new(),
                related_rules: Vec::new(),
            };
            let reason = suppression(object, &rule.id);
            let suppressed = reason.is_some();
            finding.suppression = reason.map(|reason| Suppression {
                by: "annotation".into(),
                reason,
            });
            candidates.push(Candidate {
                finding,
                object: raw.object,
                pointer: raw.pointer,
                suppressed,
            });
        }
        // Folded before the severity floor, so a folded rule is named even when it
        // alone would fall below it.
        let (mut findings, mut suppressed) = fold::fold(candidates);
        if let Some(min) = self.options.min_severity {
            findings.retain(|f| f.severity >= min);
            suppressed.retain(|f| f.severity >= min);
        }
        let order = |f: &Finding| {
            (
                f.location.source.clone(),
                f.location.document,
                f.location.line,
                f.location.column,
                f.rule.clone(),
                f.message.clone(),
            )
        };
        findings.sort_by_key(order);
        suppressed.sort_by_key(order);
        let mut errors: Vec<ReportError> = self
            .errors
            .iter()
            .map(|e| ReportError {
                source: self
                    .input
                    .sources
                    .get(e.source)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                document: e.document,
                line: e.pos.line,
                column: e.pos.column,
                message: e.message.clone(),
                plugin: None,
            })
            .collect();
        errors.extend(extra_errors);
        let mut report = Report {
            version: REPORT_VERSION,
            tool: Tool::default(),
            summary: Summary::count(
                &findings,
                self.objects.len(),
                suppressed.len(),
                errors.len(),
            ),
            findings,
            suppressed,
            errors,
            redactions: Vec::new(),
        };
        crate::redact::apply(self, &mut report);
        report
    }
}

/// The reason `rule` is silenced on `object`, if it is.
fn suppression(object: &Object<'_>, rule: &str) -> Option<String> {
    let value = object.annotation(IGNORE_ANNOTATION)?;
    let (ids, reason) = match value.split_once('#') {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (value, ""),
    };
    let listed = ids
        .split(',')
        .map(str::trim)
        .any(|id| id == rule || id == "all");
    listed.then(|| {
        if reason.is_empty() {
            format!("{IGNORE_ANNOTATION} annotation (no reason given)")
        } else {
            reason.to_owned()
        }
    })
}
