//! What the findings panel shows: findings filtered by severity and category, grouped
//! by the resource they belong to.

use std::collections::BTreeSet;

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

/// The findings of one resource, as indexes into the report's findings.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub title: String,
    /// Where the resource's first finding is, to order groups as the text reads.
    pub line: u32,
    pub findings: Vec<usize>,
}

/// Groups the findings `filters` shows by resource, in the order resources appear.
pub fn groups(findings: &[Finding], filters: &Filters) -> Vec<Group> {
    let mut groups: Vec<(GroupKey<'_>, Group)> = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        if !filters.shows(finding) {
            continue;
        }
        let key = GroupKey {
            source: &finding.location.source,
            document: finding.location.document,
            resource: &finding.resource,
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => {
                group.findings.push(index);
                group.line = group.line.min(finding.location.line);
            }
            None => groups.push((
                key,
                Group {
                    title: resource_title(&finding.resource),
                    line: finding.location.line,
                    findings: vec![index],
                },
            )),
        }
    }
    let mut groups: Vec<Group> = groups.into_iter().map(|(_, g)| g).collect();
    groups.sort_by_key(|g| g.line);
    for group in &mut groups {
        group
            .findings
            .sort_by_key(|&i| (findings[i].location.line, findings[i].location.column));
    }
    groups
}

#[derive(PartialEq)]
struct GroupKey<'a> {
    source: &'a str,
    document: usize,
    resource: &'a Resource,
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
