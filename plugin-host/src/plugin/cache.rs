//! Compiled modules on disk, so a second CI run skips compilation.
//!
//! Deserialising a module means running its native code, so a file is used only if this
//! user's kubecheck wrote it: each starts with a header naming the engine it was compiled
//! for and an HMAC-SHA256 of the whole file under a key only this user can read, kept
//! outside the cache directory (see [`key_path`]). Whoever can write the cache directory
//! can therefore delete or damage entries — they are then recompiled — but not forge
//! one. The same format is the `.cwasm` of `kubecheck plugin compile`.
//!
//! ```text
//! MAGIC (16) | engine fingerprint (32) | sha256 of the .wasm (32) | HMAC (32) | payload
//! ```
//!
//! The HMAC covers the magic, the fingerprint, the .wasm's sha256 and the payload.

use std::fs::{DirBuilder, OpenOptions};
use std::hash::Hasher;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// `2`: version 1 files were checked with a plain sha256 anyone can recompute and are
/// never read again.
pub const MAGIC: &[u8; 16] = b"kubecheck-cwasm2";
const HEADER_LEN: usize = 16 + 32 * 3;
const KEY_LEN: usize = 32;

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

/// The key that authenticates cache entries and `.cwasm` files:
/// `$XDG_CONFIG_HOME/kubecheck/cache.key`, else `~/.config/kubecheck/cache.key`.
///
/// In the configuration directory rather than next to the cache, and whatever
/// `$KUBECHECK_CACHE_DIR` says, because caches are what CI systems save and restore
/// between jobs (often a whole `~/.cache`, from runs of other branches): a key restored
/// with the cache would let whoever wrote the saved cache forge entries.
pub fn key_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    var("XDG_CONFIG_HOME")
        .filter(|d| d.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("kubecheck").join("cache.key"))
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

/// The secret that makes a compiled module this user's: 32 random bytes in a file of
/// the user's own, readable by nobody else.
#[derive(Clone)]
pub struct Key([u8; KEY_LEN]);

impl Key {
    /// Reads the key at `path`, creating it (and its directory, 0700) on first use.
    /// Refused unless it is a regular file of the current user that no one else can read
    /// or write: a key others could read would let them forge compiled modules.
    pub fn load_or_create(path: &Path) -> Result<Key, String> {
        let dir = path.parent().unwrap_or(Path::new("."));
        // Whoever can write the directory can replace or remove the key.
        match std::fs::metadata(dir) {
            Ok(meta) => check_private_dir(&meta).map_err(|e| format!("{}: {e}", dir.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", dir.display())),
        }
        match read_key(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(path)
                .and_then(|()| read_key(path))
                .map_err(|e| format!("cannot create {}: {e}", path.display())),
            other => other.map_err(|e| format!("{}: {e}", path.display())),
        }
    }

    #[cfg(test)]
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Key {
        Key(bytes)
    }

    fn mac(&self, header: &[u8], payload: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(header);
        mac.update(payload);
        mac
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// Opens without following a symbolic link: a planted link could point the key at a
/// file of the user's whose content someone else knows.
fn read_key(path: &Path) -> std::io::Result<Key> {
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let meta = file.metadata()?;
    check_owner(&meta)?;
    if !meta.is_file() || meta.mode() & 0o077 != 0 {
        return Err(invalid(format!(
            "the key must be a file only its owner can read and write (mode 0600), not mode {:o}",
            meta.mode() & 0o7777
        )));
    }
    let mut key = [0; KEY_LEN];
    let mut rest = Vec::new();
    file.read_exact(&mut key)
        .map_err(|_| invalid(format!("the key must be {KEY_LEN} bytes")))?;
    file.read_to_end(&mut rest)?;
    if !rest.is_empty() {
        return Err(invalid(format!("the key must be {KEY_LEN} bytes")));
    }
    Ok(Key(key))
}

/// Writes a new key to a private temporary file and links it into place, so a
/// concurrent run sees either no key or a whole one; if another run won the race, its
/// key is the one used.
fn create_key(path: &Path) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let mut key = [0; KEY_LEN];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut suffix = [0; 8];
    getrandom::fill(&mut suffix).map_err(|e| std::io::Error::other(e.to_string()))?;
    let temp = dir.join(format!(".cache.key.{}", hex(&suffix)));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&temp)?;
    let written = file
        .write_all(&key)
        .and_then(|()| file.sync_all())
        .and_then(|()| match std::fs::hard_link(&temp, path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        });
    let _ = std::fs::remove_file(&temp);
    written
}

fn check_owner(meta: &std::fs::Metadata) -> std::io::Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(invalid(format!(
            "owned by user {}, not by the current user {me}",
            meta.uid()
        )));
    }
    Ok(())
}

