//! SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps).

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value as Json};

use super::identity::{fingerprint, resource_name};
use crate::report::{Finding, Report, ReportError};
use crate::rules::RuleInfo;
use crate::severity::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log of `report`; `rules` describes every rule that may appear (built-in
/// and plugin rules). Serialize it (`serde_json::to_writer`): results are built one at
/// a time as they are written, so a report of a million findings never exists twice in
/// memory as a JSON tree (that took 5 GB for a 16 MB manifest).
pub fn sarif<'a>(report: &'a Report, rules: &'a [RuleInfo]) -> Sarif<'a> {
    Sarif { report, rules }
}

pub struct Sarif<'a> {
    report: &'a Report,
    rules: &'a [RuleInfo],
}

impl Serialize for Sarif<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut log = serializer.serialize_map(Some(3))?;
        log.serialize_entry("$schema", SCHEMA)?;
        log.serialize_entry("version", "2.1.0")?;
        log.serialize_entry("runs", &[Run(self)])?;
        log.end()
    }
}

struct Run<'s, 'a>(&'s Sarif<'a>);

impl Serialize for Run<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Sarif { report, rules } = *self.0;
        let descriptors: Vec<Json> = rules.iter().map(descriptor).collect();
        let index: HashMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let mut run = serializer.serialize_map(Some(5))?;
        run.serialize_entry(
            "tool",
            &json!({ "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "informationUri": "https://github.com/kubecheck/kubecheck",
                "rules": descriptors,
            } }),
        )?;
        run.serialize_entry("columnKind", "unicodeCodePoints")?;
        run.serialize_entry(
            "invocations",
            &[Invocation {
                successful: report.errors.is_empty(),
                errors: &report.errors,
            }],
        )?;
        let results = Lazy(|| {
            report
                .findings
                .iter()
                .map(|f| result(f, &index, false))
                .chain(report.suppressed.iter().map(|f| result(f, &index, true)))
        });
        run.serialize_entry("results", &results)?;
        run.end()
    }
}

struct Invocation<'a> {
    successful: bool,
    errors: &'a [ReportError],
}

impl Serialize for Invocation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut invocation = serializer.serialize_map(Some(2))?;
        invocation.serialize_entry("executionSuccessful", &self.successful)?;
        let notifications = Lazy(|| self.errors.iter().map(notification));
        invocation.serialize_entry("toolExecutionNotifications", &notifications)?;
        invocation.end()
    }
}

/// A JSON array written item by item as `items()` yields them.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator<Item = Json>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

fn notification(e: &ReportError) -> Json {
    json!({
        "level": "error",
        "message": { "text": match &e.plugin { Some(p) => format!("plugin `{p}`: {}", e.message), None => e.message.clone() } },
        "locations": [ { "physicalLocation": {
            "artifactLocation": { "uri": uri(&e.source) },
            "region": { "startLine": e.line.max(1), "startColumn": e.column.max(1) }
        } } ]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub orders alerts by `security-severity` (0–10).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn descriptor(rule: &RuleInfo) -> Json {
    let mut tags = vec![json!("security"), json!(rule.category.as_str())];
    if let Some(p) = rule.pss {
        tags.push(json!(format!("pss-{}", p.level)));
    }
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.remediation },
        "help": { "text": rule.help, "markdown": rule.help },
        "helpUri": format!("https://github.com/kubecheck/kubecheck/blob/main/docs/rules.md#{}", rule.id),
        "defaultConfiguration": { "level": level(rule.severity), "enabled": rule.enabled_by_default },
        "properties": { "tags": tags, "security-severity": security_severity(rule.severity) },
    })
}

fn result(f: &Finding, rules: &HashMap<&str, usize>, suppressed: bool) -> Json {
    let loc = &f.location;
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [ {
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&loc.source) },
                "region": {
                    "startLine": loc.line, "startColumn": loc.column,
                    "endLine": loc.end_line, "endColumn": loc.end_column,
                },
            },
            "logicalLocations": [ { "name": resource_name(f), "fullyQualifiedName": format!("{}{}", resource_name(f), loc.path), "kind": "resource" } ],
        } ],
        "partialFingerprints": { "kubecheck/v1": fingerprint(f) },
        "properties": { "severity": f.severity.as_str(), "category": f.category.as_str(), "jsonPointer": loc.path, "document": loc.document },
    });
    if let Some(fix) = f.fix.as_ref().filter(|fix| !fix.edits.is_empty()) {
        let replacements: Vec<Json> = fix
            .edits
            .iter()
            .map(|e| json!({
                "deletedRegion": { "startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column },
                "insertedContent": { "text": e.text },
            }))
            .collect();
        result["fixes"] = json!([ {
            "description": { "text": fix.description },
            "artifactChanges": [ { "artifactLocation": { "uri": uri(&loc.source) }, "replacements": replacements } ],
        } ]);
    }
    if !f.related.is_empty() {
        let related: Vec<Json> = f
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                let at = &r.location;
                json!({
                    "id": id,
                    "message": { "text": r.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&at.source) },
                        "region": {
                            "startLine": at.line, "startColumn": at.column,
                            "endLine": at.end_line, "endColumn": at.end_column,
                        },
                    },
                })
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if !f.related_rules.is_empty() {
        result["properties"]["relatedRules"] = json!(f.related_rules);
    }
    if let Some(context) = &f.context {
        result["properties"]["context"] = json!(context);
    }
    if let Some(index) = rules.get(f.rule.as_str()) {
        result["ruleIndex"] = json!(index);
    }
    if suppressed {
        let reason = f
            .suppression
            .as_ref()
            .map(|s| s.reason.clone())
            .unwrap_or_default();
        result["suppressions"] = json!([ { "kind": "inSource", "justification": reason } ]);
    }
    result
}

/// A source name as a URI reference (RFC 3986): `/` separators, and every byte that may
/// not appear in a path percent-encoded, so `<stdin>` or `my file.yaml` stay valid. `:` is
/// encoded too, or `c:/x.yaml` would read as a URI with the scheme `c`.
fn uri(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for byte in source.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn source_names_become_uri_references() {
        assert_eq!(uri("deploy/web.yaml"), "deploy/web.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("my dir\\50%.yaml"), "my%20dir/50%25.yaml");
        assert_eq!(uri("c:/x/é.yaml"), "c%3A/x/%C3%A9.yaml");
    }
}
