//! The doors around the plugin sandbox (issue 9), each tried the way an attacker would,
//! through the real binary: native code from a file presented as a plugin, a poisoned
//! compile cache, a predictable temporary directory, unbounded compilation, quadratic
//! output validation, a plugin hash printed from another read than the one loaded,
//! WebAssembly features the ABI refuses, and a plugin named after a built-in rule.
//!
//! Every run gets its own compile cache (`KUBECHECK_CACHE_DIR`) and its own user key
//! (`XDG_CONFIG_HOME`), so runs with another key stand for another user or machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use kubecheck_tests::{built_plugin, kubecheck_bin, output_within, repo_root};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A privileged pod (a built-in finding) and a LoadBalancer Service in the default
/// namespace (the example plugin's finding).
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
";

const EXAMPLE_RULE: &str = "edge/load-balancer-service";

/// Far above anything a test needs (a debug build compiles the bundled core in about a
/// minute on a busy machine): only a hang reaches it.
const HANG: Duration = Duration::from_secs(300);

/// `kubecheck-cwasm?` | engine fingerprint | sha256 of the .wasm | check | payload.
const HEADER_LEN: usize = 16 + 32 * 3;

fn example_wasm() -> PathBuf {
    repo_root().join("examples/plugins/wat-edge-lb/plugin.wasm")
}

/// Runs kubecheck in `cwd`, with the cache in `cwd/cache` and the user's key under
/// `cwd/<config>`, failing the test on a hang. Output goes to files, so a chatty
/// process cannot block on a full pipe.
fn run_with(cwd: &Path, config: &str, args: &[&str], stdin: &str) -> Output {
    run_env(cwd, args, stdin, &[("XDG_CONFIG_HOME", &cwd.join(config))])
}

fn run(cwd: &Path, args: &[&str], stdin: &str) -> Output {
    run_with(cwd, "config", args, stdin)
}

fn run_env(cwd: &Path, args: &[&str], stdin: &str, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(kubecheck_bin());
    command.args(args);
    spawn_and_wait(cwd, command, stdin, env)
}

fn spawn_and_wait(cwd: &Path, command: Command, stdin: &str, env: &[(&str, &Path)]) -> Output {
    spawn_and_wait_for(cwd, command, stdin, env, HANG)
}

fn spawn_and_wait_for(
    cwd: &Path,
    mut command: Command,
    stdin: &str,
    env: &[(&str, &Path)],
    limit: Duration,
) -> Output {
    command
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("KUBECHECK_CACHE_DIR", cwd.join("cache"));
    for (name, value) in env {
        command.env(name, value);
    }
    output_within(&mut command, stdin.as_bytes(), limit)
}

fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn rules_found(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

fn errors(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].as_str().expect("message").to_owned())
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

fn check_json(cwd: &Path, extra: &[&str]) -> (Value, Output) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("-");
    let output = run(cwd, &args, MANIFESTS);
    (report(&output), output)
}

/// `.kubecheck.yaml` in `dir` with one pinned plugin entry.
fn pinned_config(dir: &Path, file: &Path, entry_extra: &str, top_extra: &str) {
    let sha = sha256_hex(&std::fs::read(file).unwrap());
    let text = format!(
        "{top_extra}plugins:\n  - path: {}\n    sha256: {sha}\n{entry_extra}",
        file.display()
    );
    std::fs::write(dir.join(".kubecheck.yaml"), text).unwrap();
}

/// A WAT plugin whose metadata and check output are fixed documents in data segments,
/// with the bump allocator of docs/plugin-abi.md, appendix A.
fn data_plugin(metadata: &str, output: &str) -> Vec<u8> {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let out_at = metadata.len().next_multiple_of(8);
    let heap = (out_at + output.len()).next_multiple_of(65536);
    let pages = heap / 65536 + 1;
    let packed_output = ((out_at as u64) << 32) | output.len() as u64;
    let source = format!(
        r#"(module
  (memory (export "memory") {pages})
  (data (i32.const 0) "{metadata}")
  (data (i32.const {out_at}) "{output}")
  (global $heap (mut i32) (i32.const {heap}))
  (func (export "kubecheck_abi_version") (result i32) (i32.const 1))
  (func (export "kubecheck_metadata") (result i64) (i64.const {meta_len}))
  (func (export "kubecheck_alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (i32.const -1)
              (memory.grow (i32.shr_u
                (i32.add (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16)))
                         (i32.const 65535))
                (i32.const 16))))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "kubecheck_check") (param i32 i32) (result i64)
    (i64.const {packed_output})))"#,
        metadata = escape(metadata),
        output = escape(output),
        meta_len = metadata.len(),
    );
    wat::parse_str(source).expect("generated plugin assembles")
}

