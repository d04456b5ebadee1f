//! Other tools' check ids and the kubecheck rules whose verdict covers the same cause,
//! so that a suppression written for one of those tools silences the same finding here
//! (`crate::suppress`), and each rule can name its peers.
//!
//! A peer check is listed only where a kubecheck rule judges the same cause on the same
//! object, and no wider: where the kubecheck finding would also stand for something the
//! peer still reports (one `missing-resource-limits` finding names both the CPU and the
//! memory limit; `sensitive-host-path` covers more than the Docker socket), the peer
//! check is left out, so a foreign suppression never silences more than its tool did.
//! `host-namespaces` reports each of `hostNetwork`, `hostPID` and `hostIPC` at its own
//! field, so a peer check of one of them maps to the findings at that field only.
//!
//! Sources, each read at the commit named (the ids are the tools' own):
//! - kube-linter: `pkg/builtinchecks/yamls/<file>.yaml` (`name:`) of stackrox/kube-linter
//!   at 35de568d (2026-08-19), as `docs/generated/checks.md` lists them.
//! - Polaris: `pkg/config/checks/<id>.yaml` of FairwindsOps/polaris at c0e23a23
//!   (2026-08-21); the id is the file name, as `docs/checks/security.md` lists them.
//! - Checkov: `checkov/kubernetes/checks/resource/k8s/<File>.py` (`id`, `name`) of
//!   bridgecrewio/checkov at 03d5fdad (2026-08-20).
//! - kube-score: `README_CHECKS.md` of zegl/kube-score at 06dedc9d (2026-05-20).
//! - Kubescape: `controls/<id>-<name>.json` (`controlID`, `name`) of kubescape/regolibrary
//!   at ce7ef32a (2026-08-21), the controls `kubescape.io/skip-controls` names.
//! - Datree: `pkg/defaultRules/defaultRules.yaml` (`uniqueName`) of datreeio/datree at
//!   0c3b63e6 (2023-08-01, the project's last release line).

/// A tool whose suppression annotations kubecheck reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tool {
    KubeLinter,
    Polaris,
    Checkov,
    KubeScore,
    Kubescape,
    Datree,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::KubeLinter,
        Tool::Polaris,
        Tool::Checkov,
        Tool::KubeScore,
        Tool::Kubescape,
        Tool::Datree,
    ];

    /// The name the report gives (`suppression.by`).
    pub fn name(self) -> &'static str {
        match self {
            Tool::KubeLinter => "kube-linter",
            Tool::Polaris => "polaris",
            Tool::Checkov => "checkov",
            Tool::KubeScore => "kube-score",
            Tool::Kubescape => "kubescape",
            Tool::Datree => "datree",
        }
    }
}

/// A kubecheck rule a peer check stands for, at one field only when `field` is set:
/// the last segment of the finding's JSON pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub rule: &'static str,
    pub field: Option<&'static str>,
}

impl Target {
    /// Whether a finding of `rule` (or standing for it) at `pointer` is this target.
    pub fn covers(&self, rule: &str, pointer: &str) -> bool {
        self.rule == rule
            && self
                .field
                .is_none_or(|field| pointer.rsplit('/').next() == Some(field))
    }
}

#[derive(Debug)]
pub struct PeerCheck {
    pub tool: Tool,
    pub id: &'static str,
    pub targets: &'static [Target],
}

const fn rule(rule: &'static str) -> Target {
    Target { rule, field: None }
}

const fn at(rule: &'static str, field: &'static str) -> Target {
    Target {
        rule,
        field: Some(field),
    }
}

const fn peer(tool: Tool, id: &'static str, targets: &'static [Target]) -> PeerCheck {
    PeerCheck { tool, id, targets }
}

use Tool::{Checkov, Datree, KubeLinter, KubeScore, Kubescape, Polaris};

