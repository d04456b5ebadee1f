//! The events of a document in the plain block style nearly every manifest is written
//! in, read a line at a time.
//!
//! saphyr's scanner looks at every character through a lookahead buffer and took about
//! a third of a check. Most documents use a small part of YAML: block mappings and
//! sequences indented with spaces; plain, quoted and block scalars (multi-line plain and
//! quoted ones folded, escapes resolved); flow sequences of scalars on one line and empty
//! `{}`; comments. This scan reads that part and gives up ([`Unsupported`]) on anything
//! else — anchors, aliases, tags, other flow collections, tabs, CR line breaks,
//! directives, block scalars with an indentation indicator or more-indented folded
//! lines, control characters — and the document is then parsed by saphyr from its start.
//!
//! The events carry the markers saphyr gives for the same text (the tree's spans come
//! from them), quirks included: a quoted scalar ends after the blanks and comment that
//! follow it, a block scalar starts at its first content line, an empty value sits at its
//! `:`, a collection ends where the next token starts. `tests/tests/yaml_quick_scan.rs`
//! compares the trees both ways on every document of the corpora, and the `quick_scan`
//! fuzz target on arbitrary text.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use super::parse::MAX_DEPTH;

/// The document uses YAML this scan leaves to saphyr.
/// Says what, for tests and anyone widening the subset.
#[derive(Debug)]
pub(super) struct Unsupported(pub(super) &'static str);

type Scanned<T> = Result<T, Unsupported>;

/// Feeds `sink` the events of `text`, one document, or gives up before the first event
/// that could differ from saphyr's. Events already given are then to be discarded.
pub(super) fn scan<'a>(text: &'a str, sink: impl FnMut(Event<'a>, Span)) -> Scanned<()> {
    // In blocks without an early exit, which the compiler turns into vector code.
    let control = |block: &[u8]| {
        block.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\n')) | (b == 0x7f)
        })
    };
    if text.as_bytes().chunks(64).any(control) {
        return Err(Unsupported("tab, CR or control character"));
    }
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        sink,
        open: Vec::new(),
        pending: Some(Pending {
            parent: -1,
            empty_at: None,
            map_value: false,
        }),
        line: Line::first(text)?,
        fresh: true,
    };
    scan.document()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    /// A sequence whose dashes stand in the column of its parent mapping's keys: saphyr
    /// opens it at its first entry's content and closes it at the next key.
    IndentlessSeq,
}

struct Open {
    kind: Kind,
    /// Column of the keys or dashes.
    indent: usize,
}

/// A value announced (`key:`, `-`, the document itself) with nothing after it on its line.
struct Pending {
    /// Column of the collection the value belongs to; -1 for the document.
    parent: isize,
    /// Where saphyr puts the empty scalar if no value follows.
    empty_at: Option<Marker>,
    /// A mapping's value, which may be a sequence at the mapping's own column.
    map_value: bool,
}

/// How a content line continues the document.
enum Role {
    /// Starts the pending value's collection.
    Nested,
    /// Starts a mapping value's sequence in the mapping's own column.
    Indentless,
    MapEntry,
    SeqEntry,
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// Before the line break.
    end: usize,
    /// After the line break.
    next: usize,
    /// 1-based, as saphyr counts.
    number: usize,
    chars_before: usize,
    ascii: bool,
}

impl Line {
    fn first(text: &str) -> Scanned<Line> {
        Line::at(text, 0, 1, 0)
    }

    fn at(text: &str, start: usize, number: usize, chars_before: usize) -> Scanned<Line> {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
        let content = &text[start..end];
        let ascii = content.is_ascii();
        if !ascii && content.chars().any(unusual_char) {
            return Err(Unsupported("unusual character"));
        }
        Ok(Line {
            start,
            end,
            next: (end + 1).min(text.len()),
            number,
            chars_before,
            ascii,
        })
    }

