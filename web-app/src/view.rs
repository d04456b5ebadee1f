//! What the findings panel shows: findings filtered by severity and category, grouped
//! by the resource they belong to, each resource's worst first.

use std::collections::{BTreeSet, HashMap};

use kubecheck_core::report::{Finding, Resource};
use kubecheck_core::{Category, Severity};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    /// Severities hidden by the user (all shown by default).
    pub hidden: BTreeSet<Severity>,
    /// Only this category, when set.
    pub category: Option<Category>,
}

impl Filters {
    pub fn shows(&self, finding: &Finding) -> bool {
        !self.hidden.contains(&finding.severity)
            && self
                .category
                .as_ref()
                .is_none_or(|c| *c == finding.category)
    }

    pub fn toggle(&mut self, severity: Severity) {
        if !self.hidden.remove(&severity) {
            self.hidden.insert(severity);
        }
    }
}

/// From this many findings on one resource, its list folds: the worst
/// [`SHOWN_WHEN_FOLDED`] stay in sight, the rest open on demand (as the text format
/// gives such an object a summary line).
pub const FOLD_FROM: usize = 8;
/// How many findings a folded resource shows.
pub const SHOWN_WHEN_FOLDED: usize = 5;

/// The findings of one resource, as indexes into the report's findings.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub title: String,
    /// Where the resource's first finding is, to order groups as the text reads.
    pub line: u32,
    /// Worst first, then in text order.
    pub findings: Vec<usize>,
}

impl Group {
    /// Whether the list folds (see [`FOLD_FROM`]).
    pub fn folds(&self) -> bool {
        self.findings.len() >= FOLD_FROM
    }

    /// The findings in sight, and those folded away.
    pub fn split(&self) -> (&[usize], &[usize]) {
        if self.folds() {
            self.findings.split_at(SHOWN_WHEN_FOLDED)
        } else {
            (&self.findings, &[])
        }
    }

    /// `12 findings: 3 critical, 5 high, 4 medium` for `indexes`.
    pub fn counts(findings: &[Finding], indexes: &[usize]) -> String {
        let parts: Vec<String> = Severity::ALL
            .into_iter()
            .filter_map(|s| {
                let n = indexes
                    .iter()
                    .filter(|&&i| findings[i].severity == s)
                    .count();
                (n > 0).then(|| format!("{n} {s}"))
            })
            .collect();
        let noun = if indexes.len() == 1 {
            "finding"
        } else {
            "findings"
        };
        format!("{} {noun}: {}", indexes.len(), parts.join(", "))
    }
}

/// Groups the findings `filters` shows by resource, in the order resources appear.
pub fn groups(findings: &[Finding], filters: &Filters) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    // Indexed once: a scan of the groups per finding was findings x resources.
    let mut index_of: HashMap<GroupKey<'_>, usize> = HashMap::new();
    for (index, finding) in findings.iter().enumerate() {
        if !filters.shows(finding) {
            continue;
        }
        let r = &finding.resource;
        let key = GroupKey {
            source: &finding.location.source,
            document: finding.location.document,
            resource: (
                &r.api_version,
                &r.kind,
                r.name.as_deref(),
                r.namespace.as_deref(),
            ),
        };
        match index_of.get(&key) {
            Some(&g) => {
                let group = &mut groups[g];
                group.findings.push(index);
                group.line = group.line.min(finding.location.line);
            }
            None => {
                index_of.insert(key, groups.len());
                groups.push(Group {
                    title: resource_title(&finding.resource),
                    line: finding.location.line,
                    findings: vec![index],
                });
            }
        }
    }
    groups.sort_by_key(|g| g.line);
    for group in &mut groups {
        group.findings.sort_by_key(|&i| {
            let f = &findings[i];
            (
                std::cmp::Reverse(f.severity),
                f.location.line,
                f.location.column,
            )
        });
    }
    groups
}

#[derive(PartialEq, Eq, Hash)]
struct GroupKey<'a> {
    source: &'a str,
    document: usize,
    /// API version, kind, name and namespace.
    resource: (&'a str, &'a str, Option<&'a str>, Option<&'a str>),
}

