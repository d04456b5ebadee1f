//! One finding per root cause. Several rules look at the same thing from different
//! sides (a `hostPath` volume is a host path, maybe a sensitive one, and a volume type
//! the restricted level forbids); reported separately, one cause reads as three
//! problems. Findings of the rules in [`CAUSES`] that share a cause on one object are
//! folded: the strongest reports, the others' rule ids go to its `relatedRules`, and
//! what they said about other places (another capability, another field) goes to its
//! `related` locations.
//!
//! The strongest is the most severe (after the user's overrides), then the first in
//! [`PRECEDENCE`]. It also decides suppression: when it is silenced by annotation, the
//! whole cause is (the weaker rules say no more than it did); a stronger rule of the
//! same cause that is not silenced still reports. Rules that are not run (`--only`,
//! `--disable`) have no findings, so a rule that runs alone reports itself.

use std::collections::HashMap;

use crate::report::{Finding, Related};

/// A finding as the engine has it before folding: the report's finding, the object it
/// is about, its pointer relative to that object and whether an annotation silences it.
pub(crate) struct Candidate {
    pub finding: Finding,
    pub object: usize,
    pub pointer: String,
    pub suppressed: bool,
}

/// What a rule's finding is about, derived from its pointer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cause {
    /// A volume of the pod: `…/volumes/N`.
    Volume,
    /// One entry of `capabilities.add`, or the container's `capabilities.drop` (the
    /// runtime's default set kept).
    Capabilities,
    /// A seccomp profile (the field or its annotation) of the pod or a container.
    Seccomp,
    /// The container runs privileged: it has every capability and may escalate.
    Privileged,
    /// The container adds `SYS_ADMIN`: the API server then refuses
    /// `allowPrivilegeEscalation: false`, and the other capabilities add little.
    SysAdmin,
    /// `allowPrivilegeEscalation` is not `false`.
    Escalation,
}

/// The rules that fold, with the cause each reports. Rules not listed never fold.
const CAUSES: &[(&str, Cause)] = &[
    ("host-path-volume", Cause::Volume),
    ("sensitive-host-path", Cause::Volume),
    ("non-restricted-volume-type", Cause::Volume),
    ("privileged-container", Cause::Privileged),
    ("sys-admin-capability", Cause::SysAdmin),
    ("dangerous-capabilities", Cause::Capabilities),
    ("net-raw-capability", Cause::Capabilities),
    ("unrestricted-capabilities", Cause::Capabilities),
    ("no-seccomp-profile", Cause::Seccomp),
    ("seccomp-not-enforced", Cause::Seccomp),
    ("unconfined-seccomp", Cause::Seccomp),
    ("privilege-escalation", Cause::Escalation),
];

/// Which rule reports a cause when severities tie: the most specific first, then the
/// Pod Security control over the best-practice rule that repeats it.
const PRECEDENCE: &[&str] = &[
    "privileged-container",
    "sys-admin-capability",
    "sensitive-host-path",
    "host-path-volume",
    "non-restricted-volume-type",
    "dangerous-capabilities",
    "unrestricted-capabilities",
    "net-raw-capability",
    "unconfined-seccomp",
    "seccomp-not-enforced",
    "no-seccomp-profile",
    "privilege-escalation",
];

/// The container a pointer is in: `…/containers/N` (or `initContainers`,
/// `ephemeralContainers`), the last such pair, so templates nested in a custom
/// resource's lists still resolve to their own container.
pub(crate) fn container_scope(pointer: &str) -> Option<&str> {
    scope_after(
        pointer,
        &["containers", "initContainers", "ephemeralContainers"],
    )
}

/// The prefix of `pointer` up to and including the index after the last segment named
/// one of `names`.
pub(crate) fn scope_after<'p>(pointer: &'p str, names: &[&str]) -> Option<&'p str> {
    let mut end = None;
    let mut offset = 0;
    let mut segments = pointer.split('/').peekable();
    while let Some(segment) = segments.next() {
        offset += segment.len() + 1;
        if names.contains(&segment) {
            if let Some(index) = segments.peek().filter(|s| s.parse::<usize>().is_ok()) {
                end = Some(offset + index.len());
            }
        }
    }
    end.map(|end| &pointer[..end.min(pointer.len())])
}

