//! `kubecheck check --helm CHART` and `--kustomize DIR` through the binary.
//!
//! Helm does not install from the registries this project uses (crates.io, PyPI, npm,
//! Debian), so `--helm` runs a stand-in `helm` written by the test: it records its
//! arguments and prints `tests/fixtures/rendered/web.helm-template.yaml`, which was
//! written by hand in `helm template`'s format for the chart beside it (not recorded
//! from a real run). That tests the process handling, the arguments and the mapping of
//! `# Source:` comments to template files. `kubectl kustomize` is real: Debian's
//! `kubernetes-client` (scripts/setup.sh --test installs it when neither `kustomize` nor
//! `kubectl` is on the PATH).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use kubecheck_tests::{json_report, kubecheck_bin, repo_root};
use serde_json::Value;

const CHART: &str = "tests/fixtures/rendered/web";
const VALUES: &str = "tests/fixtures/rendered/prod-values.yaml";

/// kubecheck with `args`, from the repository root, with `path` as the whole PATH.
fn run_with_path(args: &[&str], path: &Path) -> Output {
    Command::new(kubecheck_bin())
        .args(args)
        .current_dir(repo_root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("kubecheck runs")
}

/// A folder holding an executable `helm` that writes its arguments, one a line, to
/// `args` and prints the hand-written `helm template` output.
fn stand_in_helm(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let args = dir.join("args");
    let rendered = repo_root().join("tests/fixtures/rendered/web.helm-template.yaml");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\ncat '{}'\n",
        args.display(),
        rendered.display()
    );
    let helm = dir.join("helm");
    std::fs::write(&helm, script).unwrap();
    std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    args
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

#[test]
fn helm_findings_name_the_template_at_the_rendered_line() {
    let dir = tempfile::tempdir().unwrap();
    let args_file = stand_in_helm(dir.path());
    // `/bin` for the script's `sh` and `cat`, after the stand-in.
    let path =
        std::env::join_paths([dir.path(), Path::new("/bin"), Path::new("/usr/bin")]).unwrap();
    let output = run_with_path(
        &[
            "check",
            "--format",
            "json",
            "--only",
            "privileged-container",
            "--helm",
            CHART,
            "--values",
            VALUES,
        ],
        Path::new(&path),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let recorded = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        recorded.lines().collect::<Vec<_>>(),
        ["template", &format!("--values={VALUES}"), "--", CHART],
        "helm gets the user's paths as values, never as flags"
    );
    let report = json_report(&output);
    let [finding] = findings(&report).as_slice() else {
        panic!("one finding: {report:#}");
    };
    let location = &finding["location"];
    assert_eq!(
        location["source"],
        format!("{CHART}/templates/deployment.yaml")
    );
    // Line 24 of the template's rendered output (its `---` and `# Source:` lines first).
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(24), Some(25))
    );
    assert_eq!(location["document"], 0);
    assert_eq!(finding["resource"]["name"], "release-name-web");
    assert_eq!(
        report["summary"]["resources"], 2,
        "the ServiceAccount is checked too"
    );
}

#[test]
fn helm_text_output_quotes_the_rendered_line() {
    let dir = tempfile::tempdir().unwrap();
    stand_in_helm(dir.path());
    let path =
        std::env::join_paths([dir.path(), Path::new("/bin"), Path::new("/usr/bin")]).unwrap();
    let output = run_with_path(
        &["check", "--only", "privileged-container", "--helm", CHART],
        Path::new(&path),
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("--> {CHART}/templates/deployment.yaml:24:25"))
            && text.contains("24 |             privileged: true"),
        "{text}"
    );
}

#[test]
fn a_missing_tool_is_a_usage_error_naming_it() {
    let empty = tempfile::tempdir().unwrap();
    let output = run_with_path(&["check", "--helm", CHART], empty.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("`helm` is not on the PATH") && stderr.contains("| kubecheck check -"),
        "{stderr}"
    );
    let output = run_with_path(
        &["check", "--kustomize", "tests/fixtures/rendered/kustomize"],
        empty.path(),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("neither `kustomize` nor `kubectl` is on the PATH"),
        "{stderr}"
    );
    let output = run_with_path(&["check", "--values", VALUES, "x.yaml"], empty.path());
    assert_eq!(output.status.code(), Some(2), "--values needs --helm");
}

#[test]
fn kustomize_output_is_checked_as_built() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .any(|dir| dir.join("kustomize").is_file() || dir.join("kubectl").is_file());
    assert!(
        found,
        "neither kustomize nor kubectl is on the PATH: run scripts/setup.sh --test"
    );
    let output = run_with_path(
        &[
            "check",
            "--format",
            "json",
            "--only",
            "privileged-container",
            "--kustomize",
            "tests/fixtures/rendered/kustomize",
        ],
        Path::new(&path),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_report(&output);
    let [finding] = findings(&report).as_slice() else {
        panic!("one finding: {report:#}");
    };
    // The name kustomize gave it (`namePrefix: prod-`), in the built stream.
    assert_eq!(finding["resource"]["name"], "prod-web");
    let source = finding["location"]["source"].as_str().unwrap();
    assert!(
        source.ends_with("kustomize tests/fixtures/rendered/kustomize"),
        "{source}"
    );
}
