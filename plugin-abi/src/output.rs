//! What `kubecheck_check` returns (section 5): findings, each optionally with a fix as
//! JSON Patch operations, and the checks a host makes on them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::Resource;
use crate::{AbiError, Metadata, Severity};

/// Longest finding message and fix description accepted.
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// Most related places on one finding.
pub const MAX_RELATED: usize = 32;
/// Most related rules on one finding.
pub const MAX_RELATED_RULES: usize = 16;
/// Most operations in one fix.
pub const MAX_FIX_OPS: usize = 64;
/// Largest sum of a fix's values, as JSON.
pub const MAX_FIX_VALUE_BYTES: usize = 64 * 1024;

/// The output document. A plugin may answer `{"error": "..."}` instead, which
/// [`CheckOutput::parse`] turns into [`AbiError::Reported`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckOutput {
    pub findings: Vec<Finding>,
}

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
    /// A suggested change, which the host turns into text edits of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Other places that make the finding, in any resource of the input (a chain's
    /// hops); at most [`MAX_RELATED`]. Added in kubecheck 0.2; older hosts ignore it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedPlace>,
    /// Rules of the same plugin whose finding of the same cause this one stands for; at
    /// most [`MAX_RELATED_RULES`]. Suppressing any of them suppresses this finding.
    #[serde(
        default,
        rename = "relatedRules",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related_rules: Vec<String>,
    /// The part of the string value at `path` the finding is about, as byte offsets
    /// `[start, end)` into its text (the secret inside a command-line word). The host
    /// locates it where the source writes the text as is, else the whole value. Added in
    /// kubecheck 0.2; older hosts ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<[usize; 2]>,
}

/// A place related to a finding: a JSON pointer into a resource, and what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelatedPlace {
    pub resource: u64,
    pub path: String,
    pub message: String,
}

/// A change to the finding's resource: JSON Patch operations (RFC 6902) with pointers
/// relative to the object, applied in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// One line saying what the fix does.
    pub description: String,
    pub patch: Vec<PatchOp>,
    /// Whether applying the fix can change what the workload does. Added in kubecheck
    /// 0.2; a fix without it (an older plugin's) is `unsafe`, and older hosts ignore it.
    #[serde(default)]
    pub applicability: Applicability,
}

/// Whether a fix may be applied without review (`kubecheck fix` applies only `safe` ones
/// unless given `--unsafe`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Changes nothing the workload does beyond the security setting itself.
    Safe,
    /// May break the workload (or sets values the user must review).
    #[default]
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

impl std::fmt::Display for Applicability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operations of ABI v1. `add` sets a member: it replaces a value that exists (as
/// RFC 6902 does for an object member) and creates missing parent objects (where RFC 6902
/// would fail), so a plugin need not test each level. `replace` and `remove` need the
/// value to exist. Other RFC 6902 operations are refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum PatchOp {
    Add { path: String, value: Value },
    Replace { path: String, value: Value },
    Remove { path: String },
}

impl PatchOp {
    pub fn path(&self) -> &str {
        match self {
            PatchOp::Add { path, .. }
            | PatchOp::Replace { path, .. }
            | PatchOp::Remove { path } => path,
        }
    }

