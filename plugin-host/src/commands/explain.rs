//! `kubecheck explain RULE`: a rule's documentation.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::cli::ExplainArgs;

pub fn run(args: ExplainArgs) -> Result<ExitCode> {
    let Some(rule) = kubecheck_core::rules::find(&args.rule) else {
        bail!(
            "unknown rule `{}` (`kubecheck rules` lists them)",
            args.rule
        );
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "# {} ({})\n", rule.id, rule.title)?;
    writeln!(
        out,
        "severity: {}   category: {}",
        rule.severity, rule.category
    )?;
    if let Some(pss) = rule.pss {
        writeln!(
            out,
            "Pod Security Standards: {} control `{}`",
            pss.level, pss.control
        )?;
    }
    writeln!(out, "\n{}", rule.info().help)?;
    writeln!(out, "Remediation: {}", rule.remediation)?;
    match kubecheck_core::fix::rule_fix(rule.id) {
        Some(fix) => writeln!(
            out,
            "Automatic fix (`kubecheck fix`): {}: {}.",
            fix.label(),
            fix.note
        )?,
        None => writeln!(out, "Automatic fix: none.")?,
    }
    Ok(ExitCode::SUCCESS)
}
