//! Third-party rule plugins: core WebAssembly modules speaking ABI v1
//! (`docs/plugin-abi.md`), run in wasmtime with no imports but a logger.
//!
//! - [`PluginRuntime`]: one per process; owns the wasmtime `Engine`, the epoch ticker
//!   and the compiled-module cache.
//! - [`Plugin`]: a loaded, validated module and its metadata; every call runs in a fresh
//!   `Store` with the plugin's [`Limits`].
//! - [`load`], [`run`], [`report`]: plugins in a `kubecheck check` run, over a
//!   [`kubecheck_core::Session`].

pub mod abi;
mod cache;
pub mod error;
mod host;
mod limits;
mod runtime;

pub use host::{load, report, resources, rule_infos, run, Configured};
pub use limits::{Limits, LimitsConfig};
pub use runtime::{sha256_hex, ModuleOrigin, Plugin, PluginRuntime};
