//! WebAssembly rule plugins through the real binary: the hand-written WAT example
//! (the ABI document alone is enough to write a plugin), configuration (pins, settings,
//! limits, selectors, suppressions), the compiled-module cache, and hostile modules
//! (`tests/fixtures/hostile/*.wat`) that must each fail alone, with a clear reason,
//! while every other rule and plugin still reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use kubecheck_tests::{kubecheck_bin, output_within, repo_root};
use serde_json::Value;

/// A privileged pod (a built-in finding), a LoadBalancer Service in the default
/// namespace (the example plugin's finding) and one in `edge` (allowed by default).
const MANIFESTS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: priv
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Service
metadata:
  name: public
spec:
  type: LoadBalancer
  ports:
    - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: front
  namespace: edge
spec:
  type: LoadBalancer
";

const EXAMPLE_RULE: &str = "edge/load-balancer-service";

/// Far above any limit a test sets: only a hang reaches it.
const HANG: Duration = Duration::from_secs(120);

fn example_dir() -> PathBuf {
    repo_root().join("examples/plugins/wat-edge-lb")
}

fn example_wasm() -> PathBuf {
    example_dir().join("plugin.wasm")
}

/// Assembles `tests/fixtures/hostile/<name>.wat` into `dir/<name>.wasm`.
fn hostile(name: &str, dir: &Path) -> PathBuf {
    let source = repo_root().join(format!("tests/fixtures/hostile/{name}.wat"));
    let wasm = wat::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, wasm).expect("write wasm");
    path
}

/// Runs kubecheck in `cwd` with its own compile cache and cache key, failing the test on a
/// hang.
/// Output goes to files, so a chatty process cannot block on a full pipe.
fn kubecheck_in(cwd: &Path, args: &[&str], stdin: &str) -> Output {
    output_within(
        Command::new(kubecheck_bin())
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env("KUBECHECK_CACHE_DIR", cwd.join("cache"))
            .env("XDG_CONFIG_HOME", cwd.join("config")),
        stdin.as_bytes(),
        HANG,
    )
}

fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn rules_found(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect()
}

fn sha256_of(cwd: &Path, wasm: &Path) -> String {
    let output = kubecheck_in(
        cwd,
        &[
            "plugin",
            "inspect",
            "--format",
            "json",
            wasm.to_str().unwrap(),
        ],
        "",
    );
    report(&output)["sha256"]
        .as_str()
        .expect("sha256")
        .to_owned()
}

#[test]
fn committed_example_wasm_matches_its_wat_source() {
    let wasm = wat::parse_file(example_dir().join("plugin.wat")).expect("plugin.wat assembles");
    if std::env::var_os("KUBECHECK_BLESS").is_some() {
        std::fs::write(example_wasm(), &wasm).expect("write plugin.wasm");
    }
    let committed = std::fs::read(example_wasm()).unwrap_or_default();
    assert!(
        committed == wasm,
        "examples/plugins/wat-edge-lb/plugin.wasm is stale: rebuild it with \
         `KUBECHECK_BLESS=1 cargo test -p kubecheck-tests --test plugin_sandbox committed_example`"
    );
}

#[test]
fn wat_example_reports_a_located_finding_next_to_builtin_ones() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = example_wasm();
    let output = kubecheck_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--plugin",
            wasm.to_str().unwrap(),
            "-",
        ],
        MANIFESTS,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has sha256 "), "{stderr}");
    let report = report(&output);
    assert_eq!(report["errors"], serde_json::json!([]), "{stderr}");
    let rules = rules_found(&report);
    assert!(rules.contains(&"privileged-container"), "{rules:?}");
    let plugin: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == EXAMPLE_RULE)
        .collect();
    assert_eq!(
        plugin.len(),
        1,
        "only the Service outside `edge`: {plugin:?}"
    );
    let finding = plugin[0];
    assert_eq!(finding["resource"]["name"], "public");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["category"], "network");
    assert_eq!(
        finding["message"],
        "service has `type: LoadBalancer` outside namespace `edge`"
    );
    let location = &finding["location"];
    assert_eq!(location["path"], "/spec/type");
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(17), Some(9))
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "findings at `high` fail the run"
    );
}

