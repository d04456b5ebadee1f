//! The real-world corpus (`../shared/corpus/real`: 1,062 files, 2,262 documents written
//! by others): checked without panics, every document read, every finding located at a
//! JSON pointer that exists in its document and starts where the location says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubecheck_core::pointer;
use kubecheck_core::yaml::{parse_documents, Document};
use kubecheck_tests::{corpus, run_kubecheck};
use serde_json::Value;

/// Rules that locate a secret inside the value their pointer names (a password in a
/// connection string, a key in a file).
const SECRET_IN_VALUE_RULES: &[&str] = &[
    "secrets-in-env",
    "secret-in-command-line",
    "secret-in-config-map",
    "secret-in-metadata",
    "secret-in-custom-resource",
];
fn manifest_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            manifest_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

fn corpus_report(dir: &Path) -> Value {
    let output = run_kubecheck(&["check", "--format", "json", dir.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "exit code {:?} on the real corpus; stderr:\n{stderr}",
        output.status.code()
    );
    kubecheck_tests::json_report(&output)
}

#[test]
fn real_corpus_is_read_completely_and_located_exactly() {
    let Some(real) = corpus("real") else { return };
    let report = corpus_report(&real);

    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{} {}",
                e["source"], e["line"], e["column"], e["message"]
            )
        })
        .collect();
    // No document of the corpus is invalid YAML or anything but a Kubernetes object
    // (checked by hand when the corpus was collected), so the exact set is empty.
    assert!(
        errors.is_empty(),
        "documents reported as unreadable:\n{}",
        errors.join("\n")
    );

    // Every document of every file counts: 2,262 documents, more resources (List items).
    let mut files = Vec::new();
    manifest_files(&real, &mut files);
    let mut documents: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        documents.insert(file.display().to_string(), parse_documents(&text));
    }
    let document_count: usize = documents.values().map(Vec::len).sum();
    assert_eq!(files.len(), 1062);
    assert_eq!(document_count, 2262);
    let resources = report["summary"]["resources"].as_u64().unwrap() as usize;
    assert!(resources >= document_count, "{resources} resources");

    let all: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["suppressed"].as_array().unwrap())
        .collect();
    assert!(
        !all.is_empty(),
        "the corpus has known privileged containers"
    );
    for finding in all {
        let loc = &finding["location"];
        let source = loc["source"].as_str().unwrap();
        let docs = documents
            .get(source)
            .unwrap_or_else(|| panic!("finding in a file that was not walked: {source}"));
        let index = loc["document"].as_u64().unwrap() as usize;
        let doc = docs
            .iter()
            .find(|d| d.index == index)
            .unwrap_or_else(|| panic!("{source}: no document {index}"));
        let root = doc
            .result
            .as_ref()
            .expect("findings come from parsed documents");
        let path = loc["path"].as_str().unwrap();
        let node = pointer::resolve(root, path)
            .unwrap_or_else(|| panic!("{source} document {index}: `{path}` does not resolve"));
        let (line, column) = (
            loc["line"].as_u64().unwrap(),
            loc["column"].as_u64().unwrap(),
        );
        assert!(line >= 1 && column >= 1, "{finding}");
        if finding["rule"] == "duplicate-key" {
            // Located on the repeated key itself, before the value the pointer names.
            let key = path
                .rsplit('/')
                .next()
                .unwrap()
                .replace("~1", "/")
                .replace("~0", "~");
            let text = std::fs::read_to_string(source).unwrap();
            let at: String = text
                .lines()
                .nth(line as usize - 1)
                .unwrap_or_default()
                .chars()
                .skip(column as usize - 1)
                .collect();
            assert!(
                at.trim_start_matches(['"', '\'']).starts_with(&key),
                "{source}: duplicate key `{key}` is not at {line}:{column}: {finding}"
            );
            assert!(
                (line, column)
                    <= (
                        u64::from(node.span.start.line),
                        u64::from(node.span.start.column)
                    ),
                "{finding}"
            );
        } else if SECRET_IN_VALUE_RULES.contains(&finding["rule"].as_str().unwrap_or_default()) {
            // Located on the secret itself, inside the value the pointer names.
            let end = (
                loc["endLine"].as_u64().unwrap(),
                loc["endColumn"].as_u64().unwrap(),
            );
            let span = node.span;
            assert!(
                (u64::from(span.start.line), u64::from(span.start.column)) <= (line, column)
                    && end <= (u64::from(span.end.line), u64::from(span.end.column)),
                "{source}: `{path}` does not hold the reported place: {finding}"
            );
        } else {
            assert_eq!(
                (
                    u64::from(node.span.start.line),
                    u64::from(node.span.start.column)
                ),
                (line, column),
                "{source}: `{path}` starts elsewhere than reported: {finding}"
            );
        }
        let end = (
            loc["endLine"].as_u64().unwrap(),
            loc["endColumn"].as_u64().unwrap(),
        );
        assert!(end >= (line, column), "{finding}");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty() && !m.ends_with('.')),
            "message style (no trailing period): {finding}"
        );
    }
}

#[test]
fn real_corpus_gives_the_same_report_twice() {
    let Some(real) = corpus("real") else { return };
    assert_eq!(corpus_report(&real), corpus_report(&real));
}
