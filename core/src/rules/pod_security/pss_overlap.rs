//! What the best-practice rules share. Those that overlap a Pod Security Standards
//! control stay silent while that control is in effect, so one problem is not reported
//! twice.

use crate::rules::{Ctx, RULES};

/// Whether the PSS control `control` (upstream check id) is part of this run: a rule
/// implementing it is enabled, the selected level includes it, and the selected
/// policy version is `since_minor` or newer.
pub(crate) fn control_in_effect(ctx: &Ctx<'_>, control: &str, since_minor: u32) -> bool {
    let target = ctx.options.pss;
    target.minor >= since_minor
        && RULES.iter().any(|rule| {
            rule.pss
                .is_some_and(|p| p.control == control && p.level <= target.level)
                && ctx.runs(rule)
        })
}

/// Windows pods ignore Linux-only security settings; `spec.os.name` says which.
pub(crate) fn is_windows(spec: &crate::model::PodSpecView) -> bool {
    spec.os.as_ref().is_some_and(|os| os.name == "windows")
}

/// `CAP_NET_RAW`, `net_raw` and `NET_RAW` name the same capability, as for the container
/// runtime.
pub(crate) fn capability_name(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}
