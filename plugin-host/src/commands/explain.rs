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
    let info = rule.info();
    for cis in &info.standards.cis {
        writeln!(out, "{} {}: {}", cis.benchmark, cis.item, cis.title)?;
    }
    if let Some(section) = info.standards.nsa {
        writeln!(out, "NSA/CISA Kubernetes Hardening Guide: {section}")?;
    }
    writeln!(out, "\n{}", info.help)?;
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
    let equivalents = info.equivalents;
    if !equivalents.is_empty() {
        writeln!(
            out,
            "Equivalent checks (their suppression annotations silence this rule, but for kubesec and Trivy, which have none):"
        )?;
        let mut tools: Vec<&str> = equivalents.iter().map(|e| e.tool).collect();
        tools.dedup();
        for tool in tools {
            let checks: Vec<String> = equivalents
                .iter()
                .filter(|e| e.tool == tool)
                .map(|e| match e.field {
                    Some(field) => format!("`{}` (at `{field}`)", e.check),
                    None => format!("`{}`", e.check),
                })
                .collect();
            writeln!(out, "  {tool}: {}", checks.join(", "))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
