//! The C example plugin (`examples/plugins/image-pull-c`), built from source with its
//! `build.sh` (Debian's clang and lld; `scripts/test.sh` installs them): through the
//! `kubecheck` binary as a user runs it, and called directly with input kubecheck never
//! sends, which the plugin must answer with an error document or findings, never a trap.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use kubecheck_tests::{json_report, present_or_skip, repo_root, run_kubecheck};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

const RULE: &str = "image-pull/cached-mutable-tag";

fn example_dir() -> PathBuf {
    repo_root().join("examples/plugins/image-pull-c")
}

/// The plugin as `build.sh` makes it from the current source, built once per test
/// process; `None` (the test is skipped) when clang or lld is missing.
fn plugin_wasm() -> Option<&'static Path> {
    let installed = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if !present_or_skip(
        installed("clang") && installed("wasm-ld"),
        "clang and lld build the C plugin: `sudo apt-get install clang lld` (scripts/test.sh installs them)",
    ) {
        return None;
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let wasm = BUILT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-plugin/image-pull.wasm");
        let build = Command::new(example_dir().join("build.sh"))
            .arg(&out)
            .output()
            .expect("build.sh runs");
        assert!(
            build.status.success(),
            "building the C plugin failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
        out
    });
    Some(wasm.as_path())
}

fn check(wasm: &Path, manifests: &Path) -> Value {
    let output = run_kubecheck(
        &[
            "check",
            "--only",
            "image-pull",
            "--format",
            "json",
            "--plugin",
            wasm.to_str().expect("UTF-8 path"),
            manifests.to_str().expect("UTF-8 path"),
        ],
        None,
    );
    let report = json_report(&output);
    assert_eq!(report["errors"], json!([]), "{report:#}");
    report
}

/// `(resource name, path, line, column, message)` of each finding, all of the plugin's rule.
fn findings(report: &Value) -> Vec<(String, String, u64, u64, String)> {
    let list = report["findings"].as_array().expect("findings");
    list.iter()
        .map(|f| {
            assert_eq!(f["rule"], RULE, "{f:#}");
            assert_eq!(f["severity"], "medium");
            assert_eq!(f["category"], "patching");
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (
                text(&f["resource"]["name"]),
                text(&f["location"]["path"]),
                f["location"]["line"].as_u64().unwrap_or_default(),
                f["location"]["column"].as_u64().unwrap_or_default(),
                text(&f["message"]),
            )
        })
        .collect()
}

