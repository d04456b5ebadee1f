//! The security standards each built-in rule checks a part of: CIS Kubernetes Benchmark
//! items and the section of the NSA/CISA Kubernetes Hardening Guide. (The Pod Security
//! Standards control is the rule's own `pss`, next to the code that enforces it.) One
//! row per rule, also where a rule has no item in either, so that a new rule is mapped
//! when it is added; the selectors `cis`, `cis:5.2.*` and `nsa` read this table.
//!
//! Sources:
//! - CIS Kubernetes Benchmark v1.12.0 (for Kubernetes 1.32 to 1.34), item numbers and
//!   titles as `cfg/cis-1.12/{master,node,etcd,controlplane,policies}.yaml` (`id`,
//!   `text`) of aquasecurity/kube-bench at a73ce378 (2026-06-09) give them. v1.12
//!   renumbered part 5: its 5.2.9 merges v1.10's "added capabilities" (5.2.9) and
//!   "capabilities assigned" (5.2.10), so HostPath is 5.2.11 and HostPorts 5.2.12, and
//!   "General Policies" moved from 5.7 to 5.6.
//! - NSA/CISA Kubernetes Hardening Guide v1.2 (August 2022), as "chapter: section" of
//!   its headings; the guide numbers neither. The section names match the controls of
//!   `pkg/compliance/k8s-nsa-1.0.yaml` of aquasecurity/trivy-checks at 80e53822.

/// The benchmark release the item numbers belong to.
pub const CIS_BENCHMARK: &str = "CIS Kubernetes Benchmark v1.12.0";

/// A CIS Kubernetes Benchmark item.
#[derive(Debug, PartialEq, Eq)]
pub struct CisItem {
    pub id: &'static str,
    pub title: &'static str,
}

const fn cis(id: &'static str, title: &'static str) -> CisItem {
    CisItem { id, title }
}

