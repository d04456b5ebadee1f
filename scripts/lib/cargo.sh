# What the scripts ask cargo rather than write down, sourced by them (from the
# repository root): where it builds, and the versions of the tools that must match a
# crate in Cargo.lock.

# The target directory cargo builds into: `target/`, or CARGO_TARGET_DIR, or a config's
# `build.target-dir`.
cargo_target_dir() {
    cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
}

# The version of crate `$1` in Cargo.lock (the first one listed), e.g. wasm-bindgen,
# whose CLI must be exactly that version.
lockfile_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}
