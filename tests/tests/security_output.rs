//! What kubecheck prints cannot be turned against its reader: strings from manifests,
//! file names and plugins are escaped in human output (no terminal escape sequences, no
//! forged log lines or CI annotations, no bidirectional reordering), detected secrets
//! appear in no output format, SARIF of a large input stays in bounded memory, and a
//! bare CR is a line break for the snippet as it is for the location.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use kubecheck_core::output::escape::is_unsafe;
use kubecheck_tests::{kubecheck_bin, output_within, present_or_skip, run_group_within};
use serde_json::Value;

/// Far above any run here: only a hang reaches it.
const HANG: Duration = Duration::from_secs(300);

/// Runs kubecheck in `cwd` with its own compile cache; output goes to files, so a chatty
/// process cannot block on a full pipe.
fn kubecheck_in(cwd: &Path, args: &[&str], stdin: &[u8]) -> Output {
    output_within(
        Command::new(kubecheck_bin())
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env("KUBECHECK_CACHE_DIR", cwd.join("cache")),
        stdin,
        HANG,
    )
}

/// Fails unless `output` (stdout and stderr, as a terminal or a CI log shows them) is
/// free of raw control and bidirectional characters (line feeds apart) and of lines a
/// CI system would read as its own commands (`::error …` in GitHub Actions).
fn assert_inert(what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let raw: Vec<String> = text
            .chars()
            .filter(|&c| c != '\n' && is_unsafe(c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(
            raw.is_empty(),
            "{what}: {stream} holds raw {raw:?}:\n{text}"
        );
        // GitHub reads `::cmd` after leading blanks and `##[cmd]` anywhere in a line;
        // Azure Pipelines `##vso[…]` anywhere.
        let forged: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.trim_start().starts_with("::") || l.contains("##[") || l.contains("##vso[")
            })
            .collect();
        assert!(
            forged.is_empty(),
            "{what}: {stream} has CI command lines {forged:?}:\n{text}"
        );
    }
}

const ATTACKS: [&str; 6] = [
    "\x1b[31mred\x1b[0m",
    "\r::error file=x::pwned",
    "\n::error ::pwned",
    "\u{202e}txt.exe",
    "##[error]pwned",
    "##vso[task.setvariable variable=x]y",
];

/// A privileged Pod whose name, labels, image and env carry every attack, raw on the
/// line the finding shows (a flow mapping) and through YAML escapes elsewhere.
fn hostile_manifest() -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"a\\e[31m\\r::error file=x::pwned\\n::error ::pwned\\u202eb\"\n\
         spec:\n  containers:\n  - {{name: \"c\\n::error ::pwned\", image: \"nginx\\r::error ::x\", \
         securityContext: {{privileged: true}}, args: [\"{}\"]}} # ##[set-output name=ok]yes\n",
        // Raw on the snippet line (YAML allows no raw ESC, but bidi characters anywhere).
        "\u{202e}\u{2066}x"
    )
}

#[test]
fn a_manifest_cannot_forge_log_lines_through_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = hostile_manifest();
    let output = kubecheck_in(dir.path(), &["check", "-"], manifest.as_bytes());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(stdout.contains("critical privileged-container"), "{stdout}");
    assert_inert("a hostile manifest", &output);
    // Escaped, not dropped: the reader sees what the manifest holds.
    assert!(
        stdout.contains("container `c\\n::error ::pwned`"),
        "{stdout}"
    );
    assert!(stdout.contains("[\"\\u{202e}\\u{2066}x\"]"), "{stdout}");
    // JSON printed in a CI log is read as a log too: same document, nothing raw.
    for format in ["json", "sarif"] {
        let output = kubecheck_in(
            dir.path(),
            &["check", "--format", format, "-"],
            manifest.as_bytes(),
        );
        assert_inert(&format!("a hostile manifest as {format}"), &output);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            report.to_string().contains("\u{202e}"),
            "decoded as written"
        );
    }
}

#[test]
fn file_names_cannot_forge_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let manifests = dir.path().join("manifests");
    std::fs::create_dir(&manifests).unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27, securityContext: {privileged: true}}]\n";
    for (i, attack) in ATTACKS.iter().enumerate() {
        std::fs::write(manifests.join(format!("{i}{attack}.yaml")), pod).unwrap();
    }
    // A document that does not parse (a raw control character): its error quotes the line.
    std::fs::write(
        manifests.join("\n::error ::broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: \x1b[31mp}\n",
    )
    .unwrap();
    let output = kubecheck_in(dir.path(), &["check", "manifests"], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("critical privileged-container").count(),
        ATTACKS.len(),
        "{stdout}"
    );
    assert_inert("hostile file names", &output);
    // One named on the command line, and one that cannot be read: the error names it.
    let named = format!("manifests/0{}.yaml", ATTACKS[0]);
    let missing = "missing\r::error ::pwned\u{202e}.yaml";
    let output = kubecheck_in(dir.path(), &["check", &named, missing], b"");
    assert_inert("a named file and a missing one", &output);
    assert_ne!(output.status.code(), Some(0));
}

