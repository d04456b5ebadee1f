//! Pod Security Standards targets: a level and a policy version.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The newest policy version the Pod Security Standards define (`latest` means this).
pub const LATEST_MINOR: u32 = 37;

/// The prefix of the namespace labels Pod Security Admission reads
/// (`pod-security.kubernetes.io/enforce`, `…/enforce-version`, `…/audit`, `…/warn`…).
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// When the Pod Security Standards changed, by policy version (`v1.<minor>`): the one
/// table the rules, their overlap checks and the admission view read, after the upstream
/// checks (kubernetes/pod-security-admission, `policy/check_*.go`). A control without
/// an entry here exists since v1.0.
pub mod since {
    /// `allowPrivilegeEscalation` (restricted) begins.
    pub const ALLOW_PRIVILEGE_ESCALATION: u32 = 8;
    /// `seccompProfile_restricted` begins, and `seccompProfile_baseline` reads the
    /// `seccompProfile` fields (GA in Kubernetes 1.19) instead of the annotations.
    pub const SECCOMP_PROFILE_FIELDS: u32 = 19;
    /// `capabilities_restricted` begins.
    pub const CAPABILITIES_RESTRICTED: u32 = 22;
    /// `runAsUser` (restricted) begins.
    pub const RUN_AS_USER: u32 = 23;
    /// Linux-only restricted controls skip pods with `spec.os.name: windows` (the fields
    /// mean nothing on Windows).
    pub const WINDOWS_EXEMPTION: u32 = 25;
    /// `seLinuxOptions` allows the type `container_engine_t` (containers that run a
    /// container engine).
    pub const SELINUX_CONTAINER_ENGINE_TYPE: u32 = 31;
    /// `hostProbesAndHostLifecycle` (baseline) begins.
    pub const HOST_PROBES: u32 = 34;
    /// Controls that only matter for root on the node (`runAsNonRoot`, `runAsUser`,
    /// baseline `procMount`) skip pods with their own user namespace (`hostUsers:
    /// false`), and `procMount_restricted` begins.
    pub const USER_NAMESPACES: u32 = 35;
    /// The namespaced sysctls baseline allows, with the policy version that added each.
    pub const SAFE_SYSCTLS: &[(&str, u32)] = &[
        ("kernel.shm_rmid_forced", 0),
        ("net.ipv4.ip_local_port_range", 0),
        ("net.ipv4.ip_unprivileged_port_start", 0),
        ("net.ipv4.tcp_syncookies", 0),
        ("net.ipv4.ping_group_range", 0),
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29),
        ("net.ipv4.tcp_fin_timeout", 29),
        ("net.ipv4.tcp_keepalive_intvl", 29),
        ("net.ipv4.tcp_keepalive_probes", 29),
        ("net.ipv4.tcp_rmem", 32),
        ("net.ipv4.tcp_wmem", 32),
        ("net.ipv4.tcp_slow_start_after_idle", 37),
        ("net.ipv4.tcp_notsent_lowat", 37),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Pod Security Standards control a rule implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssControl {
    /// The upstream check id, e.g. `hostNamespaces`.
    pub control: &'static str,
    /// The lowest level whose policy forbids what the rule finds.
    pub level: PssLevel,
}

/// A level and the Kubernetes minor release whose definition of it applies
/// (`v1.<minor>`), as in `pod-security.kubernetes.io/enforce-version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssTarget {
    pub level: PssLevel,
    pub minor: u32,
}

impl Default for PssTarget {
    fn default() -> Self {
        PssTarget {
            level: PssLevel::Restricted,
            minor: LATEST_MINOR,
        }
    }
}

impl PssTarget {
    /// Whether this target enforces a control of `level` that the Pod Security Standards
    /// define from policy version `v1.<since>` on (restricted includes baseline).
    pub fn enforces(&self, level: PssLevel, since: u32) -> bool {
        level <= self.level && self.minor >= since
    }
}

impl fmt::Display for PssTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:v1.{}", self.level, self.minor)
    }
}

/// Parses `v1.N` or `latest`.
pub fn parse_version(s: &str) -> Result<u32, String> {
    parse_minor(s).ok_or_else(|| {
        format!("invalid Pod Security version `{s}` (expected `latest` or `v1.0` … `v1.{LATEST_MINOR}`)")
    })
}

/// The minor of `v1.N` or `latest`, read as the admission controller reads its version
/// labels: only canonical minors (digits, no sign, no leading zero), and versions newer
/// than the newest known one evaluated as the newest.
pub(crate) fn parse_minor(s: &str) -> Option<u32> {
    if s == "latest" {
        return Some(LATEST_MINOR);
    }
    let canonical = |m: &&str| {
        !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) && (*m == "0" || !m.starts_with('0'))
    };
    let minor = s
        .strip_prefix("v1.")
        .filter(canonical)?
        .parse::<u32>()
        .ok()?;
    Some(minor.min(LATEST_MINOR))
}

impl FromStr for PssLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "baseline" => Ok(PssLevel::Baseline),
            "restricted" => Ok(PssLevel::Restricted),
            _ => Err(format!(
                "invalid Pod Security level `{s}` (expected `baseline` or `restricted`)"
            )),
        }
    }
}

impl FromStr for PssTarget {
    type Err = String;

    /// `LEVEL[:VERSION]`, e.g. `baseline`, `restricted:v1.25`, `restricted:latest`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (level, version) = s.split_once(':').unwrap_or((s, "latest"));
        Ok(PssTarget {
            level: level.parse()?,
            minor: parse_version(version)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_level_and_version() {
        assert_eq!("baseline:v1.25".parse::<PssTarget>().unwrap().minor, 25);
        assert_eq!(
            "restricted".parse::<PssTarget>().unwrap(),
            PssTarget::default()
        );
        assert!("strict".parse::<PssTarget>().is_err());
        assert!("baseline:1.25".parse::<PssTarget>().is_err());
        for bad in ["v1.+5", "v1.05", "v1.", "v1.2a", "v2.0"] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_version("v1.0"), Ok(0));
        assert_eq!(
            "baseline:v1.99".parse::<PssTarget>().unwrap().minor,
            LATEST_MINOR
        );
    }

    #[test]
    fn every_change_is_a_known_policy_version() {
        let changes = [
            since::ALLOW_PRIVILEGE_ESCALATION,
            since::SECCOMP_PROFILE_FIELDS,
            since::CAPABILITIES_RESTRICTED,
            since::RUN_AS_USER,
            since::WINDOWS_EXEMPTION,
            since::SELINUX_CONTAINER_ENGINE_TYPE,
            since::HOST_PROBES,
            since::USER_NAMESPACES,
        ];
        assert!(
            changes.windows(2).all(|w| w[0] < w[1]),
            "in order, each once"
        );
        assert!(changes.iter().all(|&minor| minor <= LATEST_MINOR));
        let sysctls = since::SAFE_SYSCTLS;
        assert!(
            sysctls.windows(2).all(|w| w[0].1 <= w[1].1),
            "sysctls in version order"
        );
        assert!(sysctls.iter().all(|&(_, minor)| minor <= LATEST_MINOR));
    }

    #[test]
    fn restricted_includes_baseline_from_the_control_version_on() {
        let old: PssTarget = "restricted:v1.7".parse().unwrap();
        assert!(old.enforces(PssLevel::Baseline, 0));
        assert!(old.enforces(PssLevel::Restricted, 0));
        assert!(!old.enforces(PssLevel::Restricted, 8));
        let baseline: PssTarget = "baseline".parse().unwrap();
        assert!(!baseline.enforces(PssLevel::Restricted, 0));
    }
}