/// The finding's own cause as a key within its object: findings with equal keys are
/// the same problem seen by different rules.
fn cause_key(cause: Cause, pointer: &str) -> Option<String> {
    let key = match cause {
        Cause::Volume => format!("volume {}", scope_after(pointer, &["volumes"])?),
        // An entry of `capabilities.add` always exists; anything else is about the
        // container's default set: `capabilities.drop`, or its closest existing parent
        // when it is absent (as a finding's path crosses the plugin ABI, so the wasm
        // engine folds as the native one does).
        Cause::Capabilities if pointer.contains("/capabilities/add/") => {
            format!("capability {pointer}")
        }
        Cause::Capabilities => format!("default capabilities {}", container_scope(pointer)?),
        Cause::Seccomp => {
            // `…/seccompProfile` and `…/seccompProfile/type` name one profile.
            let profile = pointer
                .strip_suffix("/type")
                .filter(|p| p.ends_with("/seccompProfile"))
                .unwrap_or(pointer);
            format!("seccomp {profile}")
        }
        // `SYS_ADMIN` is also an added capability: the same entry of the list.
        Cause::SysAdmin => format!("capability {pointer}"),
        Cause::Privileged => format!("privileged {pointer}"),
        Cause::Escalation => format!("escalation {}", container_scope(pointer)?),
    };
    Some(key)
}

/// The causes a finding of `anchor` takes in when they are in its container: a
/// privileged container has every capability and escalates anyway; one with
/// `SYS_ADMIN` cannot forbid escalation and adds little with other capabilities.
fn absorbs(anchor: Cause, other: Cause) -> bool {
    match anchor {
        Cause::Privileged => matches!(
            other,
            Cause::SysAdmin | Cause::Capabilities | Cause::Escalation
        ),
        Cause::SysAdmin => matches!(other, Cause::Capabilities | Cause::Escalation),
        _ => false,
    }
}

fn cause_of(rule: &str) -> Option<Cause> {
    CAUSES.iter().find(|(id, _)| *id == rule).map(|(_, c)| *c)
}

fn rank(rule: &str) -> usize {
    PRECEDENCE
        .iter()
        .position(|id| *id == rule)
        .unwrap_or(PRECEDENCE.len())
}

