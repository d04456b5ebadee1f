//! The Pod Security Admission preview beyond its fixtures (`core/tests/fixtures/`): the
//! fixes offered, namespaces declared in two files, warn and audit levels read together.

use crate::pss::LATEST_MINOR;
use crate::report::Finding;
use crate::rules::test_support::{fixture, run};
use crate::{check, Options, Source};

fn at(findings: &[Finding]) -> Vec<(&str, u32, &str)> {
    findings
        .iter()
        .map(|f| (f.rule.as_str(), f.location.line, f.location.path.as_str()))
        .collect()
}

/// The fix offers the strictest level the namespace's workloads meet, and none when no
/// level fits (where the fixture's namespaces fire is in its snapshot).
#[test]
fn namespaces_without_enforce_label_get_a_level_that_fits() {
    let findings = run(
        "namespace-without-pod-security",
        &fixture("namespace-without-pod-security"),
        |_| {},
    );
    assert_eq!(findings.len(), 2);
    // `fire-no-labels` holds a workload with `hostNetwork`: no level fits, no fix.
    assert!(findings[0].fix.is_none());
    // `fire-warn-only` has no workloads: restricted fits.
    let fix = findings[1].fix.as_ref().expect("a fix");
    assert_eq!(fix.edits.len(), 1);
    assert!(fix.edits[0]
        .text
        .contains("pod-security.kubernetes.io/enforce: restricted"));
}

#[test]
fn a_namespace_declared_in_two_files_governs_the_workloads_of_its_own_file() {
    let namespace = |labels: &str| {
        format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n{labels}---\n")
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostPID: true\n  containers:\n  - {name: app, image: nginx:1.27}\n";
    let strict = namespace("  labels:\n    pod-security.kubernetes.io/enforce: baseline\n") + pod;
    let open = namespace("") + pod;
    let options = Options {
        only: vec![
            "admission-rejected-workload".into(),
            "namespace-without-pod-security".into(),
        ],
        ..Options::default()
    };
    let report = check(
        vec![
            Source::new("strict.yaml", strict),
            Source::new("open.yaml", open),
        ],
        &options,
    );
    let found: Vec<(&str, &str, u32)> = report
        .findings
        .iter()
        .map(|f| (f.location.source.as_str(), f.rule.as_str(), f.location.line))
        .collect();
    assert_eq!(
        found,
        [
            ("open.yaml", "namespace-without-pod-security", 4),
            ("strict.yaml", "admission-rejected-workload", 14),
        ]
    );
}

#[test]
fn warn_and_audit_at_one_level_read_as_one_verdict() {
    let yaml = "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/warn: baseline
    pod-security.kubernetes.io/audit: baseline
    pod-security.kubernetes.io/audit-version: v1.25
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  hostIPC: true
  containers:
  - {name: app, image: nginx:1.27}
";
    let options = Options {
        only: vec!["admission-warned-workload".into()],
        ..Options::default()
    };
    let run = |text: &str| check(vec![Source::new("test.yaml", text)], &options).findings;
    let different = run(yaml);
    assert_eq!(
        at(&different),
        [("admission-warned-workload", 17, "/spec/hostIPC")]
    );
    let latest = format!("baseline:v1.{LATEST_MINOR}");
    let expected = format!(
        "but warned (`warn: {latest}`: `hostNamespaces`) and audited (`audit: baseline:v1.25`: `hostNamespaces`)"
    );
    assert!(
        different[0].message.ends_with(&expected),
        "{}",
        different[0].message
    );
    let same = run(&yaml.replace("v1.25", "latest"));
    assert!(
        same[0].message.ends_with(&format!(
            "but warned and audited (`warn`/`audit: {latest}`: `hostNamespaces`)"
        )),
        "{}",
        same[0].message
    );
}
