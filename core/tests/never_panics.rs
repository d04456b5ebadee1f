//! Property tests: `check` never panics, on arbitrary bytes or on YAML-like text built
//! from the pieces that trip parsers (indents, `-`, `:`, quotes, anchors, aliases, merge
//! keys, document markers, tabs), and every location it reports lies inside the source.

use kubecheck_core::report::Report;
use kubecheck_core::{check, Options, Source};
use proptest::prelude::*;

/// Every rule, including those off by default.
fn all_rules() -> Options {
    Options {
        enable: vec!["all".into()],
        ..Options::default()
    }
}

/// `(line, column)` is a position in `text`: on one of its lines, at most one past the
/// line's last character (end positions are exclusive), or the start of the line after.
fn inside(text: &str, line: u32, column: u32) -> bool {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(index) = (line as usize).checked_sub(1) else {
        return false;
    };
    match lines.get(index) {
        Some(l) => column >= 1 && column as usize <= l.chars().count() + 1,
        None => false,
    }
}

fn assert_located(report: &Report, text: &str) -> Result<(), TestCaseError> {
    for finding in report.findings.iter().chain(&report.suppressed) {
        let loc = &finding.location;
        prop_assert!(
            inside(text, loc.line, loc.column),
            "start outside the source: {:?}",
            finding
        );
        prop_assert!(
            inside(text, loc.end_line, loc.end_column),
            "end outside the source: {:?}",
            finding
        );
        prop_assert!((loc.end_line, loc.end_column) >= (loc.line, loc.column));
        for edit in finding.fix.iter().flat_map(|f| &f.edits) {
            prop_assert!(inside(text, edit.line, edit.column), "{:?}", edit);
            prop_assert!(inside(text, edit.end_line, edit.end_column), "{:?}", edit);
        }
    }
    for error in &report.errors {
        prop_assert!(
            inside(text, error.line, error.column),
            "error outside the source: {:?}",
            error
        );
    }
    Ok(())
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "apiVersion",
        "kind",
        "metadata",
        "name",
        "namespace",
        "annotations",
        "labels",
        "spec",
        "template",
        "containers",
        "initContainers",
        "image",
        "securityContext",
        "privileged",
        "hostPID",
        "hostNetwork",
        "capabilities",
        "add",
        "volumes",
        "hostPath",
        "path",
        "items",
        "rules",
        "verbs",
        "resources",
        "<<",
        "kubecheck.io/ignore",
        "\"quoted key\"",
        "? complex",
        "x",
    ])
    .prop_map(str::to_owned)
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "v1",
            "apps/v1",
            "Pod",
            "Deployment",
            "List",
            "PodList",
            "CronJob",
            "true",
            "yes",
            "off",
            "\"true\"",
            "'single'",
            "\"esc\\\"aped\"",
            "1",
            "-1.5",
            "0x1f",
            "1e3",
            "null",
            "~",
            "[]",
            "{}",
            "[a, b]",
            "{a: 1, b: [c]}",
            "&a x",
            "*a",
            "&b",
            "*b",
            "|",
            "|-",
            ">",
            "!!str 1",
            "!custom x",
            "\"unterminated",
            "'",
            "#comment",
            "a # b",
            "nginx:latest",
            "SYS_ADMIN",
            "[\"*\"]",
            "all # reason",
            ": :",
            "- -",
            "\t",
            "é✓",
            "\u{feff}",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,12}",
    ]
}

/// One line: indentation, an optional sequence dash, and a key with a value, a bare
/// value, or a document/directive marker.
fn line() -> impl Strategy<Value = String> {
    let indent = prop::sample::select(vec!["", " ", "  ", "    ", "      ", "\t", "  \t"]);
    let dash = prop::sample::select(vec!["", "- ", "-", "- - "]);
    let body = prop_oneof![
        6 => (key(), scalar()).prop_map(|(k, v)| format!("{k}: {v}")),
        2 => key().prop_map(|k| format!("{k}:")),
        2 => scalar(),
        1 => prop::sample::select(vec!["---", "...", "--- !tag", "%YAML 1.2", "%TAG ! x", "- "])
            .prop_map(str::to_owned),
    ];
    (indent, dash, body).prop_map(|(i, d, b)| format!("{i}{d}{b}"))
}

fn yamlish() -> impl Strategy<Value = String> {
    let head = prop::sample::select(vec![
        "",
        "apiVersion: v1\nkind: Pod\n",
        "apiVersion: apps/v1\nkind: Deployment\n",
        "apiVersion: batch/v1\nkind: CronJob\n",
        "apiVersion: v1\nkind: List\nitems:\n",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": ",
    ]);
    let newline = prop::sample::select(vec!["\n", "\r\n"]);
    (head, prop::collection::vec(line(), 0..40), newline)
        .prop_map(|(head, lines, nl)| format!("{head}{}", lines.join(nl)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(source) = Source::from_bytes("bytes.yaml", &bytes) {
            let text = source.text.clone();
            let report = check(vec![source], &all_rules());
            assert_located(&report, &text)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn yaml_like_text_never_panics_and_stays_located(text in yamlish()) {
        let report = check(vec![Source::new("fuzz.yaml", text.clone())], &all_rules());
        assert_located(&report, &text)?;
    }
}
