//! Untrusted text made safe for a terminal or a CI log. Manifests, file names and plugin
//! metadata reach human output; raw, their control characters could recolour or erase
//! what is shown (`ESC [`), rewrite a line (`CR`), or start a new one that a CI system
//! reads as its own command (`\n::error file=…::…` in GitHub Actions), and bidirectional
//! formatting characters could make text read differently from what it is (Trojan Source,
//! CVE-2021-42574). Every such character is written as a visible escape instead: `\n`,
//! `\r`, `\t`, `\u{1b}`, `\u{202e}`. Visible escapes rather than one replacement
//! character, so that the output says exactly what the input holds.

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

/// `text` with every unsafe character written as a visible escape; borrowed when there
/// is none, which is nearly always.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
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
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "",
            "container `app` sets `privileged: true`",
            "été 東京 …",
            "a\\nb",
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