/// Writes `.kubecheck.yaml` in `dir` with one pinned plugin entry and extra top-level
/// lines.
fn config(dir: &Path, wasm: &Path, sha256: &str, entry_extra: &str, top_extra: &str) {
    let text = format!(
        "{top_extra}plugins:\n  - path: {}\n    sha256: {sha256}\n{entry_extra}",
        wasm.display()
    );
    std::fs::write(dir.join(".kubecheck.yaml"), text).unwrap();
}

#[test]
fn config_settings_severity_selectors_and_suppression_apply_to_plugin_rules() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = example_wasm();
    let sha = sha256_of(dir.path(), &wasm);
    // Settings reach the plugin: now `default` is the allowed namespace and `edge` is not.
    config(
        dir.path(),
        &wasm,
        &sha,
        "    settings:\n      namespace: default\n",
        "severity:\n  edge/load-balancer-service: low\n",
    );
    let output = kubecheck_in(dir.path(), &["check", "--format", "json", "-"], MANIFESTS);
    let report = report(&output);
    let plugin: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == EXAMPLE_RULE)
        .collect();
    assert_eq!(plugin.len(), 1, "{report:#}");
    assert_eq!(plugin[0]["resource"]["name"], "front");
    assert_eq!(plugin[0]["severity"], "low", "the user's severity wins");

    let disabled = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--disable", "edge", "-"],
        MANIFESTS,
    );
    assert!(!rules_found(&report_of(&disabled)).contains(&EXAMPLE_RULE));
    let only = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--only", EXAMPLE_RULE, "-"],
        MANIFESTS,
    );
    assert_eq!(rules_found(&report_of(&only)), [EXAMPLE_RULE]);

    let annotated = MANIFESTS.replace(
        "  namespace: edge\n",
        "  namespace: edge\n  annotations:\n    kubecheck.io/ignore: \"edge/load-balancer-service # fronted by the WAF\"\n",
    );
    let suppressed = report_of(&kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "-"],
        &annotated,
    ));
    assert!(!rules_found(&suppressed).contains(&EXAMPLE_RULE));
    assert_eq!(suppressed["suppressed"][0]["rule"], EXAMPLE_RULE);
    assert_eq!(
        suppressed["suppressed"][0]["suppression"]["reason"],
        "fronted by the WAF"
    );
}

fn report_of(output: &Output) -> Value {
    report(output)
}

#[test]
fn a_sha256_mismatch_refuses_the_plugin_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = example_wasm();
    config(dir.path(), &wasm, &"0".repeat(64), "    name: edge\n", "");
    let output = kubecheck_in(dir.path(), &["check", "--format", "json", "-"], MANIFESTS);
    let report = report(&output);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["plugin"], "edge");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.starts_with("sha256 mismatch"), "{message}");
    assert!(rules_found(&report).contains(&"privileged-container"));
    assert!(!rules_found(&report).contains(&EXAMPLE_RULE));
    assert_eq!(output.status.code(), Some(2));
    // Selectors naming the refused plugin are not typos: the run still reports.
    let selected = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--enable", EXAMPLE_RULE, "-"],
        MANIFESTS,
    );
    assert_eq!(report_of(&selected)["errors"][0]["plugin"], "edge");
}

