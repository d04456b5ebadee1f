//! `kubecheck` end to end: formats, exit codes, rule selection, config, inputs,
//! suppression and the other subcommands, through the real binary.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use kubecheck_tests::{json_report, kubecheck_bin, repo_root, run_kubecheck};
use serde_json::Value;

const PRIVILEGED_POD: &str = "\
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

/// A medium finding only: `duplicate-key` on a harmless field.
const DUPLICATE_KEY_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    image: nginx:1.27
";

/// Runs the binary in `dir` with the environment given (NO_COLOR is not set unless asked).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut command = Command::new(kubecheck_bin());
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("kubecheck starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("kubecheck runs");
    writer.join().expect("stdin writer");
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn rules_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule id"))
        .collect()
}

fn check_json(args: &[&str], stdin: &str) -> (Option<i32>, Value) {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    full.push("-");
    let output = run_kubecheck(&full, Some(stdin.as_bytes()));
    (output.status.code(), json_report(&output))
}

#[test]
fn text_output_shows_the_line_and_a_caret_without_colour_when_piped() {
    let args = [
        "check",
        "--only",
        "privileged-container",
        "examples/manifests/risky-deployment.yaml",
    ];
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let output = run_in(&repo_root(), &args, env, b"");
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let text = stdout(&output);
        let expected = "\
critical privileged-container: container `agent` sets `privileged: true`
  --> examples/manifests/risky-deployment.yaml:26:23
   |
26 |           privileged: true
   |                       ^^^^
";
        assert!(text.contains(expected), "{text}");
        assert!(
            !text.contains('\x1b'),
            "ANSI colour in piped output:\n{text}"
        );
        assert!(
            text.contains("1 findings (1 critical, 0 high"),
            "summary line missing:\n{text}"
        );
    }
}

