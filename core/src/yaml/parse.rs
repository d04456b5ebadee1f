//! From text to document trees, one document at a time.
//!
//! `saphyr-parser` (a maintained YAML 1.2 pull parser with start and end markers) feeds
//! events to an iterative builder of our own: no recursion, so deep nesting cannot
//! overflow the stack, and aliases are expanded under a node budget, so alias bombs stay
//! bounded. `serde_yaml` is not used for manifests: it is deprecated upstream and keeps no
//! value spans. JSON is read by the same parser, since YAML 1.2 is a superset of JSON.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle as EventStyle, Span as EventSpan};

use super::node::{
    CollectionStyle, Entry, Node, Pos, Scalar, ScalarStyle, ScalarValue, Span, Value,
};
use super::resolve::resolve_plain;
use crate::pointer;

/// Deeper nesting than this is refused with an error at the offending line. Real
/// manifests stay far below it (CRD schemas reach about 30 levels).
pub const MAX_DEPTH: usize = 200;
/// Alias expansion may create at most this many nodes per document.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// One YAML document of a source: its tree or the reason it has none.
#[derive(Debug)]
pub struct Document {
    /// Index of the document in its source, counting non-empty documents only.
    pub index: usize,
    pub result: Result<Node, ParseError>,
    pub duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

/// A key written twice in one mapping; the later value is the one the API server keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateKey {
    pub pointer: String,
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// Parses every document of `text`. A document that fails to parse does not stop the
/// others: the stream is split at `---` lines first, which YAML forbids inside any scalar.
pub fn parse_documents(text: &str) -> Vec<Document> {
    let mut documents = Vec::new();
    for chunk in split_documents(text) {
        parse_chunk(chunk, &mut documents);
    }
    documents
}

struct Chunk<'a> {
    text: &'a str,
    /// Lines before the chunk in the whole source.
    line_offset: u32,
}

fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 0u32;
    let mut offset = 0;
    for (line_no, line) in (0u32..).zip(super::lines::lines_inclusive(text)) {
        if offset > start && is_document_start(line) {
            chunks.push(Chunk {
                text: &text[start..offset],
                line_offset: start_line,
            });
            start = offset;
            start_line = line_no;
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        text: &text[start..],
        line_offset: start_line,
    });
    chunks
}

fn is_document_start(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

fn parse_chunk(chunk: Chunk<'_>, out: &mut Vec<Document>) {
    let mut builder = Builder::new(&chunk);
    let mut parser = Parser::new_from_str(chunk.text);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                if let Some(doc) = builder.on_event(event, span) {
                    push_document(out, doc);
                }
            }
            Some(Err(error)) => {
                let pos = builder.pos(*error.marker());
                push_document(
                    out,
                    Built {
                        result: Err(ParseError {
                            pos,
                            message: format!("invalid YAML: {}", error.info()),
                        }),
                        duplicate_keys: Vec::new(),
                    },
                );
                break;
            }
        }
    }
}

fn push_document(out: &mut Vec<Document>, built: Built) {
    if matches!(&built.result, Ok(node) if is_empty_null(node)) {
        return;
    }
    out.push(Document {
        index: out.len(),
        result: built.result,
        duplicate_keys: built.duplicate_keys,
    });
}

/// `---` with nothing after it parses as an implicit null: that is no document at all.
fn is_empty_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.text.is_empty() && s.style == ScalarStyle::Plain)
}

struct Built {
    result: Result<Node, ParseError>,
    duplicate_keys: Vec<DuplicateKey>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Pos,
        anchor: usize,
        style: CollectionStyle,
    },
    Map {
        entries: Vec<Entry>,
        key: Option<Node>,
        start: Pos,
        anchor: usize,
        style: CollectionStyle,
    },
}

struct Builder<'a> {
    chunk: &'a Chunk<'a>,
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    error: Option<ParseError>,
    /// Nesting depth of events skipped after an error inside the current document.
    skip_depth: usize,
    duplicate_keys: Vec<DuplicateKey>,
}

impl<'a> Builder<'a> {
    fn new(chunk: &'a Chunk<'a>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(super::lines::line_break_ends(chunk.text));
        Builder {
            chunk,
            line_starts,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            alias_nodes: 0,
            error: None,
            skip_depth: 0,
            duplicate_keys: Vec::new(),
        }
    }

    fn pos(&self, marker: Marker) -> Pos {
        // At the end of a text without a final newline the parser reports the start of
        // a line that does not exist: the end of the last line is where that is.
        if marker.line() > self.line_starts.len() {
            let last = self.line_starts.last().copied().unwrap_or(0);
            return Pos {
                line: self.chunk.line_offset + self.line_starts.len() as u32,
                column: self.chunk.text[last..].chars().count() as u32 + 1,
            };
        }
        Pos {
            line: self.chunk.line_offset + marker.line() as u32,
            column: marker.col() as u32 + 1,
        }
    }

