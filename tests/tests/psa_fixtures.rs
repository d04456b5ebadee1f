//! The Pod Security Standards controls against the upstream Pod Security Admission
//! fixtures (`../shared/corpus/psa`, see its README): for every level and policy version
//! directory, one `kubecheck check --pss LEVEL:VERSION --only pss` run; every `fail/`
//! fixture must get a finding of its check id, and no `pass/` fixture a PSS finding.
//! One cause is one finding (core/src/fold.rs): a hostPath volume breaks both
//! `hostPathVolumes` and `restrictedVolumes`, and the finding names the other rules in
//! `relatedRules`; their controls (from `kubecheck rules`) count as reported too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kubecheck_tests::{corpus, json_report, run_kubecheck};

/// One row of `expected.tsv`.
struct Expectation {
    file: String,
    check_id: String,
    fail: bool,
}

/// `expected.tsv` grouped by `<level>/<version>` directory.
fn expectations(psa: &Path) -> BTreeMap<(String, String), Vec<Expectation>> {
    let tsv = std::fs::read_to_string(psa.join("expected.tsv")).expect("expected.tsv");
    let mut by_dir: BTreeMap<(String, String), Vec<Expectation>> = BTreeMap::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "malformed row: {line}");
        by_dir
            .entry((cols[1].to_owned(), cols[2].to_owned()))
            .or_default()
            .push(Expectation {
                file: cols[0].to_owned(),
                check_id: cols[3].to_lowercase(),
                fail: match cols[4] {
                    "fail" => true,
                    "pass" => false,
                    other => panic!("unknown expectation `{other}` in: {line}"),
                },
            });
    }
    by_dir
}

/// The PSS control (lower-cased) of each rule that implements one, from `kubecheck rules`.
fn rule_controls() -> BTreeMap<String, String> {
    let output = run_kubecheck(&["rules", "--format", "json"], None);
    assert_eq!(output.status.code(), Some(0), "kubecheck rules failed");
    let rules = json_report(&output);
    rules
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|rule| {
            let control = rule["pss"]["control"].as_str()?;
            Some((rule["id"].as_str()?.to_owned(), control.to_lowercase()))
        })
        .collect()
}

/// The PSS controls (lower-cased) reported per source file name, from one run over `dir`:
/// each finding's own control and those of the rules folded into it.
fn controls_by_file(
    level: &str,
    version: &str,
    dir: &Path,
    rule_controls: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let target = format!("{level}:{version}");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    let output = run_kubecheck(
        &[
            "check", "--format", "json", "--pss", &target, "--only", "pss", dir_arg,
        ],
        None,
    );
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{target}: exit code {code:?}; stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_report(&output);
    let errors = report["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(errors, 0, "{target}: input errors: {}", report["errors"]);
    let mut controls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for finding in report["findings"].as_array().expect("findings") {
        let source = finding["location"]["source"].as_str().expect("source");
        let file = Path::new(source)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name");
        let parent = Path::new(source)
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let entry = controls.entry(format!("{parent}/{file}")).or_default();
        if let Some(control) = finding["pss"]["control"].as_str() {
            entry.insert(control.to_lowercase());
        }
        for related in finding["relatedRules"].as_array().into_iter().flatten() {
            let rule = related.as_str().expect("rule id");
            if let Some(control) = rule_controls.get(rule) {
                entry.insert(control.clone());
            }
        }
    }
    controls
}

#[test]
fn pss_controls_agree_with_the_upstream_admission_fixtures() {
    let Some(psa) = corpus("psa") else { return };
    let mut total = 0;
    let mut agreed = 0;
    let mut mismatches = Vec::new();
    let rule_controls = rule_controls();
    for ((level, version), rows) in expectations(&psa) {
        let controls = controls_by_file(
            &level,
            &version,
            &psa.join(&level).join(&version),
            &rule_controls,
        );
        for row in rows {
            total += 1;
            // `<level>/<version>/<expect>/<name>.yaml` is keyed as `<expect>/<name>.yaml`.
            let key: Vec<&str> = row.file.rsplitn(3, '/').take(2).collect();
            let key = format!("{}/{}", key[1], key[0]);
            let found = controls.get(&key).cloned().unwrap_or_default();
            let ok = if row.fail {
                found.contains(&row.check_id)
            } else {
                found.is_empty()
            };
            if ok {
                agreed += 1;
            } else if row.fail {
                mismatches.push(format!(
                    "{}: expected `{}`, got {found:?}",
                    row.file, row.check_id
                ));
            } else {
                mismatches.push(format!(
                    "{}: expected no PSS finding, got {found:?}",
                    row.file
                ));
            }
        }
    }
    println!("PSA fixtures: {agreed} of {total} agree");
    assert!(total > 0, "no fixtures found under {}", psa.display());
    assert!(
        mismatches.is_empty(),
        "{agreed} of {total} fixtures agree; {} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
