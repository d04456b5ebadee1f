//! Whether a finding is suppressed, and why: by an exemption of the configuration
//! (namespace, kind, name and path globs, each with a reason), or by the object's
//! `kubecheck.io/ignore` annotation (`rule-a,rule-b # reason until=2027-03-01`). A
//! governed suppression says why; one past its `until=` date stops suppressing and the
//! finding says so; with `require_reason`, one without a reason does not count.

use serde::{Deserialize, Serialize};

use crate::model::Object;
use crate::report::{Resource, Suppression};
use crate::rule_info::{selects, RuleInfo};

/// The annotation that silences rules on one object:
/// `kubecheck.io/ignore: rule-a,rule-b # reason until=YYYY-MM-DD`.
pub const IGNORE_ANNOTATION: &str = "kubecheck.io/ignore";

/// How suppressions are governed in a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SuppressionPolicy {
    /// Today, `YYYY-MM-DD`, to judge `until=` dates: the core has no clock, so the host
    /// gives it. Without it no suppression expires.
    pub today: Option<String>,
    /// An annotation without a reason does not suppress (`--require-reason`).
    pub require_reason: bool,
    /// Annotations do not suppress at all; only exemptions do (`--no-inline-suppressions`).
    pub ignore_inline: bool,
    pub exemptions: Vec<Exemption>,
}

/// A configured exemption: the selected rules do not report on objects that match every
/// field given. Globs take `*` (any run of characters) and `?` (one character).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Exemption {
    /// Rule selectors, as on the command line (`privileged-container`, `network`, `all`).
    pub rules: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The source, as the report names it (`deploy/legacy/*.yaml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Required: why the exemption is safe.
    pub reason: String,
}

/// What becomes of one finding.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Suppressed(Suppression),
    /// Reported; with a note when a suppression was there but does not count.
    Reported(Option<String>),
}

/// Judges the finding of `rule` (and of the rules folded into it, `folded`) on `object`.
pub fn judge(
    policy: &SuppressionPolicy,
    rule: &RuleInfo,
    folded: &[String],
    object: &Object<'_>,
    resource: &Resource,
    source: &str,
) -> Verdict {
    if let Some(exemption) = policy
        .exemptions
        .iter()
        .find(|e| e.covers(rule, folded, resource, source))
    {
        return Verdict::Suppressed(Suppression {
            by: "config".into(),
            reason: exemption.reason.clone(),
        });
    }
    if policy.ignore_inline {
        return Verdict::Reported(None);
    }
    let Some(value) = object.annotation(IGNORE_ANNOTATION) else {
        return Verdict::Reported(None);
    };
    let annotation = Annotation::parse(value);
    let listed = std::iter::once(&rule.id).chain(folded).any(|id| {
        annotation
            .ids
            .iter()
            .any(|listed| listed == id || *listed == "all")
    });
    if !listed {
        return Verdict::Reported(None);
    }
    match annotation.until {
        Some(Err(text)) => {
            return Verdict::Reported(Some(format!(
                "{IGNORE_ANNOTATION} ignored: `until={text}` is not a date (YYYY-MM-DD)"
            )))
        }
        Some(Ok(until)) if policy.today.as_deref().is_some_and(|today| today > until) => {
            return Verdict::Reported(Some(format!("{IGNORE_ANNOTATION} expired on {until}")))
        }
        _ => {}
    }
    if annotation.reason.is_empty() {
        if policy.require_reason {
            return Verdict::Reported(Some(format!(
                "{IGNORE_ANNOTATION} ignored: it gives no reason (reasons are required)"
            )));
        }
        return Verdict::Suppressed(Suppression {
            by: "annotation".into(),
            reason: format!("{IGNORE_ANNOTATION} annotation (no reason given)"),
        });
    }
    let reason = match annotation.until {
        Some(Ok(until)) => format!("{} (until {until})", annotation.reason),
        _ => annotation.reason,
    };
    Verdict::Suppressed(Suppression {
        by: "annotation".into(),
        reason,
    })
}

/// `ids # reason until=date`, read leniently: the `until=` token may stand anywhere
/// after the `#`.
struct Annotation<'a> {
    ids: Vec<&'a str>,
    reason: String,
    /// The date, or the text that should have been one.
    until: Option<Result<&'a str, &'a str>>,
}

impl<'a> Annotation<'a> {
    fn parse(value: &'a str) -> Self {
        let (ids, rest) = value.split_once('#').unwrap_or((value, ""));
        let mut until = None;
        let mut reason = Vec::new();
        for word in rest.split_whitespace() {
            match word.strip_prefix("until=") {
                Some(date) if is_date(date) => until = Some(Ok(date)),
                Some(text) => until = Some(Err(text)),
                None => reason.push(word),
            }
        }
        Annotation {
            ids: ids
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .collect(),
            reason: reason.join(" "),
            until,
        }
    }
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31: such dates compare as text.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && (b"01".as_slice()..=b"12".as_slice()).contains(&&b[5..7])
        && (b"01".as_slice()..=b"31".as_slice()).contains(&&b[8..10])
}

impl Exemption {
    fn covers(
        &self,
        rule: &RuleInfo,
        folded: &[String],
        resource: &Resource,
        source: &str,
    ) -> bool {
        let selected = self
            .rules
            .iter()
            .any(|s| selects(s, rule.into()) || folded.iter().any(|id| id == s));
        let matches = |glob: &Option<String>, value: Option<&str>| match glob {
            None => true,
            Some(glob) => value.is_some_and(|v| glob_match(glob, v)),
        };
        selected
            && matches(&self.namespace, resource.namespace.as_deref())
            && matches(&self.kind, Some(&resource.kind))
            && matches(&self.name, resource.name.as_deref())
            && matches(&self.path, Some(source))
    }

    /// Why the exemption cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.reason.trim().is_empty() {
            return Some("an exemption needs a `reason`".into());
        }
        if self.rules.is_empty() {
            return Some("an exemption needs `rules` (rule ids, categories or `all`)".into());
        }
        None
    }
}

/// `*` matches any run of characters (also `/`), `?` one character; nothing else is
/// special. Linear backtracking on the last `*`, so no pattern is slow.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("legacy-*", "legacy-api"));
        assert!(glob_match("deploy/*/old.yaml", "deploy/a/b/old.yaml"));
        assert!(glob_match("web-?", "web-1"));
        assert!(!glob_match("web-?", "web-12"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "acd"));
        assert!(glob_match("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!glob_match("*a*a*a*a*b", &"a".repeat(5000)));
    }

    #[test]
    fn annotations_read_ids_reason_and_expiry() {
        let a = Annotation::parse("a, b # legacy agent until=2027-03-01 see TICKET-1");
        assert_eq!(a.ids, ["a", "b"]);
        assert_eq!(a.reason, "legacy agent see TICKET-1");
        assert_eq!(a.until, Some(Ok("2027-03-01")));
        assert_eq!(
            Annotation::parse("a # x until=03/01/2027").until,
            Some(Err("03/01/2027"))
        );
        assert_eq!(Annotation::parse("a").reason, "");
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("2027-1-01"));
    }
}
