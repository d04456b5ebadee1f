//! The Rust example plugin (`examples/plugins/allowed-registries`, built with the SDK by
//! `scripts/build-plugins.sh`) through the real binary, configured the way a user does it:
//! a `.kubecheck.yaml` that pins its sha256 and gives its settings.

use std::path::{Path, PathBuf};

use kubecheck_tests::{built_plugin, json_report, run_kubecheck};
use serde_json::Value;

const MANIFESTS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: app
          image: ghcr.io/acme/web:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels:
    owner: sre
  annotations:
    kubecheck.io/ignore: acme/image-registry # mirrored next sprint
spec:
  containers:
    - name: shell
      image: docker.io/library/alpine:3.20
";

/// The example built by `scripts/build-plugins.sh`; without it the tests are skipped.
fn example_wasm() -> Option<PathBuf> {
    built_plugin("allowed-registries.wasm")
}

fn sha256sum(path: &Path) -> String {
    let output = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A project folder: the manifests, the plugin `wasm` under `plugins/`, and a config whose
/// plugin entry is `entry` (YAML, indented under `plugins:`).
fn project(name: &str, wasm: &Path, entry: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("rust-plugin-{name}"));
    std::fs::create_dir_all(dir.join("plugins")).expect("project folder");
    std::fs::copy(wasm, dir.join("plugins/acme.wasm")).expect("copy plugin");
    std::fs::write(dir.join("manifests.yaml"), MANIFESTS).expect("manifests");
    std::fs::write(
        dir.join(".kubecheck.yaml"),
        format!("plugins:\n  - path: plugins/acme.wasm\n{entry}"),
    )
    .expect("config");
    dir
}

fn check(dir: &Path) -> (Option<i32>, Value) {
    let config = dir.join(".kubecheck.yaml");
    let manifests = dir.join("manifests.yaml");
    let output = run_kubecheck(
        &[
            "check",
            "--format",
            "json",
            "--config",
            config.to_str().expect("UTF-8 path"),
            manifests.to_str().expect("UTF-8 path"),
        ],
        None,
    );
    (output.status.code(), json_report(&output))
}

/// `(rule, message, line)` of each entry of a report list that belongs to the plugin.
fn plugin_findings(list: &Value) -> Vec<(String, String, u64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("acme/")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
                f["location"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn settings_from_the_config_drive_the_rules() {
    let Some(wasm) = example_wasm() else { return };
    let sha = sha256sum(&wasm);
    let dir = project(
        "findings",
        &wasm,
        &format!(
            "    sha256: {sha}\n    settings:\n      registries: [ghcr.io/acme]\n      requiredLabels: [owner]\n"
        ),
    );
    let (code, report) = check(&dir);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        plugin_findings(&report["findings"]),
        [
            (
                "acme/required-labels".to_owned(),
                "`Deployment/web` lacks the label `owner`".to_owned(),
                6
            ),
            (
                "acme/image-registry".to_owned(),
                "init container `init` uses image `busybox:1.36` from `docker.io`, which is not an allowed registry".to_owned(),
                12
            ),
        ]
    );
    let high = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "acme/image-registry")
        .expect("an image finding");
    assert_eq!(high["severity"], "high");
    assert_eq!(high["location"]["column"], 18);
    assert_eq!(
        plugin_findings(&report["suppressed"]),
        [(
            "acme/image-registry".to_owned(),
            "container `shell` uses image `docker.io/library/alpine:3.20` from `docker.io`, which is not an allowed registry".to_owned(),
            28
        )]
    );
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| !f["rule"].as_str().unwrap_or_default().contains('/')),
        "built-in rules run next to the plugin"
    );

    let allowed = project(
        "allowed",
        &wasm,
        &format!("    sha256: {sha}\n    settings:\n      registries: [ghcr.io/acme, docker.io]\n"),
    );
    let (_, report) = check(&allowed);
    assert!(
        plugin_findings(&report["findings"]).is_empty(),
        "{report:#}"
    );
    assert!(plugin_findings(&report["suppressed"]).is_empty());
}

#[test]
fn a_wrong_pin_refuses_the_plugin() {
    let Some(wasm) = example_wasm() else { return };
    let dir = project("pin", &wasm, &format!("    sha256: {}\n", "0".repeat(64)));
    let (code, report) = check(&dir);
    assert_eq!(code, Some(2));
    let errors = report["errors"].to_string();
    assert!(errors.contains("sha256 mismatch"), "{errors}");
    assert!(plugin_findings(&report["findings"]).is_empty());
}

#[test]
fn invalid_settings_are_a_plugin_error_and_built_in_rules_still_run() {
    let Some(wasm) = example_wasm() else { return };
    let sha = sha256sum(&wasm);
    let dir = project(
        "bad-settings",
        &wasm,
        &format!("    sha256: {sha}\n    settings:\n      registries: ghcr.io/acme\n"),
    );
    let (code, report) = check(&dir);
    assert_eq!(code, Some(2), "{report:#}");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["plugin"], "acme");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("invalid settings") && message.contains("expected a sequence"),
        "{message}"
    );
    assert!(!report["findings"].as_array().expect("findings").is_empty());
}
