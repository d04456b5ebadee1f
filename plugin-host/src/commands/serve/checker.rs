//! What every check of the server runs with: the options of the config file and the
//! flags, merged as `kubecheck check` merges them, and the config's plugins, compiled
//! once at start and instantiated per call within their limits.

use std::path::PathBuf;

use anyhow::{bail, Result};
use kubecheck_core::{Input, Options, Report, RuleInfo, Session, Source};

use crate::cli::{CheckArgs, ColorWhen, Engine, FailOn, Format, ServeArgs};
use crate::commands::check;
use crate::config;
use crate::plugin::{self, PluginCall, PluginRuntime};

pub struct Checker {
    /// `/v1/check`'s options, before a request's query parameters.
    pub options: Options,
    plugins: plugin::Loaded,
    builtin: Vec<RuleInfo>,
    /// The built-in rules and the plugins'.
    pub rules: Vec<RuleInfo>,
}

impl Checker {
    /// Reads the config (`--config`, or `.kubecheck.yaml` here if present) and compiles
    /// its plugins. A plugin that does not load is an error: a server that started
    /// without a rule its config names would allow what that rule denies.
    pub fn load(args: &ServeArgs) -> Result<Checker> {
        let check_args = as_check_args(args);
        let config = config::load(args.config.as_deref())?;
        let options = check::options(&check_args, config.as_ref().map(|(_, c)| c));
        let configured = check::plugins(&check_args, config.as_ref())?;
        // No wasmtime engine and no epoch thread without plugins.
        let plugins = match configured.is_empty() {
            true => plugin::Loaded::default(),
            false => plugin::load(&PluginRuntime::new()?, &configured),
        };
        if !plugins.errors().is_empty() {
            let failures: Vec<String> = plugins
                .errors()
                .iter()
                .map(|e| {
                    format!(
                        "plugin `{}` ({}): {}",
                        e.plugin.as_deref().unwrap_or_default(),
                        e.source,
                        e.message
                    )
                })
                .collect();
            bail!(
                "not starting: the config's plugins must all load: {}",
                failures.join("; ")
            );
        }
        let builtin = kubecheck_core::builtin_rules();
        let mut rules = builtin.clone();
        rules.extend(plugins.rules());
        let unknown = options.unknown_selectors(&rules);
        if !unknown.is_empty() {
            bail!(
                "{}",
                kubecheck_core::options::unknown_selectors_message(&unknown)
            );
        }
        Ok(Checker {
            options,
            plugins,
            builtin,
            rules,
        })
    }

    /// The names and versions of the plugins loaded, for the start-up line.
    pub fn plugin_names(&self) -> Vec<String> {
        self.plugins.names()
    }

    /// Checks `sources` with the built-in rules and the plugins, as `kubecheck check`
    /// does: a plugin that fails is an error of the report, next to its name. Also
    /// returns the plugin calls made, for the metrics.
    ///
    /// One request is checked on the calling thread alone: requests are what the server
    /// runs side by side (`--max-checks`), and spreading one small review over rayon's
    /// pool cost more CPU than it saved (idle workers spin: 0.46 → 0.63 ms per review).
    pub fn check(&self, sources: Vec<Source>, options: &Options) -> (Report, Vec<PluginCall>) {
        thread_local! {
            static ALONE: Option<rayon::ThreadPool> =
                check::thread_pool(Some(std::num::NonZeroUsize::MIN)).ok();
        }
        ALONE.with(|pool| match pool {
            Some(pool) => pool.install(|| self.check_here(sources, options)),
            None => self.check_here(sources, options),
        })
    }

    fn check_here(&self, sources: Vec<Source>, options: &Options) -> (Report, Vec<PluginCall>) {
        let input = Input::parse(sources);
        let session = Session::new(&input, options);
        let findings = session.run_builtin();
        let mut run = plugin::run(&self.plugins, &session);
        let calls = std::mem::take(&mut run.calls);
        let report = plugin::report(&session, findings, &self.builtin, run, Vec::new());
        (report, calls)
    }
}

/// `serve`'s flags as the `check` flags they mean, so that options and plugins are
/// read from the config exactly as `check` reads them.
fn as_check_args(args: &ServeArgs) -> CheckArgs {
    CheckArgs {
        paths: Vec::new(),
        helm: None,
        helm_values: Vec::new(),
        kustomize: None,
        format: Some(Format::Json),
        fail_on: Some(FailOn::Never),
        require_reason: false,
        no_inline_suppressions: false,
        no_foreign_suppressions: false,
        rules: args.rules.clone(),
        pss: args.pss,
        k8s_version: args.k8s_version,
        context: crate::inputs::ContextMode::Path,
        config: args.config.clone(),
        // Only the config's plugins, pinned: a server runs nothing unreviewed.
        plugins: Vec::<PathBuf>::new(),
        allow_precompiled: false,
        engine: Engine::Native,
        color: ColorWhen::Never,
        baseline: None,
        write_baseline: None,
        max_input_bytes: crate::inputs::DEFAULT_MAX_INPUT_BYTES,
        jobs: None,
    }
}
