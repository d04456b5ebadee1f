//! Typed conversion that survives values of the wrong type.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use crate::pointer;
use crate::yaml::{from_node_collecting, Node, TypeError, Value};

/// Passes over the value at most, each linear in its size, so the work stays linear in
/// the input. One pass finds every value of the wrong kind; only a value of the right
/// kind that a type still refuses (an IntOrString given `true`) costs a pass of its own.
const MAX_PASSES: usize = 64;

/// Reads `node` (at `base` in its document) as a `T`. A value of the wrong type is
/// recorded and set aside (its key removed, or `null` in a list), so bad fields neither
/// hide the rest of the object from the rules nor go unreported.
///
/// The view is never dropped silently: when the value cannot be read even so (more than
/// [`MAX_PASSES`] refusals, or a value that cannot be set aside), the error says where,
/// and the caller reports the object as unreadable.
pub fn typed_with_repair<T: DeserializeOwned>(
    node: &Node,
    base: &str,
) -> (Result<T, String>, Vec<TypeError>) {
    let mut errors: Vec<TypeError> = Vec::new();
    let mut repaired: Option<Node> = None;
    let mut set_aside_at: HashSet<String> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let current = repaired.as_ref().unwrap_or(node);
        let before = errors.len();
        let result = from_node_collecting::<T>(current, base, &mut errors);
        let failed = match result {
            Ok(value) if errors.len() == before => return (Ok(value), errors),
            Ok(_) => None,
            Err(error) => Some(error),
        };
        let mut found = errors.split_off(before);
        found.extend(failed);
        let tree = repaired.get_or_insert_with(|| node.clone());
        for error in found {
            if !set_aside_at.insert(error.pointer.clone()) {
                continue;
            }
            let relative = error.pointer.strip_prefix(base).unwrap_or("").to_owned();
            let set_aside = set_aside(tree, &relative);
            errors.push(error);
            if !set_aside {
                let last = errors.last().expect("just pushed");
                return (Err(unreadable(base, last)), errors);
            }
        }
        // A pass that only found errors already set aside went round in a circle.
        if errors.len() == before {
            let last = errors.last().map(|e| e.pointer.clone()).unwrap_or_default();
            return (
                Err(format!(
                    "the value at {base} cannot be read even with its values of the wrong type set aside (again at {last})"
                )),
                errors,
            );
        }
    }
    let last = errors.last().expect("a pass that failed recorded an error");
    (
        Err(format!(
            "the value at {base} has too many values of the wrong type to read ({} or more, the last at line {}, {}): kubecheck did not check it",
            errors.len(),
            last.span.start.line,
            last.pointer
        )),
        errors,
    )
}

fn unreadable(base: &str, error: &TypeError) -> String {
    format!(
        "the value at {base} cannot be read: {} (line {}); kubecheck did not check it",
        error, error.span.start.line
    )
}

/// Sets the value at `relative` aside: a mapping's key is removed (every entry of it, so
/// no earlier duplicate comes forward), which reads as unset, as a missing field; a list
/// item or the root becomes `null`.
fn set_aside(root: &mut Node, relative: &str) -> bool {
    let Some(mut segments) = pointer::segments(relative) else {
        return false;
    };
    let Some(last) = segments.pop() else {
        *root = Node::null_at(root.span);
        return true;
    };
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
    match &mut node.value {
        Value::Map(entries) => {
            let before = entries.len();
            let mut kept = std::mem::take(entries).into_vec();
            kept.retain(|e| e.key_str() != Some(last.as_str()));
            *entries = kept.into_boxed_slice();
            entries.len() < before
        }
        Value::Seq(items) => match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(item) if !item.is_null() => {
                *item = Node::null_at(item.span);
                true
            }
            _ => false,
        },
        Value::Scalar(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;
    use k8s_openapi::api::core::v1::PodSpec;

    fn doc(text: &str) -> Node {
        parse_documents(text).remove(0).result.unwrap()
    }

    #[test]
    fn more_than_32_bad_values_do_not_drop_the_view() {
        // Used to give the view up at the 33rd error: every pod rule went quiet.
        let mut text =
            String::from("containers:\n- {name: p, securityContext: {privileged: true}}\n");
        for i in 0..40 {
            text.push_str(&format!(
                "- {{name: s{i}, securityContext: {{runAsNonRoot: \"yes\"}}, ports: [{{containerPort: 1e10}}]}}\n"
            ));
        }
        for i in 0..10 {
            text.push_str(&format!(
                "- {{name: h{i}, livenessProbe: {{httpGet: {{port: true}}}}}}\n"
            ));
        }
        let (spec, errors) = typed_with_repair::<PodSpec>(&doc(&text), "/spec");
        let spec = spec.expect("the view is kept");
        assert_eq!(errors.len(), 90);
        assert_eq!(spec.containers.len(), 51);
        let privileged = spec.containers[0]
            .security_context
            .as_ref()
            .unwrap()
            .privileged;
        assert_eq!(privileged, Some(true));
        // A value set aside reads as unset.
        let s0 = &spec.containers[1];
        assert_eq!(s0.security_context.as_ref().unwrap().run_as_non_root, None);
        assert_eq!(
            errors[0].pointer,
            "/spec/containers/1/securityContext/runAsNonRoot"
        );
        assert_eq!(
            errors[1].pointer,
            "/spec/containers/1/ports/0/containerPort"
        );
    }

    #[test]
    fn a_view_that_cannot_be_read_is_an_error() {
        let mut text = String::from("containers:\n");
        for i in 0..MAX_PASSES + 1 {
            text.push_str(&format!(
                "- {{name: h{i}, livenessProbe: {{httpGet: {{port: true}}}}}}\n"
            ));
        }
        let (spec, errors) = typed_with_repair::<PodSpec>(&doc(&text), "/spec");
        let message = spec.unwrap_err();
        assert!(
            message.contains("too many values of the wrong type"),
            "{message}"
        );
        assert_eq!(errors.len(), MAX_PASSES);
    }
}
