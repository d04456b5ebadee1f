//! Third-party rule plugins in the page, under ABI v1 (`docs/plugin-abi.md`): the
//! documents exchanged with a plugin and how its findings join the report. The plugin
//! itself runs in a Web Worker (`static/plugin-worker.js`) that the page terminates at
//! the deadline; this module never touches WebAssembly.

use kubecheck_core::engine::Session;
use kubecheck_core::plugin_abi::{self, limits, CheckInput, CheckOutput, Metadata, Resource};
use kubecheck_core::report::{Report, ReportError};
use kubecheck_core::rules::RawFinding;
use kubecheck_core::{Input, RuleInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::settings::Settings;
use crate::SOURCE_NAME;

/// Wall-clock limit of one plugin call, the CLI's default.
pub const TIMEOUT_MS: u64 = limits::TIMEOUT_MS;
/// Largest output document accepted, the CLI's default.
pub const MAX_OUTPUT: usize = limits::OUTPUT_BYTES;
/// A plugin the user loaded: its metadata and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plugin {
    pub name: String,
    pub version: String,
    pub file: String,
    metadata: Metadata,
}

impl Plugin {
    /// A plugin from its metadata document (section 3 of the ABI), checked as the CLI
    /// checks it.
    pub fn from_metadata(file: &str, metadata: &str) -> Result<Plugin, String> {
        let metadata =
            plugin_abi::parse_metadata(metadata.as_bytes()).map_err(|e| e.to_string())?;
        Ok(Plugin {
            name: metadata.name.clone(),
            version: metadata.version.clone(),
            file: file.to_owned(),
            metadata,
        })
    }

    /// Its rules as the report knows them: `<plugin>/<rule>`.
    pub fn rules(&self) -> Vec<RuleInfo> {
        plugin_abi::rule_infos(&self.metadata, &self.name)
    }
}

/// The input document of `kubecheck_check` for the editor's parsed text (section 4).
pub fn input_document(input: &Input) -> String {
    let (objects, _) = input.objects();
    let resources: Vec<Resource> = objects
        .iter()
        .enumerate()
        .map(|(id, object)| Resource {
            id: id as u64,
            source: SOURCE_NAME.to_owned(),
            object: kubecheck_core::yaml::to_json(object.node),
        })
        .collect();
    let input = CheckInput::new(Json::Object(Default::default()), resources);
    // Serialising a tree of JSON values into memory cannot fail.
    serde_json::to_string(&input).unwrap_or_default()
}

/// What one plugin call gave: its output document, or why there is none
/// (`timeout: …`, `trap: …`, as the ABI names the reasons).
pub type Outcome = Result<String, String>;

/// The findings of an output document (section 5), validated against the plugin's
/// rules and the run's objects.
fn findings(
    plugin: &Plugin,
    session: &Session<'_>,
    output: &str,
) -> Result<Vec<RawFinding>, String> {
    if output.len() > MAX_OUTPUT {
        return Err(format!(
            "bad output: {} bytes, more than {MAX_OUTPUT}",
            output.len()
        ));
    }
    let output = CheckOutput::parse(output.as_bytes()).map_err(|e| e.to_string())?;
    let resolves = |id: u64, path: &str| session.objects[id as usize].at(path).is_some();
    output
        .validate(&plugin.metadata, session.objects.len(), resolves)
        .map_err(|e| e.to_string())?;
    Ok(plugin_abi::into_raw(output, &plugin.name))
}

/// Checks the editor's parsed text with the built-in rules and the plugins' outcomes
/// (one per plugin, in order). A failed plugin becomes an error naming it; the rest
/// still count.
pub fn check(
    input: &Input,
    settings: &Settings,
    plugins: &[Plugin],
    outcomes: &[Outcome],
) -> Report {
    let builtin = builtin_findings(input, settings, plugins);
    report(input, settings, plugins, &builtin, outcomes)
}

/// The built-in rules' findings for the parsed text, before the report is made: the page
/// keeps them from its check, so the plugins' answers, which come later, join them
/// without the built-in rules running a second time.
pub fn builtin_findings(input: &Input, settings: &Settings, plugins: &[Plugin]) -> Vec<RawFinding> {
    let rules = rules_with(plugins);
    let options = settings.options(&rules);
    Session::new(input, &options).run_builtin()
}

