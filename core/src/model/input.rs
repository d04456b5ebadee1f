//! Sources in, documents and objects out.

use super::object::Object;
use crate::yaml::{parse_documents, DuplicateKey, Node, Pos};

/// A named text to check: a file, stdin or a pasted buffer.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Decodes UTF-8 (dropping a byte-order mark); invalid bytes are an error at their
    /// line and column.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: &[u8],
    ) -> Result<Source, (String, InputError)> {
        let name = name.into();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(name, text)),
            Err(e) => {
                let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
                let pos = end_of(valid);
                let message = format!(
                    "not UTF-8 text: invalid byte 0x{:02x} at offset {}",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                );
                Err((
                    name,
                    InputError {
                        source: 0,
                        document: None,
                        pos,
                        message,
                    },
                ))
            }
        }
    }
}

/// The position just after `text`.
fn end_of(text: &str) -> Pos {
    let line = text.matches('\n').count() as u32 + 1;
    let last = text.rsplit('\n').next().unwrap_or("");
    Pos {
        line,
        column: last.chars().count() as u32 + 1,
    }
}

/// Something in the input that could not be checked.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    pub source: usize,
    pub document: Option<usize>,
    pub pos: Pos,
    pub message: String,
}

#[derive(Debug)]
pub struct ParsedDocument {
    pub source: usize,
    pub index: usize,
    pub root: Node,
    pub duplicate_keys: Vec<DuplicateKey>,
}

/// Every source parsed into documents, and what could not be parsed.
#[derive(Debug, Default)]
pub struct Input {
    pub sources: Vec<Source>,
    pub documents: Vec<ParsedDocument>,
    pub errors: Vec<InputError>,
}

impl Input {
    pub fn parse(sources: Vec<Source>) -> Input {
        let mut input = Input::default();
        for (source_id, source) in sources.iter().enumerate() {
            let documents = parse_documents(&source.text);
            if documents.is_empty() {
                input.errors.push(InputError {
                    source: source_id,
                    document: None,
                    pos: Pos { line: 1, column: 1 },
                    message: "no YAML documents: the input is empty or only comments".into(),
                });
            }
            for doc in documents {
                match doc.result {
                    Ok(root) => input.documents.push(ParsedDocument {
                        source: source_id,
                        index: doc.index,
                        root,
                        duplicate_keys: doc.duplicate_keys,
                    }),
                    Err(e) => input.errors.push(InputError {
                        source: source_id,
                        document: Some(doc.index),
                        pos: e.pos,
                        message: e.message,
                    }),
                }
            }
        }
        input.sources = sources;
        input
    }

    /// The Kubernetes objects of every document (items of `List` kinds one by one), and
    /// an error for each document that is not a Kubernetes object.
    pub fn objects(&self) -> (Vec<Object<'_>>, Vec<InputError>) {
        let mut objects = Vec::new();
        let mut errors = Vec::new();
        for doc in &self.documents {
            let mut candidates: Vec<(String, &Node)> = Vec::new();
            match list_items(&doc.root) {
                Some(items) => candidates.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (format!("/items/{i}"), item)),
                ),
                None => candidates.push((String::new(), &doc.root)),
            }
            for (prefix, node) in candidates {
                match Object::read(objects.len(), doc.source, doc.index, prefix, node) {
                    Ok(object) => objects.push(object),
                    Err(message) => errors.push(InputError {
                        source: doc.source,
                        document: Some(doc.index),
                        pos: node.span.start,
                        message,
                    }),
                }
            }
        }
        (objects, errors)
    }

    /// The document an object lives in. [`Input::parse`] keeps `documents` in
    /// (source, index) order, so a binary search finds it: every finding is located
    /// through here, and a scan made large inputs quadratic. Inputs assembled in another
    /// order still get the right answer from the scan.
    pub fn document(&self, source: usize, index: usize) -> Option<&ParsedDocument> {
        match self
            .documents
            .binary_search_by_key(&(source, index), |d| (d.source, d.index))
        {
            Ok(i) => Some(&self.documents[i]),
            Err(_) => self
                .documents
                .iter()
                .find(|d| d.source == source && d.index == index),
        }
    }
}

/// `kind: List` and every `*List` kind wrap their objects in `items`.
fn list_items(root: &Node) -> Option<&[Node]> {
    let kind = root.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    root.get("items")?.as_seq()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let (_, err) = Source::from_bytes("x", b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 2, column: 4 });
    }

    #[test]
    fn lists_are_unwrapped_and_non_objects_reported() {
        let input = Input::parse(vec![Source::new(
            "x",
            "kind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- 42\n---\njust text\n",
        )]);
        let (objects, errors) = input.objects();
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].prefix, "/items/0");
        assert_eq!(objects[0].name(), Some("a"));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].pos.line, 5);
        assert!(
            errors[1].message.contains("string"),
            "{}",
            errors[1].message
        );
    }
}
