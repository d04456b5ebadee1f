//! `kubecheck rules`: the registry.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{RulesArgs, RulesFormat};

pub fn run(args: RulesArgs) -> Result<ExitCode> {
    let rules = kubecheck_core::builtin_rules();
    let mut out = std::io::stdout().lock();
    match args.format {
        RulesFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rules)?)?,
        RulesFormat::Markdown => write!(out, "{}", kubecheck_core::output::rules_markdown(&rules))?,
        RulesFormat::Text => {
            let width = rules.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
            for rule in &rules {
                let pss = rule
                    .pss
                    .map(|p| format!("  [PSS {} {}]", p.level, p.control))
                    .unwrap_or_default();
                let off = if rule.enabled_by_default {
                    ""
                } else {
                    "  (off by default)"
                };
                let fix = rule
                    .fix
                    .map(|f| format!("  [fix: {}]", f.label()))
                    .unwrap_or_default();
                // As strings: their `Display` writes without the padding.
                writeln!(
                    out,
                    "{:<width$} {:<9} {:<13} {}{pss}{fix}{off}",
                    rule.id,
                    rule.severity.to_string(),
                    rule.category.to_string(),
                    rule.title
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
