#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after another, each for SECONDS (default 600),
# at the lowest CPU priority (the machine is shared). Not part of CI.
#
#   cargo install cargo-fuzz && scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Targets: check_bytes (`check` on arbitrary bytes), check_yaml (YAML streams from a
# grammar of Kubernetes-shaped documents), plugin_output (a plugin's output document
# parsed, validated, reported and rendered), quick_scan (the quick YAML scan against saphyr:
# the same trees for texts built at the edge of its subset). Each target's corpus grows in
# <target dir>/fuzz-corpus/<target>, seeded from fuzz/seeds/<target>; a crash is written to
# fuzz/artifacts/<target>/ and stops that target's run. Keep each crash as a regression
# test (core/tests/fuzz_regressions.rs) once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

seconds="${1:-600}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(check_bytes check_yaml plugin_output quick_scan)
fi
corpora="$(cargo_target_dir)/fuzz-corpus"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$corpora/$target" "fuzz/seeds/$target"
    echo "== $target: ${seconds} s"
    # -rss_limit_mb: an input the core refuses cheaply must not look like a leak; the
    # checker's own limits keep real inputs far below it.
    nice -n 19 cargo +nightly fuzz run --fuzz-dir fuzz "$target" \
        "$corpora/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 ||
        status=$?
done
exit "$status"
