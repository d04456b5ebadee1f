#!/usr/bin/env bash
# The README's test command: everything CI checks, runnable on a fresh machine.
# scripts/setup.sh installs what is missing first (wasm target, wasm-bindgen, npm tools,
# Chromium, GNU time). Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshot tests (insta) fail on a stale or missing snapshot and leave no `.snap.new`
# files, whatever the caller's environment says.
export INSTA_UPDATE=no

step() { printf '\n==> %s\n' "$*"; }

step "scripts/setup.sh --test"
scripts/setup.sh --test

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

# The tests build it too; here a build failure shows once, not in every test.
step "cargo build -p kubecheck"
cargo build -p kubecheck

# Plain `cargo test` skips the tests whose prerequisites (the shared corpora, the wasm
# builds, the page, Chromium, GNU time) are missing; here a missing one fails.
step "KUBECHECK_REQUIRE_ALL=1 cargo test --workspace --no-fail-fast"
KUBECHECK_REQUIRE_ALL=1 cargo test --workspace --no-fail-fast

printf '\nAll checks passed.\n'
