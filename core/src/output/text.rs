//! Human-readable findings, each with the source line under it:
//!
//! ```text
//! critical privileged-container: container `app` sets `privileged: true`
//!   --> deploy/web.yaml:31:13
//!    |
//! 31 |             privileged: true
//!    |                         ^^^^
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::io;
use std::rc::Rc;

use super::escape::{escape, push_escaped};
use crate::model::Source;
use crate::report::{Finding, Redaction, Report, ReportError};
use crate::severity::Severity;
use crate::yaml::lines::{strip_line_break, LineMarks};

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

/// [`write_text`] into a string.
pub fn text(report: &Report, sources: &[Source], color: bool) -> String {
    let mut out = Vec::new();
    write_text(&mut out, report, sources, color).expect("a Vec takes every write");
    String::from_utf8(out).expect("the text is built from strings")
}

/// Writes the report as text to `out`, one finding at a time: a report of a million
/// findings is never held as one string. `color` adds ANSI colours; the caller decides
/// (`--color`, terminal, `NO_COLOR`). Every string from the input (names, messages, file
/// names, source lines, plugin metadata) is escaped (see [`super::escape`]), and the
/// report's secrets are masked in snippets.
pub fn write_text(
    out: &mut impl io::Write,
    report: &Report,
    sources: &[Source],
    color: bool,
) -> io::Result<()> {
    let p = Palette { color };
    let lines = SourceLines::new(sources, &report.redactions);
    let mut buffer = String::new();
    for group in report.findings.chunk_by(same_object) {
        buffer.clear();
        // One rule's findings keep their snippets: that is a rule being reviewed.
        let several_rules = group.iter().any(|f| f.rule != group[0].rule);
        if group.len() >= OBJECT_SUMMARY_FROM && several_rules {
            render_object(&mut buffer, &p, group);
        } else {
            for finding in group {
                render_finding(&mut buffer, &p, finding, &lines);
            }
        }
        out.write_all(buffer.as_bytes())?;
    }
    for error in &report.errors {
        buffer.clear();
        render_error(&mut buffer, &p, error, &lines);
        out.write_all(buffer.as_bytes())?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} resources, {} findings ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {} errors",
        s.resources, s.findings, s.critical, s.high, s.medium, s.low, s.info, s.suppressed, s.errors
    )
}

/// From this many findings on one object (of more than one rule), the text gives the
/// object a summary line and lists its findings folded under it, worst first and without
/// source lines: a DaemonSet of thirty findings otherwise fills screens with the same
/// manifest.
pub const OBJECT_SUMMARY_FROM: usize = 8;

/// Findings of the same object: same document and resource (the report's order keeps
/// them together).
fn same_object(a: &Finding, b: &Finding) -> bool {
    a.location.source == b.location.source
        && a.location.document == b.location.document
        && a.resource == b.resource
}

/// `DaemonSet kube-system/calico-node: 31 findings (7 critical, 7 high, 16 medium, 1
/// low)`, then one line per finding, worst first.
fn render_object(out: &mut String, p: &Palette, findings: &[Finding]) {
    let first = &findings[0];
    let r = &first.resource;
    let name = match (&r.namespace, &r.name) {
        (Some(ns), Some(name)) => format!("{ns}/{name}"),
        (None, Some(name)) => name.clone(),
        _ => "(unnamed)".to_owned(),
    };
    let counts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .into_iter()
    .filter_map(|s| {
        let n = findings.iter().filter(|f| f.severity == s).count();
        (n > 0).then(|| format!("{n} {}", p.severity(s)))
    })
    .collect();
    let _ = writeln!(
        out,
        "{} {}: {} findings ({})",
        escape(&r.kind),
        p.paint("1", &escape(&name)),
        findings.len(),
        counts.join(", ")
    );
    let _ = writeln!(
        out,
        "  --> {}:{}:{}",
        escape(&first.location.source),
        first.location.line,
        first.location.column
    );
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in order {
        let _ = writeln!(
            out,
            "  {} {}: {} (line {})",
            p.severity(f.severity),
            p.paint("1", &escape(&f.rule)),
            escape(&f.message),
            f.location.line
        );
        render_related(out, "    ", f);
    }
    out.push('\n');
}

