//! How a finding is named across runs: the resource as one string, and a fingerprint
//! that SARIF, GitLab Code Quality and baselines share.

use crate::report::Finding;

/// `Kind/namespace/name`, `Kind/name` or `Kind`.
pub fn resource_name(f: &Finding) -> String {
    let r = &f.resource;
    match (&r.namespace, &r.name) {
        (Some(ns), Some(name)) => format!("{}/{ns}/{name}", r.kind),
        (None, Some(name)) => format!("{}/{name}", r.kind),
        _ => r.kind.clone(),
    }
}

/// Stable across runs and edits elsewhere in the file: rule, source, resource and JSON
/// pointer, not line numbers, so a baseline survives lines moving. FNV-1a, written out so
/// the value never depends on a hasher's seed.
pub fn fingerprint(f: &Finding) -> String {
    let key = format!(
        "{}|{}|{}|{}",
        f.rule,
        f.location.source,
        resource_name(f),
        f.location.path
    );
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}
