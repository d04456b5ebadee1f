#!/usr/bin/env bash
# Times the web app in headless Chromium: paste -> findings on screen at 100 and 1,000
# lines, and the longest task that blocks typing in a 1,000-line document. Needs the page
# (scripts/build-web.sh), a kubecheck binary, Chromium and tools/node_modules
# (scripts/setup.sh --test). BENCH_RUNS sets the pastes per size (default 7).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

[[ -f dist/web/index.html ]] || { echo "bench-web: no dist/web: run scripts/build-web.sh" >&2; exit 1; }
cargo build --quiet -p kubecheck
KUBECHECK_BIN="$(cargo_target_dir)/debug/kubecheck" exec node tests/browser/bench.mjs
