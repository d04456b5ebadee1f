//! `--format junit`: a JUnit XML report, which most CI systems (Jenkins, GitLab, Azure
//! Pipelines, CircleCI) show as test results: one failed test case per finding, one
//! test case in error per input that could not be checked, and one passed test case when
//! there is neither, so a clean run shows as a pass rather than as no tests.

use std::io::{self, Write};

use super::escape;
use super::identity::resource_name;
use crate::report::Report;

pub fn write_junit(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let failures = report.findings.len();
    let errors = report.errors.len();
    let tests = (failures + errors).max(1);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kubecheck" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="kubecheck" tests="{tests}" failures="{failures}" errors="{errors}" skipped="0">"#
    )?;
    for f in &report.findings {
        let at = &f.location;
        let name = format!(
            "{}:{}:{} {}",
            at.source,
            at.line,
            at.column,
            resource_name(f)
        );
        let body = format!(
            "{} {}: {}\nat {}:{}:{} ({})\nfix: {}",
            f.severity.as_str(),
            f.rule,
            f.message,
            at.source,
            at.line,
            at.column,
            at.path,
            f.remediation
        );
        writeln!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}" line="{}">"#,
            xml(&f.rule),
            xml(&name),
            xml(&at.source),
            at.line
        )?;
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}</failure>"#,
            f.severity.as_str(),
            xml(&f.message),
            xml(&body)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for e in &report.errors {
        writeln!(
            out,
            r#"    <testcase classname="kubecheck.input" name="{}:{}:{}" file="{}">"#,
            xml(&e.source),
            e.line,
            e.column,
            xml(&e.source)
        )?;
        writeln!(
            out,
            r#"      <error type="input" message="{}">{}</error>"#,
            xml(&e.message),
            xml(&e.message)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    if failures + errors == 0 {
        writeln!(
            out,
            r#"    <testcase classname="kubecheck" name="{} resources checked, no findings"/>"#,
            report.summary.resources
        )?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Text for an XML attribute or element: log-safe (no control character, which XML 1.0
/// cannot hold anyway, and no bidi override), then the five XML escapes. Our own line
/// breaks stay.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("&#10;");
        }
        for c in escape(line).chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
        }
    }
    out
}
