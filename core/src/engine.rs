//! A run: objects from the input, findings from the rules, and the report.

use std::collections::{BTreeSet, HashMap};

use crate::fix;
use crate::fold::{self, Candidate};
use crate::model::{Input, InputError, Object};
use crate::options::{EnabledRules, Options};
use crate::pointer;
use crate::report::{
    Finding, Location, PssTag, Related, Report, ReportError, Resource, Summary, Tool,
    REPORT_VERSION,
};
use crate::rules::secrets::scan::SecretScans;
use crate::rules::{self, Check, Ctx, RawFinding, RuleInfo};
use crate::suppress::{self, Verdict};

pub use crate::suppress::IGNORE_ANNOTATION;

pub struct Session<'a> {
    pub input: &'a Input,
    pub options: &'a Options,
    pub objects: Vec<Object<'a>>,
    /// Parse errors and documents that are not Kubernetes objects.
    pub errors: Vec<InputError>,
    /// The built-in rules the options turn on.
    pub enabled: EnabledRules<'static>,
    /// How many analysis contexts the input forms ([`Input::context_count`]).
    pub contexts: usize,
    /// The secrets of `objects`, for the secrets rules and the report's redaction.
    pub(crate) secrets: SecretScans<'a>,
}

impl<'a> Session<'a> {
    pub fn new(input: &'a Input, options: &'a Options) -> Self {
        let (objects, object_errors) = input.objects();
        let mut errors = input.errors.clone();
        errors.extend(object_errors);
        let secrets = SecretScans::of(&objects);
        Session {
            input,
            options,
            objects,
            secrets,
            errors,
            enabled: rules::enabled(options),
            contexts: input.context_count(),
        }
    }

    /// What the rules of this run see.
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx::new(self.options, self.input, &self.enabled)
            .with_secret_scans(&self.objects, &self.secrets)
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

    /// Where `range` of the text of the value at `relative` (a pointer into `object`)
    /// is in the source, when it is written there as is.
    fn locate_within(
        &self,
        object: &Object<'_>,
        relative: &str,
        range: std::ops::Range<usize>,
    ) -> Option<crate::yaml::Span> {
        let doc = self.input.document(object.source, object.document)?;
        let node = pointer::resolve(&doc.root, &format!("{}{relative}", object.prefix))?;
        crate::model::span_in_value(self.input, object.source, node, range)
    }

    /// The analysis context a finding of `rule` on `object` was judged in: named for
    /// cross-object rules when the run has more than one context.
    fn context_of(&self, object: &Object<'_>, rule: &str) -> Option<String> {
        if self.contexts < 2 {
            return None;
        }
        let cross_object = rules::find(rule).is_some_and(|r| matches!(r.check, Check::Input(_)));
        if !cross_object {
            return None;
        }
        self.input.sources.get(object.source)?.context.clone()
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
        // The enabled rules, indexed once: a scan of the rules per finding was
        // findings × rules, and plugins bring both in any number.
        let enabled: std::collections::HashMap<&str, &RuleInfo> = rules
            .iter()
            .filter(|r| self.options.is_enabled(*r))
            .map(|r| (r.id.as_str(), r))
            .collect();
        let texts = FixTexts::of(self, &raw);
        // Each finding is located, fixed and judged on its own: on rayon's pool with the
        // `parallel` feature, in order either way.
        let candidates: Vec<Candidate> = crate::par::filter_map_vec(raw, |raw| {
            let rule = enabled.get(raw.rule.as_str())?;
            self.candidate(raw, rule, &texts)
        });
        // Folded before the severity floor, so a folded rule is named even when it
        // alone would fall below it.
        let (mut findings, mut suppressed) = fold::fold(candidates);
        if let Some(min) = self.options.min_severity {
            findings.retain(|f| f.severity >= min);
            suppressed.retain(|f| f.severity >= min);
        }
        fn order(f: &Finding) -> (&str, usize, u32, u32, &str, &str) {
            (
                &f.location.source,
                f.location.document,
                f.location.line,
                f.location.column,
                &f.rule,
                &f.message,
            )
        }
        // Compared in place: a key copied per comparison was three strings each time.
        findings.sort_by(|a, b| order(a).cmp(&order(b)));
        suppressed.sort_by(|a, b| order(a).cmp(&order(b)));
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

impl Session<'_> {
    /// `raw` as the report shows it, with its location, fix and suppression; `None` when
    /// its object or pointer is unknown.
    fn candidate(
        &self,
        raw: RawFinding,
        rule: &RuleInfo,
        texts: &FixTexts<'_>,
    ) -> Option<Candidate> {
        let severity = self.options.severity_of(rule, raw.severity);
        let object = self.objects.get(raw.object)?;
        let mut location = self.locate(raw.object, &raw.pointer)?;
        let span = raw.span.or_else(|| {
            let range = raw.within.clone()?;
            self.locate_within(object, &raw.pointer, range)
        });
        if let Some(span) = span {
            location.line = span.start.line;
            location.column = span.start.column;
            location.end_line = span.end.line;
            location.end_column = span.end.column;
        }
        let related = raw
            .related
            .iter()
            .filter_map(|r| {
                Some(Related {
                    location: self.locate(r.object, &r.pointer)?,
                    message: r.message.clone(),
                })
            })
            .collect();
        let fix = raw.fix.as_ref().and_then(|spec| {
            let doc = self.input.document(object.source, object.document)?;
            let index = texts.indexes.get(&object.source)?;
            let layout = texts.layouts.get(&(object.source, object.document))?;
            fix::build(index, layout, &doc.root, &object.prefix, spec)
        });
        let mut finding = Finding {
            rule: rule.id.clone(),
            severity,
            category: rule.category.clone(),
            message: raw.message,
            resource: Resource {
                api_version: object.api_version.to_string(),
                kind: object.kind.to_string(),
                name: object.name().map(str::to_owned),
                namespace: object.namespace().map(str::to_owned),
            },
            location,
            remediation: match place(object, &raw.pointer) {
                Some(place) => format!("{} Where: {place}.", rule.remediation),
                None => rule.remediation.clone(),
            },
            fix,
            pss: rule.pss.map(|p| PssTag {
                level: p.level,
                control: p.control.to_owned(),
            }),
            suppression: None,
            related,
            related_rules: raw.related_rules,
            context: self.context_of(object, &rule.id),
        };
        let suppressed = match suppress::judge(
            &self.options.suppressions,
            rule,
            &finding.related_rules,
            &raw.pointer,
            object,
            &finding.resource,
            &finding.location.source,
        ) {
            Verdict::Suppressed(suppression) => {
                finding.suppression = Some(suppression);
                true
            }
            Verdict::Reported(note) => {
                if let Some(note) = note {
                    finding.message = format!("{} [{note}]", finding.message);
                }
                false
            }
        };
        Some(Candidate {
            finding,
            object: raw.object,
            pointer: raw.pointer,
            suppressed,
        })
    }
}

/// The line starts of each source a fix edits and the layout of each document it edits,
/// learned once per source and document before the findings are reported side by side.
struct FixTexts<'t> {
    indexes: HashMap<usize, fix::TextIndex<'t>>,
    layouts: HashMap<(usize, usize), fix::Layout>,
}

