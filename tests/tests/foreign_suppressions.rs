//! Other tools' suppression annotations through the binary, on
//! `tests/fixtures/foreign-suppressions/`: manifests annotated for kube-linter, Polaris,
//! Checkov, kube-score and Kubescape. The findings those annotations name are listed as
//! suppressed by their tool; the others are still reported; `--no-foreign-suppressions`
//! (or `foreignSuppressions: false`) and `--no-inline-suppressions` report them all;
//! `--require-reason` keeps only the suppressions that carry a reason.

use std::collections::BTreeSet;

use kubecheck_tests::{json_report, repo_root, run_kubecheck};
use serde_json::Value;

fn check(args: &[&str]) -> (Option<i32>, Value) {
    let fixtures = repo_root().join("tests/fixtures/foreign-suppressions");
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    full.push(fixtures.to_str().unwrap());
    let output = run_kubecheck(&full, None);
    (output.status.code(), json_report(&output))
}

fn list(report: &Value, key: &str) -> Vec<Value> {
    report[key].as_array().unwrap().clone()
}

/// `(object, rule, field)` of each finding of `key`, the field being the last segment of
/// its pointer.
fn places(report: &Value, key: &str) -> BTreeSet<(String, String, String)> {
    list(report, key)
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            (
                f["resource"]["name"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                path.rsplit('/').next().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `(object, rule) -> (by, reason)` of the suppressed findings.
fn suppressions(report: &Value) -> BTreeSet<(String, String, String, String)> {
    list(report, "suppressed")
        .iter()
        .map(|f| {
            let s = &f["suppression"];
            (
                f["resource"]["name"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                s["by"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    rows.iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

/// The rules every pod of the fixtures breaks and that `ignore-all`/`exempt` silence.
const ALL_OF_A_POD: [&str; 6] = [
    "automount-service-account-token",
    "missing-resource-limits",
    "privileged-container",
    "run-as-root",
    "seccomp-not-enforced",
    "writable-root-filesystem",
];

#[test]
fn the_annotated_checks_are_suppressed_by_their_tool() {
    let (_, report) = check(&[]);
    let mut expected = owned(&[
        (
            "kl-node-agent",
            "privileged-container",
            "kube-linter",
            "ignore-check.kube-linter.io/privileged-container: loads the eBPF probes",
        ),
        (
            "kl-node-agent",
            "host-namespaces",
            "kube-linter",
            "ignore-check.kube-linter.io/host-network: exports the node's network metrics",
        ),
        (
            "polaris-ingress",
            "privileged-container",
            "polaris",
            "polaris.fairwinds.com/runAsPrivileged-exempt (no reason given)",
        ),
        (
            "checkov-migrate",
            "host-namespaces",
            "checkov",
            "checkov.io/skip1 (CKV_K8S_19): talks to the node-local database socket",
        ),
        (
            "checkov-migrate",
            "privileged-container",
            "checkov",
            "checkov.io/skip2 (CKV_K8S_16) (no reason given)",
        ),
        (
            "ks-cache",
            "privileged-container",
            "kube-score",
            "kube-score/ignore (container-security-context-privileged) (no reason given)",
        ),
        (
            "ks-cache",
            "latest-image-tag",
            "kube-score",
            "kube-score/ignore (container-image-tag) (no reason given)",
        ),
        (
            "kubescape-current",
            "privileged-container",
            "kubescape",
            "kubescape.io/skip-controls (C-0057): storage driver (until 2999-01-01)",
        ),
        (
            "kubescape-current",
            "host-namespaces",
            "kubescape",
            "kubescape.io/skip-controls (C-0041): storage driver (until 2999-01-01)",
        ),
    ]);
    for rule in ALL_OF_A_POD {
        expected.extend(owned(&[
            (
                "kl-legacy",
                rule,
                "kube-linter",
                "kube-linter.io/ignore-all: vendored chart, replaced in Q3",
            ),
            (
                "polaris-debug",
                rule,
                "polaris",
                "polaris.fairwinds.com/exempt (no reason given)",
            ),
        ]));
    }
    assert_eq!(suppressions(&report), expected);

    // A host namespace the annotation does not name is still reported, as are a Polaris
    // exemption that is not `true` and an expired Kubescape one.
    let reported = places(&report, "findings");
    for (object, rule, field) in [
        ("kl-node-agent", "host-namespaces", "hostPID"),
        ("checkov-migrate", "host-namespaces", "hostIPC"),
        ("ks-cache", "host-namespaces", "hostIPC"),
        ("polaris-ingress", "host-ports", "hostPort"),
        ("kubescape-expired", "privileged-container", "privileged"),
    ] {
        let place = (object.to_owned(), rule.to_owned(), field.to_owned());
        assert!(reported.contains(&place), "{place:?} not reported");
    }
    let expired = list(&report, "findings")
        .into_iter()
        .find(|f| {
            f["resource"]["name"] == "kubescape-expired" && f["rule"] == "privileged-container"
        })
        .unwrap();
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .ends_with("[kubescape.io/skip-controls expired on 2000-01-01]"),
        "{}",
        expired["message"]
    );
}

#[test]
fn turned_off_every_finding_is_reported() {
    let (_, honoured) = check(&[]);
    let all: BTreeSet<_> = places(&honoured, "findings")
        .union(&places(&honoured, "suppressed"))
        .cloned()
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubecheck.yaml");
    std::fs::write(&config, "foreignSuppressions: false\n").unwrap();
    for args in [
        vec!["--no-foreign-suppressions"],
        vec!["--no-inline-suppressions"],
        vec!["--config", config.to_str().unwrap()],
    ] {
        let (code, report) = check(&args);
        assert_eq!(code, Some(1), "{args:?}");
        assert!(list(&report, "suppressed").is_empty(), "{args:?}");
        assert_eq!(places(&report, "findings"), all, "{args:?}");
    }
}

#[test]
fn require_reason_keeps_the_suppressions_that_give_one() {
    let (_, report) = check(&["--require-reason"]);
    let by: BTreeSet<(String, String)> = suppressions(&report)
        .into_iter()
        .map(|(object, rule, by, _)| (object, format!("{rule} by {by}")))
        .collect();
    let mut expected: BTreeSet<(String, String)> = [
        ("kl-node-agent", "privileged-container by kube-linter"),
        ("kl-node-agent", "host-namespaces by kube-linter"),
        ("checkov-migrate", "host-namespaces by checkov"),
        ("kubescape-current", "privileged-container by kubescape"),
        ("kubescape-current", "host-namespaces by kubescape"),
    ]
    .iter()
    .map(|(o, r)| (o.to_string(), r.to_string()))
    .collect();
    expected.extend(
        ALL_OF_A_POD
            .iter()
            .map(|rule| ("kl-legacy".to_owned(), format!("{rule} by kube-linter"))),
    );
    assert_eq!(by, expected);
    // The reasonless ones are reported and say why they did not count.
    for (object, rule, note) in [
        (
            "polaris-ingress",
            "privileged-container",
            "[polaris.fairwinds.com/runAsPrivileged-exempt ignored: it gives no reason (reasons are required)]",
        ),
        (
            "checkov-migrate",
            "privileged-container",
            "[checkov.io/skip2 ignored: it gives no reason (reasons are required)]",
        ),
        (
            "ks-cache",
            "latest-image-tag",
            "[kube-score/ignore ignored: it gives no reason (reasons are required)]",
        ),
        (
            "polaris-debug",
            "run-as-root",
            "[polaris.fairwinds.com/exempt ignored: it gives no reason (reasons are required)]",
        ),
    ] {
        let finding = list(&report, "findings")
            .into_iter()
            .find(|f| f["resource"]["name"] == object && f["rule"] == rule)
            .unwrap_or_else(|| panic!("{object} {rule} not reported"));
        let message = finding["message"].as_str().unwrap();
        assert!(message.ends_with(note), "{message}");
    }
}

#[test]
fn rules_and_explain_name_the_equivalent_checks_from_the_same_table() {
    let output = run_kubecheck(&["rules", "--format", "json"], None);
    assert_eq!(output.status.code(), Some(0));
    let rules = json_report(&output);
    let equivalents = |id: &str| -> Vec<Value> {
        let rule = rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        rule["equivalents"].as_array().cloned().unwrap_or_default()
    };
    let privileged = equivalents("privileged-container");
    for (tool, check) in [
        ("kube-linter", "privileged-container"),
        ("polaris", "runAsPrivileged"),
        ("checkov", "CKV_K8S_16"),
        ("kube-score", "container-security-context-privileged"),
        ("kubescape", "C-0057"),
    ] {
        assert!(
            privileged
                .iter()
                .any(|e| e["tool"] == tool && e["check"] == check && e.get("field").is_none()),
            "{tool} {check} in {privileged:?}"
        );
    }
    assert!(equivalents("host-namespaces")
        .iter()
        .any(|e| e["check"] == "CKV_K8S_19" && e["field"] == "hostNetwork"));
    assert!(equivalents("duplicate-key").is_empty());

    let explain = run_kubecheck(&["explain", "host-namespaces"], None);
    let text = String::from_utf8(explain.stdout).unwrap();
    assert!(
        text.contains("  checkov: `CKV_K8S_17` (at `hostPID`), `CKV_K8S_18` (at `hostIPC`), `CKV_K8S_19` (at `hostNetwork`)\n"),
        "{text}"
    );
}
