//! `kubecheck check --engine wasm` (the built-in rules compiled to wasm, run in the plugin
//! sandbox) must report exactly what the native engine reports: same findings (rule,
//! severity, resource, location, message, fix), same suppressed findings, same errors.
//!
//! Needs the core wasm from `scripts/build-plugins.sh`, which the binary embeds when it
//! is built afterwards (the tests build it); without it these tests are skipped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kubecheck_tests::{built_plugin, corpus, json_report, repo_root, run_kubecheck};
use serde_json::Value;

/// The built-in rules compiled to wasm, when `scripts/build-plugins.sh` has built them.
fn core_wasm() -> Option<PathBuf> {
    built_plugin("kubecheck-builtin.wasm")
}

/// Runs both engines with `args` and compares their JSON reports.
fn assert_parity(args: &[&str]) {
    let report = |engine: &str| {
        let mut full = vec!["check", "--format", "json", "--fail-on", "never"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--engine", engine]);
        let output = run_kubecheck(&full, None);
        assert!(
            output.status.code() == Some(0) || output.status.code() == Some(2),
            "--engine {engine} {args:?} failed ({:?}): {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        json_report(&output)
    };
    let native = report("native");
    let wasm = report("wasm");
    assert!(
        native["summary"]["findings"].as_u64() > Some(0),
        "{args:?}: the native engine found nothing, so parity would prove nothing"
    );
    for list in ["findings", "suppressed", "errors"] {
        let diff = differences(&native[list], &wasm[list]);
        assert!(diff.is_empty(), "{args:?}: `{list}` differ:\n{diff}");
    }
    assert_eq!(
        native["summary"], wasm["summary"],
        "{args:?}: summaries differ"
    );
}

/// The entries only one engine reported, one per line, or nothing when the lists are
/// equal (order included: the report's order is part of its contract).
fn differences(native: &Value, wasm: &Value) -> String {
    if native == wasm {
        return String::new();
    }
    let lines = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|items| items.iter().map(Value::to_string).collect())
            .unwrap_or_default()
    };
    let (native, wasm) = (lines(native), lines(wasm));
    let native_set: BTreeSet<&String> = native.iter().collect();
    let wasm_set: BTreeSet<&String> = wasm.iter().collect();
    let mut out = String::new();
    for only in native_set.difference(&wasm_set).take(20) {
        out.push_str(&format!("  native only: {only}\n"));
    }
    for only in wasm_set.difference(&native_set).take(20) {
        out.push_str(&format!("  wasm only:   {only}\n"));
    }
    if out.is_empty() {
        out.push_str("  same entries in a different order\n");
    }
    out
}

#[test]
fn real_corpus_gives_the_same_report() {
    let (Some(_), Some(real)) = (core_wasm(), corpus("real")) else {
        return;
    };
    assert_parity(&[real.to_str().expect("UTF-8 path")]);
}

/// YAML that JSON does not carry one to one: numbers and booleans written unlike JSON
/// (`1e3`, `1.10`, `0o17`, `yes`) where strings are expected, `.inf`, a quoted boolean,
/// duplicate keys, a `List` holding another `*List`.
const ODD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: 010
  labels: {version: 1.10, big: 99999999999999999999}
  annotations: {inf: .inf}
spec:
  hostNetwork: yes
  hostNetwork: no
  containers:
  - name: 1e3
    image: 1.10
    securityContext: {runAsUser: 0x0, privileged: \"true\", runAsNonRoot: on}
    ports: [{containerPort: 0o17, hostPort: 8_080}]
---
kind: List
apiVersion: v1
items:
- {kind: PodList, apiVersion: v1, metadata: {name: inner}, items: []}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d, namespace: x}
  spec:
    template:
      spec:
        containers: [{name: c, image: nginx, securityContext: {privileged: 1}}]
";

#[test]
fn yaml_that_json_changes_gives_the_same_report() {
    if core_wasm().is_none() {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasm-parity-odd");
    std::fs::create_dir_all(&dir).expect("temp folder");
    std::fs::write(dir.join("odd.yaml"), ODD).expect("fixture");
    assert_parity(&["--enable", "all", dir.to_str().expect("UTF-8 path")]);
}

/// A custom resource `depth` collection levels deep (its `spec` takes any structure).
fn nested_widget(depth: usize) -> String {
    let inner = depth - 1; // the document's own mapping is the first level
    format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w{depth}}}\nspec: {}1{}\n",
        "{a: ".repeat(inner),
        "}".repeat(inner)
    )
}

/// The native engine once accepted 200 levels while the wasm engine's JSON reader stopped
/// at 128 and failed the whole run. Now both accept 100 levels and refuse deeper
/// documents one by one with the same located error, aliases included.
#[test]
fn deep_nesting_gives_the_same_report() {
    if core_wasm().is_none() {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasm-parity-deep");
    std::fs::create_dir_all(&dir).expect("temp folder");
    let privileged = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27, securityContext: {privileged: true}}]\n";
    let through_alias = format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: alias}}\nspec:\n  a: &deep {}1{}\n  b: {}*deep{}\n",
        "[".repeat(60),
        "]".repeat(60),
        "[".repeat(60),
        "]".repeat(60)
    );
    let documents = [
        nested_widget(100),
        nested_widget(129),
        nested_widget(150),
        nested_widget(199),
        through_alias,
        privileged.to_owned(),
    ];
    std::fs::write(dir.join("deep.yaml"), documents.join("---\n")).expect("fixture");
    let path = dir.to_str().expect("UTF-8 path");
    assert_parity(&[path]);

    let report = json_report(&run_kubecheck(&["check", "--format", "json", path], None));
    assert_eq!(report["summary"]["resources"], 2, "{report}");
    let errors = report["errors"].as_array().expect("errors");
    let documents: Vec<u64> = errors
        .iter()
        .map(|e| e["document"].as_u64().unwrap())
        .collect();
    assert_eq!(documents, [1, 2, 3, 4], "{report}");
    assert!(
        errors.iter().all(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("nesting deeper than 100 levels")),
        "{report}"
    );
}

