use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a mapping key written twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML forbids duplicate keys, but the Kubernetes decoder keeps the last value
    /// silently. A reviewer reading the first `privileged: false` never sees the
    /// `privileged: true` further down, and tools disagree on which one wins.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   hostNetwork: false
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///   hostNetwork: false
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   hostNetwork: false
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Known problems
    /// kubecheck, like the API server, checks the last value; the finding points at
    /// the second key and names the line of the first.
    ///
    /// ## References
    /// - YAML 1.2, section 3.2.1.1 (mapping keys are unique)
    pub static DUPLICATE_KEY = Rule {
        id: "duplicate-key",
        title: "Duplicate mapping key",
        category: Category::Manifest,
        severity: Severity::Medium,
        applies_to: "every object",
        remediation: "Remove one of the duplicate keys so the manifest says one thing.",
        references: &["https://yaml.org/spec/1.2.2/#mapping"],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some(doc) = ctx.input.document(object.source, object.document) else {
        return;
    };
    for dup in &doc.duplicate_keys {
        let Some(relative) = dup.pointer.strip_prefix(&object.prefix) else {
            continue;
        };
        if !object.prefix.is_empty() && !relative.starts_with('/') {
            continue;
        }
        out.report(
            object,
            relative,
            format!(
                "key `{}` is written twice (lines {} and {}); the last value is the one applied",
                dup.key, dup.first.start.line, dup.second.start.line
            ),
        );
    }
}