/// `Deployment shop/web`, `Pod web`, or the kind alone for an unnamed resource.
pub fn resource_title(resource: &Resource) -> String {
    match (&resource.namespace, &resource.name) {
        (Some(ns), Some(name)) => format!("{} {ns}/{name}", resource.kind),
        (None, Some(name)) => format!("{} {name}", resource.kind),
        _ => resource.kind.clone(),
    }
}

/// The categories present in `findings`, for the filter menu: the built-in ones in the
/// registry's order, then plugins' own by name.
pub fn categories(findings: &[Finding]) -> Vec<Category> {
    let mut present: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| findings.iter().any(|f| f.category == *c))
        .collect();
    let custom: BTreeSet<&Category> = findings
        .iter()
        .map(|f| &f.category)
        .filter(|c| !c.is_builtin())
        .collect();
    present.extend(custom.into_iter().cloned());
    present
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubecheck_core::{Options, Source};

    const TWO: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: x\n    image: x:1\n    securityContext:\n      privileged: true\n  - name: y\n    image: y:1\n    securityContext:\n      privileged: true\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: ns\nspec:\n  containers:\n  - name: z\n    image: z:1\n    securityContext:\n      privileged: true\n";

    #[test]
    fn groups_by_resource_in_text_order_and_filters() {
        let report = kubecheck_core::check(vec![Source::new("m.yaml", TWO)], &Options::default());
        let all = groups(&report.findings, &Filters::default());
        let titles: Vec<&str> = all.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["Pod b", "Pod ns/a"]);
        let privileged = |g: &Group| {
            g.findings
                .iter()
                .filter(|&&i| report.findings[i].rule == "privileged-container")
                .count()
        };
        assert_eq!((privileged(&all[0]), privileged(&all[1])), (2, 1));

        let mut filters = Filters::default();
        filters.toggle(Severity::Critical);
        let severity = report.findings[all[0].findings[0]].severity;
        filters.toggle(severity);
        filters.toggle(Severity::Critical);
        assert!(groups(&report.findings, &filters)
            .iter()
            .flat_map(|g| &g.findings)
            .all(|&i| report.findings[i].severity != severity));

        let only_rbac = Filters {
            category: Some(Category::Rbac),
            ..Filters::default()
        };
        assert!(groups(&report.findings, &only_rbac).is_empty());
        assert!(categories(&report.findings).contains(&Category::PodSecurity));
    }

    #[test]
    fn within_a_resource_the_worst_come_first_and_many_fold() {
        let calico = include_str!("../../core/tests/inputs/calico-node.yaml");
        let report =
            kubecheck_core::check(vec![Source::new("c.yaml", calico)], &Options::default());
        let all = groups(&report.findings, &Filters::default());
        assert_eq!(all.len(), 1);
        let group = &all[0];
        let severities: Vec<Severity> = group
            .findings
            .iter()
            .map(|&i| report.findings[i].severity)
            .collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted);
        assert!(group.folds());
        let (shown, folded) = group.split();
        assert_eq!(shown.len(), SHOWN_WHEN_FOLDED);
        assert!(shown
            .iter()
            .all(|&i| report.findings[i].severity == Severity::Critical));
        assert_eq!(shown.len() + folded.len(), report.findings.len());
        assert!(
            Group::counts(&report.findings, &group.findings).starts_with(&format!(
                "{} findings: 7 critical, 7 high",
                report.findings.len()
            ))
        );
        // Hiding the critical ones leaves the rest, still worst first.
        let mut filters = Filters::default();
        filters.toggle(Severity::Critical);
        let rest = &groups(&report.findings, &filters)[0];
        assert_eq!(report.findings[rest.findings[0]].severity, Severity::High);
    }

    #[test]
    fn a_plugin_category_is_listed_after_the_built_in_ones_and_filters() {
        let report = kubecheck_core::check(vec![Source::new("m.yaml", TWO)], &Options::default());
        let mut findings = report.findings.clone();
        let cost: Category = "cost".parse().unwrap();
        findings[0].category = cost.clone();
        assert_eq!(categories(&findings).last(), Some(&cost));
        let only_cost = Filters {
            category: Some(cost),
            ..Filters::default()
        };
        let shown: Vec<usize> = groups(&findings, &only_cost)
            .into_iter()
            .flat_map(|g| g.findings)
            .collect();
        assert_eq!(shown, [0]);
    }
}
