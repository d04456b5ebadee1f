//! JSON pointers (RFC 6901) over the document tree.

use std::borrow::Cow;

use crate::yaml::{Node, Value};

pub fn escape(segment: &str) -> String {
    // Most keys need nothing: one copy instead of two replacements.
    if !segment.contains(['~', '/']) {
        return segment.to_owned();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(segment: &str) -> String {
    unescaped(segment).into_owned()
}

/// `segment` unescaped, borrowed when it has no escape (most do).
fn unescaped(segment: &str) -> Cow<'_, str> {
    match segment.contains('~') {
        true => Cow::Owned(segment.replace("~1", "/").replace("~0", "~")),
        false => Cow::Borrowed(segment),
    }
}

/// The escaped segments of a pointer, as written; `None` if it is not a pointer.
/// Locating findings walks many pointers: this walk allocates nothing.
fn raw_segments(pointer: &str) -> Option<impl Iterator<Item = &str>> {
    let rest = match pointer.is_empty() {
        true => None,
        false => Some(pointer.strip_prefix('/')?.split('/')),
    };
    Some(rest.into_iter().flatten())
}

/// Splits a pointer into unescaped segments; `None` if it is not a pointer.
pub fn segments(pointer: &str) -> Option<Vec<String>> {
    Some(raw_segments(pointer)?.map(unescape).collect())
}

/// The node a pointer names, if it exists.
pub fn resolve<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    let (node, consumed) = resolve_prefix(root, pointer)?;
    (consumed == raw_segments(pointer)?.count()).then_some(node)
}

/// The deepest existing node along a pointer and how many segments led to it. Findings
/// about a missing field point at the closest object that exists.
pub fn resolve_prefix<'a>(root: &'a Node, pointer: &str) -> Option<(&'a Node, usize)> {
    let mut node = root;
    let mut consumed = 0;
    for segment in raw_segments(pointer)? {
        let segment = unescaped(segment);
        let next = match &node.value {
            Value::Map(_) => node.get(&segment),
            Value::Seq(items) => list_index(&segment).and_then(|i| items.get(i)),
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

/// A segment read as a list index: digits without a leading zero (RFC 6901), `0` itself
/// allowed.
pub(crate) fn list_index(segment: &str) -> Option<usize> {
    if segment != "0" && segment.starts_with('0') {
        return None;
    }
    segment.parse().ok()
}

/// The first `count` segments of `pointer`, as a pointer (each escaped anew, so an
/// escape the pointer wrote loosely comes out canonical).
pub fn prefix(pointer: &str, count: usize) -> String {
    let mut out = String::new();
    for segment in raw_segments(pointer).into_iter().flatten().take(count) {
        out.push('/');
        match segment.contains('~') {
            true => out.push_str(&escape(&unescape(segment))),
            false => out.push_str(segment),
        }
    }
    out
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

    #[test]
    fn prefixes_and_segments_keep_escapes_and_reject_non_pointers() {
        assert_eq!(prefix("/x~0y/a~1b/c", 2), "/x~0y/a~1b");
        assert_eq!(prefix("/a/~2/c", 3), "/a/~02/c", "a loose `~` is escaped");
        assert_eq!(prefix("/a/b", 9), "/a/b");
        assert_eq!(prefix("a/b", 1), "");
        assert_eq!(prefix("/", 1), "/");
        assert_eq!(segments("/x~0y/a~1b/").unwrap(), ["x~y", "a/b", ""]);
        assert_eq!(segments("").unwrap(), Vec::<String>::new());
        assert!(segments("a").is_none());
    }
}
