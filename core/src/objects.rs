//! Checking objects that arrive as JSON, without their source text: what the built-in
//! rules compiled into a plugin (`kubecheck check --engine wasm`) run.
//!
//! JSON keeps every value a rule reads but not how it was written, so the rules that
//! look at the text itself ([`SOURCE_RULES`]) cannot run here; a host runs them natively
//! with [`run_source_rules`] and merges both lists, which gives the same findings as
//! [`crate::Session::run_builtin`].

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::model::{Input, Object, ParsedDocument, Source};
use crate::options::Options;
use crate::rules::{Check, Ctx, Emitter, RawFinding, Rule, RULES};
use crate::yaml::{CollectionStyle, Entry, Node, Scalar, ScalarStyle, ScalarValue, Span, Value};
use crate::Session;

/// Rules whose findings come from the source text rather than from the object's value
/// (duplicate keys are gone once a mapping is JSON).
pub const SOURCE_RULES: &[&str] = &["duplicate-key"];

/// Runs the enabled built-in rules except [`SOURCE_RULES`] over `objects`, each given as
/// its source name and its JSON. A finding's `object` is the index in `objects`; its
/// pointer is relative to that object.
pub fn check_objects<'a>(
    objects: impl IntoIterator<Item = (&'a str, &'a Json)>,
    options: &Options,
) -> Vec<RawFinding> {
    let mut input = Input::default();
    // Rules relate objects of the same file (a binding and the role it names), so objects
    // of one source name share a source, as they do natively.
    let mut source_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut documents_per_source: Vec<usize> = Vec::new();
    for (source, json) in objects {
        let next = source_ids.len();
        let source_id = *source_ids.entry(source).or_insert(next);
        if source_id == next {
            input.sources.push(Source::new(source, ""));
            documents_per_source.push(0);
        }
        let index = documents_per_source[source_id];
        documents_per_source[source_id] += 1;
        input.documents.push(ParsedDocument {
            source: source_id,
            index,
            root: from_json(json),
            duplicate_keys: Vec::new(),
        });
    }
    // Every JSON given is one object (a host passes `List` items one by one), so a
    // `*List` among them is checked as itself, as it is natively inside a `List`.
    let objects: Vec<Object<'_>> = input
        .documents
        .iter()
        .enumerate()
        .filter_map(|(id, doc)| {
            Object::read(id, doc.source, doc.index, String::new(), &doc.root).ok()
        })
        .collect();
    let ctx = Ctx {
        options,
        input: &input,
    };
    run(&ctx, &objects, |rule| !SOURCE_RULES.contains(&rule.id))
}

/// Runs the enabled [`SOURCE_RULES`] natively over a session's objects.
pub fn run_source_rules(session: &Session<'_>) -> Vec<RawFinding> {
    let ctx = Ctx {
        options: session.options,
        input: session.input,
    };
    run(&ctx, &session.objects, |rule| {
        SOURCE_RULES.contains(&rule.id)
    })
}

fn run(ctx: &Ctx<'_>, objects: &[Object<'_>], select: impl Fn(&Rule) -> bool) -> Vec<RawFinding> {
    let mut findings = Vec::new();
    for rule in RULES
        .iter()
        .filter(|r| select(r) && ctx.options.is_enabled(&r.info()))
    {
        let mut emitter = Emitter::new(rule.id);
        match rule.check {
            Check::Object(check) => {
                for object in objects {
                    check(ctx, object, &mut emitter);
                }
            }
            Check::Input(check) => check(ctx, objects, &mut emitter),
        }
        findings.extend(emitter.into_findings());
    }
    findings
}

/// The tree of a JSON value, as the YAML parser would build it from the same JSON text
/// (spans are empty: locations come from the host's own parse). serde_json bounds the
/// nesting, so the recursion is bounded.
pub fn from_json(json: &Json) -> Node {
    let value = match json {
        Json::Null => scalar("null", ScalarStyle::Plain, ScalarValue::Null),
        Json::Bool(b) => scalar(&b.to_string(), ScalarStyle::Plain, ScalarValue::Bool(*b)),
        Json::Number(n) => {
            let resolved = match n.as_i64() {
                Some(i) => ScalarValue::Int(i),
                None => ScalarValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            };
            scalar(&n.to_string(), ScalarStyle::Plain, resolved)
        }
        Json::String(s) => scalar(s, ScalarStyle::Quoted, ScalarValue::Str),
        Json::Array(items) => Value::Seq(items.iter().map(from_json).collect()),
        Json::Object(map) => Value::Map(
            map.iter()
                .map(|(key, value)| Entry {
                    key: node(scalar(key, ScalarStyle::Quoted, ScalarValue::Str)),
                    value: from_json(value),
                })
                .collect(),
        ),
    };
    node(value)
}

fn scalar(text: &str, style: ScalarStyle, value: ScalarValue) -> Value {
    Value::Scalar(Scalar {
        text: text.to_owned(),
        style,
        value,
    })
}

fn node(value: Value) -> Node {
    Node {
        value,
        span: Span::default(),
        style: CollectionStyle::Block,
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
    fn findings_match_the_native_run_but_for_source_rules() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostNetwork: true\n  hostNetwork: false\n  containers:\n  - name: c\n    image: x\n    securityContext: {privileged: yes}\n";
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
        let json: Vec<Json> = session.objects.iter().map(|o| to_json(o.node)).collect();
        let mut merged = check_objects(json.iter().map(|j| ("a.yaml", j)), &options);
        merged.extend(run_source_rules(&session));
        assert!(native.iter().any(|f| f.0 == "duplicate-key"));
        assert!(native.iter().any(|f| f.0 == "privileged-container"));
        assert_eq!(summary(merged), native);
    }
}
