//! The CI formats (`github`, `junit`, `gitlab`) and baselines, through the binary.

use std::collections::HashSet;

use kubecheck_tests::{json_report, run_kubecheck};
use serde_json::Value;

const RISKY: &str = "examples/manifests/risky-deployment.yaml";

/// A Pod whose name and image try to break out of the format they are printed in.
const HOSTILE: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: \"evil\\n::error file=x::forged,<b>&'\"
spec:
  containers:
  - name: \"app%0A::warning::forged\"
    image: nginx:1.27
    securityContext:
      privileged: true
";

fn stdout(args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, String) {
    let output = run_kubecheck(args, stdin);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn finding_count(path: &str) -> usize {
    let output = run_kubecheck(&["check", "--format", "json", path], None);
    json_report(&output)["findings"].as_array().unwrap().len()
}

#[test]
fn github_format_annotates_each_finding_on_its_line() {
    let (code, out) = stdout(&["check", "--format", "github", RISKY], None);
    assert_eq!(code, Some(1));
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), finding_count(RISKY));
    assert!(
        commands.iter().any(|l| l.starts_with(&format!(
            "::error file={RISKY},line=26,col=23,endLine=26,endColumn=27,title=kubecheck privileged-container (critical)::"
        ))),
        "{out}"
    );
    assert!(
        commands.iter().any(|l| l.starts_with("::warning ")),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("kubecheck: "),
        "{out}"
    );
}

#[test]
fn github_format_cannot_be_made_to_issue_other_commands() {
    let (_, out) = stdout(
        &[
            "check",
            "--format",
            "github",
            "--only",
            "privileged-container",
        ],
        Some(HOSTILE.as_bytes()),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one annotation and the summary: {out}");
    assert!(lines[0].starts_with("::error file=<stdin>,line="), "{out}");
    // The only `::` that opens a command is ours; the forged ones are inert text.
    assert_eq!(lines[0].matches("::error").count(), 1, "{out}");
    assert!(!lines[0].contains("%0A::warning"), "{out}");
    assert!(
        lines[0].contains("%250A"),
        "a literal `%0A` stays text: {out}"
    );
}

#[test]
fn junit_format_is_one_failed_test_case_per_finding() {
    let (code, out) = stdout(&["check", "--format", "junit", RISKY], None);
    assert_eq!(code, Some(1));
    let findings = finding_count(RISKY);
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(out.contains(&format!(
        "tests=\"{findings}\" failures=\"{findings}\" errors=\"0\""
    )));
    assert_eq!(out.matches("<failure ").count(), findings);
    assert_eq!(out.matches("<testcase ").count(), findings);
    assert!(out.trim_end().ends_with("</testsuites>"));

    let (_, hostile) = stdout(
        &[
            "check",
            "--format",
            "junit",
            "--only",
            "privileged-container",
        ],
        Some(HOSTILE.as_bytes()),
    );
    assert!(hostile.contains("&lt;b&gt;&amp;&apos;"), "{hostile}");
    assert!(!hostile.contains("<b>"), "{hostile}");

    let (code, clean) = stdout(
        &["check", "--format", "junit"],
        Some(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
    );
    assert_eq!(code, Some(0));
    assert!(clean.contains("tests=\"1\" failures=\"0\""), "{clean}");
    assert!(
        clean.contains("1 resources checked, no findings"),
        "{clean}"
    );
}

#[test]
fn gitlab_format_is_a_code_quality_report_with_unique_fingerprints() {
    let (code, out) = stdout(&["check", "--format", "gitlab", RISKY], None);
    assert_eq!(code, Some(1));
    let issues: Value = serde_json::from_str(&out).expect("JSON");
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), finding_count(RISKY));
    let mut fingerprints = HashSet::new();
    for issue in issues {
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap()));
        assert_eq!(issue["location"]["path"], RISKY);
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() > 0);
        assert!(!issue["description"].as_str().unwrap().is_empty());
    }
    assert!(issues
        .iter()
        .any(|i| i["check_name"] == "privileged-container" && i["severity"] == "blocker"));
}

#[test]
fn a_baseline_reports_only_new_findings_when_every_line_moved() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("app.yaml");
    let baseline = dir.path().join("baseline.json");
    let original = std::fs::read_to_string(kubecheck_tests::repo_root().join(RISKY)).unwrap();
    std::fs::write(&manifest, &original).unwrap();
    let path = manifest.to_str().unwrap();
    let write = run_kubecheck(
        &[
            "check",
            "--format",
            "json",
            "--write-baseline",
            baseline.to_str().unwrap(),
            path,
        ],
        None,
    );
    let written: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    assert_eq!(written, json_report(&write), "the baseline is the report");
    let before = written["findings"].as_array().unwrap().len();
    assert!(before > 0);

    // Every line shifts down two, and `hostIPC: true` is a new finding.
    let changed = format!("# owned by team a\n# reviewed 2026-11\n{original}").replacen(
        "hostPID: true",
        "hostPID: true\n      hostIPC: true",
        1,
    );
    assert_ne!(changed, original);
    std::fs::write(&manifest, changed).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(path);
        let output = run_kubecheck(&args, None);
        (output.status.code(), json_report(&output))
    };
    let (_, all) = check(&[]);
    assert_eq!(all["findings"].as_array().unwrap().len(), before + 1);
    let (code, new) = check(&["--baseline", baseline.to_str().unwrap()]);
    let new_findings = new["findings"].as_array().unwrap();
    assert_eq!(new_findings.len(), 1, "{new_findings:#?}");
    assert!(new_findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("hostIPC"));
    assert_eq!(code, Some(1), "the new finding is high");
    let known = new["suppressed"].as_array().unwrap();
    assert_eq!(known.len(), before);
    assert!(known.iter().all(|f| f["suppression"]["by"] == "baseline"));
}

#[test]
fn a_baseline_that_is_not_a_report_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("baseline.sarif");
    std::fs::write(&bad, "{\"version\": \"2.1.0\", \"runs\": []}").unwrap();
    let output = run_kubecheck(&["check", "--baseline", bad.to_str().unwrap(), RISKY], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a kubecheck JSON report"), "{stderr}");
}
