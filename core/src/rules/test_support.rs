//! What the category tests share: run one rule on a manifest and see where it fired.

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
