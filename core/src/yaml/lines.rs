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

    #[test]
    fn splits_as_str_lines_does_where_there_is_no_lone_cr() {
        for text in ["one\r\ntwo\n\nfour\n", "x", "\n\n", "a\r\nb"] {
            let ours: Vec<&str> = lines_inclusive(text).map(strip_line_break).collect();
            assert_eq!(ours, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}
