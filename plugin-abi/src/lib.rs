//! The kubecheck plugin ABI v1 (`docs/plugin-abi.md`), declared once: the names a module
//! exports and imports, the three JSON documents exchanged with it, categories and
//! severities, the default limits, and the checks a host makes on what a plugin returns.
//!
//! The core, the plugin SDK, the wasmtime host, the built-in rule plugin and the web app
//! all use these types, so they cannot drift apart; `web-app/static/plugin-worker.js` is
//! checked against the constants by a test. Pure data over serde and serde_json: it builds
//! for `wasm32-unknown-unknown`.
//!
//! Compatibility (section 8 of the ABI document): a host ignores fields it does not know
//! in every document, so a plugin written against a later v1 still loads; a missing
//! required field or a value outside the documented set is refused with an error naming it.

mod category;
mod error;
pub mod input;
pub mod limits;
mod metadata;
mod output;
mod severity;

pub use category::{is_category_name, Category, CustomCategory, MAX_CATEGORY_LEN};
pub use error::AbiError;
pub use input::{CheckInput, Container, ContainerKind, PodTemplate, Resource};
pub use metadata::{is_name, Metadata, Rule, MAX_NAME_LEN};
pub use output::{
    CheckOutput, Finding, Fix, PatchOp, RelatedPlace, MAX_FIX_OPS, MAX_FIX_VALUE_BYTES,
    MAX_MESSAGE_BYTES, MAX_RELATED, MAX_RELATED_RULES,
};
pub use severity::Severity;

/// The ABI version this crate describes; `kubecheck_abi_version` returns it.
pub const ABI_VERSION: i32 = 1;

/// The exports of a plugin module.
pub const EXPORT_MEMORY: &str = "memory";
pub const EXPORT_ABI_VERSION: &str = "kubecheck_abi_version";
pub const EXPORT_ALLOC: &str = "kubecheck_alloc";
pub const EXPORT_METADATA: &str = "kubecheck_metadata";
pub const EXPORT_CHECK: &str = "kubecheck_check";
/// Optional: the reactor initialiser of C and TinyGo toolchains.
pub const EXPORT_INITIALIZE: &str = "_initialize";

/// The functions a plugin must export, with their signatures in the notation of the ABI
/// document; `memory` and the optional `_initialize` come besides.
pub const REQUIRED_FUNCTIONS: [(&str, &str); 4] = [
    (EXPORT_ABI_VERSION, "() -> i32"),
    (EXPORT_ALLOC, "(i32) -> i32"),
    (EXPORT_METADATA, "() -> i64"),
    (EXPORT_CHECK, "(i32, i32) -> i64"),
];

/// The only import a plugin may have: `kubecheck.log(ptr: i32, len: i32)`.
pub const IMPORT_LOG: (&str, &str) = ("kubecheck", "log");

/// `(ptr << 32) | len`, as `kubecheck_metadata` and `kubecheck_check` return a document.
pub fn pack(ptr: u32, len: u32) -> i64 {
    ((u64::from(ptr) << 32) | u64::from(len)) as i64
}

/// The pointer and length of a packed document.
pub fn unpack(packed: i64) -> (u32, u32) {
    let packed = packed as u64;
    ((packed >> 32) as u32, packed as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_keeps_both_halves() {
        assert_eq!(pack(u32::MAX, 3), 0xffff_ffff_0000_0003_u64 as i64);
        assert_eq!(
            unpack(pack(0x8000_0000, 0xffff_ffff)),
            (0x8000_0000, 0xffff_ffff)
        );
    }
}
