//! Input handling attacked the way a pull request would (issue 9): workloads wrapped so
//! that kubectl still creates them, manifests hidden behind dot-names and symlinks,
//! unreadable and endless inputs. Each case must end with a finding or a reported
//! error and a failing exit code — never a silent pass, an aborted run, or a hang.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use kubecheck_tests::{
    built_plugin, cap_address_space, json_report, kubecheck_bin, run_group_within, run_kubecheck,
};
use serde_json::Value;

/// A run that takes longer than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Address-space cap for runs fed endless input, so an unbounded read fails fast instead
/// of taking the machine's memory.
const ENDLESS_INPUT_ADDRESS_SPACE: u64 = 1 << 30;

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: plain}
spec:
  containers:
  - name: c
    image: nginx
    securityContext: {privileged: true}
";

/// A fresh folder under the target's temporary directory.
fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary folder")
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent folder");
    }
    std::fs::write(path, text).expect("fixture written");
}

fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink created");
}

fn utf8(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `kubecheck check --format json ARGS`: the exit code and the report.
fn check(args: &[&str]) -> (i32, Value) {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    let output = run_kubecheck(&full, None);
    let code = output.status.code().expect("kubecheck exits normally");
    (code, json_report(&output))
}

/// `(pointer, line, column)` of every finding of `rule`.
fn findings(report: &Value, rule: &str) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let at = &f["location"];
            (
                at["path"].as_str().unwrap_or_default().to_owned(),
                at["line"].as_u64().unwrap_or_default(),
                at["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The sources named by privileged-container findings, sorted.
fn privileged_sources(report: &Value) -> Vec<String> {
    let mut sources: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .map(|f| {
            f["location"]["source"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    sources.sort();
    sources
}

/// The report's errors whose source ends with `source_suffix`.
fn errors_for<'a>(report: &'a Value, source_suffix: &str) -> Vec<&'a Value> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| {
            e["source"]
                .as_str()
                .is_some_and(|s| s.ends_with(source_suffix))
        })
        .collect()
}

fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap_or_default()
}

// Item 6: lists the way kubectl flattens them.

const LIST_IN_A_LIST: &str = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: wrapped}
    spec:
      containers:
      - name: c
        image: nginx
        securityContext:
          privileged: true
";

const ITEMS_OF_ANOTHER_KIND: &str = "\
apiVersion: example.com/v1
kind: Foo
metadata: {name: wrapper}
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: inside}
  spec:
    containers:
    - name: c
      image: nginx
      securityContext:
        privileged: true
";

/// kubectl's decoder gives items without `apiVersion` and `kind` those of the list
/// (`PodList` items are Pods).
const ITEMS_WITHOUT_KIND: &str = "\
apiVersion: v1
kind: PodList
items:
- metadata: {name: typed}
  spec:
    containers:
    - name: c
      image: nginx
      securityContext:
        privileged: true
";

fn check_one(name: &str, text: &str, extra: &[&str]) -> (i32, Value) {
    let dir = temp_dir();
    let file = dir.path().join(name);
    write(&file, text);
    let mut args = extra.to_vec();
    args.push(utf8(&file));
    check(&args)
}

#[test]
fn privileged_pod_in_a_list_in_a_list_is_found() {
    let (code, report) = check_one("nested.yaml", LIST_IN_A_LIST, &[]);
    assert_eq!(
        findings(&report, "privileged-container"),
        [(
            "/items/0/items/0/spec/containers/0/securityContext/privileged".into(),
            15,
            23
        )],
        "{report}"
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["resources"], 1, "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");
}

#[test]
fn privileged_pod_in_items_of_another_kind_is_found() {
    let (code, report) = check_one("foo.yaml", ITEMS_OF_ANOTHER_KIND, &[]);
    assert_eq!(
        findings(&report, "privileged-container"),
        [(
            "/items/0/spec/containers/0/securityContext/privileged".into(),
            13,
            21
        )],
        "{report}"
    );
    assert_eq!(code, 1, "{report}");
    // kubectl creates the items; a client that does not flatten would create `Foo`
    // itself, so it is checked as well.
    assert_eq!(report["summary"]["resources"], 2, "{report}");
}

#[test]
fn privileged_pod_in_a_typed_list_without_kind_is_found() {
    let (code, report) = check_one("podlist.yaml", ITEMS_WITHOUT_KIND, &[]);
    assert_eq!(
        findings(&report, "privileged-container"),
        [(
            "/items/0/spec/containers/0/securityContext/privileged".into(),
            10,
            21
        )],
        "{report}"
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["resource"]["kind"], "Pod", "{finding}");
    assert_eq!(finding["resource"]["apiVersion"], "v1", "{finding}");
    assert_eq!(code, 1, "{report}");
}

