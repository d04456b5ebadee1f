//! Where part of a scalar's text is in the source: a finding about a secret inside a
//! command line belongs on the secret, not on the whole word. The engine locates a
//! finding's range this way for the built-in rules and for plugins alike, and the
//! redaction of outputs masks exactly what is located.

use std::ops::Range;

use super::Input;
use crate::yaml::{Node, Pos, ScalarStyle, Span, Value};

/// Where `range` of `node`'s text is in the source, when the text is written there as
/// is: a single-line plain or quoted scalar without escapes, or a literal block scalar
/// (`|`). `None` otherwise (folded, escaped or decoded text): the whole value stands in.
pub fn span_in_value(
    input: &Input,
    source: usize,
    node: &Node,
    range: Range<usize>,
) -> Option<Span> {
    let Value::Scalar(scalar) = &node.value else {
        return None;
    };
    let text = &*scalar.text;
    text.get(range.clone())?;
    let line_text = |line: u32| input.source_line(source, line);
    let columns = |s: &str| s.chars().count() as u32;
    let span = node.span;
    match scalar.style {
        ScalarStyle::Plain | ScalarStyle::Quoted if span.start.line == span.end.line => {
            let line: Vec<char> = line_text(span.start.line)?.chars().collect();
            let raw: String = line
                .get(span.start.column as usize - 1..span.end.column as usize - 1)?
                .iter()
                .collect();
            let skip = match scalar.style {
                ScalarStyle::Quoted => 1,
                _ => 0,
            };
            let inner = raw.get(skip..raw.len().checked_sub(skip)?)?;
            if inner != text {
                return None; // escapes: the text is not written as is
            }
            let column = span.start.column + skip as u32;
            Some(Span {
                start: Pos {
                    line: span.start.line,
                    column: column + columns(&text[..range.start]),
                },
                end: Pos {
                    line: span.start.line,
                    column: column + columns(&text[..range.end]),
                },
            })
        }
        ScalarStyle::Block => {
            // The span starts at the first line with content; empty lines before it are
            // leading line breaks of the text.
            let leading = text.len() - text.trim_start_matches('\n').len();
            let first = span.start.line.checked_sub(leading as u32)?;
            if !is_literal_block(input, source, first)? {
                return None; // folded (`>`): line breaks are not kept
            }
            let content = line_text(span.start.line)?;
            let indent = content.len() - content.trim_start_matches(' ').len();
            let lines: Vec<&str> = text.split('\n').collect();
            let position = |offset: usize| {
                let before = &text[..offset];
                let k = before.matches('\n').count();
                let column = columns(&before[before.rfind('\n').map_or(0, |i| i + 1)..]);
                (k, column)
            };
            let (k1, c1) = position(range.start);
            let (k2, c2) = position(range.end);
            // Every line of the secret is in the source as in the text.
            for (k, line) in lines.iter().enumerate().take(k2 + 1).skip(k1) {
                let source_line = line_text(first + k as u32)?;
                if source_line.get(indent..).unwrap_or("") != *line {
                    return None;
                }
            }
            let indent = columns(&content[..indent]);
            Some(Span {
                start: Pos {
                    line: first + k1 as u32,
                    column: indent + c1 + 1,
                },
                end: Pos {
                    line: first + k2 as u32,
                    column: indent + c2 + 1,
                },
            })
        }
        _ => None,
    }
}

/// Whether the block scalar whose content starts on line `first` is literal (`|`): its
/// header is the last non-blank line before, ending in `|`, `|-`, `|+` or `|2`.
fn is_literal_block(input: &Input, source: usize, first: u32) -> Option<bool> {
    let mut line = first;
    for _ in 0..64 {
        line = line.checked_sub(1).filter(|&l| l > 0)?;
        let text = input.source_line(source, line)?;
        let code = text.split(" #").next().unwrap_or_default().trim_end();
        if code.trim().is_empty() {
            continue;
        }
        let indicator = code.rsplit([' ', '\t']).next().unwrap_or_default();
        return Some(indicator.starts_with('|'));
    }
    None
}