#[test]
fn every_rule_and_other_options_give_the_same_report() {
    // Off-by-default rules, another Pod Security target and a cluster version travel to
    // the wasm as options; duplicate keys and the examples' suppressions are covered too.
    let (Some(_), Some(psa)) = (core_wasm(), corpus("psa")) else {
        return;
    };
    let manifests = repo_root().join("examples/manifests");
    assert_parity(&[
        "--enable",
        "all",
        "--pss",
        "baseline:v1.25",
        "--k8s-version",
        "1.24",
        psa.to_str().expect("UTF-8 path"),
        manifests.to_str().expect("UTF-8 path"),
        // Two projects that reuse names: the analysis contexts cross the ABI too.
        "tests/fixtures/contexts/shop-a",
        "tests/fixtures/contexts/shop-b",
    ]);
}

#[test]
fn version_names_the_embedded_core_wasm() {
    let Some(wasm) = core_wasm() else { return };
    let output = run_kubecheck(&["--version"], None);
    let version = String::from_utf8_lossy(&output.stdout);
    let hash = sha256sum(&wasm);
    assert!(
        version.contains(&format!("core wasm sha256 {hash}")),
        "`kubecheck --version` is {version:?}, the built core wasm is {hash}"
    );
}

/// The hash from coreutils, independent of the code under test.
fn sha256sum(path: &std::path::Path) -> String {
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

/// `(rule, source, line, column, message)` of findings and suppressed findings.
fn keyed(report: &Value, rule: impl Fn(&str) -> Option<String>) -> BTreeSet<String> {
    ["findings", "suppressed"]
        .iter()
        .flat_map(|list| report[list].as_array().cloned().unwrap_or_default())
        .filter_map(|f| {
            let rule = rule(f["rule"].as_str()?)?;
            let l = &f["location"];
            Some(format!(
                "{rule} {}:{}:{} {}",
                l["source"], l["line"], l["column"], f["message"]
            ))
        })
        .collect()
}

#[test]
fn the_core_wasm_is_a_valid_plugin_like_any_other() {
    // Loaded with `--plugin`, the module goes through the host's checks of plugin output
    // (known rules, resources in range, paths that resolve) and its findings come back as
    // `kubecheck/<rule>`: the same ones as the native rules, but for the rules the host
    // keeps (source text) and for suppressions, which name the unprefixed ids. The host
    // folds one cause's findings only for the built-in rules it knows, so a plugin's are
    // all reported: each one the native run folded must be named by a native finding of
    // the same file.
    let (Some(wasm), Some(real)) = (core_wasm(), corpus("real")) else {
        return;
    };
    let real = real.to_str().expect("UTF-8 path");
    let plugin = run_kubecheck(
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--plugin",
            wasm.to_str().expect("UTF-8 path"),
            "--only",
            "kubecheck",
            real,
        ],
        None,
    );
    let plugin = json_report(&plugin);
    let native = json_report(&run_kubecheck(
        &["check", "--format", "json", "--fail-on", "never", real],
        None,
    ));
    let plugin_errors: Vec<&Value> = plugin["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| !e["plugin"].is_null())
        .collect();
    assert!(plugin_errors.is_empty(), "{plugin_errors:#?}");
    let from_plugin = keyed(&plugin, |r| r.strip_prefix("kubecheck/").map(str::to_owned));
    let from_native = keyed(&native, |r| (r != "duplicate-key").then(|| r.to_owned()));
    assert!(!from_native.is_empty());
    let missing: Vec<&String> = from_native.difference(&from_plugin).take(20).collect();
    assert!(missing.is_empty(), "native only:\n{missing:#?}");
    let folded = folded_rules(&native);
    let unexplained: Vec<&String> = from_plugin
        .difference(&from_native)
        .filter(|key| {
            let mut words = key.splitn(2, ' ');
            let (rule, place) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            // The source is JSON-quoted first; the message may hold any character.
            let end = place[1..].find('"').map_or(0, |i| i + 2);
            let source = &place[..end];
            !folded.contains(&(source.to_owned(), rule.to_owned()))
        })
        .take(20)
        .collect();
    assert!(unexplained.is_empty(), "plugin only:\n{unexplained:#?}");
    assert!(
        from_plugin.len() > from_native.len(),
        "the corpus has causes that several rules report"
    );
}

/// `(source, rule)` of every rule a native finding names in `relatedRules`: the source
/// as `keyed` writes it (JSON-quoted).
fn folded_rules(report: &Value) -> BTreeSet<(String, String)> {
    ["findings", "suppressed"]
        .iter()
        .flat_map(|list| report[list].as_array().cloned().unwrap_or_default())
        .flat_map(|f| {
            let source = f["location"]["source"].to_string();
            f["relatedRules"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |r| Some((source.clone(), r.as_str()?.to_owned())))
        })
        .collect()
}
