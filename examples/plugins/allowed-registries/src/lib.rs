//! An organisation's own rules as a kubecheck plugin: container images only from the
//! registries the organisation trusts, and labels every object must carry.
//!
//! Settings (`plugins[].settings` in `.kubecheck.yaml`):
//!
//! ```yaml
//! settings:
//!   registries: [registry.acme.example, ghcr.io/acme]
//!   requiredLabels: [owner]
//! ```

use kubecheck_plugin_sdk::{
    export_plugin, Category, CheckInput, Error, Finding, Metadata, Plugin, Resource, Rule, Severity,
};
use serde::Deserialize;

const IMAGE_REGISTRY: &str = "image-registry";
const REQUIRED_LABELS: &str = "required-labels";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Settings {
    /// Registry hosts, optionally with a path (`ghcr.io/acme`); Docker Hub is `docker.io`.
    #[serde(default)]
    registries: Vec<String>,
    #[serde(default)]
    required_labels: Vec<String>,
}

pub struct AcmePolicy;

impl Plugin for AcmePolicy {
    fn metadata() -> Metadata {
        Metadata::new("acme", env!("CARGO_PKG_VERSION"))
            .rule(
                Rule::new(
                    IMAGE_REGISTRY,
                    "Image from a registry that is not allowed",
                    Category::Patching,
                    Severity::High,
                )
                .description(
                    "Flags containers whose image is pulled from a registry outside the \
                     `registries` setting. Images without a registry come from `docker.io`.",
                )
                .remediation("Mirror the image into an allowed registry and reference it there."),
            )
            .rule(
                Rule::new(
                    REQUIRED_LABELS,
                    "Required label missing",
                    Category::Manifest,
                    Severity::Low,
                )
                .description("Flags objects that lack a label named in `requiredLabels`.")
                .remediation("Add the label to the object's metadata."),
            )
    }

    fn check(input: &CheckInput) -> Result<Vec<Finding>, Error> {
        let settings: Settings = input.settings()?;
        let mut findings = Vec::new();
        for resource in &input.resources {
            if !settings.registries.is_empty() {
                findings.extend(image_registry(resource, &settings.registries));
            }
            findings.extend(required_labels(resource, &settings.required_labels));
        }
        Ok(findings)
    }
}

export_plugin!(AcmePolicy);

fn image_registry<'a>(
    resource: &'a Resource,
    allowed: &'a [String],
) -> impl Iterator<Item = Finding> + 'a {
    resource.containers().into_iter().filter_map(move |c| {
        let image = c.image()?;
        let repository = full_repository(image);
        if allowed.iter().any(|a| is_under(&repository, a)) {
            return None;
        }
        Some(Finding::new(
            IMAGE_REGISTRY,
            resource,
            c.at("image"),
            format!(
                "{} `{}` uses image `{image}` from `{}`, which is not an allowed registry",
                c.kind.noun(),
                c.name().unwrap_or_default(),
                repository.split('/').next().unwrap_or_default()
            ),
        ))
    })
}

fn required_labels<'a>(
    resource: &'a Resource,
    required: &'a [String],
) -> impl Iterator<Item = Finding> + 'a {
    // The labels, or their closest parent when there are none.
    let path = resource.existing("/metadata/labels");
    required
        .iter()
        .filter(|label| resource.label(label).is_none())
        .map(move |label| {
            Finding::new(
                REQUIRED_LABELS,
                resource,
                path,
                format!("`{}` lacks the label `{label}`", resource.display_name()),
            )
        })
}

/// `registry/path/name` without tag or digest, with Docker Hub's defaults filled in:
/// `nginx:1.27` is `docker.io/library/nginx`.
fn full_repository(image: &str) -> String {
    let name = image.split('@').next().unwrap_or(image);
    // A tag follows the last `:` only if no `/` comes after it (`host:5000/app` is a port).
    let name = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => name,
    };
    match name.split_once('/') {
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            name.to_owned()
        }
        Some(_) => format!("docker.io/{name}"),
        None => format!("docker.io/library/{name}"),
    }
}

/// Whether `repository` is `allowed` or below it, on whole path segments.
fn is_under(repository: &str, allowed: &str) -> bool {
    let allowed = allowed.trim_end_matches('/');
    !allowed.is_empty()
        && repository
            .strip_prefix(allowed)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubecheck_plugin_sdk::{json, run_check, serde_json, Value};

    #[test]
    fn repositories_get_docker_hub_defaults() {
        assert_eq!(full_repository("nginx"), "docker.io/library/nginx");
        assert_eq!(full_repository("nginx:1.27"), "docker.io/library/nginx");
        assert_eq!(
            full_repository("bitnami/redis:7"),
            "docker.io/bitnami/redis"
        );
        assert_eq!(
            full_repository("localhost:5000/app:v1@sha256:abc"),
            "localhost:5000/app"
        );
        assert_eq!(
            full_repository("ghcr.io/acme/web@sha256:abc"),
            "ghcr.io/acme/web"
        );
    }

    #[test]
    fn allowed_entries_match_whole_segments() {
        assert!(is_under("ghcr.io/acme/web", "ghcr.io/acme"));
        assert!(is_under("ghcr.io/acme/web", "ghcr.io/acme/"));
        assert!(is_under("ghcr.io/acme/web", "ghcr.io"));
        assert!(!is_under("ghcr.io/acmecorp/web", "ghcr.io/acme"));
        assert!(!is_under("evil.io/x", ""));
    }

    fn check(settings: Value, object: Value) -> Value {
        let input = json!({"abiVersion": 1, "settings": settings,
            "resources": [{"id": 0, "source": "x.yaml", "object": object}]});
        serde_json::from_slice(&run_check::<AcmePolicy>(input.to_string().as_bytes())).unwrap()
    }

    #[test]
    fn flags_foreign_images_and_missing_labels() {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"template": {"spec": {
                "initContainers": [{"name": "init", "image": "busybox"}],
                "containers": [{"name": "app", "image": "ghcr.io/acme/web:1"}]}}}});
        let output = check(
            json!({"registries": ["ghcr.io/acme"], "requiredLabels": ["app", "owner"]}),
            deployment,
        );
        assert_eq!(
            output,
            json!({"findings": [
                {"rule": "image-registry", "resource": 0,
                 "path": "/spec/template/spec/initContainers/0/image",
                 "message": "init container `init` uses image `busybox` from `docker.io`, which is not an allowed registry"},
                {"rule": "required-labels", "resource": 0, "path": "/metadata/labels",
                 "message": "`Deployment/web` lacks the label `owner`"},
            ]})
        );
    }

    #[test]
    fn bad_settings_are_a_plugin_error() {
        let output = check(json!({"registries": "ghcr.io"}), json!({"kind": "Pod"}));
        assert!(output["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid settings"));
    }
}
