//! What the Pod Security Standards rules share: when a control is in force, how a pod's
//! OS and security contexts are read, and how annotations are pointed at.

use k8s_openapi::api::core::v1::{PodSecurityContext, SecurityContext};

use crate::model::{ContainerRef, PodTemplate};
use crate::pointer;
use crate::rules::{Ctx, Rule};

/// Whether `rule`'s control is part of the selected level and policy version: the
/// control must belong to that level (restricted includes baseline) and exist since
/// policy version `v1.<since>`.
pub(crate) fn enforced(ctx: &Ctx<'_>, rule: &Rule, since: u32) -> bool {
    rule.pss
        .is_some_and(|control| ctx.options.pss.enforces(control.level, since))
}

/// The policy version being checked (`v1.<minor>`).
pub(crate) fn minor(ctx: &Ctx<'_>) -> u32 {
    ctx.options.pss.minor
}

/// Pods that declare `spec.os.name: windows`; from policy v1.25 on, Linux-only restricted
/// controls skip them.
pub(crate) fn is_windows(pod: &PodTemplate) -> bool {
    pod.spec.os.as_ref().is_some_and(|os| os.name == "windows")
}

/// Pods with `hostUsers: false`: their root is an unprivileged user on the node.
pub(crate) fn in_user_namespace(pod: &PodTemplate) -> bool {
    pod.spec.host_users == Some(false)
}

pub(crate) fn pod_context(pod: &PodTemplate) -> Option<&PodSecurityContext> {
    pod.spec.security_context.as_ref()
}

pub(crate) fn container_context(c: &ContainerRef) -> Option<&SecurityContext> {
    c.container.security_context.as_ref()
}

/// Pointer to a field of the pod-level security context, e.g. `runAsNonRoot`.
pub(crate) fn pod_context_at(pod: &PodTemplate, relative: &str) -> String {
    pod.at(&format!("securityContext/{relative}"))
}

/// Pointer to the annotation `key` of the pod (the template's metadata for workloads).
pub(crate) fn annotation_at(pod: &PodTemplate, key: &str) -> String {
    format!("{}/annotations/{}", pod.meta_pointer, pointer::escape(key))
}

/// The pod's annotations in a stable order (by key).
pub(crate) fn annotations(pod: &PodTemplate) -> impl Iterator<Item = (&str, &str)> {
    pod.metadata
        .annotations
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

/// Whether `rule` runs in this check and its control is in force: a restricted control
/// leaves to its baseline counterpart what that one already reports, so one problem is
/// reported once.
pub(crate) fn reported_by(ctx: &Ctx<'_>, rule: &Rule, since: u32) -> bool {
    enforced(ctx, rule, since) && ctx.runs(rule)
}