/// `script` gives the binary a pseudo-terminal: colour there (`--color auto`, the
/// default), unless `NO_COLOR` is set.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    if !Path::new("/usr/bin/script").is_file() {
        panic!("/usr/bin/script (util-linux) is needed to run kubecheck on a pseudo-terminal");
    }
    let command = format!(
        "{} check --only privileged-container examples/manifests/risky-deployment.yaml",
        kubecheck_bin().display()
    );
    let on_tty = |no_color: Option<&str>| {
        let mut script = Command::new("/usr/bin/script");
        script
            .args(["-qec", &command, "/dev/null"])
            .current_dir(repo_root())
            .env_remove("NO_COLOR")
            // A terminal that shows colour, whatever the one running the tests.
            .env("TERM", "xterm")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            script.env("NO_COLOR", value);
        }
        let output = script.output().expect("script runs");
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_tty(None);
    assert!(
        coloured.contains("\x1b[1;35mcritical\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_tty(Some("1"));
    assert!(plain.contains("critical privileged-container"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

#[test]
fn check_without_paths_on_a_terminal_explains_instead_of_waiting() {
    if !Path::new("/usr/bin/script").is_file() {
        panic!("/usr/bin/script (util-linux) is needed to run kubecheck on a pseudo-terminal");
    }
    let command = format!("{} check", kubecheck_bin().display());
    let mut script = Command::new("/usr/bin/script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(repo_root());
    // Waiting for stdin would hit the limit: the test fails instead of hanging.
    let output =
        kubecheck_tests::output_within(&mut script, b"", std::time::Duration::from_secs(60));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("no manifests given"), "{shown:?}");
    assert!(shown.contains("kubecheck check -"), "{shown:?}");
    assert_eq!(output.status.code(), Some(2), "{shown:?}");
    // Piped, no path still reads stdin.
    let piped = run_kubecheck(
        &["check", "--format", "json"],
        Some(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
    );
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert_eq!(json_report(&piped)["summary"]["resources"], 1);
}

#[test]
fn color_flag_wins_over_the_terminal_and_the_environment() {
    let text = |color: &str, env: &[(&str, &str)]| {
        let args = [
            "check",
            "--color",
            color,
            "--only",
            "privileged-container",
            "examples/manifests/risky-deployment.yaml",
        ];
        let output = run_in(&repo_root(), &args, env, b"");
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let coloured = "\x1b[1;35mcritical\x1b[0m";
    let always = text("always", &[("NO_COLOR", "1")]);
    assert!(always.contains(coloured), "{always:?}");
    let never = text("never", &[("CLICOLOR_FORCE", "1")]);
    assert!(!never.contains('\x1b'), "{never:?}");
    // `auto` into a pipe: plain, unless the environment forces colour.
    assert!(!text("auto", &[]).contains('\x1b'));
    let forced = text("auto", &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(coloured), "{forced:?}");
}

#[test]
fn json_report_follows_the_v1_contract() {
    let (code, report) = check_json(&["--only", "privileged-container"], PRIVILEGED_POD);
    assert_eq!(code, Some(1));
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "kubecheck");
    assert!(report["tool"]["version"].is_string());
    let summary = &report["summary"];
    assert_eq!(summary["resources"], 1);
    assert_eq!(summary["findings"], 1);
    assert_eq!(summary["critical"], 1);
    assert_eq!(summary["suppressed"], 0);
    assert_eq!(summary["errors"], 0);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "privileged-container");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["category"], "pod-security");
    assert_eq!(
        finding["resource"],
        serde_json::json!({ "apiVersion": "v1", "kind": "Pod", "name": "web" })
    );
    assert_eq!(
        finding["location"],
        serde_json::json!({
            "source": "<stdin>", "document": 0,
            "path": "/spec/containers/0/securityContext/privileged",
            "line": 10, "column": 19, "endLine": 10, "endColumn": 23
        })
    );
    assert!(finding["remediation"].as_str().unwrap().ends_with('.'));
    assert_eq!(report["suppressed"], serde_json::json!([]));
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn sarif_output_is_sarif() {
    let output = run_kubecheck(
        &["check", "--format", "sarif", "-"],
        Some(PRIVILEGED_POD.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1));
    let sarif = json_report(&output);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "privileged-container"));
}

#[test]
fn fail_on_sets_the_threshold_of_exit_code_1() {
    let critical = ["--only", "privileged-container"];
    let medium = ["--only", "duplicate-key"];
    let cases: &[(&[&str], &str, &str, i32)] = &[
        (&critical, PRIVILEGED_POD, "critical", 1),
        (&critical, PRIVILEGED_POD, "high", 1),
        (&critical, PRIVILEGED_POD, "never", 0),
        (&medium, DUPLICATE_KEY_POD, "high", 0),
        (&medium, DUPLICATE_KEY_POD, "critical", 0),
        (&medium, DUPLICATE_KEY_POD, "medium", 1),
        (&medium, DUPLICATE_KEY_POD, "low", 1),
        (&medium, DUPLICATE_KEY_POD, "info", 1),
        (&medium, DUPLICATE_KEY_POD, "never", 0),
    ];
    for (selection, yaml, fail_on, expected) in cases {
        let mut args = selection.to_vec();
        args.extend(["--fail-on", fail_on]);
        let (code, report) = check_json(&args, yaml);
        assert_eq!(
            code,
            Some(*expected),
            "--fail-on {fail_on} with {selection:?}"
        );
        assert_eq!(report["summary"]["findings"], 1);
    }
}

#[test]
fn default_threshold_is_high() {
    let (code, report) = check_json(&["--only", "duplicate-key"], DUPLICATE_KEY_POD);
    assert_eq!(report["findings"][0]["severity"], "medium");
    assert_eq!(code, Some(0));
}

#[test]
fn exit_code_2_when_input_cannot_be_checked_even_with_findings() {
    let yaml = format!("{PRIVILEGED_POD}---\nkey: [unclosed\n");
    let (code, report) = check_json(&["--fail-on", "never"], &yaml);
    assert_eq!(code, Some(2));
    assert_eq!(report["summary"]["errors"], 1);
    assert!(rules_of(&report["findings"]).contains(&"privileged-container"));
    let error = &report["errors"][0];
    assert_eq!(error["document"], 1);
    assert_eq!(error["line"], 13);
}

#[test]
fn disable_enable_and_only_select_rules() {
    let both = format!("{PRIVILEGED_POD}---\n{DUPLICATE_KEY_POD}");
    let (_, all) = check_json(&[], &both);
    let found = rules_of(&all["findings"]);
    assert!(found.contains(&"privileged-container") && found.contains(&"duplicate-key"));

    let (_, report) = check_json(&["--disable", "privileged-container"], &both);
    assert!(!rules_of(&report["findings"]).contains(&"privileged-container"));
    assert!(rules_of(&report["findings"]).contains(&"duplicate-key"));

    let (_, report) = check_json(&["--disable", "pod-security,manifest"], &both);
    assert!(
        !rules_of(&report["findings"])
            .iter()
            .any(|r| *r == "privileged-container" || *r == "duplicate-key"),
        "{report}"
    );

    let (_, report) = check_json(&["--only", "duplicate-key"], &both);
    assert_eq!(rules_of(&report["findings"]), ["duplicate-key"]);

    // `--disable` wins over `--enable` and `--only`.
    let (code, report) = check_json(
        &[
            "--only",
            "duplicate-key",
            "--enable",
            "all",
            "--disable",
            "duplicate-key",
        ],
        &both,
    );
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["findings"], 0);
}

/// A plugin whose one rule, `optin/extra-check`, is off by default (`enabledByDefault:
/// false`): every built-in rule is on by default, so only a plugin rule shows what
/// `--enable` turns on. Its check reports the first resource.
const OFF_BY_DEFAULT_PLUGIN: &str = r#"
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"optin\",\"version\":\"0\",\"rules\":[{\"id\":\"extra-check\",\"title\":\"t\",\"category\":\"manifest\",\"severity\":\"high\",\"enabledByDefault\":false}]}")
  (data (i32.const 1024) "{\"findings\":[{\"rule\":\"extra-check\",\"resource\":0,\"path\":\"/metadata/name\",\"message\":\"opted in\"}]}")
  (func (export "kubecheck_abi_version") (result i32) (i32.const 1))
  (func (export "kubecheck_metadata") (result i64) (i64.const 138))
  (func (export "kubecheck_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "kubecheck_check") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const 95))))
"#;

#[test]
fn enable_turns_on_rules_that_are_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("optin.wasm");
    std::fs::write(&wasm, wat::parse_str(OFF_BY_DEFAULT_PLUGIN).unwrap()).unwrap();
    // The plugin's compile cache and its key stay in the temporary directory.
    let cache = dir.path().join("cache");
    let config = dir.path().join("config");
    let env = [
        ("XDG_CACHE_HOME", cache.to_str().unwrap()),
        ("XDG_CONFIG_HOME", config.to_str().unwrap()),
    ];
    let fires = |selectors: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--plugin", "optin.wasm"];
        args.extend_from_slice(selectors);
        args.push("-");
        let output = run_in(dir.path(), &args, &env, PRIVILEGED_POD.as_bytes());
        let report = json_report(&output);
        assert_eq!(report["errors"], serde_json::json!([]), "{selectors:?}");
        rules_of(&report["findings"]).contains(&"optin/extra-check")
    };
    assert!(!fires(&[]), "off by default");
    assert!(
        !fires(&["--only", "optin/extra-check"]),
        "`--only` narrows the rules that are on, it turns none on"
    );
    assert!(fires(&["--enable", "optin/extra-check"]), "by rule id");
    assert!(fires(&["--enable", "optin"]), "by plugin name");
    assert!(fires(&["--enable", "manifest"]), "by category");
    assert!(fires(&["--only", "optin", "--enable", "optin/extra-check"]));
    assert!(
        !fires(&["--enable", "all", "--disable", "optin/extra-check"]),
        "`--disable` wins"
    );
    std::fs::write(
        dir.path().join(".kubecheck.yaml"),
        "enable: [optin/extra-check]\n",
    )
    .unwrap();
    assert!(fires(&[]), "`enable` in .kubecheck.yaml");
}

