//! Third-party rule plugins: core WebAssembly modules speaking ABI v1
//! (`docs/plugin-abi.md`), run in wasmtime with no imports but a logger.
//!
//! - [`PluginRuntime`]: one per process; owns the wasmtime `Engine`, the epoch ticker,
//!   the key that authenticates compiled modules and the compiled-module cache. Modules
//!   are compiled in a child process with a deadline and a memory cap (`compile`).
//! - [`Plugin`]: a loaded, validated module and its metadata; every call runs in a fresh
//!   `Store` with the plugin's [`Limits`].
//! - [`load`], [`run`], [`report`]: plugins in a `kubecheck check` run, over a
//!   [`kubecheck_core::Session`].

pub mod abi;
mod cache;
mod compile;
pub mod error;
mod host;
mod limits;
mod runtime;

pub use compile::{child_main as compiler_child_main, CHILD_ARG as COMPILER_CHILD_ARG};
pub use host::{
    load, read_plugin, report, resources, rule_infos, run, Configured, Loaded, PluginCall,
};
pub use limits::{Limits, LimitsConfig};
pub use runtime::{sha256_hex, ModuleOrigin, Plugin, PluginRuntime};
