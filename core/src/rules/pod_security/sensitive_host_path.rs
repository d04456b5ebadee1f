use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `hostPath` volumes that expose a part of the node that hands over the
    /// node itself: a container runtime socket (`/var/run/docker.sock`,
    /// `/run/containerd/containerd.sock`, `/var/run/crio/crio.sock`, …), the runtime
    /// directories `/var/run` and `/run`, or anything in `/etc`, `/proc`, `/sys`,
    /// `/dev`, `/boot`, `/root`, `/var/lib/kubelet`, `/var/lib/docker`,
    /// `/var/lib/containerd` or `/var/lib/etcd`, and `/home` or a user's directory in
    /// it. A directory above one of these (`/`, `/var`, `/var/lib`) is flagged too,
    /// since it contains them. Volumes that no container mounts are skipped, and so are
    /// routine harmless entries: CA bundles (`/etc/ssl/certs`), `/etc/localtime`,
    /// `/etc/resolv.conf`, `/dev/log`, CSI registration directories under
    /// `/var/lib/kubelet/plugins*`, and `/var/lib/docker/containers` when mounted
    /// read-only (log collectors).
    ///
    /// ## Why is this bad?
    /// Each of these is a known path to root on the node: the runtime socket starts a
    /// privileged container, `/etc` holds the kubelet's credentials and the node's
    /// users, `/var/lib/kubelet` every pod's secrets and service account tokens,
    /// `/proc` and `/sys` the kernel's knobs. A read-only mount still leaks the
    /// credentials, and a socket can be used even when mounted read-only.
    ///
    /// This rule is on top of the Pod Security Standards `hostPathVolumes` control
    /// (which forbids every `hostPath` at baseline): both can report the same volume,
    /// this one to say that it is a node takeover, not only a policy violation.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci-runner
    /// spec:
    ///   containers:
    ///   - name: runner
    ///     image: docker:27
    ///     volumeMounts:
    ///     - name: docker
    ///       mountPath: /var/run/docker.sock
    ///   volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci-runner
    /// spec:
    ///   containers:
    ///   - name: runner
    ///     image: gcr.io/kaniko-project/executor:v1.23.2
    ///     volumeMounts:
    ///     - name: workspace
    ///       mountPath: /workspace
    ///   volumes:
    ///   - name: workspace
    ///     emptyDir: {}
    /// ```
    ///
    /// ## Known problems
    /// Node agents (log collectors, monitoring exporters, CNI and storage drivers)
    /// mount some of these paths by design; review them and suppress the rule with
    /// `kubecheck.io/ignore` and a reason. Symbolic links on the node are not
    /// followed: `/var/run` is usually a link to `/run`, both are listed.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.2.12: Minimize the admission of HostPath volumes
    /// - Kubernetes docs, Volumes: hostPath (security warning)
    /// - NSA/CISA Kubernetes Hardening Guide: Pod security
    pub static SENSITIVE_HOST_PATH = Rule {
        id: "sensitive-host-path",
        title: "hostPath volume exposes a sensitive node path",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Do not mount runtime sockets or node system directories; use an `emptyDir`, a `configMap` or a CSI volume, or an API instead of the socket.",
        references: &[
            "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Paths that hand over the node, and why. Anything below them counts too, except
/// for `/var/run` and `/run`, where only the runtime entries below them do.
const SENSITIVE: &[(&str, &str)] = &[
    ("/var/run/docker.sock", "the Docker socket"),
    ("/run/docker.sock", "the Docker socket"),
    ("/var/run/dockershim.sock", "the dockershim socket"),
    ("/var/run/cri-dockerd.sock", "the cri-dockerd socket"),
    ("/run/cri-dockerd.sock", "the cri-dockerd socket"),
    ("/var/run/containerd", "the containerd socket directory"),
    ("/run/containerd", "the containerd socket directory"),
    ("/run/k3s/containerd", "the k3s containerd socket directory"),
    ("/var/run/crio", "the CRI-O socket directory"),
    ("/run/crio", "the CRI-O socket directory"),
    ("/var/run/docker", "the Docker runtime directory"),
    ("/etc", "the node's configuration and credentials"),
    ("/proc", "the node's kernel and process interface"),
    ("/sys", "the node's kernel interface"),
    ("/dev", "the node's devices"),
    ("/boot", "the node's kernel and boot loader"),
    ("/root", "root's home directory"),
    (
        "/var/lib/kubelet",
        "the kubelet's state, with every pod's secrets",
    ),
    ("/var/lib/docker", "the Docker state directory"),
    ("/var/lib/containerd", "the containerd state directory"),
    ("/var/lib/etcd", "the etcd data directory"),
];

/// Directories whose own contents are sensitive only through the entries above.
const RUNTIME_DIRS: &[(&str, &str)] = &[
    (
        "/var/run",
        "the node's runtime directory, with the container runtime socket",
    ),
    (
        "/run",
        "the node's runtime directory, with the container runtime socket",
    ),
];

/// Home directories: `/home` and each user's directory (`/home/alice`, with its
/// `.ssh`), not deeper paths that some distributions use for system files
/// (`/home/kubernetes/bin` on Container-Optimized OS).
const HOMES: &str = "/home";

/// Entries inside the trees above that are routinely mounted and hand over nothing:
/// CA bundles, the time zone, the resolver, the syslog socket, CSI registration.
const HARMLESS: &[&str] = &[
    "/etc/ssl/certs",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
    "/etc/ca-certificates",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/machine-id",
    "/etc/resolv.conf",
    "/etc/os-release",
    "/dev/log",
    "/dev/shm",
    "/dev/fuse",
    "/dev/net/tun",
    "/var/lib/kubelet/plugins",
    "/var/lib/kubelet/plugins_registry",
];

/// Entries that are harmless when every mount of them is read-only: container logs,
/// which log collectors read.
const HARMLESS_READ_ONLY: &[&str] = &["/var/lib/docker/containers"];

/// `/a//b/./c/` → `/a/b/c`; `None` for a relative path (the API server refuses it).
fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    Some(format!("/{}", parts.join("/")))
}

/// `true` if `path` is `dir` or inside it.
fn within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Why mounting `path` from the node is dangerous, if it is.
fn sensitivity(path: &str) -> Option<String> {
    let path = normalize(path)?;
    if path == "/" {
        return Some("the node's whole filesystem".to_owned());
    }
    if HARMLESS.iter().any(|dir| within(&path, dir)) {
        return None;
    }
    if path == HOMES
        || path
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent == HOMES)
    {
        return Some("the node users' home directories".to_owned());
    }
    if let Some((_, why)) = SENSITIVE.iter().find(|(dir, _)| within(&path, dir)) {
        return Some((*why).to_owned());
    }
    if let Some((_, why)) = RUNTIME_DIRS.iter().find(|(dir, _)| path == *dir) {
        return Some((*why).to_owned());
    }
    // A parent of a sensitive path contains it.
    SENSITIVE
        .iter()
        .chain(RUNTIME_DIRS)
        .map(|(dir, _)| *dir)
        .chain([HOMES])
        .find(|dir| within(dir, &path))
        .map(|dir| format!("a directory that contains `{dir}`"))
}

