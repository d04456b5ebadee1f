//! Turns a fix (JSON Patch operations relative to the object, from a built-in rule or a
//! plugin: [`FixSpec`]) into the report's patch on the document and text edits of the
//! source. A fix whose change the YAML layout does not allow as text edits is left out.

use serde_json::{json, Map, Value as Json};

use crate::plugin_abi::PatchOp;
use crate::pointer;
use crate::report::{Edit, Fix};
use crate::rules::FixSpec;
use crate::yaml::{resolve_plain_is_string, CollectionStyle, Node, ScalarValue, Value};

/// `prefix` is the object's pointer in its document.
pub fn build(root: &Node, prefix: &str, spec: &FixSpec) -> Option<Fix> {
    let mut patch = Vec::new();
    let mut edits = Vec::new();
    for op in &spec.patch {
        let path = format!("{prefix}{}", op.path());
        let segments = pointer::segments(&path)?;
        let (node, consumed) = pointer::resolve_prefix(root, &path)?;
        let exists = consumed == segments.len();
        match op {
            PatchOp::Add { value, .. } | PatchOp::Replace { value, .. } if exists => {
                patch.push(json!({"op": "replace", "path": path, "value": value}));
                edits.push(replace_scalar(node, value)?);
            }
            PatchOp::Add { value, .. } => {
                let missing = &segments[consumed..];
                let nested = wrap(&missing[1..], value.clone());
                patch.push(
                    json!({"op": "add", "path": pointer::prefix(&path, consumed + 1), "value": nested}),
                );
                edits.push(insert_key(node, &missing[0], &nested)?);
            }
            PatchOp::Remove { .. } if exists => {
                let parent = pointer::resolve(root, &pointer::prefix(&path, segments.len() - 1))?;
                patch.push(json!({"op": "remove", "path": path}));
                edits.push(remove_key(parent, segments.last()?)?);
            }
            PatchOp::Replace { .. } | PatchOp::Remove { .. } => return None,
        }
    }
    Some(Fix {
        description: spec.description.clone(),
        patch,
        edits,
    })
}

fn wrap(keys: &[String], value: Json) -> Json {
    keys.iter().rev().fold(value, |inner, key| {
        let mut map = Map::new();
        map.insert(key.clone(), inner);
        Json::Object(map)
    })
}

fn replace_scalar(node: &Node, value: &Json) -> Option<Edit> {
    let Value::Scalar(scalar) = &node.value else {
        return replace_collection(node, value);
    };
    if scalar.value == ScalarValue::Null && scalar.text.is_empty() {
        return None;
    }
    if value.is_object() || value.is_array() {
        return None;
    }
    Some(Edit {
        line: node.span.start.line,
        column: node.span.start.column,
        end_line: node.span.end.line,
        end_column: node.span.end.column,
        text: flow(value),
    })
}

/// Inserts `key: value` as the first entry of a block mapping, at the column of its
/// current first key, so indentation is kept.
fn insert_key(map: &Node, key: &str, value: &Json) -> Option<Edit> {
    if map.style != CollectionStyle::Block {
        return None;
    }
    let first = map.as_map()?.first()?;
    let at = first.key.span.start;
    if at > map.span.end || at < map.span.start {
        return None;
    }
    let indent = " ".repeat(at.column as usize - 1);
    Some(Edit {
        line: at.line,
        column: at.column,
        end_line: at.line,
        end_column: at.column,
        text: format!("{}: {}\n{indent}", flow_str(key), flow(value)),
    })
}

/// Removes `key: value` from a block mapping of two or more entries: up to the next
/// key, or for the last entry from the end of the previous scalar value, so what is
/// left keeps its layout. Other layouts get no edit.
fn remove_key(map: &Node, key: &str) -> Option<Edit> {
    if map.style != CollectionStyle::Block {
        return None;
    }
    let entries = map.as_map()?;
    let named = |e: &&crate::yaml::Entry| e.key_str() == Some(key);
    if entries.len() < 2 || entries.iter().filter(named).count() != 1 {
        return None;
    }
    let index = entries.iter().position(|e| e.key_str() == Some(key))?;
    let (start, end) = match entries.get(index + 1) {
        Some(next) => (entries[index].key.span.start, next.key.span.start),
        None => (
            content_end(&entries[index - 1].value)?,
            content_end(&entries[index].value)?,
        ),
    };
    Some(Edit {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        text: String::new(),
    })
}

/// Replaces a whole mapping or sequence (a migration reshaping a field) with `value`:
/// in block style at the collection's indentation where it was a block, else in flow
/// style. Comments inside the old value go with it; the text around it stays.
fn replace_collection(node: &Node, value: &Json) -> Option<Edit> {
    let end = content_end(node)?;
    let text = match node.style {
        CollectionStyle::Block => block(value, node.span.start.column as usize - 1),
        CollectionStyle::Flow => flow(value),
    };
    Some(Edit {
        line: node.span.start.line,
        column: node.span.start.column,
        end_line: end.line,
        end_column: end.column,
        text,
    })
}

/// Where a value's own text ends. A block collection's span runs on to the next token
/// (past line breaks and comments that follow it); its text ends with its last value.
fn content_end(node: &Node) -> Option<crate::yaml::Pos> {
    match &node.value {
        Value::Map(entries) if node.style == CollectionStyle::Block => {
            content_end(&entries.last()?.value)
        }
        Value::Seq(items) if node.style == CollectionStyle::Block => content_end(items.last()?),
        Value::Scalar(scalar) if scalar.value == ScalarValue::Null && scalar.text.is_empty() => {
            None
        }
        _ => Some(node.span.end),
    }
}