    pub fn value(&self) -> Option<&Value> {
        match self {
            PatchOp::Add { value, .. } | PatchOp::Replace { value, .. } => Some(value),
            PatchOp::Remove { .. } => None,
        }
    }
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
            related: Vec::new(),
            related_rules: Vec::new(),
            within: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Puts the finding on `range` (bytes) of the text of the string value at its path.
    pub fn within(mut self, range: std::ops::Range<usize>) -> Self {
        self.within = Some([range.start, range.end]);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl Fix {
    pub fn new(description: impl Into<String>) -> Self {
        Fix {
            description: description.into(),
            patch: Vec::new(),
            applicability: Applicability::Unsafe,
        }
    }

    /// Sets `path` to `value`, creating missing parent objects.
    pub fn add(mut self, path: impl Into<String>, value: Value) -> Self {
        self.patch.push(PatchOp::Add {
            path: path.into(),
            value,
        });
        self
    }

    pub fn replace(mut self, path: impl Into<String>, value: Value) -> Self {
        self.patch.push(PatchOp::Replace {
            path: path.into(),
            value,
        });
        self
    }

    pub fn remove(mut self, path: impl Into<String>) -> Self {
        self.patch.push(PatchOp::Remove { path: path.into() });
        self
    }

    /// Marks the fix safe: it changes nothing the workload does beyond the security
    /// setting (a new fix is `unsafe` until marked).
    pub fn safe(mut self) -> Self {
        self.applicability = Applicability::Safe;
        self
    }
}

impl CheckOutput {
    /// Parses the output document: findings, or the plugin's own `{"error": ...}`.
    /// Unknown fields are ignored.
    pub fn parse(bytes: &[u8]) -> Result<CheckOutput, AbiError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            AbiError::Output(format!(
                "not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| AbiError::Output(format!("not JSON: {e}")))?;
        if let Some(error) = value.get("error") {
            let message = error
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned);
            return Err(AbiError::Reported(message));
        }
        serde_json::from_value(value).map_err(|e| AbiError::Output(e.to_string()))
    }

    /// Checks every finding against the plugin's rules and the `resources` it was given;
    /// `resolves(resource, path)` says whether a JSON pointer names a value there.
    pub fn validate(
        &self,
        metadata: &Metadata,
        resources: usize,
        resolves: impl Fn(u64, &str) -> bool,
    ) -> Result<(), AbiError> {
        // Indexed once: a lookup per finding in the list was findings × rules.
        let rules: HashSet<&str> = metadata.rules.iter().map(|r| r.id.as_str()).collect();
        for (i, finding) in self.findings.iter().enumerate() {
            let bad = |m: String| AbiError::Output(format!("finding {i}: {m}"));
            if !rules.contains(finding.rule.as_str()) {
                return Err(bad(format!("unknown rule `{}`", finding.rule)));
            }
            if finding.resource >= resources as u64 {
                return Err(bad(format!(
                    "resource {} is out of range (the input has {resources})",
                    finding.resource
                )));
            }
            if !resolves(finding.resource, &finding.path) {
                return Err(bad(format!(
                    "path `{}` does not resolve in resource {}",
                    finding.path, finding.resource
                )));
            }
            check_text("message", &finding.message).map_err(bad)?;
            if let Some([start, end]) = finding.within {
                if start > end {
                    return Err(bad(format!(
                        "`within` [{start}, {end}] ends before it starts"
                    )));
                }
            }
            if let Some(fix) = &finding.fix {
                fix.validate(|path| resolves(finding.resource, path))
                    .map_err(|m| bad(format!("fix: {m}")))?;
            }
            if finding.related.len() > MAX_RELATED {
                return Err(bad(format!(
                    "{} related places (at most {MAX_RELATED})",
                    finding.related.len()
                )));
            }
            for (j, place) in finding.related.iter().enumerate() {
                if place.resource >= resources as u64 {
                    return Err(bad(format!(
                        "related place {j}: resource {} is out of range",
                        place.resource
                    )));
                }
                if !resolves(place.resource, &place.path) {
                    return Err(bad(format!(
                        "related place {j}: path `{}` does not resolve in resource {}",
                        place.path, place.resource
                    )));
                }
                check_text("related message", &place.message).map_err(bad)?;
            }
            if finding.related_rules.len() > MAX_RELATED_RULES {
                return Err(bad(format!(
                    "{} related rules (at most {MAX_RELATED_RULES})",
                    finding.related_rules.len()
                )));
            }
            if let Some(unknown) = finding
                .related_rules
                .iter()
                .find(|r| !rules.contains(r.as_str()))
            {
                return Err(bad(format!("unknown related rule `{unknown}`")));
            }
        }
        Ok(())
    }
}

impl Fix {
    /// Checks the fix's size and that every pointer is inside the resource: relative to
    /// the object and not the object itself; for `replace` and `remove`, an existing value.
    pub fn validate(&self, resolves: impl Fn(&str) -> bool) -> Result<(), String> {
        check_text("description", &self.description)?;
        if self.description.contains('\n') {
            return Err("the description must be one line".into());
        }
        if self.patch.is_empty() || self.patch.len() > MAX_FIX_OPS {
            return Err(format!(
                "{} operations (a fix has 1 to {MAX_FIX_OPS})",
                self.patch.len()
            ));
        }
        let mut value_bytes = 0;
        for op in &self.patch {
            let path = op.path();
            if !path.starts_with('/') {
                return Err(format!(
                    "path `{path}` is not a JSON pointer below the object"
                ));
            }
            if !matches!(op, PatchOp::Add { .. }) && !resolves(path) {
                return Err(format!("path `{path}` does not resolve"));
            }
            value_bytes += op.value().map_or(0, |v| v.to_string().len());
        }
        if value_bytes > MAX_FIX_VALUE_BYTES {
            return Err(format!(
                "values of {value_bytes} bytes, more than {MAX_FIX_VALUE_BYTES}"
            ));
        }
        Ok(())
    }
}

fn check_text(what: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("empty {what}"));
    }
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "{what} of {} bytes is longer than {MAX_MESSAGE_BYTES}",
            text.len()
        ));
    }
    Ok(())
}
