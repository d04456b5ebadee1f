//! Detection bypasses found by red-teaming, through the real binary: a privileged
//! container that the API server would create must give `privileged-container`.

use std::io::Write;
use std::process::{Command, Stdio};

use kubecheck_tests::kubecheck_bin;
use serde_json::Value;

/// `kubecheck check --format json ARGS -` on `input`: exit code and report.
fn check(args: &[&str], input: &str) -> (i32, Value) {
    let mut child = Command::new(kubecheck_bin())
        .args(["check", "--format", "json"])
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubecheck runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), report)
}

/// Lines of the findings of `rule`.
fn lines(report: &Value, rule: &str) -> Vec<u64> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["location"]["line"].as_u64().unwrap())
        .collect()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext:\n";

/// sigs.k8s.io/yaml decodes with go-yaml v2, whose `decoder.mapping` writes every entry,
/// merges included, into one map in document order: the last write wins.
#[test]
fn merge_keys_take_effect_in_the_order_go_yaml_v2_applies_them() {
    let cases = [
        // A merge after an explicit key overrides it (the YAML draft says otherwise).
        (
            "      privileged: false\n      <<: {privileged: true}\n",
            10,
        ),
        // Of two merge keys, the second wins.
        (
            "      <<: {privileged: false}\n      <<: {privileged: true}\n",
            10,
        ),
        // `!!merge "<<"` is a merge key to v2 `isMerge`, quoted or not.
        ("      !!merge \"<<\": {privileged: true}\n", 9),
        // In one merge sequence the first source wins.
        ("      <<: [{privileged: true}, {privileged: false}]\n", 9),
    ];
    for (security_context, line) in cases {
        let input = format!("{POD}{security_context}");
        let (code, report) = check(&["--only", "privileged-container"], &input);
        assert_eq!(
            lines(&report, "privileged-container"),
            [line],
            "{security_context}"
        );
        assert_eq!(code, 1, "{security_context}");
    }
    // And the other way round: an explicit key after the merge wins.
    let input = format!("{POD}      <<: {{privileged: true}}\n      privileged: false\n");
    let (code, report) = check(&["--only", "privileged-container"], &input);
    assert!(lines(&report, "privileged-container").is_empty());
    assert_eq!(code, 0);
}

#[test]
fn a_merge_in_a_deployment_template_is_checked() {
    let input = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        securityContext:\n          privileged: false\n          <<: {privileged: true}\n";
    let (code, report) = check(&["--fail-on", "critical"], input);
    assert_eq!(lines(&report, "privileged-container"), [14]);
    assert_eq!(code, 1);
}

/// Seven containers with five HTTP handlers each, `port: 8080.0`; the first privileged.
fn containers_with_float_ports(port: &str, count: usize) -> String {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for i in 0..count {
        text.push_str(&format!("  - name: c{i}\n    image: nginx:1.27\n"));
        if i == 0 {
            text.push_str("    securityContext: {privileged: true}\n");
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            text.push_str(&format!("    {probe}: {{httpGet: {{port: {port}}}}}\n"));
        }
        text.push_str(&format!(
            "    lifecycle:\n      postStart: {{httpGet: {{port: {port}}}}}\n      preStop: {{httpGet: {{port: {port}}}}}\n"
        ));
    }
    text
}

#[test]
fn whole_float_ports_are_integers_as_in_the_decoders_json() {
    // sigs.k8s.io/yaml keeps `8080.0` as a float64, json.Marshal writes `8080`, and
    // IntOrString takes it: the API server creates this pod.
    let input = containers_with_float_ports("8080.0", 7);
    let (code, report) = check(&["--fail-on", "critical"], &input);
    assert_eq!(lines(&report, "privileged-container"), [8]);
    assert!(lines(&report, "invalid-field-type").is_empty(), "{report}");
    assert_eq!(code, 1);
    let (code, report) = check(&["--only", "privileged-container"], &input);
    assert_eq!(lines(&report, "privileged-container"), [8]);
    assert_eq!(code, 1);
}

#[test]
fn many_values_of_the_wrong_type_do_not_hide_the_pod() {
    // 35 ports an IntOrString refuses, plus 40 strings where booleans go: each is
    // reported, and the privileged container still is.
    let mut input = containers_with_float_ports("true", 7);
    for i in 0..40 {
        input.push_str(&format!(
            "  - {{name: s{i}, image: nginx:1.27, securityContext: {{runAsNonRoot: \"yes\"}}}}\n"
        ));
    }
    let (code, report) = check(&["--fail-on", "critical"], &input);
    assert_eq!(lines(&report, "privileged-container"), [8]);
    assert_eq!(lines(&report, "invalid-field-type").len(), 75, "{report}");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(code, 1);
}

#[test]
fn a_pod_too_broken_to_read_is_an_error_not_silence() {
    // Each refused port costs a pass over the pod; past the bound, the object is
    // reported as unreadable (exit 2) instead of being checked without its pod.
    let input = containers_with_float_ports("true", 20);
    let (code, report) = check(&["--only", "privileged-container"], &input);
    assert_eq!(code, 2, "{report}");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{report}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("too many values of the wrong type"),
        "{message}"
    );
}