#[test]
fn inspect_shows_the_metadata_and_no_imports() {
    let Some(wasm) = plugin_wasm() else { return };
    let output = run_kubecheck(
        &["plugin", "inspect", wasm.to_str().expect("UTF-8 path")],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    for expected in [
        "imports: (none)",
        "kubecheck_check: function (i32, i32) -> i64",
        "plugin:  image-pull 0.1.0",
        "image-pull/cached-mutable-tag",
        "Mutable image tag without `imagePullPolicy: Always`",
    ] {
        assert!(stdout.contains(expected), "no `{expected}` in:\n{stdout}");
    }
    let rule_line = stdout
        .lines()
        .find(|l| l.contains(RULE))
        .expect("the rule's line");
    assert!(
        rule_line.contains("medium") && rule_line.contains("patching"),
        "{rule_line}"
    );
}

#[test]
fn fire_fixture_gives_exactly_the_expected_findings() {
    let Some(wasm) = plugin_wasm() else { return };
    let report = check(wasm, &example_dir().join("fixtures/fire.yaml"));
    let expected = [
        (
            "fire-default-policy",
            "/spec/template/spec/containers/0/image",
            20,
            18,
            "container `web` uses the mutable tag `registry.example:5000/shop/web:2.4.1` with the default `imagePullPolicy: IfNotPresent`",
        ),
        (
            "fire-if-not-present",
            "/spec/jobTemplate/spec/template/spec/initContainers/0/imagePullPolicy",
            38,
            32,
            "init container `migrate` uses the mutable tag `ghcr.io/acme/migrate:v7` with `imagePullPolicy: IfNotPresent`",
        ),
        (
            "fire-never",
            "/spec/containers/0/imagePullPolicy",
            52,
            24,
            "container `debug` uses the mutable tag `busybox:1.36` with `imagePullPolicy: Never`",
        ),
        (
            "fire-rollout",
            "/spec/template/spec/containers/0/image",
            64,
            18,
            "container `api` uses the mutable tag `ghcr.io/acme/api:3.2` with the default `imagePullPolicy: IfNotPresent`",
        ),
    ]
    .map(|(name, path, line, column, message)| {
        (
            name.to_owned(),
            path.to_owned(),
            line,
            column,
            message.to_owned(),
        )
    });
    assert_eq!(findings(&report), expected);
}

#[test]
fn dont_fire_fixture_gives_no_findings() {
    let Some(wasm) = plugin_wasm() else { return };
    let report = check(wasm, &example_dir().join("fixtures/dont-fire.yaml"));
    assert_eq!(report["summary"]["resources"], 4, "{report:#}");
    assert_eq!(findings(&report), Vec::new());
}

#[test]
fn hostile_manifests_get_located_findings_with_escaped_messages() {
    let Some(wasm) = plugin_wasm() else { return };
    // Quotes, a backslash, a control character, a bidi override, emoji and an accent.
    let odd_name = "q\"b\\s\u{7}\u{202e}\u{1F600}é";
    let long_image = format!("registry.example/{}:1", "a".repeat(1 << 20));
    // 99 levels: the object (1) and 98 nested lists, within the host's 100.
    let nested = format!("{}{}", "[".repeat(98), "]".repeat(98));
    let many = 3000;
    let mut manifests = format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: odd
x-nested: {nested}
spec:
  containers:
    - name: \"q\\\"b\\\\s\\a\\u202e\\U0001F600é\"
      image: nginx:1.27
    - name: long
      image: {long_image}
"
    );
    for i in 0..many {
        manifests.push_str(&format!("    - name: c{i}\n      image: app:{i}\n"));
    }
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-plugin-hostile.yaml");
    std::fs::write(&file, manifests).expect("write manifests");

    let found = findings(&check(wasm, &file));
    assert_eq!(found.len(), 2 + many, "one finding per container");
    assert_eq!(
        found[0],
        (
            "odd".to_owned(),
            "/spec/containers/0/image".to_owned(),
            9,
            14,
            format!("container `{odd_name}` uses the mutable tag `nginx:1.27` with the default `imagePullPolicy: IfNotPresent`"),
        )
    );
    // Long values are cut, so that a message stays within the host's 4,096 bytes.
    assert_eq!(
        found[1].4,
        format!(
            "container `long` uses the mutable tag `{}…` with the default `imagePullPolicy: IfNotPresent`",
            &long_image[..160]
        )
    );
    let last = &found[1 + many];
    assert_eq!(last.1, format!("/spec/containers/{}/image", 1 + many));
    assert_eq!(last.2, 12 + 2 * many as u64 - 1);
}

/// Calls the plugin the way the host does, on raw bytes; the output document as JSON.
fn call(module: &wasmtime::Module, input: &[u8]) -> Value {
    let mut store = wasmtime::Store::new(module.engine(), ());
    // A loop in the plugin fails the test instead of hanging it.
    store.set_fuel(1_000_000_000).expect("fuel is on");
    let instance =
        wasmtime::Instance::new(&mut store, module, &[]).expect("instantiates (no imports)");
    let memory = instance
        .get_memory(&mut store, "memory")
        .expect("exports memory");
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "kubecheck_alloc")
        .expect("kubecheck_alloc");
    let check = instance
        .get_typed_func::<(i32, i32), i64>(&mut store, "kubecheck_check")
        .expect("kubecheck_check");
    let len = i32::try_from(input.len()).expect("input fits in i32");
    let ptr = alloc
        .call(&mut store, len)
        .expect("kubecheck_alloc does not trap");
    memory
        .write(&mut store, ptr as u32 as usize, input)
        .expect("the allocated region lies in memory");
    let result = check
        .call(&mut store, (ptr, len))
        .unwrap_or_else(|e| panic!("trap on {:?}: {e:?}", String::from_utf8_lossy(input)));
    let (out_ptr, out_len) = ((result as u64 >> 32) as usize, result as u32 as usize);
    let out = &memory.data(&store)[out_ptr..out_ptr + out_len];
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!(
            "output is not JSON ({e}): {:?}",
            String::from_utf8_lossy(out)
        )
    })
}

fn module(wasm: &Path) -> wasmtime::Module {
    let wasm = std::fs::read(wasm).expect("read the plugin");
    let mut config = wasmtime::Config::new();
    config.consume_fuel(true);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    wasmtime::Module::new(&engine, wasm).expect("the plugin compiles")
}

/// The input document of one Pod whose containers are the given JSON text.
fn pod_input(containers: &str) -> String {
    format!(
        r#"{{"abiVersion":1,"settings":{{}},"resources":[{{"id":0,"source":"x.yaml","object":{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p"}},"spec":{{"containers":[{containers}]}}}}}}]}}"#
    )
}

