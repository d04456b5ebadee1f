#!/usr/bin/env bash
# Times `kubecheck check` on a corpus with the native engine and with the built-in rules
# run from the embedded core wasm (`--engine wasm`), and prints the ratio. The wasm runs
# are timed with a warm compiled-module cache (what a second CI run sees) and, once, cold.
#
#   scripts/build-plugins.sh && cargo build --release -p kubecheck && scripts/bench-engines.sh
#
# Needs hyperfine (`apt-get install hyperfine`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

bin="${KUBECHECK_BIN:-$(cargo_target_dir)/release/kubecheck}"
corpus="${1:-../shared/corpus/real}"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install hyperfine" >&2; exit 2; }
"$bin" --version

cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
export KUBECHECK_CACHE_DIR="$cache/warm"
run="check --format json --fail-on never $corpus"
"$bin" $run --engine wasm >/dev/null # fills the cache

hyperfine --warmup 1 --runs "${RUNS:-10}" \
    -n native "$bin $run" \
    -n wasm "$bin $run --engine wasm" \
    -n 'wasm, cold cache' --prepare "rm -rf $cache/cold" \
    "KUBECHECK_CACHE_DIR=$cache/cold $bin $run --engine wasm"
