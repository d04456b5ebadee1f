//! Whether a finding is suppressed, and why: by an exemption of the configuration
//! (namespace, kind, name and path globs, each with a reason), or by the object's
//! `kubecheck.io/ignore` annotation (`rule-a,rule-b # reason until=2027-03-01`). A
//! governed suppression says why; one past its `until=` date stops suppressing and the
//! finding says so; with `require_reason`, one without a reason does not count. Other
//! tools' suppression annotations ([`foreign`]) count too, through the table of their
//! checks' equivalents ([`crate::data::peer_checks`]), under the same policy.

mod foreign;

use serde::{Deserialize, Serialize};

use crate::data::peer_checks;
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
    /// Other tools' suppression annotations do not suppress (`--no-foreign-suppressions`).
    pub ignore_foreign: bool,
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

/// Judges the finding of `rule` (and of the rules folded into it, `folded`) at `pointer`
/// on `object`.
pub fn judge(
    policy: &SuppressionPolicy,
    rule: &RuleInfo,
    folded: &[String],
    pointer: &str,
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
    let ids: Vec<&str> = std::iter::once(rule.id.as_str())
        .chain(folded.iter().map(String::as_str))
        .collect();
    // kubecheck's own annotation, when it names the rule, decides: its expiry and its
    // reason are the ones the project wrote for kubecheck.
    if let Some(verdict) = object
        .annotation(IGNORE_ANNOTATION)
        .and_then(|value| judge_own(policy, &ids, value))
    {
        return verdict;
    }
    if policy.ignore_foreign {
        return Verdict::Reported(None);
    }
    judge_foreign(policy, &ids, pointer, object)
}

/// The verdict of a `kubecheck.io/ignore` annotation, if it names one of `ids`.
fn judge_own(policy: &SuppressionPolicy, ids: &[&str], value: &str) -> Option<Verdict> {
    let annotation = Annotation::parse(value);
    let listed = ids.iter().any(|id| {
        annotation
            .ids
            .iter()
            .any(|listed| listed == id || *listed == "all")
    });
    if !listed {
        return None;
    }
    match annotation.until {
        Some(Err(text)) => {
            return Some(Verdict::Reported(Some(format!(
                "{IGNORE_ANNOTATION} ignored: `until={text}` is not a date (YYYY-MM-DD)"
            ))))
        }
        Some(Ok(until)) if policy.today.as_deref().is_some_and(|today| today > until) => {
            return Some(Verdict::Reported(Some(format!(
                "{IGNORE_ANNOTATION} expired on {until}"
            ))))
        }
        _ => {}
    }
    if annotation.reason.is_empty() {
        if policy.require_reason {
            return Some(Verdict::Reported(Some(format!(
                "{IGNORE_ANNOTATION} ignored: it gives no reason (reasons are required)"
            ))));
        }
        return Some(Verdict::Suppressed(Suppression {
            by: "annotation".into(),
            reason: format!("{IGNORE_ANNOTATION} annotation (no reason given)"),
        }));
    }
    let reason = match annotation.until {
        Some(Ok(until)) => format!("{} (until {until})", annotation.reason),
        _ => annotation.reason,
    };
    Some(Verdict::Suppressed(Suppression {
        by: "annotation".into(),
        reason,
    }))
}

/// The verdict of the other tools' annotations: the first that covers the finding and
/// counts suppresses it; one that covers it but does not count (no reason where reasons
/// are required, expired) leaves a note.
fn judge_foreign(
    policy: &SuppressionPolicy,
    ids: &[&str],
    pointer: &str,
    object: &Object<'_>,
) -> Verdict {
    let Some(annotations) = object.metadata.annotations.as_ref() else {
        return Verdict::Reported(None);
    };
    let mut note = None;
    for suppression in foreign::read(annotations) {
        let check = match &suppression.checks {
            foreign::Checks::All => None,
            foreign::Checks::Only(checks) => {
                let covering = checks.iter().find(|check| {
                    peer_checks::targets(suppression.tool, check)
                        .iter()
                        .any(|target| ids.iter().any(|id| target.covers(id, pointer)))
                });
                match covering {
                    Some(check) => Some(*check),
                    None => continue,
                }
            }
        };
        let annotation = suppression.annotation;
        let why_not = match suppression.until {
            Some(Err(text)) => Some(format!(
                "{annotation} ignored: its expiry `{text}` is not an RFC 3339 time"
            )),
            Some(Ok(until)) if policy.today.as_deref().is_some_and(|today| today > until) => {
                Some(format!("{annotation} expired on {until}"))
            }
            _ if suppression.reason.is_none() && policy.require_reason => Some(format!(
                "{annotation} ignored: it gives no reason (reasons are required)"
            )),
            _ => None,
        };
        if let Some(why_not) = why_not {
            note.get_or_insert(why_not);
            continue;
        }
        // The check is named unless the annotation's key already names it.
        let mut reason = match check {
            Some(check) if !annotation.contains(check) => format!("{annotation} ({check})"),
            _ => annotation.to_owned(),
        };
        match suppression.reason {
            Some(text) => reason = format!("{reason}: {text}"),
            None => reason.push_str(" (no reason given)"),
        }
        if let Some(Ok(until)) = suppression.until {
            reason = format!("{reason} (until {until})");
        }
        return Verdict::Suppressed(Suppression {
            by: suppression.tool.name().into(),
            reason,
        });
    }
    Verdict::Reported(note)
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
