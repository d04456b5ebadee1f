#!/usr/bin/env bash
# kubecheck against Checkov on the same corpus: Checkov installed with pip into a
# virtualenv under the target directory (made on first use; CHECKOV_VERSION pins it),
# then RUNS (default 3) alternating runs of each — kubecheck, Checkov, kubecheck, … — so
# both see the same machine load. Prints per run the wall time and peak RSS, then the
# medians, their ratio, and the resources each tool says it checked.
#
#   cargo build --release -p kubecheck && scripts/bench-checkov.sh [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

target_dir="$(cargo_target_dir)"
bin="${KUBECHECK_BIN:-$target_dir/release/kubecheck}"
corpus="${1:-../shared/corpus/real}"
runs="${RUNS:-3}"
venv="$target_dir/checkov-venv"
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 2; }
if [[ ! -x "$venv/bin/checkov" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "checkov${CHECKOV_VERSION:+==$CHECKOV_VERSION}"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bin" --version
echo "checkov $("$venv/bin/checkov" --version)"
echo "corpus $corpus: $(du -sh "$corpus" | cut -f1); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"

kubecheck=(check --format json --fail-on never "$corpus")
checkov=(--framework kubernetes -d "$corpus" -o json --compact --skip-download)
# `<wall seconds> <peak RSS KB>` of one run; stdout kept in $work/$1.json.
run() {
    local name="$1"
    shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/$name.json" 2>/dev/null || true
    tail -1 "$work/time"
}
median() { sort -n | sed -n "$((runs / 2 + 1))p"; }

: >"$work/kubecheck.times"
: >"$work/checkov.times"
for ((i = 1; i <= runs; i++)); do
    k=$(run kubecheck "$bin" "${kubecheck[@]}")
    c=$(run checkov "$venv/bin/checkov" "${checkov[@]}")
    echo "run $i: kubecheck ${k% *} s, ${k#* } KB; checkov ${c% *} s, ${c#* } KB"
    echo "$k" >>"$work/kubecheck.times"
    echo "$c" >>"$work/checkov.times"
done
k_wall=$(cut -d' ' -f1 "$work/kubecheck.times" | median)
c_wall=$(cut -d' ' -f1 "$work/checkov.times" | median)
k_rss=$(cut -d' ' -f2 "$work/kubecheck.times" | sort -n | tail -1)
c_rss=$(cut -d' ' -f2 "$work/checkov.times" | sort -n | tail -1)
# Resources each tool reports: kubecheck's summary; Checkov's kubernetes summary
# (one report, or one per framework in a list).
resources=$(python3 - "$work/kubecheck.json" "$work/checkov.json" <<'PY'
import json, sys
kubecheck = json.load(open(sys.argv[1]))["summary"]["resources"]
checkov = json.load(open(sys.argv[2]))
reports = checkov if isinstance(checkov, list) else [checkov]
seen = sum(r.get("summary", {}).get("resource_count", 0) for r in reports
           if r.get("check_type", "kubernetes") == "kubernetes")
print(kubecheck, seen)
PY
)
awk -v n="$runs" -v kw="$k_wall" -v cw="$c_wall" -v kr="$k_rss" -v cr="$c_rss" -v res="$resources" 'BEGIN {
    split(res, r, " ")
    printf "| tool | wall (median of %d) | peak RSS | resources |\n|---|---:|---:|---:|\n", n
    printf "| kubecheck | %.2f s | %.0f MB | %d |\n| Checkov | %.2f s | %.0f MB | %d |\n", kw, kr / 1024, r[1], cw, cr / 1024, r[2]
    printf "Checkov / kubecheck: %.0f× the wall time, %.1f× the memory\n", cw / kw, cr / kr
}'
