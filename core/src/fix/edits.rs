//! Text edits that turn a node of the source into a wanted JSON value, touching only
//! what differs: a changed scalar is replaced where it stands, a mapping gets its new
//! members after its last one, a list gets its new items after its last one, a member is
//! removed with its line. Mappings and lists are entered, never rewritten, so comments
//! and layout inside them stay; only a value whose type changes (a `null` becoming a
//! mapping) is replaced whole. New text follows the document: block or flow style, JSON,
//! its indentation step, where its list dashes sit, its quoting and its line breaks.

use serde_json::{Map, Value as Json};

use super::apply::TextIndex;
use crate::report::Edit;
use crate::yaml::{
    resolve_plain_is_string, same_as_json, Entry, Node, ScalarStyle, ScalarValue, Value,
};

/// How the document writes what a fix adds.
pub struct Layout {
    /// A JSON document: keys and strings in double quotes.
    json: bool,
    /// Spaces a nested block mapping is indented by.
    step: usize,
    /// Spaces a block list's dashes sit right of its key (0: `containers:\n- name`).
    seq_indent: usize,
    /// The quote the document puts around strings that need none, if it does.
    quote: Option<char>,
    eol: &'static str,
}

/// Nodes looked at to learn the layout.
const LAYOUT_SAMPLE: usize = 2_000;

impl Layout {
    pub fn of(index: &TextIndex<'_>, root: &Node) -> Layout {
        let first_key_quote = root
            .as_map()
            .and_then(|e| e.first())
            .and_then(|e| index.offset(e.key.span.start))
            .and_then(|at| index.text[at..].chars().next());
        let json = is_flow(index, root)
            && (first_key_quote == Some('"') || root.as_map().is_some_and(|e| e.is_empty()));
        let mut layout = Layout {
            json,
            step: 0,
            seq_indent: usize::MAX,
            quote: None,
            eol: index.eol(),
        };
        let (mut quoted, mut plain, mut quote) = (0usize, 0usize, None);
        let mut pending = vec![root];
        let mut seen = 0;
        while let Some(node) = pending.pop() {
            seen += 1;
            if seen > LAYOUT_SAMPLE {
                break;
            }
            match &node.value {
                Value::Map(entries) => {
                    for entry in entries {
                        layout.learn_nesting(index, node, entry);
                        pending.push(&entry.value);
                    }
                }
                Value::Seq(items) => pending.extend(items.iter().rev()),
                Value::Scalar(s) if s.value == ScalarValue::Str && plain_ok(&s.text) => {
                    match s.style {
                        ScalarStyle::Quoted => {
                            quoted += 1;
                            quote = quote.or_else(|| {
                                index
                                    .offset(node.span.start)
                                    .and_then(|at| index.text[at..].chars().next())
                            });
                        }
                        ScalarStyle::Plain => plain += 1,
                        ScalarStyle::Block => {}
                    }
                }
                Value::Scalar(_) => {}
            }
        }
        if layout.step == 0 {
            layout.step = 2;
        }
        if layout.seq_indent == usize::MAX {
            layout.seq_indent = 0;
        }
        if quoted > plain {
            layout.quote = quote.filter(|q| *q == '"' || *q == '\'');
        }
        layout
    }

    fn learn_nesting(&mut self, index: &TextIndex<'_>, map: &Node, entry: &Entry) {
        if is_flow(index, map) || is_flow(index, &entry.value) {
            return;
        }
        let key = entry.key.span.start.column as usize;
        match &entry.value.value {
            Value::Map(children) if self.step == 0 => {
                if let Some(child) = children.first() {
                    let column = child.key.span.start.column as usize;
                    if column > key && child.key.span.start.line > entry.key.span.start.line {
                        self.step = column - key;
                    }
                }
            }
            Value::Seq(items) if self.seq_indent == usize::MAX => {
                if let Some(dash) = items.first().and_then(|item| dash(index, item)) {
                    let column = index.pos(dash).column as usize;
                    if column >= key {
                        self.seq_indent = column - key;
                    }
                }
            }
            _ => {}
        }
    }

