//! The plugin ABI v1 (`kubecheck-plugin-abi`) joined to the core: plugin rules as
//! [`RuleInfo`], plugin findings (and their fixes) as [`RawFinding`]. Pure, so the
//! wasmtime host and the browser app hold a plugin to exactly the same rules.

pub use kubecheck_plugin_abi::*;

use crate::rules::{RawFinding, RawRelated, RuleInfo};

/// Reads and checks a metadata document ([`Metadata::parse`]), and refuses a category
/// that is a built-in rule id: `--disable <id>` would select the plugin's rules too.
pub fn parse_metadata(bytes: &[u8]) -> Result<Metadata, AbiError> {
    let metadata = Metadata::parse(bytes)?;
    for rule in &metadata.rules {
        if crate::rules::find(rule.category.as_str()).is_some() {
            return Err(AbiError::Metadata(format!(
                "rule `{}`: category `{}` is the id of a built-in rule",
                rule.id, rule.category
            )));
        }
    }
    Ok(metadata)
}

/// The plugin's rules as the report knows them: `<plugin>/<rule>`, where `plugin` is
/// the name the plugin runs under (its own, or one the user gave it).
pub fn rule_infos(metadata: &Metadata, plugin: &str) -> Vec<RuleInfo> {
    metadata
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: format!("{plugin}/{}", r.id),
            title: r.title.clone(),
            category: r.category.clone(),
            severity: r.severity,
            remediation: r.remediation.clone(),
            pss: None,
            help: r.description.clone(),
            enabled_by_default: r.enabled_by_default,
            fix: None,
            equivalents: Vec::new(),
            standards: Default::default(),
        })
        .collect()
}

/// The findings of a validated output for the report, rule ids prefixed with the
/// plugin's name; resource ids are object ids of the run. A fix travels as it is: the
/// report turns it into text edits as it does a built-in rule's.
pub fn into_raw(output: CheckOutput, plugin: &str) -> Vec<RawFinding> {
    output
        .findings
        .into_iter()
        .filter_map(|f| {
            let mut raw = from_abi(f)?;
            raw.rule = format!("{plugin}/{}", raw.rule);
            for rule in &mut raw.related_rules {
                *rule = format!("{plugin}/{rule}");
            }
            Some(raw)
        })
        .collect()
}

/// A finding of the ABI as the core's, ids as they are.
pub fn from_abi(f: Finding) -> Option<RawFinding> {
    Some(RawFinding {
        rule: f.rule,
        object: usize::try_from(f.resource).ok()?,
        pointer: f.path,
        message: f.message,
        fix: f.fix,
        severity: f.severity,
        span: None,
        within: f.within.map(|[start, end]| start..end),
        related: f
            .related
            .into_iter()
            .filter_map(|r| {
                Some(RawRelated {
                    object: usize::try_from(r.resource).ok()?,
                    pointer: r.path,
                    message: r.message,
                })
            })
            .collect(),
        related_rules: f.related_rules,
    })
}
