#!/usr/bin/env bash
# Installs what building and testing kubecheck need, only what is missing, and nothing
# else: no system upgrade, no recommended extras. Both README commands run it first, and
# the build scripts only check for these tools. A second run only checks (a second or two).
#
#   scripts/setup.sh          what scripts/main.sh needs: the wasm32 target,
#                             wasm-bindgen-cli (the version in Cargo.lock), npm tools/
#   scripts/setup.sh --test   the same, plus the Debian packages of the full test run and
#                             pre-commit (PyPI) in a virtualenv under cargo's target dir
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the full test run needs (scripts/main.sh needs none), one per line.
test_packages=(
    time     # GNU time: the peak memory of kubecheck in the bad-input tests
    chromium # the browser tests, driven by playwright-core from tools/
    clang    # with lld (wasm-ld): the C example plugin, examples/plugins/image-pull-c
    lld
    python3-venv # a virtualenv for pre-commit (tests/tests/pre_commit.rs)
    git          # pre-commit runs in a git repository
)
# `kubectl kustomize` for `check --kustomize` (tests/tests/rendered_inputs.rs), unless a
# `kubectl` or `kustomize` is already there. Helm has no Debian package.
if ! command -v kubectl >/dev/null && ! command -v kustomize >/dev/null; then
    test_packages+=(kubernetes-client)
fi

# pre-commit from PyPI, for the test of .pre-commit-hooks.yaml; in a virtualenv in cargo's
# target directory, so nothing outside the checkout's build changes.
pre_commit_version=4.7.0

step() { printf '\n==> %s\n' "$*"; }
die() {
    printf 'scripts/setup.sh: %s\n' "$*" >&2
    exit 1
}

. scripts/lib/cargo.sh

ensure_rust() {
    command -v cargo >/dev/null || die "cargo is missing: install Rust from https://rustup.rs"
    command -v rustup >/dev/null || die "rustup is missing (needed to add the wasm32 target): install Rust from https://rustup.rs"
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        step "rustup target add wasm32-unknown-unknown (the browser and plugin builds; about 20 s)"
        rustup target add wasm32-unknown-unknown
    fi
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
    local want installed
    want="$(lockfile_version wasm-bindgen)"
    [[ -n "$want" ]] || die "no wasm-bindgen in Cargo.lock"
    installed="$(wasm-bindgen --version 2>/dev/null || "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen" --version 2>/dev/null || true)"
    [[ "$installed" == "wasm-bindgen $want" ]] && return 0
    step "cargo install wasm-bindgen-cli --version $want (bundles the web app; compiles from source: about 4 minutes on 2 cores, once)"
    # --locked builds exactly what upstream tested. A registry mirror may lack one of its
    # locked versions (this project's lacked webpki-roots 1.0.11, which ureq 3.5.0 pins
    # for wasm-bindgen-cli 0.2.130); then the newest compatible versions are used instead.
    if ! cargo install wasm-bindgen-cli --version "$want" --locked; then
        step "cargo install wasm-bindgen-cli --version $want, without --locked (see above why --locked failed)"
        cargo install wasm-bindgen-cli --version "$want"
    fi
}

# wasm-opt (binaryen) for the web build and playwright-core for the browser tests, pinned
# in tools/package-lock.json.
ensure_npm_tools() {
    command -v npm >/dev/null || die "npm is missing (for the npm tools in tools/): install Node.js 18 or newer with npm"
    # `npm ci` wipes node_modules: only when the lockfile changed since the last install.
    if [[ ! tools/node_modules/.package-lock.json -nt tools/package-lock.json ]]; then
        step "npm ci --prefix tools (wasm-opt and playwright-core; about 30 s)"
        npm ci --prefix tools --no-audit --no-fund
    fi
}

ensure_test_packages() {
    local missing=() package
    command -v dpkg-query >/dev/null ||
        die "not a Debian system: install the equivalents of ${test_packages[*]} yourself"
    for package in "${test_packages[@]}"; do
        [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null)" == "ii "* ]] ||
            missing+=("$package")
    done
    ((${#missing[@]} > 0)) || return 0
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null ||
            die "missing Debian packages: ${missing[*]} (as root: apt-get install --no-install-recommends ${missing[*]})"
        sudo=(sudo)
    fi
    step "apt-get install --no-install-recommends ${missing[*]} (about 1 minute with Chromium)"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

ensure_pre_commit() {
    local venv
    venv="$(cargo_target_dir)/pre-commit-venv"
    [[ "$("$venv/bin/pre-commit" --version 2>/dev/null)" == "pre-commit $pre_commit_version" ]] && return 0
    step "pip install pre-commit==$pre_commit_version into $venv (the pre-commit hook test; about 20 s)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$pre_commit_version"
}

case "${1:-}" in
    "") for_tests=false ;;
    --test) for_tests=true ;;
    *) die "usage: scripts/setup.sh [--test]" ;;
esac

ensure_rust
ensure_wasm_bindgen
ensure_npm_tools
if $for_tests; then
    ensure_test_packages
    ensure_pre_commit
fi
