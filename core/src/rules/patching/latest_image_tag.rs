use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers (including init and ephemeral containers) whose image has no
    /// tag, uses the `latest` tag, or that have no image at all. Images pinned by
    /// digest (`nginx@sha256:…`) always pass. Tags that float otherwise (`main`,
    /// `redis:7`) are `floating-image-tag`'s, `latest` that is never pulled again is
    /// `latest-tag-pull-policy`'s, and a tag without a digest is
    /// `image-without-digest`'s (off by default).
    ///
    /// ## Why is this bad?
    /// `latest` (which is also what an untagged image means) moves: two nodes can run
    /// different code for the same manifest, a rollback does not roll back, and you
    /// cannot tell which version, with which vulnerabilities, is running. It also
    /// makes the kubelet default to `imagePullPolicy: Always`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:latest
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
    ///     image: nginx:1.27.3
    /// ```
    ///
    /// An image whose name and tag are a template variable (`$IMAGE`, `${IMAGE_URI}`,
    /// `{{ .Values.image }}`) is left alone: the real reference is substituted before
    /// it is applied. A missing image is not reported for custom resources (operators
    /// fill it in) nor for apps/v1 workloads without `spec.selector`, which are patch
    /// fragments (kustomize) rather than complete objects.
    ///
    /// ## Known problems
    /// A fixed tag such as `1.27.3` can still be re-pushed; pin by digest where that
    /// matters. Placeholders in the registry part (`gcr.io/PROJECT_ID/app`) are
    /// reported like any image without a tag.
    ///
    /// ## References
    /// - Kubernetes docs, Configuration best practices: Container images
    pub static LATEST_IMAGE_TAG = Rule {
        id: "latest-image-tag",
        title: "Image without a tag or with `latest`",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pin the image to a version tag, or better to a digest (`image@sha256:…`).",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/overview/#container-images",
            "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Pinning {
    Digest,
    Tag,
    Latest,
    NoTag,
}

/// How an image reference `[registry[:port]/]path[:tag][@digest]` is pinned.
pub(crate) fn pinning(image: &str) -> Pinning {
    if image.contains('@') {
        return Pinning::Digest;
    }
    // A `:` before the last `/` is a registry port, not a tag.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Pinning::Latest,
        Some((_, tag)) if !tag.is_empty() => Pinning::Tag,
        _ => Pinning::NoTag,
    }
}

/// `$IMAGE`, `${IMAGE_URI}`, `{{ .Values.image }}`: the name and tag are filled in later.
pub(crate) fn is_template(image: &str) -> bool {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.contains('$') || last.contains("{{")
}

/// Whether a missing image is a mistake rather than left to someone else: built-in
/// kinds only. Patch fragments (an apps/v1 workload without `spec.selector`, a file a
/// kustomization names as a patch) are judged only for what they set, for every rule
/// alike (`crate::rules::partial`), so their missing images are not reported either.
fn image_required(object: &Object<'_>) -> bool {
    matches!(
        (object.api_version.as_str(), object.kind.as_str()),
        (
            "apps/v1",
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        ) | ("v1", "Pod" | "PodTemplate" | "ReplicationController")
            | ("batch/v1", "Job" | "CronJob")
    )
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    for c in &pod.containers {
        let noun = c.kind.noun();
        let name = c.name();
        let image = c.container.image.as_deref().map(str::trim).unwrap_or("");
        if (image.is_empty() && !image_required(object)) || is_template(image) {
            continue;
        }
        let message = if image.is_empty() {
            format!("{noun} `{name}` has no `image`")
        } else {
            match pinning(image) {
                Pinning::Digest | Pinning::Tag => continue,
                Pinning::Latest => format!("{noun} `{name}` uses the `latest` tag: `{image}`"),
                Pinning::NoTag => {
                    format!("{noun} `{name}` uses image `{image}` without a tag (`latest`)")
                }
            }
        };
        out.report(object, c.at("image"), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_digests_and_registry_ports() {
        assert_eq!(pinning("nginx"), Pinning::NoTag);
        assert_eq!(pinning("nginx:latest"), Pinning::Latest);
        assert_eq!(pinning("nginx:1.27"), Pinning::Tag);
        assert_eq!(pinning("registry:5000/team/app"), Pinning::NoTag);
        assert_eq!(pinning("registry:5000/team/app:v2"), Pinning::Tag);
        assert_eq!(pinning("nginx:latest@sha256:abc"), Pinning::Digest);
        assert_eq!(pinning("nginx:"), Pinning::NoTag);
        assert!(is_template("${IMAGE_URI}"));
        assert!(is_template("gcr.io/x/{{ .Values.name }}"));
        assert!(!is_template("gcr.io/$PROJECT/app"));
    }
}