#[test]
fn the_second_load_comes_from_the_cache_and_a_damaged_entry_is_recompiled() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = example_wasm();
    let inspect = || {
        let output = kubecheck_in(
            dir.path(),
            &[
                "plugin",
                "inspect",
                "--format",
                "json",
                wasm.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(output.status.code(), Some(0));
        report(&output)["module"].as_str().unwrap().to_owned()
    };
    // An entry of this module for another engine (an older kubecheck) goes once the
    // module is compiled for this one.
    let elsewhere = tempfile::tempdir().unwrap();
    let sha = sha256_of(elsewhere.path(), &wasm);
    std::fs::create_dir(dir.path().join("cache")).unwrap();
    let stale = dir
        .path()
        .join(format!("cache/{sha}-0000000000000000.cwasm"));
    std::fs::write(&stale, b"kubecheck-cwasm1 from another build").unwrap();
    assert_eq!(inspect(), "compiled");
    assert!(!stale.exists(), "stale entry removed");
    assert_eq!(inspect(), "loaded from the compile cache");
    let entries: Vec<PathBuf> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let mut bytes = std::fs::read(&entries[0]).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&entries[0], &bytes).unwrap();
    assert_eq!(
        inspect(),
        "compiled",
        "a damaged entry is never deserialised"
    );
    assert_eq!(
        inspect(),
        "loaded from the compile cache",
        "and it was rewritten"
    );
}

#[test]
fn inspect_prints_metadata_imports_exports_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let output = kubecheck_in(
        dir.path(),
        &["plugin", "inspect", example_wasm().to_str().unwrap()],
        "",
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "sha256:  ",
        "imports: (none)",
        "  kubecheck_check: function (i32, i32) -> i64",
        "plugin:  edge 1.0.0",
        "edge/load-balancer-service",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let wasi = hostile("wasi-imports", dir.path());
    let output = kubecheck_in(
        dir.path(),
        &["plugin", "inspect", wasi.to_str().unwrap()],
        "",
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("  wasi_snapshot_preview1.fd_write: function"),
        "{text}"
    );
    assert!(text.contains("error:   forbidden import(s)"), "{text}");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_precompiled_cwasm_runs_like_its_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let cwasm = dir.path().join("edge.cwasm");
    let compiled = kubecheck_in(
        dir.path(),
        &[
            "plugin",
            "compile",
            example_wasm().to_str().unwrap(),
            "-o",
            cwasm.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        compiled.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let output = kubecheck_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--allow-precompiled",
            "--plugin",
            cwasm.to_str().unwrap(),
            "-",
        ],
        MANIFESTS,
    );
    assert!(rules_found(&report(&output)).contains(&EXAMPLE_RULE));
    // A .cwasm is native code: one that is not exactly what this user's kubecheck wrote
    // is refused (tests/tests/security_plugins.rs tries the forgeries).
    let mut bytes = std::fs::read(&cwasm).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xFF;
    std::fs::write(&cwasm, &bytes).unwrap();
    let output = kubecheck_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--allow-precompiled",
            "--plugin",
            cwasm.to_str().unwrap(),
            "-",
        ],
        MANIFESTS,
    );
    let message = report(&output)["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("not made by this build of kubecheck"),
        "{message}"
    );
}

/// Runs a hostile plugin next to the example plugin and checks it failed alone.
fn assert_contained(dir: &Path, args: &[&str], plugin: &str, reason: &str) -> Output {
    let output = kubecheck_in(dir, args, MANIFESTS);
    let report = report(&output);
    let errors = report["errors"].as_array().unwrap();
    let ours: Vec<&Value> = errors.iter().filter(|e| e["plugin"] == plugin).collect();
    assert_eq!(ours.len(), 1, "one error for `{plugin}`: {errors:#?}");
    let message = ours[0]["message"].as_str().unwrap();
    assert!(
        message.contains(reason),
        "`{plugin}`: expected {reason:?} in {message:?}"
    );
    let rules = rules_found(&report);
    assert!(
        rules.contains(&"privileged-container"),
        "built-in rules still run: {rules:?}"
    );
    assert!(
        rules.contains(&EXAMPLE_RULE),
        "other plugins still run: {rules:?}"
    );
    assert_eq!(output.status.code(), Some(2), "a plugin error exits with 2");
    output
}