fn messages(output: &Value) -> Vec<&str> {
    output["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("findings in {output}"))
        .iter()
        .map(|f| f["message"].as_str().expect("a message"))
        .collect()
}

#[test]
fn raw_inputs_the_host_never_sends_get_an_answer_not_a_trap() {
    let Some(wasm) = plugin_wasm() else { return };
    let module = module(wasm);
    let error = |input: &[u8]| call(&module, input)["error"].as_str().map(str::to_owned);
    let not_json = Some("the input is not valid JSON".to_owned());
    let too_deep = Some("the input nests deeper than 128 levels".to_owned());

    assert_eq!(
        error(format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).as_bytes()),
        too_deep
    );
    let levels = |n: usize| {
        format!(
            r#"{{"resources":{}{}}}"#,
            "[".repeat(n - 1),
            "]".repeat(n - 1)
        )
    };
    assert_eq!(
        call(&module, levels(128).as_bytes()),
        json!({"findings": []})
    );
    assert_eq!(error(levels(129).as_bytes()), too_deep);

    let valid = pod_input(r#"{"name":"a","image":"nginx:1"}"#);
    for broken in [
        &valid.as_bytes()[..valid.len() / 2],
        format!("{valid} x").as_bytes(),
        b"",
        b" ",
        b"nul",
        b"01",
        b"1.",
        b"-",
        br#"{"resources":[],"a":"\x"}"#,
        br#"{"resources":[],"a":"\u12"}"#,
        b"{\"resources\":[],\"a\":\"tab\there\"}",
        b"{\"resources\":[],\"a\":\"\xff\"}",
        b"{\"resources\":[],\"a\":\"\xed\xa0\x80\"}", // a UTF-8-encoded surrogate
        b"{\"resources\":[],\"a\":\"\xc0\xaf\"}",     // an overlong encoding
    ] {
        assert_eq!(
            error(broken),
            not_json,
            "{:?}",
            String::from_utf8_lossy(broken)
        );
    }
    assert_eq!(
        error(br#"{"abiVersion":1}"#),
        Some("the input has no `resources` list".to_owned())
    );

    // Escapes in keys and values are decoded; lone surrogates become U+FFFD.
    let escaped = pod_input(
        r#"{"n\u0061me":"\ud83d\ude00 \ud800 \udc00x \"\\\/\b\f\n\r\t","im\u0061ge":"nginx\u003a1"}"#,
    );
    assert_eq!(
        messages(&call(&module, escaped.as_bytes())),
        ["container `\u{1F600} \u{FFFD} \u{FFFD}x \"\\/\u{8}\u{c}\n\r\t` uses the mutable tag `nginx:1` with the default `imagePullPolicy: IfNotPresent`"]
    );
    // Wrong types are passed over, not misread.
    let odd_types = pod_input(
        r#"{"name":1,"image":"a:1"},{"image":["a:1"]},{"image":"a:1","imagePullPolicy":true},"x",null"#,
    );
    assert_eq!(
        messages(&call(&module, odd_types.as_bytes())),
        ["container #0 uses the mutable tag `a:1` with the default `imagePullPolicy: IfNotPresent`"]
    );
    for id in ["-1", "1.5", "1e3", "\"0\"", "12345678901"] {
        let input = valid.replace(r#""id":0"#, &format!(r#""id":{id}"#));
        assert_eq!(
            call(&module, input.as_bytes()),
            json!({"findings": []}),
            "id {id}"
        );
    }
}

/// Truncated and corrupted documents: the answer is always a JSON document.
#[test]
fn corrupted_inputs_never_trap() {
    let Some(wasm) = plugin_wasm() else { return };
    let module = module(wasm);
    let valid = pod_input(
        r#"{"name":"a\u00e9\ud83d\ude00","image":"r:5/a:1","imagePullPolicy":"Never"},{"name":"b","image":"b@sha256:00"}"#,
    );
    let corruptions = (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    );
    let mut runner = TestRunner::new(ProptestConfig::with_cases(512));
    let result = runner.run(&corruptions, |(cut, flips)| {
        let mut input = valid.clone().into_bytes();
        for (at, byte) in flips {
            let at = at.index(input.len());
            input[at] = byte;
        }
        input.truncate(cut.index(input.len()) + 1);
        let output = call(&module, &input);
        prop_assert!(
            output["error"].is_string() || output["findings"].is_array(),
            "{}",
            output
        );
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
