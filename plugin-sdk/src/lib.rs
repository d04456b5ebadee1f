//! Write kubecheck rule plugins in Rust.
//!
//! A plugin is a `cdylib` crate built for `wasm32-unknown-unknown`. It implements
//! [`Plugin`] and exports the ABI (see `docs/plugin-abi.md`) with one macro:
//!
//! ```
//! use kubecheck_plugin_sdk::{
//!     export_plugin, Category, CheckInput, Error, Finding, Metadata, Plugin, Rule, Severity,
//! };
//!
//! struct NoLoadBalancer;
//!
//! impl Plugin for NoLoadBalancer {
//!     fn metadata() -> Metadata {
//!         Metadata::new("acme", "0.1.0").rule(
//!             Rule::new("no-load-balancer", "Service of type LoadBalancer", Category::Network, Severity::Medium)
//!                 .description("Services must not be exposed through a cloud load balancer.")
//!                 .remediation("Use an Ingress instead."),
//!         )
//!     }
//!
//!     fn check(input: &CheckInput) -> Result<Vec<Finding>, Error> {
//!         Ok(input
//!             .resources
//!             .iter()
//!             .filter(|r| r.kind() == "Service" && r.str_at("/spec/type") == Some("LoadBalancer"))
//!             .map(|r| Finding::new("no-load-balancer", r, "/spec/type", "service is of type `LoadBalancer`"))
//!             .collect())
//!     }
//! }
//!
//! export_plugin!(NoLoadBalancer);
//! ```
//!
//! The ABI functions the macro exports are in [`abi`]; [`run_check`] and
//! [`metadata_json`] are the same logic without the memory protocol, for native tests.
//!
//! Building: `crate-type = ["cdylib"]` in the plugin's `Cargo.toml`, then
//! `cargo build --release --target wasm32-unknown-unknown`; the plugin is
//! `target/wasm32-unknown-unknown/release/<crate>.wasm`. It imports nothing.
//!
//! Helpers: [`Resource::pod_template`] and [`Resource::containers`] find the pod spec
//! of every workload kind with JSON pointers; [`Resource::existing`] turns a pointer to
//! a missing field into its closest existing parent, as the ABI requires;
//! [`PodTemplate::typed`] and [`Container::typed`] read them as typed values (the
//! `k8s-openapi` feature re-exports that crate for it). [`Fix`] builds a fix as JSON
//! Patch operations. A category other than the built-in ones is parsed from its name:
//! `"cost".parse::<Category>()`.
//!
//! The types of the ABI are `kubecheck-plugin-abi`'s, re-exported here.

pub mod abi;

#[cfg(feature = "k8s-openapi")]
pub use k8s_openapi;
pub use kubecheck_plugin_abi::{Category, Severity};
/// The documents and names of the ABI, declared once in `kubecheck-plugin-abi`.
pub use kubecheck_plugin_abi::{
    CheckInput, CheckOutput, Container, ContainerKind, Finding, Fix, Metadata, PatchOp,
    PodTemplate, RelatedPlace, Resource, Rule, ABI_VERSION,
};
pub use serde_json::{self, json, Value};

use serde::Serialize;

/// A rule plugin: its metadata and its check.
pub trait Plugin {
    /// The plugin's name, version and rules. Called once per loaded module.
    fn metadata() -> Metadata;

    /// Checks every resource of one run. An `Err` becomes a plugin error in the report
    /// (no findings of this plugin are kept for that run).
    fn check(input: &CheckInput) -> Result<Vec<Finding>, Error>;
}

/// A plugin failure, reported by the host next to the plugin's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub fn msg(message: impl Into<String>) -> Self {
        Error(message.into())
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error(message.to_owned())
    }
}

/// The metadata document `kubecheck_metadata` returns.
pub fn metadata_json<P: Plugin>() -> Vec<u8> {
    match std::panic::catch_unwind(P::metadata) {
        Ok(metadata) => to_json(&metadata),
        Err(panic) => error_json(&format!("metadata panicked: {}", panic_message(&panic))),
    }
}

/// Runs [`Plugin::check`] on an input document and returns the output document.
///
/// Malformed input, an `Err` from the plugin and (when the plugin is built with
/// `panic = "unwind"`, as native tests are) a panic all become `{"error": "..."}`. Under
/// `panic = "abort"`, the usual profile for wasm, a panic traps instead, which the host
/// reports as a trap of this plugin: either way the host is never left with a
/// half-written answer.
pub fn run_check<P: Plugin>(input: &[u8]) -> Vec<u8> {
    // serde_json refuses nesting deeper than 128 levels; such an input is an error here.
    // Lifting the limit needs a serde_json feature that, unified into the host's build,
    // would recompile everything that depends on serde_json.
    let input: CheckInput = match serde_json::from_slice(input) {
        Ok(input) => input,
        Err(e) => return error_json(&format!("invalid check input: {e}")),
    };
    if input.abi_version != ABI_VERSION {
        return error_json(&format!(
            "unsupported ABI version {} (this plugin speaks version {ABI_VERSION})",
            input.abi_version
        ));
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| P::check(&input)));
    match outcome {
        Ok(Ok(findings)) => to_json(&CheckOutput { findings }),
        Ok(Err(error)) => error_json(error.message()),
        Err(panic) => error_json(&format!("check panicked: {}", panic_message(&panic))),
    }
}

