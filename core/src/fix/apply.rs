//! Positions in a source text and applying text edits: the one implementation the
//! command line (`kubecheck fix`) and the web page use.

use crate::report::Edit;
use crate::yaml::lines::line_break_ends;
use crate::yaml::Pos;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// An edit points outside the text: it was made for another version of it.
    OutOfRange,
    /// Two edits change the same text.
    Overlapping,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EditError::OutOfRange => "an edit points outside the text",
            EditError::Overlapping => "two edits change the same text",
        })
    }
}

impl std::error::Error for EditError {}

/// Line starts of a text, built once, to turn positions (1-based lines and columns in
/// Unicode scalar values, lines broken as the parser breaks them: CR LF, CR or LF) into
/// byte offsets and back. Each conversion costs a binary search and a walk of at most
/// [`MARK_EVERY`] bytes, whatever the line's length: one finding per object on a
/// single-line JSON list would otherwise rescan the line per finding (quadratic).
pub struct TextIndex<'a> {
    pub text: &'a str,
    starts: LineStarts,
    /// `(byte offset, characters before it)`, about every [`MARK_EVERY`] bytes.
    marks: Vec<(usize, usize)>,
}

/// Bytes between two character-count marks.
const MARK_EVERY: usize = 1024;

/// Columns [`TextIndex::char_at`] walks to from the line's start.
const NEAR_LINE_START: usize = 64;

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = LineStarts::new(text);
        // A mark at the first character at least MARK_EVERY bytes past the last one.
        // The characters between two marks are counted a block at a time (a loop the
        // compiler vectorises): byte by byte, this was most of the time of learning a
        // large source.
        let bytes = text.as_bytes();
        let starts_char = |byte: u8| byte & 0xC0 != 0x80;
        let mut marks = vec![(0, 0)];
        let (mut chars, mut last) = (0, 0);
        loop {
            let mut at = last + MARK_EVERY;
            while at < bytes.len() && !starts_char(bytes[at]) {
                at += 1;
            }
            if at >= bytes.len() {
                break;
            }
            chars += bytes[last..at].iter().filter(|&&b| starts_char(b)).count();
            marks.push((at, chars));
            last = at;
        }
        TextIndex {
            text,
            starts,
            marks,
        }
    }

    /// Characters before byte `offset` (on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let (at, chars) = self.marks[self.marks.partition_point(|&(at, _)| at <= offset) - 1];
        chars + self.text[at..offset].chars().count()
    }

    /// The byte offset of character number `n` (0-based) of the text, or the text's end.
    fn char_offset(&self, n: usize) -> usize {
        let (at, chars) = self.marks[self.marks.partition_point(|&(_, c)| c <= n) - 1];
        self.text[at..]
            .char_indices()
            .nth(n - chars)
            .map_or(self.text.len(), |(i, _)| at + i)
    }

    /// The byte offset of a position. A column past the end of its line clamps to the
    /// line's end (before its line break); a line past the end is `None`.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let line = pos.line.checked_sub(1)? as usize;
        let start = self.starts.get(line)?;
        let wanted = pos.column.saturating_sub(1) as usize;
        let at = self.char_offset(self.chars_before(start) + wanted);
        Some(at.min(self.line_end(start)))
    }

    /// The character at a position: `None` at or past the end of its line. A position
    /// near its line's start (most are) is walked to from there, which costs less than
    /// [`TextIndex::offset`]'s mark lookups; a long line's far columns take those.
    pub fn char_at(&self, pos: Pos) -> Option<char> {
        let line = pos.line.checked_sub(1)? as usize;
        let start = self.starts.get(line)?;
        let wanted = pos.column.checked_sub(1)? as usize;
        let (at, skip) = match wanted < NEAR_LINE_START {
            true => (start, wanted),
            false => (self.offset(pos)?, 0),
        };
        self.text[at..]
            .chars()
            .take_while(|&c| c != '\n' && c != '\r')
            .nth(skip)
    }

    /// The position of a byte offset (on a character boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.after(offset) - 1;
        let column = self.chars_before(offset) - self.chars_before(self.starts.at(line)) + 1;
        Pos {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    /// The offset of the line break ending the line that holds `offset` (or the text's end).
    pub fn line_end(&self, offset: usize) -> usize {
        match self.starts.get(self.starts.after(offset)) {
            Some(next) if self.text[..next].ends_with("\r\n") => (next - 2).max(offset),
            Some(next) => next - 1,
            None => self.text.len(),
        }
    }

    /// The offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.starts.at(self.starts.after(offset) - 1)
    }

    /// The offset just past the line break after `offset` (the text's end on the last line).
    pub fn next_line(&self, offset: usize) -> usize {
        self.starts
            .get(self.starts.after(offset))
            .unwrap_or(self.text.len())
    }

    /// The text's own line break: CR LF, CR or LF, as its first line break is.
    pub fn eol(&self) -> &'static str {
        match self.starts.get(1) {
            Some(at) if self.text[..at].ends_with("\r\n") => "\r\n",
            Some(at) if self.text[..at].ends_with('\r') => "\r",
            _ => "\n",
        }
    }
}