pub static PEER_CHECKS: &[PeerCheck] = &[
    // kube-linter: file name in pkg/builtinchecks/yamls/ after each id.
    // privileged.yaml
    peer(
        KubeLinter,
        "privileged-container",
        &[rule("privileged-container")],
    ),
    // hostnetwork.yaml, hostpid.yaml, hostipc.yaml
    peer(
        KubeLinter,
        "host-network",
        &[at("host-namespaces", "hostNetwork")],
    ),
    peer(KubeLinter, "host-pid", &[at("host-namespaces", "hostPID")]),
    peer(KubeLinter, "host-ipc", &[at("host-namespaces", "hostIPC")]),
    // privilege-escalation.yaml: containers that allow privilege escalation
    peer(
        KubeLinter,
        "privilege-escalation-container",
        &[rule("privilege-escalation")],
    ),
    // read-only-root-fs.yaml
    peer(
        KubeLinter,
        "no-read-only-root-fs",
        &[rule("writable-root-filesystem")],
    ),
    // run-as-non-root.yaml
    peer(KubeLinter, "run-as-non-root", &[rule("run-as-root")]),
    // drop-net-raw-capability.yaml
    peer(
        KubeLinter,
        "drop-net-raw-capability",
        &[rule("net-raw-capability")],
    ),
    // unsafe-proc-mount.yaml: procMount other than Default
    peer(
        KubeLinter,
        "unsafe-proc-mount",
        &[
            rule("unmasked-proc-mount"),
            rule("unmasked-proc-mount-restricted"),
        ],
    ),
    // sysctls.yaml
    peer(KubeLinter, "unsafe-sysctls", &[rule("unsafe-sysctls")]),
    // latest-tag.yaml: `:latest` or no tag
    peer(KubeLinter, "latest-tag", &[rule("latest-image-tag")]),
    // read-secret-from-env-var.yaml: Secrets read through environment variables
    peer(
        KubeLinter,
        "read-secret-from-env-var",
        &[rule("secret-as-env-var")],
    ),
    // wildcard-use-in-rules.yaml: a full-access rule is all wildcards
    peer(KubeLinter, "wildcard-in-rules", &[rule("rbac-full-access")]),
    // servicetype.yaml: forbids NodePort and LoadBalancer Services
    peer(
        KubeLinter,
        "exposed-services",
        &[
            rule("node-port-service"),
            rule("load-balancer-without-source-ranges"),
        ],
    ),
    // non-isolated-pod.yaml: no NetworkPolicy selects the workload
    peer(
        KubeLinter,
        "non-isolated-pod",
        &[
            rule("workload-ingress-not-isolated"),
            rule("workload-egress-not-isolated"),
        ],
    ),
    // dangling-service.yaml, dangling-networkpolicy.yaml: selectors that match nothing
    peer(
        KubeLinter,
        "dangling-service",
        &[rule("service-selects-nothing")],
    ),
    peer(
        KubeLinter,
        "dangling-networkpolicy",
        &[rule("network-policy-selects-nothing")],
    ),
    // no-extensions-v1beta.yaml: extensions/v1beta* objects
    peer(
        KubeLinter,
        "no-extensions-v1beta",
        &[rule("removed-api-version"), rule("deprecated-api-version")],
    ),
    // scc-deny-privileged-container.yaml
    peer(
        KubeLinter,
        "scc-deny-privileged-container",
        &[at(
            "permissive-security-context-constraints",
            "allowPrivilegedContainer",
        )],
    ),
    // Polaris: pkg/config/checks/<id>.yaml.
    peer(Polaris, "runAsPrivileged", &[rule("privileged-container")]),
    peer(
        Polaris,
        "hostNetworkSet",
        &[at("host-namespaces", "hostNetwork")],
    ),
    peer(Polaris, "hostPIDSet", &[at("host-namespaces", "hostPID")]),
    peer(Polaris, "hostIPCSet", &[at("host-namespaces", "hostIPC")]),
    // Every hostPath volume; `sensitive-host-path` folds `host-path-volume`, so its
    // finding follows.
    peer(Polaris, "hostPathSet", &[rule("host-path-volume")]),
    peer(Polaris, "hostPortSet", &[rule("host-ports")]),
    peer(Polaris, "hostProcess", &[rule("windows-host-process")]),
    peer(
        Polaris,
        "notReadOnlyRootFilesystem",
        &[rule("writable-root-filesystem")],
    ),
    peer(
        Polaris,
        "privilegeEscalationAllowed",
        &[rule("privilege-escalation")],
    ),
    peer(
        Polaris,
        "procMount",
        &[
            rule("unmasked-proc-mount"),
            rule("unmasked-proc-mount-restricted"),
        ],
    ),
    peer(Polaris, "runAsRootAllowed", &[rule("run-as-root")]),
    peer(
        Polaris,
        "automountServiceAccountToken",
        &[rule("automount-service-account-token")],
    ),
    // Adding ALL, SYS_ADMIN or NET_ADMIN: only the first two are one rule's whole cause.
    peer(
        Polaris,
        "dangerousCapabilities",
        &[rule("sys-admin-capability")],
    ),
    // No tag, or `:latest`.
    peer(Polaris, "tagNotSpecified", &[rule("latest-image-tag")]),
    peer(
        Polaris,
        "sensitiveContainerEnvVar",
        &[rule("secrets-in-env")],
    ),
    peer(
        Polaris,
        "sensitiveConfigmapContent",
        &[rule("secret-in-config-map")],
    ),
    peer(
        Polaris,
        "tlsSettingsMissing",
        &[rule("ingress-without-tls")],
    ),
    // A NetworkPolicy with both ingress and egress rules must select the pods.
    peer(
        Polaris,
        "missingNetworkPolicy",
        &[
            rule("workload-ingress-not-isolated"),
            rule("workload-egress-not-isolated"),
        ],
    ),
    // Checkov: the check's file in checkov/kubernetes/checks/resource/k8s/ and its name.
    // PrivilegedContainers.py "Container should not be privileged"
    peer(Checkov, "CKV_K8S_16", &[rule("privileged-container")]),
    // ShareHostPID.py "Containers should not share the host process ID namespace"
    peer(Checkov, "CKV_K8S_17", &[at("host-namespaces", "hostPID")]),
    // ShareHostIPC.py "Containers should not share the host IPC namespace"
    peer(Checkov, "CKV_K8S_18", &[at("host-namespaces", "hostIPC")]),
    // SharedHostNetworkNamespace.py "Containers should not share the host network
    // namespace"
    peer(
        Checkov,
        "CKV_K8S_19",
        &[at("host-namespaces", "hostNetwork")],
    ),
    // AllowPrivilegeEscalation.py "Containers should not run with
    // allowPrivilegeEscalation"
    peer(Checkov, "CKV_K8S_20", &[rule("privilege-escalation")]),
    // ReadOnlyFilesystem.py "Use read-only filesystem for containers where possible"
    peer(Checkov, "CKV_K8S_22", &[rule("writable-root-filesystem")]),
    // RootContainers.py "Minimize the admission of root containers" (runAsNonRoot,
    // runAsUser > 0)
    peer(
        Checkov,
        "CKV_K8S_23",
        &[rule("run-as-root"), rule("root-user-id")],
    ),
    // HostPort.py "Do not specify hostPort unless absolutely necessary"
    peer(Checkov, "CKV_K8S_26", &[rule("host-ports")]),
    // DropCapabilities.py "Minimize the admission of containers with the NET_RAW
    // capability"
    peer(Checkov, "CKV_K8S_28", &[rule("net-raw-capability")]),
    // Seccomp.py "Ensure that the seccomp profile is set to docker/default or
    // runtime/default"
    peer(
        Checkov,
        "CKV_K8S_31",
        &[
            rule("no-seccomp-profile"),
            rule("seccomp-not-enforced"),
            rule("unconfined-seccomp"),
        ],
    ),
    // Secrets.py "Prefer using secrets as files over secrets as environment variables"
    peer(Checkov, "CKV_K8S_35", &[rule("secret-as-env-var")]),
    // ServiceAccountTokens.py "Ensure that Service Account Tokens are only mounted
    // where necessary"
    peer(
        Checkov,
        "CKV_K8S_38",
        &[rule("automount-service-account-token")],
    ),
    // AllowedCapabilitiesSysAdmin.py "Do not use the CAP_SYS_ADMIN linux capability"
    peer(Checkov, "CKV_K8S_39", &[rule("sys-admin-capability")]),
    // ImageTagFixed.py "Image Tag should be fixed - not latest or blank"
    peer(Checkov, "CKV_K8S_14", &[rule("latest-image-tag")]),
    // ImageDigest.py "Image should use digest"
    peer(Checkov, "CKV_K8S_43", &[rule("image-without-digest")]),
    // WildcardRoles.py "Minimize wildcard use in Roles and ClusterRoles"
    peer(Checkov, "CKV_K8S_49", &[rule("rbac-full-access")]),
    // ApiServerProfiling.py, KubeControllerManagerBlockProfiles.py,
    // SchedulerProfiling.py "Ensure that the --profiling argument is set to false":
    // each on its own component's static pod.
    peer(Checkov, "CKV_K8S_90", &[rule("profiling-enabled")]),
    peer(Checkov, "CKV_K8S_107", &[rule("profiling-enabled")]),
    peer(Checkov, "CKV_K8S_114", &[rule("profiling-enabled")]),
    // ApiServerAuditLog.py "Ensure that the --audit-log-path argument is set"
    peer(Checkov, "CKV_K8S_91", &[rule("audit-logging-disabled")]),
    // kube-score: README_CHECKS.md.
    peer(
        KubeScore,
        "container-security-context-privileged",
        &[rule("privileged-container")],
    ),
    peer(
        KubeScore,
        "container-security-context-readonlyrootfilesystem",
        &[rule("writable-root-filesystem")],
    ),
    // A UID and GID above 10000: root is below.
    peer(
        KubeScore,
        "container-security-context-user-group-id",
        &[rule("run-as-root"), rule("root-user-id")],
    ),
    // Limits and requests of every container.
    peer(
        KubeScore,
        "container-resources",
        &[rule("missing-resource-limits")],
    ),
    peer(
        KubeScore,
        "container-image-tag",
        &[rule("latest-image-tag")],
    ),
    peer(
        KubeScore,
        "container-seccomp-profile",
        &[rule("no-seccomp-profile"), rule("seccomp-not-enforced")],
    ),
    peer(
        KubeScore,
        "pod-networkpolicy",
        &[
            rule("workload-ingress-not-isolated"),
            rule("workload-egress-not-isolated"),
        ],
    ),
    peer(
        KubeScore,
        "networkpolicy-targets-pod",
        &[rule("network-policy-selects-nothing")],
    ),
    peer(
        KubeScore,
        "service-targets-pod",
        &[rule("service-selects-nothing")],
    ),
    peer(KubeScore, "service-type", &[rule("node-port-service")]),
    peer(
        KubeScore,
        "stable-version",
        &[rule("deprecated-api-version"), rule("removed-api-version")],
    ),
    // Kubescape: controls/<id>-<name>.json of kubescape/regolibrary.
    // C-0057 "Privileged container"
    peer(Kubescape, "C-0057", &[rule("privileged-container")]),
    // C-0038 "Host PID/IPC privileges"
    peer(
        Kubescape,
        "C-0038",
        &[
            at("host-namespaces", "hostPID"),
            at("host-namespaces", "hostIPC"),
        ],
    ),
    // C-0041 "HostNetwork access"
    peer(Kubescape, "C-0041", &[at("host-namespaces", "hostNetwork")]),
    // C-0016 "Allow privilege escalation"
    peer(Kubescape, "C-0016", &[rule("privilege-escalation")]),
    // C-0017 "Immutable container filesystem"
    peer(Kubescape, "C-0017", &[rule("writable-root-filesystem")]),
    // C-0013 "Non-root containers"
    peer(
        Kubescape,
        "C-0013",
        &[rule("run-as-root"), rule("root-user-id")],
    ),
    // C-0044 "Container hostPort"
    peer(Kubescape, "C-0044", &[rule("host-ports")]),
    // C-0048 "HostPath mount"
    peer(Kubescape, "C-0048", &[rule("host-path-volume")]),
    // C-0034 "Automatic mapping of service account"
    peer(
        Kubescape,
        "C-0034",
        &[rule("automount-service-account-token")],
    ),
    // C-0075 "Image pull policy on latest tag"
    peer(Kubescape, "C-0075", &[rule("latest-tag-pull-policy")]),
    // C-0078 "Images from allowed registry"
    peer(Kubescape, "C-0078", &[rule("image-registry-not-allowed")]),
    // C-0030 "Ingress and Egress blocked"
    peer(
        Kubescape,
        "C-0030",
        &[
            rule("workload-ingress-not-isolated"),
            rule("workload-egress-not-isolated"),
        ],
    ),
    // Datree: pkg/defaultRules/defaultRules.yaml, `uniqueName`.
    peer(
        Datree,
        "CONTAINERS_INCORRECT_PRIVILEGED_VALUE_TRUE",
        &[rule("privileged-container")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_HOSTPID_VALUE_TRUE",
        &[at("host-namespaces", "hostPID")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_HOSTIPC_VALUE_TRUE",
        &[at("host-namespaces", "hostIPC")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_HOSTNETWORK_VALUE_TRUE",
        &[at("host-namespaces", "hostNetwork")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_READONLYROOTFILESYSTEM_VALUE",
        &[rule("writable-root-filesystem")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_KEY_HOSTPATH",
        &[rule("host-path-volume")],
    ),
    peer(
        Datree,
        "CONTAINERS_MISSING_KEY_ALLOWPRIVILEGEESCALATION",
        &[rule("privilege-escalation")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_KEY_HOSTPORT",
        &[rule("host-ports")],
    ),
    peer(
        Datree,
        "CONTAINERS_INCORRECT_RUNASNONROOT_VALUE",
        &[rule("run-as-root")],
    ),
    peer(
        Datree,
        "SRVACC_INCORRECT_AUTOMOUNTSERVICEACCOUNTTOKEN_VALUE",
        &[rule("automount-service-account-token")],
    ),
    peer(
        Datree,
        "SERVICE_INCORRECT_TYPE_VALUE_NODEPORT",
        &[rule("node-port-service")],
    ),
    peer(
        Datree,
        "CONTAINERS_MISSING_IMAGE_VALUE_VERSION",
        &[rule("latest-image-tag")],
    ),
    peer(
        Datree,
        "CONTAINERS_MISSING_IMAGE_VALUE_DIGEST",
        &[rule("image-without-digest")],
    ),
    peer(
        Datree,
        "INGRESS_INCORRECT_HOST_VALUE_PERMISSIVE",
        &[rule("ingress-wildcard-host")],
    ),
];

/// The kubecheck rules `tool`'s check `id` stands for; empty for a check without one.
pub fn targets(tool: Tool, id: &str) -> &'static [Target] {
    PEER_CHECKS
        .iter()
        .find(|p| p.tool == tool && p.id == id)
        .map_or(&[], |p| p.targets)
}

/// The peer checks that stand for (part of) `rule`, in table order.
pub fn peers_of(rule: &str) -> impl Iterator<Item = &'static PeerCheck> + '_ {
    PEER_CHECKS
        .iter()
        .filter(move |p| p.targets.iter().any(|t| t.rule == rule))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rows_are_unique_and_name_builtin_rules() {
        let rules: HashSet<String> = crate::builtin_rules().into_iter().map(|r| r.id).collect();
        let mut seen = HashSet::new();
        for p in PEER_CHECKS {
            assert!(
                seen.insert((p.tool, p.id)),
                "{} {} twice",
                p.tool.name(),
                p.id
            );
            assert!(!p.targets.is_empty(), "{}", p.id);
            for t in p.targets {
                assert!(rules.contains(t.rule), "{}: no rule {}", p.id, t.rule);
            }
        }
        for tool in Tool::ALL {
            assert!(PEER_CHECKS.iter().any(|p| p.tool == tool), "{tool:?}");
        }
    }

    #[test]
    fn a_field_target_covers_that_field_only() {
        let [target] = targets(Tool::Polaris, "hostNetworkSet") else {
            panic!("one target");
        };
        assert!(target.covers("host-namespaces", "/spec/template/spec/hostNetwork"));
        assert!(!target.covers("host-namespaces", "/spec/template/spec/hostPID"));
        assert!(!target.covers("privileged-container", "/spec/hostNetwork"));
        assert!(targets(Tool::Polaris, "cpuLimitsMissing").is_empty());
        let peers: Vec<&str> = peers_of("host-namespaces").map(|p| p.id).collect();
        assert!(peers.contains(&"host-pid") && peers.contains(&"CKV_K8S_19"));
    }
}
