//! The manifests that deploy kubecheck (`deploy/`) pass kubecheck's own strictest checks:
//! every rule on (`--enable all`), the restricted Pod Security level (the default),
//! suppressions only with a reason, everything judged as one cluster, and any finding
//! failing the run.

use kubecheck_tests::{json_report, run_kubecheck};

#[test]
fn deploy_passes_every_rule() {
    let output = run_kubecheck(
        &[
            "check",
            "deploy/",
            "--enable",
            "all",
            "--pss",
            "restricted:latest",
            "--require-reason",
            "--context",
            "input",
            "--fail-on",
            "info",
            "--format",
            "json",
        ],
        None,
    );
    let report = json_report(&output);
    assert_eq!(
        report["summary"]["findings"],
        0,
        "{}",
        serde_json::to_string_pretty(&report["findings"]).expect("JSON")
    );
    assert_eq!(report["summary"]["errors"], 0, "{}", report["errors"]);
    assert_eq!(output.status.code(), Some(0));
    // The Deployment, Service, PDB, HPA, both NetworkPolicies, the webhook, the namespace
    // and its account, and cert-manager's objects were all read.
    assert!(
        report["summary"]["resources"].as_u64() >= Some(15),
        "{}",
        report["summary"]
    );
    // The one exception is the image digest, known only once the image is built.
    let suppressed: Vec<&str> = report["suppressed"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| f["rule"].as_str().expect("a rule"))
        .collect();
    assert_eq!(suppressed, ["image-without-digest"]);
}
