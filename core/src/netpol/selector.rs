//! Label selectors, evaluated as the API machinery does.
//!
//! Source of truth: `LabelSelectorAsSelector` in
//! `k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go` and `NewRequirement` /
//! `Requirement.Matches` in `k8s.io/apimachinery/pkg/labels/selector.go`:
//! - no `matchLabels` and no `matchExpressions` selects everything;
//! - each `matchLabels` pair and each expression is a requirement, all ANDed;
//! - `In` needs the key with one of the values, `NotIn` is met by a missing key or a
//!   value not listed, `Exists` / `DoesNotExist` look at the key only;
//! - an unknown operator, `In`/`NotIn` without values, `Exists`/`DoesNotExist` with
//!   values, or an invalid label key or value make the selector an error (the API server
//!   refuses the object), which kubecheck reports and which selects nothing here.

use std::collections::HashMap;

use ecow::EcoString;

use crate::pointer::escape;
use crate::yaml::Node;

/// Labels of a pod or a namespace.
pub type Labels = crate::model::StringMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// Keys and values are `EcoString`s: a selector's are short, held inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: EcoString,
    pub op: Op,
    pub values: Vec<EcoString>,
}

impl Requirement {
    fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.key);
        let listed = |v: &String| self.values.iter().any(|w| w == v);
        match self.op {
            Op::In => value.is_some_and(listed),
            Op::NotIn => !value.is_some_and(listed),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
        }
    }
}

/// A valid label selector: the requirements it ANDs (none: it selects everything).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

/// A malformed part of an object, relative to it: reported where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

/// Reads the label selector at `node` (at `pointer` in its object). `None` when it is
/// malformed: each problem is pushed to `problems`, and the selector selects nothing.
/// A `null` node reads as the empty selector; callers tell absent fields apart first.
pub fn parse(node: &Node, pointer: &str, problems: &mut Vec<Problem>) -> Option<Selector> {
    if node.is_null() {
        return Some(Selector::default());
    }
    let before = problems.len();
    let mut problem =
        |pointer: String, message: String| problems.push(Problem { pointer, message });
    if node.as_map().is_none() {
        problem(
            pointer.to_owned(),
            format!(
                "a label selector must be a mapping, not a {}",
                node.type_name()
            ),
        );
        return None;
    }
    let mut requirements = Vec::new();
    if let Some(labels) = node.get("matchLabels").filter(|n| !n.is_null()) {
        let at = format!("{pointer}/matchLabels");
        match labels.as_map() {
            Some(entries) => {
                for entry in entries {
                    let Some(key) = entry.key_str() else {
                        problem(at.clone(), "a label key must be a string".to_owned());
                        continue;
                    };
                    let here = format!("{at}/{}", escape(key));
                    if let Some(why) = invalid_key(key) {
                        problem(here.clone(), format!("label key `{key}` is invalid: {why}"));
                    }
                    match entry.value.as_str() {
                        Some(value) => {
                            if let Some(why) = invalid_value(value) {
                                problem(here, format!("label value `{value}` is invalid: {why}"));
                            }
                            requirements.push(Requirement {
                                key: key.into(),
                                op: Op::In,
                                values: vec![value.into()],
                            });
                        }
                        None => problem(
                            here,
                            format!(
                                "label `{key}` is not a string ({}); label values are strings (quote it)",
                                entry.value.type_name()
                            ),
                        ),
                    }
                }
            }
            None => problem(
                at,
                format!(
                    "`matchLabels` must be a mapping, not a {}",
                    labels.type_name()
                ),
            ),
        }
    }
    if let Some(expressions) = node.get("matchExpressions").filter(|n| !n.is_null()) {
        let at = format!("{pointer}/matchExpressions");
        match expressions.as_seq() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let here = format!("{at}/{i}");
                    if let Some(requirement) = expression(item, &here, &mut problem) {
                        requirements.push(requirement);
                    }
                }
            }
            None => problem(
                at,
                format!(
                    "`matchExpressions` must be a list, not a {}",
                    expressions.type_name()
                ),
            ),
        }
    }
    // Pushed one by one, the list has room for four: held by every policy of a large
    // cluster (a selector has one or two), that room was most of the network model.
    requirements.shrink_to_fit();
    (problems.len() == before).then_some(Selector { requirements })
}

