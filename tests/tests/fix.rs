//! `kubecheck fix`: the diff, `--write`, stdin, exit codes, and the round trip over a copy
//! of the real corpus (`../shared/corpus/real`): after `fix --write` (safe fixes) the
//! fixed findings are gone, none is new, every file still reads, every comment line is
//! kept byte for byte, and a second run changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kubecheck_tests::{corpus, json_report, run_kubecheck};
use serde_json::Value;

const POD: &str = "\
# a pod
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostPID: true # shared
  containers:
  - name: app
    image: nginx:1.27
";

fn temp_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn diff_by_default_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(dir.path(), "pod.yaml", POD);
    let out = run_kubecheck(&["fix", path.to_str().unwrap()], None);
    let diff = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        diff.contains("-  hostPID: true # shared\n+  hostPID: false # shared\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+      allowPrivilegeEscalation: false\n"),
        "{diff}"
    );
    assert!(
        !diff.contains("runAsNonRoot"),
        "unsafe fixes need --unsafe:\n{diff}"
    );
    assert!(!diff.contains('\x1b'), "no colour off a terminal");
    assert!(
        stderr.contains("fixed      1  privilege-escalation"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run-as-root: unsafe fix: review it, then apply with --unsafe"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "findings are left");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), POD);
    let colored = run_kubecheck(&["fix", "--color", "always", path.to_str().unwrap()], None);
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\x1b[32m+"));
}

#[test]
fn write_replaces_the_file_keeping_permissions_crlf_and_bom() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let crlf = format!("\u{feff}{}", POD.replace('\n', "\r\n"));
    let path = temp_file(dir.path(), "pod.yaml", &crlf);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run_kubecheck(
        &["fix", "--write", "--unsafe", path.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.starts_with('\u{feff}') && fixed.ends_with("\r\n"));
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
    assert!(fixed.contains("runAsNonRoot: true\r\n"), "{fixed:?}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file left");
    // Fixed: a second run has nothing to do (one finding without a fix is left).
    let again = run_kubecheck(
        &["fix", "--write", "--unsafe", path.to_str().unwrap()],
        None,
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 findings fixed in 0 files"));
}

#[test]
fn stdin_goes_to_stdout_and_exit_codes_say_what_is_left() {
    let only = ["fix", "--only", "privilege-escalation,host-namespaces", "-"];
    let out = run_kubecheck(&only, Some(POD.as_bytes()));
    let fixed = String::from_utf8(out.stdout).unwrap();
    assert!(fixed.starts_with("# a pod\n") && fixed.contains("hostPID: false # shared"));
    assert!(fixed.contains("allowPrivilegeEscalation: false"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing left of the selected rules"
    );
    let skipped = run_kubecheck(
        &[
            "fix",
            "--only",
            "pod-security",
            "--skip",
            "privilege-escalation",
            "-",
        ],
        Some(POD.as_bytes()),
    );
    assert!(!String::from_utf8_lossy(&skipped.stdout).contains("allowPrivilegeEscalation"));
    let broken = run_kubecheck(&["fix", "-"], Some(b"a: [\n"));
    assert_eq!(broken.status.code(), Some(2));
    let both = run_kubecheck(&["fix", "--write", "-"], Some(POD.as_bytes()));
    assert_eq!(both.status.code(), Some(2));
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    let mut all = Vec::new();
    files(from, &mut all);
    for path in all {
        let target = to.join(path.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&path, &target).unwrap();
    }
}

fn check(dir: &Path) -> Value {
    let out = run_kubecheck(&["check", "--format", "json", dir.to_str().unwrap()], None);
    json_report(&out)
}

/// A finding's identity that survives edits elsewhere in its file.
fn key(f: &Value) -> String {
    format!(
        "{} {} {} {} {} {}",
        f["rule"],
        f["location"]["source"],
        f["resource"]["kind"],
        f["resource"]["namespace"],
        f["resource"]["name"],
        f["message"]
    )
}

fn counts(report: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        *counts.entry(key(f)).or_default() += 1;
    }
    counts
}

fn comment_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| l.trim_ascii_start().starts_with(b"#"))
        .collect()
}

#[test]
fn round_trip_over_the_real_corpus() {
    let Some(real) = corpus("real") else { return };
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("real");
    copy_tree(&real, &copy);
    let before = check(&copy);
    let started = Instant::now();
    let out = run_kubecheck(&["fix", "--write", copy.to_str().unwrap()], None);
    let took = started.elapsed();
    let summary = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{summary}");
    assert!(
        !summary.contains("panicked") && !summary.contains("error"),
        "{summary}"
    );
    let after = check(&copy);
    assert_eq!(after["errors"], before["errors"], "no file became invalid");

    // The safe fixes' findings are gone (but those left unchanged for their layout),
    // and nothing is new.
    let (was, now) = (counts(&before), counts(&after));
    let new: Vec<&String> = now
        .iter()
        .filter(|(k, n)| was.get(*k).is_none_or(|w| *n > w))
        .map(|(k, _)| k)
        .collect();
    assert!(new.is_empty(), "new findings: {new:#?}");
    let safe_left: Vec<String> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["fix"]["applicability"] == "safe" && f["fix"]["edits"] != Value::Array(vec![])
        })
        .map(key)
        .collect();
    assert!(
        safe_left.len() <= 10,
        "safe fixes not applied: {safe_left:#?}\n{summary}"
    );
    let fixed =
        before["findings"].as_array().unwrap().len() - after["findings"].as_array().unwrap().len();
    assert!(fixed > 1000, "only {fixed} fixed:\n{summary}");

    // Every comment line, byte for byte, in every file; a trailing newline kept.
    let (mut originals, mut changed) = (Vec::new(), 0);
    files(&real, &mut originals);
    for original in &originals {
        let fixed_path = copy.join(original.strip_prefix(&real).unwrap());
        let (a, b) = (
            std::fs::read(original).unwrap(),
            std::fs::read(&fixed_path).unwrap(),
        );
        if a != b {
            changed += 1;
        }
        assert_eq!(
            comment_lines(&a),
            comment_lines(&b),
            "{}",
            fixed_path.display()
        );
        assert_eq!(
            a.ends_with(b"\n"),
            b.ends_with(b"\n"),
            "{}",
            fixed_path.display()
        );
    }
    assert!(changed > 300, "{changed} files changed");

    // A second run changes nothing.
    let snapshot: Vec<Vec<u8>> = originals
        .iter()
        .map(|o| std::fs::read(copy.join(o.strip_prefix(&real).unwrap())).unwrap())
        .collect();
    let again = run_kubecheck(&["fix", "--write", copy.to_str().unwrap()], None);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 findings fixed in 0 files"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    for (original, bytes) in originals.iter().zip(&snapshot) {
        let path = copy.join(original.strip_prefix(&real).unwrap());
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{}", path.display());
    }
    eprintln!(
        "fix round trip: {fixed} findings fixed in {changed} files in {:.1}s\n{summary}",
        took.as_secs_f64()
    );
}

