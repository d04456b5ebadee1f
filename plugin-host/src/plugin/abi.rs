//! ABI v1 as the host uses it: the names and documents are `kubecheck-plugin-abi`'s,
//! their checks the core's (`kubecheck_core::plugin_abi`), shared with the browser app.

pub use kubecheck_core::plugin_abi::unpack;
pub use kubecheck_core::plugin_abi::{
    is_name, AbiError, CheckInput, CheckOutput, Metadata, Resource, ABI_VERSION,
    EXPORT_ABI_VERSION, EXPORT_ALLOC, EXPORT_CHECK, EXPORT_INITIALIZE, EXPORT_MEMORY,
    EXPORT_METADATA, IMPORT_LOG, REQUIRED_FUNCTIONS,
};
use serde_json::Value as Json;

use super::error::PluginError;

/// The input document as bytes; the objects are borrowed, as every plugin of a run gets
/// the same ones.
pub fn input_document(settings: &Json, resources: &[Resource]) -> Vec<u8> {
    let borrowed = resources
        .iter()
        .map(|r| Resource {
            id: r.id,
            source: r.source.clone(),
            object: &r.object,
        })
        .collect();
    // Serialising a tree of JSON values into memory cannot fail.
    serde_json::to_vec(&CheckInput::new(settings.clone(), borrowed)).unwrap_or_default()
}

impl From<AbiError> for PluginError {
    fn from(error: AbiError) -> Self {
        match error {
            AbiError::Metadata(m) => PluginError::BadMetadata(m),
            AbiError::Output(m) => PluginError::BadOutput(m),
            AbiError::Reported(m) => PluginError::Reported(m),
        }
    }
}

/// Checks an output against the plugin's rules and the resources it was given.
pub fn validate(
    output: &CheckOutput,
    metadata: &Metadata,
    resources: &[Resource],
) -> Result<(), PluginError> {
    let resolves = |id: u64, path: &str| resources[id as usize].object.pointer(path).is_some();
    Ok(output.validate(metadata, resources.len(), resolves)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Metadata {
        kubecheck_core::plugin_abi::parse_metadata(
            br#"{"name":"acme","version":"1","rules":[{"id":"r1","title":"t","category":"patching","severity":"low"}]}"#,
        )
        .unwrap()
    }

    fn resources() -> Vec<Resource> {
        vec![Resource {
            id: 0,
            source: "a.yaml".into(),
            object: serde_json::json!({"metadata": {"labels": {"a/b": "x"}}}),
        }]
    }

    fn check(output: &str) -> Result<(), PluginError> {
        super::validate(
            &CheckOutput::parse(output.as_bytes())?,
            &metadata(),
            &resources(),
        )
    }

    #[test]
    fn metadata_defaults_and_checks() {
        let m = metadata();
        assert!(m.rules[0].enabled_by_default);
        assert_eq!(m.rules[0].description, "");
        let dup = br#"{"name":"acme","version":"1","rules":[
            {"id":"r","title":"t","category":"rbac","severity":"low"},
            {"id":"r","title":"t","category":"rbac","severity":"low"}]}"#;
        assert!(Metadata::parse(dup)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let upper = br#"{"name":"Acme","version":"1","rules":[]}"#;
        assert!(matches!(Metadata::parse(upper), Err(AbiError::Metadata(_))));
        let category = br#"{"name":"acme","version":"1","rules":[{"id":"r","title":"t","category":"Misc","severity":"low"}]}"#;
        assert!(Metadata::parse(category).is_err());
    }

    #[test]
    fn valid_findings_pass() {
        check(r#"{"findings":[{"rule":"r1","resource":0,"path":"/metadata/labels/a~1b","message":"m"}]}"#).unwrap();
        check(r#"{"findings":[],"extra":1}"#).unwrap();
    }

    #[test]
    fn violations_are_named() {
        let cases = [
            (
                r#"{"findings":[{"rule":"nope","resource":0,"path":"","message":"m"}]}"#,
                "unknown rule `nope`",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":1,"path":"","message":"m"}]}"#,
                "out of range",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"/spec","message":"m"}]}"#,
                "does not resolve",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"metadata","message":"m"}]}"#,
                "does not resolve",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":0,"path":"","message":" "}]}"#,
                "empty message",
            ),
            (
                r#"{"findings":[{"rule":"r1","resource":-1,"path":"","message":"m"}]}"#,
                "invalid value",
            ),
            (r#"{"findings":"#, "not JSON"),
        ];
        for (output, expected) in cases {
            let error = check(output).unwrap_err().to_string();
            assert!(error.starts_with("bad output: "), "{error}");
            assert!(error.contains(expected), "{output}: {error}");
        }
    }

    #[test]
    fn invalid_utf8_and_plugin_errors() {
        let error = CheckOutput::parse(b"{\"findings\":[\"\xff\"]}").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not UTF-8 (invalid byte at offset 14)"),
            "{error}"
        );
        let error = CheckOutput::parse(br#"{"error":"bad settings"}"#).unwrap_err();
        assert_eq!(error.to_string(), "plugin error: bad settings");
    }
}