    /// Characters of the line with its line break.
    fn chars(&self, text: &str) -> usize {
        let breaks = self.next - self.end;
        match self.ascii {
            true => self.end - self.start + breaks,
            false => text[self.start..self.end].chars().count() + breaks,
        }
    }
}

/// Characters YAML does not print (C1 controls), the byte order mark and non-characters:
/// left to saphyr, which has rules for them.
fn unusual_char(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

struct Scan<'a, S> {
    text: &'a str,
    bytes: &'a [u8],
    sink: S,
    open: Vec<Open>,
    pending: Option<Pending>,
    line: Line,
    /// The current line is not read yet (the scan starts on it, or a block scalar ended
    /// before it).
    fresh: bool,
}

impl<'a, S: FnMut(Event<'a>, Span)> Scan<'a, S> {
    fn document(&mut self) -> Scanned<()> {
        let start = Marker::new(0, 1, 0);
        self.emit(Event::StreamStart, start);
        self.emit(Event::DocumentStart(false), start);
        while let Some(at) = self.next_content()? {
            let column = at - self.line.start;
            let dash = self.is_dash(at);
            match self.role(column, at, dash)? {
                Role::Nested => self.node(at)?,
                Role::Indentless => {
                    let entry = self.marker(self.after_dash(at));
                    self.open.push(Open {
                        kind: Kind::IndentlessSeq,
                        indent: column,
                    });
                    self.emit(Event::SequenceStart(0, None), entry);
                    self.seq_entry(at)?;
                }
                Role::MapEntry => self.map_entry(at)?,
                Role::SeqEntry => self.seq_entry(at)?,
            }
        }
        let end = self.end_of_text();
        if let Some(pending) = self.pending.take() {
            if let Some(at) = pending.empty_at {
                self.empty_scalar(at);
            }
        }
        while let Some(open) = self.open.pop() {
            self.close(open.kind, end);
        }
        self.emit(Event::DocumentEnd, end);
        self.emit(Event::StreamEnd, end);
        Ok(())
    }

    fn emit(&mut self, event: Event<'a>, at: Marker) {
        (self.sink)(event, Span::empty(at));
    }

    fn emit_scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, start: Marker, end: Marker) {
        (self.sink)(Event::Scalar(text, style, 0, None), Span::new(start, end));
    }

    fn empty_scalar(&mut self, at: Marker) {
        self.emit_scalar(Cow::Borrowed(""), ScalarStyle::Plain, at, at);
    }

    fn close(&mut self, kind: Kind, at: Marker) {
        let event = match kind {
            Kind::Map => Event::MappingEnd,
            Kind::Seq | Kind::IndentlessSeq => Event::SequenceEnd,
        };
        self.emit(event, at);
    }

    /// The marker of byte `at` on the current line.
    fn marker(&self, at: usize) -> Marker {
        let column = match self.line.ascii {
            true => at - self.line.start,
            false => self.text[self.line.start..at].chars().count(),
        };
        Marker::new(self.line.chars_before + column, self.line.number, column)
    }

    /// Where saphyr's stream ends: the start of the line after the last.
    fn end_of_text(&self) -> Marker {
        let chars = self.line.chars_before + self.line.chars(self.text);
        Marker::new(chars, self.line.number + 1, 0)
    }

    /// Moves to the next line; `false` at the end of the text.
    fn advance(&mut self) -> Scanned<bool> {
        if self.line.next == self.line.end {
            return Ok(false); // the last line has no line break
        }
        if self.line.next == self.text.len() {
            return Ok(false);
        }
        let chars_before = self.line.chars_before + self.line.chars(self.text);
        self.line = Line::at(
            self.text,
            self.line.next,
            self.line.number + 1,
            chars_before,
        )?;
        Ok(true)
    }

    /// The first character of the next line with content, past blank and comment lines
    /// and the document's `---`.
    fn next_content(&mut self) -> Scanned<Option<usize>> {
        if !std::mem::take(&mut self.fresh) && !self.advance()? {
            return Ok(None);
        }
        loop {
            let Line { start, end, .. } = self.line;
            let at = start
                + self.bytes[start..end]
                    .iter()
                    .take_while(|&&b| b == b' ')
                    .count();
            match self.bytes.get(at) {
                _ if at == end || self.bytes[at] == b'#' => {}
                Some(b'-') if at == start && self.starts_marker(at, b'-') => {
                    // `---`: only a chunk's first content line, so the document's start.
                    if !self.open.is_empty() || self.pending.as_ref().is_none_or(|p| p.parent != -1)
                    {
                        return Err(Unsupported("`---` inside the document"));
                    }
                    if !self.rest_is_blank(at + 3) {
                        return Err(Unsupported("text after `---`"));
                    }
                }
                Some(b'.') if at == start && self.starts_marker(at, b'.') => {
                    return Err(Unsupported("`...`"));
                }
                Some(b'%') if at == start => return Err(Unsupported("directive")),
                _ => return Ok(Some(at)),
            }
            if !self.advance()? {
                return Ok(None);
            }
        }
    }

    /// `---` or `...` followed by a blank or the line's end.
    fn starts_marker(&self, at: usize, c: u8) -> bool {
        self.bytes[at..self.line.end].starts_with(&[c, c, c])
            && matches!(self.bytes.get(at + 3), None | Some(b' ' | b'\n'))
    }

    /// Nothing but blanks and a comment from `at` to the line's end.
    fn rest_is_blank(&self, at: usize) -> bool {
        let after = self.skip_spaces(at);
        after == self.line.end || (after > at && self.bytes[after] == b'#')
    }

    fn skip_spaces(&self, at: usize) -> usize {
        at + self.bytes[at..self.line.end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count()
    }

    /// A block sequence's dash: `-` followed by a blank or the line's end.
    fn is_dash(&self, at: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == self.line.end || self.bytes[at + 1] == b' ')
    }

    /// Where saphyr's entry token sits: past the dash, its blanks and a comment.
    fn after_dash(&self, dash: usize) -> usize {
        let after = self.skip_spaces(dash + 1);
        match after < self.line.end && after > dash + 1 && self.bytes[after] == b'#' {
            true => self.line.end,
            false => after,
        }
    }

    /// Settles the pending value and closes the collections a line at `column` ends.
    fn role(&mut self, column: usize, at: usize, dash: bool) -> Scanned<Role> {
        if let Some(pending) = self.pending.take() {
            if column as isize > pending.parent {
                return Ok(Role::Nested);
            }
            if pending.map_value && column as isize == pending.parent && dash {
                return Ok(Role::Indentless);
            }
            if let Some(at) = pending.empty_at {
                self.empty_scalar(at);
            }
        }
        let token = self.marker(at);
        while let Some(open) = self.open.last() {
            let ends = match open.kind {
                Kind::Map | Kind::Seq => open.indent > column,
                Kind::IndentlessSeq => open.indent > column || (open.indent == column && !dash),
            };
            if !ends {
                break;
            }
            let kind = open.kind;
            self.open.pop();
            self.close(kind, token);
        }
        match self.open.last() {
            Some(open) if open.indent == column => match (open.kind, dash) {
                (Kind::Map, false) => Ok(Role::MapEntry),
                (Kind::Seq | Kind::IndentlessSeq, true) => Ok(Role::SeqEntry),
                _ => Err(Unsupported("line not an entry of its collection")),
            },
            _ => Err(Unsupported("indentation outside the open collections")),
        }
    }

    /// A collection starting at `at`: a sequence at its dash or a mapping at its key.
    fn node(&mut self, at: usize) -> Scanned<()> {
        if self.open.len() >= MAX_DEPTH {
            // Left to saphyr's parse, whose refusal says where; and `- - - …` on one
            // line recurses here once a level.
            return Err(Unsupported("nesting deeper than the tree builder takes"));
        }
        let column = at - self.line.start;
        if self.is_dash(at) {
            self.open.push(Open {
                kind: Kind::Seq,
                indent: column,
            });
            self.emit(Event::SequenceStart(0, None), self.marker(at));
            return self.seq_entry(at);
        }
        if self.key_at(at)?.is_none() {
            return self.value(at); // a scalar on a line of its own
        }
        self.open.push(Open {
            kind: Kind::Map,
            indent: column,
        });
        self.emit(Event::MappingStart(0, None), self.marker(at));
        self.map_entry(at)
    }

    fn seq_entry(&mut self, dash: usize) -> Scanned<()> {
        let indent = self.open.last().map_or(0, |o| o.indent) as isize;
        let content = self.skip_spaces(dash + 1);
        if content == self.line.end || self.bytes[content] == b'#' {
            self.pending = Some(Pending {
                parent: indent,
                empty_at: Some(self.marker(self.after_dash(dash))),
                map_value: false,
            });
            return Ok(());
        }
        if self.is_dash(content) || self.key_at(content)?.is_some() {
            return self.node(content);
        }
        self.value(content)
    }

    fn map_entry(&mut self, at: usize) -> Scanned<()> {
        let indent = self.open.last().map_or(0, |o| o.indent) as isize;
        let key = self
            .key_at(at)?
            .ok_or(Unsupported("mapping entry without a key"))?;
        self.emit_scalar(key.text, key.style, self.marker(at), self.marker(key.end));
        let value = self.skip_spaces(key.colon + 1);
        if value == self.line.end || self.bytes[value] == b'#' {
            self.pending = Some(Pending {
                parent: indent,
                empty_at: Some(self.marker(key.colon)),
                map_value: true,
            });
            return Ok(());
        }
        if self.is_dash(value) || self.key_at(value)?.is_some() {
            return Err(Unsupported("sequence or mapping on a key's line")); // saphyr refuses both on a key's line
        }
        self.value(value)
    }

    /// A mapping key starting at `at`, if the line has one there.
    fn key_at(&self, at: usize) -> Scanned<Option<Key<'a>>> {
        let line_end = self.line.end;
        match self.bytes[at] {
            quote @ (b'"' | b'\'') => {
                let Some((text, close)) = self.quoted_on_line(at, quote)? else {
                    return Ok(None);
                };
                let after = self.skip_spaces(close + 1);
                if after < line_end && self.is_value_indicator(after) {
                    let style = quoted_style(quote);
                    return Ok(Some(Key {
                        text,
                        style,
                        end: after,
                        colon: after,
                    }));
                }
                Ok(None)
            }
            _ => {
                if !self.plain_may_start(at) {
                    return Ok(None);
                }
                let mut i = at;
                while let Some(found) = memchr::memchr2(b':', b'#', &self.bytes[i..line_end]) {
                    i += found;
                    match self.bytes[i] {
                        b':' if self.is_value_indicator(i) => {
                            let end = at + self.text[at..i].trim_end_matches(' ').len();
                            if end - at > 1000 {
                                // saphyr limits implicit keys to 1,024 characters
                                return Err(Unsupported("implicit key over 1,000 bytes"));
                            }
                            return Ok(Some(Key {
                                text: Cow::Borrowed(&self.text[at..end]),
                                style: ScalarStyle::Plain,
                                end,
                                colon: i,
                            }));
                        }
                        b'#' if self.bytes[i - 1] == b' ' => return Ok(None),
                        _ => i += 1,
                    }
                }
                Ok(None)
            }
        }
    }

    /// `:` followed by a blank or the line's end.
    fn is_value_indicator(&self, at: usize) -> bool {
        self.bytes[at] == b':' && (at + 1 == self.line.end || self.bytes[at + 1] == b' ')
    }

    /// Whether a plain scalar may start at `at` (YAML 1.2 `ns-plain-first`, less the
    /// `?` and `:` starts left to saphyr).
    fn plain_may_start(&self, at: usize) -> bool {
        match self.bytes[at] {
            b'-' => at + 1 < self.line.end && self.bytes[at + 1] != b' ',
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => false,
            _ => true,
        }
    }

    /// A value that ends its line: a scalar or an empty flow collection.
    fn value(&mut self, at: usize) -> Scanned<()> {
        match self.bytes[at] {
            quote @ (b'"' | b'\'') => self.quoted_value(at, quote),
            b'|' | b'>' => self.block_scalar(at),
            b'[' => self.flow_sequence(at),
            b'{' => {
                let close = self.skip_spaces(at + 1);
                if self.bytes.get(close) != Some(&b'}') {
                    return Err(Unsupported("flow mapping with content"));
                }
                let after = self
                    .end_of_line_token(close + 1)
                    .ok_or(Unsupported("text after a flow collection"))?;
                let (open, close, after) =
                    (self.marker(at), self.marker(close), self.marker(after));
                (self.sink)(Event::MappingStart(0, None), Span::new(open, open));
                (self.sink)(Event::MappingEnd, Span::new(close, after));
                Ok(())
            }
            _ if self.plain_may_start(at) => self.plain(at),
            _ => Err(Unsupported("node property or indicator")),
        }
    }

    /// A flow sequence of plain and quoted scalars closed on its own line, such as
    /// `[a, "b c"]`; nested collections, implicit keys (`[a: 1]`), empty or trailing
    /// entries and comments inside are left to saphyr.
    fn flow_sequence(&mut self, open: usize) -> Scanned<()> {
        let mut items = Vec::new();
        let mut at = self.skip_spaces(open + 1);
        let close = loop {
            match self.bytes.get(at) {
                Some(b']') if items.is_empty() => break at,
                Some(&quote @ (b'"' | b'\'')) => {
                    let (text, end_quote) = self
                        .quoted_on_line(at, quote)?
                        .ok_or(Unsupported("multi-line quoted scalar in a flow sequence"))?;
                    let after = self.skip_spaces(end_quote + 1);
                    items.push((text, quoted_style(quote), at, after));
                    at = after;
                }
                Some(b'-') if matches!(self.bytes.get(at + 1), Some(b',' | b']')) => {
                    return Err(Unsupported("`-` entry in a flow sequence"));
                }
                Some(_) if self.plain_may_start(at) => {
                    let stop = at
                        + self.bytes[at..self.line.end]
                            .iter()
                            .position(|b| {
                                matches!(b, b',' | b']' | b'[' | b'{' | b'}' | b':' | b'#')
                            })
                            .ok_or(Unsupported("flow sequence left open"))?;
                    let end = at + self.text[at..stop].trim_end_matches(' ').len();
                    items.push((
                        Cow::Borrowed(&self.text[at..end]),
                        ScalarStyle::Plain,
                        at,
                        end,
                    ));
                    at = stop;
                }
                _ => return Err(Unsupported("flow sequence with other content")),
            }
            match self.bytes.get(at) {
                Some(b']') => break at,
                Some(b',') => {
                    at = self.skip_spaces(at + 1);
                    if matches!(self.bytes.get(at), Some(b',' | b']')) {
                        return Err(Unsupported("empty entry in a flow sequence"));
                    }
                }
                _ => return Err(Unsupported("flow sequence with other content")),
            }
        };
        let after = self
            .end_of_line_token(close + 1)
            .ok_or(Unsupported("text after a flow collection"))?;
        let start = Span::new(self.marker(open), self.marker(open + 1));
        (self.sink)(Event::SequenceStart(0, None), start);
        for (text, style, from, to) in items {
            self.emit_scalar(text, style, self.marker(from), self.marker(to));
        }
        let (close, after) = (self.marker(close), self.marker(after));
        (self.sink)(Event::SequenceEnd, Span::new(close, after));
        Ok(())
    }

    /// Where saphyr ends a token that closes at `at`: past the blanks, and past a
    /// comment to the line's end; `None` if other text follows.
    fn end_of_line_token(&self, at: usize) -> Option<usize> {
        let after = self.skip_spaces(at);
        match after == self.line.end {
            true => Some(after),
            false if after > at && self.bytes[after] == b'#' => Some(self.line.end),
            false => None,
        }
    }

    /// A plain scalar: the rest of its line, and the lines after it indented past its
    /// collection (YAML 1.2 §7.3.3, folded: a line break is a space, an empty line a
    /// line break).
    fn plain(&mut self, at: usize) -> Scanned<()> {
        let parent = self.open.last().map_or(-1, |o| o.indent as isize);
        let start = self.marker(at);
        let first = self.plain_line(at)?;
        let commented = self.skip_spaces(first) < self.line.end;
        let mut end = self.marker(first);
        let mut folded: Option<String> = None;
        let mut blanks = 0;
        while self.advance()? {
            let Line {
                start: from,
                end: to,
                ..
            } = self.line;
            let content = self.skip_spaces(from);
            if content == to {
                blanks += 1;
                continue;
            }
            if (content - from) as isize <= parent || self.bytes[content] == b'#' {
                self.fresh = true;
                break;
            }
            if parent < 0 && content == from {
                return Err(Unsupported("document scalar continued in column 0"));
            }
            let last = self.plain_line(content)?;
            if commented || self.skip_spaces(last) < to {
                return Err(Unsupported("comment inside a multi-line plain scalar"));
            }
            let text = folded.get_or_insert_with(|| self.text[at..first].to_owned());
            match blanks {
                0 => text.push(' '),
                n => text.extend(std::iter::repeat_n('\n', n)),
            }
            text.push_str(&self.text[content..last]);
            end = self.marker(last);
            blanks = 0;
        }
        let text = match folded {
            Some(text) => Cow::Owned(text),
            None => Cow::Borrowed(&self.text[at..first]),
        };
        self.emit_scalar(text, ScalarStyle::Plain, start, end);
        Ok(())
    }

    /// The end of a plain scalar's text on the current line, from `at`: before its
    /// comment and trailing blanks.
    fn plain_line(&self, at: usize) -> Scanned<usize> {
        let line_end = self.line.end;
        let mut end = line_end;
        let mut i = at;
        while let Some(found) = memchr::memchr2(b':', b'#', &self.bytes[i..line_end]) {
            i += found;
            match self.bytes[i] {
                b':' if self.is_value_indicator(i) => {
                    return Err(Unsupported("`: ` inside a plain scalar"))
                }
                b'#' if self.bytes[i - 1] == b' ' => {
                    end = i;
                    break;
                }
                _ => i += 1,
            }
        }
        Ok(at + self.text[at..end].trim_end_matches(' ').len())
    }

    /// A quoted scalar whose opening quote is at `at`, if it closes on this line: its
    /// text and the closing quote's offset.
    fn quoted_on_line(&self, at: usize, quote: u8) -> Scanned<Option<(Cow<'a, str>, usize)>> {
        let mut owned = None;
        Ok(match self.quoted_line(at + 1, quote, &mut owned)? {
            QuotedLine::Closed(close) => {
                let text = match owned {
                    Some(text) => Cow::Owned(text),
                    None => Cow::Borrowed(&self.text[at + 1..close]),
                };
                Some((text, close))
            }
            QuotedLine::Open { .. } => None,
        })
    }

    /// Reads a quoted scalar's text on the current line from `from`, into `owned` once
    /// anything (an escape, a line) makes it more than a slice of the line. Escapes as
    /// saphyr resolves them (YAML 1.2 §5.7), `''` in single quotes.
    fn quoted_line(
        &self,
        mut from: usize,
        quote: u8,
        owned: &mut Option<String>,
    ) -> Scanned<QuotedLine> {
        let line_end = self.line.end;
        let special = if quote == b'"' { b'\\' } else { b'\'' };
        loop {
            let Some(found) = memchr::memchr2(quote, special, &self.bytes[from..line_end]) else {
                // Blanks before a line break go.
                let line = self.text[from..line_end].trim_end_matches(' ');
                owned.get_or_insert_with(String::new).push_str(line);
                return Ok(QuotedLine::Open {
                    escaped_break: false,
                });
            };
            let found = from + found;
            let escaped_quote = quote == b'\'' && self.bytes.get(found + 1) == Some(&b'\'');
            if self.bytes[found] == quote && !escaped_quote {
                if let Some(text) = owned {
                    text.push_str(&self.text[from..found]);
                }
                return Ok(QuotedLine::Closed(found));
            }
            let text = owned.get_or_insert_with(String::new);
            if escaped_quote {
                text.push_str(&self.text[from..found + 1]);
                from = found + 2;
                continue;
            }
            text.push_str(&self.text[from..found]);
            if found + 1 == line_end {
                return Ok(QuotedLine::Open {
                    escaped_break: true,
                });
            }
            let (c, len) = escape(&self.bytes[found + 1..line_end])?;
            text.push(c);
            from = found + 1 + len;
        }
    }

    /// A quoted value from its opening quote at `at` to its closing quote on this line or
    /// a later one, folded as saphyr folds it: a line break is a space, empty lines are
    /// line breaks, blanks around a break go, an escaped break joins the lines.
    fn quoted_value(&mut self, at: usize, quote: u8) -> Scanned<()> {
        let parent = self.open.last().map_or(-1, |o| o.indent as isize);
        let start = self.marker(at);
        let mut owned = None;
        let mut from = at + 1;
        let close = loop {
            let escaped_break = match self.quoted_line(from, quote, &mut owned)? {
                QuotedLine::Closed(close) => break close,
                QuotedLine::Open { escaped_break } => escaped_break,
            };
            let mut breaks = 0;
            let content = loop {
                if !self.advance()? {
                    return Err(Unsupported("quoted scalar left open"));
                }
                let content = self.skip_spaces(self.line.start);
                if content < self.line.end {
                    break content;
                }
                breaks += 1;
            };
            let column = content - self.line.start;
            if (column as isize) < parent {
                return Err(Unsupported("quoted scalar's line outside its collection"));
            }
            if column == 0
                && (self.starts_marker(content, b'-') || self.starts_marker(content, b'.'))
            {
                return Err(Unsupported("document marker in a quoted scalar"));
            }
            let text = owned.get_or_insert_with(String::new);
            match (escaped_break, breaks) {
                (false, 0) => text.push(' '),
                (_, n) => text.extend(std::iter::repeat_n('\n', n)),
            }
            from = content;
        };
        let text = match owned {
            Some(text) => Cow::Owned(text),
            None => Cow::Borrowed(&self.text[at + 1..close]),
        };
        let end = self
            .end_of_line_token(close + 1)
            .ok_or(Unsupported("text after a quoted scalar"))?;
        self.emit_scalar(text, quoted_style(quote), start, self.marker(end));
        Ok(())
    }

    /// A literal (`|`) or folded (`>`) scalar, header at `at`; its content lines follow.
    fn block_scalar(&mut self, at: usize) -> Scanned<()> {
        let folded = self.bytes[at] == b'>';
        let chomp = match self.bytes.get(at + 1) {
            Some(b'-') => Chomp::Strip,
            Some(b'+') => Chomp::Keep,
            _ => Chomp::Clip,
        };
        let header_end = at + 1 + usize::from(chomp != Chomp::Clip);
        if header_end < self.line.end && self.bytes[header_end] != b' ' {
            return Err(Unsupported("block scalar indentation indicator")); // an indentation indicator or other text
        }
        if !self.rest_is_blank(header_end) {
            return Err(Unsupported("text after a block scalar header"));
        }
        let parent = self.open.last().map_or(-1, |o| o.indent as isize);
        let mut text = String::new();
        let mut leading_blanks = 0;
        let mut blanks = 0;
        let mut indent: Option<usize> = None;
        let mut start = None;
        let mut last_is_content = false;
        let end;
        loop {
            if !self.advance()? {
                // The text ends inside the scalar.
                end = match (self.text.ends_with('\n'), last_is_content) {
                    (true, _) => self.end_of_text(),
                    (false, true) => self.marker(self.line.end),
                    (false, false) => {
                        return Err(Unsupported(
                            "block scalar ending in a blank line without line break",
                        ))
                    }
                };
                break;
            }
            let Line {
                start: from,
                end: to,
                ..
            } = self.line;
            let spaces = self.bytes[from..to]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            last_is_content = from + spaces < to;
            if !last_is_content {
                // A blank line: saphyr keeps spaces past the indentation as content.
                if spaces > 0 && indent.is_none_or(|m| spaces >= m) {
                    return Err(Unsupported("blank line with spaces in a block scalar"));
                }
                blanks += 1;
                continue;
            }
            let m = match indent {
                Some(m) if spaces < m => {
                    end = self.marker(from + spaces);
                    self.fresh = true;
                    break;
                }
                Some(m) => {
                    text.extend(std::iter::repeat_n(
                        match folded && blanks == 0 {
                            true => ' ',
                            false => '\n',
                        },
                        match folded {
                            true => blanks.max(1),
                            false => blanks + 1,
                        },
                    ));
                    m
                }
                None if spaces as isize <= parent => return Err(Unsupported("empty block scalar")), // empty
                None => {
                    indent = Some(spaces);
                    start = Some(self.marker(from + spaces));
                    leading_blanks = blanks;
                    spaces
                }
            };
            if folded && spaces > m {
                return Err(Unsupported("more-indented line in a folded scalar"));
                // more-indented lines keep their breaks
            }
            text.push_str(&self.text[from + m..to]);
            blanks = 0;
        }
        let Some(start) = start else {
            return Err(Unsupported("block scalar without content"));
        };
        let mut value = "\n".repeat(leading_blanks);
        value.push_str(&text);
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => value.push('\n'),
            Chomp::Keep => value.extend(std::iter::repeat_n('\n', blanks + 1)),
        }
        let style = match folded {
            true => ScalarStyle::Folded,
            false => ScalarStyle::Literal,
        };
        self.emit_scalar(Cow::Owned(value), style, start, end);
        Ok(())
    }
}

