//! `kubecheck check`: sources in, report out, exit code from the findings.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use kubecheck_core::report::ReportError;
use kubecheck_core::{Input, Options, Report, Session, Severity};

use crate::cli::{CheckArgs, FailOn, Format};
use crate::{config, inputs};

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let options = options(&args)?;
    let rules = kubecheck_core::builtin_rules();
    let unknown = options.unknown_selectors(&rules);
    if !unknown.is_empty() {
        bail!(
            "unknown rule selector(s): {} (`kubecheck rules` lists rule ids)",
            unknown.join(", ")
        );
    }
    let loaded = inputs::load(&args.paths)?;
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
    let input = Input::parse(loaded.sources);
    let session = Session::new(&input, &options);
    let findings = session.run_builtin();
    let report = session.report(findings, &rules, unreadable);
    write_report(&report, &input, args.format)?;
    Ok(exit_code(&report, args.fail_on))
}

fn options(args: &CheckArgs) -> Result<Options> {
    let mut options = Options::default();
    if let Some((_, config)) = config::load(args.config.as_deref())? {
        options.enable = config.enable;
        options.disable = config.disable;
        options.severity_overrides = config.severity;
        options.min_severity = config.min_severity;
    }
    options.enable.extend(args.enable.iter().cloned());
    options.disable.extend(args.disable.iter().cloned());
    options.only.extend(args.only.iter().cloned());
    options.pss = args.pss;
    options.kubernetes_version = args.k8s_version;
    Ok(options)
}

fn write_report(report: &Report, input: &Input, format: Format) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(report)?)?,
        Format::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&kubecheck_core::output::sarif(
                report,
                &kubecheck_core::builtin_rules()
            ))?
        )?,
        Format::Text => write!(
            out,
            "{}",
            kubecheck_core::output::text(report, &input.sources, color_enabled())
        )?,
    }
    out.flush()?;
    Ok(())
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
fn color_enabled() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
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