    fn key(&self, key: &str) -> String {
        if self.json {
            Json::String(key.to_owned()).to_string()
        } else {
            plain_or_quoted(key, None)
        }
    }

    /// A value in flow style (JSON in a JSON document).
    pub(crate) fn flow(&self, value: &Json) -> String {
        match value {
            Json::String(s) if self.json => Json::String(s.clone()).to_string(),
            Json::String(s) => plain_or_quoted(s, self.quote),
            Json::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| self.flow(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Json::Object(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_string(),
        }
    }

    /// What follows `key:` in block style for a key at `indent`: ` value`, or the
    /// mapping's members or list's items on the lines below.
    fn block_value(&self, value: &Json, indent: usize, out: &mut String) {
        match value {
            Json::Object(map) if !map.is_empty() => {
                for (key, value) in map {
                    self.block_entry(key, value, indent + self.step, out);
                }
            }
            Json::Array(items) if !items.is_empty() => {
                for item in items {
                    self.block_item(item, indent + self.seq_indent, out);
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&self.flow(value));
            }
        }
    }

    /// A line break, then `key: value` at `indent`.
    fn block_entry(&self, key: &str, value: &Json, indent: usize, out: &mut String) {
        out.push_str(self.eol);
        out.push_str(&" ".repeat(indent));
        out.push_str(&self.key(key));
        out.push(':');
        self.block_value(value, indent, out);
    }

    /// A line break, then `- item` with the dash at `indent`.
    fn block_item(&self, item: &Json, indent: usize, out: &mut String) {
        out.push_str(self.eol);
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Json::Object(map) if !map.is_empty() => {
                for (i, (key, value)) in map.iter().enumerate() {
                    if i == 0 {
                        out.push(' ');
                        out.push_str(&self.key(key));
                        out.push(':');
                        self.block_value(value, indent + 2, out);
                    } else {
                        self.block_entry(key, value, indent + 2, out);
                    }
                }
            }
            _ => {
                out.push(' ');
                out.push_str(&self.flow(item));
            }
        }
    }
}

/// A string plain where that reads back as the same string, else in `quote` (double
/// quotes by default).
fn plain_or_quoted(s: &str, quote: Option<char>) -> String {
    match quote {
        _ if !plain_ok(s) && quote != Some('\'') => Json::String(s.to_owned()).to_string(),
        Some('\'') => format!("'{}'", s.replace('\'', "''")),
        Some(_) => Json::String(s.to_owned()).to_string(),
        None => s.to_owned(),
    }
}

fn plain_ok(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && resolve_plain_is_string(s)
}

fn empty_null(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar(s) if s.value == ScalarValue::Null && s.text.is_empty())
}

/// The offset of a block list item's dash.
fn dash(index: &TextIndex<'_>, item: &Node) -> Option<usize> {
    let at = index.offset(item.span.start)?;
    let before = &index.text[index.line_start(at)..at];
    let trimmed = before.trim_end_matches(' ');
    trimmed
        .ends_with('-')
        .then(|| index.line_start(at) + trimmed.len() - 1)
}

/// The offset just past a key's `:`.
fn after_colon(index: &TextIndex<'_>, key: &Node) -> Option<usize> {
    let end = index.offset(key.span.end)?;
    let rest = &index.text[end..];
    let colon = rest.find(':')?;
    rest[..colon]
        .chars()
        .all(|c| c == ' ' || c == '"' || c == '\'')
        .then_some(end + colon + 1)
}

/// Whether `node` is a collection written in flow style (`{…}`, `[…]`): its text starts
/// with the bracket (a block collection's starts at its first key or dash). Text fixes
/// insert keys and items only into block collections.
fn is_flow(index: &TextIndex<'_>, node: &Node) -> bool {
    !matches!(node.value, Value::Scalar(_))
        && matches!(index.char_at(node.span.start), Some('{' | '['))
}

