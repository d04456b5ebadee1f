use k8s_openapi::api::core::v1::Volume;

use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::sensitive_host_path::is_harmless;

use super::standards::enforced;

/// Volume sources the restricted level allows, by field name.
pub(crate) const RESTRICTED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

declare_rule! {
    /// ## What it does
    /// At the restricted level, flags volumes whose source is not one of `configMap`,
    /// `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`,
    /// `projected` or `secret`.
    ///
    /// ## Why is this bad?
    /// Other volume types either reach the node directly (`hostPath`), mount network
    /// storage with credentials and options chosen by the pod's author (`nfs`, `iscsi`,
    /// `rbd`, `cephfs`...), run code on the node (`flexVolume`, `gitRepo`), or bypass the
    /// PersistentVolume access control that cluster administrators set up.
    ///
    /// Severity: medium: a volume type outside the restricted list is defence in depth
    /// missing; a `hostPath` volume is judged by `host-path-volume` and
    /// `sensitive-host-path`, which report it instead (info for harmless host paths, as
    /// there).
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
    ///   volumes:
    ///   - name: data
    ///     nfs:
    ///       server: nfs.example.com
    ///       path: /exports/data
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
    ///   volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data
    /// ```
    ///
    /// ## Known problems
    /// A `hostPath` volume is also reported by `host-path-volume` (baseline): both
    /// controls forbid it at the restricted level.
    ///
    /// ## Version history
    /// Pod Security Standards control `restrictedVolumes` (restricted), since policy
    /// version v1.0. `image` volumes are allowed at every version (the admission library
    /// added them in Kubernetes 1.33 without a new policy version). A volume without a
    /// source is what the API server defaults to `emptyDir`, and is allowed.
    ///
    /// ## References
    /// - Pod Security Standards, restricted: Volume Types
    pub static NON_RESTRICTED_VOLUME_TYPE = Rule {
        id: "non-restricted-volume-type",
        title: "Volume type outside the restricted set",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Use a PersistentVolumeClaim (or a CSI, ConfigMap, Secret, projected or emptyDir volume) instead.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
        pss: Some(PssControl { control: "restrictedVolumes", level: PssLevel::Restricted }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Whether the volume has an allowed source, or none (the API server defaults that to
/// `emptyDir`).
fn allowed(volume: &Volume) -> bool {
    let has_allowed = volume.config_map.is_some()
        || volume.csi.is_some()
        || volume.downward_api.is_some()
        || volume.empty_dir.is_some()
        || volume.ephemeral.is_some()
        || volume.image.is_some()
        || volume.persistent_volume_claim.is_some()
        || volume.projected.is_some()
        || volume.secret.is_some();
    has_allowed || volume_sources(volume).is_empty()
}

/// The names of the volume's sources that are set, from its JSON form.
fn volume_sources(volume: &Volume) -> Vec<String> {
    match serde_json::to_value(volume) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter(|(k, v)| k != "name" && !v.is_null())
            .map(|(k, _)| k)
            .collect(),
        _ => Vec::new(),
    }
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &NON_RESTRICTED_VOLUME_TYPE, 0) {
        return;
    }
    for (i, volume) in pod.volumes(object).iter().enumerate() {
        if allowed(volume) {
            continue;
        }
        let sources = volume_sources(volume);
        let Some(source) = sources
            .iter()
            .find(|s| !RESTRICTED_VOLUME_SOURCES.contains(&s.as_str()))
        else {
            continue;
        };
        // A harmless host path (`/dev/log`, `/run/xtables.lock`) is info here as in
        // `host-path-volume`, which then reports it.
        let harmless = volume
            .host_path
            .as_ref()
            .is_some_and(|h| is_harmless(&h.path));
        out.report(
            object,
            pod.at(&format!("volumes/{i}/{source}")),
            format!("volume `{}` is a `{source}` volume", volume.name),
        )
        .severity = harmless.then_some(Severity::Info);
    }
}
