//! `--format github`: GitHub Actions workflow commands, so each finding shows as an
//! annotation on its line of the pull request
//! (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
//! Critical and high findings are `error`s, medium `warning`s, low and info `notice`s.

use std::io::{self, Write};

use super::escape;
use super::identity::resource_name;
use crate::report::{Finding, Report};
use crate::severity::Severity;

pub fn write_github(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for f in &report.findings {
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let title = format!("kubecheck {} ({})", f.rule, f.severity.as_str());
        writeln!(
            out,
            "::{level} {}::{}",
            properties(f, &title),
            data(&message(f))
        )?;
    }
    for e in &report.errors {
        let line = if e.line == 0 {
            String::new()
        } else {
            format!(",line={},col={}", e.line, e.column)
        };
        writeln!(
            out,
            "::error file={}{line},title={}::{}",
            property(&e.source),
            property("kubecheck: input not checked"),
            data(&e.message)
        )?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "kubecheck: {} findings ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {} errors",
        s.findings, s.critical, s.high, s.medium, s.low, s.info, s.suppressed, s.errors
    )
}

fn properties(f: &Finding, title: &str) -> String {
    let at = &f.location;
    format!(
        "file={},line={},col={},endLine={},endColumn={},title={}",
        property(&at.source),
        at.line,
        at.column,
        at.end_line,
        at.end_column,
        property(title)
    )
}

fn message(f: &Finding) -> String {
    format!(
        "{} ({}, {})\nFix: {}",
        f.message,
        resource_name(f),
        f.location.path,
        f.remediation
    )
}

/// A command's message: log-safe first (no control or bidi character survives), then
/// the workflow-command escapes, so nothing in it can end the command or start another.
fn data(text: &str) -> String {
    // Our own line breaks become `%0A` (shown as breaks); any in the input were already
    // made visible escapes by `escape`.
    text.split('\n')
        .map(|line| escape(line).replace('%', "%25").replace('\r', "%0D"))
        .collect::<Vec<_>>()
        .join("%0A")
}

/// A property value: as [`data`], and `:` and `,` escaped, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