#[test]
fn unknown_selectors_are_usage_errors() {
    for flag in ["--only", "--enable", "--disable"] {
        let output = run_kubecheck(
            &["check", flag, "privileged-containr", "-"],
            Some(PRIVILEGED_POD.as_bytes()),
        );
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let err = stderr(&output);
        assert!(err.contains("privileged-containr"), "{flag}: {err}");
        assert!(
            output.stdout.is_empty(),
            "{flag}: no report on a usage error"
        );
    }
    let output = run_kubecheck(&["check", "--fail-on", "severe", "-"], Some(b""));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("severe"));
}

#[test]
fn kubecheck_yaml_in_the_current_directory_is_the_default_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), PRIVILEGED_POD).unwrap();
    let args = ["check", "--format", "json", "pod.yaml"];

    let before = run_in(dir.path(), &args, &[], b"");
    assert!(rules_of(&json_report(&before)["findings"]).contains(&"privileged-container"));

    std::fs::write(
        dir.path().join(".kubecheck.yaml"),
        "# project settings\ndisable:\n  - privileged-container\n",
    )
    .unwrap();
    let after = run_in(dir.path(), &args, &[], b"");
    assert!(!rules_of(&json_report(&after)["findings"]).contains(&"privileged-container"));

    // `--config` replaces the default file. `--only` keeps the lowered rule from
    // being folded under a stronger finding of another rule for the same cause;
    // it does not undo a config's `disable`, so the default file would still hide it.
    std::fs::write(
        dir.path().join("strict.yaml"),
        "severity:\n  privileged-container: low\n",
    )
    .unwrap();
    let explicit = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--only",
            "privileged-container",
            "--config",
            "strict.yaml",
            "pod.yaml",
        ],
        &[],
        b"",
    );
    let report = json_report(&explicit);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privileged-container")
        .expect("the explicit config does not disable the rule");
    assert_eq!(finding["severity"], "low");
}

