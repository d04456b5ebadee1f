//! Human-readable findings, each with the source line under it:
//!
//! ```text
//! critical privileged-container: container `app` sets `privileged: true`
//!   --> deploy/web.yaml:31:13
//!    |
//! 31 |             privileged: true
//!    |                         ^^^^
//! ```

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::Source;
use crate::report::{Finding, Report};
use crate::severity::Severity;

struct Palette {
    color: bool,
}

impl Palette {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
            Severity::Info => "1;34",
        };
        self.paint(code, s.as_str())
    }
}

/// `color` adds ANSI colours; the caller decides (terminal, `NO_COLOR`).
pub fn text(report: &Report, sources: &[Source], color: bool) -> String {
    let p = Palette { color };
    let lines = SourceLines::new(sources);
    let mut out = String::new();
    for finding in &report.findings {
        render_finding(&mut out, &p, finding, &lines);
    }
    for error in &report.errors {
        let origin = error
            .plugin
            .as_ref()
            .map(|name| format!(" (plugin `{name}`)"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{origin}: {}",
            p.paint("1;31", "error"),
            error.message
        );
        // Plugin failures have no place in a manifest (line 0): name the plugin file only.
        if error.line == 0 {
            let _ = writeln!(out, "  --> {}", error.source);
        } else {
            let _ = writeln!(
                out,
                "  --> {}:{}:{}",
                error.source, error.line, error.column
            );
        }
        if let Some(line) = lines.get(&error.source, error.line) {
            snippet(
                &mut out,
                &p,
                error.line,
                line,
                error.column,
                error.column + 1,
            );
        }
        out.push('\n');
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} resources, {} findings ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {} errors",
        s.resources, s.findings, s.critical, s.high, s.medium, s.low, s.info, s.suppressed, s.errors
    );
    out
}

fn render_finding(out: &mut String, p: &Palette, f: &Finding, lines: &SourceLines<'_>) {
    let loc = &f.location;
    let _ = writeln!(
        out,
        "{} {}: {}",
        p.severity(f.severity),
        p.paint("1", &f.rule),
        f.message
    );
    let _ = writeln!(out, "  --> {}:{}:{}", loc.source, loc.line, loc.column);
    if let Some(line) = lines.get(&loc.source, loc.line) {
        let end = if loc.end_line == loc.line {
            loc.end_column
        } else {
            line.chars().count() as u32 + 1
        };
        snippet(out, p, loc.line, line, loc.column, end);
    }
    // The `=` sits under the snippet's `|`, whose column depends on the line number's width.
    let gutter = " ".repeat(loc.line.to_string().len());
    let _ = writeln!(out, "{gutter} = fix: {}", f.remediation);
    out.push('\n');
}

/// Where each line of each source starts, indexed once: scanning the text for every
/// finding made the output quadratic in the input (minutes for a few megabytes).
struct SourceLines<'s> {
    by_name: HashMap<&'s str, (&'s str, Vec<usize>)>,
}

impl<'s> SourceLines<'s> {
    fn new(sources: &'s [Source]) -> Self {
        let mut by_name = HashMap::new();
        for source in sources {
            by_name.entry(source.name.as_str()).or_insert_with(|| {
                let starts = std::iter::once(0)
                    .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                (source.text.as_str(), starts)
            });
        }
        SourceLines { by_name }
    }

    /// Line `line` (1-based) of source `name`, without its line break.
    fn get(&self, name: &str, line: u32) -> Option<&'s str> {
        let (text, starts) = self.by_name.get(name)?;
        let index = line.checked_sub(1)? as usize;
        let start = *starts.get(index)?;
        if start == text.len() {
            return None; // after the final line break: `str::lines` has no such line
        }
        let end = starts.get(index + 1).map_or(text.len(), |next| next - 1);
        let line = &text[start..end];
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// Longest part of a source line shown; longer lines (minified JSON, very deep flow
/// collections) are cut to a window around the caret instead of printed whole.
const MAX_SHOWN: usize = 120;

/// The line with a caret run under columns `[start, end)`.
fn snippet(out: &mut String, p: &Palette, line_no: u32, line: &str, start: u32, end: u32) {
    let gutter = line_no.to_string();
    let pad = " ".repeat(gutter.len());
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let caret = (start.saturating_sub(1) as usize).min(chars.len());
    let from = if chars.len() > MAX_SHOWN {
        caret.saturating_sub(MAX_SHOWN / 3)
    } else {
        0
    };
    let to = (from + MAX_SHOWN).min(chars.len());
    let before = if from > 0 { "…" } else { "" };
    let after = if to < chars.len() { "…" } else { "" };
    let shown: String = chars[from..to].iter().collect();
    let width = (end.saturating_sub(start).max(1) as usize).min((to - caret).max(1));
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{gutter} | {before}{shown}{after}");
    let _ = writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(before.chars().count() + caret - from),
        p.paint("1;31", &"^".repeat(width))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options};

    #[test]
    fn shows_the_line_and_a_caret_under_the_value() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {privileged: true}\n";
        let sources = vec![Source::new("pod.yaml", yaml)];
        let report = check(sources.clone(), &Options::default());
        let out = text(&report, &sources, false);
        let expected = "critical privileged-container: container `app` sets `privileged: true`\n  --> pod.yaml:8:35\n  |\n8 |     securityContext: {privileged: true}\n  |                                   ^^^^\n";
        assert!(out.contains(expected), "{out}");
        assert!(!out.contains('\x1b'));
        assert!(text(&report, &sources, true).contains('\x1b'));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let mut out = String::new();
        let line = format!("{}privileged: true{}", "a".repeat(5000), "b".repeat(5000));
        let palette = Palette { color: false };
        snippet(&mut out, &palette, 1, &line, 5013, 5017);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].chars().count() < MAX_SHOWN + 10, "{}", lines[1]);
        let caret = lines[2].find('^').unwrap();
        let under: String = lines[1].chars().skip(caret).take(4).collect();
        assert_eq!(under, "true");
        assert_eq!(lines[2].matches('^').count(), 4);
        // A caret past the end of the line (an error at the end of the input) stays put.
        let mut out = String::new();
        snippet(&mut out, &palette, 1, &line, 20_000, 20_001);
        assert!(out.lines().nth(2).unwrap().ends_with('^'));
    }

    #[test]
    fn lines_are_found_as_str_lines_finds_them() {
        let sources = [
            Source::new("a", "one\r\ntwo\n\nfour\n"),
            Source::new("b", "x"),
        ];
        let lines = SourceLines::new(&sources);
        let expected: Vec<&str> = sources[0].text.lines().collect();
        for (i, line) in expected.iter().enumerate() {
            assert_eq!(lines.get("a", i as u32 + 1), Some(*line));
        }
        assert_eq!(lines.get("a", 5), None);
        assert_eq!(lines.get("a", 0), None);
        assert_eq!(lines.get("b", 1), Some("x"));
        assert_eq!(lines.get("c", 1), None);
    }
}