/// Where each line of a text starts, in 32 bits where the text fits: an offset per line
/// is 3.4 MB for the 20 MB generated cluster's 857,700 lines (8.4 MB as `usize`s in a
/// vector grown by doubling), held while its findings are reported. Every line, not one
/// in 16: finding the end of a line from a sparse mark scans the line, and one finding per
/// object on a single-line JSON list then rescans the whole text per finding.
enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    fn new(text: &str) -> Self {
        let starts = || std::iter::once(0).chain(line_break_ends(text));
        let count = starts().count();
        match u32::try_from(text.len()) {
            Ok(_) => {
                let mut narrow = Vec::with_capacity(count);
                narrow.extend(starts().map(|s| s as u32));
                LineStarts::Narrow(narrow)
            }
            Err(_) => LineStarts::Wide(starts().collect()),
        }
    }

    /// Where line `index` (0-based) starts.
    fn get(&self, index: usize) -> Option<usize> {
        match self {
            LineStarts::Narrow(starts) => starts.get(index).map(|&s| s as usize),
            LineStarts::Wide(starts) => starts.get(index).copied(),
        }
    }

    /// Where line `index` starts; the index must be a line's.
    fn at(&self, index: usize) -> usize {
        self.get(index).expect("a line of the text")
    }

    /// How many lines start at or before `offset` (at least one: the first).
    fn after(&self, offset: usize) -> usize {
        match self {
            LineStarts::Narrow(starts) => starts.partition_point(|&s| s as usize <= offset),
            LineStarts::Wide(starts) => starts.partition_point(|&s| s <= offset),
        }
    }
}

