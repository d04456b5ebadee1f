//! Embeds the built-in rule set compiled to wasm (`builtin-plugin/`, which
//! `scripts/build-plugins.sh` builds)
//! for `kubecheck check --engine wasm`, and puts its sha256 into `kubecheck --version`.
//!
//! The wasm is built by a script rather than from here: a nested `cargo build` from a
//! build script would wait forever on the lock of the target directory it runs in, or
//! need a second target directory and a second build of the core. Without the file the
//! binary still builds; `--engine wasm` then says how to get it.
//!
//! `KUBECHECK_BUILTIN_WASM` overrides where the file is looked for.
//!
//! It also tells cargo when a release build must embed a new web app (dist/web).

use std::env;
use std::fmt::Write as _;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(kubecheck_builtin_wasm)");
    println!("cargo::rerun-if-env-changed=KUBECHECK_BUILTIN_WASM");
    println!("cargo::rerun-if-env-changed=CARGO_TARGET_DIR");
    let wasm = match env::var_os("KUBECHECK_BUILTIN_WASM") {
        Some(path) => PathBuf::from(path),
        None => {
            let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
            let target = env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| manifest_dir.join("../target"), PathBuf::from);
            let plugins = target.join("plugins");
            // Watching a folder that does not exist would rerun this script (and rebuild
            // the binary) on every build; an empty folder is watched for the file to appear.
            let _ = std::fs::create_dir_all(&plugins);
            println!("cargo::rerun-if-changed={}", plugins.display());
            plugins.join("kubecheck-builtin.wasm")
        }
    };
    println!("cargo::rerun-if-changed={}", wasm.display());
    // Release builds embed the web app that `scripts/build-web.sh` writes to dist/web
    // (see `commands/serve.rs`): a rebuilt page, or one that appears after a build
    // without it, rebuilds the binary. While the folder is missing, each release build
    // looks again. Debug builds read the page at run time.
    if env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_none() {
        let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        println!(
            "cargo::rerun-if-changed={}",
            manifest_dir.join("../dist/web").display()
        );
    }
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    match std::fs::read(&wasm) {
        Ok(bytes) => {
            let hash = Sha256::digest(&bytes)
                .iter()
                .fold(String::new(), |mut hex, b| {
                    let _ = write!(hex, "{b:02x}");
                    hex
                });
            println!("cargo::rustc-cfg=kubecheck_builtin_wasm");
            println!("cargo::rustc-env=KUBECHECK_BUILTIN_WASM={}", wasm.display());
            println!("cargo::rustc-env=KUBECHECK_BUILTIN_WASM_SHA256={hash}");
            println!("cargo::rustc-env=KUBECHECK_VERSION={version} (core wasm sha256 {hash})");
        }
        Err(_) => {
            println!("cargo::rustc-env=KUBECHECK_VERSION={version} (built without the core wasm)");
        }
    }
}
