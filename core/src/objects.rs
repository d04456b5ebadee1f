//! Checking objects that arrive as JSON, without their source text: what the built-in
//! rules compiled into a plugin (`kubecheck check --engine wasm`) run.
//!
//! JSON keeps every value a rule reads but not how it was written. Two things are lost:
//! - duplicate keys, so the rules that look at the text itself ([`SOURCE_RULES`]) cannot
//!   run here; a host runs them natively with [`run_source_rules`];
//! - the text of plain scalars that are not strings (`1e3`, `1.10`, `0x1F`, `yes`), which
//!   a string field takes as written (`name: 1e3` is `"1e3"`, not `"1000.0"`); a host
//!   sends those texts along ([`scalar_texts`]).
//!
//! With both, the findings are those of [`crate::Session::run_builtin`].

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value as Json};

use crate::model::{Input, Object, ParsedDocument, Source};
use crate::options::Options;
use crate::pointer;
use crate::rules::{self, Ctx, RawFinding};
use crate::yaml::{
    resolve_plain, to_json, Entry, Node, Resolved, Scalar, ScalarStyle, ScalarValue, Span, Value,
};
use crate::Session;

/// Rules whose findings come from the source text rather than from the object's value
/// (duplicate keys are gone once a mapping is JSON).
pub const SOURCE_RULES: &[&str] = &["duplicate-key"];

/// Pointer (relative to the object) to the text of a plain scalar, where the JSON of the
/// value would read back differently.
pub type ScalarTexts = BTreeMap<String, String>;

/// One object to check.
pub struct JsonObject<'a> {
    /// The name of the file it comes from: rules relate objects of one file.
    pub source: &'a str,
    pub json: &'a Json,
    /// From [`scalar_texts`] of the object's tree; empty when the host has none.
    pub texts: &'a ScalarTexts,
    /// Its analysis context ([`Source::context`]); objects must come context by context.
    pub context: Option<&'a str>,
    /// The host judged it a patch or a fragment ([`Object::partial`]): the kustomization
    /// that names it may not be among the objects.
    pub partial: bool,
}

/// Runs the enabled built-in rules except [`SOURCE_RULES`] over `objects`. A finding's
/// `object` is the index in `objects`; its pointer is relative to that object.
pub fn check_objects<'a>(
    objects: impl IntoIterator<Item = JsonObject<'a>>,
    options: &Options,
) -> Vec<RawFinding> {
    let mut input = Input::default();
    // Rules relate objects of the same file (a binding and the role it names), so objects
    // of one source name share a source, as they do natively.
    let mut source_ids: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
    let mut documents_per_source: Vec<usize> = Vec::new();
    let mut partial = Vec::new();
    for JsonObject {
        source,
        json,
        texts,
        context,
        partial: is_partial,
    } in objects
    {
        partial.push(is_partial);
        let next = source_ids.len();
        let source_id = *source_ids.entry((source, context)).or_insert(next);
        if source_id == next {
            let mut new = Source::new(source, "");
            new.context = context.map(str::to_owned);
            input.sources.push(new);
            documents_per_source.push(0);
        }
        let index = documents_per_source[source_id];
        documents_per_source[source_id] += 1;
        input.documents.push(ParsedDocument {
            source: source_id,
            index,
            root: from_json_with_texts(json, texts),
            duplicate_keys: Vec::new(),
        });
    }
    // Every JSON given is one object: a host passes what `Input::objects` made of the
    // lists (their items, flattened, with the type they took from the list), so an object
    // with `items` here is one checked as itself, not a list to flatten again.
    let objects: Vec<Object<'_>> = input
        .documents
        .iter()
        .enumerate()
        .filter_map(|(id, doc)| {
            let mut object =
                Object::read(id, doc.source, doc.index, String::new(), &doc.root, None).ok()?;
            object.partial = partial[id] || crate::model::evidently_partial(&object);
            Some(object)
        })
        .collect();
    let enabled = rules::enabled(options);
    let ctx = Ctx::new(options, &input, &enabled);
    rules::run(&ctx, &objects, |rule| !SOURCE_RULES.contains(&rule.id))
}