#[test]
fn hostile_plugins_fail_alone_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let example = example_wasm();
    let cases = [
        ("memory-grow", "memory limit: the plugin tried to grow its memory beyond 268435456 bytes"),
        ("deep-recursion", "trap: call stack exhausted"),
        ("huge-output", "bad output: `kubecheck_check` returned 17825792 bytes, more than the output limit of 16777216 bytes"),
        ("invalid-utf8", "bad output: not UTF-8"),
        ("invalid-json", "bad output: not JSON"),
        ("out-of-bounds", "bad output: `kubecheck_check` returned the region 4294901760..4294901860 outside the memory"),
        ("lying-output", "bad output: finding 0: path `/no/such/field` does not resolve in resource 0"),
        ("unreachable", "trap: wasm `unreachable` instruction executed"),
        (
            "bad-alloc",
            "returned 4294967040, a region outside the memory",
        ),
        ("wrong-abi", "bad ABI: `kubecheck_abi_version` returned 2; this kubecheck supports ABI version 1"),
        ("missing-exports", "bad ABI: missing export `kubecheck_alloc`; missing export `kubecheck_metadata`; missing export `kubecheck_check`"),
        ("wasi-imports", "forbidden import(s) `wasi_snapshot_preview1.fd_write`, `wasi_snapshot_preview1.path_open`"),
        ("logs-and-refuses", "plugin error: setting `registries` is missing"),
    ];
    for (name, reason) in cases {
        let wasm = hostile(name, dir.path());
        let args = [
            "check",
            "--format",
            "json",
            "--plugin",
            wasm.to_str().unwrap(),
            "--plugin",
            example.to_str().unwrap(),
            "-",
        ];
        let output = assert_contained(dir.path(), &args, name, reason);
        if name == "logs-and-refuses" {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(
                    "kubecheck: plugin logs-and-refuses: hello from the sandbox\\u{1b}[31m"
                ),
                "the log line arrives with its control character escaped:\n{stderr}"
            );
        }
    }
}

#[test]
fn infinite_loops_stop_on_fuel_on_the_deadline_and_on_default_limits() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile("infinite-loop", dir.path());
    let sha = sha256_of(dir.path(), &wasm);
    let example = example_wasm();
    let check = [
        "check",
        "--format",
        "json",
        "--plugin",
        example.to_str().unwrap(),
        "-",
    ];

    config(
        dir.path(),
        &wasm,
        &sha,
        "    limits: {fuel: 20000000}\n",
        "",
    );
    assert_contained(
        dir.path(),
        &check,
        "infinite-loop",
        "out of fuel: the call executed more than 20000000 units of fuel",
    );

    config(
        dir.path(),
        &wasm,
        &sha,
        "    limits: {fuel: 1000000000000000, timeoutMs: 200}\n",
        "",
    );
    assert_contained(
        dir.path(),
        &check,
        "infinite-loop",
        "timeout: the call ran longer than 200 ms",
    );

    // With the defaults, whichever of fuel and deadline comes first stops it.
    std::fs::remove_file(dir.path().join(".kubecheck.yaml")).unwrap();
    let output = kubecheck_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--plugin",
            wasm.to_str().unwrap(),
            "-",
        ],
        MANIFESTS,
    );
    let message = report(&output)["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("out of fuel") || message.starts_with("timeout"),
        "{message}"
    );
}

#[test]
fn every_hostile_plugin_at_once_leaves_the_host_and_the_others_working() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "memory-grow",
        "deep-recursion",
        "huge-output",
        "invalid-utf8",
        "invalid-json",
        "out-of-bounds",
        "lying-output",
        "unreachable",
        "bad-alloc",
        "wrong-abi",
        "missing-exports",
        "wasi-imports",
        "logs-and-refuses",
    ];
    let wasms: Vec<String> = names
        .iter()
        .map(|n| hostile(n, dir.path()).display().to_string())
        .collect();
    let example = example_wasm().display().to_string();
    let mut args = vec!["check", "--format", "json"];
    for wasm in wasms.iter().chain([&example]) {
        args.extend(["--plugin", wasm.as_str()]);
    }
    args.push("-");
    let output = kubecheck_in(dir.path(), &args, MANIFESTS);
    let report = report(&output);
    let mut failed: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["plugin"].as_str().unwrap())
        .collect();
    failed.sort_unstable();
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(failed, expected, "one error per hostile plugin");
    let rules = rules_found(&report);
    assert!(
        rules.contains(&"privileged-container") && rules.contains(&EXAMPLE_RULE),
        "{rules:?}"
    );
    assert_eq!(output.status.code(), Some(2));
}

