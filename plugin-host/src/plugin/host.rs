//! Plugins in a `kubecheck check` run: load the configured ones, give them the run's
//! objects, turn their validated findings into the core's raw findings, and describe
//! their rules so options, suppressions and locations apply as to built-in rules.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubecheck_core::report::ReportError;
use kubecheck_core::rules::RawFinding;
use kubecheck_core::{Category, Report, RuleInfo, Session};
use rayon::prelude::*;
use serde_json::Value as Json;

use super::abi::{self, Resource};
use super::error::PluginError;
use super::limits::{Limits, MAX_PLUGIN_FILE_BYTES};
use super::runtime::{sha256_hex, Plugin, PluginRuntime};

/// A plugin as the config (or `--plugin`) names it.
#[derive(Clone, Debug)]
pub struct Configured {
    /// Overrides the metadata's name as the rule id prefix.
    pub name: Option<String>,
    pub path: PathBuf,
    /// The pin; `None` only for ad-hoc `--plugin` use.
    pub sha256: Option<String>,
    pub settings: Json,
    pub limits: Limits,
    /// Explicit intent to load native code: a `.cwasm` from `kubecheck plugin compile`
    /// (`precompiled: true` in the config, `--allow-precompiled` on the command line).
    pub precompiled: bool,
    /// Named by a config file, which may come from a pull request: the path must be a
    /// regular file. A path on the command line is the user's own (`<(...)` is fine).
    pub from_config: bool,
}

/// Loaded plugins and the ones that failed to load.
#[derive(Default)]
pub struct Loaded {
    plugins: Vec<(Plugin, Json, String)>,
    errors: Vec<ReportError>,
    failed: Vec<String>,
}

/// What the plugins contributed to a run.
pub struct PluginRun {
    /// Every loaded plugin's rules, ids prefixed `<plugin>/`.
    pub rules: Vec<RuleInfo>,
    /// Findings, with the severity a plugin set on them if it did.
    pub findings: Vec<RawFinding>,
    /// One per plugin that failed to load or to run.
    pub errors: Vec<ReportError>,
    /// One per plugin called: its name, how the call ended and how long it took.
    pub calls: Vec<PluginCall>,
}

/// One plugin call of a run, for `kubecheck serve`'s metrics.
#[derive(Clone, Debug)]
pub struct PluginCall {
    pub plugin: String,
    /// `ok`, or the failure's kind ([`PluginError::kind`]).
    pub outcome: &'static str,
    pub took: Duration,
}

impl Loaded {
    /// The loaded plugins' rules, prefixed.
    pub fn rules(&self) -> Vec<RuleInfo> {
        self.plugins
            .iter()
            .flat_map(|(p, _, _)| rule_infos(p))
            .collect()
    }

    /// `name version` of each loaded plugin.
    pub fn names(&self) -> Vec<String> {
        self.plugins
            .iter()
            .map(|(p, _, _)| format!("{} {}", p.name(), p.metadata().version))
            .collect()
    }

    /// One per plugin that failed to load, as the report shows it.
    pub fn errors(&self) -> &[ReportError] {
        &self.errors
    }

    /// Whether `selector` names a plugin that failed to load (or one of its rules): such
    /// selectors are not typos and must not stop the run.
    pub fn names_failed_plugin(&self, selector: &str) -> bool {
        let plugin = selector.split_once('/').map_or(selector, |(p, _)| p);
        self.failed.iter().any(|f| f == plugin)
    }
}

/// Loads every configured plugin; a plugin that cannot be loaded becomes an error in the
/// report and the others load anyway.
pub fn load(runtime: &PluginRuntime, configured: &[Configured]) -> Loaded {
    let mut loaded = Loaded {
        plugins: Vec::new(),
        errors: Vec::new(),
        failed: Vec::new(),
    };
    let mut names = HashSet::new();
    for config in configured {
        let path = config.path.display().to_string();
        let fallback = config.name.clone().unwrap_or_else(|| file_stem(config));
        match load_one(runtime, config) {
            Ok(plugin) if !names.insert(plugin.name().to_owned()) => {
                let name = plugin.name().to_owned();
                loaded.errors.push(error(
                    &name,
                    &path,
                    format!("another plugin is already named `{name}`: rename one with `name:` in the config"),
                ));
                loaded.failed.push(name);
            }
            Ok(plugin) => loaded.plugins.push((plugin, config.settings.clone(), path)),
            Err(e) => {
                loaded.errors.push(error(&fallback, &path, e.to_string()));
                loaded.failed.push(fallback);
            }
        }
    }
    loaded
}

/// Reads the file once: the pin is checked against, the printed hash is of, and the
/// module is loaded from exactly these bytes (a FIFO or a file swapped between two reads
/// must not show one hash and run other bytes).
fn load_one(runtime: &PluginRuntime, config: &Configured) -> Result<Plugin, PluginError> {
    let bytes = read_plugin(&config.path, config.from_config)?;
    let actual = sha256_hex(&bytes);
    match &config.sha256 {
        Some(expected) if !actual.eq_ignore_ascii_case(expected.trim()) => {
            return Err(PluginError::HashMismatch {
                expected: expected.clone(),
                actual,
            });
        }
        Some(_) => {}
        None => eprintln!(
            "kubecheck: plugin {} has sha256 {actual} (pin it as `sha256:` in .kubecheck.yaml)",
            kubecheck_core::output::escape(&config.path.display().to_string())
        ),
    }
    let is_cwasm = config.path.extension().is_some_and(|e| e == "cwasm");
    let mut plugin = match (config.precompiled, is_cwasm) {
        (true, true) => runtime.load_precompiled(&bytes, config.limits)?,
        (true, false) => {
            return Err(PluginError::Precompiled(
                "only a `.cwasm` file loads as a precompiled module".into(),
            ))
        }
        (false, true) => {
            return Err(PluginError::Precompiled(
                "a `.cwasm` is native code: it loads only with `precompiled: true` in its \
                 config entry, or `--allow-precompiled` with `--plugin`"
                    .into(),
            ))
        }
        (false, false) => runtime.load(&bytes, config.limits)?,
    };
    if let Some(name) = &config.name {
        if !abi::is_name(name, true) {
            return Err(PluginError::BadMetadata(format!(
                "configured name `{name}` must be 1-63 characters of a-z, 0-9 and `-`, starting with a letter"
            )));
        }
        plugin.rename(name.clone());
    }
    if is_reserved(plugin.name()) {
        return Err(PluginError::BadMetadata(format!(
            "the name `{}` is a rule selector of its own: rename the plugin with `name:` in the config",
            plugin.name()
        )));
    }
    Ok(plugin)
}

