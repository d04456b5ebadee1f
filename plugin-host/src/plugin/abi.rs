//! ABI v1 names and the input document (`docs/plugin-abi.md`, sections 1 and 4). The
//! metadata and output documents, and their checks, are the core's
//! (`kubecheck_core::plugin_abi`), shared with the browser app.

use kubecheck_core::plugin_abi::AbiError;
pub use kubecheck_core::plugin_abi::{is_name, Metadata, PluginOutput};
use serde::Serialize;
use serde_json::Value as Json;

use super::error::PluginError;

/// The ABI version this host speaks.
pub const ABI_VERSION: i32 = 1;

pub const EXPORT_MEMORY: &str = "memory";
pub const EXPORT_ABI_VERSION: &str = "kubecheck_abi_version";
pub const EXPORT_ALLOC: &str = "kubecheck_alloc";
pub const EXPORT_METADATA: &str = "kubecheck_metadata";
pub const EXPORT_CHECK: &str = "kubecheck_check";
/// Optional: the reactor initialiser of C and TinyGo toolchains.
pub const EXPORT_INITIALIZE: &str = "_initialize";

/// The only import a plugin may have.
pub const IMPORT_LOG: (&str, &str) = ("kubecheck", "log");

/// One entry of the input's `resources`.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub id: usize,
    pub source: String,
    pub object: Json,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputDocument<'a> {
    abi_version: i32,
    settings: &'a Json,
    resources: &'a [Resource],
}

/// The input document as bytes.
pub fn input_document(settings: &Json, resources: &[Resource]) -> Vec<u8> {
    let document = InputDocument {
        abi_version: ABI_VERSION,
        settings,
        resources,
    };
    // Serialising a tree of JSON values into memory cannot fail.
    serde_json::to_vec(&document).unwrap_or_default()
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
    output: &PluginOutput,
    metadata: &Metadata,
    resources: &[Resource],
) -> Result<(), PluginError> {
    let resolves = |id: usize, path: &str| resources[id].object.pointer(path).is_some();
    Ok(output.validate(metadata, resources.len(), resolves)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Metadata {
        Metadata::parse(
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
            &PluginOutput::parse(output.as_bytes())?,
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
        let category = br#"{"name":"acme","version":"1","rules":[{"id":"r","title":"t","category":"misc","severity":"low"}]}"#;
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
        let error = PluginOutput::parse(b"{\"findings\":[\"\xff\"]}").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not UTF-8 (invalid byte at offset 14)"),
            "{error}"
        );
        let error = PluginOutput::parse(br#"{"error":"bad settings"}"#).unwrap_err();
        assert_eq!(error.to_string(), "plugin error: bad settings");
    }
}
