use super::image_ref::{tag_version, ImageRef};
use crate::data::k8s_releases::{is_end_of_life, oldest, release, DATA_DATE, PATCH_DATA_DATE};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags Kubernetes versions past their end of life, and supported versions behind
    /// their newest patch release, where the manifests show them:
    /// - control-plane images (`kube-apiserver`, `kube-controller-manager`,
    ///   `kube-scheduler`, `kube-proxy`) from `registry.k8s.io`, `k8s.gcr.io` or
    ///   `gcr.io/google_containers`, tagged with their version;
    /// - kubeadm's `ClusterConfiguration` `kubernetesVersion`;
    /// - the target version given with `--k8s-version` (reported once, on the first
    ///   object).
    ///
    /// A version past end of life is **high**; a supported minor behind its newest
    /// patch is **low**. The message names the date of the release data.
    ///
    /// ## Why is this bad?
    /// A Kubernetes minor gets patches for about 14 months. After that, fixed
    /// vulnerabilities of the API server, kubelet and proxy stay open, and cloud
    /// providers force upgrades. A patch behind the newest misses fixes already
    /// released for its own minor.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.27.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///   - name: kube-apiserver
    ///     image: registry.k8s.io/kube-apiserver:v1.36.4
    /// ```
    ///
    /// ## Known problems
    /// The verdicts are as of the date of the release data (shown in each message):
    /// a release that ended, or a patch that came out, after it is reported once
    /// kubecheck's data is updated. Versions newer than the data are not judged.
    ///
    /// ## References
    /// - Kubernetes docs: Releases, and Patch Releases (support periods)
    /// - Kubernetes docs: Version Skew Policy
    pub static KUBERNETES_VERSION_EOL = Rule {
        id: "kubernetes-version-eol",
        title: "Kubernetes version past end of life or behind its newest patch",
        category: Category::Patching,
        severity: Severity::High,
        applies_to: "Control-plane Pods and workloads, kubeadm ClusterConfiguration, the target version",
        remediation: "Upgrade to a supported Kubernetes minor and its newest patch release.",
        references: &[
            "https://kubernetes.io/releases/",
            "https://kubernetes.io/releases/patch-releases/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// Images that carry the Kubernetes version as their tag.
const COMPONENTS: &[&str] = &[
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
];
const REGISTRIES: &[&str] = &[
    "registry.k8s.io/",
    "k8s.gcr.io/",
    "gcr.io/google_containers/",
];

/// The Kubernetes version an image runs, when it is a control-plane component image
/// (`kube-apiserver-amd64` included).
fn component_version(image: &str) -> Option<Vec<u32>> {
    let image = ImageRef::parse(image);
    let path = REGISTRIES
        .iter()
        .find_map(|registry| image.name.strip_prefix(registry))?;
    let component = COMPONENTS.iter().any(|c| {
        path.strip_prefix(c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
    });
    let version = tag_version(image.tag?);
    (component && version.len() >= 2).then_some(version)
}

/// The verdict for Kubernetes `1.minor[.patch]`, if it is one.
fn verdict(minor: u32, patch: Option<u32>) -> Option<(Severity, String)> {
    let written = match patch {
        Some(patch) => format!("v1.{minor}.{patch}"),
        None => format!("v1.{minor}"),
    };
    match release(minor) {
        Some(r) if is_end_of_life(r) => Some((
            Severity::High,
            format!(
                "{written} is past end of life since {} (release data of {DATA_DATE})",
                r.end_of_life
            ),
        )),
        Some(r) => patch.filter(|&p| p < r.latest_patch).map(|_| {
            (
                Severity::Low,
                format!(
                    "{written} is behind the newest v1.{minor} patch v1.{minor}.{} (release data of {PATCH_DATA_DATE})",
                    r.latest_patch
                ),
            )
        }),
        None if minor < oldest().minor => Some((
            Severity::High,
            format!(
                "{written} is past end of life (v1.{} ended on {}, and older releases before it)",
                oldest().minor,
                oldest().end_of_life
            ),
        )),
        None => None,
    }
}

fn version_verdict(numbers: &[u32]) -> Option<(Severity, String)> {
    match numbers {
        [1, minor] => verdict(*minor, None),
        [1, minor, patch, ..] => verdict(*minor, Some(*patch)),
        _ => None,
    }
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    // Only a target the user gave: the default, the newest release, is supported.
    if let (Some(first), Some((1, minor))) = (objects.first(), ctx.options.kubernetes_version) {
        if let Some((severity, verdict)) = verdict(minor, None) {
            let message = format!("the target Kubernetes version (`--k8s-version`) {verdict}");
            out.report(first, "", message).severity = Some(severity);
        }
    }
    for object in objects {
        check_object(object, out);
    }
}

fn check_object(object: &Object<'_>, out: &mut Emitter) {
    if object.kind == "ClusterConfiguration" && object.api_version.starts_with("kubeadm.k8s.io/") {
        if let Some(version) = object.at("/kubernetesVersion").and_then(|n| n.as_str()) {
            if let Some((severity, verdict)) = version_verdict(&tag_version(version)) {
                let message = format!("kubeadm `kubernetesVersion` {verdict}");
                out.report(object, "/kubernetesVersion", message).severity = Some(severity);
            }
        }
    }
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        let Some((severity, verdict)) = component_version(image).and_then(|v| version_verdict(&v))
        else {
            continue;
        };
        let message = format!(
            "{} `{}` runs `{image}`: Kubernetes {verdict}",
            c.kind.noun(),
            c.name()
        );
        out.report(object, c.at("image"), message).severity = Some(severity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_component_images_and_judges_versions() {
        assert_eq!(
            component_version("registry.k8s.io/kube-apiserver:v1.27.3"),
            Some(vec![1, 27, 3])
        );
        assert_eq!(
            component_version("k8s.gcr.io/kube-proxy-amd64:v1.11.0@sha256:ab"),
            Some(vec![1, 11, 0])
        );
        assert_eq!(
            component_version("registry.k8s.io/kube-state-metrics:v2.10.0"),
            None
        );
        assert_eq!(
            component_version("example.com/kube-apiserver:v1.27.3"),
            None
        );
        let (severity, message) = version_verdict(&[1, 27, 3]).unwrap();
        assert_eq!(severity, Severity::High);
        assert_eq!(
            message,
            "v1.27.3 is past end of life since 2024-06-28 (release data of 2026-12-02)"
        );
        let (severity, message) = version_verdict(&[1, 35, 2]).unwrap();
        assert_eq!(severity, Severity::Low);
        assert!(
            message.contains("behind the newest v1.35 patch v1.35.8"),
            "{message}"
        );
        assert!(version_verdict(&[1, 36, 4]).is_none());
        assert!(version_verdict(&[1, 40, 0]).is_none());
        assert_eq!(version_verdict(&[1, 9, 0]).unwrap().0, Severity::High);
    }
}