/// `value` as block YAML whose first line starts where the cursor is and whose other
/// lines are indented by `indent` columns.
fn block(value: &Json, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(key, v)| match v {
                Json::Object(m) if !m.is_empty() => {
                    format!("{}:\n{pad}  {}", flow_str(key), block(v, indent + 2))
                }
                Json::Array(a) if !a.is_empty() => {
                    format!("{}:\n{pad}  {}", flow_str(key), block(v, indent + 2))
                }
                _ => format!("{}: {}", flow_str(key), flow(v)),
            })
            .collect::<Vec<_>>()
            .join(&format!("\n{pad}")),
        Json::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| match item {
                Json::Object(m) if !m.is_empty() => format!("- {}", block(item, indent + 2)),
                _ => format!("- {}", flow(item)),
            })
            .collect::<Vec<_>>()
            .join(&format!("\n{pad}")),
        other => flow(other),
    }
}

/// A value in YAML flow style, plain where that reads back as the same string.
fn flow(value: &Json) -> String {
    match value {
        Json::String(s) => flow_str(s),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", flow_str(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

fn flow_str(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && resolve_plain_is_string(s);
    if plain {
        s.to_owned()
    } else {
        Json::String(s.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn apply(text: &str, edit: &Edit) -> String {
        let offset = |line: u32, column: u32| {
            let before: usize = text
                .split_inclusive('\n')
                .take(line as usize - 1)
                .map(|l| l.chars().count())
                .sum();
            before + column as usize - 1
        };
        let chars: Vec<char> = text.chars().collect();
        let (start, end) = (
            offset(edit.line, edit.column),
            offset(edit.end_line, edit.end_column),
        );
        let mut out: String = chars[..start].iter().collect();
        out.push_str(&edit.text);
        out.extend(&chars[end..]);
        out
    }

    #[test]
    fn replaces_a_value_in_place() {
        let text = "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: true}\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let spec = FixSpec::new("x").add(
            "/spec/containers/0/securityContext/privileged",
            json!(false),
        );
        let fix = build(&root, "", &spec).unwrap();
        assert_eq!(fix.patch[0]["op"], "replace");
        let fixed = apply(text, &fix.edits[0]);
        assert!(fixed.contains("{privileged: false}"), "{fixed}");
    }

    #[test]
    fn inserts_missing_fields_with_the_right_indent() {
        let text = "spec:\n  containers:\n  - name: a\n    image: b\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let spec = FixSpec::new("x").add(
            "/spec/containers/0/securityContext/runAsNonRoot",
            json!(true),
        );
        let fix = build(&root, "", &spec).unwrap();
        assert_eq!(fix.patch[0]["path"], "/spec/containers/0/securityContext");
        let fixed = apply(text, &fix.edits[0]);
        assert_eq!(fixed, "spec:\n  containers:\n  - securityContext: {runAsNonRoot: true}\n    name: a\n    image: b\n");
        let reparsed = parse_documents(&fixed).remove(0).result.unwrap();
        let value =
            crate::pointer::resolve(&reparsed, "/spec/containers/0/securityContext/runAsNonRoot")
                .unwrap();
        assert_eq!(value.as_bool(), Some(true));
    }
    fn fixed(text: &str, spec: &FixSpec) -> Option<String> {
        let root = parse_documents(text).remove(0).result.unwrap();
        let fix = build(&root, "", spec)?;
        Some(
            fix.edits
                .iter()
                .rev()
                .fold(text.to_owned(), |t, e| apply(&t, e)),
        )
    }

    #[test]
    fn replace_needs_an_existing_value() {
        let text = "spec:\n  replicas: 10\n  paused: false\n";
        let replace = FixSpec::new("x").replace("/spec/replicas", json!(2));
        assert_eq!(
            fixed(text, &replace).unwrap(),
            "spec:\n  replicas: 2\n  paused: false\n"
        );
        assert!(fixed(text, &FixSpec::new("x").replace("/spec/missing", json!(2))).is_none());
    }

    #[test]
    fn removes_an_entry_before_another_or_after_a_scalar() {
        let text = "spec:\n  replicas: 10\n  paused: false\n";
        let first = FixSpec::new("x").remove("/spec/replicas");
        assert_eq!(fixed(text, &first).unwrap(), "spec:\n  paused: false\n");
        let last = FixSpec::new("x").remove("/spec/paused");
        assert_eq!(fixed(text, &last).unwrap(), "spec:\n  replicas: 10\n");
        let item = "- name: a\n  image: b\n";
        let root = parse_documents(item).remove(0).result.unwrap();
        let fix = build(&root, "", &FixSpec::new("x").remove("/0/name")).unwrap();
        assert_eq!(apply(item, &fix.edits[0]), "- image: b\n");
        assert_eq!(fix.patch[0], json!({"op": "remove", "path": "/0/name"}));
        let only = "spec:\n  replicas: 10\n";
        assert!(fixed(only, &FixSpec::new("x").remove("/spec/replicas")).is_none());
        assert!(fixed(text, &FixSpec::new("x").remove("/spec/missing")).is_none());
    }
}