/// The output document a plugin answers instead of findings when it fails.
fn error_json(message: &str) -> Vec<u8> {
    to_json(&json!({ "error": message }))
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising these types has no failure mode (string keys, finite numbers only);
    // the fallback still gives the host a well-formed error rather than nothing.
    serde_json::to_vec(value).unwrap_or_else(|e| {
        format!(r#"{{"error":"cannot serialise the plugin's output: {e}"}}"#).into_bytes()
    })
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Exports the ABI v1 functions for a [`Plugin`]: `kubecheck_abi_version`,
/// `kubecheck_alloc`, `kubecheck_metadata` and `kubecheck_check` (and, from the
/// `cdylib` crate type, `memory`). Use it once, in the plugin crate's `lib.rs`.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[no_mangle]
        pub extern "C" fn kubecheck_abi_version() -> i32 {
            $crate::ABI_VERSION
        }

        #[no_mangle]
        pub extern "C" fn kubecheck_alloc(len: i32) -> i32 {
            $crate::abi::alloc(len)
        }

        #[no_mangle]
        pub extern "C" fn kubecheck_metadata() -> i64 {
            $crate::abi::respond($crate::metadata_json::<$plugin>())
        }

        #[no_mangle]
        pub extern "C" fn kubecheck_check(ptr: i32, len: i32) -> i64 {
            $crate::abi::check(ptr, len, $crate::run_check::<$plugin>)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Labels;

    impl Plugin for Labels {
        fn metadata() -> Metadata {
            Metadata::new("acme", "1.0.0").rule(
                Rule::new(
                    "owner-label",
                    "Owner label",
                    Category::Manifest,
                    Severity::Low,
                )
                .description("Every object names its owner.")
                .remediation("Add an `owner` label."),
            )
        }

        fn check(input: &CheckInput) -> Result<Vec<Finding>, Error> {
            #[derive(serde::Deserialize, Default)]
            struct Settings {
                #[serde(default)]
                panic: bool,
            }
            let settings: Settings = input.settings()?;
            assert!(!settings.panic, "asked to panic");
            Ok(input
                .resources
                .iter()
                .filter(|r| r.label("owner").is_none())
                .map(|r| {
                    Finding::new("owner-label", r, "/metadata", "no `owner` label")
                        .severity(Severity::High)
                })
                .collect())
        }
    }

    fn check(input: Value) -> Value {
        serde_json::from_slice(&run_check::<Labels>(input.to_string().as_bytes())).unwrap()
    }

    #[test]
    fn metadata_is_the_documented_shape() {
        let metadata: Value = serde_json::from_slice(&metadata_json::<Labels>()).unwrap();
        assert_eq!(
            metadata,
            json!({"name": "acme", "version": "1.0.0", "rules": [{
                "id": "owner-label", "title": "Owner label", "category": "manifest",
                "severity": "low", "description": "Every object names its owner.",
                "remediation": "Add an `owner` label.", "enabledByDefault": true}]})
        );
    }

    #[test]
    fn findings_name_rule_resource_and_pointer() {
        let output = check(json!({"abiVersion": 1, "settings": null, "resources": [
            {"id": 0, "source": "a.yaml", "object": {"kind": "Pod", "metadata": {"labels": {"owner": "x"}}}},
            {"id": 7, "source": "a.yaml", "object": {"kind": "Pod", "metadata": {"name": "b"}}},
        ]}));
        assert_eq!(
            output,
            json!({"findings": [{"rule": "owner-label", "resource": 7, "path": "/metadata",
                "message": "no `owner` label", "severity": "high"}]})
        );
    }

    #[test]
    fn bad_input_settings_and_panics_become_errors() {
        let error = |v: Value| v["error"].as_str().unwrap_or_default().to_owned();
        assert!(error(check(json!({"resources": 3}))).starts_with("invalid check input"));
        assert!(error(check(json!({"abiVersion": 2, "resources": []}))).contains("version 2"));
        assert!(error(check(
            json!({"abiVersion": 1, "settings": {"panic": 1}, "resources": []})
        ))
        .starts_with("invalid settings"));
        assert_eq!(
            error(check(
                json!({"abiVersion": 1, "settings": {"panic": true}, "resources": []})
            )),
            "check panicked: asked to panic"
        );
    }
}