/// A plugin named `name` with one rule `rule` that reports resource 0.
fn one_finding_plugin(name: &str, rule: &str) -> Vec<u8> {
    data_plugin(
        &format!(
            r#"{{"name":"{name}","version":"1","rules":[{{"id":"{rule}","title":"t","category":"manifest","severity":"high"}}]}}"#
        ),
        &format!(
            r#"{{"findings":[{{"rule":"{rule}","resource":0,"path":"","message":"{name} ran"}}]}}"#
        ),
    )
}

/// Compiles `wasm` with `kubecheck plugin compile` under the key in `cwd/<config>`.
fn compile_cwasm(cwd: &Path, config: &str, wasm: &Path, cwasm: &Path) -> Vec<u8> {
    let output = run_with(
        cwd,
        config,
        &[
            "plugin",
            "compile",
            wasm.to_str().unwrap(),
            "-o",
            cwasm.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(cwasm).unwrap()
}

/// What an attacker can make of a compiled module: its header with the integrity check
/// recomputed as a plain sha256 of the payload, under the given magic.
fn forge(compiled: &[u8], magic: &[u8; 16], payload: &[u8]) -> Vec<u8> {
    let mut forged = magic.to_vec();
    forged.extend_from_slice(&compiled[16..80]);
    forged.extend_from_slice(&Sha256::digest(payload));
    forged.extend_from_slice(payload);
    forged
}

/// Both header versions: the one the old host checked with a plain sha256, and the
/// current one with the attacker's best guess in place of the HMAC.
const MAGICS: [&[u8; 16]; 2] = [b"kubecheck-cwasm1", b"kubecheck-cwasm2"];

// Item 1: native code from a file presented as a plugin.

#[test]
fn forged_cwasm_named_wasm_is_not_executed() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = compile_cwasm(
        dir.path(),
        "config",
        &example_wasm(),
        &dir.path().join("edge.cwasm"),
    );
    for magic in MAGICS {
        let forged = forge(&compiled, magic, &compiled[HEADER_LEN..]);
        let file = dir.path().join("innocent.wasm");
        std::fs::write(&file, &forged).unwrap();
        let name = file.to_str().unwrap();

        // `check --plugin`: loaded as WebAssembly, whatever its first bytes say.
        let (report, output) = check_json(dir.path(), &["--plugin", name]);
        assert!(
            !rules_found(&report).contains(&EXAMPLE_RULE.to_owned()),
            "{report:#}"
        );
        let messages = errors(&report);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].contains("not a WebAssembly binary"),
            "{messages:?}"
        );
        assert_eq!(output.status.code(), Some(2));

        // A sha256-pinned config entry: the pin holds, the file is still not native code.
        pinned_config(dir.path(), &file, "", "");
        let (report, _) = check_json(dir.path(), &[]);
        assert!(
            !rules_found(&report).contains(&EXAMPLE_RULE.to_owned()),
            "{report:#}"
        );
        assert!(errors(&report)[0].contains("not a WebAssembly binary"));
        std::fs::remove_file(dir.path().join(".kubecheck.yaml")).unwrap();

        // `plugin inspect`, the review step, never runs it either.
        let output = run(dir.path(), &["plugin", "inspect", name], "");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("not a WebAssembly binary"), "{text}");
        assert!(!text.contains("plugin:  edge"), "{text}");
        assert_eq!(output.status.code(), Some(2));
    }
}

