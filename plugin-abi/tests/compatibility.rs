//! The compatibility rule of `docs/plugin-abi.md` (section 8): a host accepts a v1
//! document with fields it does not know (a later v1 plugin may send them) and refuses
//! one that lacks a required field or holds a value outside the documented set, with an
//! error that names it.

use kubecheck_plugin_abi::{Category, CheckOutput, Metadata, PatchOp, Severity};
use serde_json::json;

fn metadata(document: serde_json::Value) -> Result<Metadata, String> {
    Metadata::parse(document.to_string().as_bytes()).map_err(|e| e.to_string())
}

#[test]
fn unknown_fields_in_metadata_finding_and_fix_are_ignored() {
    let metadata = metadata(json!({
        "name": "acme", "version": "2.1.0", "homepage": "https://example.com",
        "rules": [{"id": "replica-budget", "title": "Replica budget", "category": "cost",
                   "severity": "medium", "tags": ["finops"], "since": "2.0"}]
    }))
    .unwrap();
    assert_eq!(metadata.rules[0].category.as_str(), "cost");
    assert_eq!(metadata.rules[0].severity, Severity::Medium);
    assert!(metadata.rules[0].enabled_by_default);

    let output = json!({"findings": [{
        "rule": "replica-budget", "resource": 0, "path": "/spec/replicas",
        "message": "`replicas: 10` is over the budget of 3", "confidence": 0.9,
        "fix": {"description": "scale to 3", "safety": "unsafe",
                "patch": [{"op": "replace", "path": "/spec/replicas", "value": 3, "note": "x"}]}
    }], "stats": {"ms": 1}});
    let output = CheckOutput::parse(output.to_string().as_bytes()).unwrap();
    output
        .validate(&metadata, 1, |_, path| path == "/spec/replicas")
        .unwrap();
    let fix = output.findings[0].fix.as_ref().unwrap();
    assert_eq!(
        fix.patch,
        [PatchOp::Replace {
            path: "/spec/replicas".into(),
            value: json!(3)
        }]
    );
}

#[test]
fn a_missing_required_field_is_refused_by_name() {
    let error = metadata(json!({"name": "acme", "version": "1",
        "rules": [{"id": "r", "title": "t", "category": "cost"}]}))
    .unwrap_err();
    assert!(
        error.starts_with("bad metadata: missing field `severity`"),
        "{error}"
    );

    let error = CheckOutput::parse(br#"{"findings":[{"rule":"r","resource":0,"message":"m"}]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("bad output: missing field `path`"),
        "{error}"
    );

    let error = CheckOutput::parse(
        br#"{"findings":[{"rule":"r","resource":0,"path":"","message":"m","fix":{"patch":[]}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("missing field `description`"), "{error}");
}

#[test]
fn values_outside_the_documented_sets_are_refused() {
    let error = metadata(json!({"name": "acme", "version": "1",
        "rules": [{"id": "r", "title": "t", "category": "Cost", "severity": "low"}]}))
    .unwrap_err();
    assert!(error.contains("category `Cost`"), "{error}");
    let error = metadata(json!({"name": "acme", "version": "1",
        "rules": [{"id": "r", "title": "t", "category": "cost", "severity": "urgent"}]}))
    .unwrap_err();
    assert!(error.contains("unknown variant `urgent`"), "{error}");
    let error = CheckOutput::parse(
        br#"{"findings":[{"rule":"r","resource":0,"path":"","message":"m",
            "fix":{"description":"d","patch":[{"op":"move","from":"/a","path":"/b"}]}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("unknown variant `move`"), "{error}");
}

#[test]
fn fixes_stay_inside_the_resource_and_within_bounds() {
    let metadata = metadata(json!({"name": "acme", "version": "1",
        "rules": [{"id": "r", "title": "t", "category": Category::Patching, "severity": "low"}]}))
    .unwrap();
    let check = |fix: serde_json::Value| {
        let output = json!({"findings": [{"rule": "r", "resource": 0, "path": "/spec",
            "message": "m", "fix": fix}]});
        CheckOutput::parse(output.to_string().as_bytes())
            .unwrap()
            .validate(&metadata, 1, |_, path| path == "/spec" || path == "/spec/a")
            .map_err(|e| e.to_string())
    };
    let ok = json!({"description": "d", "patch": [
        {"op": "add", "path": "/spec/b/c", "value": 1},
        {"op": "remove", "path": "/spec/a"}]});
    check(ok).unwrap();
    let too_big = "x".repeat(kubecheck_plugin_abi::MAX_FIX_VALUE_BYTES);
    for (fix, reason) in [
        (
            json!({"description": "d", "patch": [{"op": "remove", "path": "/spec/b"}]}),
            "path `/spec/b` does not resolve",
        ),
        (
            json!({"description": "d", "patch": [{"op": "add", "path": "", "value": {}}]}),
            "not a JSON pointer below the object",
        ),
        (json!({"description": "d", "patch": []}), "0 operations"),
        (
            json!({"description": "a\nb", "patch": [{"op": "remove", "path": "/spec/a"}]}),
            "one line",
        ),
        (
            json!({"description": "d", "patch": [{"op": "add", "path": "/spec/a", "value": too_big}]}),
            "more than 65536",
        ),
    ] {
        let error = check(fix).unwrap_err();
        assert!(error.starts_with("bad output: finding 0: fix: "), "{error}");
        assert!(error.contains(reason), "{reason}: {error}");
    }
}
