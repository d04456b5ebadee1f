use super::image_ref::ImageRef;
use super::latest_image_tag::is_template;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers whose image tag names a branch or a moving line rather than a
    /// release: `master`, `main`, `develop`, `nightly`, `edge`, `stable`, `lts`,
    /// `current`, `mainline`, `canary`, a variant alone (`alpine`, `slim`), a
    /// distribution codename without a version (`bookworm`), or a major version only
    /// (`redis:7`, `node:20-alpine`). `latest` and untagged images are
    /// `latest-image-tag`'s.
    ///
    /// ## Why is this bad?
    /// Such a tag is re-pointed at every build of the branch or every release of the
    /// line: nodes pulling at different times run different code, a rollback does not
    /// roll back, and the version running (and its vulnerabilities) cannot be told
    /// from the manifest.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   containers:
    ///   - name: redis
    ///     image: redis:7-alpine
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: cache
    /// spec:
    ///   containers:
    ///   - name: redis
    ///     image: redis:7.4.1-alpine
    /// ```
    ///
    /// Images pinned by digest pass whatever their tag.
    ///
    /// ## Known problems
    /// A `major.minor` tag (`7.4`) also moves with each patch release; it is accepted
    /// as the usual compromise. Projects whose releases are a single number (a date,
    /// a build counter such as `jenkins/inbound-agent:3309`) are told apart from a
    /// major-only tag by the size of the number: four digits or more is a release.
    /// A single number after a `v` (`gb-frontend:v5`) is taken as a project's release
    /// name, not a major version line, though some projects move such tags.
    ///
    /// ## References
    /// - Kubernetes docs: Images, Image names
    /// - Kubernetes docs: Configuration best practices, Container images
    pub static FLOATING_IMAGE_TAG = Rule {
        id: "floating-image-tag",
        title: "Image tag that names a branch or a moving line",
        category: Category::Patching,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pin the image to a release tag (`7.4.1`), or better to a digest.",
        references: &[
            "https://kubernetes.io/docs/concepts/containers/images/#image-names",
            "https://kubernetes.io/docs/concepts/configuration/overview/#container-images",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Words that, as the first part of a tag, name a branch, a channel or a variant.
const FLOATING: &[&str] = &[
    "master", "main", "develop", "dev", "trunk", "nightly", "edge", "stable", "lts", "current",
    "mainline", "rolling", "canary", "beta", "testing", "unstable", "alpine", "slim", "bookworm",
    "bullseye", "buster", "trixie", "jammy", "noble", "focal",
];

/// Why a tag floats, if it does.
fn floating(tag: &str) -> Option<&'static str> {
    let first = tag
        .split(['-', '_', '.'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    if FLOATING.contains(&first.as_str()) {
        return Some("names a branch or a moving line");
    }
    // `7` and `20-alpine` as Docker's official images use them; a `v` marks a
    // project's own release names instead (`gb-frontend:v5` is one build).
    let digits = tag.split(['-', '_']).next().unwrap_or(tag);
    let major_only =
        !digits.is_empty() && digits.len() < 4 && digits.bytes().all(|b| b.is_ascii_digit());
    major_only.then_some("names a major version only")
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        let reference = ImageRef::parse(image);
        if is_template(image) || reference.digest.is_some() {
            continue;
        }
        let Some(tag) = reference.tag else { continue };
        if let Some(why) = floating(tag) {
            let message = format!(
                "{} `{}` uses image `{image}`, whose tag `{tag}` {why}",
                c.kind.noun(),
                c.name()
            );
            out.report(object, c.at("image"), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::floating;

    #[test]
    fn branches_channels_variants_and_majors_float() {
        for tag in [
            "master",
            "main-abc",
            "alpine",
            "lts-alpine",
            "Stable",
            "7",
            "20-alpine",
            "bookworm",
        ] {
            assert!(floating(tag).is_some(), "{tag}");
        }
        for tag in [
            "7.4",
            "1.27.3",
            "v1.2.3-alpine",
            "3309",
            "20240101",
            "alpine3.19x",
            "sha-1a2b3c",
            "latest",
            "v5",
        ] {
            assert!(floating(tag).is_none(), "{tag}");
        }
    }
}