#[test]
fn config_severity_and_min_severity_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), DUPLICATE_KEY_POD).unwrap();
    let config = dir.path().join("config.yaml");
    let check = |config_text: &str| {
        std::fs::write(&config, config_text).unwrap();
        let output = run_in(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--only",
                "duplicate-key",
                "--config",
                "config.yaml",
                "pod.yaml",
            ],
            &[],
            b"",
        );
        (output.status.code(), json_report(&output))
    };
    let (code, report) = check("severity:\n  duplicate-key: critical\n");
    assert_eq!(code, Some(1), "a raised severity crosses --fail-on high");
    assert_eq!(report["findings"][0]["severity"], "critical");

    let (code, report) = check("minSeverity: high\n");
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["findings"], 0);

    let (_, report) = check("");
    assert_eq!(
        report["summary"]["findings"], 1,
        "an empty config changes nothing"
    );
}

#[test]
fn config_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), PRIVILEGED_POD).unwrap();
    let cases = [
        ("disable: [a]\ndisabel: [b]\n", "line 2"),
        ("severity:\n  privileged-container: severe\n", "line 2"),
        ("disable: [unclosed\n", "line"),
    ];
    for (text, location) in cases {
        std::fs::write(dir.path().join(".kubecheck.yaml"), text).unwrap();
        let output = run_in(dir.path(), &["check", "pod.yaml"], &[], b"");
        assert_eq!(output.status.code(), Some(2), "{text}");
        let err = stderr(&output);
        assert!(err.contains(".kubecheck.yaml"), "{err}");
        assert!(err.contains(location), "{text}: {err}");
    }
    std::fs::write(dir.path().join(".kubecheck.yaml"), "disable: [nope]\n").unwrap();
    let output = run_in(dir.path(), &["check", "pod.yaml"], &[], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope"));

    let missing = run_in(
        dir.path(),
        &["check", "--config", "missing.yaml", "pod.yaml"],
        &[],
        b"",
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("missing.yaml"));
}

