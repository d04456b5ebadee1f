//! Other tools' check ids and the kubecheck rules whose verdict covers the same cause,
//! so that a suppression written for one of those tools silences the same finding here
//! (`crate::suppress`), and each rule can name its peers (`kubecheck explain`, `rules
//! --format json`, docs/rules.md). kubesec and Trivy have no suppression annotation
//! (Trivy keeps its ignores in files), so their rows only name the peers.
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
//! - kubesec: `pkg/ruler/ruleset.go` (`ID`, `Selector`) of controlplaneio/kubesec at
//!   a59caad (2026-06-09). Its positive rules (points above 0) advise the safe setting;
//!   they are listed where kubecheck flags its absence.
//! - Trivy: `checks/kubernetes/<file>.rego` (`custom.id`) of aquasecurity/trivy-checks
//!   at 80e53822 (2026-08-21). Those ids (`KSV-0017`) replaced the older `KSV017`, which
//!   Trivy still accepts as an alias.

/// A tool whose checks kubecheck names, and (but for kubesec and Trivy) whose
/// suppression annotations it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tool {
    KubeLinter,
    Polaris,
    Checkov,
    KubeScore,
    Kubescape,
    Datree,
    Kubesec,
    Trivy,
}

impl Tool {
    pub const ALL: [Tool; 8] = [
        Tool::KubeLinter,
        Tool::Polaris,
        Tool::Checkov,
        Tool::KubeScore,
        Tool::Kubescape,
        Tool::Datree,
        Tool::Kubesec,
        Tool::Trivy,
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
            Tool::Kubesec => "kubesec",
            Tool::Trivy => "trivy",
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

use Tool::{Checkov, Datree, KubeLinter, KubeScore, Kubescape, Kubesec, Polaris, Trivy};

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
    // kubesec: pkg/ruler/ruleset.go, `ID` (its selector after each).
    // `.spec .hostNetwork == true`, `.spec .hostPID == true`, `.spec .hostIPC == true`
    peer(
        Kubesec,
        "HostNetwork",
        &[at("host-namespaces", "hostNetwork")],
    ),
    peer(Kubesec, "HostPID", &[at("host-namespaces", "hostPID")]),
    peer(Kubesec, "HostIPC", &[at("host-namespaces", "hostIPC")]),
    // `containers[] .securityContext .privileged == true`
    peer(Kubesec, "Privileged", &[rule("privileged-container")]),
    // `containers[] .securityContext .capabilities .add == SYS_ADMIN`
    peer(Kubesec, "CapSysAdmin", &[rule("sys-admin-capability")]),
    // `containers[] .securityContext .allowPrivilegeEscalation == true`
    peer(
        Kubesec,
        "AllowPrivilegeEscalation",
        &[rule("privilege-escalation")],
    ),
    // Advises `readOnlyRootFilesystem == true`.
    peer(
        Kubesec,
        "ReadOnlyRootFilesystem",
        &[rule("writable-root-filesystem")],
    ),
    // Advises `runAsNonRoot == true` on the pod or the container.
    peer(Kubesec, "RunAsNonRoot", &[rule("run-as-root")]),
    // Advises a `seccompProfile.type` on the pod or every container.
    peer(Kubesec, "SeccompAny", &[rule("no-seccomp-profile")]),
    // A `seccompProfile.type` of `Unconfined`.
    peer(Kubesec, "SeccompUnconfined", &[rule("unconfined-seccomp")]),
    // An `appArmorProfile.type` of `Unconfined`.
    peer(
        Kubesec,
        "ApparmorUnconfined",
        &[rule("apparmor-unconfined")],
    ),
    // Advises `.spec .automountServiceAccountToken == false`.
    peer(
        Kubesec,
        "AutomountServiceAccountToken",
        &[rule("automount-service-account-token")],
    ),
    // `env[] .valueFrom .secretKeyRef` and `envFrom[] .secretRef`
    peer(
        Kubesec,
        "SecretsAsEnvironmentVariables",
        &[rule("secret-as-env-var")],
    ),
    // Trivy: checks/kubernetes/<file>.rego, `custom.id` (the file after each).
    // can_elevate_its_own_privileges.rego
    peer(Trivy, "KSV-0001", &[rule("privilege-escalation")]),
    // SYS_ADMIN_capability.rego
    peer(Trivy, "KSV-0005", &[rule("sys-admin-capability")]),
    // host_ipc.rego, host_network.rego, host_pid.rego
    peer(Trivy, "KSV-0008", &[at("host-namespaces", "hostIPC")]),
    peer(Trivy, "KSV-0009", &[at("host-namespaces", "hostNetwork")]),
    peer(Trivy, "KSV-0010", &[at("host-namespaces", "hostPID")]),
    // runs_as_root.rego: `runAsNonRoot` not true
    peer(Trivy, "KSV-0012", &[rule("run-as-root")]),
    // uses_image_tag_latest.rego
    peer(Trivy, "KSV-0013", &[rule("latest-image-tag")]),
    // file_system_not_read_only.rego
    peer(Trivy, "KSV-0014", &[rule("writable-root-filesystem")]),
    // privileged.rego
    peer(Trivy, "KSV-0017", &[rule("privileged-container")]),
    // specific_capabilities_added.rego: capabilities beyond the baseline set
    peer(Trivy, "KSV-0022", &[rule("dangerous-capabilities")]),
    // hostpath_volumes_mounted.rego
    peer(Trivy, "KSV-0023", &[rule("host-path-volume")]),
    // access_to_host_ports.rego
    peer(Trivy, "KSV-0024", &[rule("host-ports")]),
    // selinux_custom_options_set.rego
    peer(Trivy, "KSV-0025", &[rule("custom-selinux-options")]),
    // unsafe_sysctl_options_set.rego
    peer(Trivy, "KSV-0026", &[rule("unsafe-sysctls")]),
    // non_default_proc_masks_set.rego
    peer(Trivy, "KSV-0027", &[rule("unmasked-proc-mount")]),
    // non_core_volume_types.rego
    peer(Trivy, "KSV-0028", &[rule("non-restricted-volume-type")]),
    // runtime_default_seccomp_profile_not_set.rego: neither RuntimeDefault nor Localhost
    peer(
        Trivy,
        "KSV-0030",
        &[rule("no-seccomp-profile"), rule("seccomp-not-enforced")],
    ),
    // protecting_pod_service_account_tokens.rego
    peer(
        Trivy,
        "KSV-0036",
        &[rule("automount-service-account-token")],
    ),
    // any_any.rego: `*` verbs on `*` resources
    peer(Trivy, "KSV-0044", &[rule("rbac-full-access")]),
    // windows_host_process.rego
    peer(Trivy, "KSV-0103", &[rule("windows-host-process")]),
    // seccomp_profile_unconfined.rego
    peer(Trivy, "KSV-0104", &[rule("unconfined-seccomp")]),
    // runs_with_a_root_uid.rego: `runAsUser: 0`
    peer(Trivy, "KSV-0105", &[rule("root-user-id")]),
    // drop_all_capabilities_only_add_net_bind_service.rego: restricted's capabilities
    peer(Trivy, "KSV-0106", &[rule("unrestricted-capabilities")]),
    // outdated_api.rego
    peer(
        Trivy,
        "KSV-0107",
        &[rule("deprecated-api-version"), rule("removed-api-version")],
    ),
    // service_with_externalip.rego
    peer(Trivy, "KSV-0108", &[rule("service-external-ips")]),
    // configMap_with_secrets.rego, configmap_with_sensitive.rego
    peer(Trivy, "KSV-0109", &[rule("secret-in-config-map")]),
    peer(Trivy, "KSV-01010", &[rule("secret-in-config-map")]),
    // net_raw_capability.rego: NET_RAW added
    peer(Trivy, "KSV-0119", &[rule("net-raw-capability")]),
    // uses_untrusted_registry.rego
    peer(Trivy, "KSV-0125", &[rule("image-registry-not-allowed")]),
    // apiserver_profiling.rego, controllermanager_profiling.rego, scheduler_profiling.rego
    peer(Trivy, "KCV-0018", &[rule("profiling-enabled")]),
    peer(Trivy, "KCV-0034", &[rule("profiling-enabled")]),
    peer(Trivy, "KCV-0040", &[rule("profiling-enabled")]),
    // apiserver_audit_log_path.rego
    peer(Trivy, "KCV-0019", &[rule("audit-logging-disabled")]),
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