/// Whether some container mounts volume `name`, and whether every such mount is
/// read-only.
fn mounts(pod: &PodTemplate, name: &str) -> (bool, bool) {
    let mut all = pod
        .containers
        .iter()
        .flat_map(|c| c.container.volume_mounts.iter().flatten())
        .filter(|m| m.name == name)
        .peekable();
    let mounted = all.peek().is_some();
    (mounted, all.all(|m| m.read_only == Some(true)))
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let Some(pod) = &object.pod else { return };
    for (i, volume) in pod.spec.volumes.iter().flatten().enumerate() {
        let Some(host_path) = &volume.host_path else {
            continue;
        };
        let Some(why) = sensitivity(&host_path.path) else {
            continue;
        };
        let (mounted, read_only) = mounts(pod, &volume.name);
        let only_read = normalize(&host_path.path)
            .is_some_and(|p| HARMLESS_READ_ONLY.iter().any(|dir| within(&p, dir)));
        if !mounted || (read_only && only_read) {
            continue;
        }
        out.report(
            object,
            pod.at(&format!("volumes/{i}/hostPath/path")),
            format!(
                "volume `{}` mounts `{}` from the node: {why}",
                volume.name, host_path.path
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths_their_children_and_their_parents() {
        for path in [
            "/",
            "/var",
            "/var/lib",
            "/var/run",
            "/run/",
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var/run/crio/crio.sock",
            "/etc",
            "/etc/kubernetes/pki",
            "/proc/sys",
            "/var/lib/kubelet/pods",
            "/root/.ssh",
            "//etc//",
            "/home",
            "/home/alice",
            "/var/lib/docker/containers",
        ] {
            assert!(sensitivity(path).is_some(), "{path}");
        }
        for path in [
            "/var/log",
            "/var/run/calico",
            "/run/xtables.lock",
            "/lib/modules",
            "/opt/cni/bin",
            "/etcd-data",
            "/var/lib/calico",
            "relative/etc",
            "/etc/ssl/certs",
            "/dev/log",
            "/home/kubernetes/bin/nvidia",
            "/var/lib/kubelet/plugins_registry",
        ] {
            assert!(sensitivity(path).is_none(), "{path}");
        }
    }
}
