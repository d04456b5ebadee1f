//! What each Linux capability risks in a container: one table for the capability rules
//! (`dangerous-capabilities`, `sys-admin-capability`, `net-raw-capability`,
//! `unrestricted-capabilities`), so they agree on names and severities.
//!
//! Severities follow the scale in `docs/severity.md`: critical = direct node
//! compromise, high = a likely path to it, medium = defence in depth missing, low =
//! hygiene. Sources: man 7 capabilities (what each one allows,
//! <https://man7.org/linux/man-pages/man7/capabilities.7.html>); the Pod Security
//! Standards baseline list (kubernetes `staging/src/k8s.io/pod-security-admission/policy/
//! check_capabilities_baseline.go`); the runtimes' default set (moby
//! `oci/caps/defaults.go`, containerd `pkg/oci/spec.go`), which is the baseline list
//! plus `NET_RAW`.

use crate::severity::Severity;

pub(crate) struct Capability {
    /// As the API server compares it: upper case, no `CAP_` prefix.
    pub name: &'static str,
    /// The baseline level lets a container add it (the runtimes grant it anyway).
    pub baseline: bool,
    pub severity: Severity,
    pub why: &'static str,
}

const fn cap(
    name: &'static str,
    baseline: bool,
    severity: Severity,
    why: &'static str,
) -> Capability {
    Capability {
        name,
        baseline,
        severity,
        why,
    }
}

use Severity::{Critical, High, Low, Medium};

pub(crate) static CAPABILITIES: &[Capability] = &[
    cap(
        "ALL",
        false,
        Critical,
        "every capability, `SYS_ADMIN` and `SYS_MODULE` included",
    ),
    cap(
        "SYS_ADMIN",
        false,
        Critical,
        "mounts, namespaces, cgroup release agents: the usual container escape",
    ),
    cap(
        "SYS_MODULE",
        false,
        Critical,
        "loads modules into the node's kernel",
    ),
    cap("SYS_RAWIO", false, High, "raw I/O ports and device memory"),
    cap(
        "SYS_PTRACE",
        false,
        High,
        "reads and controls other processes it can see",
    ),
    cap(
        "SYS_BOOT",
        false,
        High,
        "reboots the node or loads a new kernel (`kexec_load`)",
    ),
    cap(
        "DAC_READ_SEARCH",
        false,
        High,
        "opens files by handle, past mount boundaries (the \"shocker\" escape)",
    ),
    cap(
        "NET_ADMIN",
        false,
        High,
        "reconfigures interfaces, routes and firewall rules of its network namespace",
    ),
    cap("BPF", false, High, "loads BPF programs into the kernel"),
    cap(
        "PERFMON",
        false,
        High,
        "reads kernel and other processes' data through performance monitoring",
    ),
    cap(
        "MAC_ADMIN",
        false,
        High,
        "changes the AppArmor or SELinux policy",
    ),
    cap(
        "MAC_OVERRIDE",
        false,
        High,
        "overrides the AppArmor or SELinux policy",
    ),
    cap(
        "SYS_TIME",
        false,
        Medium,
        "sets the node's clock, which is not namespaced",
    ),
    cap(
        "SYSLOG",
        false,
        Medium,
        "reads and clears the kernel log, which exposes kernel addresses",
    ),
    cap(
        "NET_RAW",
        false,
        Medium,
        "raw packets: ARP and DNS spoofing of other pods",
    ),
    cap(
        "SYS_RESOURCE",
        false,
        Medium,
        "overrides resource limits and quotas",
    ),
    cap(
        "IPC_OWNER",
        false,
        Medium,
        "bypasses permission checks on other processes' IPC objects",
    ),
    cap(
        "AUDIT_CONTROL",
        false,
        Medium,
        "changes or disables kernel auditing",
    ),
    cap(
        "CHECKPOINT_RESTORE",
        false,
        Medium,
        "checkpoints and restores processes",
    ),
    cap(
        "LINUX_IMMUTABLE",
        false,
        Low,
        "sets immutable and append-only file flags",
    ),
    cap("SYS_NICE", false, Low, "raises its scheduling priority"),
    cap("SYS_PACCT", false, Low, "switches process accounting"),
    cap("SYS_TTY_CONFIG", false, Low, "configures terminals"),
    cap(
        "IPC_LOCK",
        false,
        Low,
        "locks memory with `mlock` or huge pages, within the memory limit",
    ),
    cap("LEASE", false, Low, "takes file leases"),
    cap("WAKE_ALARM", false, Low, "sets wake-up alarms"),
    cap("BLOCK_SUSPEND", false, Low, "blocks system suspend"),
    cap(
        "NET_BROADCAST",
        false,
        Low,
        "broadcasts and listens to multicast",
    ),
    cap("AUDIT_READ", false, Low, "reads the audit log"),
    cap("AUDIT_WRITE", true, Low, "writes audit records"),
    cap("CHOWN", true, Low, "changes file owners"),
    cap("DAC_OVERRIDE", true, Low, "bypasses file permission checks"),
    cap("FOWNER", true, Low, "bypasses file owner checks"),
    cap(
        "FSETID",
        true,
        Low,
        "keeps set-user-ID bits on modified files",
    ),
    cap("KILL", true, Low, "signals processes of other users"),
    cap("MKNOD", true, Low, "creates device files"),
    cap("NET_BIND_SERVICE", true, Low, "binds ports below 1024"),
    cap("SETFCAP", true, Low, "sets file capabilities"),
    cap("SETGID", true, Low, "changes group ids"),
    cap("SETPCAP", true, Low, "changes capability sets"),
    cap("SETUID", true, Low, "changes user ids"),
    cap("SYS_CHROOT", true, Low, "uses `chroot`"),
];

