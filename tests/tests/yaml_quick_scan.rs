//! The quick scan (`core/src/yaml/quick_scan.rs`) reads most documents without saphyr's
//! scanner; it must give the trees saphyr gives, spans and duplicate keys included. Every
//! document of the corpora and of the repository's own inputs is parsed both ways, and
//! the share read quickly is held up.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use kubecheck_core::yaml::{
    parse_documents, parse_documents_with_saphyr, quick_scan_refusals, Document,
};
use kubecheck_tests::{corpus, repo_root};

fn manifests_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            manifests_under(&path, out);
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

/// The first way the two parses differ, if any.
fn difference(text: &str) -> Option<String> {
    let quick = parse_documents(text);
    let reference = parse_documents_with_saphyr(text);
    if quick.len() != reference.len() {
        return Some(format!(
            "{} documents, saphyr {}",
            quick.len(),
            reference.len()
        ));
    }
    quick
        .iter()
        .zip(&reference)
        .find(|(q, r)| !same(q, r))
        .map(|(q, r)| format!("document {}:\nquick:  {q:?}\nsaphyr: {r:?}", r.index))
}

/// Compared as printed: a `.nan` is not equal to itself.
fn same(a: &Document, b: &Document) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Parses every file both ways; returns the share of bytes read quickly, and prints what
/// the rest uses.
fn compare_all(dirs: &[PathBuf]) -> f64 {
    let mut files = Vec::new();
    for dir in dirs {
        manifests_under(dir, &mut files);
    }
    assert!(!files.is_empty(), "no manifests under {dirs:?}");
    let mut total = 0;
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not UTF-8: refused before parsing
        };
        if let Some(diff) = difference(&text) {
            failures.push(format!("{}: {diff}", path.display()));
        }
        for (why, bytes) in quick_scan_refusals(&text) {
            *refused.entry(why).or_default() += bytes;
        }
        total += text.len();
    }
    assert!(
        failures.is_empty(),
        "{} of {} files parse differently:\n{}",
        failures.len(),
        files.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
    let mut refused: Vec<_> = refused.into_iter().collect();
    refused.sort_by_key(|&(_, bytes)| std::cmp::Reverse(bytes));
    for (why, bytes) in &refused {
        eprintln!("  left to saphyr: {bytes:>9} bytes: {why}");
    }
    1.0 - refused.iter().map(|(_, bytes)| bytes).sum::<usize>() as f64 / total as f64
}

#[test]
fn the_real_corpus_parses_the_same_and_mostly_quickly() {
    let Some(real) = corpus("real") else { return };
    let share = compare_all(&[real]);
    eprintln!("real corpus: {share:.3} of the bytes read quickly");
    assert!(share > 0.9, "only {share:.3} of the corpus read quickly");
}

#[test]
fn the_pod_security_fixtures_parse_the_same() {
    let Some(psa) = corpus("psa") else { return };
    let share = compare_all(&[psa]);
    eprintln!("psa fixtures: {share:.3} of the bytes read quickly");
}

#[test]
fn the_repositorys_own_inputs_parse_the_same() {
    let root = repo_root();
    compare_all(&[
        root.join("examples"),
        root.join("core/tests"),
        root.join("tests/fixtures"),
    ]);
}

/// Small documents at the edges of the quick scan's subset, each parsed both ways.
#[test]
fn edge_documents_parse_the_same() {
    let documents = [
        "a: 1\nb:\n  c: x y  \n  d:\n  - 1\n  - k: v\n    j: w\n# c\ne: \"q\" # c\n",
        "f: |\n  lit\n   x\n\ng: >-\n  fold\n  ed\n\n\nh: []\ni: {}\n",
        "a:\nb: 1\nc:   \n",
        "a: 1\nb:\n- x\n-\n- y\n-   # c\n",
        "a: 1\n# end\n\n",
        "a: 1",
        "a: 1\nb: 2   ",
        "a:\n  - x\n  -\nb: 1\n",
        "k:\n-\n  a: 1\n",
        "a: |\n\n  x\n  y\n\n# c\nb: 1\n",
        "a: |-\n  x\n",
        "a: |+\n  x\n\n\n",
        "a: |\n  x",
        "- |\n  x\n- >\n  a\n  b\n\n  c\n",
        "a: |\nb: 1\n",
        "a: |  # com\n  x\n",
        "m:\n  a: |\n    x\n  # c\n  b: 1\n",
        "\"k\" : v\n'a''b': 2\na  : 1\na:b: 1\nc: d # e\n",
        "a: >-\n  x\n\n\n  y\n  z\n",
        "- - x\n  - y\n-\n- c\n",
        "---\na: 1\n---\n# only a comment\n---\nb: [ ]\n",
        "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n",
        "<<:\n  a: 1\nb: 2\n",
        "a: \"x\"y\n",
        "a: 'it''s'\nb: \"tab\\t\"\n",
        "a: b: c\n",
        "a:\n  b\n",
        "a: x\n  y\n",
        "  a: 1\nb: 2\n",
        "- a\n  b: 1\n",
        "a: |2\n   x\n",
        "a: |\n  x\n    y\n  z\n",
        "a: >\n  x\n    y\n  z\n",
        "a: |\n   \n  x\n",
        "a: |\n  x\n   \n",
        "a: |\n  x\n \n",
        "k: \u{e9}t\u{e9} # \u{fc}\nl: \"\u{e9}\"\n",
        "- k: [ ]\n- []\n- {}  # c\n",
        "a: []  # c\nb: {}  # c\nc: []  \nd: { }\n",
        "k: [a, \"b\" , c ]\nl: [ x ]  # c\nm: ['y', -1, a b]\n",
        "- [x]\n- [\"a b\",  'c'] # c\n- [a,]\n",
        "- [a, , b]\n",
        "- [-]\n",
        "- [a: 1]\n",
        "- [\"a\":1]\n",
        "- [a, [b]]\n",
        "- [a\n  , b]\n",
        "k:\n- [a]\n- b\n",
        "k:\n- []\n",
        "a: -1\nb: --x\nc: ~\nd: null\ne: yes\nf: 0x10\ng: .NaN\nh: [.nan]\n",
        "a:    # c\n  - 1\n",
        "",
        "# nothing\n",
        "---\n",
        "--- # c\na: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n...\n",
    ];
    for text in documents {
        assert_eq!(difference(text), None, "{text:?}");
    }
    // Deeper than the builder takes: left to saphyr, whose refusal is the same either
    // way, and no stack spent a level at a time.
    for text in [
        format!("{}x\n", "- ".repeat(10_000)),
        (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
    ] {
        assert_eq!(difference(&text), None);
        assert_eq!(quick_scan_refusals(&text).len(), 1);
    }
}

/// The shapes manifests are made of are read quickly, not only read the same.
#[test]
fn common_shapes_are_read_quickly() {
    let documents = [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a  # c\n  labels: {}\nspec:\n  containers:\n  - name: a\n    image: \"nginx:1.27\"\n    args: [\"--port\", '8080', -v]\n    command:\n      - sh\n",
        "data:\n  config: |\n    key = value\n\n    other = 1\n  folded: >-\n    one\n    two\n",
        "description: A long text\n  wrapped over lines\n\n  with a paragraph.\nquoted: \"first line\n  second \\u00e9 line\"\n",
        "---\n# comment\nitems:\n-\n  a: 1\n- - x\n  - y\n- []\n",
    ];
    for text in documents {
        assert_eq!(quick_scan_refusals(text), [], "{text:?}");
        assert_eq!(difference(text), None, "{text:?}");
    }
}
