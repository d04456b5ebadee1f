//! Analysis contexts: two projects checked together stay two clusters. The fixtures in
//! `tests/fixtures/contexts/` reuse names (namespace `shop`, ClusterRole `shop-reader`):
//! project B's role grants everything, its namespace has a default-deny policy and a
//! `restricted` Pod Security label, so a join would hand all three to project A's `web`.

use std::collections::BTreeSet;

use kubecheck_tests::{json_report, run_kubecheck};
use serde_json::Value;

const A: &str = "tests/fixtures/contexts/shop-a";
const B: &str = "tests/fixtures/contexts/shop-b";
const BOTH: &str = "tests/fixtures/contexts";

fn report(args: &[&str]) -> Value {
    let mut full = vec!["check", "--format", "json", "--fail-on", "never"];
    full.extend_from_slice(args);
    let output = run_kubecheck(&full, None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    json_report(&output)
}

/// Findings as comparable lines, without the context name (which only multi-context
/// runs print).
fn findings(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.as_object_mut().expect("finding").remove("context");
            f.to_string()
        })
        .collect()
}

fn each_alone() -> BTreeSet<String> {
    let mut alone = findings(&report(&[A]));
    alone.extend(findings(&report(&[B])));
    alone
}

#[test]
fn each_path_argument_is_its_own_cluster() {
    let together = report(&[A, B]);
    assert_eq!(findings(&together), each_alone());
    // The cross-object findings say which cluster judged them.
    let contexts: BTreeSet<&str> = together["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["context"].as_str())
        .collect();
    assert!(contexts.contains(A), "{contexts:?}");
    let pod_rule_contexts: Vec<&Value> = together["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "writable-root-filesystem")
        .map(|f| &f["context"])
        .collect();
    assert!(!pod_rule_contexts.is_empty());
    assert!(
        pod_rule_contexts.iter().all(|c| c.is_null()),
        "a one-object rule names no context: {pod_rule_contexts:?}"
    );
}

#[test]
fn joining_everything_lets_one_project_reach_the_other() {
    // The test above could not fail if joining made no difference on these fixtures.
    let joined = findings(&report(&["--context", "input", A, B]));
    assert_ne!(joined, each_alone());
    // Joined, project B's `shop` Namespace (Pod Security `restricted`) judges project
    // A's `web`; alone, A has no such label.
    let admission_on_a = |set: &BTreeSet<String>| {
        set.iter()
            .filter(|f| f.contains("\"rule\":\"admission-rejected-workload\"") && f.contains(A))
            .count()
    };
    assert_eq!(admission_on_a(&each_alone()), 0);
    assert_eq!(admission_on_a(&joined), 1, "{joined:#?}");
}

#[test]
fn each_folder_is_its_own_cluster_with_context_dir() {
    let by_dir = report(&["--context", "dir", BOTH]);
    let alone: BTreeSet<String> = each_alone();
    assert_eq!(findings(&by_dir), alone);
    let joined = findings(&report(&[BOTH]));
    assert_ne!(joined, alone, "one path argument is one cluster by default");
}

#[test]
fn config_names_context_roots() {
    let dir = std::env::temp_dir().join(format!("kubecheck-contexts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("kubecheck.yaml");
    let root = kubecheck_tests::repo_root();
    std::fs::write(
        &config,
        format!(
            "contexts:\n- {}\n- {}\n",
            root.join(A).display(),
            root.join(B).display()
        ),
    )
    .unwrap();
    let by_config = report(&["--config", config.to_str().unwrap(), BOTH]);
    assert_eq!(findings(&by_config), each_alone());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_context_folder_is_a_config_error() {
    let dir = std::env::temp_dir().join(format!("kubecheck-ctx-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("kubecheck.yaml");
    std::fs::write(&config, "contexts:\n- no-such-folder\n").unwrap();
    let output = run_kubecheck(&["check", "--config", config.to_str().unwrap(), A], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("context folder no-such-folder"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
