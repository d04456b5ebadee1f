//! The namespaces' Pod Security labels the admission webhook judges workloads by.
//!
//! An `AdmissionReview` carries the object, not its namespace, so the core's Pod Security
//! Admission preview (`admission-rejected-workload`, `admission-warned-workload`) would
//! never run on a review. `serve --namespaces FILE` gives the namespaces (the output of
//! `kubectl get namespaces -o yaml`, or the manifests the cluster was made from); a
//! review in one of them is checked together with that Namespace, so a Deployment
//! whose pods the namespace's `enforce` level would reject is caught when it is
//! created, not when its ReplicaSet silently gets no pods.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use kubecheck_core::pss::LABEL_PREFIX;
use kubecheck_core::{Input, Source};
use serde_json::json;

use crate::read_limit::read_bounded;

/// Largest namespaces file read at start.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// Source name of the namespace a review is checked with; its own findings are not the
/// review's.
pub const NAMESPACE_SOURCE: &str = "namespace";

/// Namespace name to a one-object manifest of it with only its Pod Security labels.
#[derive(Debug, Default)]
pub struct NamespaceLabels {
    manifests: BTreeMap<String, String>,
}

impl NamespaceLabels {
    /// Reads every file's `Namespace` objects. A file that cannot be read or parsed, or
    /// that has no Namespace, stops the server: a webhook that silently judged without
    /// the namespaces it was given would allow what their labels forbid.
    pub fn load(paths: &[impl AsRef<Path>]) -> Result<NamespaceLabels> {
        let mut labels = NamespaceLabels::default();
        for path in paths {
            let path = path.as_ref();
            let bytes = read_bounded(path, MAX_FILE_BYTES)
                .with_context(|| format!("--namespaces {}", path.display()))?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("--namespaces {}: not UTF-8", path.display()))?;
            let found = labels.add(&text);
            match found {
                Ok(0) => bail!(
                    "--namespaces {}: no `v1` Namespace object in the file",
                    path.display()
                ),
                Ok(_) => {}
                Err(message) => bail!("--namespaces {}: {message}", path.display()),
            }
        }
        Ok(labels)
    }

    /// Adds the Namespaces of `text`; how many, or the first parse error.
    fn add(&mut self, text: &str) -> Result<usize, String> {
        let input = Input::parse(vec![Source::new("namespaces", text)]);
        if let Some(error) = input.errors.first() {
            return Err(error.message.clone());
        }
        let (objects, _) = input.objects();
        let mut found = 0;
        for object in &objects {
            let (Some(name), "Namespace", "v1") = (
                object.name(),
                object.kind.as_str(),
                object.api_version.as_str(),
            ) else {
                continue;
            };
            let labels: BTreeMap<&String, &String> = object
                .metadata
                .labels
                .iter()
                .flatten()
                // Only the labels Pod Security Admission reads are kept.
                .filter(|(key, _)| key.starts_with(LABEL_PREFIX))
                .collect();
            let manifest = json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": { "name": name, "labels": labels },
            });
            self.manifests.insert(name.to_owned(), manifest.to_string());
            found += 1;
        }
        Ok(found)
    }

    /// How many namespaces are known, for the start-up line.
    pub fn len(&self) -> usize {
        self.manifests.len()
    }

    /// The source to check a review of `namespace` with, if that namespace is known.
    pub fn source(&self, namespace: &str) -> Option<Source> {
        self.manifests
            .get(namespace)
            .map(|manifest| Source::new(NAMESPACE_SOURCE, manifest.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_namespaces_and_their_pod_security_labels() {
        let mut labels = NamespaceLabels::default();
        let listed = labels.add(
            "apiVersion: v1\nkind: List\nitems:\n\
             - apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: shop\n    labels:\n      \
               pod-security.kubernetes.io/enforce: baseline\n      team: web\n\
             - apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings\n",
        );
        assert_eq!(listed, Ok(1));
        let source = labels.source("shop").expect("shop is known");
        assert_eq!(source.name, NAMESPACE_SOURCE);
        let manifest: serde_json::Value = serde_json::from_str(&source.text).unwrap();
        assert_eq!(
            manifest["metadata"]["labels"],
            json!({ "pod-security.kubernetes.io/enforce": "baseline" })
        );
        assert!(labels.source("settings").is_none());
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error() {
        let mut labels = NamespaceLabels::default();
        assert!(labels.add("kind: [unclosed").is_err());
    }
}
