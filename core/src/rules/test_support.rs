//! What the category tests share: run one rule on a manifest and see where it fired.
//! The fire / don't-fire cases of each rule are fixtures (`core/tests/fixtures/`, checked
//! and snapshotted by `core/tests/rule_fixtures.rs`); the tests here check what those
//! cannot show: other options, several sources, fixes.

use crate::report::Finding;
use crate::{check, Options, Source};

/// The findings of `rule` alone on `yaml`, after `tweak` adjusts the options. The
/// manifest must parse cleanly.
pub fn run(rule: &str, yaml: &str, tweak: impl FnOnce(&mut Options)) -> Vec<Finding> {
    let mut options = Options {
        only: vec![rule.to_owned()],
        ..Options::default()
    };
    tweak(&mut options);
    let report = check(vec![Source::new("test.yaml", yaml)], &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.findings.iter().all(|f| f.rule == rule));
    report.findings
}

/// `(line, path)` of each finding of `rule` in `yaml`.
pub fn located(rule: &str, yaml: &str) -> Vec<(u32, String)> {
    run(rule, yaml, |_| {})
        .into_iter()
        .map(|f| (f.location.line, f.location.path))
        .collect()
}

/// The fixture of `rule` (`core/tests/fixtures/<rule>.yaml`), for a test that runs it again
/// with other options or more input.
pub fn fixture(rule: &str) -> String {
    let path = format!("{}/tests/fixtures/{rule}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