/// Creates the cache directory (0700) if needed and checks that only the current user
/// can write it: a directory others can write is one they can fill with entries, and
/// although the HMAC keeps those from loading, a directory someone else controls is not
/// one to write compiled code into either.
pub fn check_dir(dir: &Path) -> Result<(), String> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create it: {e}"))?;
    let meta = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    check_private_dir(&meta)
}

/// A directory of the current user that neither group nor others may write.
fn check_private_dir(meta: &std::fs::Metadata) -> Result<(), String> {
    check_owner(meta).map_err(|e| e.to_string())?;
    if !meta.is_dir() {
        return Err("not a directory".into());
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "group or others may write it (mode {:o}; `chmod 700` it)",
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

pub fn encode(
    key: &Key,
    fingerprint: &[u8; 32],
    wasm_sha256: &[u8; 32],
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(fingerprint);
    out.extend_from_slice(wasm_sha256);
    let tag = key.mac(&out, payload).finalize().into_bytes();
    out.extend_from_slice(&tag);
    out.extend_from_slice(payload);
    out
}

pub struct Decoded<'a> {
    pub wasm_sha256: &'a [u8],
    pub payload: &'a [u8],
}

/// Why a file is not a compiled module this host may load.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// No header of this format (an older kubecheck's file, or not one at all).
    NotOurs,
    /// Compiled for another engine: another kubecheck build or CPU.
    OtherEngine,
    /// The HMAC does not match: damaged, forged, or made by another user's kubecheck.
    NotAuthentic,
}

/// The payload, if `bytes` is a file this user's kubecheck wrote for an engine with
/// `fingerprint`, unchanged since.
pub fn decode<'a>(
    bytes: &'a [u8],
    key: &Key,
    fingerprint: &[u8; 32],
) -> Result<Decoded<'a>, Rejected> {
    if bytes.len() < HEADER_LEN || !bytes.starts_with(MAGIC) {
        return Err(Rejected::NotOurs);
    }
    let (header, rest) = bytes.split_at(HEADER_LEN - 32);
    let (tag, payload) = rest.split_at(32);
    if key.mac(header, payload).verify_slice(tag).is_err() {
        return Err(Rejected::NotAuthentic);
    }
    if &header[16..48] != fingerprint {
        return Err(Rejected::OtherEngine);
    }
    Ok(Decoded {
        wasm_sha256: &header[48..80],
        payload,
    })
}

pub struct Cache {
    dir: PathBuf,
    key: Key,
    fingerprint: [u8; 32],
}

impl Cache {
    /// A cache in `dir`, if it is a directory only the current user can write (created
    /// 0700 when missing); otherwise why not.
    pub fn open(dir: PathBuf, key: Key, fingerprint: [u8; 32]) -> Result<Cache, String> {
        check_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Cache {
            dir,
            key,
            fingerprint,
        })
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
        // Not a link, a FIFO or a device that could hang or flood the read: a regular
        // file, at most a few times its module's size.
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(self.path(wasm_sha256))
            .ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut bytes = Vec::new();
        file.take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return None;
        }
        let decoded = decode(&bytes, &self.key, &self.fingerprint).ok()?;
        if decoded.wasm_sha256 != wasm_sha256 {
            return None;
        }
        // SAFETY: the HMAC proves this user's kubecheck serialised the payload for an
        // engine with the same fingerprint, and that it is unchanged since.
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
        let _ = std::fs::remove_file(&temp);
        let entry = encode(&self.key, &self.fingerprint, wasm_sha256, &payload);
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut f| f.write_all(&entry))
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

