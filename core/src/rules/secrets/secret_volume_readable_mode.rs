use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Secret volumes, and projected volumes with a Secret or service account
    /// token source, whose `defaultMode` or an item's `mode` lets other users read the
    /// files: the "others" read bit (`0004`) always, the group read bit (`0040`) when
    /// the pod sets no `fsGroup` (the files' group is then root's, which images and
    /// OpenShift's arbitrary user ids share). With `fsGroup`, `0440` is the documented
    /// way to let a non-root user read the files and is not reported.
    ///
    /// Modes are read as the API server reads them: YAML `0644` is octal (420), JSON
    /// and YAML `420` are decimal. An unset mode is the default `0644` and is not
    /// reported: set it explicitly where it matters.
    ///
    /// ## Why is this bad?
    /// Every process of every user in the containers that mount the volume can read the
    /// credential, so a compromise of any of them (a sidecar, a debug shell, a
    /// process running as another user) reads it too.
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
    ///     image: shop/web:1.4.2
    ///     volumeMounts:
    ///     - {name: tls, mountPath: /etc/tls, readOnly: true}
    ///   volumes:
    ///   - name: tls
    ///     secret:
    ///       secretName: web-tls
    ///       defaultMode: 0644
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
    ///     image: shop/web:1.4.2
    ///     volumeMounts:
    ///     - {name: tls, mountPath: /etc/tls, readOnly: true}
    ///   volumes:
    ///   - name: tls
    ///     secret:
    ///       secretName: web-tls
    ///       defaultMode: 0400
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#secret-files-permissions
    /// - https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/volume/#projections
    pub static SECRET_VOLUME_READABLE_MODE = Rule {
        id: "secret-volume-readable-mode",
        title: "Secret volume files readable by other users",
        category: Category::Secrets,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `defaultMode` (and item `mode`s) to `0400`, or `0440` with the pod's `fsGroup` for a non-root user.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#secret-files-permissions",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

const OTHERS_READ: i32 = 0o004;
const GROUP_READ: i32 = 0o040;

/// Who besides the owner can read files of `mode`, if anyone.
fn readers(mode: i32, fs_group: bool) -> Option<&'static str> {
    if !(0..=0o777).contains(&mode) {
        return None; // the API server refuses it: not a mode to judge
    }
    match (mode & GROUP_READ != 0 && !fs_group, mode & OTHERS_READ != 0) {
        (true, true) => Some("group and others"),
        (false, true) => Some("others"),
        (true, false) => Some("the root group"),
        (false, false) => None,
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    let fs_group = pod
        .spec
        .security_context
        .as_ref()
        .is_some_and(|s| s.fs_group.is_some());
    let mut check_mode = |mode: Option<i32>, pointer: String, what: &str| {
        let Some(mode) = mode else { return };
        let Some(readers) = readers(mode, fs_group) else {
            return;
        };
        let field = pointer.rsplit('/').next().unwrap_or_default().to_owned();
        // In octal whatever the notation (`420` is `0644`): a JSON source can only
        // write it in decimal, and a plugin sees every source as JSON.
        let shown = format!("`{field}` to `0{mode:o}`");
        out.report(
            object,
            pointer,
            format!("{what} sets {shown}: {readers} can read its files"),
        );
    };
    for (i, volume) in pod.volumes(object).iter().enumerate() {
        let at = |rest: &str| pod.at(&format!("volumes/{i}/{rest}"));
        if let Some(secret) = &volume.secret {
            let what = format!("secret volume `{}`", volume.name);
            check_mode(secret.default_mode, at("secret/defaultMode"), &what);
            for (k, item) in secret.items.iter().flatten().enumerate() {
                check_mode(item.mode, at(&format!("secret/items/{k}/mode")), &what);
            }
        }
        if let Some(projected) = &volume.projected {
            let sources = projected.sources.as_deref().unwrap_or_default();
            let sensitive = sources
                .iter()
                .any(|s| s.secret.is_some() || s.service_account_token.is_some());
            let what = format!("projected volume `{}`", volume.name);
            if sensitive {
                check_mode(projected.default_mode, at("projected/defaultMode"), &what);
            }
            for (s, source) in sources.iter().enumerate() {
                let Some(secret) = &source.secret else {
                    continue;
                };
                for (k, item) in secret.items.iter().flatten().enumerate() {
                    let pointer = at(&format!("projected/sources/{s}/secret/items/{k}/mode"));
                    check_mode(item.mode, pointer, &what);
                }
            }
        }
    }
}