/// Names a selector already means: `all`, `pss`, the categories and every built-in rule
/// id. A plugin by such a name would make `--disable <name>` select its rules too.
fn is_reserved(name: &str) -> bool {
    ["all", "pss"].contains(&name)
        || Category::ALL.iter().any(|c| c.as_str() == name)
        || kubecheck_core::builtin_rules().iter().any(|r| r.id == name)
}

/// The plugin file's bytes, at most [`MAX_PLUGIN_FILE_BYTES`], read once. With
/// `regular_only`, anything but a regular file is refused before a byte is read: opened
/// without blocking, so a config naming a FIFO or `/proc/self/fd/1` cannot hang the run.
pub fn read_plugin(path: &Path, regular_only: bool) -> Result<Vec<u8>, PluginError> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |e: std::io::Error| PluginError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if regular_only {
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    if regular_only && !file.metadata().map_err(io)?.is_file() {
        return Err(PluginError::Io {
            path: path.display().to_string(),
            message: "not a regular file: a plugin named in a config file must be one".into(),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_PLUGIN_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_PLUGIN_FILE_BYTES {
        return Err(PluginError::TooLarge(format!(
            "the file is larger than the limit of {MAX_PLUGIN_FILE_BYTES} bytes"
        )));
    }
    Ok(bytes)
}

fn file_stem(config: &Configured) -> String {
    config.path.file_stem().map_or_else(
        || config.path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn error(plugin: &str, path: &str, message: String) -> ReportError {
    ReportError {
        source: path.to_owned(),
        document: None,
        line: 0,
        column: 0,
        message,
        plugin: Some(plugin.to_owned()),
    }
}

/// The plugin's rules as the core describes rules, ids prefixed with its name.
pub fn rule_infos(plugin: &Plugin) -> Vec<RuleInfo> {
    kubecheck_core::plugin_abi::rule_infos(plugin.metadata(), plugin.name())
}

/// The run's objects as ABI resources: ids are indexes into `session.objects`.
pub fn resources(session: &Session<'_>) -> Vec<Resource> {
    session
        .objects
        .iter()
        .enumerate()
        .map(|(id, object)| Resource {
            id: id as u64,
            source: session
                .input
                .sources
                .get(object.source)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            object: object.to_json(),
        })
        .collect()
}

/// Runs every loaded plugin that has an enabled rule over the session's objects.
pub fn run(loaded: &Loaded, session: &Session<'_>) -> PluginRun {
    let mut run = PluginRun {
        rules: loaded.rules(),
        findings: Vec::new(),
        errors: loaded.errors.clone(),
        calls: Vec::new(),
    };
    let wanted: Vec<&(Plugin, Json, String)> = loaded
        .plugins
        .iter()
        .filter(|(p, _, _)| rule_infos(p).iter().any(|r| session.options.is_enabled(r)))
        .collect();
    if wanted.is_empty() {
        return run;
    }
    let resources = resources(session);
    // Each call has its own store: plugins run side by side on the pool of the run
    // (`check --jobs`), their results taken in the order they are configured.
    let outputs: Vec<_> = wanted
        .par_iter()
        .map(|(plugin, settings, _)| {
            let input = abi::input_document(settings, &resources);
            let started = Instant::now();
            let output = plugin
                .check(&input)
                .and_then(|o| abi::validate(&o, plugin.metadata(), &resources).map(|()| o));
            (output, started.elapsed())
        })
        .collect();
    for ((plugin, _, path), (output, took)) in wanted.into_iter().zip(outputs) {
        run.calls.push(PluginCall {
            plugin: plugin.name().to_owned(),
            outcome: output.as_ref().map_or_else(PluginError::kind, |_| "ok"),
            took,
        });
        match output {
            Ok(output) => run
                .findings
                .extend(kubecheck_core::plugin_abi::into_raw(output, plugin.name())),
            Err(e) => run.errors.push(error(plugin.name(), path, e.to_string())),
        }
    }
    run
}

/// The report of built-in and plugin findings together.
pub fn report(
    session: &Session<'_>,
    mut findings: Vec<RawFinding>,
    builtin_rules: &[RuleInfo],
    plugins: PluginRun,
    mut extra_errors: Vec<ReportError>,
) -> Report {
    // Without plugin rules, the built-in ones as they are: a copy of every rule's texts
    // was a tenth of an admission review's time.
    let rules: std::borrow::Cow<'_, [RuleInfo]> = match plugins.rules.is_empty() {
        true => builtin_rules.into(),
        false => [builtin_rules, &plugins.rules].concat().into(),
    };
    findings.extend(plugins.findings);
    extra_errors.extend(plugins.errors);
    session.report(findings, &rules, extra_errors)
}