/// Applies `edits` to `text` at once: every position refers to `text` before any edit.
/// Edits that insert at the same place go in the order given; overlapping edits and
/// positions outside the text are errors, and then nothing is applied.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let index = TextIndex::new(text);
    let mut ranges = edits
        .iter()
        .map(|e| {
            let start = index
                .offset(Pos {
                    line: e.line,
                    column: e.column,
                })
                .ok_or(EditError::OutOfRange)?;
            let end = index
                .offset(Pos {
                    line: e.end_line,
                    column: e.end_column,
                })
                .ok_or(EditError::OutOfRange)?;
            if end < start {
                return Err(EditError::OutOfRange);
            }
            Ok((start, end, e.text.as_str()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Stable: inserts at one place keep their order.
    ranges.sort_by_key(|&(start, end, _)| (start, end));
    if ranges.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(EditError::Overlapping);
    }
    let mut out = String::with_capacity(text.len() + edits.len() * 32);
    let mut at = 0;
    for (start, end, replacement) in ranges {
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Near a line's start and far along a long line, with multi-byte characters and
    /// each kind of line break, `char_at` finds the character `offset` finds.
    #[test]
    fn char_at_agrees_with_offset() {
        let long: String = (0..300)
            .map(|i| if i % 7 == 0 { 'é' } else { 'x' })
            .collect();
        let text = format!("a: [1]\r\nü: {{b: 2}}\r{long}[\nend");
        let index = TextIndex::new(&text);
        for (line, chars) in [(1, 6), (2, 9), (3, 301), (4, 3)] {
            for column in 1..=chars + 2 {
                let pos = Pos { line, column };
                let expected = index
                    .offset(pos)
                    .and_then(|at| text[at..].chars().next())
                    .filter(|c| *c != '\r' && *c != '\n');
                assert_eq!(index.char_at(pos), expected, "{line}:{column}");
            }
        }
        assert_eq!(
            index.char_at(Pos {
                line: 3,
                column: 301
            }),
            Some('[')
        );
        assert_eq!(index.char_at(Pos { line: 5, column: 1 }), None);
    }

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
    fn applies_edits_from_the_original_positions_in_scalar_values() {
        let text = "a: é\nprivileged: true\r\nrunAsNonRoot: false\n";
        let out = apply(
            text,
            &[edit(3, 15, 3, 20, "true"), edit(2, 13, 2, 17, "false")],
        )
        .unwrap();
        assert_eq!(out, "a: é\nprivileged: false\r\nrunAsNonRoot: true\n");
        let inserts = apply(
            "a: 1\n",
            &[edit(1, 5, 1, 5, "\nb: 2"), edit(1, 5, 1, 5, "\nc: 3")],
        );
        assert_eq!(inserts.unwrap(), "a: 1\nb: 2\nc: 3\n", "in the order given");
        assert_eq!(apply("a: é\n", &[edit(1, 4, 1, 5, "e")]).unwrap(), "a: e\n");
    }

    #[test]
    fn refuses_overlaps_and_stale_positions() {
        let overlapping = [edit(1, 1, 1, 5, "x"), edit(1, 3, 1, 6, "y")];
        assert_eq!(apply("abcdefg", &overlapping), Err(EditError::Overlapping));
        assert_eq!(
            apply("abc", &[edit(3, 1, 3, 2, "x")]),
            Err(EditError::OutOfRange)
        );
        assert_eq!(
            apply("abc", &[edit(1, 3, 1, 2, "x")]),
            Err(EditError::OutOfRange)
        );
    }

    #[test]
    fn index_maps_offsets_and_line_breaks_both_ways() {
        let index = TextIndex::new("a\r\nbé\rc\n");
        assert_eq!(index.eol(), "\r\n");
        let c = index.offset(Pos { line: 3, column: 1 }).unwrap();
        assert_eq!(&index.text[c..c + 1], "c");
        assert_eq!(index.pos(c), Pos { line: 3, column: 1 });
        let b = index.offset(Pos { line: 2, column: 9 }).unwrap();
        assert_eq!(b, index.line_end(b), "clamped before the line break");
        assert_eq!(index.line_start(b), 3);
        assert_eq!(index.next_line(3), c);
    }

    #[test]
    fn index_agrees_with_a_plain_scan_on_long_lines_of_wide_characters() {
        let line = "aé✓😀".repeat(700); // 2,100 bytes per repeat 7: crosses many marks
        let text = format!("{line}\r\n{line}\rx\n{line}");
        let index = TextIndex::new(&text);
        let lines: Vec<&str> = text.split(['\r', '\n']).filter(|l| !l.is_empty()).collect();
        for (number, expected) in lines.iter().enumerate() {
            let start = index
                .offset(Pos {
                    line: number as u32 + 1,
                    column: 1,
                })
                .unwrap();
            for (column, (at, _)) in expected.char_indices().enumerate() {
                let pos = Pos {
                    line: number as u32 + 1,
                    column: column as u32 + 1,
                };
                assert_eq!(index.offset(pos), Some(start + at), "{pos:?}");
                assert_eq!(index.pos(start + at), pos);
            }
            let end = start + expected.len();
            assert_eq!(index.line_end(start), end);
            let past = Pos {
                line: number as u32 + 1,
                column: 1_000_000,
            };
            assert_eq!(index.offset(past), Some(end), "clamped to the line's end");
        }
    }
}

/// The compact line starts give what an offset per line in a `Vec<usize>` gave.
#[cfg(test)]
mod line_starts_tests {
    use super::*;

    #[test]
    fn line_starts_and_ends_agree_with_an_offset_per_line() {
        let long: String = (0..40)
            .map(|i| format!("k{i}: é{}", ["\n", "\r\n", "\r"][i % 3]))
            .collect();
        let texts = [
            "spec:\n  replicas: 10 # ten\n  # paused?\n  paused: false\n",
            "a\r\nb\rc\n\nd",
            "",
            "\n",
            "x",
            &long,
        ];
        for text in texts {
            let mut starts = vec![0];
            starts.extend(line_break_ends(text));
            let index = TextIndex::new(text);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let after = starts.partition_point(|&s| s <= offset);
                let next = starts.get(after).copied();
                let end = match next {
                    Some(next) if text[..next].ends_with("\r\n") => (next - 2).max(offset),
                    Some(next) => next - 1,
                    None => text.len(),
                };
                let expected = (starts[after - 1], next.unwrap_or(text.len()), end);
                let found = (
                    index.line_start(offset),
                    index.next_line(offset),
                    index.line_end(offset),
                );
                assert_eq!(found, expected, "{text:?} at {offset}");
                assert_eq!(
                    index.pos(offset).line as usize,
                    after,
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
