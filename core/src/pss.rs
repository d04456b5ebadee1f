//! Pod Security Standards targets: a level and a policy version.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The newest policy version the Pod Security Standards define (`latest` means this).
pub const LATEST_MINOR: u32 = 37;

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
    if s == "latest" {
        return Ok(LATEST_MINOR);
    }
    // Only canonical minors, as the admission controller's `v1.N` format: digits, no sign,
    // no leading zero.
    let canonical = |m: &&str| {
        !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) && (*m == "0" || !m.starts_with('0'))
    };
    let minor = s
        .strip_prefix("v1.")
        .filter(canonical)
        .and_then(|m| m.parse::<u32>().ok())
        .ok_or_else(|| format!("invalid Pod Security version `{s}` (expected `latest` or `v1.0` … `v1.{LATEST_MINOR}`)"))?;
    // Versions newer than the newest known one are evaluated as the newest, as the
    // admission controller does.
    Ok(minor.min(LATEST_MINOR))
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
    fn restricted_includes_baseline_from_the_control_version_on() {
        let old: PssTarget = "restricted:v1.7".parse().unwrap();
        assert!(old.enforces(PssLevel::Baseline, 0));
        assert!(old.enforces(PssLevel::Restricted, 0));
        assert!(!old.enforces(PssLevel::Restricted, 8));
        let baseline: PssTarget = "baseline".parse().unwrap();
        assert!(!baseline.enforces(PssLevel::Restricted, 0));
    }
}
