#!/usr/bin/env bash
# Builds the browser app into dist/web/: a self-contained static folder (index.html, JS,
# .wasm, CSS) that works offline from any static file server, and that a release build of
# `kubecheck serve` embeds. Nothing is downloaded except npm packages pinned in
# tools/package-lock.json (wasm-opt) and, when missing, wasm-bindgen-cli from crates.io.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/dist/web"
wasm_bindgen_version=0.2.130 # must equal the wasm-bindgen crate in Cargo.lock

die() {
  echo "build-web: $*" >&2
  exit 1
}

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
  die "the wasm32-unknown-unknown target is missing: rustup target add wasm32-unknown-unknown"

wasm_bindgen=$(command -v wasm-bindgen || true)
if [[ -z "$wasm_bindgen" || "$("$wasm_bindgen" --version)" != "wasm-bindgen $wasm_bindgen_version" ]]; then
  echo "build-web: installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes, once)" >&2
  # Not --locked: the registry mirror lacks some locked transitive versions.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" ||
    die "could not install wasm-bindgen-cli $wasm_bindgen_version"
  wasm_bindgen="${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen"
fi

wasm_opt="$root/tools/node_modules/.bin/wasm-opt"
if [[ ! -x "$wasm_opt" ]]; then
  command -v npm >/dev/null || die "npm is missing (needed for binaryen's wasm-opt): apt-get install nodejs npm"
  npm ci --prefix tools --no-audit --no-fund >&2 || die "npm ci --prefix tools failed"
fi

cargo build --profile web --target wasm32-unknown-unknown -p kubecheck-web

rm -rf "$out"
mkdir -p "$out"
"$wasm_bindgen" --target web --no-typescript --out-dir "$out" \
  "$root/target/wasm32-unknown-unknown/web/kubecheck-web.wasm"
wasm="$out/kubecheck-web_bg.wasm"
"$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
cp web-app/static/index.html web-app/static/style.css web-app/static/boot.js \
  web-app/static/plugin-worker.js web-app/static/favicon.svg "$out/"

# A release build of `kubecheck serve` embeds dist/web; cargo tracks the files it embedded,
# but not files that were missing then: make the next build look again.
touch plugin-host/src/commands/serve.rs

raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "build-web: wrote $out ($((raw / 1024)) KiB wasm, $((gz / 1024)) KiB gzipped)"
