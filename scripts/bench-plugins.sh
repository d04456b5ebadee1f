#!/usr/bin/env bash
# Prints what plugins cost on this machine: compilation cold and from the compile cache,
# instantiation, a call with no resources, and a call over ../shared/corpus/real.
# Uses the release binary (build it first: `cargo build --release -p kubecheck`);
# KUBECHECK=path/to/kubecheck picks another one. The Rust plugins are measured when
# scripts/build-plugins.sh has built them.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/cargo.sh
target_dir="$(cargo_target_dir)"
kubecheck="${KUBECHECK:-$target_dir/release/kubecheck}"
corpus="${KUBECHECK_CORPUS:-../shared/corpus}/real"
iterations="${ITERATIONS:-20}"

"$kubecheck" --version
plugins=(examples/plugins/wat-edge-lb/plugin.wasm)
for wasm in "$target_dir"/plugins/allowed-registries.wasm "$target_dir"/plugins/kubecheck-builtin.wasm; do
    if [[ -f "$wasm" ]]; then plugins+=("$wasm"); fi
done
for wasm in "${plugins[@]}"; do
    "$kubecheck" plugin bench --iterations "$iterations" "$wasm" "$corpus"
done
