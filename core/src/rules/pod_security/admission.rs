//! The Pod Security Admission view of a namespace: what its
//! `pod-security.kubernetes.io/*` labels ask for, and how the namespace's workloads fare
//! under that policy. The verdicts come from the PSS rules themselves (every rule
//! with a `pss` control in [`rules::RULES`]), run with the namespace's level and
//! version, so there is one definition of each control.

use std::collections::HashMap;
use std::fmt;

use crate::model::Object;
use crate::options::Options;
use crate::pointer;
use crate::pss::{parse_minor, PssLevel, PssTarget, LABEL_PREFIX, LATEST_MINOR};
use crate::rules::{self, Ctx, RawFinding};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Enforce,
    Audit,
    Warn,
}

impl Mode {
    pub(crate) const ALL: [Mode; 3] = [Mode::Enforce, Mode::Audit, Mode::Warn];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Warn => "warn",
        }
    }

    pub(crate) fn level_label(self) -> String {
        format!("{LABEL_PREFIX}{}", self.as_str())
    }

    pub(crate) fn version_label(self) -> String {
        format!("{LABEL_PREFIX}{}-version", self.as_str())
    }
}

/// One mode's policy. `level: None` is the `privileged` level: nothing is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ModePolicy {
    pub level: Option<PssLevel>,
    pub minor: u32,
}

impl ModePolicy {
    /// What the admission controller applies when a namespace has no label for a mode
    /// (its default configuration: privileged, latest).
    const UNLABELED: ModePolicy = ModePolicy {
        level: None,
        minor: LATEST_MINOR,
    };

    pub(crate) fn target(self) -> Option<PssTarget> {
        self.level.map(|level| PssTarget {
            level,
            minor: self.minor,
        })
    }
}

impl fmt::Display for ModePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target() {
            Some(target) => write!(f, "{target}"),
            None => f.write_str("privileged"),
        }
    }
}

/// A label whose key or value the admission controller does not accept.
#[derive(Debug, PartialEq)]
pub(crate) struct LabelError {
    pub key: String,
    pub message: String,
}

impl LabelError {
    /// Pointer to the label's value, relative to the object.
    pub(crate) fn pointer(&self) -> String {
        label_pointer(&self.key)
    }
}

pub(crate) fn label_pointer(key: &str) -> String {
    format!("/metadata/labels/{}", pointer::escape(key))
}

#[derive(Debug, PartialEq)]
pub(crate) struct NamespacePolicy {
    pub enforce: ModePolicy,
    pub audit: ModePolicy,
    pub warn: ModePolicy,
    /// Whether the namespace has an `enforce` level label at all.
    pub has_enforce_label: bool,
}

impl NamespacePolicy {
    pub(crate) fn mode(&self, mode: Mode) -> ModePolicy {
        match mode {
            Mode::Enforce => self.enforce,
            Mode::Audit => self.audit,
            Mode::Warn => self.warn,
        }
    }
}

/// `privileged`, `baseline` or `restricted`; `Err` for anything else.
fn parse_level(value: &str) -> Result<Option<PssLevel>, String> {
    match value {
        "privileged" => Ok(None),
        "baseline" => Ok(Some(PssLevel::Baseline)),
        "restricted" => Ok(Some(PssLevel::Restricted)),
        _ => Err(format!(
            "`{value}` is not a Pod Security level (expected `privileged`, `baseline` or `restricted`)"
        )),
    }
}

/// `latest` or `v1.N`, as [`crate::pss::parse_minor`] reads it.
fn parse_version(value: &str) -> Result<u32, String> {
    parse_minor(value).ok_or_else(|| {
        format!("`{value}` is not a Pod Security version (expected `latest` or `v1.<minor>`, e.g. `v1.{LATEST_MINOR}`)")
    })
}

