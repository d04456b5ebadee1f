use super::image_ref::ImageRef;
use super::latest_image_tag::is_template;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers whose image comes from outside the registries allowed by
    /// `allowedRegistries` in `.kubecheck.yaml`. An entry is a registry host
    /// (`registry.example.com`, `ghcr.io`) or a repository prefix (`ghcr.io/acme/`,
    /// `docker.io/library/`); Docker Hub images are matched in their full form
    /// (`nginx` is `docker.io/library/nginx`). With no list, the rule says nothing.
    ///
    /// ## Why is this bad?
    /// An image from an unreviewed registry bypasses the scanning, signing and
    /// mirroring an organisation does on its own registries, and a typo-squatted name
    /// on a public registry runs whatever its owner pushed.
    ///
    /// ## Example
    /// ```yaml
    /// # with `allowedRegistries: [registry.example.com]` in .kubecheck.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: docker.io/someone/web:1.0.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/web/app:1.0.0
    /// ```
    ///
    /// ## Options
    /// `allowedRegistries` in `.kubecheck.yaml` (the documentation example runs with
    /// `registry.example.com`). The `allowed-registries` example plugin shows the same
    /// check written as a plugin, with settings of its own.
    ///
    /// ## References
    /// - Kubernetes docs: Images
    pub static IMAGE_REGISTRY_NOT_ALLOWED = Rule {
        id: "image-registry-not-allowed",
        title: "Image from a registry outside the allowlist",
        category: Category::Patching,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pull the image from an allowed registry (mirror it there), or add the registry to `allowedRegistries`.",
        references: &["https://kubernetes.io/docs/concepts/containers/images/"],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The image's full name, with Docker Hub's implicit registry and `library/` written
/// out.
fn full_name(image: &ImageRef<'_>) -> String {
    let repository = image.repository();
    if image.registry() != "docker.io" {
        return image.name.to_owned();
    }
    if repository.contains('/') {
        format!("docker.io/{repository}")
    } else {
        format!("docker.io/library/{repository}")
    }
}

/// Whether `name` is under `entry`: the same registry host, or the repository prefix
/// (a prefix not ending in `/` stops at a path boundary).
fn allowed_by(name: &str, entry: &str) -> bool {
    let entry = entry.trim();
    if entry.is_empty() {
        return false;
    }
    if entry.ends_with('/') {
        return name.starts_with(entry);
    }
    name == entry
        || name
            .strip_prefix(entry)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let allowed = &ctx.options.allowed_registries;
    if allowed.is_empty() {
        return;
    }
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        if image.is_empty() || is_template(image) {
            continue;
        }
        let name = full_name(&ImageRef::parse(image));
        if !allowed.iter().any(|entry| allowed_by(&name, entry)) {
            let message = format!(
                "{} `{}` pulls `{image}` from `{}`, which `allowedRegistries` does not list",
                c.kind.noun(),
                c.name(),
                ImageRef::parse(image).registry()
            );
            out.report(object, c.at("image"), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_hosts_or_path_prefixes() {
        let name = |s| full_name(&ImageRef::parse(s));
        assert_eq!(name("nginx:1"), "docker.io/library/nginx");
        assert_eq!(name("bitnami/redis"), "docker.io/bitnami/redis");
        assert_eq!(name("ghcr.io/acme/app:1"), "ghcr.io/acme/app");
        assert!(allowed_by("ghcr.io/acme/app", "ghcr.io"));
        assert!(allowed_by("ghcr.io/acme/app", "ghcr.io/acme"));
        assert!(allowed_by("ghcr.io/acme/app", "ghcr.io/acme/"));
        assert!(!allowed_by("ghcr.io/acme-evil/app", "ghcr.io/acme"));
        assert!(!allowed_by("ghcr.io.evil.example/app", "ghcr.io"));
        assert!(allowed_by("docker.io/library/nginx", "docker.io/library/"));
        assert!(!allowed_by("docker.io/someone/nginx", "docker.io/library/"));
    }
}
