//! Compiled modules on disk, so a second CI run skips compilation.
//!
//! Deserialising a module means running its native code, so only files this host wrote
//! are used: each starts with a header naming the engine it was compiled for and the
//! sha256 of its payload. A file that fails either check is recompiled and overwritten,
//! never trusted. The same format is the `.cwasm` of `kubecheck plugin compile`.
//!
//! ```text
//! MAGIC (16) | engine fingerprint (32) | sha256 of the .wasm (32) | sha256 of payload (32) | payload
//! ```

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

pub const MAGIC: &[u8; 16] = b"kubecheck-cwasm1";
const HEADER_LEN: usize = 16 + 32 * 3;

/// Where the cache lives unless `$KUBECHECK_CACHE_DIR` says otherwise (an empty value
/// turns it off).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    if let Some(dir) = var("KUBECHECK_CACHE_DIR") {
        return (!dir.as_os_str().is_empty()).then_some(dir);
    }
    var("XDG_CACHE_HOME")
        .filter(|d| d.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("kubecheck"))
}

/// Identifies the engine a compiled module is valid for: wasmtime's own compatibility
/// hash (its version, target, CPU features and `Config`), fed through sha256 so the
/// value is the same in every run.
pub fn fingerprint(engine: &Engine) -> [u8; 32] {
    use std::hash::Hash;
    let mut hasher = ShaHasher(Sha256::new());
    hasher.write(b"kubecheck plugin cache v1");
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.finalize().into()
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Unused: the fingerprint is the full digest, read from the inner state.
    fn finish(&self) -> u64 {
        0
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn encode(fingerprint: &[u8; 32], wasm_sha256: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(fingerprint);
    out.extend_from_slice(wasm_sha256);
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

pub struct Decoded<'a> {
    pub wasm_sha256: &'a [u8],
    pub payload: &'a [u8],
}

/// The payload, if `bytes` is a file this host wrote for an engine with `fingerprint`
/// and the payload is intact.
pub fn decode<'a>(bytes: &'a [u8], fingerprint: &[u8; 32]) -> Option<Decoded<'a>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (engine, rest) = rest.split_at_checked(32)?;
    let (wasm_sha256, rest) = rest.split_at_checked(32)?;
    let (payload_sha256, payload) = rest.split_at_checked(32)?;
    let intact = engine == fingerprint && Sha256::digest(payload).as_slice() == payload_sha256;
    intact.then_some(Decoded {
        wasm_sha256,
        payload,
    })
}

pub struct Cache {
    dir: PathBuf,
    fingerprint: [u8; 32],
}

impl Cache {
    pub fn new(dir: PathBuf, fingerprint: [u8; 32]) -> Cache {
        Cache { dir, fingerprint }
    }

    /// One file per module and engine: `<wasm sha256>-<fingerprint prefix>.cwasm`.
    fn path(&self, wasm_sha256: &[u8; 32]) -> PathBuf {
        self.dir.join(format!(
            "{}-{}.cwasm",
            hex(wasm_sha256),
            &hex(&self.fingerprint)[..16]
        ))
    }

    /// The cached module, if a valid entry exists. Anything else is a miss.
    pub fn get(&self, engine: &Engine, wasm_sha256: &[u8; 32]) -> Option<Module> {
        let bytes = std::fs::read(self.path(wasm_sha256)).ok()?;
        let decoded = decode(&bytes, &self.fingerprint)?;
        if decoded.wasm_sha256 != wasm_sha256 {
            return None;
        }
        // SAFETY: the header proves this host serialised the payload for an engine with
        // the same fingerprint, and its sha256 proves it is unchanged since.
        unsafe { Module::deserialize(engine, decoded.payload) }.ok()
    }

    /// Stores a compiled module. Best effort: a read-only or full disk only costs the
    /// next run a compilation. Written to a temporary file and renamed, so a concurrent
    /// run never reads half a file.
    pub fn put(&self, wasm_sha256: &[u8; 32], module: &Module) {
        let Ok(payload) = module.serialize() else {
            return;
        };
        let path = self.path(wasm_sha256);
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&temp, encode(&self.fingerprint, wasm_sha256, &payload)))
            .and_then(|()| std::fs::rename(&temp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
            return;
        }
        self.remove_stale(wasm_sha256, &path);
    }

    /// Entries of the same module for other engines (an older kubecheck, another CPU
    /// feature set) are dead weight once it is compiled again here.
    fn remove_stale(&self, wasm_sha256: &[u8; 32], current: &Path) {
        let prefix = format!("{}-", hex(wasm_sha256));
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let stale = path != current
                && path.extension().is_some_and(|e| e == "cwasm")
                && entry.file_name().to_string_lossy().starts_with(&prefix);
            if stale {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_checks_engine_and_payload() {
        let engine = [1; 32];
        let encoded = encode(&engine, &[2; 32], b"payload");
        let decoded = decode(&encoded, &engine).unwrap();
        assert_eq!(decoded.payload, b"payload");
        assert_eq!(decoded.wasm_sha256, [2; 32]);
        assert!(decode(&encoded, &[3; 32]).is_none(), "another engine");
        let mut damaged = encoded.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert!(decode(&damaged, &engine).is_none(), "changed payload");
        assert!(decode(&encoded[..40], &engine).is_none(), "truncated");
        assert!(decode(b"\0asm\x01\0\0\0", &engine).is_none(), "not ours");
    }
}