#[test]
fn cwasm_loads_only_by_explicit_intent_and_only_this_users() {
    let dir = tempfile::tempdir().unwrap();
    let cwasm = dir.path().join("edge.cwasm");
    let compiled = compile_cwasm(dir.path(), "config", &example_wasm(), &cwasm);
    let name = cwasm.to_str().unwrap();

    // Intent and a .cwasm this user's kubecheck made: it runs.
    let (report, _) = check_json(dir.path(), &["--allow-precompiled", "--plugin", name]);
    assert_eq!(errors(&report), Vec::<String>::new());
    assert!(rules_found(&report).contains(&EXAMPLE_RULE.to_owned()));
    pinned_config(dir.path(), &cwasm, "    precompiled: true\n", "");
    let (report, _) = check_json(dir.path(), &[]);
    assert!(
        rules_found(&report).contains(&EXAMPLE_RULE.to_owned()),
        "{report:#}"
    );
    std::fs::remove_file(dir.path().join(".kubecheck.yaml")).unwrap();

    // The extension without the flag, or the flag without the extension: refused.
    let (report, _) = check_json(dir.path(), &["--plugin", name]);
    assert!(errors(&report)[0].contains("loads only with"), "{report:#}");
    let renamed = dir.path().join("edge-renamed.wasm");
    std::fs::copy(&cwasm, &renamed).unwrap();
    let (report, _) = check_json(
        dir.path(),
        &["--allow-precompiled", "--plugin", renamed.to_str().unwrap()],
    );
    assert!(
        errors(&report)[0].contains("not a WebAssembly binary"),
        "{report:#}"
    );

    // Intent is not enough: a forged header (no key) or another user's .cwasm (another
    // key: a file from a pull request) is never deserialised.
    let forged = dir.path().join("forged.cwasm");
    let elsewhere = compile_cwasm(
        dir.path(),
        "other-user",
        &example_wasm(),
        &dir.path().join("other.cwasm"),
    );
    for bytes in [
        forge(&compiled, MAGICS[1], &compiled[HEADER_LEN..]),
        elsewhere,
    ] {
        std::fs::write(&forged, &bytes).unwrap();
        pinned_config(dir.path(), &forged, "    precompiled: true\n", "");
        let (report, output) = check_json(dir.path(), &[]);
        assert!(
            !rules_found(&report).contains(&EXAMPLE_RULE.to_owned()),
            "{report:#}"
        );
        let errors = errors(&report);
        assert!(
            errors[0].contains("precompiled module refused")
                && errors[0].contains("not made by this build of kubecheck for this user"),
            "{errors:?}"
        );
        assert_eq!(output.status.code(), Some(2));
    }
}

// Item 2: compile cache poisoning.

/// The only entry of the cache in `dir/cache`.
fn cache_entry(dir: &Path) -> PathBuf {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].clone()
}

/// Replaces the cache entry in `dir/cache` with one that holds the compiled code of
/// another plugin (`poisoned`), its header recomputed as an attacker can.
fn poison_cache(dir: &Path) {
    let entry = cache_entry(dir);
    let genuine = std::fs::read(&entry).unwrap();
    let poison_wasm = dir.join("poison.wasm");
    std::fs::write(&poison_wasm, one_finding_plugin("poisoned", "pwned")).unwrap();
    let poison = compile_cwasm(dir, "attacker", &poison_wasm, &dir.join("poison.cwasm"));
    let magic: &[u8; 16] = genuine[..16].try_into().unwrap();
    std::fs::write(&entry, forge(&genuine, magic, &poison[HEADER_LEN..])).unwrap();
}

#[test]
fn poisoned_cache_entry_is_not_executed_even_with_a_satisfied_pin() {
    let dir = tempfile::tempdir().unwrap();
    pinned_config(dir.path(), &example_wasm(), "", "");
    let (report, _) = check_json(dir.path(), &[]);
    assert!(rules_found(&report).contains(&EXAMPLE_RULE.to_owned()));
    poison_cache(dir.path());
    let (report, _) = check_json(dir.path(), &[]);
    let rules = rules_found(&report);
    assert!(
        !rules.iter().any(|r| r.starts_with("poisoned/")),
        "the planted code ran: {rules:?}"
    );
    assert!(rules.contains(&EXAMPLE_RULE.to_owned()), "{report:#}");
    assert_eq!(errors(&report), Vec::<String>::new());
}

