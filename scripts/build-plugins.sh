#!/usr/bin/env bash
# Builds every Rust plugin (the example and the built-in rule set) to wasm32 and copies
# them to plugins/ in cargo's target directory. One cargo invocation for all of them:
# cargo unifies features per invocation, and separate ones would rebuild k8s-openapi
# (see TOOLCHAIN.md).
# Extra arguments go to cargo, e.g. `-p kubecheck-web` to build the web app in the same go.
#
# The kubecheck binary embeds plugins/kubecheck-builtin.wasm when it exists at
# its build time (`kubecheck check --engine wasm`); run this script before building it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

target_dir="$(cargo_target_dir)"
cargo build --profile web --target wasm32-unknown-unknown \
    -p allowed-registries -p kubecheck-builtin-plugin "$@"

out="$target_dir/plugins"
mkdir -p "$out"
built="$target_dir/wasm32-unknown-unknown/web"
cp "$built/allowed_registries.wasm" "$out/allowed-registries.wasm"
cp "$built/kubecheck_builtin_plugin.wasm" "$out/kubecheck-builtin.wasm"
# The C example plugin: Debian's clang and lld, no cargo.
examples/plugins/image-pull-c/build.sh "$out/image-pull.wasm"
for wasm in "$out"/allowed-registries.wasm "$out"/kubecheck-builtin.wasm "$out"/image-pull.wasm; do
    printf '%s  %s bytes, %s gzipped\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)"
done
