//! Fixes: a change to an object (JSON Patch operations relative to it, from a built-in
//! rule or a plugin: [`FixSpec`]) becomes the report's patch on the document and text
//! edits of the source ([`build`]); the fixes of many findings of one source become one
//! set of edits that never overlap ([`fix_source`]); edits are applied by [`apply`], the
//! one implementation the command line and the web page share.
//!
//! Edits come from comparing the source's tree with the wanted value ([`edits`]): only
//! what differs is touched, so several fixes of one object merge into one change before
//! any text is written, and everything outside the edited spans stays byte for byte.

mod apply;
mod catalog;
mod edits;
mod patch;

use serde_json::{json, Value as Json};

pub use crate::plugin_abi::Applicability;
pub use apply::{apply, EditError, TextIndex};
pub use catalog::{rule_fix, RuleFix};

use crate::plugin_abi::PatchOp;
use crate::pointer;
use crate::report::{Edit, Fix};
use crate::rules::FixSpec;
use crate::yaml::{parse_documents, to_json, Node, Value};
pub use edits::Layout;

/// The report's fix for `spec` on the object at `prefix` (its pointer in the document
/// `root` of the text `index` holds): the operations with absolute pointers, each valid
/// RFC 6902 on the document as it is, and the text edits. `None` when an operation does
/// not apply, the change is empty, or the layout allows no text edit for it. `layout` is
/// the document's [`Layout::of`], learned once per document by the caller.
pub fn build(
    index: &TextIndex<'_>,
    layout: &Layout,
    root: &Node,
    prefix: &str,
    spec: &FixSpec,
) -> Option<Fix> {
    let object = pointer::resolve(root, prefix)?;
    let paths = spec
        .patch
        .iter()
        .map(|op| pointer::segments(op.path()))
        .collect::<Option<Vec<_>>>()?;
    // Patched and compared from the deepest node every operation works under, not the
    // whole object: the same edits, without converting and comparing a workload for
    // each of its findings.
    let (base, depth) = common_base(object, &paths);
    let mut value = to_json(base);
    let mut ops = Vec::new();
    for (op, segments) in spec.patch.iter().zip(&paths) {
        let within = &segments[depth..];
        let path = format!("{prefix}{}", op.path());
        let exists = depth + patch::existing_prefix(&value, within);
        let parent_is_list = || {
            within
                .split_last()
                .and_then(|(_, parent)| json_at(&value, parent))
                .is_some_and(Json::is_array)
        };
        ops.push(match op {
            PatchOp::Add { value: new, .. } if exists == segments.len() && !parent_is_list() => {
                json!({"op": "replace", "path": path, "value": new})
            }
            PatchOp::Add { value: new, .. }
                if exists + 1 == segments.len() || (exists == segments.len()) =>
            {
                json!({"op": "add", "path": path, "value": new})
            }
            PatchOp::Add { value: new, .. } => {
                let nested = patch::wrap(&segments[exists + 1..], new.clone());
                let path = format!("{prefix}{}", pointer::prefix(op.path(), exists + 1));
                json!({"op": "add", "path": path, "value": nested})
            }
            PatchOp::Replace { value: new, .. } => {
                json!({"op": "replace", "path": path, "value": new})
            }
            PatchOp::Remove { .. } => json!({"op": "remove", "path": path}),
        });
        patch::apply_abi(&mut value, within, op)?;
    }
    let edits = edits::diff(index, layout, base, &value)?;
    if edits.is_empty() {
        return None;
    }
    Some(Fix {
        description: spec.description.clone(),
        applicability: spec.applicability,
        patch: ops,
        edits,
    })
}

/// The deepest mapping or list under `object` that holds the parent of every path, and
/// how many segments lead to it. The walk stops where the whole object's comparison
/// would behave differently from the subtree's: at a mapping with a merge key (no edit
/// is possible there) or with the segment's key twice (each copy is compared).
fn common_base<'n>(object: &'n Node, paths: &[Vec<String>]) -> (&'n Node, usize) {
    let Some(shortest) = paths.iter().map(|p| p.len().saturating_sub(1)).min() else {
        return (object, 0);
    };
    let mut node = object;
    for (depth, segment) in paths[0][..shortest].iter().enumerate() {
        if paths.iter().any(|p| p[depth] != *segment) {
            return (node, depth);
        }
        let next = match &node.value {
            Value::Map(entries) => {
                let mut keyed = entries.iter().filter(|e| e.key_str() == Some(segment));
                let merges = entries.iter().any(|e| e.key_str() == Some("<<"));
                match (keyed.next(), keyed.next()) {
                    (Some(entry), None) if !merges => Some(&entry.value),
                    _ => None,
                }
            }
            Value::Seq(items) => pointer::list_index(segment).and_then(|i| items.get(i)),
            Value::Scalar(_) => None,
        };
        match next {
            Some(child) if matches!(child.value, Value::Map(_) | Value::Seq(_)) => node = child,
            _ => return (node, depth),
        }
    }
    (node, shortest)
}