/// A finding's related places, the rules folded into it and the context it was judged
/// in, under it.
fn render_related(out: &mut String, indent: &str, f: &Finding) {
    for related in &f.related {
        let at = &related.location;
        let _ = writeln!(
            out,
            "{indent}= related: {}:{}:{}: {}",
            escape(&at.source),
            at.line,
            at.column,
            escape(&related.message)
        );
    }
    if !f.related_rules.is_empty() {
        let _ = writeln!(
            out,
            "{indent}= also reported by: {}",
            escape(&f.related_rules.join(", "))
        );
    }
    if let Some(context) = &f.context {
        let _ = writeln!(out, "{indent}= judged in context: {}", escape(context));
    }
}

fn render_error(out: &mut String, p: &Palette, error: &ReportError, lines: &SourceLines<'_>) {
    let origin = error
        .plugin
        .as_ref()
        .map(|name| format!(" (plugin `{}`)", escape(name)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{origin}: {}",
        p.paint("1;31", "error"),
        escape(&error.message)
    );
    let source = escape(&error.source);
    // Plugin failures have no place in a manifest (line 0): name the plugin file only.
    if error.line == 0 {
        let _ = writeln!(out, "  --> {source}");
    } else {
        let _ = writeln!(out, "  --> {source}:{}:{}", error.line, error.column);
    }
    if let Some(line) = lines.get(&error.source, error.line) {
        snippet(out, p, error.line, &line, error.column, error.column + 1);
    }
    out.push('\n');
}

fn render_finding(out: &mut String, p: &Palette, f: &Finding, lines: &SourceLines<'_>) {
    let loc = &f.location;
    // A built-in category is implied by the rule id; a plugin's own is named.
    let category = match &f.category {
        c if c.is_builtin() => String::new(),
        c => format!(" [{c}]"),
    };
    let _ = writeln!(
        out,
        "{} {}{category}: {}",
        p.severity(f.severity),
        p.paint("1", &escape(&f.rule)),
        escape(&f.message)
    );
    let _ = writeln!(
        out,
        "  --> {}:{}:{}",
        escape(&loc.source),
        loc.line,
        loc.column
    );
    if let Some(line) = lines.get(&loc.source, loc.line) {
        let end = if loc.end_line == loc.line {
            loc.end_column
        } else {
            line.chars.len() as u32 + 1
        };
        snippet(out, p, loc.line, &line, loc.column, end);
    }
    // The `=` sits under the snippet's `|`, whose column depends on the line number's width.
    let gutter = " ".repeat(loc.line.to_string().len());
    render_related(out, &format!("{gutter} "), f);
    let _ = writeln!(out, "{gutter} = fix: {}", escape(&f.remediation));
    if let Some(fix) = f.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
        let _ = writeln!(
            out,
            "{gutter} = automatic fix ({}): {}",
            fix.applicability,
            escape(&fix.description)
        );
    }
    out.push('\n');
}

/// Where the lines of each source start, indexed once: scanning the text for every
/// finding made the output quadratic in the input (minutes for a few megabytes). Lines
/// end where the YAML parser counts a line break (CR LF, CR or LF), so a location's line
/// is the line shown.
struct SourceLines<'s> {
    by_name: HashMap<&'s str, (&'s str, LineMarks)>,
    /// Secret spans per source, sorted by start; they do not overlap.
    secrets: HashMap<&'s str, Vec<&'s Redaction>>,
    last: RefCell<Option<LastLine>>,
}

/// The characters of the line shown last: source name, line number, characters.
type LastLine = ((String, u32), Rc<[char]>);

/// A source line as shown: its characters, and the columns to mask with what.
struct ShownLine<'s> {
    chars: Rc<[char]>,
    /// 0-based `[start, end)` character ranges, each with the text that replaces it.
    masks: Vec<(usize, usize, &'s str)>,
}

impl<'s> SourceLines<'s> {
    fn new(sources: &'s [Source], redactions: &'s [Redaction]) -> Self {
        let mut by_name = HashMap::new();
        for source in sources {
            by_name
                .entry(source.name.as_str())
                .or_insert_with(|| (source.text.as_str(), LineMarks::new(&source.text)));
        }
        let mut secrets: HashMap<&str, Vec<&Redaction>> = HashMap::new();
        for r in redactions {
            secrets
                .entry(r.location.source.as_str())
                .or_default()
                .push(r);
        }
        for spans in secrets.values_mut() {
            spans.sort_by_key(|r| (r.location.line, r.location.column));
        }
        SourceLines {
            by_name,
            secrets,
            last: RefCell::new(None),
        }
    }

