use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use Severity::{Critical, High, Medium};

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
    /// `/etc/resolv.conf`, `/dev/log`, `/run/xtables.lock`, CSI registration directories under
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
    /// Severity: critical for a writable mount, and for a read-only mount of a runtime
    /// socket, of etcd's data or of a directory that contains them (a socket is usable
    /// read-only; etcd's data is every secret). Read-only mounts of `/etc`, `/proc`,
    /// `/dev`, `/root`, `/home` and the kubelet's or runtimes' state are high: they leak
    /// credentials, a likely path to the node. Read-only `/sys` and `/boot` are medium:
    /// they expose information about the kernel and hardware, not credentials. A mount
    /// counts as read-only when every `volumeMount` of the volume sets `readOnly: true`.
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
    /// - Kubernetes docs, Volumes: hostPath (security warning)
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

/// Paths that hand over the node, why, and the severity when every mount of them is
/// read-only (writable mounts are critical). Anything below them counts too, except
/// for `/var/run` and `/run`, where only the runtime entries below them do. The first
/// match wins: sockets come before their directories.
const SENSITIVE: &[(&str, &str, Severity)] = &[
    ("/var/run/docker.sock", "the Docker socket", Critical),
    ("/run/docker.sock", "the Docker socket", Critical),
    (
        "/var/run/dockershim.sock",
        "the dockershim socket",
        Critical,
    ),
    (
        "/var/run/cri-dockerd.sock",
        "the cri-dockerd socket",
        Critical,
    ),
    ("/run/cri-dockerd.sock", "the cri-dockerd socket", Critical),
    (
        "/var/run/containerd/containerd.sock",
        "the containerd socket",
        Critical,
    ),
    (
        "/run/containerd/containerd.sock",
        "the containerd socket",
        Critical,
    ),
    (
        "/run/k3s/containerd/containerd.sock",
        "the k3s containerd socket",
        Critical,
    ),
    ("/var/run/crio/crio.sock", "the CRI-O socket", Critical),
    ("/run/crio/crio.sock", "the CRI-O socket", Critical),
    (
        "/var/run/containerd",
        "the containerd socket directory",
        Critical,
    ),
    (
        "/run/containerd",
        "the containerd socket directory",
        Critical,
    ),
    (
        "/run/k3s/containerd",
        "the k3s containerd socket directory",
        Critical,
    ),
    ("/var/run/crio", "the CRI-O socket directory", Critical),
    ("/run/crio", "the CRI-O socket directory", Critical),
    ("/var/run/docker", "the Docker runtime directory", Critical),
    ("/etc", "the node's configuration and credentials", High),
    ("/proc", "the node's kernel and process interface", High),
    ("/sys", "the node's kernel interface", Medium),
    ("/dev", "the node's devices", High),
    ("/boot", "the node's kernel and boot loader", Medium),
    ("/root", "root's home directory", High),
    (
        "/var/lib/kubelet",
        "the kubelet's state, with every pod's secrets",
        High,
    ),
    ("/var/lib/docker", "the Docker state directory", High),
    (
        "/var/lib/containerd",
        "the containerd state directory",
        High,
    ),
    ("/var/lib/etcd", "the etcd data directory", Critical),
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
/// CA bundles, the time zone, the resolver, the syslog socket, the iptables lock, CSI
/// registration.
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
    "/run/xtables.lock",
    "/var/run/xtables.lock",
    "/dev/shm",
    "/dev/fuse",
    "/dev/net/tun",
    "/var/lib/kubelet/plugins",
    "/var/lib/kubelet/plugins_registry",
];

/// Whether `path` is one of the routinely mounted entries that hand over nothing
/// (`/dev/log`, the iptables lock, CA bundles, …), for rules that report every
/// `hostPath`. Not the devices and CSI directories of [`HARMLESS`]: this rule lets them
/// pass as no node takeover, but the host's `/dev/shm`, a device or other drivers'
/// sockets are still worth a look.
pub(crate) fn is_harmless(path: &str) -> bool {
    const STILL_WORTH_A_LOOK: &[&str] =
        &["/dev/shm", "/dev/fuse", "/dev/net/tun", "/var/lib/kubelet"];
    normalize(path).is_some_and(|p| {
        HARMLESS.iter().any(|dir| within(&p, dir))
            && !STILL_WORTH_A_LOOK.iter().any(|dir| within(&p, dir))
    })
}

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

/// Why mounting `path` from the node is dangerous, if it is, and the severity when it
/// is mounted read-only.
fn sensitivity(path: &str) -> Option<(String, Severity)> {
    let path = normalize(path)?;
    if path == "/" {
        return Some(("the node's whole filesystem".to_owned(), Critical));
    }
    if HARMLESS.iter().any(|dir| within(&path, dir)) {
        return None;
    }
    if path == HOMES
        || path
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent == HOMES)
    {
        return Some(("the node users' home directories".to_owned(), High));
    }
    if let Some((_, why, read_only)) = SENSITIVE.iter().find(|(dir, ..)| within(&path, dir)) {
        return Some(((*why).to_owned(), *read_only));
    }
    if let Some((_, why)) = RUNTIME_DIRS.iter().find(|(dir, _)| path == *dir) {
        return Some(((*why).to_owned(), Critical));
    }
    // A parent of a sensitive path contains it, and the runtime socket or etcd's data
    // (`/var`, `/var/lib`), which a read-only mount still hands over.
    SENSITIVE
        .iter()
        .map(|(dir, ..)| *dir)
        .chain(RUNTIME_DIRS.iter().map(|(dir, _)| *dir))
        .chain([HOMES])
        .find(|dir| within(dir, &path))
        .map(|dir| (format!("a directory that contains `{dir}`"), Critical))
}

/// Whether some container mounts volume `name`, and whether every such mount is
/// read-only.
pub(crate) fn mounts(pod: &PodTemplate, name: &str) -> (bool, bool) {
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
    for pod in &object.pods {
        check_pod(object, pod, out);
    }
}

fn check_pod(object: &Object<'_>, pod: &PodTemplate, out: &mut Emitter) {
    for (i, volume) in pod.volumes(object).iter().enumerate() {
        let Some(host_path) = &volume.host_path else {
            continue;
        };
        let Some((why, read_only_severity)) = sensitivity(&host_path.path) else {
            continue;
        };
        let (mounted, read_only) = mounts(pod, &volume.name);
        let only_read = normalize(&host_path.path)
            .is_some_and(|p| HARMLESS_READ_ONLY.iter().any(|dir| within(&p, dir)));
        if !mounted || (read_only && only_read) {
            continue;
        }
        let (how, severity) = if read_only {
            (" read-only", read_only_severity)
        } else {
            ("", Critical)
        };
        out.report(
            object,
            pod.at(&format!("volumes/{i}/hostPath/path")),
            format!(
                "volume `{}` mounts `{}`{how} from the node: {why}",
                volume.name, host_path.path
            ),
        )
        .severity = Some(severity);
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