#[test]
fn lists_nested_too_deep_are_an_error_not_a_pass() {
    let mut text = String::new();
    let levels = 40;
    for level in 0..levels {
        let indent = "  ".repeat(level);
        let dash = if level == 0 { "" } else { "- " };
        let pad = if level == 0 { "" } else { "  " };
        text.push_str(&format!(
            "{indent}{dash}apiVersion: v1\n{indent}{pad}kind: List\n{indent}{pad}items:\n"
        ));
    }
    let indent = "  ".repeat(levels);
    text.push_str(&format!(
        "{indent}- {{apiVersion: v1, kind: Pod, metadata: {{name: deep}}, spec: {{containers: [{{name: c, image: nginx, securityContext: {{privileged: true}}}}]}}}}\n"
    ));
    let (code, report) = check_one("deep.yaml", &text, &[]);
    assert_eq!(code, 2, "{report}");
    let errors = errors_for(&report, "deep.yaml");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(message(errors[0]).contains("nested"), "{}", errors[0]);
}

#[test]
fn wrapped_workloads_get_the_same_findings_from_the_wasm_engine() {
    // `--engine wasm` runs the core wasm that the binary embeds when it is built.
    if built_plugin("kubecheck-builtin.wasm").is_none() {
        return;
    }
    let dir = temp_dir();
    write(&dir.path().join("nested.yaml"), LIST_IN_A_LIST);
    write(&dir.path().join("foo.yaml"), ITEMS_OF_ANOTHER_KIND);
    write(&dir.path().join("podlist.yaml"), ITEMS_WITHOUT_KIND);
    let run = |engine: &str| {
        let (code, report) = check(&["--enable", "all", "--engine", engine, utf8(dir.path())]);
        assert_eq!(code, 1, "--engine {engine}: {report}");
        report
    };
    let (native, wasm) = (run("native"), run("wasm"));
    assert_eq!(privileged_sources(&native).len(), 3, "{native}");
    assert_eq!(native["findings"], wasm["findings"]);
    assert_eq!(native["summary"], wasm["summary"]);
}

// Item 7: what a folder holds is checked, whatever its name or link.

#[test]
fn symlinked_manifest_in_a_folder_is_checked() {
    let dir = temp_dir();
    write(&dir.path().join("store/pod.txt"), PRIVILEGED_POD);
    symlink("store/pod.txt", &dir.path().join("pod.yaml"));
    let (code, report) = check(&[utf8(dir.path())]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    assert!(
        privileged_sources(&report)[0].ends_with("pod.yaml"),
        "{report}"
    );
}

#[test]
fn hidden_manifests_in_a_folder_are_checked() {
    let dir = temp_dir();
    write(&dir.path().join(".hidden.yaml"), PRIVILEGED_POD);
    write(&dir.path().join(".hidden-folder/pod.yml"), PRIVILEGED_POD);
    let (code, report) = check(&[utf8(dir.path())]);
    assert_eq!(code, 1, "{report}");
    let sources = privileged_sources(&report);
    assert_eq!(sources.len(), 2, "{report}");
    assert!(
        sources[0].ends_with(".hidden-folder/pod.yml"),
        "{sources:?}"
    );
    assert!(sources[1].ends_with(".hidden.yaml"), "{sources:?}");
}

#[test]
fn symlink_out_of_the_folder_is_reported_not_followed() {
    // Following it would let a pull request print any file the CI runner can read.
    let outside = temp_dir();
    write(&outside.path().join("secret.yaml"), PRIVILEGED_POD);
    let dir = temp_dir();
    symlink(
        outside.path().join("secret.yaml"),
        &dir.path().join("leak.yaml"),
    );
    let (code, report) = check(&[utf8(dir.path())]);
    assert_eq!(code, 2, "{report}");
    let errors = errors_for(&report, "leak.yaml");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(message(errors[0]).contains("outside"), "{}", errors[0]);
    assert_eq!(report["summary"]["resources"], 0, "{report}");
}

#[test]
fn symlink_loop_ends_with_an_error_and_the_rest_is_checked() {
    let dir = temp_dir();
    write(&dir.path().join("a/pod.yaml"), PRIVILEGED_POD);
    symlink("..", &dir.path().join("a/loop"));
    let (code, report) = check(&[utf8(dir.path())]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    let errors = errors_for(&report, "loop");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(message(errors[0]).contains("loop"), "{}", errors[0]);
}

#[test]
fn a_web_of_folder_symlinks_is_walked_once() {
    // Each folder links to every other: following the links would walk 10! paths.
    let dir = temp_dir();
    let folders = 10;
    for i in 0..folders {
        write(&dir.path().join(format!("d{i}/pod.yaml")), PRIVILEGED_POD);
        for j in (0..folders).filter(|j| *j != i) {
            symlink(format!("../d{j}"), &dir.path().join(format!("d{i}/to{j}")));
        }
    }
    let run = run_bounded(&[utf8(dir.path())], None, u64::MAX);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.report();
    assert_eq!(privileged_sources(&report).len(), folders, "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");
}

#[test]
fn the_config_file_in_a_checked_folder_is_not_a_manifest() {
    let dir = temp_dir();
    write(
        &dir.path().join(".kubecheck.yaml"),
        "disable: [duplicate-key]\n",
    );
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    let config = dir.path().join(".kubecheck.yaml");
    let (code, report) = check(&["--config", utf8(&config), utf8(dir.path())]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["errors"], 0, "{report}");
}

// Item 17: one unreadable input does not hide the others.

#[test]
fn unreadable_input_is_an_error_entry_and_the_rest_is_checked() {
    let dir = temp_dir();
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    // Reading the start of one's own memory fails with EIO, even as root.
    for unreadable in ["/proc/self/mem", "/nonexistent/kubecheck.yaml"] {
        let (code, report) = check(&[utf8(dir.path()), unreadable]);
        assert_eq!(code, 2, "{unreadable}: {report}");
        assert_eq!(privileged_sources(&report).len(), 1, "{report}");
        let errors = errors_for(&report, unreadable);
        assert_eq!(errors.len(), 1, "{report}");
        assert!(message(errors[0]).contains("cannot read"), "{}", errors[0]);
    }
}

#[test]
fn broken_symlink_in_a_folder_is_an_error_entry() {
    let dir = temp_dir();
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    symlink("gone.yaml", &dir.path().join("broken.yaml"));
    let (code, report) = check(&[utf8(dir.path())]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    assert_eq!(errors_for(&report, "broken.yaml").len(), 1, "{report}");
}

#[test]
fn fifo_in_a_folder_is_reported_without_blocking() {
    let dir = temp_dir();
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    let fifo = dir.path().join("pipe.yaml");
    let path = std::ffi::CString::new(utf8(&fifo)).expect("no NUL");
    // SAFETY: mkfifo(3) with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let run = run_bounded(&[utf8(dir.path())], None, u64::MAX);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.report();
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    let errors = errors_for(&report, "pipe.yaml");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(
        message(errors[0]).contains("not a regular file"),
        "{}",
        errors[0]
    );
}

// Item 18: every read is bounded.

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn report(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}); stderr:\n{}",
                self.stderr
            )
        })
    }
}