/// Runs the enabled [`SOURCE_RULES`] natively over a session's objects.
pub fn run_source_rules(session: &Session<'_>) -> Vec<RawFinding> {
    rules::run(&session.ctx(), &session.objects, |rule| {
        SOURCE_RULES.contains(&rule.id)
    })
}

/// The plain scalars of `node` (an object's tree) whose text its JSON does not keep:
/// numbers, booleans and nulls not written the way JSON prints them.
pub fn scalar_texts(node: &Node) -> ScalarTexts {
    let mut texts = ScalarTexts::new();
    collect_texts(node, &mut String::new(), &mut texts);
    texts
}

/// Recursion is bounded by the parser's nesting limit; one pointer buffer serves the
/// whole walk, since nearly no scalar needs its pointer.
fn collect_texts(node: &Node, at: &mut String, texts: &mut ScalarTexts) {
    match &node.value {
        Value::Scalar(s) if s.value != ScalarValue::Str => {
            let as_json = match to_json(node) {
                Json::Number(n) => Some(n.to_string()),
                Json::Bool(b) => Some(b.to_string()),
                Json::Null => Some("null".to_owned()),
                // Non-finite floats: JSON has no number for them.
                _ => None,
            };
            if as_json.as_deref() != Some(&*s.text) {
                texts.insert(at.clone(), s.text.to_string());
            }
        }
        Value::Scalar(_) => {}
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                let _ = write!(at, "/{i}");
                collect_texts(item, at, texts);
                at.truncate(len);
            }
        }
        Value::Map(entries) => {
            // Only the last of duplicate keys is in the JSON.
            let mut seen = HashSet::new();
            for entry in entries.iter().rev() {
                if let Some(key) = entry.key_str().filter(|k| seen.insert(*k)) {
                    let len = at.len();
                    at.push('/');
                    match key.contains(['~', '/']) {
                        true => at.push_str(&pointer::escape(key)),
                        false => at.push_str(key),
                    }
                    collect_texts(&entry.value, at, texts);
                    at.truncate(len);
                }
            }
        }
    }
}

/// Serialises a tree as [`to_json`] would convert it, without building the JSON value
/// first: how a host passes large inputs to plugins cheaply.
pub struct AsJson<'a>(pub &'a Node);

impl Serialize for AsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0.value {
            Value::Scalar(s) => match s.resolved() {
                Resolved::Null => serializer.serialize_unit(),
                Resolved::Bool(b) => serializer.serialize_bool(b),
                Resolved::Int(i) => serializer.serialize_i64(i),
                Resolved::Float(f) => match Number::from_f64(f) {
                    Some(n) => n.serialize(serializer),
                    None => serializer.serialize_str(&s.text),
                },
                Resolved::Str(text) => serializer.serialize_str(text),
            },
            Value::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&AsJson(item))?;
                }
                seq.end()
            }
            Value::Map(entries) => serialize_map(serializer, &[], entries),
        }
    }
}

/// Serialises an object as [`Object::to_json`] builds it, without building the JSON value
/// first: its tree, with the `apiVersion` and `kind` it took from its list if it did.
pub struct ObjectJson<'a>(pub &'a Object<'a>);

impl Serialize for ObjectJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let object = self.0;
        match &object.node.value {
            Value::Map(entries) if object.type_from_list => {
                let type_meta = [
                    ("apiVersion", object.api_version.as_str()),
                    ("kind", object.kind.as_str()),
                ];
                serialize_map(serializer, &type_meta, entries)
            }
            _ => AsJson(object.node).serialize(serializer),
        }
    }
}

