//! Why a plugin failed. Each variant's text is the reason the report shows next to the
//! plugin's name, so it reads as "plugin `acme`: <reason>".

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PluginError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("sha256 mismatch: the configuration pins {expected} but the file is {actual}")]
    HashMismatch { expected: String, actual: String },
    #[error("not a valid WebAssembly module: {0}")]
    Invalid(String),
    #[error("too large: {0}")]
    TooLarge(String),
    #[error(
        "compile timeout: compiling the module took longer than {ms} ms (limit `compileTimeoutMs`)"
    )]
    CompileTimeout { ms: u64 },
    #[error("compile memory limit: compiling the module needed more than {bytes} bytes of address space (limit `compileMemoryBytes`)")]
    CompileMemoryLimit { bytes: u64 },
    #[error("precompiled module refused: {0}")]
    Precompiled(String),
    #[error("forbidden import(s) {}: a plugin may import only `kubecheck.log`", names.join(", "))]
    ForbiddenImport { names: Vec<String> },
    #[error("bad ABI: {0}")]
    BadAbi(String),
    #[error("bad metadata: {0}")]
    BadMetadata(String),
    #[error("out of fuel: the call executed more than {fuel} units of fuel")]
    OutOfFuel { fuel: u64 },
    #[error("timeout: the call ran longer than {ms} ms")]
    Timeout { ms: u64 },
    #[error("memory limit: the plugin tried to grow its memory beyond {bytes} bytes")]
    MemoryLimit { bytes: u64 },
    #[error("trap: {0}")]
    Trap(String),
    #[error("bad output: {0}")]
    BadOutput(String),
    #[error("plugin error: {0}")]
    Reported(String),
    /// The host itself could not set up the sandbox (engine configuration, threads).
    #[error("plugin runtime: {0}")]
    Runtime(String),
}

impl PluginError {
    /// The variant as a short label (`out-of-fuel`, `timeout`…): a closed set, for
    /// metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            PluginError::Io { .. } => "io",
            PluginError::HashMismatch { .. } => "hash-mismatch",
            PluginError::Invalid(_) => "invalid",
            PluginError::TooLarge(_) => "too-large",
            PluginError::CompileTimeout { .. } => "compile-timeout",
            PluginError::CompileMemoryLimit { .. } => "compile-memory-limit",
            PluginError::Precompiled(_) => "precompiled",
            PluginError::ForbiddenImport { .. } => "forbidden-import",
            PluginError::BadAbi(_) => "bad-abi",
            PluginError::BadMetadata(_) => "bad-metadata",
            PluginError::OutOfFuel { .. } => "out-of-fuel",
            PluginError::Timeout { .. } => "timeout",
            PluginError::MemoryLimit { .. } => "memory-limit",
            PluginError::Trap(_) => "trap",
            PluginError::BadOutput(_) => "bad-output",
            PluginError::Reported(_) => "reported",
            PluginError::Runtime(_) => "runtime",
        }
    }

    /// Whether the module was compiled before this error: `plugin inspect` can then still
    /// describe its imports and exports (from the cache, without compiling it again).
    pub fn after_compilation(&self) -> bool {
        matches!(
            self,
            PluginError::ForbiddenImport { .. }
                | PluginError::BadAbi(_)
                | PluginError::BadMetadata(_)
                | PluginError::OutOfFuel { .. }
                | PluginError::Timeout { .. }
                | PluginError::MemoryLimit { .. }
                | PluginError::Trap(_)
                | PluginError::BadOutput(_)
                | PluginError::Reported(_)
        )
    }
}
