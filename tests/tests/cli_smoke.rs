//! The binary end to end on a small manifest from stdin.

use kubecheck_tests::{json_report, run_kubecheck};

#[test]
fn privileged_pod_from_stdin_fails_with_a_located_finding() {
    let yaml = b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n";
    let output = run_kubecheck(&["check", "--format", "json", "-"], Some(yaml));
    assert_eq!(output.status.code(), Some(1));
    let report = json_report(&output);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privileged-container")
        .expect("privileged-container finding");
    assert_eq!(finding["location"]["line"], 9);
    assert_eq!(finding["location"]["column"], 19);
    assert_eq!(
        finding["location"]["path"],
        "/spec/containers/0/securityContext/privileged"
    );
}
