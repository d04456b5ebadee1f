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
    /// Severity: medium: the last of the repeated keys wins, so a reviewer can read a
    /// setting the cluster never gets: defence in depth missing.
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

/// Duplicates listed one by one per mapping; the rest of a mapping's become one
/// summary finding. A mapping repeating a key a million times was a million findings
/// (gigabytes of report) for one mistake.
pub const LISTED_PER_MAPPING: usize = 20;

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some(doc) = ctx.input.document(object.source, object.document) else {
        return;
    };
    // The parser records a mapping's duplicates together, in order.
    let mut mapping: Option<&str> = None;
    let mut listed = 0;
    let mut unlisted = 0;
    let flush = |mapping: Option<&str>, unlisted: usize, out: &mut Emitter| {
        if let (Some(relative), true) = (mapping, unlisted > 0) {
            let noun = if unlisted == 1 { "key" } else { "keys" };
            out.report(
                object,
                relative,
                format!(
                    "{unlisted} more duplicate {noun} in this mapping are not listed one by one; the last value of each is the one applied"
                ),
            );
        }
    };
    for dup in &doc.duplicate_keys {
        let Some(relative) = dup.pointer.strip_prefix(&object.prefix) else {
            continue;
        };
        if !object.prefix.is_empty() && !relative.starts_with('/') {
            continue;
        }
        let parent = &relative[..relative.rfind('/').unwrap_or(0)];
        if mapping != Some(parent) {
            flush(mapping, unlisted, out);
            mapping = Some(parent);
            listed = 0;
            unlisted = 0;
        }
        if listed == LISTED_PER_MAPPING {
            unlisted += 1;
            continue;
        }
        listed += 1;
        // On the repeated key: the pointer locates its value, which for a block
        // collection starts on the next line.
        out.report(
            object,
            relative,
            format!(
                "key `{}` is written twice (lines {} and {}); the last value is the one applied",
                dup.key, dup.first.start.line, dup.second.start.line
            ),
        )
        .at_span(dup.second);
    }
    flush(mapping, unlisted, out);
}

#[cfg(test)]
mod tests {
    use super::LISTED_PER_MAPPING;
    use crate::{check, Options, Source};

    #[test]
    fn a_mapping_lists_its_first_duplicates_and_counts_the_rest() {
        let mut yaml =
            String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n");
        for _ in 0..1001 {
            yaml.push_str("  k: v\n");
        }
        yaml.push_str("  j: v\n  j: w\n");
        // Another mapping keeps its own count.
        yaml.push_str("binaryData: {a: b, a: c}\n");
        let options = Options {
            only: vec!["duplicate-key".to_owned()],
            ..Options::default()
        };
        let report = check(vec![Source::new("in.yaml", yaml)], &options);
        let messages: Vec<(&str, &str)> = report
            .findings
            .iter()
            .map(|f| (f.location.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(messages.len(), LISTED_PER_MAPPING + 2, "{messages:#?}");
        let listed = |path: &str, key: &str| {
            messages
                .iter()
                .filter(|(p, m)| {
                    *p == path && m.starts_with(&format!("key `{key}` is written twice"))
                })
                .count()
        };
        // 1000 duplicates of `k` and one of `j` in `data`: the first 20 are listed.
        assert_eq!(listed("/data/k", "k"), LISTED_PER_MAPPING);
        assert_eq!(listed("/data/j", "j"), 0);
        assert!(messages.contains(&(
            "/data",
            "981 more duplicate keys in this mapping are not listed one by one; the last value of each is the one applied"
        )));
        assert_eq!(listed("/binaryData/a", "a"), 1);
    }

    #[test]
    fn the_caret_is_on_the_repeated_key_not_its_value() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    image: b\n    env:\n    - {name: A, value: '1'}\n    env:\n    - {name: A, value: '2'}\n    args: [x]\n    args: [y]\n";
        let options = Options {
            only: vec!["duplicate-key".to_owned()],
            ..Options::default()
        };
        let report = check(vec![Source::new("in.yaml", yaml)], &options);
        let at: Vec<(&str, u32, u32, u32, u32)> = report
            .findings
            .iter()
            .map(|f| {
                let l = &f.location;
                (l.path.as_str(), l.line, l.column, l.end_line, l.end_column)
            })
            .collect();
        assert_eq!(
            at,
            [
                ("/spec/containers/0/env", 10, 5, 10, 8),
                ("/spec/containers/0/args", 13, 5, 13, 9)
            ]
        );
    }
}
