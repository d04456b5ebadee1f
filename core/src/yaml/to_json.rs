//! The tree as JSON, resolved the way the API server resolves it. Plugins receive this.

use serde_json::{Map, Number, Value as Json};

use super::node::{Node, ScalarValue, Value};

/// Recursion is bounded by the parser's nesting limit.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Scalar(s) => match &s.value {
            ScalarValue::Null => Json::Null,
            ScalarValue::Bool(b) => Json::Bool(*b),
            ScalarValue::Int(i) => Json::Number((*i).into()),
            ScalarValue::Float(f) => {
                Number::from_f64(*f).map_or_else(|| Json::String(s.text.clone()), Json::Number)
            }
            ScalarValue::Str => Json::String(s.text.clone()),
        },
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = Map::new();
            for e in entries {
                let key = match &e.key.value {
                    Value::Scalar(s) => s.text.clone(),
                    _ => continue,
                };
                // Later duplicates replace earlier ones, as in the API server.
                map.insert(key, to_json(&e.value));
            }
            Json::Object(map)
        }
    }
}