/// Union-find over candidate indices.
struct Groups(Vec<usize>);

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Folds `candidates` to one finding per cause and returns the reported and the
/// suppressed findings, each in candidate order of their strongest finding.
pub(crate) fn fold(candidates: Vec<Candidate>) -> (Vec<Finding>, Vec<Finding>) {
    let n = candidates.len();
    let mut groups = Groups((0..n).collect());
    let causes: Vec<Option<Cause>> = candidates
        .iter()
        .map(|c| cause_of(&c.finding.rule))
        .collect();
    let keys: Vec<Option<String>> = candidates
        .iter()
        .zip(&causes)
        .map(|(c, cause)| cause.and_then(|cause| cause_key(cause, &c.pointer)))
        .collect();
    // Same cause, same place: one problem. Indexed once, so this is linear.
    let mut first: HashMap<(usize, &str), usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            let j = *first.entry((candidates[i].object, key)).or_insert(i);
            groups.join(i, j);
        }
    }
    // A privileged or `SYS_ADMIN` container takes in its other capability findings.
    let mut anchors: HashMap<(usize, &str), Vec<(usize, Cause)>> = HashMap::new();
    for (i, cause) in causes.iter().enumerate() {
        if let Some(cause @ (Cause::Privileged | Cause::SysAdmin)) = cause {
            if let Some(scope) = container_scope(&candidates[i].pointer) {
                anchors
                    .entry((candidates[i].object, scope))
                    .or_default()
                    .push((i, *cause));
            }
        }
    }
    for (i, cause) in causes.iter().enumerate() {
        let (Some(cause), Some(scope)) = (cause, container_scope(&candidates[i].pointer)) else {
            continue;
        };
        for &(anchor, anchor_cause) in anchors
            .get(&(candidates[i].object, scope))
            .into_iter()
            .flatten()
        {
            if absorbs(anchor_cause, *cause) {
                groups.join(anchor, i);
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let root = groups.root(i);
        members[root].push(i);
    }
    let strength = |i: usize| {
        let f = &candidates[i].finding;
        (std::cmp::Reverse(f.severity), rank(&f.rule), i)
    };
    let mut heads: Vec<(usize, Vec<usize>)> = members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_by_key(|&i| strength(i));
            (m[0], m)
        })
        .collect();
    heads.sort_by_key(|(head, _)| *head);
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    let mut reported = Vec::new();
    let mut suppressed = Vec::new();
    for (head, group) in heads {
        let Some(lead) = slots[head].take() else {
            continue;
        };
        let lead_key = keys[head].clone();
        let mut finding = lead.finding;
        for &i in &group[1..] {
            let Some(other) = slots[i].take() else {
                continue;
            };
            // Another added capability is another place to change; the rest of a
            // cause (the same volume, the escalation a privileged container has anyway)
            // is this place.
            let same_key = keys[i] == lead_key;
            let elsewhere = !same_key
                && keys[i]
                    .as_ref()
                    .is_some_and(|k| k.starts_with("capability "));
            absorb(&mut finding, other.finding, same_key, elsewhere);
        }
        if lead.suppressed {
            suppressed.push(finding);
        } else {
            reported.push(finding);
        }
    }
    (reported, suppressed)
}

/// Takes `other`'s rule into `finding`. A finding of the same key may lend its fix; one
/// about another place (`elsewhere`: another capability) becomes a related location,
/// so nothing it said is lost.
fn absorb(finding: &mut Finding, other: Finding, same_key: bool, elsewhere: bool) {
    if other.rule != finding.rule && !finding.related_rules.contains(&other.rule) {
        finding.related_rules.push(other.rule.clone());
    }
    // The cause breaks the lowest Pod Security level any of its rules names.
    let lower = match (&finding.pss, &other.pss) {
        (None, Some(_)) => true,
        (Some(f), Some(o)) => o.level < f.level,
        _ => false,
    };
    if lower {
        finding.pss = other.pss;
    }
    if same_key && finding.fix.is_none() {
        finding.fix = other.fix;
    }
    if !elsewhere {
        return;
    }
    let message = format!("{} ({})", other.message, other.rule);
    if !finding
        .related
        .iter()
        .any(|r| r.location == other.location && r.message == message)
    {
        finding.related.push(Related {
            location: other.location,
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_the_last_container_or_volume_in_the_pointer() {
        assert_eq!(
            container_scope("/spec/template/spec/containers/2/securityContext/privileged"),
            Some("/spec/template/spec/containers/2")
        );
        assert_eq!(
            container_scope("/spec/workers/1/template/spec/initContainers/0"),
            Some("/spec/workers/1/template/spec/initContainers/0")
        );
        assert_eq!(container_scope("/spec/containers"), None);
        assert_eq!(
            scope_after("/spec/volumes/3/hostPath/path", &["volumes"]),
            Some("/spec/volumes/3")
        );
        assert_eq!(
            scope_after("/spec/containers/0/volumeMounts/1", &["volumes"]),
            None
        );
    }

    #[test]
    fn every_folding_rule_exists_and_has_a_precedence() {
        for (id, _) in CAUSES {
            assert!(crate::rules::find(id).is_some(), "{id} is not a rule");
            assert!(PRECEDENCE.contains(id), "{id} has no precedence");
        }
        assert_eq!(CAUSES.len(), PRECEDENCE.len());
    }
}
