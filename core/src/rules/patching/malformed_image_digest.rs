use super::image_ref::ImageRef;
use super::latest_image_tag::is_template;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags container images whose digest (`@…`) is not a well-formed content
    /// digest: `sha256:` and 64 lowercase hex digits, or `sha512:` and 128. A tag
    /// written after the digest, a truncated or upper-case digest and a missing
    /// algorithm are all reported.
    ///
    /// ## Why is this bad?
    /// The digest is what makes an image immutable. A malformed one is refused when
    /// the pod starts (`InvalidImageName`), so the workload never runs; where a
    /// registry or a rewriting tool drops it, the image is pulled by its mutable tag
    /// instead, and the pin the author meant is gone.
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
    ///     image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b3
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
    /// - OCI image spec: Digests
    /// - distribution/reference: reference grammar
    pub static MALFORMED_IMAGE_DIGEST = Rule {
        id: "malformed-image-digest",
        title: "Image digest that is not a valid content digest",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Write the digest as `name[:tag]@sha256:` followed by the 64 hex digits the registry reports.",
        references: &[
            "https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests",
            "https://github.com/distribution/reference/blob/main/reference.go",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// What is wrong with `digest`, if anything (OCI image-spec descriptor.md, "Digests":
/// the registered algorithms and their encoded lengths).
fn digest_problem(digest: &str) -> Option<&'static str> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Some("has no algorithm (`sha256:`)");
    };
    let length = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return Some("names an unknown algorithm"),
    };
    if hex.contains([':', '@']) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some("has characters other than hex digits (a tag goes before the `@`)");
    }
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("has upper-case hex digits");
    }
    (hex.len() != length).then_some("has the wrong length")
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        if is_template(image) {
            continue;
        }
        let Some(digest) = ImageRef::parse(image).digest else {
            continue;
        };
        if let Some(problem) = digest_problem(digest) {
            let message = format!(
                "{} `{}` uses image `{image}`, whose digest {problem}",
                c.kind.noun(),
                c.name()
            );
            out.report(object, c.at("image"), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::digest_problem;

    #[test]
    fn digests_need_an_algorithm_and_the_right_hex() {
        let good = "0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31";
        assert_eq!(digest_problem(&format!("sha256:{good}")), None);
        assert!(digest_problem(good).is_some());
        assert!(digest_problem(&format!("sha256:{}", &good[1..])).is_some());
        assert!(digest_problem(&format!("sha256:{}", good.to_uppercase())).is_some());
        assert!(digest_problem(&format!("sha256:{good}:1.0")).is_some());
        assert!(digest_problem(&format!("md5:{good}")).is_some());
        assert_eq!(digest_problem(&format!("sha512:{good}{good}")), None);
    }
}
