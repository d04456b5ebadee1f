//! Golden diffs of the automatic fixes: for every rule with a fix, what `kubecheck fix
//! --unsafe --only <rule>` changes in the rule's own failing example, written in block
//! style, in flow style and as JSON; and all fixes of many rules on one container at once.
//! Each fixed text must parse, read back as the fix, and no longer have the fixed findings.
//!
//! Refresh with `INSTA_UPDATE=always cargo test -p kubecheck-core --test fix_golden`, then
//! read the `.snap` diffs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use kubecheck_core::fix::{self, rule_fix};
use kubecheck_core::yaml::{parse_documents, to_json};
use kubecheck_core::{check, Options, Report, Source, RULES};
use serde_json::Value as Json;

fn options(rules: &[&str]) -> Options {
    Options {
        only: rules.iter().map(|r| (*r).to_owned()).collect(),
        enable: rules.iter().map(|r| (*r).to_owned()).collect(),
        ..Options::default()
    }
}

fn run(text: &str, options: &Options) -> Report {
    check(vec![Source::new("in.yaml", text)], options)
}

/// One round of every fix of `report` (safe and unsafe) on `text`.
fn fix_round(text: &str, report: &Report) -> (String, Vec<usize>) {
    let mut patches: BTreeMap<usize, Vec<Json>> = BTreeMap::new();
    for f in &report.findings {
        if let Some(fix) = f.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
            patches
                .entry(f.location.document)
                .or_default()
                .extend(fix.patch.iter().cloned());
        }
    }
    let patches: Vec<(usize, Vec<Json>)> = patches.into_iter().collect();
    let fixed = fix::fix_source(text, &patches);
    (fixed.text, fixed.refused)
}

/// Fixes to a fixed point (at most four rounds), checking each text on the way.
fn fix_all(text: &str, options: &Options) -> (String, Report, Report) {
    let first = run(text, options);
    let mut text = text.to_owned();
    let mut report = first.clone();
    for _ in 0..4 {
        let (fixed, refused) = fix_round(&text, &report);
        assert!(
            refused.is_empty(),
            "documents {refused:?} refused in\n{text}"
        );
        if fixed == text {
            break;
        }
        assert!(
            parse_documents(&fixed).iter().all(|d| d.result.is_ok()),
            "fixed text does not parse:\n{fixed}"
        );
        text = fixed;
        report = run(&text, options);
        assert!(report.errors.is_empty(), "{:?}\n{text}", report.errors);
    }
    (text, first, report)
}

fn diff(before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header("before", "after")
        .to_string()
}

/// The rule's first failing example (the first `yaml` block of its docs).
fn example(docs: &str) -> String {
    let start = docs.find("```yaml\n").expect("an example") + "```yaml\n".len();
    let end = start + docs[start..].find("```").expect("a closed example");
    docs[start..end]
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The documents of `text` in flow style, one line each.
fn as_flow(text: &str) -> String {
    fn flow(value: &Json) -> String {
        match value {
            Json::String(s)
                if s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
                    && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) =>
            {
                s.clone()
            }
            Json::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(flow).collect::<Vec<_>>().join(", ")
                )
            }
            Json::Object(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{}: {}", flow(&Json::String(k.clone())), flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => other.to_string(),
        }
    }
    documents(text)
        .iter()
        .map(flow)
        .collect::<Vec<_>>()
        .join("\n---\n")
        + "\n"
}

/// The documents of `text` as indented JSON (a stream of them for several).
fn as_json(text: &str) -> String {
    documents(text)
        .iter()
        .map(|d| serde_json::to_string_pretty(d).unwrap())
        .collect::<Vec<_>>()
        .join("\n---\n")
        + "\n"
}

fn documents(text: &str) -> Vec<Json> {
    parse_documents(text)
        .into_iter()
        .map(|d| to_json(&d.result.unwrap()))
        .collect()
}

fn rules_with_fixes(report: &Report) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|fix| !fix.edits.is_empty()))
        .map(|f| f.rule.clone())
        .collect()
}

/// Rules whose docs example gets no fix: an example that does, and the Pod Security level
/// the rule needs.
fn own_example(rule: &str) -> Option<(&'static str, &'static str)> {
    match rule {
        // Only below `restricted` (whose capabilities control covers it), and the docs
        // example adds `NET_RAW`, which has no automatic fix; here a drop list lacks it.
        "net-raw-capability" => Some((
            "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      capabilities:
        drop:
        - CHOWN # not needed
",
            "baseline",
        )),
        _ => None,
    }
}

