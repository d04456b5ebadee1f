//! Sources in, documents and objects out.

use std::collections::{HashMap, HashSet};

use super::object::{Object, TypeMeta};
use crate::yaml::lines::LineMarks;
use crate::yaml::{
    parse_documents_apart, parse_documents_within, AliasBudget, Document, DuplicateKey, Node, Pos,
};

/// A named text to check: a file, stdin or a pasted buffer.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// The analysis context: sources of one context are judged together as one cluster
    /// by the cross-object rules (a binding reaching a workload, a policy selecting a
    /// pod); sources of different contexts never meet. `None` is one context too.
    pub context: Option<String>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
            context: None,
        }
    }

    /// The source in analysis context `context`.
    pub fn in_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
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
    /// Where the lines of each source start, indexed on first use (a secret's place
    /// inside a multi-line value).
    line_marks: std::sync::OnceLock<Vec<LineMarks>>,
}

impl Input {
    /// Line `line` (1-based) of source `source`, without its line break.
    pub fn source_line(&self, source: usize, line: u32) -> Option<&str> {
        let marks = self.line_marks.get_or_init(|| {
            self.sources
                .iter()
                .map(|s| LineMarks::new(&s.text))
                .collect()
        });
        let text = &self.sources.get(source)?.text;
        let range = marks.get(source)?.line_range(text, line)?;
        Some(crate::yaml::lines::strip_line_break(&text[range]))
    }