/// A plugin whose metadata (version, title, remediation), export names, log lines and
/// finding messages carry the attacks (JSON escapes in its JSON documents).
fn hostile_plugin(dir: &Path) -> String {
    let metadata = r###"{"name":"evil","version":"1\u001b[31m\r::error ::v\u202e","rules":[{"id":"r","title":"##[error]t\u001b]8;;x\r::error ::title\u202e","category":"manifest","severity":"high","remediation":"fix\n::error ::remediation\u2066"}]}"###;
    let output = r#"{"findings":[{"rule":"r","resource":0,"path":"/metadata/name","message":"m\n::error file=x::pwned\u001b[2J\r\u202e"}]}"#;
    let log = "log\n::error ::log\u{202e}\x1b[2J";
    let export = "x\n::error ::export\x1b[2J\u{202e}";
    // No control character: a line of its own in `plugin inspect`, after two blanks.
    let bare_export = "::error file=x::pwned ##[warning]w";
    // Every byte as a WAT hex escape: raw controls may not appear in a WAT string.
    let bytes = |s: &str| -> String { s.bytes().map(|b| format!("\\{b:02x}")).collect() };
    let wat = format!(
        r#"(module
  (import "kubecheck" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{}")
  (data (i32.const 1024) "{}")
  (data (i32.const 2048) "{}")
  (func (export "kubecheck_abi_version") (result i32) (i32.const 1))
  (func (export "kubecheck_metadata") (result i64) (i64.const {}))
  (func (export "kubecheck_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "kubecheck_check") (param i32 i32) (result i64)
    (call $log (i32.const 2048) (i32.const {}))
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const {})))
  (func (export "{}"))
  (func (export "{}")))
"#,
        bytes(metadata),
        bytes(output),
        bytes(log),
        metadata.len(),
        log.len(),
        output.len(),
        bytes(export),
        bytes(bare_export),
    );
    let path = dir.join("evil.wasm");
    std::fs::write(&path, wat::parse_str(&wat).expect("the plugin assembles")).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn plugin_metadata_and_messages_cannot_forge_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_plugin(dir.path());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n";

    let json = kubecheck_in(
        dir.path(),
        &["check", "--format", "json", "--plugin", &wasm, "-"],
        pod.as_bytes(),
    );
    let report: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&json.stderr));
    });
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "evil/r"),
        "the hostile plugin runs and reports: {report:#}"
    );
    assert_inert("check --plugin, JSON", &json);

    let text = kubecheck_in(
        dir.path(),
        &["check", "--plugin", &wasm, "-"],
        pod.as_bytes(),
    );
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("evil/r: m\\n::error file=x::pwned"),
        "{stdout}"
    );
    assert_inert("check --plugin, text", &text);

    let inspect = kubecheck_in(dir.path(), &["plugin", "inspect", &wasm], b"");
    let stdout = String::from_utf8_lossy(&inspect.stdout);
    assert!(stdout.contains("plugin:  evil 1\\u{1b}[31m"), "{stdout}");
    assert!(stdout.contains("x\\n::error ::export"), "{stdout}");
    assert_inert("plugin inspect", &inspect);
    let inspect = kubecheck_in(
        dir.path(),
        &["plugin", "inspect", "--format", "json", &wasm],
        b"",
    );
    assert_inert("plugin inspect, JSON", &inspect);
}

/// Secrets in every form the secrets rules know, plus Secret values, each also on a line
/// that another finding shows (the privileged container's flow mapping).
const SECRETS: [&str; 6] = [
    "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo",
    "AKIA2E0A8F3B244C9986",
    "Sup3r-S3cret-Passw0rd",
    "stringdata-secret-value-77",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "cm-passw0rd-8841",
];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

fn secrets_manifest() -> String {
    let [aws_secret, aws_id, password, string_data, token, config_map] = SECRETS;
    let data = base64(password.as_bytes());
    format!(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    example.com/api-token: {token}
spec:
  containers:
  - name: app
    image: shop/web:1.4.2
    env:
    - name: AWS_SECRET_ACCESS_KEY
      value: {aws_secret}
    - name: ACCESS_ID
      value: \"{aws_id}\"
  - {{name: sidecar, image: shop/side:1.0, securityContext: {{privileged: true}}, args: [--key={aws_secret}], env: [{{name: DB_PASSWORD, value: {password}}}]}}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubecheck.io/ignore: 'all # rotated {password}'
    kubectl.kubernetes.io/last-applied-configuration: '{{\"data\":{{\"password\":\"{data}\"}}}}'
type: kubernetes.io/service-account-token
data:
  password: {data}
stringData: {{token: {string_data}, type: x}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app}}
data:
  admin.password: {config_map}
"
    )
}

