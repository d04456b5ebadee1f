use k8s_openapi::api::core::v1::AppArmorProfile;
use serde_json::json;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::standards::{
    annotation_at, annotations, container_context, enforced, pod_context, pod_context_at,
};

/// The per-container annotation that set AppArmor profiles before the
/// `appArmorProfile` field (Kubernetes 1.30).
const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

declare_rule! {
    /// ## What it does
    /// Flags AppArmor profiles other than the runtime default or a profile loaded on the
    /// node: `appArmorProfile.type` other than `RuntimeDefault` or `Localhost` (pod or
    /// container), and `container.apparmor.security.beta.kubernetes.io/<container>`
    /// annotations other than `runtime/default` or `localhost/<profile>`.
    ///
    /// ## Why is this bad?
    /// `Unconfined` turns AppArmor off for the container: the mandatory access control
    /// that blocks mounts, raw kernel interfaces and writes to `/proc` is gone.
    ///
    /// Severity: medium: an unconfined AppArmor profile removes one confinement
    /// layer; it opens no path to the node by itself: defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       appArmorProfile:
    ///         type: Unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     securityContext:
    ///       appArmorProfile:
    ///         type: RuntimeDefault
    /// ```
    ///
    /// ## Fix safety
    /// The fix selects the runtime's default profile, which blocks what almost no
    /// application needs; a container that relies on mounting or on raw kernel
    /// interfaces breaks.
    ///
    /// ## Version history
    /// Pod Security Standards control `appArmorProfile` (baseline), since policy version
    /// v1.0. Every version checks both the annotations and the `appArmorProfile` fields
    /// (the fields exist from Kubernetes 1.30 on).
    ///
    /// ## References
    /// - Pod Security Standards, baseline: AppArmor
    /// - https://kubernetes.io/docs/tutorials/security/apparmor/
    pub static APPARMOR_UNCONFINED = Rule {
        id: "apparmor-unconfined",
        title: "AppArmor turned off",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Use the `RuntimeDefault` AppArmor profile (or a `Localhost` profile) instead of `Unconfined`.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
        ],
        pss: Some(PssControl { control: "appArmorProfile", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn allowed_type(profile: &AppArmorProfile) -> bool {
    matches!(profile.type_.as_str(), "RuntimeDefault" | "Localhost")
}

fn allowed_annotation(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &APPARMOR_UNCONFINED, 0) {
        return;
    }
    if let Some(profile) = pod_context(pod).and_then(|sc| sc.app_armor_profile.as_ref()) {
        if !allowed_type(profile) {
            let pointer = pod_context_at(pod, "appArmorProfile/type");
            out.report(
                object,
                &pointer,
                format!("pod sets AppArmor profile type `{}`", profile.type_),
            )
            .fix_set(
                "use the runtime's default profile",
                pointer,
                json!("RuntimeDefault"),
            );
        }
    }
    for c in &pod.containers {
        let Some(profile) = container_context(c).and_then(|sc| sc.app_armor_profile.as_ref())
        else {
            continue;
        };
        if !allowed_type(profile) {
            let pointer = c.at("securityContext/appArmorProfile/type");
            out.report(
                object,
                &pointer,
                format!(
                    "{} `{}` sets AppArmor profile type `{}`",
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
    for (key, value) in annotations(pod) {
        let Some(container) = key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        if !allowed_annotation(value) {
            let pointer = annotation_at(pod, key);
            out.report(
                object,
                &pointer,
                format!("annotation sets AppArmor profile `{value}` for container `{container}`"),
            )
            .fix_set(
                "use the runtime's default profile",
                pointer,
                json!("runtime/default"),
            );
        }
    }
}