/// `first`, then the entries of a mapping whose keys are not among them. The last of
/// duplicate keys wins, and complex keys are left out.
fn serialize_map<S: Serializer>(
    serializer: S,
    first: &[(&str, &str)],
    entries: &[Entry],
) -> Result<S::Ok, S::Error> {
    let mut seen: HashSet<&str> = first.iter().map(|(key, _)| *key).collect();
    let mut kept: Vec<(&str, &Node)> = entries
        .iter()
        .rev()
        .filter_map(|e| Some((e.key_str().filter(|k| seen.insert(*k))?, &e.value)))
        .collect();
    kept.reverse();
    let mut map = serializer.serialize_map(Some(first.len() + kept.len()))?;
    for (key, value) in first {
        map.serialize_entry(key, value)?;
    }
    for (key, value) in kept {
        map.serialize_entry(key, &AsJson(value))?;
    }
    map.end()
}

/// The tree of a JSON value, as the YAML parser would build it from the same JSON text
/// (spans are empty: locations come from the host's own parse).
pub fn from_json(json: &Json) -> Node {
    from_json_with_texts(json, &ScalarTexts::new())
}

/// [`from_json`], with the scalars of `texts` as they were written.
pub fn from_json_with_texts(json: &Json, texts: &ScalarTexts) -> Node {
    let mut at = String::new();
    build(json, texts, &mut at)
}

/// serde_json bounds the nesting of what it parses, so the recursion is bounded.
fn build(json: &Json, texts: &ScalarTexts, at: &mut String) -> Node {
    let scalar_json = !matches!(json, Json::Array(_) | Json::Object(_));
    if let Some(text) = texts.get(at.as_str()).filter(|_| scalar_json) {
        return node(scalar(text, ScalarStyle::Plain, resolve_plain(text)));
    }
    // Pointers are only needed to look texts up.
    let child = |json: &Json, segment: &str, at: &mut String| {
        if texts.is_empty() {
            return build(json, texts, at);
        }
        let len = at.len();
        at.push('/');
        at.push_str(&pointer::escape(segment));
        let built = build(json, texts, at);
        at.truncate(len);
        built
    };
    let value = match json {
        Json::Null => scalar("null", ScalarStyle::Plain, ScalarValue::Null),
        Json::Bool(b) => scalar(&b.to_string(), ScalarStyle::Plain, ScalarValue::Bool(*b)),
        Json::Number(n) => {
            // The number is read again from this text when asked for.
            let resolved = match n.as_i64() {
                Some(_) => ScalarValue::Int,
                None => ScalarValue::Float,
            };
            scalar(&n.to_string(), ScalarStyle::Plain, resolved)
        }
        Json::String(s) => scalar(s, ScalarStyle::Quoted, ScalarValue::Str),
        Json::Array(items) => Value::Seq(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| child(item, &i.to_string(), at))
                .collect(),
        ),
        Json::Object(map) => Value::Map(
            map.iter()
                .map(|(key, value)| Entry {
                    key: node(scalar(key, ScalarStyle::Quoted, ScalarValue::Str)),
                    value: child(value, key, at),
                })
                .collect(),
        ),
    };
    node(value)
}

fn scalar(text: &str, style: ScalarStyle, value: ScalarValue) -> Value {
    Value::Scalar(Scalar {
        text: text.into(),
        style,
        value,
    })
}