/// Where a node's own text ends (a block collection's span runs on to the next line).
fn content_end(index: &TextIndex<'_>, node: &Node) -> Option<usize> {
    if is_flow(index, node) {
        return index.offset(node.span.end);
    }
    match &node.value {
        Value::Map(entries) => {
            let last = entries.last()?;
            match empty_null(&last.value) {
                true => after_colon(index, &last.key),
                false => content_end(index, &last.value),
            }
        }
        Value::Seq(items) => {
            let last = items.last()?;
            match empty_null(last) {
                true => dash(index, last).map(|d| d + 1),
                false => content_end(index, last),
            }
        }
        // A block scalar's span runs to where the next token starts: its text ends at
        // its last non-blank character.
        Value::Scalar(s) if s.style == ScalarStyle::Block => {
            let start = index.offset(node.span.start)?;
            let end = index.offset(node.span.end)?;
            let body = index.text.get(start..end)?;
            Some(start + body.trim_end().len())
        }
        Value::Scalar(_) => index.offset(node.span.end),
    }
}

/// Whether only blanks or a comment follow `at` on its line.
fn rest_of_line_is_blank(index: &TextIndex<'_>, at: usize) -> bool {
    let rest = index.text[at..index.line_end(at)].trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

struct Diff<'a, 'b> {
    index: &'a TextIndex<'b>,
    layout: &'a Layout,
    edits: Vec<(usize, usize, String)>,
}

/// The edits that turn `node` (in the text `index` holds) into `target`; `None` when the
/// layout does not allow one (then no part of the change is made).
pub(crate) fn diff(
    index: &TextIndex<'_>,
    layout: &Layout,
    node: &Node,
    target: &Json,
) -> Option<Vec<Edit>> {
    let mut diff = Diff {
        index,
        layout,
        edits: Vec::new(),
    };
    diff.node(node, target, None)?;
    Some(
        diff.edits
            .into_iter()
            .map(|(start, end, text)| {
                let (from, to) = (index.pos(start), index.pos(end));
                Edit {
                    line: from.line,
                    column: from.column,
                    end_line: to.line,
                    end_column: to.column,
                    text,
                }
            })
            .collect(),
    )
}

impl Diff<'_, '_> {
    /// `parent`: the mapping holding `node` and its key.
    fn node(&mut self, node: &Node, target: &Json, parent: Option<(&Node, &Node)>) -> Option<()> {
        if same_as_json(node, target) {
            return Some(());
        }
        match (&node.value, target) {
            (Value::Map(entries), Json::Object(wanted)) => {
                if entries.iter().any(|e| e.key_str() == Some("<<")) {
                    return None; // a merge key: the text does not hold these members
                }
                let mut removed = Vec::new();
                for (i, entry) in entries.iter().enumerate() {
                    let Some(key) = entry.key_str() else { continue };
                    match wanted.get(key) {
                        Some(value) => self.node(&entry.value, value, Some((node, &entry.key)))?,
                        None => removed.push(i),
                    }
                }
                let mut added = Map::new();
                for (key, value) in wanted {
                    if !entries.iter().any(|e| e.key_str() == Some(key.as_str())) {
                        added.insert(key.clone(), value.clone());
                    }
                }
                if removed.len() == entries.len() && !entries.is_empty() {
                    return self.replace(node, target, parent);
                }
                for &i in &removed {
                    self.remove_entry(node, entries, i)?;
                }
                if !added.is_empty() {
                    // New members go after the last member that stays: one removed at
                    // the end takes its line with it.
                    let kept = entries
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|(i, _)| !removed.contains(i))
                        .map(|(i, _)| i + 1)
                        .unwrap_or(entries.len());
                    self.insert_entries(node, &entries[..kept], &added)?;
                }
                Some(())
            }
            (Value::Seq(items), Json::Array(wanted)) if wanted.len() >= items.len() => {
                for (item, value) in items.iter().zip(wanted) {
                    self.node(item, value, None)?;
                }
                if wanted.len() > items.len() {
                    self.append_items(node, items, &wanted[items.len()..])?;
                }
                Some(())
            }
            _ => self.replace(node, target, parent),
        }
    }

    fn push(&mut self, start: usize, end: usize, text: String) {
        self.edits.push((start, end, text));
    }

    /// Replaces a value whose type changes (or a shorter list) whole.
    fn replace(
        &mut self,
        node: &Node,
        target: &Json,
        parent: Option<(&Node, &Node)>,
    ) -> Option<()> {
        if empty_null(node) {
            // `key:` with nothing after it: the value goes after the colon, or for a
            // block mapping or list in a block document on the lines below.
            let (map, key) = parent?;
            let colon = after_colon(self.index, key)?;
            let indent = key.span.start.column.saturating_sub(1) as usize;
            let mut text = String::new();
            if !is_flow(self.index, map) {
                self.layout.block_value(target, indent, &mut text);
            } else {
                text = format!(" {}", self.layout.flow(target));
            }
            let at = match text.starts_with(self.layout.eol) {
                true => self.index.line_end(colon),
                false => colon,
            };
            self.push(at, at, text);
            return Some(());
        }
        let start = self.index.offset(node.span.start)?;
        let end = content_end(self.index, node)?;
        // A block mapping replaced by a mapping stays a block mapping, at its own
        // column: `pods:` keeps its members one a line.
        if let (Value::Map(entries), Json::Object(members)) = (&node.value, target) {
            if !is_flow(self.index, node) && !entries.is_empty() && !members.is_empty() {
                let indent = node.span.start.column.saturating_sub(1) as usize;
                let mut text = String::new();
                for (key, value) in members {
                    self.layout.block_entry(key, value, indent, &mut text);
                }
                let lead = self.layout.eol.len() + indent;
                self.push(start, end, text[lead..].to_owned());
                return Some(());
            }
        }
        self.push(start, end, self.layout.flow(target));
        Some(())
    }

    fn insert_entries(
        &mut self,
        map: &Node,
        entries: &[Entry],
        added: &Map<String, Json>,
    ) -> Option<()> {
        let layout = self.layout;
        if is_flow(self.index, map) {
            let members: Vec<String> = added
                .iter()
                .map(|(k, v)| format!("{}: {}", layout.key(k), layout.flow(v)))
                .collect();
            let Some(last) = entries.last() else {
                let start = self.index.offset(map.span.start)?;
                let end = self.index.offset(map.span.end)?;
                self.push(start, end, format!("{{{}}}", members.join(", ")));
                return Some(());
            };
            let end = match empty_null(&last.value) {
                true => after_colon(self.index, &last.key)?,
                false => content_end(self.index, &last.value)?,
            };
            let text = match last.key.span.start.line > map.span.start.line {
                // One member a line, as the mapping has them.
                true => {
                    let key = self.index.offset(last.key.span.start)?;
                    let indent = &self.index.text[self.index.line_start(key)..key];
                    if !indent.chars().all(|c| c == ' ' || c == '\t') {
                        return None;
                    }
                    members
                        .iter()
                        .map(|m| format!(",{}{indent}{m}", layout.eol))
                        .collect()
                }
                false => members.iter().map(|m| format!(", {m}")).collect(),
            };
            self.push(end, end, text);
            return Some(());
        }
        let first = entries.first()?;
        let indent = first.key.span.start.column.saturating_sub(1) as usize;
        let last = entries.last()?;
        let end = match empty_null(&last.value) {
            true => after_colon(self.index, &last.key)?,
            false => content_end(self.index, &last.value)?,
        };
        let mut text = String::new();
        for (key, value) in added {
            layout.block_entry(key, value, indent, &mut text);
        }
        if end > 0 && self.index.line_start(end) == end {
            // The last value (a block scalar) ends with its line break: new lines go
            // before the next line, each with its own line break.
            let text = text[layout.eol.len()..].to_owned() + layout.eol;
            self.push(end, end, text);
        } else {
            let at = self.index.line_end(end);
            self.push(at, at, text);
        }
        Some(())
    }

    fn append_items(&mut self, seq: &Node, items: &[Node], added: &[Json]) -> Option<()> {
        let layout = self.layout;
        if is_flow(self.index, seq) {
            let rendered: Vec<String> = added.iter().map(|v| layout.flow(v)).collect();
            let Some(last) = items.last() else {
                let start = self.index.offset(seq.span.start)?;
                let end = self.index.offset(seq.span.end)?;
                self.push(start, end, format!("[{}]", rendered.join(", ")));
                return Some(());
            };
            let end = content_end(self.index, last)?;
            let text = match last.span.start.line > seq.span.start.line {
                true => {
                    let at = self.index.offset(last.span.start)?;
                    let indent = &self.index.text[self.index.line_start(at)..at];
                    if !indent.chars().all(|c| c == ' ' || c == '\t') {
                        return None;
                    }
                    rendered
                        .iter()
                        .map(|m| format!(",{}{indent}{m}", layout.eol))
                        .collect()
                }
                false => rendered.iter().map(|m| format!(", {m}")).collect(),
            };
            self.push(end, end, text);
            return Some(());
        }
        let first = items.first()?;
        let indent = self
            .index
            .pos(dash(self.index, first)?)
            .column
            .saturating_sub(1) as usize;
        let end = content_end(self.index, seq)?;
        let mut text = String::new();
        for item in added {
            layout.block_item(item, indent, &mut text);
        }
        if end > 0 && self.index.line_start(end) == end {
            let text = text[layout.eol.len()..].to_owned() + layout.eol;
            self.push(end, end, text);
        } else {
            let at = self.index.line_end(end);
            self.push(at, at, text);
        }
        Some(())
    }

    /// Removes member `i` of a mapping with more than one: a block member on lines of its
    /// own with those lines, else up to the next member or from the previous one.
    fn remove_entry(&mut self, map: &Node, entries: &[Entry], i: usize) -> Option<()> {
        let entry = &entries[i];
        let start = self.index.offset(entry.key.span.start)?;
        let end = match empty_null(&entry.value) {
            true => after_colon(self.index, &entry.key)?,
            false => content_end(self.index, &entry.value)?,
        };
        let next = entries.get(i + 1);
        if !is_flow(self.index, map) {
            let line_start = self.index.line_start(start);
            let alone = self.index.text[line_start..start].chars().all(|c| c == ' ');
            if !rest_of_line_is_blank(self.index, end) && self.index.line_start(end) != end {
                return None;
            }
            if alone {
                let to = match self.index.line_start(end) == end {
                    true => end,
                    false => self.index.next_line(end),
                };
                self.push(line_start, to, String::new());
                return Some(());
            }
            // The first member after a list dash: the next member moves up to the dash.
            let next = next?;
            let next_start = self.index.offset(next.key.span.start)?;
            if self.index.line_start(next_start) != self.index.next_line(end) {
                return None;
            }
            self.push(start, next_start, String::new());
            return Some(());
        }
        match next {
            Some(next) => {
                let next_start = self.index.offset(next.key.span.start)?;
                self.push(start, next_start, String::new());
            }
            None => {
                let previous = &entries[i.checked_sub(1)?];
                let from = match empty_null(&previous.value) {
                    true => after_colon(self.index, &previous.key)?,
                    false => content_end(self.index, &previous.value)?,
                };
                self.push(from, end, String::new());
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn flow_style_is_read_off_the_text() {
        let json = "{\"é\": \"ü\", \"b\": [1, {\"c\": 2}], \"d\": {\"e\": [3]}}";
        let root = parse_documents(json).remove(0).result.unwrap();
        let index = TextIndex::new(json);
        let b = root.get("b").unwrap();
        for node in [&root, b, b.index(1).unwrap(), root.get("d").unwrap()] {
            assert!(is_flow(&index, node));
        }
        let yaml = "x: é\nz:\n  - [1]\n  - k: v\n  - '[not a list]'\n";
        let root = parse_documents(yaml).remove(0).result.unwrap();
        let index = TextIndex::new(yaml);
        let z = root.get("z").unwrap();
        assert!(!is_flow(&index, &root));
        assert!(!is_flow(&index, z));
        assert!(is_flow(&index, z.index(0).unwrap()));
        assert!(!is_flow(&index, z.index(1).unwrap()));
        assert!(!is_flow(&index, z.index(2).unwrap()));
    }
}
