#!/usr/bin/env bash
# The README's test command: everything CI checks, runnable on a fresh machine.
# It installs the tools it can (wasm target, wasm-bindgen, Chromium, npm tools) and
# otherwise stops with a message naming what is missing. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshot tests (insta) fail on a stale or missing snapshot and leave no `.snap.new`
# files, whatever the caller's environment says.
export INSTA_UPDATE=no

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

# Debian packages: Chromium for the browser tests, GNU time for the memory bounds of the
# bad-input tests.
ensure_packages() {
    local missing=()
    [[ -x /usr/bin/time ]] || missing+=(time)
    if [[ -d web-app ]]; then
        [[ -x /usr/bin/chromium ]] || missing+=(chromium)
        [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
    fi
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        step "apt-get install -y ${missing[*]}"
        apt-get update
        apt-get install -y "${missing[@]}"
    else
        die "missing packages: ${missing[*]} (run \`sudo apt-get install -y ${missing[*]}\`)"
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
ensure_packages
ensure_npm_tools

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
if [[ -d web-app ]]; then
    # The browser-only code (cfg wasm32) is invisible to the host clippy run above.
    step "cargo clippy --profile web --target wasm32-unknown-unknown -p kubecheck-web -- -D warnings"
    cargo clippy --profile web --target wasm32-unknown-unknown -p kubecheck-web -- -D warnings
fi

# Every wasm32 package in one cargo invocation: the core (which must always build for the
# browser), the web app and the plugins. Separate invocations would unify features
# differently and rebuild k8s-openapi (TOOLCHAIN.md).
wasm_packages=(-p kubecheck-core)
if [[ -d web-app ]]; then
    wasm_packages+=(-p kubecheck-web)
fi
if [[ -x scripts/build-plugins.sh ]]; then
    step "scripts/build-plugins.sh ${wasm_packages[*]}"
    scripts/build-plugins.sh "${wasm_packages[@]}"
else
    step "cargo build --profile web --target wasm32-unknown-unknown ${wasm_packages[*]}"
    cargo build --profile web --target wasm32-unknown-unknown "${wasm_packages[@]}"
fi

# Bundles the web app (wasm-bindgen, wasm-opt) from the build above into dist/web.
if [[ -x scripts/build-web.sh ]]; then
    step "scripts/build-web.sh"
    scripts/build-web.sh
fi

step "cargo build -p kubecheck"
cargo build -p kubecheck

step "cargo test --workspace --no-fail-fast"
cargo test --workspace --no-fail-fast

printf '\nAll checks passed.\n'