impl<'t> FixTexts<'t> {
    fn of(session: &Session<'t>, raw: &[RawFinding]) -> Self {
        let documents: BTreeSet<(usize, usize)> = raw
            .iter()
            .filter(|r| r.fix.is_some())
            .filter_map(|r| session.objects.get(r.object))
            .map(|o| (o.source, o.document))
            .collect();
        let sources: Vec<usize> = documents
            .iter()
            .map(|d| d.0)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let input = session.input;
        let indexes: HashMap<usize, fix::TextIndex<'t>> = crate::par::map(&sources, |&source| {
            (source, fix::TextIndex::new(&input.sources[source].text))
        })
        .into_iter()
        .collect();
        let documents: Vec<(usize, usize)> = documents.into_iter().collect();
        let layouts = crate::par::map(&documents, |&(source, document)| {
            let layout = input
                .document(source, document)
                .map(|doc| fix::Layout::of(&indexes[&source], &doc.root));
            ((source, document), layout)
        })
        .into_iter()
        .filter_map(|(key, layout)| Some((key, layout?)))
        .collect();
        FixTexts { indexes, layouts }
    }
}

/// The container or volume `pointer` is in, named as messages name them
/// (``init container `install-cni` ``, ``volume `sock` ``), so a finding's remediation
/// says where to act, not only what.
fn place(object: &Object<'_>, pointer: &str) -> Option<String> {
    let name = |scope: &str| {
        object
            .at(&format!("{scope}/name"))
            .and_then(|n| n.as_str())
            .map(str::to_owned)
    };
    if let Some(scope) = fold::container_scope(pointer) {
        let noun = match scope.rsplit('/').nth(1) {
            Some("initContainers") => "init container",
            Some("ephemeralContainers") => "ephemeral container",
            _ => "container",
        };
        return Some(format!("{noun} `{}`", name(scope)?));
    }
    let scope = fold::scope_after(pointer, &["volumes"])?;
    Some(format!("volume `{}`", name(scope)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{builtin_rules, Source};

    const TWO_OBJECTS: &str = "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  annotations:
    kubecheck.io/ignore: \"host-path-volume # reviewed\"
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  serviceAccountName: web
  containers:
  - name: app
    image: nginx:1.27
";

    fn raw(rule: &str, object: usize, pointer: &str) -> RawFinding {
        RawFinding::new(rule, object, pointer, "m")
    }

    #[test]
    fn related_places_are_located_in_their_own_objects() {
        let input = Input::parse(vec![Source::new("a.yaml", TWO_OBJECTS)]);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let mut finding = raw("privileged-container", 1, "/spec/serviceAccountName");
        finding.related(&session.objects[0], "/metadata/name", "its service account");
        finding.related(&session.objects[1], "/spec/containers/0", "the container");
        let report = session.report(vec![finding], &builtin_rules(), Vec::new());
        let related = &report.findings[0].related;
        assert_eq!(related.len(), 2);
        assert_eq!(
            (related[0].location.line, related[0].location.column),
            (4, 9)
        );
        assert_eq!(related[0].message, "its service account");
        assert_eq!(related[1].location.path, "/spec/containers/0");
        assert_eq!(related[1].location.document, 1);
        assert_eq!(report.findings[0].context, None, "one context: not named");
    }

    #[test]
    fn suppressing_a_folded_rule_suppresses_the_finding_that_stands_for_it() {
        let input = Input::parse(vec![Source::new("a.yaml", TWO_OBJECTS)]);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let mut folded = raw("sensitive-host-path", 0, "/metadata");
        folded.related_rule("host-path-volume");
        let alone = raw("sensitive-host-path", 0, "/metadata");
        let report = session.report(vec![folded, alone], &builtin_rules(), Vec::new());
        assert_eq!(report.findings.len(), 1);
        assert!(report.findings[0].related_rules.is_empty());
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].related_rules, ["host-path-volume"]);
        assert_eq!(
            report.suppressed[0].suppression.as_ref().unwrap().reason,
            "reviewed"
        );
    }

    #[test]
    fn another_tools_annotation_suppresses_what_it_stands_for_after_kubecheck_s_own() {
        let pod = |name: &str, annotations: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations:\n{annotations}spec:\n  containers: [{{name: c, image: nginx:1.27}}]\n")
        };
        let exempt = "    polaris.fairwinds.com/hostPathSet-exempt: \"true\"\n";
        let yaml = [
            pod("exempt", exempt),
            pod(
                "expired",
                &format!(
                    "{exempt}    kubecheck.io/ignore: \"host-path-volume # r until=2000-01-01\"\n"
                ),
            ),
        ]
        .join("---\n");
        let input = Input::parse(vec![Source::new("a.yaml", yaml)]);
        let mut options = Options::default();
        options.suppressions.today = Some("2026-12-03".into());
        let session = Session::new(&input, &options);
        let folded = |object| {
            let mut finding = raw("sensitive-host-path", object, "/spec/volumes/0");
            finding.related_rule("host-path-volume");
            finding
        };
        let report = session.report(vec![folded(0), folded(1)], &builtin_rules(), Vec::new());
        // Polaris's `hostPathSet` stands for `host-path-volume`: it silences the finding
        // that folds it.
        assert_eq!(report.suppressed.len(), 1);
        let suppression = report.suppressed[0].suppression.as_ref().unwrap();
        assert_eq!(suppression.by, "polaris");
        assert_eq!(
            suppression.reason,
            "polaris.fairwinds.com/hostPathSet-exempt (no reason given)"
        );
        // kubecheck's own annotation, expired, decides for the object it names the rule on.
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, ["m [kubecheck.io/ignore expired on 2000-01-01]"]);
        // Not a `sensitive-host-path` finding alone.
        let alone = raw("sensitive-host-path", 0, "/spec/volumes/0");
        let report = session.report(vec![alone], &builtin_rules(), Vec::new());
        assert_eq!(report.findings.len(), 1);
        options.suppressions.ignore_foreign = true;
        let session = Session::new(&input, &options);
        let report = session.report(vec![folded(0)], &builtin_rules(), Vec::new());
        assert!(report.suppressed.is_empty());
    }

    #[test]
    fn sources_of_one_context_are_grouped_and_cross_object_findings_name_it() {
        let pod = |name: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: shop}}\nspec:\n  containers: [{{name: c, image: nginx:1.27}}]\n")
        };
        let input = Input::parse(vec![
            Source::new("a1.yaml", pod("a1")).in_context("a"),
            Source::new("b1.yaml", pod("b1")).in_context("b"),
            Source::new("a2.yaml", pod("a2")).in_context("a"),
        ]);
        let names: Vec<&str> = input.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a1.yaml", "a2.yaml", "b1.yaml"]);
        assert_eq!(input.context_count(), 2);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let groups: Vec<Vec<&str>> = crate::rules::contexts(&input, &session.objects)
            .map(|objects| objects.iter().filter_map(|o| o.name()).collect())
            .collect();
        assert_eq!(groups, [vec!["a1", "a2"], vec!["b1"]]);
        let report = session.report(session.run_builtin(), &builtin_rules(), Vec::new());
        let cross = report
            .findings
            .iter()
            .find(|f| {
                f.rule == "missing-resource-limits" && f.resource.name.as_deref() == Some("b1")
            })
            .expect("a cross-object finding on b1");
        assert_eq!(cross.context.as_deref(), Some("b"));
        let single = report
            .findings
            .iter()
            .find(|f| f.rule == "writable-root-filesystem")
            .expect("a one-object finding");
        assert_eq!(single.context, None);
    }
}
