//! JSON Patch operations on a JSON value: the ABI's semantics (an `add` creates missing
//! parent objects and sets a member that exists), and the merge used to combine several
//! fixes of one document into one change.

use serde_json::{Map, Value as Json};

use crate::plugin_abi::PatchOp;
use crate::pointer;

/// How an `add` treats a value that is already there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnExisting {
    /// Replace it (the ABI's `add`).
    Set,
    /// Merge into it: objects member by member, lists by adding the items they lack. A
    /// report's `add` always targets a member its own fix found missing, so one that is
    /// there now was made by another fix of the same object, and both are wanted.
    Merge,
}

/// Applies one ABI operation at `segments`, its pointer relative to `value` (the
/// caller may have walked part of the operation's own pointer already).
pub(crate) fn apply_abi(value: &mut Json, segments: &[String], op: &PatchOp) -> Option<()> {
    match op {
        PatchOp::Add { value: new, .. } => add(value, segments, new.clone(), OnExisting::Set),
        PatchOp::Replace { value: new, .. } => {
            *get_mut(value, segments)? = new.clone();
            Some(())
        }
        PatchOp::Remove { .. } => remove(value, segments),
    }
}

/// Applies one operation of a report's `patch` (`{"op", "path", "value"}`) with
/// [`OnExisting::Merge`].
pub(crate) fn apply_report(value: &mut Json, op: &Json) -> Option<()> {
    let segments = pointer::segments(op.get("path")?.as_str()?)?;
    match op.get("op")?.as_str()? {
        "add" => add(
            value,
            &segments,
            op.get("value")?.clone(),
            OnExisting::Merge,
        ),
        "replace" => {
            *get_mut(value, &segments)? = op.get("value")?.clone();
            Some(())
        }
        "remove" => remove(value, &segments),
        _ => None,
    }
}

/// How many leading segments of `segments` exist in `value`.
pub(crate) fn existing_prefix(value: &Json, segments: &[String]) -> usize {
    let mut node = value;
    for (i, segment) in segments.iter().enumerate() {
        match child(node, segment) {
            // A `null` member is an absent one, as the API server reads it.
            Some(next) if !next.is_null() => node = next,
            _ => return i,
        }
    }
    segments.len()
}

/// `value` nested under the missing `keys`: objects, or a list for a `-` segment.
pub(crate) fn wrap(keys: &[String], value: Json) -> Json {
    keys.iter().rev().fold(value, |inner, key| {
        if key == "-" {
            Json::Array(vec![inner])
        } else {
            let mut map = Map::new();
            map.insert(key.clone(), inner);
            Json::Object(map)
        }
    })
}

fn index(segment: &str, len: usize) -> Option<usize> {
    pointer::list_index(segment).filter(|&i| i < len)
}

fn child<'a>(node: &'a Json, segment: &str) -> Option<&'a Json> {
    match node {
        Json::Object(map) => map.get(segment),
        Json::Array(items) => items.get(index(segment, items.len())?),
        _ => None,
    }
}

fn get_mut<'a>(mut node: &'a mut Json, segments: &[String]) -> Option<&'a mut Json> {
    if segments.is_empty() {
        return None;
    }
    for segment in segments {
        node = match node {
            Json::Object(map) => map.get_mut(segment)?,
            Json::Array(items) => {
                let i = index(segment, items.len())?;
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(node)
}

fn add(root: &mut Json, segments: &[String], value: Json, existing: OnExisting) -> Option<()> {
    let (last, parents) = segments.split_last()?;
    let mut node = root;
    for (i, segment) in parents.iter().enumerate() {
        node = match node {
            Json::Object(map) => {
                if map.get(segment).is_none_or(Json::is_null) {
                    // Created missing parents: the rest of the path under them.
                    map.insert(segment.clone(), wrap(&segments[i + 1..], value));
                    return Some(());
                }
                map.get_mut(segment)?
            }
            Json::Array(items) => {
                let at = index(segment, items.len())?;
                items.get_mut(at)?
            }
            _ => return None,
        };
    }
    match node {
        Json::Object(map) => match (map.get_mut(last), existing) {
            (Some(old), OnExisting::Merge) => merge(old, value),
            _ => {
                map.insert(last.clone(), value);
            }
        },
        Json::Array(items) if last == "-" => {
            if existing == OnExisting::Set || !items.contains(&value) {
                items.push(value);
            }
        }
        Json::Array(items) => {
            let at = last.parse::<usize>().ok().filter(|&i| i <= items.len())?;
            if last != "0" && last.starts_with('0') {
                return None;
            }
            items.insert(at, value);
        }
        _ => return None,
    }
    Some(())
}

fn merge(old: &mut Json, new: Json) {
    match (old, new) {
        (Json::Object(old), Json::Object(new)) => {
            for (key, value) in new {
                match old.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        old.insert(key, value);
                    }
                }
            }
        }
        (Json::Array(old), Json::Array(new)) => {
            for item in new {
                if !old.contains(&item) {
                    old.push(item);
                }
            }
        }
        (old, new) => *old = new,
    }
}

fn remove(root: &mut Json, segments: &[String]) -> Option<()> {
    let (last, parents) = segments.split_last()?;
    let parent = if parents.is_empty() {
        root
    } else {
        get_mut(root, parents)?
    };
    match parent {
        Json::Object(map) => map.remove(last).map(|_| ()),
        Json::Array(items) => {
            let at = index(last, items.len())?;
            items.remove(at);
            Some(())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply_whole(value: &mut Json, op: &PatchOp) -> Option<()> {
        apply_abi(value, &pointer::segments(op.path())?, op)
    }

    #[test]
    fn abi_add_creates_parents_sets_members_and_appends() {
        let mut value = json!({"spec": {"containers": [{"name": "a"}]}});
        let add = |path: &str, value: Json| PatchOp::Add {
            path: path.into(),
            value,
        };
        apply_whole(
            &mut value,
            &add(
                "/spec/containers/0/securityContext/capabilities/drop/-",
                json!("ALL"),
            ),
        )
        .unwrap();
        apply_whole(
            &mut value,
            &add(
                "/spec/containers/0/securityContext/capabilities/drop/-",
                json!("NET_RAW"),
            ),
        )
        .unwrap();
        apply_whole(&mut value, &add("/spec/containers/0/name", json!("b"))).unwrap();
        assert_eq!(
            value,
            json!({"spec": {"containers": [{"name": "b", "securityContext": {"capabilities": {"drop": ["ALL", "NET_RAW"]}}}]}})
        );
        assert!(apply_whole(&mut value, &add("/spec/containers/3/name", json!("c"))).is_none());
        let remove = PatchOp::Remove {
            path: "/spec/containers/0/name".into(),
        };
        apply_whole(&mut value, &remove).unwrap();
        assert!(apply_whole(&mut value, &remove).is_none(), "must exist");
    }

    #[test]
    fn report_adds_of_two_fixes_merge() {
        let mut value = json!({"c": {"name": "a"}});
        for op in [
            json!({"op": "add", "path": "/c/securityContext", "value": {"runAsNonRoot": true}}),
            json!({"op": "add", "path": "/c/securityContext", "value": {"capabilities": {"drop": ["ALL"]}}}),
            json!({"op": "add", "path": "/c/securityContext", "value": {"capabilities": {"drop": ["NET_RAW", "ALL"]}}}),
        ] {
            apply_report(&mut value, &op).unwrap();
        }
        assert_eq!(
            value,
            json!({"c": {"name": "a", "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL", "NET_RAW"]}}}})
        );
        assert!(apply_report(&mut value, &json!({"op": "copy", "path": "/c"})).is_none());
    }
}
