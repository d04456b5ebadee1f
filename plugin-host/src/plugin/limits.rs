//! The sandbox's limits per call, with the defaults documented in `docs/plugin-abi.md`.

use std::time::Duration;

use kubecheck_core::plugin_abi::limits as defaults;
use serde::Deserialize;

/// How often the epoch advances: the granularity of [`Limits::timeout`].
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Host stack available to WebAssembly frames; deep recursion traps past it.
pub const MAX_WASM_STACK: usize = 512 * 1024;

/// Elements in all tables of one instance (function pointer tables).
pub const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Largest `.wasm` module compiled: 16 times the bundled core (about 1 MB), the largest
/// real plugin. Compilation time and memory are bounded separately
/// ([`Limits::compile_timeout`], [`Limits::compile_memory_bytes`]).
pub const MAX_MODULE_BYTES: usize = 16 << 20;

/// Largest plugin file read: a `.cwasm` holds native code, several times its module.
pub const MAX_PLUGIN_FILE_BYTES: u64 = 128 << 20;

/// Generous on purpose: debug builds of wasmtime compile many times slower than release
/// builds (see docs/plugin-abi.md, section 6, for what real plugins take).
pub const DEFAULT_COMPILE_TIMEOUT: Duration = Duration::from_secs(120);
pub const DEFAULT_COMPILE_MEMORY_BYTES: u64 = 2 << 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Fuel per call (about one unit per WebAssembly instruction).
    pub fuel: u64,
    /// Wall-clock deadline per call, instantiation included.
    pub timeout: Duration,
    /// Ceiling of the linear memory, in bytes.
    pub memory_bytes: usize,
    /// Largest output document accepted, in bytes.
    pub output_bytes: usize,
    /// Wall-clock deadline of compiling the module (in a child process), when it is not
    /// in the compile cache.
    pub compile_timeout: Duration,
    /// Address space of the child process that compiles the module, in bytes.
    pub compile_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: defaults::FUEL,
            timeout: Duration::from_millis(defaults::TIMEOUT_MS),
            memory_bytes: defaults::MEMORY_BYTES,
            output_bytes: defaults::OUTPUT_BYTES,
            compile_timeout: DEFAULT_COMPILE_TIMEOUT,
            compile_memory_bytes: DEFAULT_COMPILE_MEMORY_BYTES,
        }
    }
}

/// `plugins[].limits` in `.kubecheck.yaml`: any field left out keeps its default.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LimitsConfig {
    pub fuel: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub memory_bytes: Option<u64>,
    pub output_bytes: Option<u64>,
    pub compile_timeout_ms: Option<u64>,
    pub compile_memory_bytes: Option<u64>,
}

impl LimitsConfig {
    /// The defaults with this config's fields applied; zero is refused, since a zero
    /// limit can only be a mistake.
    pub fn resolve(&self) -> Result<Limits, String> {
        let defaults = Limits::default();
        let positive = |name: &str, value: Option<u64>| match value {
            Some(0) => Err(format!("limit `{name}` must be greater than 0")),
            other => Ok(other),
        };
        let size = |name: &str, value: Option<u64>, default: usize| {
            positive(name, value)?.map_or(Ok(default), |v| {
                usize::try_from(v).map_err(|_| format!("limit `{name}` is too large"))
            })
        };
        Ok(Limits {
            fuel: positive("fuel", self.fuel)?.unwrap_or(defaults.fuel),
            timeout: positive("timeoutMs", self.timeout_ms)?
                .map_or(defaults.timeout, Duration::from_millis),
            memory_bytes: size("memoryBytes", self.memory_bytes, defaults.memory_bytes)?,
            output_bytes: size("outputBytes", self.output_bytes, defaults.output_bytes)?,
            compile_timeout: positive("compileTimeoutMs", self.compile_timeout_ms)?
                .map_or(defaults.compile_timeout, Duration::from_millis),
            compile_memory_bytes: positive("compileMemoryBytes", self.compile_memory_bytes)?
                .unwrap_or(defaults.compile_memory_bytes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_keep_their_defaults() {
        let config = LimitsConfig {
            fuel: Some(7),
            ..LimitsConfig::default()
        };
        let limits = config.resolve().unwrap();
        assert_eq!(limits.fuel, 7);
        assert_eq!(limits.timeout, Limits::default().timeout);
    }

    #[test]
    fn zero_is_refused() {
        let config = LimitsConfig {
            timeout_ms: Some(0),
            ..LimitsConfig::default()
        };
        assert!(config.resolve().unwrap_err().contains("timeoutMs"));
    }
}