#[test]
fn folders_are_walked_recursively_for_yaml_and_json_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("deploy/nested/deeper")).unwrap();
    let pod_json = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
  "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
  "securityContext": {"privileged": true}}]}}"#;
    for file in ["deploy/a.yaml", "deploy/nested/b.yml"] {
        std::fs::write(root.join(file), PRIVILEGED_POD).unwrap();
    }
    std::fs::write(root.join("deploy/nested/deeper/c.json"), pod_json).unwrap();
    // Not manifests by name: never read, even though their content would fire.
    for file in [
        "deploy/notes.txt",
        "deploy/nested/README.md",
        "deploy/x.yaml.bak",
    ] {
        std::fs::write(root.join(file), PRIVILEGED_POD).unwrap();
    }
    // Hidden ones are read, as `kubectl apply -R` reads them: a dot cannot hide a manifest.
    std::fs::create_dir_all(root.join("deploy/.github/workflows")).unwrap();
    for file in ["deploy/.hidden.yaml", "deploy/.github/workflows/ci.yml"] {
        std::fs::write(root.join(file), PRIVILEGED_POD).unwrap();
    }
    let output = run_in(
        root,
        &[
            "check",
            "--format",
            "json",
            "--only",
            "privileged-container",
            "deploy",
        ],
        &[],
        b"",
    );
    let report = json_report(&output);
    let mut sources: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["source"].as_str().unwrap())
        .collect();
    sources.sort_unstable();
    assert_eq!(
        sources,
        [
            "deploy/.github/workflows/ci.yml",
            "deploy/.hidden.yaml",
            "deploy/a.yaml",
            "deploy/nested/b.yml",
            "deploy/nested/deeper/c.json"
        ]
    );
    assert_eq!(report["summary"]["resources"], 5);
    let json_finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["location"]["source"] == "deploy/nested/deeper/c.json")
        .unwrap();
    assert_eq!(json_finding["location"]["line"], 3);
}

#[test]
fn files_and_stdin_combine() {
    let output = run_kubecheck(
        &[
            "check",
            "--format",
            "json",
            "--only",
            "privileged-container",
            "examples/manifests/risky-deployment.yaml",
            "-",
        ],
        Some(PRIVILEGED_POD.as_bytes()),
    );
    let report = json_report(&output);
    let sources: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"<stdin>"), "{sources:?}");
    assert!(
        sources.contains(&"examples/manifests/risky-deployment.yaml"),
        "{sources:?}"
    );
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    // In the report, with the other inputs checked (tests/tests/security_inputs.rs).
    let output = run_kubecheck(&["check", "no/such/file.yaml"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("--> no/such/file.yaml:1:1"));
    assert!(stdout(&output).contains("cannot read"));
}

#[test]
fn rules_lists_the_registry_as_json() {
    let output = run_kubecheck(&["rules", "--format", "json"], None);
    assert_eq!(output.status.code(), Some(0));
    let rules = json_report(&output);
    let rules = rules.as_array().expect("an array of rules");
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id} is not kebab-case"
        );
        for field in ["title", "category", "severity", "remediation", "help"] {
            assert!(
                rule[field].as_str().is_some_and(|s| !s.is_empty()),
                "{id}: {field}"
            );
        }
        assert!(rule["remediation"].as_str().unwrap().ends_with('.'), "{id}");
    }
    assert!(ids.contains(&"privileged-container"));
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "rule ids are unique");

    let text = run_kubecheck(&["rules"], None);
    assert_eq!(text.status.code(), Some(0));
    assert_eq!(stdout(&text).lines().count(), count, "one line per rule");
    // Aligned columns: severity, category and title start at the same place on every line.
    let starts = |line: &str| -> Vec<usize> {
        let bytes = line.as_bytes();
        (1..bytes.len())
            .filter(|&i| bytes[i - 1] == b' ' && bytes[i] != b' ')
            .take(3)
            .collect()
    };
    let listed = stdout(&text);
    let lines: Vec<&str> = listed.lines().collect();
    for line in &lines {
        assert_eq!(starts(line), starts(lines[0]), "{line}");
    }
}