#[test]
fn poisoned_cache_entry_of_the_bundled_core_is_not_executed() {
    // The binary embeds the core wasm when it is built after `scripts/build-plugins.sh`.
    if built_plugin("kubecheck-builtin.wasm").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let version = run(dir.path(), &["--version"], "");
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let Some((_, core_sha)) = version
        .trim()
        .trim_end_matches(')')
        .split_once("core wasm sha256 ")
    else {
        panic!("`kubecheck --version` names no core wasm: {version}");
    };
    // The entry a run with `--engine wasm` and no plugin at all reads, planted before the
    // first run (one compilation of the core instead of two): named after the core's
    // sha256 and the engine, holding another module's code under a recomputed header.
    let poison_wasm = dir.path().join("poison.wasm");
    std::fs::write(&poison_wasm, one_finding_plugin("poisoned", "pwned")).unwrap();
    let poison = compile_cwasm(
        dir.path(),
        "attacker",
        &poison_wasm,
        &dir.path().join("poison.cwasm"),
    );
    let mut entry = poison[..48].to_vec();
    entry.extend((0..32).map(|i| u8::from_str_radix(&core_sha[2 * i..2 * i + 2], 16).unwrap()));
    entry.extend_from_slice(&Sha256::digest(&poison[HEADER_LEN..]));
    entry.extend_from_slice(&poison[HEADER_LEN..]);
    let fingerprint: String = poison[16..24].iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir(dir.path().join("cache")).unwrap();
    let planted = dir
        .path()
        .join(format!("cache/{core_sha}-{fingerprint}.cwasm"));
    std::fs::write(&planted, &entry).unwrap();
    let (report, output) = check_json(dir.path(), &["--engine", "wasm"]);
    assert_eq!(
        errors(&report),
        Vec::<String>::new(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rules = rules_found(&report);
    assert!(
        rules.contains(&"privileged-container".to_owned()),
        "the planted code ran instead of the core: {report:#}"
    );
    assert_ne!(
        std::fs::read(&planted).unwrap(),
        entry,
        "the planted entry is where the core's goes, and was replaced by a real one"
    );
}

#[test]
fn cache_dir_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
    let wasm = example_wasm();
    let (report, output) = check_json(dir.path(), &["--plugin", wasm.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning: compile cache off"), "{stderr}");
    assert!(rules_found(&report).contains(&EXAMPLE_RULE.to_owned()));
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn cache_dir_and_key_are_created_private_and_apart() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let wasm = example_wasm();
    let (report, output) = check_json(dir.path(), &["--plugin", wasm.to_str().unwrap()]);
    assert!(rules_found(&report).contains(&EXAMPLE_RULE.to_owned()));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning"));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("cache")), 0o700);
    let key = dir.path().join("config/kubecheck/cache.key");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(std::fs::metadata(&key).unwrap().len(), 32);
    // A key others can read is not a secret: the cache goes off rather than trust it.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (report, output) = check_json(dir.path(), &["--plugin", wasm.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("compile cache off: no key"), "{stderr}");
    assert!(rules_found(&report).contains(&EXAMPLE_RULE.to_owned()));
}

// Item 3: `plugin bench` and a predictable temporary directory.

#[test]
fn bench_ignores_a_planted_predictable_temp_dir() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // `exec` keeps the shell's pid, so `$$` is the pid kubecheck runs as: the directory
    // a local attacker would plant, here one kubecheck can neither remove nor write.
    let script = r#"planted="$TMPDIR/kubecheck-bench-$$"
mkdir "$planted" && echo planted > "$planted/entry" && chmod 555 "$planted"
exec "$KUBECHECK" plugin bench --iterations 1 "$WASM""#;
    let mut command = Command::new("sh");
    command
        .args(["-c", script])
        .env("TMPDIR", &tmp)
        .env("KUBECHECK", kubecheck_bin())
        .env("WASM", example_wasm());
    let output = spawn_and_wait(
        dir.path(),
        command,
        "",
        &[("XDG_CONFIG_HOME", &dir.path().join("config"))],
    );
    let planted: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for path in &planted {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("load from the compile cache:"));
    assert_eq!(
        planted.len(),
        1,
        "bench's own directory is gone: {planted:?}"
    );
    assert_eq!(
        std::fs::read_to_string(planted[0].join("entry")).unwrap(),
        "planted\n"
    );
}

// Item 12: compilation without a time or memory limit.

/// One function of `n` additions between 500 locals: valid, and slow to compile (in a
/// debug build, about 2.5 s and 85 MB of address space for 200,000; 120 MB for 400,000).
fn slow_to_compile(n: usize) -> Vec<u8> {
    let mut body = String::with_capacity(n * 64);
    for i in 0..n {
        let _ = write!(
            body,
            "(local.set {} (i32.add (local.get {}) (local.get {})))",
            i % 500,
            (i * 7) % 500,
            (i * 13) % 500
        );
    }
    let source = format!(
        "(module (memory (export \"memory\") 1) (func (export \"f\") (result i32) (local {locals}) {body} (local.get 0)))",
        locals = "i32 ".repeat(500),
    );
    wat::parse_str(source).expect("generated module assembles")
}

#[test]
fn compile_of_a_pathological_module_stops_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("slow.wasm");
    std::fs::write(&wasm, slow_to_compile(200_000)).unwrap();
    pinned_config(
        dir.path(),
        &wasm,
        "    limits: {compileTimeoutMs: 10}\n",
        "",
    );
    let (report, output) = check_json(dir.path(), &[]);
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("compile timeout: compiling the module took longer than 10 ms"),
        "{errors:?}"
    );
    assert!(rules_found(&report).contains(&"privileged-container".to_owned()));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn compile_of_a_pathological_module_stops_at_its_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("big.wasm");
    std::fs::write(&wasm, slow_to_compile(400_000)).unwrap();
    pinned_config(
        dir.path(),
        &wasm,
        "    limits: {compileMemoryBytes: 67108864}\n",
        "",
    );
    let (report, _) = check_json(dir.path(), &[]);
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "compile memory limit: compiling the module needed more than 67108864 bytes"
        ),
        "{errors:?}"
    );
}