fn node(value: Value) -> Node {
    Node {
        value,
        span: Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, to_json};

    #[test]
    fn json_round_trips_through_the_tree() {
        let text = "a: [1, -2, 2.5, true, null, \"x\", {b: yes}]\nc: 0x10\n";
        let docs = parse_documents(text);
        let root = docs[0].result.as_ref().unwrap();
        let json = to_json(root);
        assert_eq!(to_json(&from_json(&json)), json);
        assert_eq!(from_json(&json).get("c").unwrap().type_name(), "integer");
    }

    #[test]
    fn as_json_serialises_what_to_json_builds() {
        let text = "a: {n: 1e3, s: \"x\", b: yes, z: ~, f: .inf, g: -.inf, d: 1, d: [2, {e: 3}]}\n? [complex]\n: 1\nl: [1.10, 2.5, null, \"\"]\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let streamed: Json =
            serde_json::from_slice(&serde_json::to_vec(&AsJson(&root)).unwrap()).unwrap();
        assert_eq!(streamed, to_json(&root));
    }

    #[test]
    fn texts_are_kept_where_json_would_change_them() {
        let text = "a: {m: 1e3, s: \"1e3\", i: 10, o: 010, b: yes, t: true, z: ~, f: .inf, d: 1, d: 0x2}\nl: [1.10, 2.5]\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let texts = scalar_texts(&root);
        let expected: ScalarTexts = [
            ("/a/m", "1e3"),
            ("/a/o", "010"),
            ("/a/b", "yes"),
            ("/a/z", "~"),
            ("/a/f", ".inf"),
            ("/a/d", "0x2"),
            ("/l/0", "1.10"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_owned(), t.to_owned()))
        .collect();
        assert_eq!(texts, expected);
        let rebuilt = from_json_with_texts(&to_json(&root), &texts);
        let a = rebuilt.get("a").unwrap();
        assert_eq!(
            a.get("m").unwrap().value,
            root.get("a").unwrap().get("m").unwrap().value
        );
        assert_eq!(a.get("f").unwrap().type_name(), "number");
        assert_eq!(a.get("s").unwrap().as_str(), Some("1e3"));
    }

    #[test]
    fn findings_match_the_native_run_but_for_source_rules() {
        // Duplicate keys, and scalars whose JSON reads back differently (`1e3`, `1.10`,
        // `yes` in string fields, an octal port, `.inf` where an integer belongs).
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {v: 1.10, on: yes}}\nspec:\n  hostNetwork: true\n  hostNetwork: false\n  containers:\n  - name: 1e3\n    image: 1.10\n    securityContext: {privileged: yes, runAsUser: .inf}\n    ports: [{containerPort: 0o17, hostPort: 0x50}]\n";
        let input = Input::parse(vec![Source::new("a.yaml", text)]);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let summary = |findings: Vec<RawFinding>| {
            let mut v: Vec<_> = findings
                .into_iter()
                .map(|f| (f.rule, f.object, f.pointer, f.message))
                .collect();
            v.sort();
            v
        };
        let native = summary(session.run_builtin());
        let json: Vec<(Json, ScalarTexts)> = session
            .objects
            .iter()
            .map(|o| (o.to_json(), scalar_texts(o.node)))
            .collect();
        let objects = json.iter().map(|(json, texts)| JsonObject {
            source: "a.yaml",
            json,
            texts,
            context: None,
            partial: false,
        });
        let mut merged = check_objects(objects, &options);
        merged.extend(run_source_rules(&session));
        assert!(native.iter().any(|f| f.0 == "duplicate-key"));
        assert!(native.iter().any(|f| f.0 == "privileged-container"));
        assert!(native.iter().any(|f| f.3.contains("`1e3`")), "{native:?}");
        assert_eq!(summary(merged), native);
    }

    #[test]
    fn objects_the_host_judged_partial_are_judged_alike() {
        let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches: [{path: patch.yaml}]\n";
        let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    spec:\n      containers: [{name: app, image: nginx:1.30, securityContext: {privileged: true}}]\n";
        let input = Input::parse(vec![
            Source::new("kustomization.yaml", kustomization),
            Source::new("patch.yaml", patch),
        ]);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let rules_of = |findings: Vec<RawFinding>| {
            let mut rules: Vec<String> = findings.into_iter().map(|f| f.rule).collect();
            rules.sort();
            rules
        };
        let native = rules_of(session.run_builtin());
        assert_eq!(native, ["privileged-container"]);
        // The host passes the patch alone, with its verdict.
        let patch_object = session
            .objects
            .iter()
            .find(|o| o.kind == "Deployment")
            .unwrap();
        let json = patch_object.to_json();
        let texts = ScalarTexts::new();
        let alone = |partial| {
            rules_of(check_objects(
                [JsonObject {
                    source: "patch.yaml",
                    json: &json,
                    texts: &texts,
                    context: None,
                    partial,
                }],
                &options,
            ))
        };
        assert_eq!(alone(true), native);
        assert!(alone(false).len() > 1);
    }
}
