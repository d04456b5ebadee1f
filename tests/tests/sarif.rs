//! SARIF 2.1.0 output: valid against the official schema on the examples and the real
//! corpus, with rule metadata, levels, regions and fingerprints that survive re-runs and
//! edits elsewhere in the file.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use kubecheck_tests::{corpus, json_report, kubecheck_bin, repo_root, run_kubecheck};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    // Vendored (see tests/fixtures/README.md): the test needs no network and no shared folder.
    let path = repo_root().join("tests/fixtures/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The official schema's `language` patterns (on `run` and `toolComponent`) have a
    // stray `]`, which fails the draft-07 meta-schema once formats are checked. kubecheck
    // never writes `language`; dropping those patterns keeps every other check, formats
    // (`uri`…) included.
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]
            .as_object_mut()
            .and_then(|language| language.remove("pattern"))
            .unwrap_or_else(|| panic!("no `{definition}.language` pattern to work around"));
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(sarif: &Value) {
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn sarif_of(args: &[&str]) -> Value {
    let mut full = vec!["check", "--format", "sarif", "--fail-on", "never"];
    full.extend_from_slice(args);
    let output = run_kubecheck(&full, None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    json_report(&output)
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn examples_give_valid_sarif_with_metadata_levels_and_regions() {
    let sarif = sarif_of(&["examples/manifests"]);
    assert_valid(&sarif);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{id}"
        );
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## What it does")),
            "{id}"
        );
        assert!(rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#{id}")));
        assert!(["error", "warning", "note"]
            .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
    }

    let results = results(&sarif);
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "privileged-container" && r["level"] == "error"));
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("examples/manifests/"), "{uri}");
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
        assert!(result["partialFingerprints"]["kubecheck/v1"].is_string());
    }
    // Within one run, distinct findings have distinct fingerprints.
    let mut fingerprints: Vec<&Value> = results
        .iter()
        .map(|r| &r["partialFingerprints"]["kubecheck/v1"])
        .collect();
    let count = fingerprints.len();
    fingerprints.sort_by_key(|v| v.to_string());
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count);
}

#[test]
fn suppressed_findings_carry_their_justification() {
    let sarif = sarif_of(&["examples/manifests/cronjob.yaml"]);
    assert_valid(&sarif);
    let suppressed: Vec<&Value> = results(&sarif)
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert!(!suppressed.is_empty(), "the example suppresses a rule");
    for result in &suppressed {
        let suppression = &result["suppressions"][0];
        assert_eq!(suppression["kind"], "inSource");
        assert!(suppression["justification"]
            .as_str()
            .unwrap()
            .contains("pg_dump"));
    }
    // The JSON report agrees on which findings are suppressed.
    let report = json_report(&run_kubecheck(
        &[
            "check",
            "--format",
            "json",
            "examples/manifests/cronjob.yaml",
        ],
        None,
    ));
    assert_eq!(
        suppressed.len() as u64,
        report["summary"]["suppressed"].as_u64().unwrap()
    );
}

#[test]
fn errors_become_tool_notifications() {
    let output = run_kubecheck(
        &["check", "--format", "sarif", "-"],
        Some(b"apiVersion: v1\nkind: Pod\nspec: [unclosed\n"),
    );
    assert_eq!(output.status.code(), Some(2));
    let sarif = json_report(&output);
    assert_valid(&sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(
        notification["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some_and(|l| l >= 3)
    );
}

#[test]
fn real_corpus_gives_valid_sarif_with_stable_fingerprints() {
    let Some(real) = corpus("real") else { return };
    let first = sarif_of(&[real.to_str().unwrap()]);
    assert_valid(&first);
    assert!(!results(&first).is_empty());
    let second = sarif_of(&[real.to_str().unwrap()]);
    let prints = |sarif: &Value| -> Vec<String> {
        results(sarif)
            .iter()
            .map(|r| r["partialFingerprints"].to_string())
            .collect()
    };
    assert_eq!(prints(&first), prints(&second));
}

/// Fingerprint by finding, keyed by rule and message (unique in the input below).
fn fingerprints_in(dir: &Path) -> BTreeMap<(String, String), (String, u64)> {
    let output = Command::new(kubecheck_bin())
        .args([
            "check",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "app.yaml",
        ])
        .current_dir(dir)
        .output()
        .expect("kubecheck runs");
    assert_eq!(output.status.code(), Some(0));
    let sarif = json_report(&output);
    assert_valid(&sarif);
    results(&sarif)
        .iter()
        .map(|r| {
            (
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["message"]["text"].as_str().unwrap().to_owned(),
                ),
                (
                    r["partialFingerprints"]["kubecheck/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_edits_that_shift_lines() {
    let dir = tempfile::tempdir().unwrap();
    let app = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
";
    std::fs::write(dir.path().join("app.yaml"), app).unwrap();
    let before = fingerprints_in(dir.path());
    let key = (
        "privileged-container".to_owned(),
        "container `app` sets `privileged: true`".to_owned(),
    );
    assert!(before.contains_key(&key), "{before:?}");

    // A comment block and another document above it: every line moves down.
    let shifted = format!(
        "# Owned by the web team.\n# Reviewed 2026-11.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  mode: production\n---\n{app}"
    );
    std::fs::write(dir.path().join("app.yaml"), shifted).unwrap();
    let after = fingerprints_in(dir.path());
    for (finding, (print, line)) in &before {
        let (print_after, line_after) = after
            .get(finding)
            .unwrap_or_else(|| panic!("{finding:?} is gone after the edit: {after:?}"));
        assert_eq!(print, print_after, "{finding:?}");
        assert_eq!(*line_after, line + 9, "{finding:?}");
    }
}