/// A plugin's fix (JSON Patch from `tests/fixtures/plugins/cost-with-fix.wat`, written
/// before fixes had an applicability, so `unsafe`) goes through the same edits.
#[test]
fn plugin_fixes_apply_with_unsafe_only() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = kubecheck_tests::repo_root().join("tests/fixtures/plugins");
    let wasm = wat::parse_file(fixtures.join("cost-with-fix.wat")).unwrap();
    let plugin = dir.path().join("cost.wasm");
    std::fs::write(&plugin, wasm).unwrap();
    let manifest = dir.path().join("web.yaml");
    std::fs::copy(fixtures.join("cost-with-fix.yaml"), &manifest).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "fix",
            "--only",
            "acme",
            "--plugin",
            plugin.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        args.push(manifest.to_str().unwrap());
        std::process::Command::new(kubecheck_tests::kubecheck_bin())
            .args(&args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("KUBECHECK_CACHE_DIR", dir.path().join("cache"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .output()
            .unwrap()
    };
    let safe_only = run(&[]);
    assert!(
        safe_only.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&safe_only.stdout)
    );
    assert!(String::from_utf8_lossy(&safe_only.stderr)
        .contains("acme/replica-budget: unsafe fix: review it, then apply with --unsafe"));
    let with_unsafe = run(&["--unsafe"]);
    let diff = String::from_utf8(with_unsafe.stdout).unwrap();
    assert!(diff.contains("-  replicas: 10\n+  replicas: 3\n"), "{diff}");
}
