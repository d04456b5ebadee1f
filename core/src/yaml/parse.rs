//! From text to document trees, one document at a time.
//!
//! `saphyr-parser` (a maintained YAML 1.2 pull parser with start and end markers) feeds
//! events to an iterative builder of our own: no recursion, so deep nesting cannot
//! overflow the stack, and aliases are expanded under a budget of bytes copied, so alias
//! bombs stay bounded. `serde_yaml` is not used for manifests: it is deprecated upstream and keeps no
//! value spans. JSON is read by the same parser, since YAML 1.2 is a superset of JSON.

use std::collections::HashMap;

use ecow::EcoString;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle as EventStyle, Span as EventSpan};

use super::node::{Entry, Node, Pos, Scalar, ScalarStyle, ScalarValue, Span, Value, SMALL_MAP};
use super::quick_scan;
use super::resolve::{json_key, resolve_plain, resolve_tagged};
use crate::pointer;

/// Deeper nesting than this is refused with an error at the offending line, aliases
/// included. Real manifests stay far below it (CRD schemas reach about 30 levels). Plugins
/// get each object inside three levels of the ABI's input document, which the built-in
/// plugin and most others read with serde_json and its limit of 128 levels: within that
/// limit, both engines refuse the same documents, one by one.
pub const MAX_DEPTH: usize = 100;
/// Aliases of one input may copy at most this many times the input's size in tree
/// bytes ([`AliasBudget`]), and at least [`MIN_ALIAS_BUDGET`].
pub const ALIAS_BUDGET_RATIO: usize = 16;
pub const MIN_ALIAS_BUDGET: usize = 16 << 20;

/// What alias expansion may still copy, in bytes of tree, shared by every document of an
/// input. Each alias costs what it copies: its nodes and its scalars' text. Counting nodes
/// alone let 99,000 aliases of one 1 MiB scalar take 100 GB.
#[derive(Clone, Debug)]
pub struct AliasBudget {
    limit: usize,
    /// Memory: what the trees kept so far may still grow by.
    remaining: usize,
    /// Time: copying done by failed documents is given back to `remaining` but not
    /// here, or many small bombs, each failing, would copy `limit` bytes apiece.
    work_left: usize,
}

impl AliasBudget {
    /// The budget for an input of `len` bytes (all its sources together).
    pub fn for_input_len(len: usize) -> AliasBudget {
        let limit = len.saturating_mul(ALIAS_BUDGET_RATIO).max(MIN_ALIAS_BUDGET);
        AliasBudget {
            limit,
            remaining: limit,
            work_left: limit.saturating_mul(2),
        }
    }

    /// Whether no alias has been expanded against this budget: a source that leaves a
    /// budget untouched parses the same under any budget.
    pub fn is_untouched(&self) -> bool {
        self.remaining == self.limit && self.work_left == self.limit.saturating_mul(2)
    }
}

/// What one node of a tree costs the alias budget besides its text.
const NODE_WEIGHT: usize = std::mem::size_of::<Node>();

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
    parse_documents_within(text, &mut AliasBudget::for_input_len(text.len()))
}

/// [`parse_documents`] with an alias budget shared with other sources of the same input.
/// A document that fails gives back what its aliases took: its tree is dropped.
pub fn parse_documents_within(text: &str, budget: &mut AliasBudget) -> Vec<Document> {
    let mut documents = Vec::new();
    let mut keys = Keys::default();
    for chunk in split_documents(text) {
        parse_chunk(&chunk, budget, &mut keys, &mut documents);
    }
    documents
}

/// Runs of documents parsed by one worker, sharing its [`Keys`]: at most this many
/// runs per file, so a file of a few documents still parses them side by side.
const RUNS_PER_FILE: usize = 64;