/// The table's row for `name` as the API server compares it (exactly).
pub(crate) fn find(name: &str) -> Option<&'static Capability> {
    CAPABILITIES.iter().find(|c| c.name == name)
}

/// The severity of adding `name`: the table's, `high` for a capability it does not
/// know. A container that drops `ALL` and adds back one capability holds that one
/// only, far less than the runtime's default set: one step lower, unless it is a
/// direct compromise on its own.
pub(crate) fn added_severity(name: &str, drops_all_and_adds_one: bool) -> Severity {
    let severity = find(name).map_or(High, |c| c.severity);
    match severity {
        High if drops_all_and_adds_one => Medium,
        Medium if drops_all_and_adds_one => Low,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_written_as_the_api_server_compares_them() {
        let mut names: Vec<&str> = CAPABILITIES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CAPABILITIES.len());
        for c in CAPABILITIES {
            assert!(!c.name.starts_with("CAP_"), "{}", c.name);
            assert_eq!(c.name, c.name.to_ascii_uppercase());
            assert!(!c.why.is_empty(), "{} needs a reason", c.name);
        }
    }

    #[test]
    fn the_baseline_column_is_the_pod_security_list_and_none_of_it_is_above_low() {
        let baseline: Vec<&str> = CAPABILITIES
            .iter()
            .filter(|c| c.baseline)
            .map(|c| c.name)
            .collect();
        // check_capabilities_baseline.go, `capabilities_allowed_1_0`.
        let expected = [
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT",
        ];
        let mut got = baseline.clone();
        got.sort_unstable();
        assert_eq!(got, expected);
        assert!(CAPABILITIES
            .iter()
            .filter(|c| c.baseline)
            .all(|c| c.severity == Low));
    }

    #[test]
    fn one_capability_after_dropping_all_is_lower_unless_critical_alone() {
        assert_eq!(added_severity("NET_ADMIN", false), High);
        assert_eq!(added_severity("NET_ADMIN", true), Medium);
        assert_eq!(added_severity("SYS_TIME", true), Low);
        assert_eq!(added_severity("SYS_ADMIN", true), Critical);
        assert_eq!(added_severity("UNKNOWN_CAP", false), High);
    }
}
