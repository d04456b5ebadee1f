//! Line breaks as YAML 1.2 defines them (§5.4, `b-break`): CR LF, a lone CR, or LF. The
//! parser counts lines this way, so every other place that maps a line number back to
//! text (the parser's own line index, the text output's snippets) splits the same way:
//! a bare CR splitting here but not there would show the wrong line under a finding.

/// Byte offset of the start of every line after the first: just past each line break.
pub fn line_break_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let found = at + memchr::memchr2(b'\r', b'\n', &text.as_bytes()[at..])?;
        let crlf =
            text.as_bytes()[found] == b'\r' && text.as_bytes().get(found + 1) == Some(&b'\n');
        at = found + if crlf { 2 } else { 1 };
        Some(at)
    })
}

/// The lines of `text`, each with its line break, like `str::split_inclusive('\n')` but
/// also at a lone CR.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    let mut ends = line_break_ends(text).chain(std::iter::once(text.len()));
    std::iter::from_fn(move || {
        let end = ends.next()?;
        if start == end {
            return None; // the final line break ends the text: no empty line after it
        }
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// Lines between two marks of a [`LineMarks`].
const LINES_PER_MARK: usize = 16;

/// Where every [`LINES_PER_MARK`]th line of a text starts: a line is found by scanning
/// at most that many lines from its mark. One offset per line was 8 MB for 15 MB of
/// short lines, held while the report is written.
#[derive(Debug)]
pub struct LineMarks(Vec<usize>);

impl LineMarks {
    pub fn new(text: &str) -> Self {
        LineMarks(
            std::iter::once(0)
                .chain(line_break_ends(text))
                .step_by(LINES_PER_MARK)
                .collect(),
        )
    }

    /// Where line `line` (1-based) of `text`, the text the marks were made of, starts and
    /// ends, its line break included. After a final line break the next line is empty.
    pub fn line_range(&self, text: &str, line: u32) -> Option<std::ops::Range<usize>> {
        let index = line.checked_sub(1)? as usize;
        let mark = *self.0.get(index / LINES_PER_MARK)?;
        let mut breaks = line_break_ends(&text[mark..]).map(|end| mark + end);
        let start = match index % LINES_PER_MARK {
            0 => mark,
            after => breaks.nth(after - 1)?,
        };
        Some(start..breaks.next().unwrap_or(text.len()))
    }
}

/// `line` without its line break.
pub fn strip_line_break(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_lf_and_crlf_each_end_one_line() {
        let text = "a\nb\r\nc\rd\r\re";
        assert_eq!(line_break_ends(text).collect::<Vec<_>>(), [2, 5, 7, 9, 10]);
        assert_eq!(
            lines_inclusive(text).collect::<Vec<_>>(),
            ["a\n", "b\r\n", "c\r", "d\r", "\r", "e"]
        );
        assert_eq!(lines_inclusive("x\r").collect::<Vec<_>>(), ["x\r"]);
        assert_eq!(lines_inclusive("").count(), 0);
        assert_eq!(strip_line_break("b\r\n"), "b");
        assert_eq!(strip_line_break("c\r"), "c");
    }

    /// Lines found from the marks are the lines `lines_inclusive` splits, before, at and
    /// after every mark, with CR LF and lone CR breaks, with and without a final break.
    #[test]
    fn every_line_is_found_from_its_mark() {
        let mut text = String::new();
        for i in 0..(3 * LINES_PER_MARK + 5) {
            text.push_str(&format!("line {i}"));
            text.push_str(["\n", "\r\n", "\r"][i % 3]);
        }
        for text in [text.clone(), format!("{text}last"), String::new()] {
            let marks = LineMarks::new(&text);
            let mut expected: Vec<&str> = lines_inclusive(&text).collect();
            // After a final break, the line numbered next is empty, as the parser counts.
            if text.is_empty() || text.ends_with(['\n', '\r']) {
                expected.push("");
            }
            for (i, line) in expected.iter().enumerate() {
                let range = marks.line_range(&text, i as u32 + 1);
                assert_eq!(range.map(|r| &text[r]), Some(*line), "line {}", i + 1);
            }
            assert_eq!(marks.line_range(&text, expected.len() as u32 + 1), None);
            assert_eq!(marks.line_range(&text, 0), None);
        }
    }

    #[test]
    fn splits_as_str_lines_does_where_there_is_no_lone_cr() {
        for text in ["one\r\ntwo\n\nfour\n", "x", "\n\n", "a\r\nb"] {
            let ours: Vec<&str> = lines_inclusive(text).map(strip_line_break).collect();
            assert_eq!(ours, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}
