//! JSON pointers (RFC 6901) over the document tree.

use crate::yaml::{Node, Value};

pub fn escape(segment: &str) -> String {
    // Most keys need nothing: one copy instead of two replacements.
    if !segment.contains(['~', '/']) {
        return segment.to_owned();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Splits a pointer into unescaped segments; `None` if it is not a pointer.
pub fn segments(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// The node a pointer names, if it exists.
pub fn resolve<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    let (node, consumed) = resolve_prefix(root, pointer)?;
    (consumed == segments(pointer)?.len()).then_some(node)
}

/// The deepest existing node along a pointer and how many segments led to it. Findings
/// about a missing field point at the closest object that exists.
pub fn resolve_prefix<'a>(root: &'a Node, pointer: &str) -> Option<(&'a Node, usize)> {
    let mut node = root;
    let mut consumed = 0;
    for segment in segments(pointer)? {
        let next = match &node.value {
            Value::Map(_) => node.get(&segment),
            Value::Seq(items) => segment
                .parse::<usize>()
                .ok()
                .filter(|_| segment == "0" || !segment.starts_with('0'))
                .and_then(|i| items.get(i)),
            Value::Scalar(_) => None,
        };
        match next {
            Some(n) => {
                node = n;
                consumed += 1;
            }
            None => break,
        }
    }
    Some((node, consumed))
}

/// The first `count` segments of `pointer`, as a pointer.
pub fn prefix(pointer: &str, count: usize) -> String {
    segments(pointer)
        .unwrap_or_default()
        .iter()
        .take(count)
        .map(|s| format!("/{}", escape(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn resolves_escaped_segments_and_indices() {
        let doc = parse_documents("a/b:\n  - x\n  - {\"~k\": 1}\n")
            .remove(0)
            .result
            .unwrap();
        assert_eq!(resolve(&doc, "/a~1b/1/~0k").unwrap().span.start.line, 3);
        assert!(resolve(&doc, "/a~1b/01").is_none());
        let (node, n) = resolve_prefix(&doc, "/a~1b/0/missing").unwrap();
        assert_eq!((n, node.span.start.line), (2, 2));
        assert_eq!(prefix("/a~1b/0/missing", 2), "/a~1b/0");
    }
}
