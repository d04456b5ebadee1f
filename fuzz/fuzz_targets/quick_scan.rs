//! The quick YAML scan against saphyr: the same documents, spans and duplicate keys for
//! texts built at the edge of the scan's subset, and for arbitrary text.
#![no_main]

use kubecheck_fuzz::Lines;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Lines, &str)| {
    let (lines, raw) = input;
    kubecheck_fuzz::assert_quick_scan_agrees(&lines.to_text());
    kubecheck_fuzz::assert_quick_scan_agrees(raw);
});