#[test]
fn each_fixable_rule_on_block_flow_and_json() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // Beside the rule snapshots, which hold one file per rule and nothing else.
    settings.set_snapshot_path("snapshots/fix");
    let _guard = settings.bind_to_scope();
    for rule in RULES.iter().filter(|r| rule_fix(r.id).is_some()) {
        let mut options = options(&[rule.id]);
        let block = match own_example(rule.id) {
            Some((yaml, pss)) => {
                options.pss = pss.parse().unwrap();
                yaml.to_owned()
            }
            None => example(rule.docs),
        };
        let mut snapshot = String::new();
        for (style, text) in [
            ("block", block.clone()),
            ("flow", as_flow(&block)),
            ("json", as_json(&block)),
        ] {
            let (fixed, first, last) = fix_all(&text, &options);
            assert!(
                rules_with_fixes(&first).contains(rule.id),
                "{}: the example in {style} style gets no fix:\n{text}",
                rule.id
            );
            let applicability: BTreeSet<&str> = first
                .findings
                .iter()
                .filter_map(|f| f.fix.as_ref())
                .map(|f| f.applicability.as_str())
                .collect();
            let declared = rule_fix(rule.id).unwrap();
            assert!(
                applicability.iter().all(|a| declared.label().contains(a)),
                "{}: fixes are {applicability:?}, the catalog says {}",
                rule.id,
                declared.label()
            );
            assert!(
                rules_with_fixes(&last).is_empty(),
                "{}: a fixable finding is left after fixing ({style}):\n{fixed}",
                rule.id
            );
            assert!(
                last.findings.len() < first.findings.len(),
                "{}: fixing removed no finding ({style})",
                rule.id
            );
            let _ = writeln!(snapshot, "## {style}\n{}", diff(&text, &fixed));
        }
        insta::assert_snapshot!(format!("fix-{}", rule.id), snapshot);
    }
}

/// Every fixable pod and container rule on one pod and one container: their fixes merge
/// into one change of each `securityContext`, over rounds where one fix (`privileged:
/// false`) lets another (`allowPrivilegeEscalation: false`) apply.
const ONE_CONTAINER: &str = "\
# every fixable rule at once
apiVersion: v1
kind: Namespace
metadata:
  name: shop # no Pod Security labels
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  hostPID: true
  hostIPC: true # shares IPC
  hostNetwork: true
  shareProcessNamespace: true
  securityContext: {}
  containers:
  - name: app
    image: nginx:1.27 # pinned
    # the risky part
    securityContext:
      privileged: true
      procMount: Unmasked
      runAsNonRoot: false
      seccompProfile:
        type: Unconfined
";

#[test]
fn all_fixable_rules_on_one_container() {
    let all: Vec<&str> = RULES
        .iter()
        .filter(|r| rule_fix(r.id).is_some())
        .map(|r| r.id)
        .collect();
    let options = options(&all);
    for (style, text) in [
        ("block", ONE_CONTAINER.to_owned()),
        ("crlf", ONE_CONTAINER.replace('\n', "\r\n")),
        ("json", as_json(ONE_CONTAINER)),
    ] {
        let (fixed, first, last) = fix_all(&text, &options);
        let fired = rules_with_fixes(&first);
        // Nine: a privileged container's finding stands for its capability and
        // privilege-escalation findings (one finding per root cause, src/fold.rs).
        assert!(fired.len() >= 9, "{style}: only {fired:?} fired");
        assert!(rules_with_fixes(&last).is_empty(), "{style}:\n{fixed}");
        if style == "crlf" {
            assert!(
                !fixed.replace("\r\n", "").contains('\n'),
                "a bare LF:\n{fixed}"
            );
            assert_eq!(fixed.replace("\r\n", "\n"), {
                let (block, _, _) = fix_all(ONE_CONTAINER, &options);
                block
            });
            continue;
        }
        for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(fixed.lines().any(|l| l == line), "comment `{line}` lost");
        }
        let left: Vec<String> = last
            .findings
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        let snapshot = format!(
            "fixes of: {}\nleft: {left:#?}\n\n{}",
            fired.into_iter().collect::<Vec<_>>().join(", "),
            diff(&text, &fixed)
        );
        insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true, snapshot_path => "snapshots/fix"}, {
            insta::assert_snapshot!(format!("fix-all-on-one-container-{style}"), snapshot);
        });
    }
}