/// Reads a namespace's labels the way the admission controller does: a mode without a
/// label is `privileged`; an invalid `enforce` level counts as `restricted` (fail
/// closed), an invalid `audit` or `warn` level as `privileged` (fail open), an invalid
/// version as `latest`; `warn` follows a valid, stricter `enforce` level unless it has
/// its own label.
pub(crate) fn namespace_policy(namespace: &Object<'_>) -> (NamespacePolicy, Vec<LabelError>) {
    let mut errors = Vec::new();
    // The policy, whether the level label is there, whether it is valid, and whether
    // the version label is there.
    let mut read = |mode: Mode| -> (ModePolicy, bool, bool, bool) {
        let mut policy = ModePolicy::UNLABELED;
        let level_key = mode.level_label();
        let version_key = mode.version_label();
        let mut valid = false;
        if let Some(value) = namespace.label(&level_key) {
            match parse_level(value) {
                Ok(level) => {
                    policy.level = level;
                    valid = true;
                }
                Err(message) => {
                    errors.push(LabelError {
                        key: level_key.clone(),
                        message,
                    });
                    if mode == Mode::Enforce {
                        policy.level = Some(PssLevel::Restricted);
                    }
                }
            }
        }
        if let Some(value) = namespace.label(&version_key) {
            policy.minor = parse_version(value).unwrap_or_else(|message| {
                errors.push(LabelError {
                    key: version_key.clone(),
                    message,
                });
                LATEST_MINOR
            });
        }
        let has_level = namespace.label(&level_key).is_some();
        let has_version = namespace.label(&version_key).is_some();
        (policy, has_level, valid, has_version)
    };
    let (enforce, has_enforce, valid_enforce, _) = read(Mode::Enforce);
    let (audit, ..) = read(Mode::Audit);
    let (mut warn, has_warn, _, has_warn_version) = read(Mode::Warn);
    if valid_enforce && !has_warn && enforce.level > warn.level {
        warn.level = enforce.level;
        if !has_warn_version {
            warn.minor = enforce.minor;
        }
    }
    let known: Vec<String> = Mode::ALL
        .iter()
        .flat_map(|m| [m.level_label(), m.version_label()])
        .collect();
    for key in namespace.metadata.labels.iter().flatten().map(|(k, _)| k) {
        if key.starts_with(LABEL_PREFIX) && !known.contains(key) {
            errors.push(LabelError {
                key: key.clone(),
                message: format!(
                    "`{key}` is not a Pod Security Admission label and is ignored (expected `{LABEL_PREFIX}enforce|audit|warn` and their `-version` labels)"
                ),
            });
        }
    }
    let policy = NamespacePolicy {
        enforce,
        audit,
        warn,
        has_enforce_label: has_enforce,
    };
    (policy, errors)
}

/// The Namespace objects of the input.
pub(crate) fn namespaces<'o, 'a>(
    objects: &'o [Object<'a>],
) -> impl Iterator<Item = &'o Object<'a>> {
    objects
        .iter()
        .filter(|o| o.kind == "Namespace" && o.api_version == "v1" && o.name().is_some())
}

/// Each Namespace of the input with the workloads (objects with a pod template) whose
/// `metadata.namespace` names it. A namespace declared several times (variants of one
/// install in one repository) governs the workloads of its own source; workloads in
/// another source go to the first declaration.
pub(crate) fn governed<'o, 'a>(
    objects: &'o [Object<'a>],
) -> Vec<(&'o Object<'a>, Vec<&'o Object<'a>>)> {
    let mut groups: Vec<(&Object<'a>, Vec<&Object<'a>>)> =
        namespaces(objects).map(|n| (n, Vec::new())).collect();
    // The declarations of each name, in order: a workload looks up its namespace's, not
    // every namespace of the input.
    let mut declarations: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (namespace, _)) in groups.iter().enumerate() {
        if let Some(name) = namespace.name() {
            declarations.entry(name).or_default().push(i);
        }
    }
    for object in objects.iter().filter(|o| !o.pods.is_empty()) {
        let Some(name) = object.namespace() else {
            continue;
        };
        let index = declarations
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .min_by_key(|&i| (groups[i].0.source != object.source, i));
        if let Some(i) = index {
            groups[i].1.push(object);
        }
    }
    groups
}

