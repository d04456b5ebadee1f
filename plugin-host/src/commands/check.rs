//! `kubecheck check`: sources in, report out, exit code from the findings.

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};
use kubecheck_core::output::escape::to_writer_pretty_log_safe;
use kubecheck_core::report::ReportError;
use kubecheck_core::{Input, Options, Report, RuleInfo, Session, Severity};
use serde_json::json;

use crate::cli::{CheckArgs, ColorWhen, Engine, FailOn, Format};
use crate::config::Config;
use crate::plugin::{self, Configured, Limits, PluginRuntime};
use crate::{builtin_wasm, config, inputs};

pub fn run(mut args: CheckArgs) -> Result<ExitCode> {
    // No path reads stdin; alone on a terminal that would wait without a word, so it says
    // what it expects instead (`kubecheck check -` still reads a terminal, until Ctrl-D).
    if args.paths.is_empty() && args.helm.is_none() && args.kustomize.is_none() {
        args.paths.push(PathBuf::from("-"));
        if std::io::stdin().is_terminal() {
            bail!(
            "no manifests given: name files or folders (`kubecheck check deploy/`), or pipe \
             them in (`helm template . | kubecheck check -`); `kubecheck check --help` lists the options"
            );
        }
    }
    let config = config::load(args.config.as_deref())?;
    let options = options(&args, config.as_ref().map(|(_, c)| c));
    let configured = plugins(&args, config.as_ref())?;
    // No wasmtime engine and no epoch thread unless a plugin or the wasm engine needs them.
    let runtime = match configured.is_empty() && args.engine == Engine::Native {
        true => None,
        false => Some(PluginRuntime::new()?),
    };
    let plugins = runtime
        .as_ref()
        .map(|r| plugin::load(r, &configured))
        .unwrap_or_default();
    let mut rules = kubecheck_core::builtin_rules();
    rules.extend(plugins.rules());
    let unknown: Vec<String> = options
        .unknown_selectors(&rules)
        .into_iter()
        .filter(|s| !plugins.names_failed_plugin(s))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{}",
            kubecheck_core::options::unknown_selectors_message(&unknown)
        );
    }
    let config_file = config.as_ref().map(|(path, _)| path.as_path());
    let pool = thread_pool(args.jobs)?;
    let mut loaded =
        pool.install(|| inputs::load_with(&args.paths, args.max_input_bytes, config_file));
    let roots = context_roots(config.as_ref())?;
    inputs::assign_contexts(&mut loaded.sources, args.context, &roots);
    loaded.sources.extend(rendered(&args)?);
    let unreadable: Vec<ReportError> = loaded
        .unreadable
        .into_iter()
        .map(|(source, e)| ReportError {
            source,
            document: None,
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
            plugin: None,
        })
        .collect();
    let input = pool.install(|| Input::parse(loaded.sources));
    let mut report = pool.install(|| -> Result<Report> {
        let session = Session::new(&input, &options);
        let findings = match (&runtime, args.engine) {
            (Some(runtime), Engine::Wasm) => builtin_wasm::run(&session, runtime)?,
            _ => session.run_builtin(),
        };
        let plugin_run = plugin::run(&plugins, &session);
        let report = plugin::report(&session, findings, &rules, plugin_run, unreadable);
        // As the report and the input below: freeing every object one by one only
        // delays the exit (1% of a run over the real corpus, on one thread).
        std::mem::forget(session);
        Ok(report)
    })?;
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &report)?;
    }
    if let Some(path) = &args.baseline {
        let baseline = read_baseline(path)?;
        kubecheck_core::baseline::apply(&mut report, &baseline, &path.display().to_string());
    }
    let color = color_enabled(args.color);
    let settings = config.as_ref().map(|(_, c)| c);
    let format = args
        .format
        .or(settings.and_then(|c| c.format))
        .unwrap_or(Format::Text);
    let fail_on = args
        .fail_on
        .or(settings.and_then(|c| c.fail_on))
        .unwrap_or(FailOn::High);
    // On the pool: the JSON report's findings are rendered side by side.
    pool.install(|| write_report(&report, &input, &rules, format, color))?;
    let code = exit_code(&report, fail_on);
    // The process ends next: freeing every node of a large input one by one only
    // delays the exit (3% of a run over the real corpus).
    std::mem::forget((report, input));
    Ok(code)
}

