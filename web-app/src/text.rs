//! Positions in the editor's text and fix application (the edits themselves are applied
//! by the core's `fix::apply`).
//!
//! Reports count columns in Unicode scalar values (1-based, end exclusive); Rust strings
//! index bytes and the browser's `<textarea>` indexes UTF-16 code units, so each
//! consumer converts here.

use kubecheck_core::report::{Edit, Finding};

/// The byte offset of 1-based `line`/`column` (in scalar values) in `text`. A column past
/// the end of its line clamps to the line's end, so a position on a line that was since
/// shortened still lands on that line.
pub fn byte_offset(text: &str, line: u32, column: u32) -> Option<usize> {
    let start = line_start(text, line)?;
    let rest = &text[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let wanted = column.saturating_sub(1) as usize;
    let within = line_text
        .char_indices()
        .nth(wanted)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return None;
    }
    if line == 1 {
        return Some(0);
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map(|(i, _)| i + 1)
}

/// The UTF-16 offset (what `textarea.setSelectionRange` takes) of a 1-based position.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> Option<u32> {
    let byte = byte_offset(text, line, column)?;
    Some(text[..byte].encode_utf16().count() as u32)
}

/// The number of lines the editor shows for `text`.
pub fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

pub use kubecheck_core::fix::EditError;

/// Applies `edits` (positions refer to `text` before any of them) all at once, with the
/// core's implementation, which `kubecheck fix` uses too.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    kubecheck_core::fix::apply(text, edits)
}

/// The edits of every finding's fix that can be applied together: a fix is taken whole or
/// not at all, and one that overlaps a fix already taken (or inserts at the same place)
/// waits for the next round, after the text is re-checked.
pub fn all_fix_edits(findings: &[Finding]) -> Vec<Edit> {
    let mut taken: Vec<Edit> = Vec::new();
    for fix in findings.iter().filter_map(|f| f.fix.as_ref()) {
        if fix.edits.is_empty() {
            continue;
        }
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| edits_touch(e, t)));
        if !clashes {
            taken.extend(fix.edits.iter().cloned());
        }
    }
    taken
}

/// Whether two edits cannot be applied together unambiguously: they change the same
/// text, both insert at one place (their order would be a guess), or one inserts inside
/// the text the other replaces. A replacement and an insertion where it ends (or starts)
/// are adjacent, not clashing: the core applies them in one well-defined order.
fn edits_touch(a: &Edit, b: &Edit) -> bool {
    let (a_start, a_end) = ((a.line, a.column), (a.end_line, a.end_column));
    let (b_start, b_end) = ((b.line, b.column), (b.end_line, b.end_column));
    match (a_start == a_end, b_start == b_end) {
        (true, true) => a_start == b_start,
        (true, false) => b_start < a_start && a_start < b_end,
        (false, true) => a_start < b_start && b_start < a_end,
        (false, false) => a_start < b_end && b_start < a_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(line: u32, column: u32, end_line: u32, end_column: u32, text: &str) -> Edit {
        Edit {
            line,
            column,
            end_line,
            end_column,
            text: text.into(),
        }
    }

    #[test]
    fn offsets_count_scalar_values_and_utf16_units() {
        let text = "a: é\nb: 😀x\n";
        assert_eq!(byte_offset(text, 2, 5), Some(text.find('x').unwrap()));
        assert_eq!(utf16_offset(text, 2, 5), Some(5 + 3 + 2));
        assert_eq!(
            utf16_offset(text, 1, 99),
            Some(4),
            "clamped to the line end"
        );
        assert_eq!(byte_offset(text, 9, 1), None);
        assert_eq!(byte_offset(text, 0, 1), None);
    }

    #[test]
    fn applies_edits_from_the_original_positions() {
        let text = "privileged: true\nrunAsNonRoot: false\n";
        let out = apply_edits(
            text,
            &[edit(2, 15, 2, 20, "true"), edit(1, 13, 1, 17, "false")],
        )
        .unwrap();
        assert_eq!(out, "privileged: false\nrunAsNonRoot: true\n");
        let insert = apply_edits("a:\n  b: 1\n", &[edit(2, 3, 2, 3, "c: 2\n  ")]).unwrap();
        assert_eq!(insert, "a:\n  c: 2\n  b: 1\n");
    }

    #[test]
    fn refuses_overlaps_and_stale_positions() {
        let overlapping = [edit(1, 1, 1, 5, "x"), edit(1, 3, 1, 6, "y")];
        assert_eq!(
            apply_edits("abcdefg", &overlapping),
            Err(EditError::Overlapping)
        );
        assert_eq!(
            apply_edits("abc", &[edit(3, 1, 3, 2, "x")]),
            Err(EditError::OutOfRange)
        );
    }

    #[test]
    fn apply_all_takes_each_fix_whole_and_skips_clashes() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      privileged: true\n";
        // The rules with fixes on this pod. Folding reports one finding per cause, so the
        // rules a privileged container subsumes (escalation, capabilities) would come back
        // once it is fixed; they are left out to keep the count meaningful.
        let options = kubecheck_core::Options {
            only: [
                "privileged-container",
                "automount-service-account-token",
                "run-as-root",
                "seccomp-not-enforced",
                "writable-root-filesystem",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        };
        let report =
            kubecheck_core::check(vec![kubecheck_core::Source::new("m.yaml", text)], &options);
        assert_eq!(report.findings.len(), 5, "{:?}", report.findings);
        let once = all_fix_edits(&report.findings);
        assert!(!once.is_empty(), "the privileged container has a fix");
        // The fixes that insert where another inserts wait for the next round.
        let inserts_at_one_place = |edits: &[Edit]| {
            edits.iter().enumerate().any(|(i, a)| {
                edits[i + 1..].iter().any(|b| {
                    (a.line, a.column) == (a.end_line, a.end_column)
                        && (a.line, a.column, a.end_line, a.end_column)
                            == (b.line, b.column, b.end_line, b.end_column)
                })
            })
        };
        assert!(!inserts_at_one_place(&once), "{once:?}");
        assert!(
            once.len() < report.findings.len(),
            "clashing fixes are skipped"
        );
        let mut doubled = report.findings.clone();
        doubled.extend(report.findings.iter().cloned());
        assert_eq!(all_fix_edits(&doubled), once, "a fix is taken once");
        let fixed = apply_edits(text, &once).unwrap();
        assert!(fixed.contains("privileged: false"));
        let after =
            kubecheck_core::check(vec![kubecheck_core::Source::new("m.yaml", fixed)], &options);
        assert!(after.errors.is_empty(), "{:?}", after.errors);
        assert!(after.findings.len() < report.findings.len());
        assert!(!after
            .findings
            .iter()
            .any(|f| f.rule == "privileged-container"));
    }

    #[test]
    fn adjacent_edits_do_not_clash_but_shared_insert_points_and_overlaps_do() {
        let replace = edit(10, 19, 10, 23, "false");
        assert!(!edits_touch(&replace, &edit(10, 23, 10, 23, "\n  a: 1")));
        assert!(!edits_touch(&edit(10, 19, 10, 19, "x"), &replace));
        assert!(!edits_touch(&replace, &edit(10, 23, 10, 25, "y")));
        assert!(edits_touch(
            &edit(10, 23, 10, 23, "a"),
            &edit(10, 23, 10, 23, "b")
        ));
        assert!(edits_touch(&edit(10, 21, 10, 21, "x"), &replace));
        assert!(edits_touch(&replace, &edit(10, 22, 10, 25, "y")));
    }
}