/// A Pod Security violation of a workload: the control and the PSS rule's finding.
pub(crate) struct Violation {
    pub control: &'static str,
    pub finding: RawFinding,
}

/// What the Pod Security Standards rules find in `object` at `target`, in registry order.
pub(crate) fn violations(ctx: &Ctx<'_>, object: &Object<'_>, target: PssTarget) -> Vec<Violation> {
    let options = Options {
        pss: target,
        kubernetes_version: ctx.options.kubernetes_version,
        ..Options::default()
    };
    let enabled = rules::enabled(&options);
    let pss_ctx = Ctx::new(&options, ctx.input, &enabled);
    let at_level = |rule: &rules::Rule| rule.pss.is_some_and(|p| p.level <= target.level);
    rules::run(&pss_ctx, std::slice::from_ref(object), at_level)
        .into_iter()
        .filter_map(|finding| {
            let control = rules::find(&finding.rule)?.pss?.control;
            Some(Violation { control, finding })
        })
        .collect()
}

/// The distinct controls of `violations`, in order, as a message fragment.
pub(crate) fn controls(violations: &[Violation]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for v in violations {
        if !names.contains(&v.control) {
            names.push(v.control);
        }
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How messages name what the admission controller checks: a Pod, or a workload's pods.
pub(crate) fn subject(object: &Object<'_>) -> String {
    let name = object.name().unwrap_or("(unnamed)");
    if object.kind == "Pod" {
        format!("pod `{name}`")
    } else {
        format!("the pods of {} `{name}`", object.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy_of(labels: &[(&str, &str)]) -> (NamespacePolicy, usize) {
        let labels: String = labels
            .iter()
            .map(|(k, v)| format!("    {LABEL_PREFIX}{k}: {v}\n"))
            .collect();
        let yaml =
            format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n{labels}");
        let input = crate::Input::parse(vec![crate::Source::new("ns.yaml", yaml)]);
        let (objects, _) = input.objects();
        let (policy, errors) = namespace_policy(&objects[0]);
        (policy, errors.len())
    }

    #[test]
    fn labels_read_like_the_admission_controller() {
        let level = |p: ModePolicy| p.level;
        let (p, errors) = policy_of(&[("enforce", "baseline"), ("enforce-version", "v1.22")]);
        assert_eq!(
            (level(p.warn), p.warn.minor, errors),
            (Some(PssLevel::Baseline), 22, 0)
        );
        // Invalid enforce: fail closed, and warn does not follow it.
        let (p, errors) = policy_of(&[("enforce", "foo")]);
        assert_eq!(p.enforce.level, Some(PssLevel::Restricted));
        assert_eq!((level(p.warn), errors), (None, 1));
        // Invalid warn: fail open, and it no longer follows enforce.
        let (p, _) = policy_of(&[("enforce", "baseline"), ("warn", "foo")]);
        assert_eq!(level(p.warn), None);
        let (p, errors) = policy_of(&[("audit", "restricted"), ("audit-version", "v1.01")]);
        assert_eq!((p.audit.minor, errors), (LATEST_MINOR, 1));
    }

    #[test]
    fn versions_follow_the_admission_controller() {
        assert_eq!(parse_version("latest"), Ok(LATEST_MINOR));
        assert_eq!(parse_version("v1.25"), Ok(25));
        assert_eq!(parse_version("v1.0"), Ok(0));
        assert_eq!(parse_version("v1.999"), Ok(LATEST_MINOR));
        for bad in ["1.25", "v1.025", "v2.1", "v1.", "v1.x", "Latest", ""] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_level("privileged"), Ok(None));
        assert!(parse_level("Restricted").is_err());
    }
}