/// The sources of `--helm` and `--kustomize`, each rendering one cluster (one analysis
/// context, unless `--context input` joins everything).
fn rendered(args: &CheckArgs) -> Result<Vec<kubecheck_core::Source>> {
    let mut sources = Vec::new();
    if let Some(chart) = &args.helm {
        let context = format!("helm template {}", chart.display());
        for mut source in crate::render::helm(chart, &args.helm_values, args.max_input_bytes)? {
            source.context = Some(context.clone());
            sources.push(source);
        }
    }
    if let Some(dir) = &args.kustomize {
        let mut source = crate::render::kustomize(dir, args.max_input_bytes)?;
        source.context = Some(source.name.clone());
        sources.push(source);
    }
    if args.context == inputs::ContextMode::Input {
        sources.iter_mut().for_each(|source| source.context = None);
    }
    Ok(sources)
}

/// The threads a check runs on: `jobs` of them, else one per available core. The calling
/// thread is one of them, so `--jobs 1` starts no thread at all. The others get a main
/// thread's stack (8 MiB): documents up to the nesting limit are read recursively in
/// places, as they are on the main thread.
pub(crate) fn thread_pool(jobs: Option<NonZeroUsize>) -> Result<rayon::ThreadPool> {
    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .use_current_thread()
        .stack_size(8 << 20)
        .thread_name(|i| format!("kubecheck-check-{i}"))
        .build()?)
}

/// An earlier JSON report: a file that is not one (another format, another version) is
/// an error naming it, never an empty baseline.
fn read_baseline(path: &Path) -> Result<Report> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("baseline {}: cannot read: {e}", path.display()))?;
    let report: Report = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "baseline {}: not a kubecheck JSON report (make one with `--write-baseline` or `--format json`): {e}",
            path.display()
        )
    })?;
    if report.version != kubecheck_core::report::REPORT_VERSION {
        bail!(
            "baseline {}: report version {}, this kubecheck reads version {}",
            path.display(),
            report.version,
            kubecheck_core::report::REPORT_VERSION
        );
    }
    Ok(report)
}

/// Writes the report as JSON beside its final name, then renames: an interrupted run
/// never leaves half a baseline.
fn write_baseline(path: &Path, report: &Report) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| anyhow::anyhow!("baseline {}: {e}", path.display()))?;
    serde_json::to_writer_pretty(&mut file, report)?;
    writeln!(file)?;
    file.persist(path)
        .map_err(|e| anyhow::anyhow!("baseline {}: {e}", path.display()))?;
    Ok(())
}

/// The config's `contexts:` folders, each named as written and resolved against the
/// config file's folder; a folder that does not exist is a config error.
pub(crate) fn context_roots(config: Option<&(PathBuf, Config)>) -> Result<Vec<(String, PathBuf)>> {
    let Some((path, config)) = config else {
        return Ok(Vec::new());
    };
    let base = path.parent().unwrap_or(Path::new(""));
    config
        .contexts
        .iter()
        .map(|root| {
            let resolved = base.join(root).canonicalize().map_err(|e| {
                anyhow::anyhow!(
                    "invalid config {}: context folder {}: {e}",
                    path.display(),
                    root.display()
                )
            })?;
            Ok((root.display().to_string(), resolved))
        })
        .collect()
}