    /// Line `line` (1-based) of source `name`, without its line break.
    fn text(&self, name: &str, line: u32) -> Option<&'s str> {
        let (text, marks) = self.by_name.get(name)?;
        let range = marks.line_range(text, line)?;
        if range.start == text.len() {
            return None; // after the final line break: `str::lines` has no such line
        }
        Some(strip_line_break(&text[range]))
    }

    /// Line `line` of source `name` with the secrets on it to mask.
    fn get(&self, name: &str, line: u32) -> Option<ShownLine<'s>> {
        let text = self.text(name, line)?;
        // Findings come sorted by line: the last line's characters serve the next finding
        // on it (a line of minified JSON holds thousands).
        let mut last = self.last.borrow_mut();
        let chars = match &*last {
            Some(((n, l), chars)) if n == name && *l == line => Rc::clone(chars),
            _ => {
                let chars: Rc<[char]> = text.chars().collect();
                *last = Some(((name.to_owned(), line), Rc::clone(&chars)));
                chars
            }
        };
        let mut masks = Vec::new();
        let spans = self.secrets.get(name).map_or(&[][..], Vec::as_slice);
        // Spans that start on an earlier line and reach this one: only the last such
        // span can, since spans do not overlap.
        let first = spans.partition_point(|r| r.location.line < line);
        let reaching = first.checked_sub(1).map(|i| spans[i]);
        let on_line = spans[first..]
            .iter()
            .take_while(|r| r.location.line == line);
        for r in reaching.into_iter().chain(on_line.copied()) {
            let loc = &r.location;
            if loc.end_line < line || (loc.end_line == line && loc.end_column <= 1) {
                continue;
            }
            let start = if loc.line == line {
                loc.column as usize - 1
            } else {
                // A continuation line of a multi-line secret: keep its indentation.
                chars.iter().take_while(|c| c.is_whitespace()).count()
            };
            let end = if loc.end_line == line {
                loc.end_column as usize - 1
            } else {
                chars.len()
            };
            let (start, end) = (start.min(chars.len()), end.min(chars.len()));
            if start < end {
                masks.push((start, end, r.masked.as_str()));
            }
        }
        Some(ShownLine { chars, masks })
    }
}

/// [`super::escape::is_ci_command`] on characters.
fn starts_ci_command(chars: &[char]) -> bool {
    let Some(rest) = chars.strip_prefix(&['#', '#'][..]) else {
        return false;
    };
    let name = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    rest.get(name) == Some(&'[')
}

/// Longest part of a source line shown; longer lines (minified JSON, very deep flow
/// collections) are cut to a window around the caret instead of printed whole.
const MAX_SHOWN: usize = 120;

