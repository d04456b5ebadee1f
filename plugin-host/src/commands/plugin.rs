//! `kubecheck plugin inspect|compile|bench`: look at a plugin before pinning it,
//! precompile it for a faster start, and measure what it costs.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

use crate::cli::{
    InspectFormat, PluginBenchArgs, PluginCommand, PluginCompileArgs, PluginInspectArgs,
};
use kubecheck_core::output::escape;
use kubecheck_core::{Input, Options, Session};

use crate::inputs;
use crate::plugin::abi::input_document;
use crate::plugin::{
    read_plugin, resources, rule_infos, sha256_hex, Limits, ModuleOrigin, Plugin, PluginRuntime,
};

pub fn run(command: PluginCommand) -> Result<ExitCode> {
    match command {
        PluginCommand::Inspect(args) => inspect(args),
        PluginCommand::Compile(args) => compile(args),
        PluginCommand::Bench(args) => bench(args),
    }
}

fn inspect(args: PluginInspectArgs) -> Result<ExitCode> {
    let bytes = read_plugin(&args.file, false)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let runtime = PluginRuntime::new()?;
    let sha256 = sha256_hex(&bytes);
    // Loaded as WebAssembly whatever it looks like: a precompiled `.cwasm` is native
    // code, never run to be inspected (it fails here as "not a WebAssembly binary").
    let loaded = runtime.load(&bytes, Limits::default());
    // A module that is not a valid plugin is still worth describing: that is often why
    // one inspects it. Not when it could not be compiled: that would only fail again.
    let info = match &loaded {
        Ok(plugin) => Some(plugin.module_info().clone()),
        Err(e) if e.after_compilation() => runtime.module_info(&bytes, Limits::default()).ok(),
        Err(_) => None,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        InspectFormat::Json => {
            let document = json!({
                "file": args.file.display().to_string(),
                "sha256": sha256,
                "module": loaded.as_ref().ok().map(|p| origin(p.origin())),
                "imports": info.as_ref().map(|i| &i.imports),
                "exports": info.as_ref().map(|i| &i.exports),
                "metadata": loaded.as_ref().ok().map(Plugin::metadata),
                "error": loaded.as_ref().err().map(ToString::to_string),
            });
            kubecheck_core::output::escape::to_writer_pretty_log_safe(&mut out, &document)?;
            writeln!(out)?;
        }
        // Everything here comes from the file (its name too): escaped, so a module's
        // names cannot write escape sequences or fake lines into a terminal or a CI log.
        InspectFormat::Text => {
            writeln!(out, "file:    {}", escape(&args.file.display().to_string()))?;
            writeln!(out, "sha256:  {sha256}")?;
            if let Ok(plugin) = &loaded {
                writeln!(out, "module:  {}", origin(plugin.origin()))?;
            }
            if let Some(info) = &info {
                write_list(&mut out, "imports", &info.imports)?;
                write_list(&mut out, "exports", &info.exports)?;
            }
            match &loaded {
                Ok(plugin) => write_metadata(&mut out, plugin)?,
                Err(e) => writeln!(out, "error:   {}", escape(&e.to_string()))?,
            }
        }
    }
    out.flush()?;
    Ok(if loaded.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn origin(origin: ModuleOrigin) -> &'static str {
    match origin {
        ModuleOrigin::Compiled => "compiled",
        ModuleOrigin::Cached => "loaded from the compile cache",
        ModuleOrigin::Precompiled => "precompiled (.cwasm)",
    }
}

fn write_list(out: &mut impl Write, label: &str, items: &[String]) -> Result<()> {
    if items.is_empty() {
        writeln!(out, "{label}: (none)")?;
    } else {
        writeln!(out, "{label}:")?;
        for item in items {
            writeln!(out, "  {}", escape(item))?;
        }
    }
    Ok(())
}

fn write_metadata(out: &mut impl Write, plugin: &Plugin) -> Result<()> {
    let metadata = plugin.metadata();
    writeln!(
        out,
        "plugin:  {} {}",
        escape(&metadata.name),
        escape(&metadata.version)
    )?;
    writeln!(out, "rules:")?;
    for rule in rule_infos(plugin) {
        let default = if rule.enabled_by_default {
            ""
        } else {
            "  (off by default)"
        };
        writeln!(
            out,
            "  {:<40} {:<8} {:<12} {}{default}",
            escape(&rule.id),
            rule.severity,
            rule.category.as_str(),
            escape(&rule.title)
        )?;
    }
    Ok(())
}

fn compile(args: PluginCompileArgs) -> Result<ExitCode> {
    let bytes = read_plugin(&args.file, false)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let runtime = PluginRuntime::with_cache_dir(None)?;
    let compiled = runtime
        .precompile(&bytes, Limits::default())
        .with_context(|| format!("compiling {}", args.file.display()))?;
    std::fs::write(&args.output, &compiled)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "kubecheck: wrote {} (sha256 {}); it runs only with this build of kubecheck, for this \
         user, with `--allow-precompiled` or `precompiled: true`",
        escape(&args.output.display().to_string()),
        sha256_hex(&compiled)
    );
    Ok(ExitCode::SUCCESS)
}

