//! Turns a rule's fix (set these fields) into a JSON Patch and text edits.

use serde_json::{json, Map, Value as Json};

use crate::pointer;
use crate::report::{Edit, Fix};
use crate::rules::FixSpec;
use crate::yaml::{resolve_plain_is_string, CollectionStyle, Node, ScalarValue, Value};

/// `prefix` is the object's pointer in its document.
pub fn build(root: &Node, prefix: &str, spec: &FixSpec) -> Option<Fix> {
    let mut patch = Vec::new();
    let mut edits = Vec::new();
    for (relative, value) in &spec.set {
        let path = format!("{prefix}{relative}");
        let segments = pointer::segments(&path)?;
        let (node, consumed) = pointer::resolve_prefix(root, &path)?;
        if consumed == segments.len() {
            patch.push(json!({"op": "replace", "path": path, "value": value}));
            edits.push(replace_scalar(node, value)?);
        } else {
            let missing = &segments[consumed..];
            let nested = wrap(&missing[1..], value.clone());
            patch.push(
                json!({"op": "add", "path": pointer::prefix(&path, consumed + 1), "value": nested}),
            );
            edits.push(insert_key(node, &missing[0], &nested)?);
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
        return None;
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
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            let n = i as u32 + 1;
            if n == edit.line {
                let chars: Vec<char> = line.chars().collect();
                let start = edit.column as usize - 1;
                let end = if edit.end_line == n {
                    edit.end_column as usize - 1
                } else {
                    chars.len()
                };
                out.extend(&chars[..start]);
                out.push_str(&edit.text);
                out.extend(&chars[end..]);
            } else {
                out.push_str(line);
            }
        }
        out
    }

    #[test]
    fn replaces_a_value_in_place() {
        let text = "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: true}\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let spec = FixSpec {
            description: "x".into(),
            set: vec![(
                "/spec/containers/0/securityContext/privileged".into(),
                json!(false),
            )],
        };
        let fix = build(&root, "", &spec).unwrap();
        assert_eq!(fix.patch[0]["op"], "replace");
        let fixed = apply(text, &fix.edits[0]);
        assert!(fixed.contains("{privileged: false}"), "{fixed}");
    }

    #[test]
    fn inserts_missing_fields_with_the_right_indent() {
        let text = "spec:\n  containers:\n  - name: a\n    image: b\n";
        let root = parse_documents(text).remove(0).result.unwrap();
        let spec = FixSpec {
            description: "x".into(),
            set: vec![(
                "/spec/containers/0/securityContext/runAsNonRoot".into(),
                json!(true),
            )],
        };
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
}
