#!/usr/bin/env bash
# Prints one scaling table: generated clusters of 10 to 10,000 workloads (with their
# namespaces, services, policies, roles and bindings: `kubecheck_tests::cluster`)
# checked by the release binary with every rule on. Columns: workloads, objects, input
# MB, the median wall time of `kubecheck check --format json` (RUNS runs, default 3) on
# all cores and with `--jobs 1`, the time per object, peak RSS and RSS / input, and the
# ratio of the whole check to the bare span-aware parse of the same input (in-process,
# one thread, median of 5: `cargo run --example scale`).
#
#   cargo build --release -p kubecheck && scripts/bench-scale.sh [WORKLOADS...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

target_dir="$(cargo_target_dir)"
bin="${KUBECHECK_BIN:-$target_dir/release/kubecheck}"
runs="${RUNS:-3}"
sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then
    sizes=(10 100 1000 10000)
fi
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 2; }
cargo build --quiet --release -p kubecheck-core --example scale
scale="$target_dir/release/examples/scale"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Median wall seconds and the largest peak RSS (KB) of RUNS runs of `kubecheck $@`.
measure() {
    local times=() rss=0 i line
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f '%e %M' -o "$work/time" "$bin" "$@" >/dev/null || [[ $? -le 1 ]]
        line=$(tail -1 "$work/time")
        times+=("${line% *}")
        ((${line#* } > rss)) && rss=${line#* }
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$((runs / 2 + 1))p")" "$rss"
}

"$bin" --version
echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' workloads objects 'input MB' \
    'check, all cores' 'check, --jobs 1' 'per object' 'peak RSS' 'RSS / input' 'check / parse'
echo '|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
for n in "${sizes[@]}"; do
    file="$work/cluster-$n.yaml"
    read -r parse check objects < <("$scale" "$n" "$file")
    bytes=$(stat -c %s "$file")
    read -r wall rss < <(measure check --format json --enable all --fail-on never "$file")
    read -r wall1 _ < <(measure check --format json --enable all --fail-on never --jobs 1 "$file")
    awk -v n="$n" -v o="$objects" -v b="$bytes" -v w="$wall" -v w1="$wall1" -v r="$rss" \
        -v p="$parse" -v c="$check" 'BEGIN {
        printf "| %d | %d | %.2f | %.3f s | %.3f s | %.1f µs | %.0f MB | %.1f× | %.2f |\n",
            n, o, b / 1e6, w, w1, w / o * 1e6, r / 1024, r * 1024 / b, c / p
    }'
done