/// Largest cache entry read: compiled code is a few times the size of its module, and
/// modules are capped at `limits::MAX_MODULE_BYTES`.
pub const MAX_ENTRY_BYTES: u64 = 256 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_checks_key_engine_and_payload() {
        let key = Key::from_bytes([7; 32]);
        let engine = [1; 32];
        let encoded = encode(&key, &engine, &[2; 32], b"payload");
        let decoded = decode(&encoded, &key, &engine).unwrap();
        assert_eq!(decoded.payload, b"payload");
        assert_eq!(decoded.wasm_sha256, [2; 32]);
        assert_eq!(
            decode(&encoded, &key, &[3; 32]).err(),
            Some(Rejected::OtherEngine)
        );
        let other_user = Key::from_bytes([8; 32]);
        assert_eq!(
            decode(&encoded, &other_user, &engine).err(),
            Some(Rejected::NotAuthentic)
        );
        let mut damaged = encoded.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert_eq!(
            decode(&damaged, &key, &engine).err(),
            Some(Rejected::NotAuthentic)
        );
        let mut retargeted = encoded.clone();
        retargeted[20] ^= 1;
        assert_eq!(
            decode(&retargeted, &key, &engine).err(),
            Some(Rejected::NotAuthentic),
            "the header is authenticated too"
        );
        assert_eq!(
            decode(&encoded[..40], &key, &engine).err(),
            Some(Rejected::NotOurs)
        );
        assert_eq!(
            decode(b"\0asm\x01\0\0\0", &key, &engine).err(),
            Some(Rejected::NotOurs)
        );
    }

    /// The attack of issue 9: a header recomputed with a plain sha256, as version 1
    /// checked it, over any payload.
    #[test]
    fn a_header_with_a_recomputed_sha256_is_not_authentic() {
        let key = Key::from_bytes([7; 32]);
        let engine = [1; 32];
        let payload = b"native code";
        let mut forged = MAGIC.to_vec();
        forged.extend_from_slice(&engine);
        forged.extend_from_slice(&[2; 32]);
        forged.extend_from_slice(&Sha256::digest(payload));
        forged.extend_from_slice(payload);
        assert_eq!(
            decode(&forged, &key, &engine).err(),
            Some(Rejected::NotAuthentic)
        );
    }

    #[test]
    fn the_key_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubecheck/cache.key");
        let first = Key::load_or_create(&path).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(path.parent().unwrap()).unwrap().mode() & 0o777,
            0o700
        );
        assert_eq!(Key::load_or_create(&path).unwrap().0, first.0);
    }

    #[test]
    fn a_key_others_can_read_or_a_linked_key_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.key");
        std::fs::write(&path, [1; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = Key::load_or_create(&path).err().unwrap();
        assert!(error.contains("mode 0600"), "{error}");
        let link = dir.path().join("link.key");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(
            Key::load_or_create(&link).is_err(),
            "symbolic links are not followed"
        );
        std::fs::write(&path, [1; 31]).unwrap();
        assert!(Key::load_or_create(&path)
            .err()
            .unwrap()
            .contains("32 bytes"));
        std::fs::write(&path, [1; 32]).unwrap();
        Key::load_or_create(&path).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = Key::load_or_create(&path).err().unwrap();
        assert!(error.contains("group or others may write it"), "{error}");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }

    #[test]
    fn a_cache_dir_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a/b");
        check_dir(&fresh).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().mode() & 0o777, 0o700);
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(check_dir(&fresh).unwrap_err().contains("mode 777"));
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o755)).unwrap();
        check_dir(&fresh).unwrap();
    }
}
