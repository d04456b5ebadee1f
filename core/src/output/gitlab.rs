//! `--format gitlab`: a GitLab Code Quality report
//! (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format), which
//! merge requests show as new or fixed issues. Severities map to GitLab's five: critical
//! → `blocker`, high → `critical`, medium → `major`, low → `minor`, info → `info`.

use std::collections::HashMap;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use super::identity::{fingerprint, resource_name};
use crate::report::{Finding, Report};
use crate::severity::Severity;

/// The report as GitLab's list of issues, written as it is serialised: no issue is built
/// before it is printed.
pub fn gitlab(report: &Report) -> GitLab<'_> {
    GitLab(report)
}

pub struct GitLab<'r>(&'r Report);

impl Serialize for GitLab<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // GitLab tells issues apart by fingerprint: two findings of one rule at one
        // pointer (two messages) get `-2`, `-3` in report order, which is stable.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut issues = serializer.serialize_seq(Some(self.0.findings.len()))?;
        for finding in &self.0.findings {
            let base = fingerprint(finding);
            let count = seen.entry(base.clone()).or_default();
            *count += 1;
            let fingerprint = match *count {
                1 => base,
                n => format!("{base}-{n}"),
            };
            issues.serialize_element(&Issue::of(finding, fingerprint))?;
        }
        issues.end()
    }
}

/// One issue, its members in the order the format has always printed them.
#[derive(Serialize)]
struct Issue<'f> {
    categories: [&'static str; 1],
    check_name: &'f str,
    description: String,
    fingerprint: String,
    location: IssueLocation<'f>,
    severity: &'static str,
}

#[derive(Serialize)]
struct IssueLocation<'f> {
    lines: Lines,
    path: &'f str,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

impl<'f> Issue<'f> {
    fn of(f: &'f Finding, fingerprint: String) -> Self {
        Issue {
            categories: ["Security"],
            check_name: &f.rule,
            description: format!("{}: {} ({})", f.rule, f.message, resource_name(f)),
            fingerprint,
            location: IssueLocation {
                lines: Lines {
                    begin: f.location.line,
                    end: f.location.end_line,
                },
                path: &f.location.source,
            },
            severity: match f.severity {
                Severity::Critical => "blocker",
                Severity::High => "critical",
                Severity::Medium => "major",
                Severity::Low => "minor",
                Severity::Info => "info",
            },
        }
    }
}