    fn span(&self, span: EventSpan) -> Span {
        Span {
            start: self.pos(span.start),
            end: self.pos(span.end),
        }
    }

    /// `{` or `[` at the collection's first marker means flow style.
    fn style_at(&self, marker: Marker) -> CollectionStyle {
        let line = marker.line().saturating_sub(1);
        let Some(&start) = self.line_starts.get(line) else {
            return CollectionStyle::Block;
        };
        match self.chunk.text[start..].chars().nth(marker.col()) {
            Some('{' | '[') => CollectionStyle::Flow,
            _ => CollectionStyle::Block,
        }
    }

    fn fail(&mut self, pos: Pos, message: String) {
        if self.error.is_none() {
            self.error = Some(ParseError { pos, message });
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: EventSpan) -> Option<Built> {
        if self.error.is_some() {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skip_depth += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    self.skip_depth = self.skip_depth.saturating_sub(1)
                }
                Event::DocumentEnd => return Some(self.finish()),
                _ => {}
            }
            return None;
        }
        match event {
            Event::DocumentEnd => return Some(self.finish()),
            Event::Scalar(text, style, anchor, tag) => {
                let sp = self.span(span);
                let explicit_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let node = scalar_node(text.into_owned(), style, explicit_str, sp);
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push_value(node);
            }
            Event::Alias(id) => {
                let pos = self.pos(span.start);
                match self.anchors.get(&id) {
                    Some((node, size)) => {
                        self.alias_nodes += size;
                        if self.alias_nodes > MAX_ALIAS_NODES {
                            self.fail(
                                pos,
                                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes (alias bomb?)"),
                            );
                        } else {
                            let node = node.clone();
                            self.push_value(node);
                        }
                    }
                    None => self.fail(pos, "alias to an unknown anchor".into()),
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let start = self.pos(span.start);
                if self.stack.len() >= MAX_DEPTH {
                    self.skip_depth = 1;
                    self.fail(start, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return None;
                }
                let style = self.style_at(span.start);
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        start,
                        anchor,
                        style,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        start,
                        anchor,
                        style,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = self.pos(span.end);
                let frame = self.stack.pop()?;
                let (value, start, anchor, style) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                        style,
                    } => (Value::Seq(shrunk(items)), start, anchor, style),
                    Frame::Map {
                        entries,
                        start,
                        anchor,
                        style,
                        ..
                    } => {
                        let entries = shrunk(self.finish_map(entries));
                        (Value::Map(entries), start, anchor, style)
                    }
                };
                let node = Node {
                    value,
                    span: Span { start, end },
                    style,
                };
                if anchor > 0 {
                    let size = node.size();
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.push_value(node);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
        None
    }

    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push(Entry {
                    key: k,
                    value: node,
                }),
            },
        }
    }

    /// Applies YAML 1.1 merge keys (`<<: *base`), which the Kubernetes decoder honours,
    /// and records duplicate keys.
    fn finish_map(&mut self, mut entries: Vec<Entry>) -> Vec<Entry> {
        let is_merge = |e: &Entry| matches!(&e.key.value, Value::Scalar(s) if s.text == "<<" && s.style == ScalarStyle::Plain);
        if entries.iter().any(is_merge) {
            let (merges, own): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(is_merge);
            entries = own;
            let mut present: HashSet<String> = entries
                .iter()
                .filter_map(|e| e.key_str().map(str::to_owned))
                .collect();
            for merge in merges {
                let sources: Vec<&Node> = match &merge.value.value {
                    Value::Map(_) => vec![&merge.value],
                    Value::Seq(items) => items.iter().collect(),
                    Value::Scalar(_) => Vec::new(),
                };
                for source in sources {
                    for e in source.as_map().unwrap_or_default() {
                        if let Some(k) = e.key_str() {
                            if present.insert(k.to_owned()) {
                                entries.push(e.clone());
                            }
                        }
                    }
                }
            }
        }
        self.find_duplicates(&entries);
        entries
    }

    fn find_duplicates(&mut self, entries: &[Entry]) {
        let mut seen: HashMap<&str, &Entry> = HashMap::new();
        for entry in entries {
            let Some(key) = entry.key_str() else { continue };
            if let Some(first) = seen.insert(key, entry) {
                let pointer = format!("{}/{}", self.current_pointer(), pointer::escape(key));
                self.duplicate_keys.push(DuplicateKey {
                    pointer,
                    key: key.to_owned(),
                    first: first.key.span,
                    second: entry.key.span,
                });
            }
        }
    }

    /// Pointer of the collection being completed, built from the open frames.
    fn current_pointer(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Seq { items, .. } => out.push_str(&format!("/{}", items.len())),
                Frame::Map { key, .. } => {
                    let k = key.as_ref().and_then(|k| match &k.value {
                        Value::Scalar(s) => Some(s.text.as_str()),
                        _ => None,
                    });
                    out.push('/');
                    out.push_str(&pointer::escape(k.unwrap_or("")));
                }
            }
        }
        out
    }

    fn finish(&mut self) -> Built {
        let duplicate_keys = std::mem::take(&mut self.duplicate_keys);
        self.stack.clear();
        self.anchors.clear();
        self.alias_nodes = 0;
        self.skip_depth = 0;
        let root = self.root.take();
        let result = match self.error.take() {
            Some(e) => Err(e),
            None => Ok(root.unwrap_or_else(|| Node::null_at(Span::default()))),
        };
        Built {
            result,
            duplicate_keys,
        }
    }
}

