use super::image_ref::ImageRef;
use super::latest_image_tag::is_template;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers whose image has no digest (`@sha256:…`), whatever its tag.
    /// Off by default: turn it on with `--enable image-without-digest` (or in
    /// `.kubecheck.yaml`) where every image must be pinned.
    ///
    /// ## Why is this bad?
    /// Any tag can be pushed again, `1.27.3` as well as `latest`: whoever controls the
    /// registry (or an attacker who got its credentials) changes what runs without a
    /// change to the manifest. A digest names the content itself, so what was reviewed
    /// and scanned is what runs.
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
    ///     image: nginx:1.27.3
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
    ///     image: nginx:1.27.3@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
    /// ```
    ///
    /// ## References
    /// - Kubernetes docs: Images, Image names
    pub static IMAGE_WITHOUT_DIGEST = Rule {
        id: "image-without-digest",
        title: "Image not pinned by digest",
        category: Category::Patching,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pin the image by digest (`name:tag@sha256:…`), and let a bot such as Renovate update it.",
        references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
        pss: None,
        enabled_by_default: false,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        if image.is_empty() || is_template(image) || ImageRef::parse(image).digest.is_some() {
            continue;
        }
        let message = format!(
            "{} `{}` uses image `{image}` without a digest",
            c.kind.noun(),
            c.name()
        );
        out.report(object, c.at("image"), message);
    }
}
