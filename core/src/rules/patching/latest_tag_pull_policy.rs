use super::latest_image_tag::{is_template, pinning, Pinning};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use serde_json::json;

declare_rule! {
    /// ## What it does
    /// Flags containers with a `latest` or untagged image and `imagePullPolicy`
    /// `IfNotPresent` or `Never`.
    ///
    /// ## Why is this bad?
    /// For `latest` the kubelet defaults to pulling every time; these policies turn
    /// that off, so each node runs whatever `latest` was when it first pulled the
    /// image, possibly months ago, and nodes disagree. A fixed vulnerability is never
    /// picked up, and nothing in the manifest shows which build runs where.
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
    ///     image: registry.example/web:latest
    ///     imagePullPolicy: IfNotPresent
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
    ///     image: registry.example/web:2.14.0
    ///     imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `imagePullPolicy: Always`: every container start then asks the
    /// registry, so a registry outage stops new pods from starting. Pinning the image
    /// (`latest-image-tag`) is the better cure.
    ///
    /// ## References
    /// - Kubernetes docs: Images, Image pull policy
    pub static LATEST_TAG_PULL_POLICY = Rule {
        id: "latest-tag-pull-policy",
        title: "`latest` image that is never pulled again",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Pin the image to a release tag or digest; with `latest`, leave `imagePullPolicy` to its default (`Always`).",
        references: &["https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"],
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
        let policy = c.container.image_pull_policy.as_deref();
        if image.is_empty()
            || is_template(image)
            || !matches!(policy, Some("IfNotPresent" | "Never"))
        {
            continue;
        }
        if matches!(pinning(image), Pinning::Latest | Pinning::NoTag) {
            let message = format!(
                "{} `{}` uses `{image}` with `imagePullPolicy: {}`: the node keeps the `latest` it pulled first",
                c.kind.noun(),
                c.name(),
                policy.unwrap_or_default()
            );
            out.report(object, c.at("imagePullPolicy"), message)
                .fix_set(
                    "set `imagePullPolicy: Always`",
                    c.at("imagePullPolicy"),
                    json!("Always"),
                );
        }
    }
}
