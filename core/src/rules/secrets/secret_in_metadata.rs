use super::scan::{Place, LAST_APPLIED};
use super::{inner, report_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags annotations and labels of any object that hold a credential: a key named
    /// like a credential with a literal value, or a credential of a known format (as in
    /// `secrets-in-env`). The `kubectl.kubernetes.io/last-applied-configuration`
    /// annotation, which `kubectl apply` fills with the whole object as JSON, is read
    /// too: a credential found there and not in the object's own fields (one removed
    /// from them later, or from a field not read elsewhere) is reported on it. A
    /// Secret's own last applied configuration is its data again, which
    /// `secret-values-in-manifest` reports.
    ///
    /// ## Why is this bad?
    /// Metadata is the least protected part of an object: it is listed with the
    /// object (`kubectl get -o yaml`, `kubectl describe`), copied into events,
    /// dashboards, audit logs and the caches of every controller watching the kind,
    /// and readable by anyone with `get` or `list` on it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: notifier
    ///   annotations:
    ///     alerts.example.com/slack-webhook: https://hooks.slack.com/services/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
    /// spec:
    ///   selector:
    ///     matchLabels: {app: notifier}
    ///   template:
    ///     metadata:
    ///       labels: {app: notifier}
    ///     spec:
    ///       containers:
    ///       - name: notifier
    ///         image: shop/notifier:1.2.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: notifier
    ///   annotations:
    ///     alerts.example.com/slack-webhook-secret-name: notifier-slack
    /// spec:
    ///   selector:
    ///     matchLabels: {app: notifier}
    ///   template:
    ///     metadata:
    ///       labels: {app: notifier}
    ///     spec:
    ///       containers:
    ///       - name: notifier
    ///         image: shop/notifier:1.2.0
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
    /// - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
    pub static SECRET_IN_METADATA = Rule {
        id: "secret-in-metadata",
        title: "Credential in an annotation or label",
        category: Category::Secrets,
        severity: Severity::High,
        applies_to: "Every object",
        remediation: "Move the credential to a Secret and let the annotation name the Secret instead.",
        references: &[
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let places = [Place::Annotation, Place::Label, Place::LastApplied];
    report_hits(ctx, object, out, &places, |found, hit| {
        let field = match found.place {
            Place::Label => "label",
            _ => "annotation",
        };
        let applied = if found.label == LAST_APPLIED {
            " that the object's own fields do not show"
        } else {
            ""
        };
        format!(
            "{field} `{}` holds {}{}{applied}",
            found.label,
            hit.what,
            inner(hit)
        )
    });
}