/// The line with a caret run under columns `[start, end)`. Escapes and masks change
/// how wide a character is shown, so the caret is placed by the widths as shown.
fn snippet(
    out: &mut String,
    p: &Palette,
    line_no: u32,
    line: &ShownLine<'_>,
    start: u32,
    end: u32,
) {
    let gutter = line_no.to_string();
    let pad = " ".repeat(gutter.len());
    let len = line.chars.len();
    let caret = (start.saturating_sub(1) as usize).min(len);
    let from = if len > MAX_SHOWN {
        caret.saturating_sub(MAX_SHOWN / 3)
    } else {
        0
    };
    let to = (from + MAX_SHOWN).min(len);
    // What each shown character is shown as: itself, an escape, a mask (on the first
    // shown character of a secret), or nothing (the rest of a secret). Only the window
    // is built: a finding on a line of megabytes costs its window, not the line.
    let cells: Vec<String> = (from..to)
        .map(|i| {
            let c = line.chars[i];
            let mut cell = String::new();
            match line.masks.iter().find(|(s, e, _)| (*s..*e).contains(&i)) {
                Some((s, _, masked)) if *s == i || i == from => cell.push_str(&escape(masked)),
                Some(_) => {}
                None if c == '\t' => cell.push(' '),
                // `##[error]`, `##vso[…]`: see `escape`.
                None if c == '#' && starts_ci_command(&line.chars[i..]) => cell.push_str("\\u{23}"),
                None => push_escaped(&mut cell, c),
            }
            cell
        })
        .collect();
    let width = |cells: &[String]| cells.iter().map(|c| c.chars().count()).sum::<usize>();
    let before = if from > 0 { "…" } else { "" };
    let after = if to < len { "…" } else { "" };
    let shown: String = cells.concat();
    let caret_cell = caret.min(to) - from;
    let under_end = (end.saturating_sub(1) as usize).clamp(caret, to.max(caret)) - from;
    let run = width(&cells[caret_cell..under_end.max(caret_cell)]).max(1);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{gutter} | {before}{shown}{after}");
    let _ = writeln!(
        out,
        "{pad} | {}{}",
        " ".repeat(before.chars().count() + width(&cells[..caret_cell])),
        p.paint("1;31", &"^".repeat(run))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options};

    #[test]
    fn a_failed_write_stops_the_text_and_reaches_the_caller() {
        struct ClosedPipe(usize);
        impl io::Write for ClosedPipe {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                self.0 += 1;
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}, {name: b, image: y}]\n";
        let sources = vec![Source::new("pod.yaml", yaml)];
        let report = check(sources.clone(), &Options::default());
        assert!(report.findings.len() > 1);
        let mut pipe = ClosedPipe(0);
        let error = write_text(&mut pipe, &report, &sources, false).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(
            pipe.0, 1,
            "nothing is rendered after the first failed write"
        );
    }

    #[test]
    fn shows_the_line_and_a_caret_under_the_value() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext: {privileged: true}\n";
        let sources = vec![Source::new("pod.yaml", yaml)];
        let only = Options {
            only: vec!["privileged-container".into()],
            ..Options::default()
        };
        let report = check(sources.clone(), &only);
        let out = text(&report, &sources, false);
        let expected = "critical privileged-container: container `app` sets `privileged: true`\n  --> pod.yaml:8:35\n  |\n8 |     securityContext: {privileged: true}\n  |                                   ^^^^\n";
        assert!(out.contains(expected), "{out}");
        assert!(!out.contains('\x1b'));
        assert!(text(&report, &sources, true).contains('\x1b'));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let mut out = String::new();
        let line = shown(&format!(
            "{}privileged: true{}",
            "a".repeat(5000),
            "b".repeat(5000)
        ));
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
        let lines = SourceLines::new(&sources, &[]);
        let expected: Vec<&str> = sources[0].text.lines().collect();
        for (i, line) in expected.iter().enumerate() {
            assert_eq!(lines.text("a", i as u32 + 1), Some(*line));
        }
        assert_eq!(lines.text("a", 5), None);
        assert_eq!(lines.text("a", 0), None);
        assert_eq!(lines.text("b", 1), Some("x"));
        assert_eq!(lines.text("c", 1), None);
    }

    fn only(rule: &str) -> Options {
        let mut options = Options::default();
        options.only.push(rule.to_owned());
        options
    }

    fn shown(text: &str) -> ShownLine<'static> {
        ShownLine {
            chars: text.chars().collect(),
            masks: Vec::new(),
        }
    }

    #[test]
    fn a_secret_cut_by_the_window_shows_its_mask_and_nothing_of_itself() {
        let text = format!("{}{}{}", "a".repeat(10), "S".repeat(170), "b".repeat(100));
        let line = ShownLine {
            chars: text.chars().collect(),
            masks: vec![(10, 180, "m…[sha256:1]")],
        };
        let mut out = String::new();
        snippet(&mut out, &Palette { color: false }, 1, &line, 191, 192);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("1 | …m…[sha256:1]bbb"), "{out}");
        assert!(!lines[1].contains('S'), "{out}");
        let caret = lines[2].find('^').unwrap();
        // Columns, not bytes: the marker holds multi-byte characters.
        let under: String = lines[1].chars().skip(caret).take(11).collect();
        assert_eq!(under, "b".repeat(11), "{out}");
    }

    #[test]
    fn a_bare_cr_ends_a_line_as_the_parser_counts_it() {
        let yaml = "apiVersion: v1\rkind: Pod\rmetadata: {name: p}\rspec:\r  containers:\r  - name: app\r    image: nginx:1.27\r    securityContext:\r      privileged: true\r";
        let sources = vec![Source::new("cr.yaml", yaml)];
        let report = check(sources.clone(), &only("privileged-container"));
        let out = text(&report, &sources, false);
        let expected =
            "  --> cr.yaml:9:19\n  |\n9 |       privileged: true\n  |                   ^^^^\n";
        assert!(out.contains(expected), "{out}");
        let mixed = Source::new("m", "a\r\nb\rc\nd");
        let lines = SourceLines::new(std::slice::from_ref(&mixed), &[]);
        let got: Vec<_> = (1..=4).map(|n| lines.text("m", n).unwrap()).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
    }

    #[test]
    fn controls_and_bidi_from_the_input_are_escaped_with_the_caret_in_place() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"x\\e[31m\\r::error ::pwned\\u202e\"}\nspec:\n  containers:\n  - {name: \"a\\nb\", image: \"\\e]8;;\", securityContext: {privileged: true}}\n";
        let sources = vec![Source::new("evil\x1b[2J\n::error ::file.yaml", yaml)];
        let report = check(sources.clone(), &only("privileged-container"));
        let out = text(&report, &sources, false);
        assert!(
            !out.chars()
                .any(|c| c != '\n' && super::super::escape::is_unsafe(c)),
            "{out:?}"
        );
        assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
        assert!(out.contains("container `a\\nb` sets"), "{out}");
        assert!(
            out.contains("--> evil\\u{1b}[2J\\n::error ::file.yaml:6:"),
            "{out}"
        );
        // The snippet line holds raw controls: escaped, the caret still points at `true`.
        let lines: Vec<&str> = out.lines().collect();
        let at = lines.iter().position(|l| l.starts_with("6 |")).unwrap();
        let caret = lines[at + 1].find('^').unwrap();
        assert_eq!(&lines[at][caret..caret + 4], "true", "{out}");
    }

    #[test]
    fn an_object_with_many_findings_gets_a_summary_and_its_findings_worst_first() {
        let yaml = include_str!("../../tests/inputs/calico-node.yaml");
        let sources = vec![Source::new("calico.yaml", yaml)];
        // The Pod Security rules: other areas' findings on it would change the counts.
        let pod_security = Options {
            only: vec!["pod-security".into()],
            ..Options::default()
        };
        let report = check(sources.clone(), &pod_security);
        let out = text(&report, &sources, false);
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("DaemonSet kube-system/calico-node: 31 findings (7 critical, "),
            "{out}"
        );
        let severities: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("  -->") && !l.starts_with("   "))
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(severities.len(), 31, "{out}");
        assert_eq!(severities[0], "critical");
        assert_eq!(severities[30], "info");
        assert!(
            out.contains("    = also reported by: host-path-volume, non-restricted-volume-type\n")
        );
        // No snippets under the summary.
        assert!(!out.contains(" | "), "{out}");
    }

    #[test]
    fn secrets_are_masked_in_snippets_whatever_finding_shows_their_line() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env: [{name: DB_PASSWORD, value: s3cr3t-passw0rd}]\n    securityContext: {privileged: true, runAsUser: 0}\n";
        let sources = vec![Source::new("p.yaml", yaml)];
        // Fewer findings than a summary folds, so each shows its snippet.
        let options = Options {
            only: ["secrets-in-env", "privileged-container", "root-user-id"]
                .map(String::from)
                .to_vec(),
            ..Options::default()
        };
        let report = check(sources.clone(), &options);
        assert!(report.findings.len() < OBJECT_SUMMARY_FROM);
        let out = text(&report, &sources, false);
        assert!(!out.contains("s3cr3t"), "{out}");
        let masked = crate::redact::mask("s3cr3t-passw0rd");
        let expected = format!(
            "8 |     env: [{{name: DB_PASSWORD, value: {masked}}}]\n  | {}{}\n",
            " ".repeat(37),
            "^".repeat(masked.chars().count())
        );
        assert!(out.contains(&expected), "{out}");
    }
}
