#!/usr/bin/env bash
# Builds plugin.c into a kubecheck plugin: a core wasm32 module with no imports, made by
# Debian's clang and lld (`apt-get install clang lld`) without any libc.
# Usage: build.sh OUTPUT.wasm
set -euo pipefail

die() {
    printf 'build.sh: %s\n' "$*" >&2
    exit 1
}

[[ $# -eq 1 ]] || die "usage: $0 OUTPUT.wasm"
out="$1"
clang="${CLANG:-clang}"
command -v "$clang" >/dev/null || die "$clang is missing: install clang and lld (\`sudo apt-get install clang lld\`)"
command -v wasm-ld >/dev/null || die "wasm-ld is missing: install lld (\`sudo apt-get install lld\`)"

mkdir -p "$(dirname "$out")"
# -fsanitize=undefined with traps: undefined behaviour (an overflow, a null or misaligned
# pointer) stops the call with a trap that the host reports, instead of going on silently.
# --stack-first: a stack overflow runs off the start of memory and traps, rather than
# overwriting static data.
"$clang" --target=wasm32 -nostdlib -ffreestanding -std=c11 -Os \
    -Wall -Wextra -Wconversion -Werror \
    -fsanitize=undefined -fsanitize-trap=all \
    -Wl,--no-entry -Wl,--stack-first \
    -Wl,--export=kubecheck_abi_version -Wl,--export=kubecheck_alloc \
    -Wl,--export=kubecheck_metadata -Wl,--export=kubecheck_check \
    -o "$out" "$(dirname "$0")/plugin.c"
