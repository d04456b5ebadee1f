//! A plugin's own category and its fix reach every output of the real binary: the
//! category as it is in JSON, SARIF and text, selectable like a built-in one, and the
//! fix (JSON Patch from the plugin) as text edits (`tests/fixtures/plugins/cost-with-fix.wat`
//! on `cost-with-fix.yaml`).

use std::path::PathBuf;
use std::process::{Command, Output};

use kubecheck_tests::{kubecheck_bin, repo_root};
use serde_json::Value;

const RULE: &str = "acme/replica-budget";

struct Setup {
    dir: tempfile::TempDir,
    plugin: PathBuf,
    manifest: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = repo_root().join("tests/fixtures/plugins");
    let source = fixtures.join("cost-with-fix.wat");
    let wasm = wat::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let plugin = dir.path().join("cost.wasm");
    std::fs::write(&plugin, wasm).expect("write plugin");
    let manifest = dir.path().join("web.yaml");
    std::fs::copy(fixtures.join("cost-with-fix.yaml"), &manifest).expect("copy manifest");
    Setup {
        dir,
        plugin,
        manifest,
    }
}

/// `kubecheck check --plugin <plugin> <manifest> <args>`, with a cache of its own.
fn check(setup: &Setup, args: &[&str]) -> Output {
    let home = |name: &str| setup.dir.path().join(name);
    Command::new(kubecheck_bin())
        .arg("check")
        .arg("--plugin")
        .arg(&setup.plugin)
        .arg(&setup.manifest)
        .args(args)
        .current_dir(setup.dir.path())
        .env("NO_COLOR", "1")
        .env("KUBECHECK_CACHE_DIR", home("cache"))
        .env("XDG_CONFIG_HOME", home("config"))
        .output()
        .expect("kubecheck runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn plugin_finding(report: &Value) -> &Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == RULE)
        .unwrap_or_else(|| panic!("no {RULE} finding in {report:#}"))
}

#[test]
fn json_shows_the_category_and_the_fix_as_edits() {
    let setup = setup();
    let report = json(&check(&setup, &["--format", "json"]));
    let finding = plugin_finding(&report);
    assert_eq!(finding["category"], "cost");
    assert_eq!(finding["location"]["line"], 8);
    assert_eq!(finding["fix"]["description"], "scale down to 3 replicas");
    assert_eq!(
        finding["fix"]["patch"][0],
        serde_json::json!({"op": "replace", "path": "/spec/replicas", "value": 3})
    );
    assert_eq!(
        finding["fix"]["edits"][0],
        serde_json::json!({"line": 8, "column": 13, "endLine": 8, "endColumn": 15, "text": "3"})
    );
}

#[test]
fn sarif_tags_the_rule_with_the_category_and_carries_the_fix() {
    let setup = setup();
    let sarif = json(&check(&setup, &["--format", "sarif"]));
    let run = &sarif["runs"][0];
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == RULE)
        .expect("the plugin rule");
    let tags = rule["properties"]["tags"].as_array().expect("tags");
    assert!(tags.contains(&Value::from("cost")), "{tags:?}");
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == RULE)
        .expect("the plugin result");
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "3");
    assert_eq!(replacement["deletedRegion"]["startLine"], 8);
}

#[test]
fn text_names_the_category_and_the_fix() {
    let setup = setup();
    // Only the plugin's rule: with the built-in rules the resource has enough findings
    // that text prints them as a one-line-each summary, without the fix lines.
    let output = check(&setup, &["--format", "text", "--only", "cost"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let block = text
        .split("\n\n")
        .find(|b| b.contains(RULE))
        .unwrap_or_else(|| panic!("no {RULE} in:\n{text}"));
    assert!(block.contains("[cost]"), "{block}");
    assert!(
        block.contains("= automatic fix (unsafe): scale down to 3 replicas"),
        "{block}"
    );
}

#[test]
fn the_category_is_a_selector() {
    let setup = setup();
    let only = json(&check(&setup, &["--format", "json", "--only", "cost"]));
    let rules: Vec<&str> = only["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert_eq!(rules, [RULE]);
    let without = json(&check(&setup, &["--format", "json", "--disable", "cost"]));
    assert!(!without["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == RULE));
    assert!(
        without["summary"]["findings"].as_u64() > Some(0),
        "built-in rules still ran"
    );
}