/// Times what a plugin costs in a run, in this process, with the plugin's default
/// limits. The numbers for the README come from here (see `scripts/bench-plugins.sh`).
fn bench(args: PluginBenchArgs) -> Result<ExitCode> {
    let bytes = read_plugin(&args.file, false)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let limits = Limits::default();
    // A fresh private directory: a predictable name in a shared temporary directory is one
    // another local user can create first and fill.
    let cache_dir = tempfile::Builder::new()
        .prefix("kubecheck-bench-")
        .tempdir()
        .context("creating a temporary compile cache")?;
    let cache = cache_dir.path().to_path_buf();
    let cold = PluginRuntime::with_cache_dir(Some(cache.clone()))?;
    let started = Instant::now();
    let plugin = cold.load(&bytes, limits)?;
    let compile = started.elapsed();
    let warm = PluginRuntime::with_cache_dir(Some(cache.clone()))?;
    let started = Instant::now();
    let cached = warm.load(&bytes, limits)?;
    let from_cache = started.elapsed();
    drop(cache_dir);
    anyhow::ensure!(
        cached.origin() == ModuleOrigin::Cached,
        "the second load did not come from the cache"
    );

    let n = args.iterations.max(1);
    let instantiate = median(n, || plugin.instantiate_only())?;
    let empty = input_document(&json!({}), &[]);
    let empty_call = median(n, || plugin.check_raw(&empty).map(drop))?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "plugin {} ({} bytes)",
        args.file.display(),
        bytes.len()
    )?;
    writeln!(out, "  compile + load, cold:          {}", ms(compile))?;
    writeln!(out, "  load from the compile cache:   {}", ms(from_cache))?;
    writeln!(out, "  instantiate (median of {n}):    {}", ms(instantiate))?;
    writeln!(out, "  call, no resources (median):   {}", ms(empty_call))?;
    if !args.paths.is_empty() {
        let loaded = inputs::load(&args.paths)?;
        let input = Input::parse(loaded.sources);
        let options = Options::default();
        let session = Session::new(&input, &options);
        let document = input_document(&json!({}), &resources(&session));
        let call = median(n, || plugin.check(&document).map(drop))?;
        writeln!(
            out,
            "  call, {} resources, {} KiB of input (median): {}",
            session.objects.len(),
            document.len() / 1024,
            ms(call)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn median(
    n: u32,
    mut run: impl FnMut() -> Result<(), crate::plugin::error::PluginError>,
) -> Result<Duration> {
    let mut times = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let started = Instant::now();
        run()?;
        times.push(started.elapsed());
    }
    times.sort_unstable();
    Ok(times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}
