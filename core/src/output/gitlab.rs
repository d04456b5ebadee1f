//! `--format gitlab`: a GitLab Code Quality report
//! (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format), which
//! merge requests show as new or fixed issues. Severities map to GitLab's five: critical
//! → `blocker`, high → `critical`, medium → `major`, low → `minor`, info → `info`.

use std::collections::HashMap;

use serde_json::{json, Value as Json};

use super::identity::{fingerprint, resource_name};
use crate::report::Report;
use crate::severity::Severity;

pub fn gitlab(report: &Report) -> Json {
    // GitLab tells issues apart by fingerprint: two findings of one rule at one pointer
    // (two messages) get `-2`, `-3` in report order, which is stable.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Json> = report
        .findings
        .iter()
        .map(|f| {
            let base = fingerprint(f);
            let count = seen.entry(base.clone()).or_default();
            *count += 1;
            let fingerprint = match *count {
                1 => base,
                n => format!("{base}-{n}"),
            };
            let severity = match f.severity {
                Severity::Critical => "blocker",
                Severity::High => "critical",
                Severity::Medium => "major",
                Severity::Low => "minor",
                Severity::Info => "info",
            };
            json!({
                "description": format!("{}: {} ({})", f.rule, f.message, resource_name(f)),
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": severity,
                "categories": ["Security"],
                "location": {
                    "path": f.location.source,
                    "lines": { "begin": f.location.line, "end": f.location.end_line },
                },
            })
        })
        .collect();
    Json::Array(issues)
}
