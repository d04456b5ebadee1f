//! Baselines: a legacy repository adopts kubecheck by recording today's findings
//! (`--write-baseline`) and failing only on new ones (`--baseline`). Findings are matched
//! by the fingerprint SARIF uses (rule, source, resource, JSON pointer), not by line, so
//! edits that move lines keep matching; each baseline entry matches one finding, so a
//! second copy of a known problem is new.

use std::collections::HashMap;

use crate::output::identity::fingerprint;
use crate::report::{Report, Summary, Suppression};

/// Moves the findings of `report` that `baseline` (an earlier JSON report, named `name`)
/// already had to `suppressed`, with `by: "baseline"`, and counts again.
pub fn apply(report: &mut Report, baseline: &Report, name: &str) {
    let mut known: HashMap<String, usize> = HashMap::new();
    for f in &baseline.findings {
        *known.entry(fingerprint(f)).or_default() += 1;
    }
    let findings = std::mem::take(&mut report.findings);
    for mut f in findings {
        match known.get_mut(&fingerprint(&f)).filter(|n| **n > 0) {
            Some(left) => {
                *left -= 1;
                f.suppression = Some(Suppression {
                    by: "baseline".into(),
                    reason: format!("in the baseline {name}"),
                });
                report.suppressed.push(f);
            }
            None => report.findings.push(f),
        }
    }
    report.summary = Summary::count(
        &report.findings,
        report.summary.resources,
        report.suppressed.len(),
        report.summary.errors,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options, Source};

    const BEFORE: &str = "\
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

    #[test]
    fn only_new_findings_remain_when_lines_move() {
        let options = Options {
            only: vec!["privileged-container".into(), "host-namespaces".into()],
            ..Options::default()
        };
        let baseline = check(vec![Source::new("pod.yaml", BEFORE)], &options);
        assert_eq!(baseline.findings.len(), 1);
        // Three lines of comments shift everything; `hostPID` is new.
        let after = format!("# a\n# b\n# c\n{BEFORE}").replace(
            "spec:\n  containers:",
            "spec:\n  hostPID: true\n  containers:",
        );
        let mut report = check(vec![Source::new("pod.yaml", after)], &options);
        assert_eq!(report.findings.len(), 2);
        apply(&mut report, &baseline, "old.json");
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["host-namespaces"]);
        assert_eq!(report.summary.findings, 1);
        assert_eq!(report.summary.suppressed, 1);
        let known = &report.suppressed[0];
        assert_eq!(known.rule, "privileged-container");
        assert_eq!(
            known.location.line, 14,
            "located where it is now (3 + 1 lines down)"
        );
        assert_eq!(known.suppression.as_ref().unwrap().by, "baseline");
    }

    #[test]
    fn a_second_copy_of_a_known_finding_is_new() {
        let options = Options {
            only: vec!["privileged-container".into()],
            ..Options::default()
        };
        let baseline = check(vec![Source::new("pod.yaml", BEFORE)], &options);
        let two = BEFORE.replace(
            "    securityContext:\n      privileged: true\n",
            "    securityContext:\n      privileged: true\n  - name: sidecar\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n",
        );
        let mut report = check(vec![Source::new("pod.yaml", two)], &options);
        apply(&mut report, &baseline, "old.json");
        assert_eq!(report.findings.len(), 1);
        assert!(
            report.findings[0].message.contains("sidecar"),
            "{:?}",
            report.findings[0]
        );
    }
}
