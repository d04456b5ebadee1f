//! The Pod Security Admission preview over a multi-document input: namespaces with
//! labels, workloads inside them and elsewhere.

use crate::pss::LATEST_MINOR;
use crate::report::{Finding, Report};
use crate::{check, Options, Source};

const INPUT: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fire-rejected
  namespace: shop
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fire-warned
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-restricted
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dont-fire-elsewhere
  namespace: other
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: v1
kind: Namespace
metadata:
  name: other
---
apiVersion: v1
kind: Namespace
metadata:
  name: typos
  labels:
    pod-security.kubernetes.io/enforce: strict
    pod-security.kubernetes.io/enforce-version: \"1.30\"
    pod-security.kubernetes.io/enforced: baseline
---
apiVersion: v1
kind: Pod
metadata:
  name: fire-invalid-means-restricted
  namespace: typos
spec:
  containers:
  - name: app
    image: nginx:1.27
---
apiVersion: v1
kind: Namespace
metadata:
  name: empty
  labels:
    pod-security.kubernetes.io/warn: baseline
";

fn report(rules: &[&str]) -> Report {
    let options = Options {
        only: rules.iter().map(|r| (*r).to_owned()).collect(),
        ..Options::default()
    };
    let report = check(vec![Source::new("test.yaml", INPUT)], &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

fn at(findings: &[Finding]) -> Vec<(&str, u32, &str)> {
    findings
        .iter()
        .map(|f| (f.rule.as_str(), f.location.line, f.location.path.as_str()))
        .collect()
}

#[test]
fn enforce_label_rejects_the_pods_of_workloads_in_its_namespace_only() {
    let report = report(&["admission-rejected-workload"]);
    assert_eq!(
        at(&report.findings),
        [
            (
                "admission-rejected-workload",
                18,
                "/spec/template/spec/hostNetwork"
            ),
            ("admission-rejected-workload", 85, "/spec/containers/0"),
        ]
    );
    let deployment = &report.findings[0].message;
    assert!(
        deployment.starts_with("the pods of Deployment `fire-rejected` would be rejected in namespace `shop` (`enforce: baseline:v1.30`)"),
        "{deployment}"
    );
    assert!(deployment.contains("`hostNamespaces`"), "{deployment}");
    // An invalid level is read as restricted/latest, as the admission controller does.
    let pod = &report.findings[1].message;
    assert!(pod.contains("`enforce: restricted:v1."), "{pod}");
    assert!(pod.contains("`runAsNonRoot`"), "{pod}");
}

#[test]
fn warn_label_reports_admitted_workloads_that_miss_the_warn_level() {
    let report = report(&["admission-warned-workload"]);
    assert_eq!(
        at(&report.findings),
        [(
            "admission-warned-workload",
            32,
            "/spec/template/spec/containers/0"
        )]
    );
    let message = &report.findings[0].message;
    assert!(
        message.starts_with("the pods of Deployment `fire-warned` would be admitted in namespace `shop` but warned (`warn: restricted:v1."),
        "{message}"
    );
}

#[test]
fn namespaces_without_enforce_label_are_reported_with_a_level_that_fits() {
    let report = report(&["namespace-without-pod-security"]);
    assert_eq!(
        at(&report.findings),
        [
            ("namespace-without-pod-security", 67, "/metadata"),
            ("namespace-without-pod-security", 93, "/metadata/labels"),
        ]
    );
    // `other` holds a workload with `hostNetwork`: no level fits, no fix.
    assert!(report.findings[0].fix.is_none());
    // `empty` has no workloads: restricted fits; it only warns.
    let empty = &report.findings[1];
    assert!(
        empty.message.contains("no `enforce` label"),
        "{}",
        empty.message
    );
    let fix = empty.fix.as_ref().expect("a fix");
    assert_eq!(fix.edits.len(), 1);
    assert!(fix.edits[0]
        .text
        .contains("pod-security.kubernetes.io/enforce: restricted"));
}

#[test]
fn invalid_labels_are_located_at_their_values() {
    let report = report(&["invalid-pod-security-label"]);
    assert_eq!(
        at(&report.findings),
        [
            (
                "invalid-pod-security-label",
                74,
                "/metadata/labels/pod-security.kubernetes.io~1enforce"
            ),
            (
                "invalid-pod-security-label",
                75,
                "/metadata/labels/pod-security.kubernetes.io~1enforce-version"
            ),
            (
                "invalid-pod-security-label",
                76,
                "/metadata/labels/pod-security.kubernetes.io~1enforced"
            ),
        ]
    );
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