fn json_at<'a>(value: &'a Json, segments: &[String]) -> Option<&'a Json> {
    segments.iter().try_fold(value, |node, segment| match node {
        Json::Object(map) => map.get(segment),
        Json::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// A source after [`fix_source`].
#[derive(Clone, Debug, PartialEq)]
pub struct FixedSource {
    pub text: String,
    /// Documents (by index) whose change was made.
    pub fixed: Vec<usize>,
    /// Documents whose change could not be made as text edits (or did not read back as
    /// the change), and were left as they were.
    pub refused: Vec<usize>,
}

/// Makes the changes of many fixes to one source at once: `patches` holds, per document
/// index, the report patches of the fixes to apply. Per document, the operations are
/// applied to its value (an `add` to a member another fix added merges into it), the
/// edits derived from the result, and after applying them the text is parsed again: a
/// document that does not read back as the wanted value (an anchor shared with another
/// place, a layout the edits do not handle) is left unchanged, as is every document
/// without patches.
pub fn fix_source(text: &str, patches: &[(usize, Vec<Json>)]) -> FixedSource {
    let index = TextIndex::new(text);
    let documents = parse_documents(text);
    let mut planned: Vec<(usize, Json, Vec<Edit>)> = Vec::new();
    let mut refused = Vec::new();
    for (document, ops) in patches {
        let Some(root) = documents
            .iter()
            .find(|d| d.index == *document)
            .and_then(|d| d.result.as_ref().ok())
        else {
            refused.push(*document);
            continue;
        };
        let mut value = to_json(root);
        let applied = ops
            .iter()
            .all(|op| patch::apply_report(&mut value, op).is_some());
        let layout = Layout::of(&index, root);
        match applied
            .then(|| edits::diff(&index, &layout, root, &value))
            .flatten()
        {
            Some(edits) if !edits.is_empty() => planned.push((*document, value, edits)),
            Some(_) => {}
            None => refused.push(*document),
        }
    }
    // At most two passes: one that drops the documents that did not read back, and
    // one that checks what is left.
    for _ in 0..3 {
        let edits: Vec<Edit> = planned.iter().flat_map(|p| p.2.iter().cloned()).collect();
        let Ok(fixed) = apply(text, &edits) else {
            refused.extend(planned.drain(..).map(|p| p.0));
            break;
        };
        let reread = parse_documents(&fixed);
        let wanted = |index: usize| {
            planned
                .iter()
                .find(|p| p.0 == index)
                .map(|p| p.1.clone())
                .or_else(|| {
                    documents
                        .iter()
                        .find(|d| d.index == index)
                        .map(|d| d.result.as_ref().map(to_json).map_err(|_| ()))
                        .and_then(Result::ok)
                })
        };
        let same_shape = reread.len() == documents.len()
            && reread
                .iter()
                .zip(&documents)
                .all(|(a, b)| a.result.is_ok() == b.result.is_ok());
        let wrong: Vec<usize> = if same_shape {
            planned
                .iter()
                .map(|p| p.0)
                .filter(|&i| {
                    let now = reread.iter().find(|d| d.index == i);
                    now.and_then(|d| d.result.as_ref().ok()).map(to_json) != wanted(i)
                })
                .collect()
        } else {
            Vec::new()
        };
        let others_kept = same_shape
            && reread.iter().all(|d| {
                planned.iter().any(|p| p.0 == d.index)
                    || d.result.as_ref().ok().map(to_json) == wanted(d.index)
            });
        if same_shape && others_kept && wrong.is_empty() {
            let mut fixed_docs: Vec<usize> = planned.iter().map(|p| p.0).collect();
            fixed_docs.sort_unstable();
            refused.sort_unstable();
            return FixedSource {
                text: fixed,
                fixed: fixed_docs,
                refused,
            };
        }
        if wrong.is_empty() {
            // The document structure changed: nothing can be trusted.
            refused.extend(planned.drain(..).map(|p| p.0));
            break;
        }
        planned.retain(|p| !wrong.contains(&p.0));
        refused.extend(wrong);
    }
    refused.extend(planned.drain(..).map(|p| p.0));
    refused.sort_unstable();
    refused.dedup();
    FixedSource {
        text: text.to_owned(),
        fixed: Vec::new(),
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str, spec: &FixSpec) -> Option<Fix> {
        let root = parse_documents(text).remove(0).result.unwrap();
        let index = TextIndex::new(text);
        build(&index, &Layout::of(&index, &root), &root, "", spec)
    }

    fn fixed(text: &str, spec: &FixSpec) -> Option<String> {
        let fix = fix(text, spec)?;
        let out = apply(text, &fix.edits).unwrap();
        // What the edits make is what the patch says.
        let mut value = to_json(&parse_documents(text).remove(0).result.unwrap());
        for op in &fix.patch {
            patch::apply_report(&mut value, op).unwrap();
        }
        let reread = to_json(&parse_documents(&out).remove(0).result.unwrap());
        assert_eq!(reread, value, "{out}");
        Some(out)
    }

    #[test]
    fn replaces_a_value_in_place() {
        let text =
            "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: true} # why\n";
        let spec = FixSpec::new("x").add(
            "/spec/containers/0/securityContext/privileged",
            json!(false),
        );
        assert_eq!(fix(text, &spec).unwrap().patch[0]["op"], "replace");
        assert_eq!(
            fixed(text, &spec).unwrap(),
            "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: false} # why\n"
        );
    }

    #[test]
    fn inserts_missing_fields_after_the_last_member_with_its_indent() {
        let text = "spec:\n  containers:\n  - name: a\n    image: b # the image\n  # a comment\n";
        let spec = FixSpec::new("x").add(
            "/spec/containers/0/securityContext/runAsNonRoot",
            json!(true),
        );
        let fix = fix(text, &spec).unwrap();
        assert_eq!(fix.patch[0]["path"], "/spec/containers/0/securityContext");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert_eq!(
            fixed(text, &spec).unwrap(),
            "spec:\n  containers:\n  - name: a\n    image: b # the image\n    securityContext:\n      runAsNonRoot: true\n  # a comment\n"
        );
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
    fn removes_a_member_with_its_line_or_after_a_dash() {
        let text = "spec:\n  replicas: 10 # ten\n  # paused?\n  paused: false\n";
        let first = FixSpec::new("x").remove("/spec/replicas");
        assert_eq!(
            fixed(text, &first).unwrap(),
            "spec:\n  # paused?\n  paused: false\n"
        );
        let last = FixSpec::new("x").remove("/spec/paused");
        assert_eq!(
            fixed(text, &last).unwrap(),
            "spec:\n  replicas: 10 # ten\n  # paused?\n"
        );
        let item = "- name: a\n  image: b\n";
        assert_eq!(
            fixed(item, &FixSpec::new("x").remove("/0/name")).unwrap(),
            "- image: b\n"
        );
        let flow = "{a: 1, b: 2, c: 3}";
        assert_eq!(
            fixed(flow, &FixSpec::new("x").remove("/b")).unwrap(),
            "{a: 1, c: 3}"
        );
        assert_eq!(
            fixed(flow, &FixSpec::new("x").remove("/c")).unwrap(),
            "{a: 1, b: 2}"
        );
        assert!(fixed(text, &FixSpec::new("x").remove("/spec/missing")).is_none());
    }

    #[test]
    fn fills_an_empty_mapping_a_null_and_an_empty_value() {
        let spec = FixSpec::new("x").add("/sc/runAsNonRoot", json!(true));
        assert_eq!(
            fixed("sc: {}\nb: 1\n", &spec).unwrap(),
            "sc: {runAsNonRoot: true}\nb: 1\n"
        );
        assert_eq!(
            fixed("sc: null\nb: 1\n", &spec).unwrap(),
            "sc: {runAsNonRoot: true}\nb: 1\n"
        );
        assert_eq!(
            fixed("sc: # none yet\nb: 1\n", &spec).unwrap(),
            "sc: # none yet\n  runAsNonRoot: true\nb: 1\n"
        );
    }

    #[test]
    fn appends_to_block_flow_and_missing_lists() {
        let spec = FixSpec::new("x").add("/caps/drop/-", json!("ALL"));
        assert_eq!(
            fixed("caps:\n  drop:\n  - NET_RAW # raw\n  add: []\n", &spec).unwrap(),
            "caps:\n  drop:\n  - NET_RAW # raw\n  - ALL\n  add: []\n"
        );
        assert_eq!(
            fixed("caps:\n  drop:\n    - NET_RAW\n", &spec).unwrap(),
            "caps:\n  drop:\n    - NET_RAW\n    - ALL\n"
        );
        assert_eq!(
            fixed("caps: {drop: [NET_RAW]}\n", &spec).unwrap(),
            "caps: {drop: [NET_RAW, ALL]}\n"
        );
        assert_eq!(
            fixed("caps: {drop: []}\n", &spec).unwrap(),
            "caps: {drop: [ALL]}\n"
        );
        assert_eq!(
            fixed("caps:\n  add:\n  - X\n", &spec).unwrap(),
            "caps:\n  add:\n  - X\n  drop:\n  - ALL\n"
        );
        let mount = FixSpec::new("x").add(
            "/c/volumeMounts/-",
            json!({"name": "tmp", "mountPath": "/tmp"}),
        );
        assert_eq!(
            fixed("c:\n  volumeMounts:\n  - name: data\n    mountPath: /data\n", &mount).unwrap(),
            "c:\n  volumeMounts:\n  - name: data\n    mountPath: /data\n  - mountPath: /tmp\n    name: tmp\n"
        );
    }

    #[test]
    fn json_input_stays_json_with_its_line_per_member() {
        let text = "{\n  \"spec\": {\n    \"name\": \"a\",\n    \"image\": \"b\"\n  }\n}\n";
        let spec = FixSpec::new("x").add("/spec/securityContext/capabilities/drop/-", json!("ALL"));
        assert_eq!(
            fixed(text, &spec).unwrap(),
            "{\n  \"spec\": {\n    \"name\": \"a\",\n    \"image\": \"b\",\n    \"securityContext\": {\"capabilities\": {\"drop\": [\"ALL\"]}}\n  }\n}\n"
        );
    }

    #[test]
    fn crlf_and_quotes_follow_the_document() {
        let text = "c:\r\n  name: \"a\"\r\n  image: \"b\"\r\n";
        let spec = FixSpec::new("x").add("/c/seccompProfile/type", json!("RuntimeDefault"));
        assert_eq!(
            fixed(text, &spec).unwrap(),
            "c:\r\n  name: \"a\"\r\n  image: \"b\"\r\n  seccompProfile:\r\n    type: \"RuntimeDefault\"\r\n"
        );
        let four = "a:\n    b:\n        c: 1\n";
        let spec = FixSpec::new("x").add("/a/d/e", json!(1));
        assert_eq!(
            fixed(four, &spec).unwrap(),
            "a:\n    b:\n        c: 1\n    d:\n        e: 1\n"
        );
    }

    #[test]
    fn a_block_scalar_last_keeps_its_lines() {
        let text = "c:\n  args: |\n    run\n\nd: 1\n";
        let spec = FixSpec::new("x").add("/c/x", json!(true));
        let out = fixed(text, &spec).unwrap();
        assert_eq!(out, "c:\n  args: |\n    run\n  x: true\n\nd: 1\n");
        let folded = "- c: >-\n    run\n    more\n- d: 1\n";
        let spec = FixSpec::new("x").add("/0/x", json!(true));
        assert_eq!(
            fixed(folded, &spec).unwrap(),
            "- c: >-\n    run\n    more\n  x: true\n- d: 1\n"
        );
    }

    #[test]
    fn fixes_of_one_object_combine_without_conflict() {
        let text = "---\na: 1\n---\nspec:\n  containers:\n  - name: a # first\n    image: b\n";
        let ops = vec![
            json!({"op": "add", "path": "/spec/containers/0/securityContext", "value": {"runAsNonRoot": true}}),
            json!({"op": "add", "path": "/spec/containers/0/securityContext", "value": {"capabilities": {"drop": ["ALL"]}}}),
            json!({"op": "add", "path": "/spec/containers/0/securityContext", "value": {"capabilities": {"drop": ["NET_RAW"]}}}),
            json!({"op": "add", "path": "/spec/hostPID", "value": false}),
        ];
        let out = fix_source(text, &[(1, ops)]);
        assert_eq!(out.fixed, vec![1]);
        assert_eq!(
            out.text,
            "---\na: 1\n---\nspec:\n  containers:\n  - name: a # first\n    image: b\n    securityContext:\n      capabilities:\n        drop:\n        - ALL\n        - NET_RAW\n      runAsNonRoot: true\n  hostPID: false\n"
        );
        let refused = fix_source(
            text,
            &[(
                1,
                vec![json!({"op": "replace", "path": "/nope", "value": 1})],
            )],
        );
        assert_eq!((refused.text.as_str(), refused.refused), (text, vec![1]));
    }
}