/// `kubecheck check --format json ARGS` with an address-space cap, fed by `feed` (or
/// nothing) on stdin, killed after [`TIMEOUT`].
fn run_bounded(
    args: &[&str],
    feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>,
    address_space: u64,
) -> Run {
    let mut command = Command::new(kubecheck_bin());
    command.args(["check", "--format", "json"]).args(args);
    if address_space != u64::MAX {
        cap_address_space(&mut command, address_space);
    }
    let (status, stdout, stderr) = run_group_within(
        &mut command,
        move |stdin| match feed {
            Some(feed) => feed(stdin),
            None => drop(stdin),
        },
        TIMEOUT,
    );
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    Run {
        code: status
            .code()
            .unwrap_or_else(|| panic!("kubecheck {args:?} was killed: {status}; {stderr}")),
        stdout,
        stderr,
    }
}

fn assert_limit_error(error: &Value) {
    let text = message(error);
    assert!(text.contains("64 MiB"), "{error}");
    assert!(text.contains("--max-input-bytes"), "{error}");
}

#[test]
fn endless_input_file_is_cut_at_the_limit_and_the_rest_is_checked() {
    let dir = temp_dir();
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    let run = run_bounded(
        &["/dev/zero", utf8(dir.path())],
        None,
        ENDLESS_INPUT_ADDRESS_SPACE,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.report();
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    let errors = errors_for(&report, "/dev/zero");
    assert_eq!(errors.len(), 1, "{report}");
    assert_limit_error(errors[0]);
}

#[test]
fn endless_stdin_is_cut_at_the_limit() {
    let feed = Box::new(|mut stdin: std::process::ChildStdin| {
        let chunk = "# padding\n".repeat(6_554);
        // Until kubecheck stops reading and the pipe breaks.
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    let run = run_bounded(&["-"], Some(feed), ENDLESS_INPUT_ADDRESS_SPACE);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = run.report();
    let errors = errors_for(&report, "<stdin>");
    assert_eq!(errors.len(), 1, "{report}");
    assert_limit_error(errors[0]);
}

#[test]
fn file_over_the_limit_is_an_error_entry_and_the_rest_is_checked() {
    let dir = temp_dir();
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    let big: PathBuf = dir.path().join("big.yaml");
    write(&big, &format!("{PRIVILEGED_POD}# {}\n", "x".repeat(4096)));
    let (code, report) = check(&["--max-input-bytes", "4096", utf8(dir.path())]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(privileged_sources(&report).len(), 1, "{report}");
    let errors = errors_for(&report, "big.yaml");
    assert_eq!(errors.len(), 1, "{report}");
    assert!(message(errors[0]).contains("4096 bytes"), "{}", errors[0]);
}

#[test]
fn a_config_found_by_itself_that_links_elsewhere_is_refused_unread() {
    let dir = temp_dir();
    let secret = dir.path().join("secret.txt");
    write(
        &secret,
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
    );
    symlink(&secret, &dir.path().join(".kubecheck.yaml"));
    write(&dir.path().join("pod.yaml"), PRIVILEGED_POD);
    let output = Command::new(kubecheck_bin())
        .args(["check", "pod.yaml"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("kubecheck runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert!(
        !stderr.contains("wJalr") && !stdout.contains("wJalr"),
        "the linked file was quoted: {stdout}{stderr}"
    );
}
