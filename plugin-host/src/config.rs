//! `.kubecheck.yaml`: the project's settings, merged under the command line's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kubecheck_core::Severity;
use serde::Deserialize;

use crate::plugin::LimitsConfig;
use crate::read_limit::read_bounded;

/// The file looked for in the current directory when `--config` is not given.
pub const DEFAULT_CONFIG: &str = ".kubecheck.yaml";

/// Largest config file read: a real one is a few KiB.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Schema of `.kubecheck.yaml` (documented in the README).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Rule selectors whose rules run instead of the default set (as `--select`; the
    /// command line's add to these).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rule selectors to turn on.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rule selectors to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule id to severity.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Drop findings below this severity.
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// WebAssembly rule plugins (docs/plugin-abi.md, section 7).
    #[serde(default)]
    pub plugins: Vec<PluginConfig>,
    /// Rule selectors to run alone (as `--only`; the command line's add to these).
    #[serde(default)]
    pub only: Vec<String>,
    /// Exit code 1 at this severity (`--fail-on` wins).
    #[serde(default)]
    pub fail_on: Option<crate::cli::FailOn>,
    /// Output format (`--format` wins).
    #[serde(default)]
    pub format: Option<crate::cli::Format>,
    /// Annotations without a reason do not suppress (as `--require-reason`).
    #[serde(default)]
    pub require_reason: bool,
    /// `false`: annotations do not suppress, only exemptions do (as
    /// `--no-inline-suppressions`).
    #[serde(default)]
    pub inline_suppressions: Option<bool>,
    /// `false`: other tools' suppression annotations do not suppress (as
    /// `--no-foreign-suppressions`).
    #[serde(default)]
    pub foreign_suppressions: Option<bool>,
    /// Rules that do not report on matching objects, each with a reason.
    #[serde(default)]
    pub exemptions: Vec<kubecheck_core::suppress::Exemption>,
    /// Folders (relative to the config file) each judged as one cluster by the
    /// cross-object rules, whatever `--context` says: a monorepo names its projects here.
    #[serde(default)]
    pub contexts: Vec<PathBuf>,
    /// The Kubernetes version the manifests target (`v1.N`), as `--k8s-version`, which
    /// wins over it.
    #[serde(default, deserialize_with = "kubernetes_version")]
    pub k8s_version: Option<(u32, u32)>,
    /// Registries and repository prefixes images may come from (`image-registry-not-allowed`).
    #[serde(default)]
    pub allowed_registries: Vec<String>,
}

fn kubernetes_version<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<(u32, u32)>, D::Error> {
    // `1.30` reads as a float unless quoted: take the text either way.
    let value = serde_yaml::Value::deserialize(deserializer)?;
    let text = match &value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        _ => {
            return Err(serde::de::Error::custom(
                "expected a version such as `v1.30`",
            ))
        }
    };
    kubecheck_core::options::parse_kubernetes_version(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// One entry of `plugins:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// Prefix of the plugin's rule ids; the plugin's own name when left out.
    #[serde(default)]
    pub name: Option<String>,
    /// The `.wasm` file, relative to the config file.
    pub path: PathBuf,
    /// Required: a plugin runs only if the file is exactly the one reviewed.
    pub sha256: String,
    /// Passed to the plugin as its input's `settings`.
    #[serde(default)]
    pub settings: Option<serde_json::Value>,
    #[serde(default)]
    pub limits: LimitsConfig,
    /// The file is a `.cwasm` from `kubecheck plugin compile` (native code): loaded only
    /// with this set, and only if this user's kubecheck made it.
    #[serde(default)]
    pub precompiled: bool,
}

/// The explicit config, or `.kubecheck.yaml` if the current directory has one.
pub fn load(explicit: Option<&Path>) -> Result<Option<(PathBuf, Config)>> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_CONFIG);
            let Ok(meta) = std::fs::symlink_metadata(&default) else {
                return Ok(None);
            };
            // A config found by itself comes with the checkout, that is from whoever
            // wrote the pull request: as a link to `/proc/self/environ` or a secret file,
            // its parse error would quote that file into the CI log.
            anyhow::ensure!(
                meta.file_type().is_file(),
                "{DEFAULT_CONFIG} is not a regular file (a symlink?): pass it with --config if it is meant"
            );
            default
        }
    };
    let bytes = read_bounded(&path, MAX_CONFIG_BYTES)
        .with_context(|| format!("reading config {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("reading config {}: not UTF-8", path.display()))?;
    let config = parse(&text).with_context(|| format!("invalid config {}", path.display()))?;
    Ok(Some((path, config)))
}

pub fn parse(text: &str) -> Result<Config> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    let config: Config = serde_yaml::from_str(text)?;
    for (i, exemption) in config.exemptions.iter().enumerate() {
        if let Some(problem) = exemption.problem() {
            anyhow::bail!("exemptions[{i}]: {problem}");
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_fields() {
        let config = parse("disable: [latest-image-tag]\nselect: [\"cis:5.2.*\", nsa]\nseverity:\n  privileged-container: high\nminSeverity: low\n").unwrap();
        assert_eq!(config.disable, ["latest-image-tag"]);
        assert_eq!(config.select, ["cis:5.2.*", "nsa"]);
        assert_eq!(config.severity["privileged-container"], Severity::High);
        assert_eq!(config.min_severity, Some(Severity::Low));
    }

    #[test]
    fn reads_plugins() {
        let config = parse(
            "plugins:\n  - path: p.wasm\n    sha256: ab\n    settings: {registries: [a/]}\n    limits: {fuel: 5, timeoutMs: 100}\n",
        )
        .unwrap();
        let plugin = &config.plugins[0];
        assert_eq!(plugin.path, PathBuf::from("p.wasm"));
        assert_eq!(
            plugin.settings,
            Some(serde_json::json!({"registries": ["a/"]}))
        );
        assert_eq!(plugin.limits.timeout_ms, Some(100));
        let unpinned = parse("plugins:\n  - path: p.wasm\n").unwrap_err();
        assert!(format!("{unpinned:#}").contains("sha256"), "{unpinned:#}");
    }

    #[test]
    fn reads_the_target_kubernetes_version() {
        assert_eq!(
            parse("k8sVersion: v1.25\n").unwrap().k8s_version,
            Some((1, 25))
        );
        assert_eq!(
            parse("k8sVersion: \"1.30\"\n").unwrap().k8s_version,
            Some((1, 30))
        );
        assert_eq!(
            parse("k8sVersion: 1.29\n").unwrap().k8s_version,
            Some((1, 29))
        );
        assert_eq!(parse("disable: []\n").unwrap().k8s_version, None);
        let config = parse("allowedRegistries: [registry.example.com, ghcr.io/acme/]\n").unwrap();
        assert_eq!(
            config.allowed_registries,
            ["registry.example.com", "ghcr.io/acme/"]
        );
        let err = format!("{:#}", parse("k8sVersion: v2\n").unwrap_err());
        assert!(err.contains("invalid Kubernetes version"), "{err}");
    }

    #[test]
    fn reads_the_suppression_switches() {
        let config = parse("inlineSuppressions: true\nforeignSuppressions: false\n").unwrap();
        assert_eq!(config.inline_suppressions, Some(true));
        assert_eq!(config.foreign_suppressions, Some(false));
        assert_eq!(parse("{}").unwrap().foreign_suppressions, None);
    }

    #[test]
    fn unknown_fields_are_errors_with_a_line() {
        let err = parse("disable: []\ndisabel: [x]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
