#!/usr/bin/env bash
# The README's test command: everything CI checks, runnable on a fresh machine.
# It installs the tools it can (wasm target, wasm-bindgen, Chromium, npm tools) and
# otherwise stops with a message naming what is missing. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
die() {
    printf 'scripts/test.sh: %s\n' "$*" >&2
    exit 1
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
lockfile_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust() {
    command -v cargo >/dev/null || die "cargo is missing: install Rust from https://rustup.rs"
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        step "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

ensure_wasm_bindgen() {
    local want
    want="$(lockfile_version wasm-bindgen)"
    [[ -n "$want" ]] || return 0 # nothing in the workspace uses wasm-bindgen
    if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]]; then
        step "cargo install wasm-bindgen-cli --version $want"
        # Not --locked: the registry mirror may lack a locked transitive version.
        cargo install wasm-bindgen-cli --version "$want"
    fi
}

ensure_chromium() {
    [[ -d web-app ]] || return 0 # the browser tests come with the web app
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        return 0
    fi
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        step "apt-get install -y chromium chromium-driver"
        apt-get update
        apt-get install -y chromium chromium-driver
    else
        die "Chromium is missing for the browser tests: run \`sudo apt-get install -y chromium chromium-driver\` (needs /usr/bin/chromium and /usr/bin/chromedriver)"
    fi
}

ensure_npm_tools() {
    [[ -f tools/package.json ]] || return 0
    command -v npm >/dev/null || die "npm is missing (needed for tools/package.json): install Node.js 18 or newer"
    # `npm ci` wipes node_modules: only when the lockfile changed since the last install.
    if [[ ! tools/node_modules/.package-lock.json -nt tools/package-lock.json ]]; then
        step "npm ci --prefix tools"
        npm ci --prefix tools
    fi
}

ensure_rust
ensure_wasm_bindgen
ensure_chromium
ensure_npm_tools

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

# The core must always build for the browser; the web and plugin builds below reuse it.
step "cargo build --profile web --target wasm32-unknown-unknown -p kubecheck-core"
cargo build --profile web --target wasm32-unknown-unknown -p kubecheck-core

for script in scripts/build-plugins.sh scripts/build-web.sh; do
    if [[ -x "$script" ]]; then
        step "$script"
        "$script"
    fi
done

step "cargo build -p kubecheck"
cargo build -p kubecheck

step "cargo test --workspace"
cargo test --workspace

printf '\nAll checks passed.\n'
