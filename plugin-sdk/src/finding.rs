//! What `kubecheck_check` returns for each problem found.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::Resource;
use crate::metadata::Severity;

/// One finding: a rule, the resource it is about and a JSON pointer into that resource
/// (relative to the object, e.g. `/spec/template/spec/containers/0/image`). The host
/// turns the pointer into a line and column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// A rule id from the plugin's metadata, without the plugin's name.
    pub rule: String,
    /// The [`Resource::id`] of the input resource.
    pub resource: u64,
    pub path: String,
    /// Lowercase, no trailing period, names and values in backticks.
    pub message: String,
    /// Overrides the rule's severity for this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// A suggested change; hosts that do not offer fixes ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// Set each pointer (relative to the object) to a value, creating missing parents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    /// `[pointer, value]` pairs.
    pub set: Vec<(String, Value)>,
}

impl Finding {
    pub fn new(
        rule: impl Into<String>,
        resource: &Resource,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule: rule.into(),
            resource: resource.id,
            path: path.into(),
            message: message.into(),
            severity: None,
            fix: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Suggests setting `path` to `value` (more pairs can be pushed onto `fix.set`).
    pub fn fix_set(
        mut self,
        description: impl Into<String>,
        path: impl Into<String>,
        value: Value,
    ) -> Self {
        self.fix = Some(Fix {
            description: description.into(),
            set: vec![(path.into(), value)],
        });
        self
    }
}
