use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Secrets of `type: kubernetes.io/service-account-token`, which ask the
    /// control plane for a long-lived token of the service account named in the
    /// `kubernetes.io/service-account.name` annotation.
    ///
    /// ## Why is this bad?
    /// Such a token never expires and is not bound to a pod: it stays valid until the
    /// Secret is deleted, however often it is copied, logged or leaked. Anyone who can
    /// read Secrets in the namespace gets the service account's rights for good.
    /// Since Kubernetes 1.24 pods receive short-lived, automatically rotated tokens
    /// through the TokenRequest API instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: metrics-reader-token
    ///   annotations:
    ///     kubernetes.io/service-account.name: metrics-reader
    /// type: kubernetes.io/service-account-token
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: scraper
    /// spec:
    ///   serviceAccountName: metrics-reader
    ///   containers:
    ///   - name: scraper
    ///     image: shop/scraper:1.0.3
    ///     volumeMounts:
    ///     - name: token
    ///       mountPath: /var/run/secrets/tokens
    ///   volumes:
    ///   - name: token
    ///     projected:
    ///       sources:
    ///       - serviceAccountToken:
    ///           path: token
    ///           expirationSeconds: 3600
    /// ```
    ///
    /// ## Known problems
    /// Clients outside the cluster that cannot request tokens still need a long-lived
    /// one; keep those few, and suppress the finding with a reason.
    pub static SERVICE_ACCOUNT_TOKEN_SECRET = Rule {
        id: "service-account-token-secret",
        title: "Long-lived service account token Secret",
        category: Category::Secrets,
        severity: Severity::Medium,
        applies_to: "Secret",
        remediation: "Use projected `serviceAccountToken` volumes or `kubectl create token` for short-lived tokens instead of a token Secret.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets",
            "https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const TOKEN_TYPE: &str = "kubernetes.io/service-account-token";

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Secret" || object.api_version != "v1" {
        return;
    }
    if object.at("/type").and_then(|n| n.as_str()) != Some(TOKEN_TYPE) {
        return;
    }
    let message = match object.annotation("kubernetes.io/service-account.name") {
        Some(account) => {
            format!("secret holds a long-lived token of service account `{account}`")
        }
        None => "secret holds a long-lived service account token".to_owned(),
    };
    out.report(object, "/type", message);
}