fn expression(
    item: &Node,
    at: &str,
    problem: &mut impl FnMut(String, String),
) -> Option<Requirement> {
    if item.as_map().is_none() {
        problem(
            at.to_owned(),
            format!(
                "a selector expression must be a mapping, not a {}",
                item.type_name()
            ),
        );
        return None;
    }
    let Some(key) = item.get("key").and_then(Node::as_str) else {
        problem(
            at.to_owned(),
            "a selector expression needs a string `key`".to_owned(),
        );
        return None;
    };
    let mut ok = true;
    if let Some(why) = invalid_key(key) {
        problem(
            format!("{at}/key"),
            format!("label key `{key}` is invalid: {why}"),
        );
        ok = false;
    }
    let operator = item.get("operator").and_then(Node::as_str).unwrap_or("");
    let op = match operator {
        "In" => Op::In,
        "NotIn" => Op::NotIn,
        "Exists" => Op::Exists,
        "DoesNotExist" => Op::DoesNotExist,
        _ => {
            problem(
                format!("{at}/operator"),
                format!("`{operator}` is not a label selector operator (`In`, `NotIn`, `Exists`, `DoesNotExist`)"),
            );
            return None;
        }
    };
    let mut values: Vec<EcoString> = Vec::new();
    let values_node = item.get("values").filter(|n| !n.is_null());
    if let Some(node) = values_node {
        match node.as_seq() {
            Some(items) => {
                for (i, v) in items.iter().enumerate() {
                    match v.as_str() {
                        Some(text) => {
                            if let Some(why) = invalid_value(text) {
                                problem(
                                    format!("{at}/values/{i}"),
                                    format!("label value `{text}` is invalid: {why}"),
                                );
                                ok = false;
                            }
                            values.push(text.into());
                        }
                        None => {
                            problem(
                                format!("{at}/values/{i}"),
                                format!(
                                    "a {} in `values`; label values are strings (quote it)",
                                    v.type_name()
                                ),
                            );
                            ok = false;
                        }
                    }
                }
            }
            None => {
                problem(
                    format!("{at}/values"),
                    format!("`values` must be a list, not a {}", node.type_name()),
                );
                return None;
            }
        }
    }
    match op {
        Op::In | Op::NotIn if values.is_empty() && ok => {
            problem(
                format!("{at}/operator"),
                format!("operator `{operator}` needs at least one value in `values`"),
            );
            return None;
        }
        Op::Exists | Op::DoesNotExist
            if values_node.is_some_and(|n| n.as_seq().is_some_and(|s| !s.is_empty())) =>
        {
            problem(
                format!("{at}/values"),
                format!("operator `{operator}` takes no `values`"),
            );
            return None;
        }
        _ => {}
    }
    values.shrink_to_fit();
    ok.then(|| Requirement {
        key: key.into(),
        op,
        values,
    })
}

/// `IsQualifiedName` (k8s.io/apimachinery/pkg/util/validation): an optional DNS
/// subdomain prefix and `/`, then a name of at most 63 characters.
pub fn invalid_key(key: &str) -> Option<&'static str> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if prefix.is_empty() || prefix.len() > 253 || !prefix.split('.').all(label_ok) {
            return Some("its prefix must be a DNS subdomain");
        }
    }
    if name.is_empty() {
        return Some("the name part must not be empty");
    }
    name_shape(name)
}

/// `IsValidLabelValue`: empty, or a name of at most 63 characters.
pub fn invalid_value(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return None;
    }
    name_shape(value)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
fn name_shape(name: &str) -> Option<&'static str> {
    if name.len() > 63 {
        return Some("it is longer than 63 characters");
    }
    let bytes = name.as_bytes();
    let alnum = |b: &u8| b.is_ascii_alphanumeric();
    let inner = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let ok = bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(inner);
    (!ok).then_some(
        "use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
    )
}

/// What a selector cannot select without, by which it is indexed.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Needs<'s> {
    /// The label `key` with one of these values (`matchLabels`, `In`).
    Values(&'s str, &'s [EcoString]),
    /// The label `key`, with any value (`Exists`).
    Key(&'s str),
}

fn needs(selector: &Selector) -> Vec<Needs<'_>> {
    selector
        .requirements
        .iter()
        .filter_map(|r| match r.op {
            Op::In => Some(Needs::Values(&r.key, &r.values)),
            Op::Exists => Some(Needs::Key(&r.key)),
            Op::NotIn | Op::DoesNotExist => None,
        })
        .collect()
}

