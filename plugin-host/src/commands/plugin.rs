//! `kubecheck plugin inspect|compile`: look at a plugin before pinning it, and
//! precompile it for a faster start.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;

use crate::cli::{InspectFormat, PluginCommand, PluginCompileArgs, PluginInspectArgs};
use crate::plugin::{rule_infos, sha256_hex, Limits, ModuleOrigin, Plugin, PluginRuntime};

pub fn run(command: PluginCommand) -> Result<ExitCode> {
    match command {
        PluginCommand::Inspect(args) => inspect(args),
        PluginCommand::Compile(args) => compile(args),
    }
}

fn inspect(args: PluginInspectArgs) -> Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let runtime = PluginRuntime::new()?;
    let sha256 = sha256_hex(&bytes);
    let loaded = runtime.load(&bytes, Limits::default());
    // A module that is not a valid plugin is still worth describing: that is often why
    // one inspects it.
    let info = match &loaded {
        Ok(plugin) => Some(plugin.module_info().clone()),
        Err(_) => runtime.module_info(&bytes).ok(),
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
            writeln!(out, "{}", serde_json::to_string_pretty(&document)?)?;
        }
        InspectFormat::Text => {
            writeln!(out, "file:    {}", args.file.display())?;
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
                Err(e) => writeln!(out, "error:   {e}")?,
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
            writeln!(out, "  {item}")?;
        }
    }
    Ok(())
}

fn write_metadata(out: &mut impl Write, plugin: &Plugin) -> Result<()> {
    let metadata = plugin.metadata();
    writeln!(out, "plugin:  {} {}", metadata.name, metadata.version)?;
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
            rule.id,
            rule.severity,
            rule.category.as_str(),
            rule.title
        )?;
    }
    Ok(())
}

fn compile(args: PluginCompileArgs) -> Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let runtime = PluginRuntime::with_cache_dir(None)?;
    let compiled = runtime
        .precompile(&bytes)
        .with_context(|| format!("compiling {}", args.file.display()))?;
    std::fs::write(&args.output, &compiled)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "kubecheck: wrote {} (sha256 {}); it runs only with this build of kubecheck",
        args.output.display(),
        sha256_hex(&compiled)
    );
    Ok(ExitCode::SUCCESS)
}
