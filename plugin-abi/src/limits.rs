//! The default limits of a plugin call (section 6). The CLI's `plugins[].limits` can
//! change them; the web app uses them as they are.

/// Fuel per call: about one unit per WebAssembly instruction.
pub const FUEL: u64 = 5_000_000_000;
/// Wall-clock deadline per call, instantiation included.
pub const TIMEOUT_MS: u64 = 5_000;
/// Ceiling of the linear memory.
pub const MEMORY_BYTES: usize = 256 << 20;
/// Largest output document accepted.
pub const OUTPUT_BYTES: usize = 16 << 20;
/// How many `kubecheck.log` messages a call may print, and the longest printed.
pub const LOG_MESSAGES_PER_CALL: usize = 64;
pub const LOG_MESSAGE_BYTES: usize = 1024;
