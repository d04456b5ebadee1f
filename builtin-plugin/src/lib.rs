//! kubecheck's built-in rule set as an ABI v1 plugin, built with the plugin SDK.
//!
//! `kubecheck check --engine wasm` embeds this module and runs it in the same sandbox as
//! third-party plugins; over real manifests it must find exactly what the native core
//! finds (`tests/tests/wasm_engine_parity.rs`). Rules that need the source text rather
//! than the objects (`kubecheck_core::objects::SOURCE_RULES`) stay with the host.
//!
//! Settings, both optional:
//! - `options`: `kubecheck_core::Options` as JSON (rule selection, Pod Security target,
//!   Kubernetes version); the defaults when absent;
//! - `scalarTexts`: resource id -> pointer -> text of the plain scalars whose JSON reads
//!   back differently (`kubecheck_core::objects::scalar_texts`), so a string field
//!   written `1e3` is `"1e3"` here as it is natively.

use std::collections::{BTreeMap, BTreeSet};

use kubecheck_core::objects::{check_objects, JsonObject, ScalarTexts};
use kubecheck_core::{builtin_rules, Options};
use kubecheck_plugin_sdk::{
    export_plugin, CheckInput, Error, Finding, Metadata, Plugin, RelatedPlace, Rule,
};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Settings {
    #[serde(default)]
    options: Options,
    #[serde(default)]
    scalar_texts: BTreeMap<u64, ScalarTexts>,
    /// Resource id -> analysis context, when the run has more than one.
    #[serde(default)]
    contexts: BTreeMap<u64, String>,
    /// Resources the host judged patches (named by a kustomization, which need not be
    /// among the resources) or fragments: judged only for what they set.
    #[serde(default)]
    partial: BTreeSet<u64>,
}

pub struct Builtin;

impl Plugin for Builtin {
    fn metadata() -> Metadata {
        builtin_rules().into_iter().fold(
            Metadata::new("kubecheck", env!("CARGO_PKG_VERSION")),
            |m, r| {
                let mut rule = Rule::new(r.id, r.title, r.category, r.severity)
                    .description(r.help)
                    .remediation(r.remediation);
                rule.enabled_by_default = r.enabled_by_default;
                m.rule(rule)
            },
        )
    }

    fn check(input: &CheckInput) -> Result<Vec<Finding>, Error> {
        let settings: Settings = input.settings()?;
        let none = ScalarTexts::new();
        let objects = input.resources.iter().map(|r| JsonObject {
            source: &r.source,
            json: &r.object,
            texts: settings.scalar_texts.get(&r.id).unwrap_or(&none),
            context: settings.contexts.get(&r.id).map(String::as_str),
            partial: settings.partial.contains(&r.id),
        });
        let findings = check_objects(objects, &settings.options)
            .into_iter()
            .filter_map(|raw| {
                let resource = input.resources.get(raw.object)?;
                // The core points at absent fields (`securityContext/runAsNonRoot`) and
                // locates them at their closest parent; the ABI wants that parent, and the
                // location is the same.
                let path = resource.existing(&raw.pointer).to_owned();
                // A range inside the value only means something on the value itself.
                let within = raw.within.filter(|_| path == raw.pointer);
                let mut finding = Finding::new(raw.rule, resource, path, raw.message);
                finding.within = within.map(|r| [r.start, r.end]);
                finding.fix = raw.fix;
                finding.severity = raw.severity;
                finding.related = raw
                    .related
                    .into_iter()
                    .filter_map(|r| {
                        let of = input.resources.get(r.object)?;
                        Some(RelatedPlace {
                            resource: of.id,
                            path: of.existing(&r.pointer).to_owned(),
                            message: r.message,
                        })
                    })
                    .collect();
                finding.related_rules = raw.related_rules;
                Some(finding)
            })
            .collect();
        Ok(findings)
    }
}

export_plugin!(Builtin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_is_in_the_metadata() {
        let metadata = Builtin::metadata();
        assert_eq!(metadata.rules.len(), builtin_rules().len());
        let json = serde_json::to_vec(&metadata).unwrap();
        assert_eq!(
            kubecheck_core::plugin_abi::Metadata::parse(&json),
            Ok(metadata)
        );
    }
}