/// Finished collections never grow again: dropping the spare capacity of the growing
/// vectors cuts the tree of a large input by about a third.
fn shrunk<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

fn scalar_node(text: String, style: EventStyle, explicit_str: bool, span: Span) -> Node {
    let (style, value) = match style {
        EventStyle::Plain if !explicit_str => {
            let value = resolve_plain(&text);
            (ScalarStyle::Plain, value)
        }
        EventStyle::Plain => (ScalarStyle::Plain, ScalarValue::Str),
        EventStyle::SingleQuoted | EventStyle::DoubleQuoted => {
            (ScalarStyle::Quoted, ScalarValue::Str)
        }
        EventStyle::Literal | EventStyle::Folded => (ScalarStyle::Block, ScalarValue::Str),
    };
    Node {
        value: Value::Scalar(Scalar { text, style, value }),
        span,
        style: CollectionStyle::Block,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse_documents(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0).result.expect("parses")
    }

    #[test]
    fn spans_are_one_based_and_end_exclusive() {
        let node = one("a:\n  b: true\n");
        let b = node.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.span.start, Pos { line: 2, column: 6 });
        assert_eq!(
            b.span.end,
            Pos {
                line: 2,
                column: 10
            }
        );
        assert_eq!(b.as_bool(), Some(true));
    }

    #[test]
    fn a_bad_document_does_not_hide_the_next() {
        let docs = parse_documents("a: [1\n---\nb: 2\n");
        assert_eq!(docs.len(), 2);
        let err = docs[0].result.as_ref().unwrap_err();
        assert_eq!(err.pos.line, 2);
        let ok = docs[1].result.as_ref().unwrap();
        assert_eq!(ok.get("b").unwrap().span.start, Pos { line: 3, column: 4 });
    }

    #[test]
    fn duplicate_keys_keep_both_locations_and_the_last_value() {
        let docs = parse_documents("spec:\n  x: 1\n  x: 2\n");
        let dup = &docs[0].duplicate_keys[0];
        assert_eq!(dup.pointer, "/spec/x");
        assert_eq!((dup.first.start.line, dup.second.start.line), (2, 3));
        let node = docs[0].result.as_ref().unwrap();
        assert_eq!(
            node.get("spec").unwrap().get("x").unwrap().span.start.line,
            3
        );
    }

    #[test]
    fn merge_keys_do_not_override_explicit_keys() {
        let node = one("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let m = node.get("m").unwrap();
        assert!(m.get("<<").is_none());
        assert_eq!(m.get("x").unwrap().span.start.line, 1);
        assert_eq!(m.get("y").unwrap().span.start.line, 4);
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let docs = parse_documents(&text);
        let err = docs[0].result.as_ref().unwrap_err();
        assert!(err.message.contains("alias"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        // Flow nesting is cut by the parser's own recursion limit, block nesting by ours.
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_documents(&flow).remove(0).result.unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        assert_eq!(err.pos.line, 1);
        let block: String = (0..1_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let err = parse_documents(&block).remove(0).result.unwrap_err();
        assert!(err.message.contains("nesting deeper than"), "{err:?}");
        assert_eq!(err.pos.line, MAX_DEPTH as u32 + 1);
    }

    #[test]
    fn empty_documents_are_skipped() {
        assert!(parse_documents("").is_empty());
        assert!(parse_documents("---\n# only a comment\n---\n").is_empty());
        assert_eq!(parse_documents("---\na: 1\n---\n---\nb: 1\n")[1].index, 1);
    }
}
