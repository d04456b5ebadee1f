#!/usr/bin/env bash
# The README's main command: build kubecheck, check the bundled example manifests, then
# serve the web app and API. Arguments go to `kubecheck serve` (see `kubecheck serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The same setup as scripts/test.sh, without the test-only packages. The first run on a
# fresh machine takes longest here (wasm-bindgen-cli compiles from source).
step "scripts/setup.sh"
scripts/setup.sh

# The page first: a release build of kubecheck embeds dist/web (a debug build reads it).
step "scripts/build-web.sh (first time: about 2 minutes on 2 cores)"
scripts/build-web.sh

step "cargo build -p kubecheck (first time: about 2 minutes on 2 cores)"
cargo build -p kubecheck
kubecheck="$(. scripts/lib/cargo.sh && cargo_target_dir)/debug/kubecheck"

step "kubecheck check examples/manifests"
# The examples include a deliberately risky Deployment, so exit code 1 (findings at or
# above `--fail-on high`) is the expected result here; 2 means something is broken.
status=0
"$kubecheck" check examples/manifests --format text || status=$?
if [[ $status -eq 2 ]]; then
    echo "scripts/main.sh: kubecheck could not check the examples (exit code 2)" >&2
    exit 2
fi
echo "(exit code $status: 0 = clean, 1 = findings at or above --fail-on)"

if "$kubecheck" serve --help >/dev/null 2>&1; then
    step "kubecheck serve $*"
    exec "$kubecheck" serve "$@"
else
    echo
    echo "This build has no \`kubecheck serve\` yet; once it has, run: $kubecheck serve"
fi
