//! Untrusted text made safe for a terminal or a CI log. Manifests, file names and plugin
//! metadata reach human output; raw, their control characters could recolour or erase
//! what is shown (`ESC [`), rewrite a line (`CR`), or start a new one that a CI system
//! reads as its own command (`\n::error file=…::…` in GitHub Actions), and bidirectional
//! formatting characters could make text read differently from what it is (Trojan Source,
//! CVE-2021-42574). Every such character is written as a visible escape instead: `\n`,
//! `\r`, `\t`, `\u{1b}`, `\u{202e}`. Visible escapes rather than one replacement
//! character, so that the output says exactly what the input holds.
//!
//! CI systems also read commands that need no control character: GitHub Actions takes
//! `##[command]` anywhere in a line and `::command::` at the start of one (after
//! blanks); Azure Pipelines takes `##vso[…]` anywhere, TeamCity `##teamcity[…]`. So the
//! first `#` of `##name[` becomes `\u{23}`, and a `:` that would start a line's `::`
//! becomes `\u{3a}`.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal or a log as it is: C0 and C1 controls and DEL,
/// the Unicode line and paragraph separators, and the bidirectional formatting
/// characters (marks, embeddings, overrides and isolates).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every unsafe character written as a visible escape, and CI commands
/// defused; borrowed when there is nothing to escape, which is nearly always.
pub fn escape(text: &str) -> Cow<'_, str> {
    let starts_command = text.trim_start().starts_with("::");
    let has_command = || {
        text.match_indices("##")
            .any(|(i, _)| is_ci_command(&text[i..]))
    };
    if !starts_command && !text.chars().any(is_unsafe) && !has_command() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut leading = true;
    for (i, c) in text.char_indices() {
        if leading && c == ':' && starts_command {
            out.push_str("\\u{3a}");
        } else if c == '#' && is_ci_command(&text[i..]) {
            out.push_str("\\u{23}");
        } else {
            push_escaped(&mut out, c);
        }
        leading &= c.is_whitespace();
    }
    Cow::Owned(out)
}

/// Whether `text` starts with `##`, ASCII letters (maybe none), then `[`: `##[error]`,
/// `##vso[task.setvariable …]`, `##teamcity[…]`.
pub fn is_ci_command(text: &str) -> bool {
    text.strip_prefix("##").is_some_and(|rest| {
        rest.trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .starts_with('[')
    })
}

/// Appends `c`, escaped if it is unsafe.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// `value` as pretty JSON fit for a terminal or a CI log: the same document (a JSON
/// reader decodes `\u0023` to `#`), with bidirectional characters, line separators and
/// the first `#` of a CI command (`##[error]`, `##vso[…]`) written as `\uXXXX`, since
/// JSON printed to a CI log is read as a log. serde_json already escapes controls.
pub fn to_writer_pretty_log_safe<W, T>(writer: W, value: &T) -> serde_json::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    to_writer_pretty_log_safe_at(writer, value, 0)
}

/// As [`to_writer_pretty_log_safe`], for a value that stands `depth` levels deep in a
/// document written that way: its lines are indented as they would be there, so a
/// document can be written in parts (side by side) and joined.
pub(crate) fn to_writer_pretty_log_safe_at<W, T>(
    mut writer: W,
    value: &T,
    depth: usize,
) -> serde_json::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    use serde_json::ser::Formatter;
    let mut formatter = LogSafe(serde_json::ser::PrettyFormatter::new());
    for _ in 0..depth {
        // Opening a level is what indents the next; what it writes is not wanted here.
        formatter
            .begin_object(&mut std::io::sink())
            .map_err(serde_json::Error::io)?;
    }
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut writer,
        formatter,
    ))
}

struct LogSafe(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for LogSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Nearly every fragment is printable ASCII without a `#`: one pass over its
        // bytes instead of decoding each character.
        if fragment
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'#')
        {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) || (c == '#' && is_ci_command(&fragment[i..])) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // All of them are in the Basic Multilingual Plane: one `\uXXXX` each.
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_line_breaks_and_bidi_become_visible_escapes() {
        assert_eq!(
            escape("a\x1b[31mb\r::error ::x\n::warning\tc\u{7f}\u{85}"),
            "a\\u{1b}[31mb\\r::error ::x\\n::warning\\tc\\u{7f}\\u{85}"
        );
        assert_eq!(
            escape("\u{202e}evil\u{202c} \u{2066}\u{2069}\u{200f}\u{2028}"),
            "\\u{202e}evil\\u{202c} \\u{2066}\\u{2069}\\u{200f}\\u{2028}"
        );
    }

    #[test]
    fn ci_commands_without_controls_are_defused() {
        assert_eq!(escape("a ##[error]x"), "a \\u{23}#[error]x");
        assert_eq!(
            escape("##vso[task.setvariable variable=x]y ##teamcity[m]"),
            "\\u{23}#vso[task.setvariable variable=x]y \\u{23}#teamcity[m]"
        );
        assert_eq!(escape("  ::error ::x"), "  \\u{3a}:error ::x");
        assert_eq!(escape("a ::error ::x"), "a ::error ::x");
    }

    #[test]
    fn log_safe_json_is_the_same_document_without_bidi_or_ci_commands() {
        let value = serde_json::json!({
            "a##[error]": ["##vso[task.setvariable variable=x]y", "\u{202e}\n\u{1b}", "# ## [ é"],
            "n": 1,
        });
        let mut out = Vec::new();
        to_writer_pretty_log_safe(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("##[") && !text.contains("##vso["), "{text}");
        assert!(!text.chars().any(|c| c != '\n' && is_unsafe(c)), "{text}");
        assert!(
            text.contains("\\u0023#vso[") && text.contains("\\u202e"),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        let plain = serde_json::to_string_pretty(&serde_json::json!({"k": [1, "x"]})).unwrap();
        let mut out = Vec::new();
        to_writer_pretty_log_safe(&mut out, &serde_json::json!({"k": [1, "x"]})).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            plain,
            "the layout is serde_json's"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "",
            "container `app` sets `privileged: true`",
            "été 東京 …",
            "a\\nb",
            "# comment ## not [a command",
            "a ::b",
        ] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn nothing_unsafe_survives_escaping() {
        let every: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        assert!(!escape(&every).chars().any(is_unsafe));
    }
}