pub(crate) fn options(args: &CheckArgs, config: Option<&Config>) -> Options {
    let mut options = Options::default();
    if let Some(config) = config {
        options.select = config.select.clone();
        options.enable = config.enable.clone();
        options.disable = config.disable.clone();
        options.only = config.only.clone();
        options.suppressions.exemptions = config.exemptions.clone();
        options.severity_overrides = config.severity.clone();
        options.min_severity = config.min_severity;
        options.allowed_registries = config.allowed_registries.clone();
    }
    let rules = &args.rules;
    options.select.extend(rules.select.iter().cloned());
    options.enable.extend(rules.enable.iter().cloned());
    options.disable.extend(rules.disable.iter().cloned());
    options.only.extend(rules.only.iter().cloned());
    options.pss = args.pss;
    options.kubernetes_version = args.k8s_version.or(config.and_then(|c| c.k8s_version));
    let policy = &mut options.suppressions;
    policy.today = Some(today());
    policy.require_reason = args.require_reason || config.is_some_and(|c| c.require_reason);
    policy.ignore_inline =
        args.no_inline_suppressions || config.is_some_and(|c| c.inline_suppressions == Some(false));
    policy.ignore_foreign = args.no_foreign_suppressions
        || config.is_some_and(|c| c.foreign_suppressions == Some(false));
    options
}

/// Today's date in UTC as `YYYY-MM-DD`, for suppressions' `until=` (days since the Unix
/// epoch to a civil date: Howard Hinnant's `civil_from_days`).
pub(crate) fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Plugins from the config (paths relative to it, pinned) and from `--plugin` (unpinned:
/// their sha256 is printed so it can be pinned).
pub(crate) fn plugins(
    args: &CheckArgs,
    config: Option<&(PathBuf, Config)>,
) -> Result<Vec<Configured>> {
    let mut configured = Vec::new();
    if let Some((path, config)) = config {
        let base = path.parent().unwrap_or(Path::new(""));
        for entry in &config.plugins {
            let limits = entry.limits.resolve().map_err(|e| {
                anyhow::anyhow!(
                    "invalid config {}: plugin {}: {e}",
                    path.display(),
                    entry.path.display()
                )
            })?;
            configured.push(Configured {
                name: entry.name.clone(),
                path: base.join(&entry.path),
                sha256: Some(entry.sha256.clone()),
                settings: entry.settings.clone().unwrap_or_else(|| json!({})),
                limits,
                precompiled: entry.precompiled,
                from_config: true,
            });
        }
    }
    // Their sha256 is printed when they are loaded, of the bytes loaded.
    for path in &args.plugins {
        configured.push(Configured {
            name: None,
            path: path.clone(),
            sha256: None,
            settings: json!({}),
            limits: Limits::default(),
            // The flag allows `.cwasm` files; others stay WebAssembly.
            precompiled: args.allow_precompiled && path.extension().is_some_and(|e| e == "cwasm"),
            from_config: false,
        });
    }
    Ok(configured)
}

fn write_report(
    report: &Report,
    input: &Input,
    rules: &[RuleInfo],
    format: Format,
    color: bool,
) -> Result<()> {
    // Streamed: a report of a million findings is never held as one string.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        // Log-safe: JSON printed in a CI log is read as a log (bidi, `##[error]`).
        Format::Json => {
            kubecheck_core::output::write_json(&mut out, report)?;
            writeln!(out)?;
        }
        Format::Sarif => {
            to_writer_pretty_log_safe(&mut out, &kubecheck_core::output::sarif(report, rules))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            kubecheck_core::output::write_text(&mut out, report, &input.sources, color)?
        }
        Format::Github => kubecheck_core::output::write_github(&mut out, report)?,
        Format::Junit => kubecheck_core::output::write_junit(&mut out, report)?,
        Format::Gitlab => {
            to_writer_pretty_log_safe(&mut out, &kubecheck_core::output::gitlab(report))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `--color auto` asks anstream about stdout: a terminal that shows colour (not
/// `TERM=dumb`), unless `NO_COLOR` is set (https://no-color.org); `CLICOLOR=0` turns it
/// off and `CLICOLOR_FORCE` on, as for other command-line tools.
pub(crate) fn color_enabled(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

fn exit_code(report: &Report, fail_on: FailOn) -> ExitCode {
    if !report.errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = match fail_on {
        FailOn::Never => return ExitCode::SUCCESS,
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
        FailOn::Info => Severity::Info,
    };
    if report.max_severity().is_some_and(|s| s >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
