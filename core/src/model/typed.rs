//! Typed conversion that survives values of the wrong type.

use serde::de::DeserializeOwned;

use crate::pointer;
use crate::yaml::{from_node, Node, TypeError, Value};

/// Each bad value is reported once; past this many the view is given up.
const MAX_REPAIRS: usize = 32;

/// Reads `node` (at `base` in its document) as a `T`. A value of the wrong type is
/// recorded and read as `null` (the zero value), so one bad field neither hides the rest
/// of the object from the rules nor goes unreported.
pub fn typed_with_repair<T: DeserializeOwned>(
    node: &Node,
    base: &str,
) -> (Option<T>, Vec<TypeError>) {
    let mut errors: Vec<TypeError> = Vec::new();
    let mut repaired: Option<Node> = None;
    loop {
        let current = repaired.as_ref().unwrap_or(node);
        match from_node::<T>(current, base) {
            Ok(value) => return (Some(value), errors),
            Err(error) => {
                let repeated = errors.iter().any(|e| e.pointer == error.pointer);
                if repeated || errors.len() >= MAX_REPAIRS {
                    return (None, errors);
                }
                let relative = error.pointer.strip_prefix(base).unwrap_or("").to_owned();
                errors.push(error);
                let tree = repaired.get_or_insert_with(|| node.clone());
                if !set_null(tree, &relative) {
                    return (None, errors);
                }
            }
        }
    }
}

fn set_null(root: &mut Node, relative: &str) -> bool {
    let Some(segments) = pointer::segments(relative) else {
        return false;
    };
    if segments.is_empty() {
        return false;
    }
    let mut node = root;
    for segment in &segments {
        let next = match &mut node.value {
            Value::Map(entries) => entries
                .iter_mut()
                .rev()
                .find(|e| e.key_str() == Some(segment.as_str()))
                .map(|e| &mut e.value),
            Value::Seq(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Scalar(_) => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    *node = Node::null_at(node.span);
    true
}