#[test]
fn no_output_format_prints_a_detected_secret() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = secrets_manifest();
    let mut leaked = Vec::new();
    let mut masked_seen = false;
    for format in ["text", "json", "sarif"] {
        let output = kubecheck_in(
            dir.path(),
            &["check", "--format", format, "-"],
            manifest.as_bytes(),
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {output:?}");
        let all = [output.stdout, output.stderr].concat();
        let all = String::from_utf8_lossy(&all);
        for secret in SECRETS {
            for form in [secret.to_owned(), base64(secret.as_bytes())] {
                if all.contains(&form) {
                    leaked.push(format!("{format}: {form}"));
                }
            }
        }
        masked_seen |= all.contains(&format!("{}…[sha256:", &SECRETS[0][..4]));
        if format == "text" {
            assert!(all.contains("secrets-in-env"), "{all}");
        }
    }
    assert!(leaked.is_empty(), "secrets printed: {leaked:#?}");
    assert!(masked_seen, "the masked form is shown");
}

#[test]
fn a_bare_cr_line_break_shows_the_finding_line_under_the_caret() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "apiVersion: v1\rkind: Pod\rmetadata:\r  name: p\rspec:\r  containers:\r  - name: app\r    image: nginx:1.27\r    securityContext:\r      privileged: true\r";
    let mixed = manifest.replacen('\r', "\n", 3).replacen('\r', "\r\n", 2);
    for input in [manifest.to_owned(), mixed] {
        let args = ["check", "--only", "privileged-container", "-"];
        let text = kubecheck_in(dir.path(), &args, input.as_bytes());
        let stdout = String::from_utf8_lossy(&text.stdout);
        let expected =
            "  --> <stdin>:10:19\n   |\n10 |       privileged: true\n   |                   ^^^^\n";
        assert!(stdout.contains(expected), "{input:?}:\n{stdout}");

        let json = kubecheck_in(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--only",
                "privileged-container",
                "-",
            ],
            input.as_bytes(),
        );
        let report: Value = serde_json::from_slice(&json.stdout).unwrap();
        let location = &report["findings"][0]["location"];
        assert_eq!(
            (&location["line"], &location["column"]),
            (&10.into(), &19.into())
        );
        let sarif = kubecheck_in(
            dir.path(),
            &[
                "check",
                "--format",
                "sarif",
                "--only",
                "privileged-container",
                "-",
            ],
            input.as_bytes(),
        );
        let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
        let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (&region["startLine"], &region["startColumn"]),
            (&10.into(), &19.into())
        );
    }
}

/// Peak resident memory of `kubecheck check --format FORMAT FILE`, by GNU time (as in
/// `bad_input.rs`: `wait4` on our own child would count the test process's peak too).
fn peak_rss_bytes(format: &str, file: &Path) -> u64 {
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut command = Command::new("/usr/bin/time");
    command
        .args(["-f", "%M", "-o"])
        .arg(rss_file.path())
        .arg(kubecheck_bin())
        .args(["check", "--format", format])
        .arg(file);
    let (status, stdout, _) = run_group_within(&mut command, drop, HANG);
    assert!(!stdout.is_empty(), "{format}: no output");
    assert_eq!(status.code(), Some(1), "{format}");
    let measured = std::fs::read_to_string(rss_file.path()).unwrap();
    let kilobytes: u64 = measured.lines().last().unwrap().trim().parse().unwrap();
    kilobytes * 1024
}

/// SARIF used to be built as one JSON tree before it was written: five times the peak
/// memory of the JSON report (5 GB for 16 MB of Deployments in a debug build). Streamed,
/// it costs what JSON costs.
#[test]
fn sarif_of_a_large_input_costs_no_more_memory_than_json() {
    if !present_or_skip(
        Path::new("/usr/bin/time").is_file(),
        "/usr/bin/time is missing to measure peak memory (`scripts/setup.sh --test` installs GNU time)",
    ) {
        return;
    }
    let deployment = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/manifests/risky-deployment.yaml"),
    )
    .unwrap();
    let mut text = String::new();
    let mut count = 0;
    while text.len() < 2 << 20 {
        text.push_str("---\n");
        text.push_str(&deployment.replace(
            "name: log-agent\n  namespace",
            &format!("name: log-agent-{count}\n  namespace"),
        ));
        count += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.yaml");
    std::fs::write(&file, text).unwrap();
    let json = peak_rss_bytes("json", &file);
    let sarif = peak_rss_bytes("sarif", &file);
    assert!(
        sarif < json + json / 4,
        "SARIF peak {} MB, JSON peak {} MB ({count} Deployments, 2 MB)",
        sarif >> 20,
        json >> 20
    );
}
