//! Governed suppressions through the binary: reasons, expiry, `--require-reason`,
//! `--no-inline-suppressions`, configured exemptions, and settings from the config.

use kubecheck_tests::{json_report, run_kubecheck};
use serde_json::Value;

fn pod(namespace: &str, name: &str, annotation: Option<&str>) -> String {
    let annotations = annotation
        .map(|a| format!("  annotations:\n    kubecheck.io/ignore: \"{a}\"\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {namespace}\n{annotations}spec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n"
    )
}

fn check(args: &[&str], yaml: &str) -> (Option<i32>, Value) {
    let mut full = vec![
        "check",
        "--format",
        "json",
        "--only",
        "privileged-container",
    ];
    full.extend_from_slice(args);
    let output = run_kubecheck(&full, Some(yaml.as_bytes()));
    (output.status.code(), json_report(&output))
}

fn messages(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_expired_suppression_fires_again_and_says_so() {
    let expired = pod(
        "a",
        "web",
        Some("privileged-container # node agent until=2000-01-01"),
    );
    let (code, report) = check(&[], &expired);
    assert_eq!(code, Some(1));
    assert_eq!(
        messages(&report, "findings"),
        ["container `app` sets `privileged: true` [kubecheck.io/ignore expired on 2000-01-01]"]
    );
    let current = pod(
        "a",
        "web",
        Some("privileged-container # node agent until=2999-01-01"),
    );
    let (code, report) = check(&[], &current);
    assert_eq!(code, Some(0));
    assert_eq!(
        report["suppressed"][0]["suppression"]["reason"],
        "node agent (until 2999-01-01)"
    );
    let garbled = pod(
        "a",
        "web",
        Some("privileged-container # x until=01/02/2027"),
    );
    let (code, report) = check(&[], &garbled);
    assert_eq!(code, Some(1));
    assert!(messages(&report, "findings")[0].contains("is not a date"));
}

#[test]
fn require_reason_refuses_bare_suppressions() {
    let bare = pod("a", "web", Some("privileged-container"));
    let (code, _) = check(&[], &bare);
    assert_eq!(
        code,
        Some(0),
        "without the flag a bare annotation suppresses"
    );
    let (code, report) = check(&["--require-reason"], &bare);
    assert_eq!(code, Some(1));
    assert!(messages(&report, "findings")[0].contains("gives no reason"));
    let reasoned = pod("a", "web", Some("privileged-container # CNI agent"));
    let (code, _) = check(&["--require-reason"], &reasoned);
    assert_eq!(code, Some(0));
}

#[test]
fn no_inline_suppressions_ignores_every_annotation() {
    let reasoned = pod("a", "web", Some("all # trust me"));
    let (code, report) = check(&["--no-inline-suppressions"], &reasoned);
    assert_eq!(code, Some(1));
    assert_eq!(
        messages(&report, "findings"),
        ["container `app` sets `privileged: true`"]
    );
}

#[test]
fn config_exemptions_match_namespace_kind_name_and_path_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubecheck.yaml");
    std::fs::write(
        &config,
        "exemptions:\n- rules: [pod-security]\n  namespace: kube-*\n  kind: Pod\n  name: cni-?\n  reason: the CNI agent needs the host network\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let yaml = [
        pod("kube-system", "cni-1", None),
        pod("kube-system", "cni-10", None),
        pod("default", "cni-2", None),
    ]
    .join("---\n");
    let (_, report) = check(&["--config", config], &yaml);
    let names = |list: &str| -> Vec<String> {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["resource"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("suppressed"), ["cni-1"]);
    assert_eq!(names("findings"), ["cni-10", "cni-2"]);
    assert_eq!(report["suppressed"][0]["suppression"]["by"], "config");

    // By path, and an exemption without a reason is refused.
    std::fs::write(
        dir.path().join("kubecheck.yaml"),
        "exemptions:\n- rules: [all]\n  path: \"<std*\"\n  reason: generated\n",
    )
    .unwrap();
    let (code, report) = check(&["--config", config], &yaml);
    assert_eq!(code, Some(0));
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 3);
    std::fs::write(
        dir.path().join("kubecheck.yaml"),
        "exemptions:\n- rules: [all]\n  name: x\n",
    )
    .unwrap();
    let output = run_kubecheck(&["check", "--config", config, "-"], Some(yaml.as_bytes()));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("reason"), "{stderr}");
}

#[test]
fn format_fail_on_and_rule_selection_come_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubecheck.yaml");
    std::fs::write(
        &config,
        "format: json\nfailOn: never\nonly: [privileged-container]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let yaml = pod("a", "web", None);
    let output = run_kubecheck(&["check", "--config", config, "-"], Some(yaml.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "failOn: never");
    let report = json_report(&output);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["privileged-container"]);
    // The command line wins.
    let output = run_kubecheck(
        &[
            "check",
            "--config",
            config,
            "--format",
            "text",
            "--fail-on",
            "high",
            "-",
        ],
        Some(yaml.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("critical privileged-container"));
}
