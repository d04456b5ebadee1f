#!/usr/bin/env bash
# Builds the browser app into dist/web/: a self-contained static folder (index.html, JS,
# .wasm, CSS) that works offline from any static file server, and that a release build of
# `kubecheck serve` embeds. Nothing is downloaded here: scripts/setup.sh installs the
# tools (wasm-bindgen-cli, wasm-opt from tools/).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh
root=$(pwd)
out="$root/dist/web"
wasm_bindgen_version="$(lockfile_version wasm-bindgen)"

die() {
  echo "build-web: $*" >&2
  exit 1
}

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
  die "the wasm32-unknown-unknown target is missing: run scripts/setup.sh"

wasm_bindgen=$(command -v wasm-bindgen || echo "${CARGO_HOME:-$HOME/.cargo}/bin/wasm-bindgen")
[[ "$("$wasm_bindgen" --version 2>/dev/null)" == "wasm-bindgen $wasm_bindgen_version" ]] ||
  die "wasm-bindgen $wasm_bindgen_version is missing: run scripts/setup.sh"

wasm_opt="$root/tools/node_modules/.bin/wasm-opt"
[[ -x "$wasm_opt" ]] || die "$wasm_opt is missing: run scripts/setup.sh"

cargo build --profile web --target wasm32-unknown-unknown -p kubecheck-web

rm -rf "$out"
mkdir -p "$out"
"$wasm_bindgen" --target web --no-typescript --out-dir "$out" \
  "$(cargo_target_dir)/wasm32-unknown-unknown/web/kubecheck-web.wasm"
wasm="$out/kubecheck-web_bg.wasm"
"$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
cp web-app/static/index.html web-app/static/style.css web-app/static/boot.js \
  web-app/static/plugin-worker.js web-app/static/check-worker.js web-app/static/favicon.svg \
  web-app/static/manifest.webmanifest "$out/"

# The service worker stores exactly the files written above, under a version that is a
# hash of their names and contents: any change to the page makes a new service worker,
# which replaces the previous build's cache.
files=$(cd "$out" && find . -type f -printf '%P\n' | LC_ALL=C sort)
version=$(cd "$out" && sha256sum $files | sha256sum | cut -c1-16)
list=$(printf "'%s', " $files)
sed -e "s/@VERSION@/$version/" -e "s|@FILES@|${list%, }|" \
  web-app/static/service-worker.js >"$out/service-worker.js"

raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "build-web: wrote $out ($((raw / 1024)) KiB wasm, $((gz / 1024)) KiB gzipped, offline cache $version)"