/// Selectors indexed so that a label set is tested only against those that can select
/// it: each selector with a positive requirement is listed under its rarest one (label
/// key and value, or key); empty selectors select everything and selectors with only
/// `NotIn` / `DoesNotExist` are tested for every label set. So N label sets against N
/// selectors that each select a few of them costs about N evaluations, not N².
type Listed<'s, T> = Vec<(&'s Selector, T)>;

pub struct SelectorIndex<'s, T> {
    /// Selected by every label set.
    pub all: Vec<T>,
    negative: Listed<'s, T>,
    by_value: HashMap<&'s str, HashMap<&'s str, Listed<'s, T>>>,
    by_key: HashMap<&'s str, Listed<'s, T>>,
}

impl<'s, T: Copy + Ord> SelectorIndex<'s, T> {
    pub fn new(selectors: impl IntoIterator<Item = (&'s Selector, T)>) -> Self {
        let mut index = SelectorIndex {
            all: Vec::new(),
            negative: Vec::new(),
            by_value: HashMap::new(),
            by_key: HashMap::new(),
        };
        let mut positive = Vec::new();
        for (selector, id) in selectors {
            if selector.is_empty() {
                index.all.push(id);
                continue;
            }
            let needs = needs(selector);
            if needs.is_empty() {
                index.negative.push((selector, id));
            } else {
                positive.push((selector, id, needs));
            }
        }
        // How many selectors each condition would list, to pick the rarest: a label
        // that every selector requires must not make them all candidates.
        let mut values: HashMap<(&str, &str), usize> = HashMap::new();
        let mut keys: HashMap<&str, usize> = HashMap::new();
        for (_, _, needs) in &positive {
            for need in needs {
                match need {
                    Needs::Values(k, vs) => {
                        for v in vs.iter() {
                            *values.entry((k, v.as_str())).or_default() += 1;
                        }
                    }
                    Needs::Key(k) => *keys.entry(k).or_default() += 1,
                }
            }
        }
        for (selector, id, needs) in positive {
            let cost = |need: &Needs<'_>| match need {
                Needs::Values(k, vs) => vs.iter().map(|v| values[&(*k, v.as_str())]).sum::<usize>(),
                Needs::Key(k) => keys[k],
            };
            match needs.iter().min_by_key(|n| cost(n)) {
                Some(Needs::Values(k, vs)) => {
                    let by_value = index.by_value.entry(k).or_default();
                    for v in vs.iter() {
                        let list = by_value.entry(v.as_str()).or_default();
                        // `In` with a repeated value lists the selector once.
                        if list.last().map(|(_, last)| *last) != Some(id) {
                            list.push((selector, id));
                        }
                    }
                }
                Some(Needs::Key(k)) => index.by_key.entry(k).or_default().push((selector, id)),
                None => {}
            }
        }
        index
    }