struct Key<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    /// Where saphyr ends the key's token.
    end: usize,
    colon: usize,
}

/// The character of the escape after a `\\` and the bytes it takes.
fn escape(rest: &[u8]) -> Scanned<(char, usize)> {
    let simple = match rest.first() {
        None => return Err(Unsupported("escaped line break")),
        Some(b'0') => '\0',
        Some(b'a') => '\x07',
        Some(b'b') => '\x08',
        Some(b't') => '\t',
        Some(b'n') => '\n',
        Some(b'v') => '\x0b',
        Some(b'f') => '\x0c',
        Some(b'r') => '\r',
        Some(b'e') => '\x1b',
        Some(b' ') => ' ',
        Some(b'"') => '"',
        Some(b'/') => '/',
        Some(b'\\') => '\\',
        Some(b'N') => '\u{85}',
        Some(b'_') => '\u{a0}',
        Some(b'L') => '\u{2028}',
        Some(b'P') => '\u{2029}',
        Some(&kind @ (b'x' | b'u' | b'U')) => {
            let digits = match kind {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = rest
                .get(1..1 + digits)
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                .ok_or(Unsupported("short hexadecimal escape"))?;
            let code = hex.iter().fold(0u32, |code, &d| {
                (code << 4) | (d as char).to_digit(16).unwrap_or(0)
            });
            let c = char::from_u32(code).ok_or(Unsupported("escape of no character"))?;
            return Ok((c, 1 + digits));
        }
        Some(_) => return Err(Unsupported("unknown escape")),
    };
    Ok((simple, 1))
}

/// How a quoted scalar's line ends.
enum QuotedLine {
    /// At the closing quote, this offset.
    Closed(usize),
    /// At the line's end, the scalar open.
    Open { escaped_break: bool },
}

fn quoted_style(quote: u8) -> ScalarStyle {
    match quote {
        b'"' => ScalarStyle::DoubleQuoted,
        _ => ScalarStyle::SingleQuoted,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}
