use serde_json::json;

use super::image_ref::ImageRef;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter, FixSpec};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers whose image comes from `k8s.gcr.io`, the Kubernetes project's
    /// registry that was frozen on 3 April 2023.
    ///
    /// ## Why is this bad?
    /// Nothing has been pushed to `k8s.gcr.io` since the freeze: no patch release of
    /// any Kubernetes image, so whatever version is pinned there stays unpatched, and
    /// the old registry may be switched off. `registry.k8s.io` serves the same images
    /// under the same names, and every release since.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dns
    /// spec:
    ///   containers:
    ///   - name: coredns
    ///     image: k8s.gcr.io/coredns/coredns:v1.9.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: dns
    /// spec:
    ///   containers:
    ///   - name: coredns
    ///     image: registry.k8s.io/coredns/coredns:v1.9.3
    /// ```
    ///
    /// ## Fix safety
    /// The fix changes only the registry: `registry.k8s.io` holds every image that
    /// `k8s.gcr.io` held, with the same tags and digests.
    ///
    /// ## References
    /// - Kubernetes blog: k8s.gcr.io Image Registry Will Be Frozen From the 3rd of April 2023
    /// - Kubernetes blog: registry.k8s.io: faster, cheaper and Generally Available
    pub static FROZEN_REGISTRY_IMAGE = Rule {
        id: "frozen-registry-image",
        title: "Image from the frozen k8s.gcr.io registry",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pull the image from `registry.k8s.io` instead, and update it to a current release.",
        references: &[
            "https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/",
            "https://kubernetes.io/blog/2022/11/28/registry-k8s-io-faster-cheaper-ga/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        let Some(path) = ImageRef::parse(image).name.strip_prefix("k8s.gcr.io/") else {
            continue;
        };
        let message = format!(
            "{} `{}` pulls `{image}` from `k8s.gcr.io`, frozen since 2023-04-03",
            c.kind.noun(),
            c.name()
        );
        let moved = format!(
            "registry.k8s.io/{path}{}",
            &image["k8s.gcr.io/".len() + path.len()..]
        );
        out.report(object, c.at("image"), message).fix =
            Some(FixSpec::new("pull from `registry.k8s.io`").replace(c.at("image"), json!(moved)));
    }
}