#[test]
fn explain_prints_the_rule_docs() {
    let output = run_kubecheck(&["explain", "privileged-container"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for heading in ["## What it does", "## Why is this bad?", "## Example"] {
        assert!(
            text.lines().any(|l| l == heading),
            "`{heading}` as a heading:\n{text}"
        );
    }
    assert!(text.contains("severity: critical"), "{text}");
    assert!(text.contains("Remediation: "), "{text}");

    let unknown = run_kubecheck(&["explain", "no-such-rule"], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no-such-rule"));
    assert!(unknown.stdout.is_empty());
}

#[test]
fn ignore_annotation_moves_findings_to_suppressed_with_the_reason() {
    let annotated = |value: &str| {
        PRIVILEGED_POD.replace(
            "  name: web\n",
            &format!("  name: web\n  annotations:\n    kubecheck.io/ignore: \"{value}\"\n"),
        )
    };
    let (code, report) = check_json(
        &["--only", "privileged-container"],
        &annotated("privileged-container # needs host devices"),
    );
    assert_eq!(code, Some(0), "suppressed findings do not fail the run");
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 1);
    let suppressed = &report["suppressed"][0];
    assert_eq!(suppressed["rule"], "privileged-container");
    assert_eq!(suppressed["suppression"]["by"], "annotation");
    assert_eq!(suppressed["suppression"]["reason"], "needs host devices");
    assert_eq!(suppressed["location"]["line"], 12);

    let (_, report) = check_json(
        &["--only", "privileged-container"],
        &annotated("privileged-container"),
    );
    assert!(report["suppressed"][0]["suppression"]["reason"]
        .as_str()
        .unwrap()
        .contains("no reason given"));

    // Another rule's id silences nothing here.
    let (code, report) = check_json(
        &["--only", "privileged-container"],
        &annotated("duplicate-key # other"),
    );
    assert_eq!(code, Some(1));
    assert_eq!(report["summary"]["suppressed"], 0);

    // Suppressed findings are not shown as findings in text either.
    let output = run_kubecheck(
        &["check", "--only", "privileged-container", "-"],
        Some(annotated("privileged-container # reviewed").as_bytes()),
    );
    let text = stdout(&output);
    assert!(!text.contains("^^^^"), "{text}");
    assert!(text.contains("1 suppressed"), "{text}");
}

#[test]
fn list_items_are_checked_one_by_one() {
    let list = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: calm}
  spec:
    containers: [{name: app, image: nginx:1.27}]
- apiVersion: v1
  kind: Pod
  metadata: {name: wild, namespace: zoo}
  spec:
    containers:
    - name: app
      image: nginx:1.27
      securityContext: {privileged: true}
";
    let (code, report) = check_json(&["--only", "privileged-container"], list);
    assert_eq!(code, Some(1));
    assert_eq!(report["summary"]["resources"], 2);
    assert_eq!(report["summary"]["findings"], 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["resource"]["name"], "wild");
    assert_eq!(finding["resource"]["namespace"], "zoo");
    assert_eq!(
        finding["location"]["path"],
        "/items/1/spec/containers/0/securityContext/privileged"
    );
    assert_eq!(finding["location"]["line"], 16);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Far more output than a pipe buffer holds, so writes hit the closed pipe.
    let input: String = (0..1000)
        .map(|i| {
            format!(
                "---\n{}",
                PRIVILEGED_POD.replace("name: web", &format!("name: web-{i}"))
            )
        })
        .collect();
    for format in ["text", "json", "sarif"] {
        let mut child = Command::new(kubecheck_bin())
            .args([
                "check",
                "--format",
                format,
                "--only",
                "privileged-container",
            ])
            .args(["--fail-on", "never", "-"])
            .current_dir(repo_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = input.clone().into_bytes();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is dropped here, as `| head -c1` does.
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}: {output:?}");
        assert!(output.stderr.is_empty(), "{format}: {}", stderr(&output));
    }
}

#[test]
fn examples_check_as_documented() {
    let output = run_kubecheck(&["check", "--format", "json", "examples/manifests"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json_report(&output);
    assert_eq!(report["summary"]["errors"], 0, "{}", report["errors"]);
    // Every example is a Kubernetes object (12 in the top folder, 16 in
    // `network/microservices.yaml`); the risky one fails, the hardened one does not.
    assert_eq!(report["summary"]["resources"], 28);
    let findings = report["findings"].as_array().unwrap();
    let in_file = |file: &str| {
        findings
            .iter()
            .filter(|f| f["location"]["source"] == format!("examples/manifests/{file}"))
            .collect::<Vec<_>>()
    };
    assert!(in_file("risky-deployment.yaml")
        .iter()
        .any(|f| f["rule"] == "privileged-container"));
    let hardened_high: Vec<_> = in_file("hardened-deployment.yaml")
        .into_iter()
        .filter(|f| f["severity"] == "critical" || f["severity"] == "high")
        .collect();
    assert!(
        hardened_high.is_empty(),
        "the hardened example has high findings: {hardened_high:?}"
    );
}
