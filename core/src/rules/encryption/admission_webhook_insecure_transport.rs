use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags admission webhooks (`ValidatingWebhookConfiguration`,
    /// `MutatingWebhookConfiguration`) called by URL:
    /// - `clientConfig.url` with `http://` (medium): the API server refuses it, since
    ///   only `https` is allowed, so the configuration does not apply;
    /// - `clientConfig.url` without `clientConfig.caBundle` (low): the API server
    ///   verifies the webhook against its host's system roots, so any public CA can
    ///   vouch for the endpoint.
    ///
    /// Webhooks called through `clientConfig.service` without a `caBundle` are not
    /// reported: the bundle is usually injected at install time (cert-manager's CA
    /// injector, the webhook's own patching).
    ///
    /// ## Why is this bad?
    /// The API server sends the full object of every matching request to the webhook,
    /// Secrets included, and a mutating webhook's answer changes what is stored. An
    /// endpoint reached over plain HTTP, or verified only against every public CA, can
    /// be impersonated to read those objects or to mutate pods.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: admissionregistration.k8s.io/v1
    /// kind: ValidatingWebhookConfiguration
    /// metadata:
    ///   name: policy
    /// webhooks:
    /// - name: policy.example.com
    ///   admissionReviewVersions: [v1]
    ///   sideEffects: None
    ///   clientConfig:
    ///     url: https://policy.example.com/validate
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: admissionregistration.k8s.io/v1
    /// kind: ValidatingWebhookConfiguration
    /// metadata:
    ///   name: policy
    /// webhooks:
    /// - name: policy.example.com
    ///   admissionReviewVersions: [v1]
    ///   sideEffects: None
    ///   clientConfig:
    ///     url: https://policy.example.com/validate
    ///     caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook
    pub static ADMISSION_WEBHOOK_INSECURE_TRANSPORT = Rule {
        id: "admission-webhook-insecure-transport",
        title: "Admission webhook called without a pinned TLS certificate",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "ValidatingWebhookConfiguration, MutatingWebhookConfiguration",
        remediation: "Call the webhook over `https` and set `clientConfig.caBundle` to the CA that signed its certificate.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.group() != "admissionregistration.k8s.io"
        || !matches!(
            object.kind.as_str(),
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration"
        )
    {
        return;
    }
    let webhooks = object
        .at("/webhooks")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, webhook) in webhooks.iter().enumerate() {
        let name = webhook.get("name").and_then(Node::as_str).unwrap_or("");
        let Some(client) = webhook.get("clientConfig") else {
            continue;
        };
        let Some(url) = client.get("url").and_then(Node::as_str) else {
            continue;
        };
        let pointer = format!("/webhooks/{i}/clientConfig/url");
        if url.to_ascii_lowercase().starts_with("http://") {
            out.report(
                object,
                pointer,
                format!("webhook `{name}` is called over plain HTTP (`url: http://…`); the API server only accepts `https` URLs"),
            );
            continue;
        }
        let pinned = client
            .get("caBundle")
            .and_then(Node::as_str)
            .is_some_and(|b| !b.trim().is_empty());
        if !pinned {
            out.report(
                object,
                pointer,
                format!("webhook `{name}` is called by `url` without a `caBundle`: any CA the API server's host trusts can vouch for it"),
            )
            .severity = Some(Severity::Low);
        }
    }
}
