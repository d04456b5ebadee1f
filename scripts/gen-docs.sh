#!/usr/bin/env bash
# Regenerates docs/rules.md from the rule registry (`kubecheck rules --format markdown`).
# With --check, changes nothing and fails with a diff when docs/rules.md is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/cargo.sh

cargo build --quiet -p kubecheck
generated="$(mktemp)"
trap 'rm -f "$generated"' EXIT
"$(cargo_target_dir)/debug/kubecheck" rules --format markdown >"$generated"

case "${1:-}" in
    --check)
        if ! diff -u docs/rules.md "$generated"; then
            echo "docs/rules.md is stale: run scripts/gen-docs.sh" >&2
            exit 1
        fi
        echo "docs/rules.md is up to date"
        ;;
    "")
        mkdir -p docs
        cp "$generated" docs/rules.md
        echo "wrote docs/rules.md"
        ;;
    *)
        echo "usage: scripts/gen-docs.sh [--check]" >&2
        exit 2
        ;;
esac
