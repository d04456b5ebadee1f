//! Per-rule fixtures and snapshots: `fixtures/<rule-id>.yaml` holds objects that must fire
//! (`metadata.name: fire-…`) and objects that must not (`dont-fire-…`), each with a comment
//! saying why; `snapshots/<rule-id>.snap` is the text report of that file with only that
//! rule enabled, exactly as `kubecheck check --only <rule-id> core/tests/fixtures/<rule-id>.yaml`
//! prints it with `NO_COLOR`. Reviewing a snapshot is reviewing what a user sees.
//!
//! A changed finding fails here until the snapshot is accepted: run with
//! `INSTA_UPDATE=always`, then review the `.snap` diff. CI sets `INSTA_UPDATE=no`, so a
//! stale or missing snapshot fails it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use kubecheck_core::output::text;
use kubecheck_core::rules::Rule;
use kubecheck_core::{check, Input, Options, Source, RULES};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The fixture's name as the text report shows it: the path from the repository root, so
/// the snapshot is what the CLI prints when run from there.
fn source_name(rule: &Rule) -> String {
    format!("core/tests/fixtures/{}.yaml", rule.id)
}

fn fixture(rule: &Rule) -> Source {
    let path = tests_dir().join(format!("fixtures/{}.yaml", rule.id));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (every rule needs a fixture)", path.display()));
    Source::new(source_name(rule), text)
}

/// The rule alone, also when it is off by default; other options as the CLI's defaults,
/// except an allowlist of registries (`allowedRegistries: [registry.example.com]`), which
/// only `image-registry-not-allowed` reads.
fn only(rule: &Rule) -> Options {
    Options {
        only: vec![rule.id.to_owned()],
        enable: vec![rule.id.to_owned()],
        allowed_registries: vec!["registry.example.com".to_owned()],
        ..Options::default()
    }
}

/// The cases of a fixture: `(kind, name)` of each object named `fire-…` or `dont-fire-…`.
/// Other objects (a Namespace, a binding, a policy) only give the cases their context.
fn cases(source: &Source) -> Vec<(String, String)> {
    let input = Input::parse(vec![source.clone()]);
    let (objects, errors) = input.objects();
    assert!(errors.is_empty(), "{}: {errors:?}", source.name);
    objects
        .iter()
        .filter_map(|o| {
            let name = o.name()?;
            (name.starts_with("fire-") || name.starts_with("dont-fire-"))
                .then(|| (o.kind.to_string(), name.to_owned()))
        })
        .collect()
}

/// Every `fire-…` object has a finding of the rule, no other object has one.
fn assert_fires_where_named(rule: &Rule, source: &Source) {
    let cases = cases(source);
    let unique: BTreeSet<_> = cases.iter().collect();
    assert_eq!(unique.len(), cases.len(), "{}: case names repeat", rule.id);
    let report = check(vec![source.clone()], &only(rule));
    assert!(report.errors.is_empty(), "{}: {:?}", rule.id, report.errors);
    let mut found: HashMap<(String, String), usize> = HashMap::new();
    for finding in &report.findings {
        assert_eq!(finding.rule, rule.id);
        let name = finding.resource.name.clone().unwrap_or_default();
        assert!(
            name.starts_with("fire-"),
            "{}: finding on `{} {name}`, which is not a `fire-` case: {}",
            rule.id,
            finding.resource.kind,
            finding.message
        );
        *found
            .entry((finding.resource.kind.clone(), name))
            .or_default() += 1;
    }
    for (kind, name) in &cases {
        let count = found
            .get(&(kind.clone(), name.clone()))
            .copied()
            .unwrap_or(0);
        if name.starts_with("fire-") {
            assert!(count > 0, "{}: `{kind} {name}` does not fire", rule.id);
        }
    }
    let fires = cases.iter().filter(|(_, n)| n.starts_with("fire-")).count();
    assert!(
        fires > 0 && fires < cases.len(),
        "{}: a fixture needs `fire-` and `dont-fire-` cases",
        rule.id
    );
}

fn rendered(rule: &Rule, source: Source) -> String {
    let report = check(vec![source.clone()], &only(rule));
    text(&report, &[source], false)
}

#[test]
fn every_rule_fires_on_its_fire_cases_only_and_matches_its_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(tests_dir().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for rule in RULES {
            let source = fixture(rule);
            assert_fires_where_named(rule, &source);
            insta::assert_snapshot!(rule.id, rendered(rule, source));
        }
    });
}

/// Every rule has a fixture and a snapshot, and there is none for a rule that is gone.
#[test]
fn fixtures_and_snapshots_are_those_of_the_registry() {
    let ids: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    let stems = |dir: &str, extension: &str| -> BTreeSet<String> {
        std::fs::read_dir(tests_dir().join(dir))
            .unwrap_or_else(|e| panic!("tests/{dir}: {e}"))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(stems("fixtures", "yaml"), ids, "tests/fixtures/*.yaml");
    assert_eq!(stems("snapshots", "snap"), ids, "tests/snapshots/*.snap");
}
