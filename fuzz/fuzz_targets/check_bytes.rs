//! `check` on arbitrary bytes, split into up to three sources at 0xFF bytes (never part of
//! UTF-8), so cross-file analyses and the per-source budgets are reached too.
#![no_main]

use kubecheck_core::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sources = data
        .split(|&b| b == 0xFF)
        .take(3)
        .enumerate()
        .filter_map(|(i, bytes)| Source::from_bytes(format!("f{i}.yaml"), bytes).ok())
        .collect();
    kubecheck_fuzz::check_sources(sources);
});
