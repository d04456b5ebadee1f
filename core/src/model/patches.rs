//! Objects that are not whole: Kustomize patches and fragments the API server would
//! refuse for a missing required field. They are judged only for what they set.

use std::collections::HashSet;

use super::input::Input;
use super::object::Object;
use crate::yaml::Node;

/// The file names Kustomize reads a kustomization from
/// (sigs.k8s.io/kustomize `api/konfig/general.go`, `RecognizedKustomizationFileNames`).
const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The sources that a kustomization of the input names as patches: `patchesStrategicMerge`
/// entries (file paths) and the `path` of `patches` entries, resolved against the
/// kustomization's own directory (sigs.k8s.io/kustomize `api/types/kustomization.go`,
/// `Patches []Patch` with `Path`, and `PatchesStrategicMerge []PatchStrategicMerge`).
/// Inline patches (`patch:`) are text inside the kustomization, not objects of the input.
pub(crate) fn patch_sources(input: &Input) -> HashSet<usize> {
    let mut paths = HashSet::new();
    for doc in &input.documents {
        let Some(source) = input.sources.get(doc.source) else {
            continue;
        };
        if !is_kustomization(&source.name, &doc.root) {
            continue;
        }
        let dir = parent(&source.name);
        let strategic = doc.root.get("patchesStrategicMerge").and_then(Node::as_seq);
        for entry in strategic.unwrap_or_default() {
            if let Some(path) = entry.as_str().filter(|p| !p.contains('\n')) {
                paths.insert(normalize(&join(dir, path)));
            }
        }
        let patches = doc.root.get("patches").and_then(Node::as_seq);
        for entry in patches.unwrap_or_default() {
            if let Some(path) = entry.get("path").and_then(Node::as_str) {
                paths.insert(normalize(&join(dir, path)));
            }
        }
    }
    if paths.is_empty() {
        return HashSet::new();
    }
    input
        .sources
        .iter()
        .enumerate()
        .filter(|(_, source)| paths.contains(&normalize(&source.name)))
        .map(|(i, _)| i)
        .collect()
}

fn is_kustomization(name: &str, root: &Node) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    KUSTOMIZATION_FILES.contains(&file)
        || (root.get("kind").and_then(Node::as_str) == Some("Kustomization")
            && root
                .get("apiVersion")
                .and_then(Node::as_str)
                .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/")))
}

fn parent(name: &str) -> &str {
    name.rfind(['/', '\\']).map_or("", |i| &name[..i])
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{dir}/{path}")
    }
}

/// `a/./b/../c` as `a/c`, with `\` read as `/`; leading `..` kept.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A built-in workload the API server would refuse for lack of fields that a patch
/// leaves to its base, so it can only be a fragment: an `apps/v1` workload without
/// `spec.selector` (required since apps/v1: "spec.selector: Required value") whose pod
/// template has a container without `image` or no `containers` (both required by pod
/// validation, kubernetes `pkg/apis/core/validation/validation.go`,
/// `validateContainers` and `validateContainerCommon`). Both at once, on purpose: hand
/// written examples often skip the selector, and a manifest that only misses an image
/// is more likely a mistake worth reporting than a patch. Custom resources are left to
/// the table of templates: their operators may fill in what they omit.
pub(crate) fn evidently_partial(object: &Object<'_>) -> bool {
    let apps_workload = object.api_version == "apps/v1"
        && matches!(
            object.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        );
    if !apps_workload || object.at("/spec/selector").is_some() {
        return false;
    }
    object.pods.iter().any(
        |pod| match object.at(&pod.at("containers")).and_then(Node::as_seq) {
            None => true,
            Some(containers) => containers.iter().any(|c| {
                c.get("image")
                    .and_then(Node::as_str)
                    .is_none_or(|image| image.trim().is_empty())
            }),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_against_the_kustomization() {
        assert_eq!(
            normalize(&join("a/overlays/prod", "../../base/./p.yaml")),
            "a/base/p.yaml"
        );
        assert_eq!(normalize(&join("", "p.yaml")), "p.yaml");
        assert_eq!(normalize("/x/./y/../z.yaml"), "/x/z.yaml");
        assert_eq!(normalize("../up.yaml"), "../up.yaml");
        assert_eq!(parent("dir/kustomization.yaml"), "dir");
    }
}