/// A plugin setting a finding's severity itself (ABI section 5.1): `critical` on the
/// first resource, for a rule whose default is `low`.
const SEVERITY_PLUGIN: &str = r#"
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"sev\",\"version\":\"0\",\"rules\":[{\"id\":\"r\",\"title\":\"t\",\"category\":\"manifest\",\"severity\":\"low\"}]}")
  (data (i32.const 1024) "{\"findings\":[{\"rule\":\"r\",\"resource\":0,\"path\":\"/metadata/name\",\"message\":\"custom severity\",\"severity\":\"critical\"}]}")
  (func (export "kubecheck_abi_version") (result i32) (i32.const 1))
  (func (export "kubecheck_metadata") (result i64) (i64.const 100))
  (func (export "kubecheck_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "kubecheck_check") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const 114))))
"#;

#[test]
fn a_finding_severity_from_the_plugin_applies_unless_the_user_set_one() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("sev.wasm");
    std::fs::write(&wasm, wat::parse_str(SEVERITY_PLUGIN).unwrap()).unwrap();
    let wasm = wasm.to_str().unwrap();
    let finding = |report: &Value| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "sev/r")
            .cloned()
            .unwrap_or_else(|| panic!("no sev/r finding: {report:#}"))
    };
    let output = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--plugin", wasm, "-"],
        MANIFESTS,
    );
    let plain = report(&output);
    let found = finding(&plain);
    assert_eq!(found["severity"], "critical");
    assert_eq!(found["location"]["line"], 4, "`name: priv`");
    assert_eq!(
        plain["summary"]["critical"], 2,
        "with privileged-container: {plain:#}"
    );

    std::fs::write(
        dir.path().join(".kubecheck.yaml"),
        "severity:\n  sev/r: info\n",
    )
    .unwrap();
    let output = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--plugin", wasm, "-"],
        MANIFESTS,
    );
    assert_eq!(finding(&report(&output))["severity"], "info");

    let sarif = kubecheck_in(
        dir.path(),
        &["check", "--format", "sarif", "--plugin", wasm, "-"],
        MANIFESTS,
    );
    let sarif: Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    assert!(
        rules.as_array().unwrap().iter().any(|r| r["id"] == "sev/r"),
        "plugin rules are described in SARIF"
    );
}

#[test]
fn the_smallest_plugin_of_the_abi_document_loads_and_runs() {
    let doc = std::fs::read_to_string(repo_root().join("docs/plugin-abi.md")).unwrap();
    let appendix = &doc[doc.find("## Appendix A").expect("appendix A")..];
    let start = appendix.find("```wat\n").expect("a wat block") + "```wat\n".len();
    let end = start + appendix[start..].find("```").expect("end of the block");
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("minimal.wasm");
    std::fs::write(
        &wasm,
        wat::parse_str(&appendix[start..end]).expect("it assembles"),
    )
    .unwrap();
    let output = kubecheck_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--plugin",
            wasm.to_str().unwrap(),
            "-",
        ],
        MANIFESTS,
    );
    let report = report(&output);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert!(rules_found(&report).contains(&"privileged-container"));
}

#[test]
fn plugin_bench_measures_every_step() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("svc.yaml"), MANIFESTS).unwrap();
    let output = kubecheck_in(
        dir.path(),
        &[
            "plugin",
            "bench",
            "--iterations",
            "2",
            example_wasm().to_str().unwrap(),
            "svc.yaml",
        ],
        "",
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for step in [
        "compile + load, cold:",
        "load from the compile cache:",
        "instantiate (median of 2):",
        "call, no resources (median):",
        "call, 3 resources",
    ] {
        assert!(text.contains(step), "missing {step:?} in:\n{text}");
    }
}
