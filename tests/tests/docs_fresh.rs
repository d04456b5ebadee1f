//! `docs/rules.md` is generated from the rule registry; this fails when it is stale.

use kubecheck_tests::{repo_root, run_kubecheck};

#[test]
fn rules_reference_is_up_to_date() {
    let output = run_kubecheck(&["rules", "--format", "markdown"], None);
    assert_eq!(output.status.code(), Some(0));
    let generated = String::from_utf8(output.stdout).expect("markdown is UTF-8");
    let path = repo_root().join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let diff = similar::TextDiff::from_lines(&committed, &generated);
        panic!(
            "docs/rules.md is stale; regenerate it with `scripts/gen-docs.sh`.\n\
             Difference (- committed, + generated):\n{}",
            diff.unified_diff()
                .context_radius(2)
                .header("docs/rules.md", "kubecheck rules --format markdown")
        );
    }
}