#[test]
fn oversized_module_is_refused_before_compiling() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("huge.wasm");
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.resize(17 << 20, 0);
    std::fs::write(&wasm, bytes).unwrap();
    let (report, _) = check_json(dir.path(), &["--plugin", wasm.to_str().unwrap()]);
    let errors = errors(&report);
    assert!(
        errors[0].starts_with(
            "too large: the module is 17825792 bytes, more than the limit of 16777216 bytes"
        ),
        "{errors:?}"
    );
}

// Item 13: output validation and report building in findings × rules.

#[test]
fn two_hundred_thousand_findings_over_forty_thousand_rules_are_validated_and_reported() {
    const RULES: usize = 40_000;
    const FINDINGS: usize = 200_000;
    const CRITICAL_EVERY: usize = 10_000;
    let mut metadata = String::from(r#"{"name":"many","version":"1","rules":["#);
    for i in 0..RULES {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(
            metadata,
            r#"{comma}{{"id":"r{i}","title":"t","category":"manifest","severity":"low"}}"#
        );
    }
    metadata.push_str("]}");
    let mut output = String::from(r#"{"findings":["#);
    for i in 0..FINDINGS {
        let comma = if i == 0 { "" } else { "," };
        // Rules spread over the whole list; a few findings critical, the rest with
        // their rule's `low`.
        let rule = RULES - 1 - (i * 7919) % RULES;
        let severity = if i % CRITICAL_EVERY == 0 {
            r#","severity":"critical""#
        } else {
            ""
        };
        let _ = write!(
            output,
            r#"{comma}{{"rule":"r{rule}","resource":0,"path":"","message":"m"{severity}}}"#
        );
    }
    output.push_str("]}");
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("many.wasm");
    std::fs::write(&wasm, data_plugin(&metadata, &output)).unwrap();
    // Only the critical findings reach the report, so its size stays small; every
    // finding is still validated and looked up.
    pinned_config(dir.path(), &wasm, "", "minSeverity: critical\n");
    // Seconds in a debug build; the scan per finding took minutes.
    let mut command = Command::new(kubecheck_bin());
    command.args(["check", "--format", "json", "-"]);
    let output = spawn_and_wait_for(
        dir.path(),
        command,
        MANIFESTS,
        &[("XDG_CONFIG_HOME", &dir.path().join("config"))],
        Duration::from_secs(120),
    );
    let report = report(&output);
    assert_eq!(errors(&report), Vec::<String>::new());
    let many = rules_found(&report)
        .iter()
        .filter(|r| r.starts_with("many/"))
        .count();
    assert_eq!(many, FINDINGS / CRITICAL_EVERY);
}

// Item 19: the hash printed for `--plugin` and the bytes run.

#[test]
fn unpinned_plugin_hash_is_of_the_bytes_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plugin.wasm");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let shown = std::fs::read(example_wasm()).unwrap();
    let other = one_finding_plugin("swapped", "other");
    // Each open of the FIFO reads the next module: the first reader gets `shown`, a
    // second one `other`. The writer is left blocked if there is no second reader.
    let writer = {
        let (fifo, shown, other) = (fifo.clone(), shown.clone(), other.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            for bytes in [shown, other] {
                let Ok(mut file) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                    return;
                };
                let _ = file.write_all(&bytes);
                drop(file);
                // Lets the reader see the end of the first module before the FIFO has a
                // writer again (else it would read both as one).
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    let (report, output) = check_json(dir.path(), &["--plugin", fifo.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let printed = format!("has sha256 {}", sha256_hex(&shown));
    assert!(stderr.contains(&printed), "{stderr}");
    let rules = rules_found(&report);
    assert!(
        !rules.iter().any(|r| r.starts_with("swapped/")),
        "ran other bytes than the hash printed: {rules:?}"
    );
    assert!(rules.contains(&EXAMPLE_RULE.to_owned()), "{report:#}");
    drop(writer);
}

// Item 20: WebAssembly features docs/plugin-abi.md, section 1.1, refuses.

#[test]
fn typed_function_references_and_other_refused_features_are_refused() {
    let refused = [
        ("typed function references", "(module (type $t (func)) (func (param (ref $t))))"),
        (
            "call_ref",
            "(module (type $t (func)) (func $f) (elem declare func $f) (func (call_ref $t (ref.func $f))))",
        ),
        ("garbage collection", "(module (type (struct (field i32))))"),
        ("exception handling", "(module (tag $e) (func (throw $e)))"),
        ("threads", "(module (memory 1 1 shared))"),
        ("tail calls", "(module (func $f (return_call $f)))"),
        ("64-bit memory", "(module (memory i64 1))"),
        ("multiple memories", "(module (memory 1) (memory 1))"),
        (
            "relaxed SIMD",
            "(module (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))",
        ),
        ("custom page sizes", "(module (memory 1 (pagesize 1)))"),
        (
            "wide arithmetic",
            "(module (func (param i64 i64 i64 i64) (result i64 i64) (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let inspect = |source: &str| {
        let wasm = dir.path().join("feature.wasm");
        std::fs::write(&wasm, wat::parse_str(source).expect(source)).unwrap();
        let output = run(
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
        report(&output)["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    for (feature, source) in refused {
        let error = inspect(source);
        assert!(
            error.starts_with("not a valid WebAssembly module"),
            "{feature} must be refused at load: {error:?}"
        );
    }
    // What section 1.1 allows still loads (and fails only for want of the ABI).
    let allowed = "(module (memory 1) (table 1 funcref) (func $f) (elem declare func $f)
        (func (result funcref) (ref.func $f))
        (func (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0)))
        (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))
        (func (result i32 i32) (i32.const 1) (i32.const 2))
        (global i32 (i32.add (i32.const 1) (i32.const 2))))";
    let error = inspect(allowed);
    assert!(error.starts_with("bad ABI: "), "{error:?}");
}

// Item 23: a plugin named after a built-in rule.

#[test]
fn plugin_named_after_a_builtin_rule_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (how, entry, wasm) in [
        (
            "by the config",
            "    name: privileged-container\n",
            example_wasm(),
        ),
        ("by its metadata", "", {
            let path = dir.path().join("impostor.wasm");
            std::fs::write(&path, one_finding_plugin("run-as-root", "r")).unwrap();
            path
        }),
    ] {
        pinned_config(dir.path(), &wasm, entry, "");
        let (report, _) = check_json(dir.path(), &[]);
        let errors = errors(&report);
        assert_eq!(errors.len(), 1, "{how}: {errors:?}");
        assert!(
            errors[0].contains("is a rule selector of its own"),
            "{how}: {errors:?}"
        );
        // `--disable privileged-container` then means the built-in rule alone.
        let (report, _) = check_json(dir.path(), &["--disable", "privileged-container"]);
        assert!(!rules_found(&report)
            .iter()
            .any(|r| r.contains("privileged-container")));
    }
}

#[test]
fn a_config_naming_a_fifo_as_plugin_does_not_hang_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("plugin.wasm");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("UTF-8 path")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    std::fs::write(
        dir.path().join(".kubecheck.yaml"),
        "plugins:\n  - path: plugin.wasm\n    sha256: \"00\"\n",
    )
    .expect("config written");
    std::fs::write(dir.path().join("pod.yaml"), MANIFESTS).expect("manifest written");
    let mut command = Command::new(kubecheck_bin());
    command.args(["check", "--format", "json", "pod.yaml"]);
    // No process ever opens the FIFO for writing: a blocking open would wait forever.
    let output = spawn_and_wait_for(dir.path(), command, "", &[], Duration::from_secs(60));
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(output.status.code(), Some(2), "{report}");
    let errors = report["errors"].to_string();
    assert!(errors.contains("not a regular file"), "{errors}");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"privileged-container"), "{rules:?}");
}
