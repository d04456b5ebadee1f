use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::pss::PssLevel;
use crate::rules::{Check, Ctx, Emitter, PssControl};
use crate::severity::{Category, Severity};

use super::sensitive_host_path::{is_harmless, mounts};
use super::standards::enforced;

declare_rule! {
    /// ## What it does
    /// Flags pods with a `hostPath` volume.
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume mounts a file or directory of the node into the pod. Writable
    /// host paths let a container plant binaries or configuration on the node; even a
    /// read-only mount of the wrong path leaks credentials (kubelet keys, service account
    /// tokens of other pods, the container runtime socket).
    ///
    /// Severity: high when a container mounts it writable (a likely path to the node);
    /// medium when every mount of it is `readOnly: true` (or nothing mounts it): the
    /// pod reads the node's files, but `sensitive-host-path` judges the paths whose
    /// reading is itself dangerous, and reports them instead of this rule. Info for the
    /// routinely mounted harmless entries that `sensitive-host-path` skips
    /// (`/dev/log`, `/run/xtables.lock`, CA bundles, `/etc/localtime`, …): still a Pod
    /// Security violation, but no access to anything on the node worth having.
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
    ///   - name: logs
    ///     hostPath:
    ///       path: /var/log
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
    ///   - name: logs
    ///     emptyDir: {}
    /// ```
    ///
    /// ## Version history
    /// Pod Security Standards control `hostPathVolumes` (baseline), unchanged since policy
    /// version v1.0.
    ///
    /// ## References
    /// - Pod Security Standards, baseline: HostPath Volumes
    pub static HOST_PATH_VOLUME = Rule {
        id: "host-path-volume",
        title: "hostPath volume",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Replace the `hostPath` volume with an `emptyDir`, a ConfigMap, a Secret or a PersistentVolumeClaim.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        ],
        pss: Some(PssControl { control: "hostPathVolumes", level: PssLevel::Baseline }),
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(ctx, object, pod, out);
    }
}

fn check_pod(ctx: &Ctx<'_>, object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    if !enforced(ctx, &HOST_PATH_VOLUME, 0) {
        return;
    }
    for (i, volume) in pod.volumes(object).iter().enumerate() {
        if let Some(host_path) = &volume.host_path {
            let harmless = is_harmless(&host_path.path);
            let (mounted, read_only) = mounts(pod, &volume.name);
            let severity = if harmless {
                Severity::Info
            } else if read_only {
                Severity::Medium
            } else {
                Severity::High
            };
            out.report(
                object,
                pod.at(&format!("volumes/{i}/hostPath")),
                format!(
                    "volume `{}` mounts host path `{}`{}",
                    volume.name,
                    host_path.path,
                    if harmless {
                        " (a routinely mounted, harmless entry)"
                    } else if !mounted {
                        " (no container mounts it)"
                    } else if read_only {
                        " (mounted read-only)"
                    } else {
                        ""
                    }
                ),
            )
            .severity = Some(severity);
        }
    }
}