/// The items the rules check, in the benchmark's order (the titles without kube-bench's
/// "(Automated)"/"(Manual)" suffix).
pub static CIS_ITEMS: &[CisItem] = &[
    cis("1.2.1", "Ensure that the --anonymous-auth argument is set to false"),
    cis("1.2.2", "Ensure that the --token-auth-file parameter is not set"),
    cis("1.2.3", "Ensure that the --DenyServiceExternalIPs is set"),
    cis("1.2.4", "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate"),
    cis("1.2.5", "Ensure that the --kubelet-certificate-authority argument is set as appropriate"),
    cis("1.2.6", "Ensure that the --authorization-mode argument is not set to AlwaysAllow"),
    cis("1.2.7", "Ensure that the --authorization-mode argument includes Node"),
    cis("1.2.8", "Ensure that the --authorization-mode argument includes RBAC"),
    cis("1.2.10", "Ensure that the admission control plugin AlwaysAdmit is not set"),
    cis("1.2.14", "Ensure that the admission control plugin NodeRestriction is set"),
    cis("1.2.15", "Ensure that the --profiling argument is set to false"),
    cis("1.2.16", "Ensure that the --audit-log-path argument is set"),
    cis("1.2.23", "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate"),
    cis("1.2.26", "Ensure that the --etcd-cafile argument is set as appropriate"),
    cis("1.2.27", "Ensure that the --encryption-provider-config argument is set as appropriate"),
    cis("1.2.28", "Ensure that encryption providers are appropriately configured"),
    cis("1.2.29", "Ensure that the API Server only makes use of Strong Cryptographic Ciphers"),
    cis("1.3.2", "Ensure that the --profiling argument is set to false"),
    cis("1.4.1", "Ensure that the --profiling argument is set to false"),
    cis("2.2", "Ensure that the --client-cert-auth argument is set to true"),
    cis("2.3", "Ensure that the --auto-tls argument is not set to true"),
    cis("2.5", "Ensure that the --peer-client-cert-auth argument is set to true"),
    cis("2.6", "Ensure that the --peer-auto-tls argument is not set to true"),
    cis("4.2.1", "Ensure that the --anonymous-auth argument is set to false"),
    cis("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow"),
    cis("4.2.4", "Verify that if defined, the --read-only-port argument is set to 0"),
    cis("4.2.12", "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers"),
    cis("5.1.1", "Ensure that the cluster-admin role is only used where required"),
    cis("5.1.2", "Minimize access to secrets"),
    cis("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
    cis("5.1.4", "Minimize access to create pods"),
    cis("5.1.5", "Ensure that default service accounts are not actively used"),
    cis("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary"),
    cis("5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster"),
    cis("5.1.9", "Minimize access to create persistent volumes"),
    cis("5.1.10", "Minimize access to the proxy sub-resource of nodes"),
    cis("5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests objects"),
    cis("5.1.12", "Minimize access to webhook configuration objects"),
    cis("5.1.13", "Minimize access to the service account token creation"),
    cis("5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place"),
    cis("5.2.2", "Minimize the admission of privileged containers"),
    cis("5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace"),
    cis("5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace"),
    cis("5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
    cis("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation"),
    cis("5.2.7", "Minimize the admission of root containers"),
    cis("5.2.8", "Minimize the admission of containers with the NET_RAW capability"),
    cis("5.2.9", "Minimize the admission of containers with capabilities assigned"),
    cis("5.2.10", "Minimize the admission of Windows HostProcess containers"),
    cis("5.2.11", "Minimize the admission of HostPath volumes"),
    cis("5.2.12", "Minimize the admission of containers which use HostPorts"),
    cis("5.3.2", "Ensure that all Namespaces have NetworkPolicies defined"),
    cis("5.4.1", "Prefer using Secrets as files over Secrets as environment variables"),
    cis("5.4.2", "Consider external secret storage"),
    cis("5.6.2", "Ensure that the seccomp profile is set to docker/default in your Pod definitions"),
];

/// Sections of the NSA/CISA Kubernetes Hardening Guide, as its headings name them.
pub mod nsa {
    pub const NON_ROOT: &str =
        "Kubernetes Pod security: \"Non-root\" containers and \"rootless\" container engines";
    pub const IMMUTABLE_FILESYSTEMS: &str =
        "Kubernetes Pod security: Immutable container file systems";
    pub const SECURE_IMAGES: &str = "Kubernetes Pod security: Building secure container images";
    pub const POD_SECURITY_ENFORCEMENT: &str = "Kubernetes Pod security: Pod security enforcement";
    pub const SERVICE_ACCOUNT_TOKENS: &str =
        "Kubernetes Pod security: Protecting Pod service account tokens";
    pub const HARDENING_CONTAINERS: &str =
        "Kubernetes Pod security: Hardening container environments";
    pub const NETWORK_SEPARATION: &str = "Network separation and hardening";
    pub const NETWORK_POLICIES: &str = "Network separation and hardening: Network policies";
    pub const RESOURCE_POLICIES: &str = "Network separation and hardening: Resource policies";
    pub const CONTROL_PLANE: &str = "Network separation and hardening: Control plane hardening";
    pub const ETCD: &str = "Network separation and hardening: Control plane hardening (Etcd)";
    pub const ENCRYPTION: &str = "Network separation and hardening: Encryption";
    pub const SECRETS: &str = "Network separation and hardening: Secrets";
    pub const AUTHENTICATION: &str = "Authentication and authorization: Authentication";
    pub const RBAC: &str = "Authentication and authorization: Role-based access control";
    pub const AUDIT_LOGGING: &str =
        "Audit Logging and Threat Detection: Kubernetes native audit logging configuration";
    pub const UPGRADING: &str = "Upgrading and application security practices";
}

/// What one rule checks of the standards.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleStandards {
    pub rule: &'static str,
    /// CIS item ids ([`CIS_ITEMS`]).
    pub cis: &'static [&'static str],
    pub nsa: Option<&'static str>,
}

const fn row(
    rule: &'static str,
    cis: &'static [&'static str],
    nsa: Option<&'static str>,
) -> RuleStandards {
    RuleStandards { rule, cis, nsa }
}

use nsa::*;