/// The report of the built-in rules' findings (`builtin_findings` of the same text and
/// settings) and the plugins' outcomes, as [`check`] makes it.
pub fn report(
    input: &Input,
    settings: &Settings,
    plugins: &[Plugin],
    builtin: &[RawFinding],
    outcomes: &[Outcome],
) -> Report {
    let rules = rules_with(plugins);
    let options = settings.options(&rules);
    let session = Session::new(input, &options);
    let mut raw = builtin.to_vec();
    let mut errors = Vec::new();
    for (plugin, outcome) in plugins.iter().zip(outcomes) {
        let result = outcome
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|output| findings(plugin, &session, output));
        match result {
            Ok(found) => raw.extend(found),
            Err(message) => errors.push(ReportError {
                source: plugin.file.clone(),
                document: None,
                line: 0,
                column: 0,
                message,
                plugin: Some(plugin.name.clone()),
            }),
        }
    }
    session.report(raw, &rules, errors)
}

/// The built-in rules and the plugins' rules, in that order.
fn rules_with(plugins: &[Plugin]) -> Vec<RuleInfo> {
    let mut rules = kubecheck_core::builtin_rules();
    rules.extend(plugins.iter().flat_map(Plugin::rules));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubecheck_core::{Category, Severity};

    const META: &str = r#"{"name":"acme","version":"1","rules":[
        {"id":"owner-label","title":"Owner label","category":"manifest","severity":"low",
         "remediation":"Add an `owner` label."}]}"#;
    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n";

    fn acme() -> Plugin {
        Plugin::from_metadata("acme.wasm", META).unwrap()
    }

    #[test]
    fn metadata_is_validated() {
        assert_eq!(acme().rules()[0].id, "acme/owner-label");
        for bad in [
            r#"{"name":"Acme","version":"1","rules":[{"id":"a","title":"t","category":"manifest","severity":"low"}]}"#,
            r#"{"name":"acme","version":"1","rules":[]}"#,
            r#"{"name":"acme","version":"1","rules":[{"id":"a","title":"t","category":"No pe","severity":"low"}]}"#,
            r#"{"name":"acme","version":"1","rules":[{"id":"a","title":"t","category":"run-as-root","severity":"low"}]}"#,
            r#"{"name":"acme","version":"1","rules":[{"id":"a","title":"t","category":"manifest","severity":"low"},{"id":"a","title":"t","category":"manifest","severity":"low"}]}"#,
            "not json",
        ] {
            let error = Plugin::from_metadata("x.wasm", bad).unwrap_err();
            assert!(error.starts_with("bad metadata: "), "{error}");
        }
    }

    #[test]
    fn input_carries_every_object_as_json() {
        let doc: Json = serde_json::from_str(&input_document(&crate::parse(POD))).unwrap();
        assert_eq!(doc["abiVersion"], 1);
        assert_eq!(doc["resources"][0]["id"], 0);
        assert_eq!(doc["resources"][0]["object"]["metadata"]["name"], "p");
    }

    #[test]
    fn findings_are_located_and_prefixed_and_failures_named() {
        let plugins = [acme()];
        let output = r#"{"findings":[{"rule":"owner-label","resource":0,"path":"/metadata","message":"no `owner` label","severity":"high","extra":1}]}"#;
        let report = check(
            &crate::parse(POD),
            &Settings::default(),
            &plugins,
            &[Ok(output.into())],
        );
        let found = report
            .findings
            .iter()
            .find(|f| f.rule == "acme/owner-label")
            .expect("the plugin finding");
        assert_eq!(
            (found.location.line, found.severity),
            (4, Severity::High),
            "at the `metadata` mapping"
        );
        assert_eq!(found.remediation, "Add an `owner` label.");

        for (outcome, reason) in [
            (Ok(r#"{"findings":[{"rule":"nope","resource":0,"path":"","message":"m"}]}"#.to_owned()), "bad output: finding 0: unknown rule"),
            (Ok(r#"{"findings":[{"rule":"owner-label","resource":7,"path":"","message":"m"}]}"#.to_owned()), "bad output: finding 0: resource 7"),
            (Ok(r#"{"findings":[{"rule":"owner-label","resource":0,"path":"/nope","message":"m"}]}"#.to_owned()), "bad output: finding 0: path"),
            (Ok(r#"{"error":"bad settings"}"#.to_owned()), "plugin error: bad settings"),
            (Ok("[1".to_owned()), "bad output: "),
            (Err("timeout: over 5000 ms".to_owned()), "timeout: "),
        ] {
            let report = check(&crate::parse(POD), &Settings::default(), &plugins, &[outcome]);
            assert!(!report.findings.iter().any(|f| f.rule.starts_with("acme/")));
            let error = report.errors.iter().find(|e| e.plugin.as_deref() == Some("acme")).expect("a plugin error");
            assert!(error.message.starts_with(reason), "{} vs {reason}", error.message);
            assert!(report.findings.iter().any(|f| f.rule == "run-as-root" || f.category == Category::PodSecurity), "built-in rules still ran");
        }
    }

    #[test]
    fn plugin_answers_join_the_built_in_findings_of_the_check() {
        let (input, settings, plugins) = (crate::parse(POD), Settings::default(), [acme()]);
        let builtin = builtin_findings(&input, &settings, &plugins);
        let places = |report: &Report| {
            report
                .findings
                .iter()
                .map(|f| (f.rule.clone(), f.location.line, f.location.column))
                .collect::<Vec<_>>()
        };
        let before = report(&input, &settings, &plugins, &builtin, &[]);
        let output = r#"{"findings":[{"rule":"owner-label","resource":0,"path":"/metadata","message":"no `owner` label"}]}"#;
        let outcomes = [Ok(output.to_owned())];
        let after = report(&input, &settings, &plugins, &builtin, &outcomes);
        assert!(
            !before.findings.is_empty(),
            "the built-in rules found something"
        );
        assert_eq!(
            places(&after),
            places(&check(&input, &settings, &plugins, &outcomes)),
            "the same report as a check that runs the built-in rules again"
        );
        let mut built_in = places(&after);
        built_in.retain(|(rule, ..)| !rule.starts_with("acme/"));
        assert_eq!(built_in, places(&before));
        assert_eq!(after.findings.len(), before.findings.len() + 1);
    }

    #[test]
    fn switched_off_plugin_rules_report_nothing() {
        let plugins = [acme()];
        let mut settings = Settings::default();
        settings.set_rule(&plugins[0].rules()[0], false);
        let output =
            r#"{"findings":[{"rule":"owner-label","resource":0,"path":"","message":"m"}]}"#;
        let report = check(
            &crate::parse(POD),
            &settings,
            &plugins,
            &[Ok(output.into())],
        );
        assert!(!report.findings.iter().any(|f| f.rule.starts_with("acme/")));
    }

    #[test]
    fn a_custom_category_and_a_fix_reach_the_report() {
        let meta = r#"{"name":"acme","version":"1","rules":[
            {"id":"pod-name","title":"Pod name","category":"naming","severity":"low"}]}"#;
        let plugins = [Plugin::from_metadata("acme.wasm", meta).unwrap()];
        let output = r#"{"findings":[{"rule":"pod-name","resource":0,"path":"/metadata/name",
            "message":"pod `p` has no team prefix","fix":{"description":"prefix the team",
            "patch":[{"op":"replace","path":"/metadata/name","value":"shop-p"}]}}]}"#;
        let report = check(
            &crate::parse(POD),
            &Settings::default(),
            &plugins,
            &[Ok(output.into())],
        );
        let found = report
            .findings
            .iter()
            .find(|f| f.rule == "acme/pod-name")
            .expect("the plugin finding");
        assert_eq!(found.category.as_str(), "naming");
        let fix = found.fix.as_ref().expect("the plugin's fix");
        assert_eq!(fix.description, "prefix the team");
        assert_eq!(
            (fix.edits[0].line, fix.edits[0].text.as_str()),
            (4, "shop-p")
        );
    }
}
