use k8s_openapi::api::core::v1::SeccompProfile;
use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::{since, PssLevel};
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{
    annotation_at, container_context, enforced, minor, pod_context, pod_context_at,
};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

declare_rule! {
    /// ## What it does
    /// Flags seccomp profiles explicitly set to anything but the runtime default or a
    /// profile on the node, in practice `Unconfined`: `seccompProfile.type` of the pod or
    /// of a container (including init and ephemeral containers), or, for policy versions
    /// before v1.19, the seccomp annotations.
    ///
    /// ## Why is this bad?
    /// Seccomp filters the system calls a container may make; the runtime's default
    /// profile blocks dozens that serve only kernel exploits and escapes (`unshare`,
    /// `keyctl`, `bpf`...). `Unconfined` turns the filter off.
    ///
    /// Severity: medium: an explicit `Unconfined` profile opens every system
    /// call; like a missing profile it removes one layer, with no path to the node by
    /// itself: defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: Unconfined
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Fix safety
    /// The fix selects `RuntimeDefault`; software that needs a blocked system call (some
    /// debuggers, nested sandboxes) fails and needs a `Localhost` profile.
    ///
    /// ## Version history
    /// Pod Security Standards control `seccompProfile_baseline` (baseline). Policy
    /// versions v1.0 to v1.18 check the annotations
    /// `seccomp.security.alpha.kubernetes.io/pod` and
    /// `container.seccomp.security.alpha.kubernetes.io/<container>` (allowed:
    /// `runtime/default`, `docker/default`, `localhost/<profile>`); from v1.19 on, the
    /// `seccompProfile.type` fields (allowed: `RuntimeDefault`, `Localhost`).
    ///
    /// ## References
    /// - Pod Security Standards, baseline: Seccomp
    pub static UNCONFINED_SECCOMP = Rule {
        id: "unconfined-seccomp",
        title: "Seccomp turned off",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a profile) instead of `Unconfined`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
        pss: Some(PssControl { control: "seccompProfile_baseline", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if !enforced(ctx, &UNCONFINED_SECCOMP, 0) {
        return;
    }
    for pod in &object.pods {
        if minor(ctx) < since::SECCOMP_PROFILE_FIELDS {
            check_annotations(object, pod, out);
        } else {
            check_fields(object, pod, out);
        }
    }
}

/// Annotation values older policy versions accept.
fn allowed_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

/// Field types the policy accepts.
pub(crate) fn allowed_type(profile: &SeccompProfile) -> bool {
    matches!(profile.type_.as_str(), "RuntimeDefault" | "Localhost")
}

/// Reports a pod-level `seccompProfile` of a type neither control allows, and returns
/// whether the pod sets an allowed one (which its containers then inherit).
pub(crate) fn report_pod_profile(
    object: &Object<'_>,
    pod: &PodTemplate,
    out: &mut Emitter,
) -> bool {
    let pod_profile = pod_context(pod).and_then(|sc| sc.seccomp_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !allowed_type(p)) {
        let pointer = pod_context_at(pod, "seccompProfile/type");
        out.report(
            object,
            &pointer,
            format!("pod sets `seccompProfile.type: {}`", profile.type_),
        )
        .fix_set(
            "use the runtime's default profile",
            pointer,
            json!("RuntimeDefault"),
        );
    }
    pod_profile.is_some_and(allowed_type)
}

fn check_annotations(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    let forbidden = |key: &str| {
        pod.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .filter(|value| !allowed_annotation(value))
            .cloned()
    };
    if let Some(value) = forbidden(POD_ANNOTATION) {
        let pointer = annotation_at(pod, POD_ANNOTATION);
        out.report(
            object,
            &pointer,
            format!("annotation sets the pod's seccomp profile to `{value}`"),
        )
        .fix_set(
            "use the runtime's default profile",
            pointer,
            json!("runtime/default"),
        );
    }
    for c in &pod.containers {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name());
        if let Some(value) = forbidden(&key) {
            let pointer = annotation_at(pod, &key);
            out.report(
                object,
                &pointer,
                format!(
                    "annotation sets the seccomp profile of {} `{}` to `{value}`",
                    c.kind.noun(),
                    c.name()
                ),
            )
            .fix_set(
                "use the runtime's default profile",
                pointer,
                json!("runtime/default"),
            );
        }
    }
}

fn check_fields(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    report_pod_profile(object, pod, out);
    for c in &pod.containers {
        let profile = container_context(c).and_then(|sc| sc.seccomp_profile.as_ref());
        if let Some(profile) = profile.filter(|p| !allowed_type(p)) {
            let pointer = c.at("securityContext/seccompProfile/type");
            out.report(
                object,
                &pointer,
                format!(
                    "{} `{}` sets `seccompProfile.type: {}`",
                    c.kind.noun(),
                    c.name(),
                    profile.type_
                ),
            )
            .fix_set(
                "use the runtime's default profile",
                pointer,
                json!("RuntimeDefault"),
            );
        }
    }
}