    /// The ids of the selectors other than [`SelectorIndex::all`] that select `labels`,
    /// sorted.
    pub fn matching(&self, labels: &Labels) -> Vec<T> {
        #[cfg(test)]
        let mut evaluations = 0u64;
        let mut out = Vec::new();
        let mut test = |selector: &Selector, id: T| {
            #[cfg(test)]
            {
                evaluations += 1;
            }
            if selector.matches(labels) {
                out.push(id);
            }
        };
        for (selector, id) in &self.negative {
            test(selector, *id);
        }
        for (key, value) in labels {
            if let Some(list) = self
                .by_value
                .get(key.as_str())
                .and_then(|m| m.get(value.as_str()))
            {
                for (selector, id) in list {
                    test(selector, *id);
                }
            }
            if let Some(list) = self.by_key.get(key.as_str()) {
                for (selector, id) in list {
                    test(selector, *id);
                }
            }
        }
        #[cfg(test)]
        tests::EVALUATIONS.with(|n| n.set(n.get() + evaluations));
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::yaml::parse_documents;

    thread_local! {
        /// Selector evaluations of [`SelectorIndex::matching`] on this thread.
        pub(crate) static EVALUATIONS: Cell<u64> = const { Cell::new(0) };
    }

    fn read(yaml: &str) -> (Option<Selector>, Vec<Problem>) {
        let docs = parse_documents(yaml);
        let mut problems = Vec::new();
        let selector = parse(docs[0].result.as_ref().unwrap(), "/s", &mut problems);
        (selector, problems)
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn operators_evaluate_as_the_api_machinery_does() {
        let (s, p) = read(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: env, operator: NotIn, values: [dev]}\n- {key: tier, operator: In, values: [a, b]}\n- {key: debug, operator: DoesNotExist}\n- {key: team, operator: Exists}\n",
        );
        assert!(p.is_empty(), "{p:?}");
        let s = s.unwrap();
        let yes = labels(&[("app", "web"), ("tier", "b"), ("team", "x")]);
        assert!(s.matches(&yes));
        let mut dev = yes.clone();
        dev.insert("env".into(), "dev".into());
        assert!(!s.matches(&dev));
        let mut prod = yes.clone();
        prod.insert("env".into(), "prod".into());
        assert!(s.matches(&prod), "NotIn is met by another value");
        let mut debug = yes.clone();
        debug.insert("debug".into(), "".into());
        assert!(!s.matches(&debug));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "c"), ("team", "x")])));
        assert!(
            !s.matches(&labels(&[("app", "web"), ("tier", "a")])),
            "Exists needs the key"
        );
    }

    #[test]
    fn empty_selects_everything() {
        for yaml in ["{}", "matchLabels: {}\nmatchExpressions: []\n", "null"] {
            let (s, p) = read(yaml);
            assert!(p.is_empty());
            assert!(s.unwrap().matches(&labels(&[("any", "thing")])));
        }
    }

    #[test]
    fn malformed_selectors_are_located_and_select_nothing() {
        let cases = [
            (
                "matchExpressions: [{key: a, operator: Has, values: [x]}]",
                "/s/matchExpressions/0/operator",
            ),
            (
                "matchExpressions: [{key: a, operator: In}]",
                "/s/matchExpressions/0/operator",
            ),
            (
                "matchExpressions: [{key: a, operator: In, values: []}]",
                "/s/matchExpressions/0/operator",
            ),
            (
                "matchExpressions: [{key: a, operator: Exists, values: [x]}]",
                "/s/matchExpressions/0/values",
            ),
            ("matchLabels: {version: 1}", "/s/matchLabels/version"),
            ("matchLabels: {enabled: true}", "/s/matchLabels/enabled"),
            (
                "matchExpressions: [{key: a, operator: In, values: [1]}]",
                "/s/matchExpressions/0/values/0",
            ),
            ("matchLabels: {app: 'two words'}", "/s/matchLabels/app"),
            ("matchLabels: {'-bad': x}", "/s/matchLabels/-bad"),
            ("matchLabels: [app]", "/s/matchLabels"),
            ("matchExpressions: {key: a}", "/s/matchExpressions"),
            ("[a]", "/s"),
        ];
        for (yaml, pointer) in cases {
            let (s, p) = read(yaml);
            assert!(s.is_none(), "{yaml}");
            assert_eq!(p[0].pointer, pointer, "{yaml}: {p:?}");
        }
    }

    #[test]
    fn keys_and_values_follow_qualified_name_rules() {
        assert_eq!(invalid_key("app.kubernetes.io/name"), None);
        assert_eq!(invalid_key("kubernetes.io/metadata.name"), None);
        assert!(invalid_key("Upper.Case/x").is_some());
        assert!(invalid_key("/x").is_some());
        assert!(invalid_key("a/").is_some());
        assert_eq!(invalid_value(""), None);
        assert!(invalid_value(&"a".repeat(64)).is_some());
        assert!(invalid_value("a_b.c-D").is_none());
    }

    #[test]
    fn the_index_gives_the_same_verdicts_as_evaluating_every_selector() {
        let selectors: Vec<Selector> = [
            "matchLabels: {app: web, tier: front}",
            "matchExpressions: [{key: app, operator: In, values: [api, db, api]}, {key: env, operator: NotIn, values: [dev]}]",
            "matchExpressions: [{key: debug, operator: Exists}]",
            "matchExpressions: [{key: app, operator: DoesNotExist}]",
            "{}",
        ]
        .iter()
        .map(|y| read(y).0.unwrap())
        .collect();
        let index = SelectorIndex::new(selectors.iter().zip(0usize..));
        let sets = [
            labels(&[("app", "web"), ("tier", "front")]),
            labels(&[("app", "web")]),
            labels(&[("app", "api")]),
            labels(&[("app", "db"), ("env", "dev")]),
            labels(&[("app", "x"), ("debug", "1")]),
            labels(&[("other", "x")]),
            labels(&[]),
        ];
        for set in &sets {
            let mut got = index.matching(set);
            got.extend(index.all.iter().copied());
            got.sort_unstable();
            let want: Vec<usize> = (0..selectors.len())
                .filter(|i| selectors[*i].matches(set))
                .collect();
            assert_eq!(got, want, "{set:?}");
        }
    }
}