/// [`parse_documents_within`], the documents side by side on the thread pool (with the
/// `parallel` feature): one large file no longer parses on one thread while the others
/// wait. `None` if a document expanded an alias: the shared budget then decides, and the
/// caller parses the text in order.
pub fn parse_documents_apart(text: &str, budget: &AliasBudget) -> Option<Vec<Document>> {
    let chunks = split_documents(text);
    let runs: Vec<&[Chunk<'_>]> = chunks
        .chunks(chunks.len().div_ceil(RUNS_PER_FILE).max(1))
        .collect();
    let parsed = crate::par::map(&runs, |run| {
        let mut keys = Keys::default();
        let mut documents = Vec::new();
        for chunk in run.iter() {
            let mut own = budget.clone();
            parse_chunk(chunk, &mut own, &mut keys, &mut documents);
            if !own.is_untouched() {
                return None;
            }
        }
        Some(documents)
    });
    let mut documents = Vec::new();
    for chunk_documents in parsed {
        for mut document in chunk_documents? {
            // Numbered as in one pass: empty documents count for nothing.
            document.index = documents.len();
            documents.push(document);
        }
    }
    Some(documents)
}

/// The documents of `text` the quick scan leaves to saphyr: why, and their size in bytes.
/// Tests hold the share read quickly up (or the fast path could quietly stop being
/// taken) and show what the rest uses.
#[doc(hidden)]
pub fn quick_scan_refusals(text: &str) -> Vec<(&'static str, usize)> {
    split_documents(text)
        .iter()
        .filter_map(|chunk| {
            let refusal = quick_scan::scan(chunk.text, |_, _| {}).err()?;
            Some((refusal.0, chunk.text.len()))
        })
        .collect()
}

/// [`parse_documents`] with saphyr's scanner for every document: what the quick scan is
/// compared against, in tests and the `quick_scan` fuzz target.
#[doc(hidden)]
pub fn parse_documents_with_saphyr(text: &str) -> Vec<Document> {
    let mut budget = AliasBudget::for_input_len(text.len());
    let mut documents = Vec::new();
    let mut keys = Keys::default();
    for chunk in split_documents(text) {
        parse_chunk_with_saphyr(&chunk, &mut budget, &mut keys, &mut documents);
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
    // Directives (`%YAML`, `%TAG`), comments and blank lines before a `---` belong to
    // the document it starts.
    let mut has_content = false;
    for (line_no, line) in (0u32..).zip(super::lines::lines_inclusive(text)) {
        if is_document_start(line) {
            if has_content {
                chunks.push(Chunk {
                    text: &text[start..offset],
                    line_offset: start_line,
                });
                start = offset;
                start_line = line_no;
            }
            has_content = true;
        } else if !(has_content || line.starts_with(['%', '#']) || line.trim().is_empty()) {
            has_content = true;
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

/// Mapping keys longer than an `EcoString` holds inline, one copy of each shared by the
/// trees of the documents parsed in a row: keys repeat from object to object
/// (`automountServiceAccountToken`, `allowPrivilegeEscalation`,
/// `deployment.kubernetes.io/revision`), and each was an allocation of its own. Values
/// are not shared: most long ones are unique (uids, names), and secrets among them
/// must not outlive their document's tree in a table.
#[derive(Default)]
struct Keys(std::collections::HashSet<EcoString>);

impl Keys {
    /// Distinct keys shared at most: a document of generated keys must not grow the
    /// table without bound.
    const MAX: usize = 4096;

    fn text(&mut self, key: &str) -> EcoString {
        if key.len() <= EcoString::INLINE_LIMIT {
            return key.into();
        }
        if let Some(shared) = self.0.get(key) {
            return shared.clone();
        }
        let text = EcoString::from(key);
        if self.0.len() < Self::MAX {
            self.0.insert(text.clone());
        }
        text
    }
}

fn parse_chunk(
    chunk: &Chunk<'_>,
    budget: &mut AliasBudget,
    keys: &mut Keys,
    out: &mut Vec<Document>,
) {
    if parse_chunk_quickly(chunk, budget, keys, out).is_err() {
        parse_chunk_with_saphyr(chunk, budget, keys, out);
    }
}

/// The chunk read by [`quick_scan`], or nothing done if it uses YAML left to saphyr.
fn parse_chunk_quickly(
    chunk: &Chunk<'_>,
    budget: &mut AliasBudget,
    keys: &mut Keys,
    out: &mut Vec<Document>,
) -> Result<(), quick_scan::Unsupported> {
    let mut builder = Builder::new(chunk, budget.clone(), keys);
    let mut built = None;
    quick_scan::scan(chunk.text, |event, span| {
        if let Some(doc) = builder.on_event(event, span) {
            built = Some(doc);
        }
    })?;
    if let Some(doc) = built {
        push_document(out, doc);
    }
    *budget = builder.alias_budget;
    Ok(())
}

fn parse_chunk_with_saphyr(
    chunk: &Chunk<'_>,
    budget: &mut AliasBudget,
    keys: &mut Keys,
    out: &mut Vec<Document>,
) {
    let mut builder = Builder::new(chunk, budget.clone(), keys);
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
    *budget = builder.alias_budget;
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

/// An open collection. Its items, or entries, wait on the builder's shared stacks from
/// `from` on: a finished collection then takes exactly its length, where vectors of
/// their own grew by doubling and were shrunk again.
enum Frame {
    Seq {
        from: usize,
        start: Pos,
        anchor: usize,
        /// What the collection has cost so far, with the frame itself.
        cost: Cost,
    },
    Map {
        from: usize,
        key: Option<Node>,
        /// The pending key is a merge key (`<<`).
        key_is_merge: bool,
        /// Indices of the entries whose key is a merge key, in order.
        merges: Vec<usize>,
        start: Pos,
        anchor: usize,
        cost: Cost,
    },
}

struct Builder<'a> {
    chunk: &'a Chunk<'a>,
    keys: &'a mut Keys,
    /// Lines of the chunk, as YAML counts them.
    lines: usize,
    stack: Vec<Frame>,
    /// Items of the open sequences and entries of the open mappings, innermost last.
    items: Vec<Node>,
    entries: Vec<Entry>,
    root: Option<Node>,
    /// Anchored nodes with what a copy costs.
    anchors: HashMap<usize, (Node, Cost)>,
    /// The input's budget before the current document, and what the document's aliases
    /// have taken from it so far.
    alias_budget: AliasBudget,
    alias_spent: usize,
    /// Length of the last line in characters, for positions at the end of the text.
    last_line_chars: u32,
    error: Option<ParseError>,
    /// Nesting depth of events skipped after an error inside the current document.
    skip_depth: usize,
    duplicate_keys: Vec<DuplicateKey>,
}

impl<'a> Builder<'a> {
    fn new(chunk: &'a Chunk<'a>, alias_budget: AliasBudget, keys: &'a mut Keys) -> Self {
        let text = chunk.text.as_bytes();
        // Without a CR, every line but the last ends with a LF: counted in one pass.
        let (lines, last) = match memchr::memchr(b'\r', text) {
            None => (
                1 + memchr::memchr_iter(b'\n', text).count(),
                memchr::memrchr(b'\n', text).map_or(0, |i| i + 1),
            ),
            Some(_) => super::lines::line_break_ends(chunk.text)
                .fold((1, 0), |(lines, _), end| (lines + 1, end)),
        };
        let last_line_chars = chunk.text[last..].chars().count() as u32;
        Builder {
            chunk,
            keys,
            lines,
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            alias_budget,
            alias_spent: 0,
            last_line_chars,
            error: None,
            skip_depth: 0,
            duplicate_keys: Vec::new(),
        }
    }

    fn pos(&self, marker: Marker) -> Pos {
        // At the end of a text without a final newline the parser reports the start of
        // a line that does not exist: the end of the last line is where that is.
        if marker.line() > self.lines {
            return Pos {
                line: self.chunk.line_offset + self.lines as u32,
                column: self.last_line_chars + 1,
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
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let merge_key = is_merge_key(&text, style, tag.as_deref());
                // Copied: the parser hands over its scanning buffer (~128 bytes for a
                // word), and a short text is held inline.
                let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                let keys = is_key.then_some(&mut *self.keys);
                let node = match scalar_node(&text, style, tag.as_deref(), sp, keys) {
                    Ok(node) => node,
                    Err(message) => {
                        self.fail(sp.start, message);
                        return None;
                    }
                };
                let cost = Cost::of_scalar(&node);
                if anchor > 0 && !self.anchor(anchor, &node, cost, sp.start) {
                    return None;
                }
                let origin = match merge_key {
                    true => Origin::MergeKey,
                    false => Origin::Other,
                };
                self.push_value(node, cost, origin);
            }
            Event::Alias(id) => {
                let pos = self.pos(span.start);
                match self.anchors.get(&id).map(|&(_, cost)| cost) {
                    Some(cost) if self.stack.len() + cost.height > MAX_DEPTH => self.fail(
                        pos,
                        format!("nesting deeper than {MAX_DEPTH} levels through an alias"),
                    ),
                    Some(cost) => {
                        if self.spend(cost.weight, pos) {
                            let node = self.anchors[&id].0.clone();
                            self.push_value(node, cost, Origin::Alias);
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
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        from: self.items.len(),
                        start,
                        anchor,
                        cost: Cost::EMPTY_COLLECTION,
                    }
                } else {
                    Frame::Map {
                        from: self.entries.len(),
                        key: None,
                        key_is_merge: false,
                        merges: Vec::new(),
                        start,
                        anchor,
                        cost: Cost::EMPTY_COLLECTION,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = self.pos(span.end);
                let frame = self.stack.pop()?;
                let (value, start, anchor, cost) = match frame {
                    Frame::Seq {
                        from,
                        start,
                        anchor,
                        cost,
                    } => {
                        let items = self.items.drain(from..).collect();
                        (Value::Seq(items), start, anchor, cost)
                    }
                    Frame::Map {
                        from,
                        merges,
                        start,
                        anchor,
                        cost,
                        ..
                    } => {
                        let entries = self.entries.drain(from..).collect();
                        let entries = self.finish_map(entries, merges);
                        (Value::Map(entries.into()), start, anchor, cost)
                    }
                };
                let node = Node {
                    value,
                    span: Span { start, end },
                };
                if anchor > 0 && !self.anchor(anchor, &node, cost, start) {
                    return None;
                }
                self.push_value(node, cost, Origin::Other);
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
        None
    }

    /// Takes `weight` bytes of copying from the alias budget, or fails the document.
    fn spend(&mut self, weight: usize, pos: Pos) -> bool {
        let spent = self.alias_spent.saturating_add(weight);
        if spent > self.alias_budget.remaining || weight > self.alias_budget.work_left {
            let limit = self.alias_budget.limit >> 20;
            self.fail(
                pos,
                format!("aliases copy more than {limit} MiB, {ALIAS_BUDGET_RATIO} times the input (alias bomb?)"),
            );
            return false;
        }
        self.alias_spent = spent;
        self.alias_budget.work_left -= weight;
        true
    }

    /// Keeps a copy of an anchored node for its aliases. The copy is paid for like an
    /// alias: nested anchors around one large value would each copy it again.
    fn anchor(&mut self, anchor: usize, node: &Node, cost: Cost, pos: Pos) -> bool {
        if !self.spend(cost.weight, pos) {
            return false;
        }
        self.anchors.insert(anchor, (node.clone(), cost));
        true
    }

    fn push_value(&mut self, node: Node, node_cost: Cost, origin: Origin) {
        let mut bad_merge = None;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { cost, .. }) => {
                cost.add_child(node_cost);
                self.items.push(node)
            }
            Some(Frame::Map {
                from,
                key,
                key_is_merge,
                merges,
                cost,
                ..
            }) => {
                cost.add_child(node_cost);
                match key.take() {
                    None => {
                        *key = Some(as_json_key(node));
                        *key_is_merge = origin == Origin::MergeKey;
                    }
                    Some(k) => {
                        if std::mem::take(key_is_merge) {
                            bad_merge = not_mergeable(&node, origin == Origin::Alias);
                            merges.push(self.entries.len() - *from);
                        }
                        self.entries.push(Entry {
                            key: k,
                            value: node,
                        })
                    }
                }
            }
        }
        if let Some(pos) = bad_merge {
            // go-yaml v2 `decoder.merge`: `failWantMap`, and the document is refused.
            self.fail(
                pos,
                "map merge requires map or sequence of maps as the value (the Kubernetes YAML decoder refuses this document)".into(),
            );
        }
    }

    /// Applies YAML 1.1 merge keys (`<<: *base`) as the Kubernetes decoder does, and
    /// records duplicate keys.
    ///
    /// sigs.k8s.io/yaml decodes with go-yaml v2 (go.yaml.in/yaml/v2 `decoder.mapping`):
    /// it walks the entries in document order, writing each explicit key, and each merge
    /// key's sources, into the same map, so the last write wins. A merge after an
    /// explicit key overrides it, an explicit key after a merge overrides what it merged,
    /// and of two merge keys the second wins. Within one merge sequence (`<<: [*a, *b]`)
    /// v2 merges from the last source to the first, so the first source wins.
    /// (The YAML merge-key draft and go-yaml v3 give explicit keys precedence; the API
    /// server does not.) Each key ends up with one entry, the winner, with the span it
    /// was written at; duplicates among the explicit keys are kept and reported as before.
    fn finish_map(&mut self, entries: Vec<Entry>, merges: Vec<usize>) -> Vec<Entry> {
        self.find_duplicates(&entries, &merges);
        if merges.is_empty() {
            return entries;
        }
        let mut out: Vec<Option<Entry>> = Vec::with_capacity(entries.len());
        // Live entries of each key in `out`: position, and whether a merge wrote it.
        let mut live: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
        let mut write = |entry: Entry, merged: bool| {
            let Some(k) = entry.key_str() else {
                out.push(Some(entry));
                return;
            };
            let slots = live.entry(k.to_owned()).or_default();
            // A merge replaces every earlier value of the key; an explicit key replaces
            // merged ones and keeps explicit duplicates, which the duplicate-key rule shows.
            slots.retain(|&(at, by_merge)| {
                let replaced = merged || by_merge;
                if replaced {
                    out[at] = None;
                }
                !replaced
            });
            slots.push((out.len(), merged));
            out.push(Some(entry));
        };
        let mut merge_at = merges.into_iter().peekable();
        for (i, entry) in entries.into_iter().enumerate() {
            if merge_at.peek() != Some(&i) {
                write(entry, false);
                continue;
            }
            merge_at.next();
            let sources = match entry.value.value {
                Value::Map(source) => vec![source],
                Value::Seq(items) => items
                    .into_vec()
                    .into_iter()
                    .rev()
                    .filter_map(|item| match item.value {
                        Value::Map(source) => Some(source),
                        _ => None,
                    })
                    .collect(),
                Value::Scalar(_) => Vec::new(),
            };
            for source in sources {
                for e in source.into_vec() {
                    write(e, true);
                }
            }
        }
        let mut entries: Vec<Entry> = out.into_iter().flatten().collect();
        entries.shrink_to_fit();
        entries
    }

    /// Records each key written again, with the closest earlier writing of it; the
    /// entries at `merges` (merge keys) are not written keys. Nearly every mapping is
    /// small: its keys are compared, not hashed.
    fn find_duplicates(&mut self, entries: &[Entry], merges: &[usize]) {
        let written = |i: &usize| !merges.contains(i);
        let mut repeats = Vec::new();
        if entries.len() <= SMALL_MAP {
            for (i, entry) in entries.iter().enumerate().filter(|(i, _)| written(i)) {
                let Some(key) = entry.key_str() else { continue };
                let first = (0..i)
                    .rev()
                    .filter(written)
                    .map(|j| &entries[j])
                    .find(|e| e.key_str() == Some(key));
                if let Some(first) = first {
                    repeats.push((first, entry, key));
                }
            }
        } else {
            let mut seen: HashMap<&str, &Entry> = HashMap::new();
            for (_, entry) in entries.iter().enumerate().filter(|(i, _)| written(i)) {
                let Some(key) = entry.key_str() else { continue };
                if let Some(first) = seen.insert(key, entry) {
                    repeats.push((first, entry, key));
                }
            }
        }
        for (first, second, key) in repeats {
            let pointer = format!("{}/{}", self.current_pointer(), pointer::escape(key));
            self.duplicate_keys.push(DuplicateKey {
                pointer,
                key: key.to_owned(),
                first: first.key.span,
                second: second.key.span,
            });
        }
    }

    /// Pointer of the collection being completed, built from the open frames.
    fn current_pointer(&self) -> String {
        let mut out = String::new();
        for (depth, frame) in self.stack.iter().enumerate() {
            match frame {
                Frame::Seq { from, .. } => {
                    // The items of this sequence end where the next open one's begin.
                    let end = self.stack[depth + 1..]
                        .iter()
                        .find_map(|deeper| match deeper {
                            Frame::Seq { from, .. } => Some(*from),
                            Frame::Map { .. } => None,
                        })
                        .unwrap_or(self.items.len());
                    out.push_str(&format!("/{}", end - from));
                }
                Frame::Map { key, .. } => {
                    let k = key.as_ref().and_then(|k| match &k.value {
                        Value::Scalar(s) => Some(&*s.text),
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
        self.items.clear();
        self.entries.clear();
        self.anchors.clear();
        if self.error.is_none() {
            self.alias_budget.remaining -= self.alias_spent;
        }
        self.alias_spent = 0;
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

/// What copying a node costs: bytes of tree for the alias budget, and the collection
/// levels it adds where it lands.
#[derive(Clone, Copy, Debug)]
struct Cost {
    weight: usize,
    height: usize,
}

impl Cost {
    const EMPTY_COLLECTION: Cost = Cost {
        weight: NODE_WEIGHT,
        height: 1,
    };

    fn of_scalar(node: &Node) -> Cost {
        let text = match &node.value {
            Value::Scalar(s) => s.text.len(),
            _ => 0,
        };
        Cost {
            weight: NODE_WEIGHT + text,
            height: 0,
        }
    }

    fn add_child(&mut self, child: Cost) {
        self.weight = self.weight.saturating_add(child.weight);
        self.height = self.height.max(child.height + 1);
    }
}

/// A scalar resolved as the Kubernetes decoder resolves it: plain ones by YAML 1.1 rules,
/// quoted and block ones as strings, and explicitly tagged ones by their tag (`tag` in
/// full), which may refuse the document.
fn scalar_node(
    text: &str,
    style: EventStyle,
    tag: Option<&str>,
    span: Span,
    keys: Option<&mut Keys>,
) -> Result<Node, String> {
    let style = match style {
        EventStyle::Plain => ScalarStyle::Plain,
        EventStyle::SingleQuoted | EventStyle::DoubleQuoted => ScalarStyle::Quoted,
        EventStyle::Literal | EventStyle::Folded => ScalarStyle::Block,
    };
    let owned = |text: &str| match keys {
        Some(keys) => keys.text(text),
        None => text.into(),
    };
    let (value, text) = match tag {
        Some(tag) => {
            let (value, decoded) = resolve_tagged(tag, text)?;
            (value, decoded.map_or_else(|| owned(text), EcoString::from))
        }
        None if style == ScalarStyle::Plain => (resolve_plain(text), owned(text)),
        None => (ScalarValue::Str, owned(text)),
    };
    Ok(Node {
        value: Value::Scalar(Scalar { text, style, value }),
        span,
    })
}

/// A mapping key as the decoder's JSON has it: `yes:` is the key `"true"`, `0x10:` is
/// `"16"`, whatever the tag made of it.
fn as_json_key(mut node: Node) -> Node {
    if let Value::Scalar(s) = &mut node.value {
        if let Some(key) = json_key(s) {
            s.text = key.into();
            s.value = ScalarValue::Str;
        }
    }
    node
}

/// Where a value pushed into a collection came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A scalar that is a merge key if it is a mapping key.
    MergeKey,
    Alias,
    Other,
}

/// Whether a scalar is a merge key as go-yaml v2 `isMerge` decides it: the text `<<`,
/// implicit (plain without a tag, or with the non-specific `!`, whatever the style) or
/// tagged `!!merge` (then quoted too). A quoted `"<<"` is an ordinary key, and so is an
/// alias of a `<<` (v2 checks the alias node, not what it points to).
fn is_merge_key(text: &str, style: EventStyle, tag: Option<&str>) -> bool {
    text == "<<"
        && match tag {
            None => style == EventStyle::Plain,
            Some(tag) => tag == "!" || tag == "tag:yaml.org,2002:merge",
        }
}

/// Where the value of a merge key is not something go-yaml v2 merges: a mapping, or a
/// sequence (not an alias of one) of mappings.
fn not_mergeable(value: &Node, from_alias: bool) -> Option<Pos> {
    match &value.value {
        Value::Map(_) => None,
        Value::Seq(_) if from_alias => Some(value.span.start),
        Value::Seq(items) => items
            .iter()
            .find(|item| !matches!(item.value, Value::Map(_)))
            .map(|item| item.span.start),
        Value::Scalar(_) => Some(value.span.start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Resolved;

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
    fn an_explicit_key_after_a_merge_overrides_it() {
        let node = one("base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3\n");
        let m = node.get("m").unwrap();
        assert!(m.get("<<").is_none());
        assert_eq!(m.get("x").unwrap().span.start.line, 1);
        assert_eq!(m.get("z").unwrap().span.start.line, 4);
        assert_eq!(m.as_map().unwrap().len(), 2);
    }

    /// The value of `key` in `m`, as the line and column it was written at, and its
    /// resolved value.
    fn at<'a>(m: &'a Node, key: &str) -> (u32, u32, Resolved<'a>) {
        let v = m.get(key).unwrap_or_else(|| panic!("no {key} in {m:?}"));
        let Value::Scalar(s) = &v.value else {
            panic!("{v:?}")
        };
        (v.span.start.line, v.span.start.column, s.resolved())
    }

    /// Long keys are one copy for the documents parsed in a row; values and short keys
    /// are their own.
    #[test]
    fn long_keys_are_shared_between_documents() {
        // Enough documents that a run of those parsed side by side holds several.
        let text = "automountServiceAccountToken: false\nv: automountServiceAccountToken\n---\n"
            .repeat(4 * RUNS_PER_FILE);
        let text = text.as_str();
        let key_and_value = |doc: &Document| {
            let root = doc.result.as_ref().unwrap();
            let entries = root.as_map().unwrap();
            let text = |n: &Node| match &n.value {
                Value::Scalar(s) => s.text.clone(),
                _ => panic!("{n:?}"),
            };
            (text(&entries[0].key), text(&entries[1].value))
        };
        for docs in [
            parse_documents(text),
            parse_documents_apart(text, &AliasBudget::for_input_len(text.len())).unwrap(),
        ] {
            let (key1, value1) = key_and_value(&docs[0]);
            let (key2, value2) = key_and_value(&docs[1]);
            assert_eq!((&key1, &value1), (&key2, &value2));
            assert_eq!(key1.as_ptr(), key2.as_ptr(), "one copy of the key");
            assert_ne!(value1.as_ptr(), value2.as_ptr(), "values are not shared");
        }
    }

    #[test]
    fn a_merge_after_an_explicit_key_overrides_it_as_go_yaml_v2_does() {
        // go-yaml v2 `decoder.mapping` writes entries in order into one map: last wins.
        let node = one("sc:\n  privileged: false\n  <<: {privileged: true}\n");
        let sc = node.get("sc").unwrap();
        assert_eq!(at(sc, "privileged"), (3, 20, Resolved::Bool(true)));
        assert_eq!(sc.as_map().unwrap().len(), 1);
        // Through an alias, the winner is located at its anchor.
        let node = one("a: &a {privileged: true}\nsc:\n  privileged: false\n  <<: *a\n");
        assert_eq!(
            at(node.get("sc").unwrap(), "privileged"),
            (1, 20, Resolved::Bool(true))
        );
        // Not a duplicate key: the key is written once in the mapping.
        assert!(parse_documents("sc:\n  p: 1\n  <<: {p: 2}\n")[0]
            .duplicate_keys
            .is_empty());
    }

    #[test]
    fn of_two_merge_keys_the_second_wins() {
        let node = one("sc:\n  <<: {privileged: false, a: 1}\n  <<: {privileged: true}\n");
        let sc = node.get("sc").unwrap();
        assert_eq!(at(sc, "privileged"), (3, 20, Resolved::Bool(true)));
        assert_eq!(at(sc, "a"), (2, 30, Resolved::Int(1)));
    }

    #[test]
    fn in_one_merge_sequence_the_first_source_wins() {
        // v2 `decoder.merge` steps backwards through the sequence.
        let node = one("a: &a {p: 1}\nb: &b {p: 2, q: 3}\nm:\n  <<: [*a, *b]\n");
        let m = node.get("m").unwrap();
        assert_eq!(at(m, "p"), (1, 11, Resolved::Int(1)));
        assert_eq!(at(m, "q"), (2, 17, Resolved::Int(3)));
        // ...and an explicit key after the sequence still wins over both.
        let node = one("a: &a {p: 1}\nm:\n  <<: [*a, {p: 2}]\n  p: 3\n");
        assert_eq!(at(node.get("m").unwrap(), "p"), (4, 6, Resolved::Int(3)));
    }

    #[test]
    fn merge_keys_are_those_go_yaml_v2_is_merge_accepts() {
        // `!!merge "<<"` and `! "<<"` are merge keys; a quoted `"<<"` and `!!str <<` are not.
        for key in [
            "!!merge \"<<\"",
            "!!merge <<",
            "! '<<'",
            "!<tag:yaml.org,2002:merge> <<",
        ] {
            let node = one(&format!(
                "sc:\n  privileged: false\n  {key}: {{privileged: true}}\n"
            ));
            let sc = node.get("sc").unwrap();
            assert_eq!(sc.get("privileged").unwrap().as_bool(), Some(true), "{key}");
            assert!(sc.get("<<").is_none(), "{key}");
        }
        for key in ["\"<<\"", "'<<'", "!!str <<"] {
            let node = one(&format!(
                "sc:\n  privileged: false\n  {key}: {{privileged: true}}\n"
            ));
            let sc = node.get("sc").unwrap();
            assert_eq!(
                sc.get("privileged").unwrap().as_bool(),
                Some(false),
                "{key}"
            );
            assert!(sc.get("<<").is_some(), "{key}");
        }
        // An alias of a `<<` key is an ordinary key too.
        let node = one("k: &k <<\nsc:\n  *k : {privileged: true}\n");
        assert!(node.get("sc").unwrap().get("<<").is_some());
    }

    #[test]
    fn explicit_duplicates_are_still_reported_around_merges() {
        let docs = parse_documents("m:\n  x: 1\n  <<: {x: 2}\n  x: 3\n");
        let dup = &docs[0].duplicate_keys;
        assert_eq!(dup.len(), 1, "{dup:?}");
        assert_eq!((dup[0].first.start.line, dup[0].second.start.line), (2, 4));
        let node = docs[0].result.as_ref().unwrap();
        assert_eq!(at(node.get("m").unwrap(), "x"), (4, 6, Resolved::Int(3)));
    }

    #[test]
    fn merging_what_is_not_a_mapping_refuses_the_document() {
        for text in [
            "m:\n  <<: 1\n",
            "m:\n  <<:\n",
            "m:\n  <<: [{a: 1}, 2]\n",
            "s: &s [{a: 1}]\nm:\n  <<: *s\n",
        ] {
            let err = parse_documents(text).remove(0).result.unwrap_err();
            assert!(
                err.message.contains("map merge requires"),
                "{text}: {err:?}"
            );
        }
        assert!(parse_documents("m:\n  <<: []\n")[0].result.is_ok());
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
    fn aliases_pay_for_the_bytes_they_copy() {
        // Few aliases, many bytes: 100 copies of 1 MiB would be 100 MiB.
        let big = "x".repeat(1 << 20);
        let aliases = ["*a"; 100].join(", ");
        let text = format!("a: &a {big}\nb: [{aliases}]\n---\nc: &c {{k: v}}\nd: *c\n");
        let docs = parse_documents(&text);
        let err = docs[0].result.as_ref().unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
        assert_eq!(err.pos.line, 2);
        // The budget is about 16 MiB here, the anchor's copy takes 1 MiB of it: the alias
        // that crossed it is the 16th.
        assert_eq!(err.pos.column, 5 + 15 * 4);
        // The failed document gave its share back: the next one's alias is fine.
        let d = docs[1].result.as_ref().unwrap().get("d").unwrap();
        assert_eq!(d.get("k").unwrap().as_str(), Some("v"));
    }

    #[test]
    fn failed_bombs_do_not_get_their_copying_time_back() {
        // Each document copies almost the whole budget before it fails; without a cap
        // on copying, thousands of them would each copy as much.
        let big = "x".repeat(1 << 20);
        let bomb = format!("a: &a {big}\nb: [{}]\n", ["*a"; 17].join(", "));
        let mut budget = AliasBudget::for_input_len(0);
        let docs = parse_documents_within(&[bomb.as_str(); 6].join("---\n"), &mut budget);
        let columns: Vec<u32> = docs
            .iter()
            .map(|d| d.result.as_ref().unwrap_err().pos.column)
            .collect();
        // 16 MiB, the anchor's copy included: the 15th alias crosses it, twice; then the copying allowed (twice the
        // budget) runs out early in the third document.
        let fifteenth = 5 + 14 * 4;
        assert_eq!(&columns[..2], [fifteenth, fifteenth]);
        assert!(columns[2..].iter().all(|c| *c < 5 + 2 * 4), "{columns:?}");
    }

    #[test]
    fn nested_anchors_pay_for_their_copies() {
        // Each anchor keeps a copy of what it holds: 100 around one 1 MiB scalar would
        // hold 100 MiB from a 1 MiB input.
        let big = "x".repeat(1 << 20);
        let text = format!("a: {}{big}{}\n", "&a [".repeat(99), "]".repeat(99));
        let err = parse_documents(&text).remove(0).result.unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
        // A few anchors, as Helm output has them, are free enough.
        assert!(
            parse_documents(&format!("a: &a [&b [&c {big}]]\nb: *a\n"))[0]
                .result
                .is_ok()
        );
    }

    #[test]
    fn sources_of_one_input_share_the_alias_budget() {
        let big = "x".repeat(1 << 20);
        let text = format!("a: &a {big}\nb: [{}]\n", ["*a"; 10].join(", "));
        let mut budget = AliasBudget::for_input_len(0);
        assert!(parse_documents_within(&text, &mut budget)[0].result.is_ok());
        let second = parse_documents_within(&text, &mut budget);
        assert!(second[0]
            .result
            .as_ref()
            .unwrap_err()
            .message
            .contains("alias"));
    }

    #[test]
    fn documents_parsed_apart_are_those_parsed_in_order_unless_an_alias_is_expanded() {
        let budget = AliasBudget::for_input_len(0);
        let plain = "a: 1\n---\n---\n# none\n---\nb: [2]\n---\nc: {d: \n";
        let apart = parse_documents_apart(plain, &budget).expect("no alias");
        let in_order = parse_documents(plain);
        assert_eq!(apart.len(), 3);
        for (a, b) in apart.iter().zip(&in_order) {
            assert_eq!((a.index, &a.result), (b.index, &b.result));
        }
        let aliased = "a: 1\n---\nb: &x 1\nc: *x\n";
        assert!(parse_documents_apart(aliased, &budget).is_none());
    }

    #[test]
    fn flow_collections_on_one_line_are_located_by_characters() {
        let node = one("{\"é\": \"ü\", \"b\": [1, {\"c\": 2}], \"d\": {\"e\": [3]}}");
        let b = node.get("b").unwrap();
        assert_eq!(
            b.span.start,
            Pos {
                line: 1,
                column: 17
            }
        );
        assert_eq!(b.index(1).unwrap().span.start.column, 21);
        let d = node.get("d").unwrap();
        assert_eq!(d.get("e").unwrap().span.start.column, 43);
    }

    #[test]
    fn aliases_cannot_nest_past_the_depth_limit() {
        let half = MAX_DEPTH / 2 + 1;
        let (open, close) = ("[".repeat(half), "]".repeat(half));
        let text = format!("a: &a {open}1{close}\nb: {open}*a{close}\n");
        let err = parse_documents(&text).remove(0).result.unwrap_err();
        assert!(err.message.contains("through an alias"), "{err:?}");
        assert_eq!(
            err.pos,
            Pos {
                line: 2,
                column: 4 + half as u32
            }
        );
        // Right at the limit is fine.
        let (open, close) = ("[".repeat(half - 2), "]".repeat(half - 2));
        let text = format!("a: &a {open}1{close}\nb: {open}*a{close}\n");
        assert!(parse_documents(&text)[0].result.is_ok());
    }

    #[test]
    fn explicit_tags_resolve_as_the_api_server_resolves_them() {
        let node = one("a: !!bool \"true\"\nb: !!str true\nc: ! yes\nd: !!int '0x50'\ne: !foo 1\nf: !<tag:yaml.org,2002:bool> 'on'\n");
        assert_eq!(node.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(node.get("b").unwrap().as_str(), Some("true"));
        assert_eq!(node.get("c").unwrap().as_str(), Some("yes"));
        assert!(matches!(
            &node.get("d").unwrap().value,
            Value::Scalar(s) if s.int() == Some(80)
        ));
        assert_eq!(node.get("e").unwrap().as_str(), Some("1"));
        assert_eq!(node.get("f").unwrap().as_bool(), Some(true));
        // A %TAG directive renames `!!` as go-yaml lets it.
        let node = one("%TAG !k! tag:yaml.org,2002:\n---\na: !k!bool 'yes'\n");
        assert_eq!(node.get("a").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn a_tag_that_does_not_fit_refuses_its_document_alone() {
        let docs = parse_documents("a: 1\n---\nspec:\n  p: !!bool \"maybe\"\n---\nb: 2\n");
        let err = docs[1].result.as_ref().unwrap_err();
        assert!(err.message.contains("as a !!bool"), "{err:?}");
        assert_eq!(err.pos, Pos { line: 4, column: 6 });
        assert!(docs[0].result.is_ok() && docs[2].result.is_ok());
    }

    #[test]
    fn keys_are_the_decoders_json_keys() {
        let node = one(
            "!!binary cHJpdmlsZWdlZA==: true\nyes: 1\n0x10: a\n16: b\n1.5: c\n&k on: 2\nv: *k\n",
        );
        assert_eq!(node.get("privileged").unwrap().as_bool(), Some(true));
        assert!(node.get("true").is_some());
        assert!(node.get("1.5").is_some());
        // go-yaml v2 reads a plain `y` as true, keys included.
        assert!(one("y: 1\n").get("true").is_some());
        // `0x10` and `16` are the same key: the last wins and both are reported.
        assert_eq!(node.get("16").unwrap().as_str(), Some("b"));
        let docs = parse_documents("0x10: a\n16: b\n");
        assert_eq!(docs[0].duplicate_keys[0].pointer, "/16");
        // An anchored key keeps its value where it is aliased.
        assert_eq!(node.get("v").unwrap().as_bool(), Some(true));
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