/// In the registry's order.
pub static RULE_STANDARDS: &[RuleStandards] = &[
    row("duplicate-key", &[], None),
    row("invalid-field-type", &[], None),
    row(
        "windows-host-process",
        &["5.2.10"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "host-namespaces",
        &["5.2.3", "5.2.4", "5.2.5"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "privileged-container",
        &["5.2.2"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "dangerous-capabilities",
        &["5.2.9"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "host-path-volume",
        &["5.2.11"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row("host-ports", &["5.2.12"], Some(POD_SECURITY_ENFORCEMENT)),
    row("probe-custom-host", &[], None),
    row("apparmor-unconfined", &[], Some(HARDENING_CONTAINERS)),
    row("custom-selinux-options", &[], Some(HARDENING_CONTAINERS)),
    row("unmasked-proc-mount", &[], None),
    row("unconfined-seccomp", &["5.6.2"], Some(HARDENING_CONTAINERS)),
    row("unsafe-sysctls", &[], None),
    row("non-restricted-volume-type", &[], None),
    row(
        "privilege-escalation",
        &["5.2.6"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row("run-as-root", &["5.2.7"], Some(NON_ROOT)),
    row("root-user-id", &["5.2.7"], Some(NON_ROOT)),
    row(
        "seccomp-not-enforced",
        &["5.6.2"],
        Some(HARDENING_CONTAINERS),
    ),
    row(
        "unrestricted-capabilities",
        &["5.2.9"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row("unmasked-proc-mount-restricted", &[], None),
    row("writable-root-filesystem", &[], Some(IMMUTABLE_FILESYSTEMS)),
    row("missing-resource-limits", &[], Some(RESOURCE_POLICIES)),
    row(
        "automount-service-account-token",
        &["5.1.6"],
        Some(SERVICE_ACCOUNT_TOKENS),
    ),
    row("share-process-namespace", &[], None),
    row(
        "sensitive-host-path",
        &["5.2.11"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "net-raw-capability",
        &["5.2.8"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "sys-admin-capability",
        &["5.2.9"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row("no-seccomp-profile", &["5.6.2"], Some(HARDENING_CONTAINERS)),
    row(
        "namespace-without-pod-security",
        &["5.2.1"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "invalid-pod-security-label",
        &["5.2.1"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "admission-rejected-workload",
        &[],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "admission-warned-workload",
        &[],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "pod-security-policy",
        &["5.2.1"],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row(
        "permissive-security-context-constraints",
        &[],
        Some(POD_SECURITY_ENFORCEMENT),
    ),
    row("rbac-full-access", &["5.1.1", "5.1.3"], Some(RBAC)),
    row("rbac-secret-read", &["5.1.2"], Some(RBAC)),
    row("rbac-pod-creation", &["5.1.4"], Some(RBAC)),
    row("rbac-pod-exec", &[], Some(RBAC)),
    row(
        "rbac-privilege-escalation",
        &["5.1.8", "5.1.9", "5.1.10", "5.1.11", "5.1.12", "5.1.13"],
        Some(RBAC),
    ),
    row(
        "privileged-binding",
        &["5.1.1", "5.1.5", "5.1.8"],
        Some(RBAC),
    ),
    row("broad-subject-binding", &["5.1.5"], Some(AUTHENTICATION)),
    row("unknown-role-reference", &[], None),
    row("privileged-service-account", &[], Some(RBAC)),
    row("invalid-rbac-rule", &[], None),
    row(
        "weak-authentication",
        &["1.2.1", "1.2.2", "4.2.1"],
        Some(AUTHENTICATION),
    ),
    row(
        "weak-authorization-mode",
        &["1.2.6", "1.2.7", "1.2.8", "4.2.2"],
        Some(RBAC),
    ),
    row("unauthenticated-port", &["4.2.4"], Some(CONTROL_PLANE)),
    row(
        "weak-admission-plugins",
        &["1.2.10", "1.2.14"],
        Some(CONTROL_PLANE),
    ),
    row("audit-logging-disabled", &["1.2.16"], Some(AUDIT_LOGGING)),
    row("profiling-enabled", &["1.2.15", "1.3.2", "1.4.1"], None),
    row(
        "namespace-without-default-deny",
        &["5.3.2"],
        Some(NETWORK_POLICIES),
    ),
    row(
        "workload-ingress-not-isolated",
        &["5.3.2"],
        Some(NETWORK_POLICIES),
    ),
    row(
        "workload-egress-not-isolated",
        &["5.3.2"],
        Some(NETWORK_POLICIES),
    ),
    row("network-policy-allows-all", &[], Some(NETWORK_POLICIES)),
    row("sensitive-port-reachable", &[], Some(NETWORK_POLICIES)),
    row(
        "network-policy-selects-nothing",
        &[],
        Some(NETWORK_POLICIES),
    ),
    row("invalid-network-policy", &[], None),
    row("network-policy-coverage-unknown", &[], None),
    row(
        "load-balancer-without-source-ranges",
        &[],
        Some(NETWORK_SEPARATION),
    ),
    row("node-port-service", &[], None),
    row("service-external-ips", &["1.2.3"], Some(NETWORK_SEPARATION)),
    row("external-name-internal", &[], None),
    row("ingress-wildcard-host", &[], None),
    row("service-selects-nothing", &[], None),
    row("secrets-in-env", &[], Some(SECRETS)),
    row("secret-in-command-line", &[], Some(SECRETS)),
    row("secret-in-config-map", &[], Some(SECRETS)),
    row("secret-in-metadata", &[], Some(SECRETS)),
    row("secret-in-custom-resource", &[], Some(SECRETS)),
    row("secret-values-in-manifest", &["5.4.2"], Some(SECRETS)),
    row("secret-data-not-base64", &[], None),
    row("secret-as-env-var", &["5.4.1"], Some(SECRETS)),
    row("secret-volume-readable-mode", &[], None),
    row("missing-secret-key", &[], None),
    row(
        "service-account-token-secret",
        &[],
        Some(SERVICE_ACCOUNT_TOKENS),
    ),
    row("ingress-without-tls", &[], Some(ENCRYPTION)),
    row("apiservice-insecure-skip-tls", &[], Some(ENCRYPTION)),
    row(
        "admission-webhook-insecure-transport",
        &[],
        Some(ENCRYPTION),
    ),
    row("kubeconfig-insecure-skip-tls-verify", &[], Some(ENCRYPTION)),
    row("mesh-plaintext-allowed", &[], Some(ENCRYPTION)),
    row("metrics-scrape-insecure-tls", &[], Some(ENCRYPTION)),
    row(
        "operator-endpoint-insecure-transport",
        &[],
        Some(ENCRYPTION),
    ),
    row(
        "unencrypted-secrets-at-rest",
        &["1.2.27", "1.2.28"],
        Some(SECRETS),
    ),
    row("weak-encryption-provider", &["1.2.28"], Some(SECRETS)),
    row("weak-tls-config", &["1.2.29", "4.2.12"], Some(ENCRYPTION)),
    row(
        "etcd-insecure-transport",
        &["2.2", "2.3", "2.5", "2.6"],
        Some(ETCD),
    ),
    row(
        "apiserver-backend-tls-unverified",
        &["1.2.4", "1.2.5", "1.2.23", "1.2.26"],
        Some(ENCRYPTION),
    ),
    row("latest-image-tag", &[], Some(SECURE_IMAGES)),
    row("floating-image-tag", &[], Some(SECURE_IMAGES)),
    row("latest-tag-pull-policy", &[], None),
    row("malformed-image-digest", &[], None),
    row("image-without-digest", &[], Some(SECURE_IMAGES)),
    row("image-registry-not-allowed", &[], Some(SECURE_IMAGES)),
    row("removed-api-version", &[], Some(UPGRADING)),
    row("deprecated-api-version", &[], Some(UPGRADING)),
    row("kubernetes-version-eol", &[], Some(UPGRADING)),
    row("frozen-registry-image", &[], Some(UPGRADING)),
    row("end-of-life-image", &[], Some(UPGRADING)),
];

/// The row of the built-in rule `rule`; `None` for a plugin rule.
pub fn of(rule: &str) -> Option<&'static RuleStandards> {
    RULE_STANDARDS.iter().find(|row| row.rule == rule)
}

/// The CIS item `id`.
pub fn cis_item(id: &str) -> Option<&'static CisItem> {
    CIS_ITEMS.iter().find(|item| item.id == id)
}

/// Whether the CIS item `id` matches `pattern`: the item itself, or with a trailing `*`
/// every item that starts with what comes before it (`5.2.*`, `1.*`).
pub fn cis_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => pattern == id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn one_row_per_builtin_rule_in_registry_order() {
        let rules: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
        let rows: Vec<&str> = RULE_STANDARDS.iter().map(|r| r.rule).collect();
        assert_eq!(rows, rules);
    }

    #[test]
    fn every_item_named_is_known_once_and_in_benchmark_order() {
        let mut seen = HashSet::new();
        for item in CIS_ITEMS {
            assert!(seen.insert(item.id), "{} twice", item.id);
            assert!(!item.title.is_empty() && !item.title.ends_with(')'));
        }
        let numbers =
            |id: &str| -> Vec<u32> { id.split('.').map(|n| n.parse().unwrap()).collect() };
        assert!(CIS_ITEMS
            .windows(2)
            .all(|w| numbers(w[0].id) < numbers(w[1].id)));
        let mut used = HashSet::new();
        for row in RULE_STANDARDS {
            for id in row.cis {
                assert!(
                    cis_item(id).is_some(),
                    "{}: unknown CIS item {id}",
                    row.rule
                );
                used.insert(*id);
            }
        }
        let unused: Vec<&str> = CIS_ITEMS
            .iter()
            .map(|i| i.id)
            .filter(|id| !used.contains(id))
            .collect();
        assert!(unused.is_empty(), "items no rule names: {unused:?}");
    }

    #[test]
    fn a_trailing_star_matches_a_prefix_and_nothing_else_does() {
        assert!(cis_matches("5.2.*", "5.2.11"));
        assert!(cis_matches("5.2.1", "5.2.1"));
        assert!(!cis_matches("5.2.1", "5.2.11"));
        assert!(!cis_matches("5.2.*", "5.3.2"));
        assert!(cis_matches("*", "1.2.1"));
    }
}
