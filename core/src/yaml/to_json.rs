//! The tree as JSON, resolved the way the API server resolves it. Plugins receive this.

use serde_json::{Map, Number, Value as Json};

use super::node::{entries_in_effect, Node, Resolved, Value};

/// Recursion is bounded by the parser's nesting limit.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Scalar(s) => match s.resolved() {
            Resolved::Null => Json::Null,
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => Json::Number(i.into()),
            Resolved::Float(f) => {
                Number::from_f64(f).map_or_else(|| Json::String(s.text.to_string()), Json::Number)
            }
            Resolved::Str(text) => Json::String(text.to_owned()),
        },
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = Map::new();
            for e in entries {
                let key = match &e.key.value {
                    Value::Scalar(s) => s.text.to_string(),
                    _ => continue,
                };
                // Later duplicates replace earlier ones, as in the API server.
                map.insert(key, to_json(&e.value));
            }
            Json::Object(map)
        }
    }
}

/// Whether [`to_json`] of `node` equals `json`, found without building it: a fix compares
/// each level of an object with the wanted value on its way down, and building the JSON
/// of every level was most of a report's time.
pub fn same_as_json(node: &Node, json: &Json) -> bool {
    match (&node.value, json) {
        (Value::Scalar(s), _) => match (s.resolved(), json) {
            (Resolved::Null, Json::Null) => true,
            (Resolved::Bool(b), Json::Bool(j)) => b == *j,
            (Resolved::Int(i), Json::Number(n)) => Number::from(i) == *n,
            (Resolved::Float(f), _) => match Number::from_f64(f) {
                Some(n) => matches!(json, Json::Number(j) if *j == n),
                None => matches!(json, Json::String(j) if **j == *s.text),
            },
            (Resolved::Str(text), Json::String(j)) => j == text,
            _ => false,
        },
        (Value::Seq(items), Json::Array(wanted)) => {
            items.len() == wanted.len() && items.iter().zip(wanted).all(|(i, w)| same_as_json(i, w))
        }
        (Value::Map(entries), Json::Object(wanted)) => {
            // The members are the entries in effect (a repeated key's last) with a
            // scalar key, as `to_json` builds them.
            let mut members = 0;
            let same = entries_in_effect(entries)
                .filter_map(|e| Some((e.key_str()?, &e.value)))
                .all(|(key, value)| {
                    members += 1;
                    wanted.get(key).is_some_and(|w| same_as_json(value, w))
                });
            same && members == wanted.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    /// Documents that differ in one way each: scalar types, a float JSON cannot hold, key
    /// order, a duplicate key, a complex key, a merge key, list length.
    const DOCUMENTS: &[&str] = &[
        "a: 1\nb: [x, y]",
        "b: [x, y]\na: 1",
        "a: 1\nb: [x, y, z]",
        "a: '1'\nb: [x, y]",
        "a: 1.0\nb: [x, y]",
        "a: 1\na: 2\nb: [x, y]",
        "a: 2\nb: [x, y]",
        "a: 2\na: 1\nb: [x, y]",
        "a: .nan",
        "a: .NaN",
        "a: .inf",
        "a: ~",
        "a: null",
        "a: true",
        "a: 'true'",
        "a: {}",
        "a: []",
        "? [k]\n: v\na: 1\nb: [x, y]",
        "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2",
        "base: {x: 1}\nother: {'<<': {x: 1}, y: 2}",
        "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\nk10: 10\nk11: 11\nk12: 12\nk13: 13\nk14: 14\nk15: 15\nk16: 16\nk0: 0",
        "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\nk10: 10\nk11: 11\nk12: 12\nk13: 13\nk14: 14\nk15: 15\nk16: 16",
    ];

    fn root(text: &str) -> Node {
        let mut documents = parse_documents(text);
        documents.remove(0).result.expect("the document parses")
    }

    #[test]
    fn comparing_with_json_agrees_with_converting_to_it() {
        let roots: Vec<Node> = DOCUMENTS.iter().map(|d| root(d)).collect();
        for (a, text_a) in roots.iter().zip(DOCUMENTS) {
            for (b, text_b) in roots.iter().zip(DOCUMENTS) {
                let wanted = to_json(b);
                assert_eq!(
                    same_as_json(a, &wanted),
                    to_json(a) == wanted,
                    "{text_a:?} against the JSON of {text_b:?}"
                );
            }
        }
    }
}
