//! The JSON report, version 1: the contract CI tools, the server and the tests read.
//! Fields may be added; none may change meaning without a new `version`.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub use crate::plugin_abi::Applicability;
use crate::pss::PssLevel;
use crate::severity::{Category, Severity};

pub const REPORT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub tool: Tool,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Findings silenced by an annotation or by configuration, with the reason.
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ReportError>,
    /// Where the input holds secrets (credentials found by the secrets rules, Secret
    /// values), whether or not a rule reports them: human output masks these spans, and
    /// no text of the report (messages, fixes, reasons) holds a secret in full.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redactions: Vec<Redaction>,
}

/// A secret's place in the input and the form it may be shown in: at most a 4-character
/// prefix and the first 8 hex digits of its sha256, e.g. `wJal…[sha256:4c2b1f0e]`, so
/// the same secret is recognised wherever it appears without being shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Redaction {
    pub location: Location,
    pub masked: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "kubecheck".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub resources: usize,
    pub findings: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub suppressed: usize,
    pub errors: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub resource: Resource,
    pub location: Location,
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pss: Option<PssTag>,
    /// Set on suppressed findings only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// Other places that make the finding: the hops of a chain (workload → service
    /// account → binding → role → rule line), or a second place that matters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Rules that found the same root cause and are folded into this finding, so one
    /// cause is reported once. A rule that folds another itself is silenced by either
    /// id; of overlapping rules folded by the engine, the strongest decides (silencing
    /// a weaker one does not hide it; `docs/severity.md`).
    #[serde(
        default,
        rename = "relatedRules",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related_rules: Vec<String>,
    /// The analysis context (one cluster's worth of input) a cross-object finding was
    /// judged in; set only when the run has more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// A located place related to a finding, with what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// 1-based lines and columns (in Unicode scalar values); the end is exclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub source: String,
    pub document: usize,
    /// JSON pointer into the document; for an absent field, its closest existing parent.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PssTag {
    /// The lowest level whose policy forbids what was found.
    pub level: PssLevel,
    /// The upstream check id, e.g. `hostNamespaces`.
    pub control: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suppression {
    /// `annotation` or `config`.
    pub by: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    /// `safe`: changes nothing the workload does beyond the security setting; `unsafe`:
    /// may break the workload or sets values to review (`kubecheck fix --unsafe`).
    #[serde(default)]
    pub applicability: Applicability,
    /// RFC 6902 operations on the document.
    pub patch: Vec<Json>,
    /// The same change as text edits on the source, when the YAML layout allows it.
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edit {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportError {
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The plugin that failed, for plugin errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
}

impl Report {
    /// The most severe finding's severity, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

impl Summary {
    pub fn count(
        findings: &[Finding],
        resources: usize,
        suppressed: usize,
        errors: usize,
    ) -> Summary {
        let of = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            resources,
            findings: findings.len(),
            critical: of(Severity::Critical),
            high: of(Severity::High),
            medium: of(Severity::Medium),
            low: of(Severity::Low),
            info: of(Severity::Info),
            suppressed,
            errors,
        }
    }
}