    /// Parses every source. Sources are grouped by analysis context (stably: in the order
    /// each context first appears, sources in their order within it), so that each
    /// context's objects are one run of [`Input::objects`].
    pub fn parse(mut sources: Vec<Source>) -> Input {
        let mut first_seen: HashMap<Option<String>, usize> = HashMap::new();
        for source in &sources {
            let next = first_seen.len();
            first_seen.entry(source.context.clone()).or_insert(next);
        }
        if first_seen.len() > 1 {
            sources.sort_by_key(|s| first_seen[&s.context]);
        }
        let mut input = Input::default();
        // One budget for all sources: many small files must not each get the minimum.
        let total_len = sources.iter().map(|s| s.text.len()).sum();
        let budget = AliasBudget::for_input_len(total_len);
        for (source_id, documents) in parse_sources(&sources, budget).into_iter().enumerate() {
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

    /// How many analysis contexts the sources form.
    pub fn context_count(&self) -> usize {
        let contexts: HashSet<Option<&str>> =
            self.sources.iter().map(|s| s.context.as_deref()).collect();
        contexts.len()
    }

    /// The Kubernetes objects of every document, with lists flattened the way kubectl
    /// flattens them (see [`list_items`]), and an error for each document or item that is
    /// not a Kubernetes object.
    pub fn objects(&self) -> (Vec<Object<'_>>, Vec<InputError>) {
        // Documents are read independently (on several threads with the `parallel`
        // feature); ids are numbered once they are joined in document order.
        let read = crate::par::map(&self.documents, objects_of);
        // Sized once: an object is half a kilobyte, and a vector grown by doubling holds
        // up to twice what it needs.
        let mut objects = Vec::with_capacity(read.iter().map(|(o, _)| o.len()).sum());
        let mut errors = Vec::new();
        for (doc_objects, doc_errors) in read {
            for mut object in doc_objects {
                object.id = objects.len();
                objects.push(object);
            }
            errors.extend(doc_errors);
        }
        let patches = super::patches::patch_sources(self);
        for object in &mut objects {
            object.partial =
                patches.contains(&object.source) || super::patches::evidently_partial(object);
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

/// The documents of each source, parsed as if one after another under one shared alias
/// budget. Each source is first parsed on its own (in parallel with the `parallel`
/// feature) under the whole budget. A source that expanded no alias parses the same
/// under any budget and spends none of it; the sources that did are parsed again, in
/// order, under what the ones before them left, so the budget decides exactly as in a
/// sequential parse. Manifests rarely use aliases: the parse is then done once.
fn parse_sources(sources: &[Source], budget: AliasBudget) -> Vec<Vec<Document>> {
    let parsed = crate::par::map(sources, |source| {
        parse_documents_apart(&source.text, &budget)
    });
    let mut shared = budget;
    parsed
        .into_iter()
        .zip(sources)
        .map(|(documents, source)| match documents {
            Some(documents) => documents,
            None => parse_documents_within(&source.text, &mut shared),
        })
        .collect()
}

/// The objects of one document (ids numbered from 0) and its errors, in the order they
/// are written.
fn objects_of(doc: &ParsedDocument) -> (Vec<Object<'_>>, Vec<InputError>) {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    // Depth first, so objects keep the order they are written in.
    let mut pending = vec![Pending {
        prefix: String::new(),
        node: &doc.root,
        depth: 0,
        type_meta: None,
    }];
    while let Some(Pending {
        prefix,
        node,
        depth,
        type_meta,
    }) = pending.pop()
    {
        let error = |message| InputError {
            source: doc.source,
            document: Some(doc.index),
            pos: node.span.start,
            message,
        };
        let Some(items) = list_items(node) else {
            let id = objects.len();
            match Object::read(id, doc.source, doc.index, prefix, node, type_meta) {
                Ok(object) => objects.push(object),
                Err(message) => errors.push(error(message)),
            }
            continue;
        };
        if depth == MAX_LIST_DEPTH {
            errors.push(error(format!(
                    "lists nested more than {MAX_LIST_DEPTH} levels deep: the items of this one are not checked"
                )));
            continue;
        }
        let field = |name| node.get(name).and_then(Node::as_str).unwrap_or_default();
        let kind = field("kind");
        // kubectl creates only the items, but a client that does not flatten (a
        // plain API request) would create an object of another kind that happens
        // to have `items`, so that object is checked too. A wrapper that is not
        // an object is just a list, as it is for kubectl: no error.
        if !kind.is_empty() && !kind.ends_with("List") {
            let id = objects.len();
            if let Ok(object) = Object::read(id, doc.source, doc.index, prefix.clone(), node, None)
            {
                objects.push(object);
            }
        }
        // Only the decoder of a whole document sets the type of kind-less items.
        let item_type = match (depth, kind.strip_suffix("List").unwrap_or(kind)) {
            (0, item_kind) if !item_kind.is_empty() => {
                Some(TypeMeta::new(field("apiVersion"), item_kind))
            }
            _ => None,
        };
        for (i, item) in items.iter().enumerate().rev() {
            pending.push(Pending {
                prefix: format!("{prefix}/items/{i}"),
                node: item,
                depth: depth + 1,
                type_meta: item_type.clone(),
            });
        }
    }
    // Every document's objects are held until all are read: a vector's first growth
    // makes room for four objects, 2 KB for the one a document usually has.
    objects.shrink_to_fit();
    (objects, errors)
}

/// How deep lists may nest in one another. kubectl sets no bound of its own (the YAML
/// nesting limit is one); past this one the items are an error, never silently skipped.
pub const MAX_LIST_DEPTH: usize = 32;

/// A node waiting to be read as an object or flattened as a list.
struct Pending<'a> {
    prefix: String,
    node: &'a Node,
    depth: usize,
    type_meta: Option<TypeMeta>,
}

/// The items of `node` when kubectl treats it as a list: any mapping whose `items` is a
/// sequence, whatever its `kind`.
///
/// What kubectl does (`kubectl apply`/`create -f`), read in the Kubernetes sources:
/// - k8s.io/apimachinery `pkg/apis/meta/v1/unstructured/helpers.go`,
///   `unstructuredJSONScheme.decode`: a document with an `items` field (matched case
///   sensitively) decodes as an `UnstructuredList`, whatever its `kind`; `decodeToList`
///   gives each item with neither `apiVersion` nor `kind` the list's `apiVersion` and its
///   `kind` without the `List` suffix (`PodList` items are Pods).
/// - `unstructured.go`, `(*Unstructured).IsList`: a list is an object whose `items` is an
///   array; `pkg/api/meta/help.go` `IsListType` asks exactly that of unstructured objects.
/// - k8s.io/cli-runtime `pkg/resource/visitor.go`, `FlattenListVisitor` (`Builder.Flatten`,
///   used by apply and create): lists are expanded into their items, repeatedly, so lists
///   nest (`artifacts/deeply-nested.yaml` in its tests); the list objects themselves are
///   not sent to the API server. (With the unstructured decoder `ExtractList` refuses a
///   nested list; with typed decoding it flattens: checking nested items covers both.)
fn list_items(node: &Node) -> Option<&[Node]> {
    node.get("items")?.as_seq()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sources are parsed side by side with the `parallel` feature, yet the alias budget
    /// decides as it does one source after another: the second of two sources that each
    /// copy most of it fails, whatever runs first, and sources without aliases around
    /// them are unaffected.
    #[test]
    fn sources_spend_the_shared_alias_budget_in_order() {
        let big = "x".repeat(1 << 20);
        let bomb = format!("a: &a {big}\nb: [{}]\n", ["*a"; 20].join(", "));
        let plain = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        let input = Input::parse(vec![
            Source::new("plain-1.yaml", plain),
            Source::new("bomb-1.yaml", bomb.clone()),
            Source::new("plain-2.yaml", plain),
            Source::new("bomb-2.yaml", bomb),
            Source::new("plain-3.yaml", plain),
        ]);
        let failed: Vec<&str> = input
            .errors
            .iter()
            .map(|e| input.sources[e.source].name.as_str())
            .collect();
        assert_eq!(failed, ["bomb-2.yaml"]);
        assert!(input.errors[0].message.contains("alias"));
        assert_eq!(input.documents.len(), 4);
    }

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

    fn objects_of(text: &str) -> Vec<(String, String, String)> {
        let input = Input::parse(vec![Source::new("x", text)]);
        let (objects, errors) = input.objects();
        assert!(errors.is_empty(), "{errors:?}");
        objects
            .iter()
            .map(|o| {
                (
                    o.prefix.clone(),
                    o.kind.to_string(),
                    o.name().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn nested_lists_are_flattened_in_document_order() {
        let objects = objects_of(
            "kind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- kind: List\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: b}}\n  - {items: [{apiVersion: v1, kind: Pod, metadata: {name: c}}]}\n- {apiVersion: v1, kind: Pod, metadata: {name: d}}\n",
        );
        let names: Vec<(&str, &str)> = objects
            .iter()
            .map(|(prefix, _, name)| (prefix.as_str(), name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("/items/0", "a"),
                ("/items/1/items/0", "b"),
                ("/items/1/items/1/items/0", "c"),
                ("/items/2", "d")
            ]
        );
    }

    #[test]
    fn items_of_any_kind_are_flattened_and_the_wrapper_checked_too() {
        let objects = objects_of(
            "apiVersion: x/v1\nkind: Foo\nmetadata: {name: w}\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n",
        );
        assert_eq!(
            objects,
            [
                ("".into(), "Foo".into(), "w".into()),
                ("/items/0".into(), "Pod".into(), "a".into())
            ]
        );
        // `items` that is not a sequence makes no list.
        let objects = objects_of("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nitems: 3\n");
        assert_eq!(objects, [("".into(), "Pod".into(), "p".into())]);
    }

    #[test]
    fn kindless_items_of_a_typed_list_take_its_type() {
        let input = Input::parse(vec![Source::new(
            "x",
            "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: {name: a}\n- {kind: List, items: [{metadata: {name: b}}]}\n---\napiVersion: v1\nkind: List\nitems: [{metadata: {name: c}}]\n",
        )]);
        let (objects, errors) = input.objects();
        assert_eq!(objects.len(), 1);
        assert_eq!(
            (objects[0].api_version.as_str(), objects[0].kind.as_str()),
            ("apps/v1", "Deployment")
        );
        assert!(objects[0].type_from_list);
        let json = objects[0].to_json();
        assert_eq!(json["kind"], "Deployment");
        assert_eq!(json["metadata"]["name"], "a");
        // Only a document's own list gives its type; `List` has none to give.
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().all(|e| e.message.contains("are missing")),
            "{errors:?}"
        );
    }

    #[test]
    fn list_nesting_is_bounded() {
        let mut text = String::from("{apiVersion: v1, kind: Pod, metadata: {name: deep}}");
        for _ in 0..=MAX_LIST_DEPTH {
            text = format!("{{kind: List, items: [{text}]}}");
        }
        let input = Input::parse(vec![Source::new("x", text)]);
        let (objects, errors) = input.objects();
        assert!(objects.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("nested more than 32"),
            "{errors:?}"
        );
    }
}
