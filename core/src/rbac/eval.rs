//! Rule matching exactly as the API server's RBAC authorizer does it.
//!
//! Source of truth: `pkg/apis/rbac/v1/evaluation_helpers.go` (`VerbMatches`,
//! `APIGroupMatches`, `ResourceMatches`, `ResourceNameMatches`, `NonResourceURLMatches`)
//! and `RuleAllows` in `plugin/pkg/auth/authorizer/rbac/rbac.go`, kubernetes/kubernetes.
//! Only `*` is a wildcard, and only where those functions say: a whole entry of `verbs`,
//! `apiGroups`, `resources` or `nonResourceURLs`, `*/<subresource>` in `resources`, and a
//! trailing `*` in `nonResourceURLs`. `pods/*` is no wildcard: it names a subresource
//! called `*`, which does not exist, and grants nothing.

/// One rule of a Role or ClusterRole, as the authorizer reads it. An absent field is an
/// empty list, which matches nothing (except `resourceNames`: empty means every name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

/// A value that no rule names, only a wildcard matches: a probe for "every verb", "every
/// group" or "every resource" (full access) and for "any object" (not one named in
/// `resourceNames`). A NUL cannot appear in a Kubernetes name.
pub const UNLISTED: &str = "\u{0}";

pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == "*" || v == verb)
}

pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups.iter().any(|g| g == "*" || g == group)
}

/// `combined` is `resource` or `resource/subresource`; `subresource` is empty for none.
pub fn resource_matches(rule: &PolicyRule, combined: &str, subresource: &str) -> bool {
    rule.resources.iter().any(|r| {
        r == "*"
            || r == combined
            // `*/scale` matches the `scale` subresource of every resource. The API server
            // compares lengths, prefix and suffix; that is exactly `*/` + subresource.
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

/// [`resource_matches`] with `resource/subresource` compared in place, without building
/// the combined string for every probe.
fn resource_or_subresource_matches(rule: &PolicyRule, resource: &str, subresource: &str) -> bool {
    if subresource.is_empty() {
        return resource_matches(rule, resource, "");
    }
    rule.resources.iter().any(|r| {
        r == "*"
            || r.strip_prefix(resource)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| rest == subresource)
            || (r.len() == subresource.len() + 2 && r.starts_with("*/") && r.ends_with(subresource))
    })
}

pub fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name)
}

pub fn non_resource_url_matches(rule: &PolicyRule, url: &str) -> bool {
    rule.non_resource_urls.iter().any(|u| {
        u == "*"
            || u == url
            || u.strip_suffix('*')
                .is_some_and(|_| url.starts_with(u.trim_end_matches('*')))
    })
}

/// What a request asks for, as the authorizer's attributes give it.
#[derive(Clone, Copy, Debug)]
pub enum Request<'a> {
    Resource {
        verb: &'a str,
        group: &'a str,
        resource: &'a str,
        /// Empty for none.
        subresource: &'a str,
        /// The object's name; empty for list, watch and most creates.
        name: &'a str,
    },
    NonResource {
        verb: &'a str,
        path: &'a str,
    },
}

/// `RuleAllows`: whether `rule` authorizes `request`.
pub fn rule_allows(rule: &PolicyRule, request: &Request<'_>) -> bool {
    match *request {
        Request::Resource {
            verb,
            group,
            resource,
            subresource,
            name,
        } => {
            verb_matches(rule, verb)
                && api_group_matches(rule, group)
                && resource_or_subresource_matches(rule, resource, subresource)
                && resource_name_matches(rule, name)
        }
        Request::NonResource { verb, path } => {
            verb_matches(rule, verb) && non_resource_url_matches(rule, path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        PolicyRule {
            verbs: own(verbs),
            api_groups: own(groups),
            resources: own(resources),
            ..PolicyRule::default()
        }
    }

    fn allows(rule: &PolicyRule, verb: &str, group: &str, resource: &str) -> bool {
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        rule_allows(
            rule,
            &Request::Resource {
                verb,
                group,
                resource,
                subresource,
                name: "",
            },
        )
    }

    #[test]
    fn exact_names_match_themselves_only() {
        let r = rule(&["get"], &[""], &["pods"]);
        assert!(allows(&r, "get", "", "pods"));
        assert!(!allows(&r, "list", "", "pods"));
        assert!(!allows(&r, "get", "apps", "pods"));
        // A resource does not reach its subresources.
        assert!(!allows(&r, "get", "", "pods/exec"));
        assert!(!allows(&r, "get", "", "pods/log"));
    }

    #[test]
    fn star_verb_group_and_resource_are_wildcards() {
        assert!(allows(
            &rule(&["*"], &[""], &["pods"]),
            "delete",
            "",
            "pods"
        ));
        assert!(allows(
            &rule(&["get"], &["*"], &["deployments"]),
            "get",
            "apps",
            "deployments"
        ));
        let all = rule(&["get"], &[""], &["*"]);
        assert!(allows(&all, "get", "", "secrets"));
        // `*` in resources reaches subresources too.
        assert!(allows(&all, "get", "", "pods/exec"));
        assert!(allows(&all, "get", "", "nodes/proxy"));
    }

    #[test]
    fn star_slash_subresource_matches_that_subresource_of_every_resource() {
        let scale = rule(&["update"], &["*"], &["*/scale"]);
        assert!(allows(&scale, "update", "apps", "deployments/scale"));
        assert!(allows(&scale, "update", "", "replicationcontrollers/scale"));
        assert!(!allows(&scale, "update", "apps", "deployments"));
        assert!(!allows(&scale, "update", "apps", "deployments/status"));
        let exec = rule(&["create"], &[""], &["*/exec"]);
        assert!(allows(&exec, "create", "", "pods/exec"));
        // Same length, wrong name: no match.
        assert!(!allows(&exec, "create", "", "pods/eval"));
    }

    #[test]
    fn resource_slash_star_is_no_wildcard_and_grants_nothing_real() {
        let r = rule(&["*"], &[""], &["pods/*"]);
        assert!(!allows(&r, "create", "", "pods/exec"));
        assert!(!allows(&r, "get", "", "pods/log"));
        assert!(!allows(&r, "get", "", "pods"));
        // Only a subresource literally named `*`, which no API serves.
        assert!(allows(&r, "get", "", "pods/*"));
    }

    #[test]
    fn forms_that_look_dangerous_but_grant_nothing() {
        // Core resources live in the group "", not in "core" or "v1".
        assert!(!allows(
            &rule(&["get"], &["core"], &["secrets"]),
            "get",
            "",
            "secrets"
        ));
        assert!(!allows(
            &rule(&["get"], &["apps"], &["secrets"]),
            "get",
            "",
            "secrets"
        ));
        // No apiGroups at all matches no group.
        assert!(!allows(&rule(&["*"], &[], &["*"]), "get", "", "secrets"));
        // No verbs, no resources: nothing.
        assert!(!allows(&rule(&[], &["*"], &["*"]), "get", "", "secrets"));
        assert!(!allows(&rule(&["*"], &["*"], &[]), "get", "", "secrets"));
        // Verbs are compared exactly: case and plurals count.
        assert!(!allows(
            &rule(&["Get", "creates"], &[""], &["pods/exec"]),
            "create",
            "",
            "pods/exec"
        ));
        // `exec` is a subresource, not a verb.
        assert!(!allows(
            &rule(&["exec"], &[""], &["pods"]),
            "create",
            "",
            "pods/exec"
        ));
        // A `*` inside a word is literal.
        assert!(!allows(
            &rule(&["get"], &[""], &["secret*"]),
            "get",
            "",
            "secrets"
        ));
    }

    #[test]
    fn resource_names_limit_the_objects() {
        let mut r = rule(&["get"], &[""], &["secrets"]);
        r.resource_names = vec!["app-db".into()];
        let named = |name| Request::Resource {
            verb: "get",
            group: "",
            resource: "secrets",
            subresource: "",
            name,
        };
        assert!(rule_allows(&r, &named("app-db")));
        assert!(!rule_allows(&r, &named("other")));
        // A list has no name, so a rule with names never allows it.
        assert!(!rule_allows(&r, &named("")));
        assert!(!rule_allows(&r, &named(UNLISTED)));
    }

    #[test]
    fn non_resource_urls_with_trailing_star_are_prefixes() {
        let r = PolicyRule {
            verbs: vec!["get".into()],
            non_resource_urls: vec!["/healthz".into(), "/apis/*".into(), "/logs*".into()],
            ..PolicyRule::default()
        };
        let get = |path| rule_allows(&r, &Request::NonResource { verb: "get", path });
        assert!(get("/healthz"));
        assert!(!get("/healthz/etcd"));
        assert!(get("/apis/apps/v1"));
        assert!(get("/apis/"));
        assert!(!get("/apis"));
        assert!(get("/logs"));
        assert!(get("/logsfoo"));
        assert!(!get("/metrics"));
        let all = PolicyRule {
            verbs: vec!["*".into()],
            non_resource_urls: vec!["*".into()],
            ..PolicyRule::default()
        };
        assert!(rule_allows(
            &all,
            &Request::NonResource {
                verb: "post",
                path: "/anything"
            }
        ));
        // Resource rules never allow non-resource requests and the reverse.
        assert!(!rule_allows(
            &rule(&["*"], &["*"], &["*"]),
            &Request::NonResource {
                verb: "get",
                path: "/metrics"
            }
        ));
        assert!(!allows(&all, "get", "", "pods"));
    }

    #[test]
    fn in_place_subresource_matching_agrees_with_the_combined_string() {
        let resources = [
            "*",
            "pods",
            "pods/exec",
            "*/exec",
            "pods/*",
            "pods/exe",
            "podsx/exec",
            "*/exe",
        ];
        for r in resources {
            let rule = rule(&["get"], &[""], &[r]);
            for (resource, sub) in [
                ("pods", "exec"),
                ("pods", ""),
                ("nodes", "exec"),
                ("pods", "exe"),
            ] {
                let combined = if sub.is_empty() {
                    resource.to_owned()
                } else {
                    format!("{resource}/{sub}")
                };
                assert_eq!(
                    resource_or_subresource_matches(&rule, resource, sub),
                    resource_matches(&rule, &combined, sub),
                    "{r} vs {combined}"
                );
            }
        }
    }

    #[test]
    fn the_unlisted_probe_is_matched_by_wildcards_only() {
        let full = rule(&["*"], &["*"], &["*"]);
        assert!(allows(&full, UNLISTED, UNLISTED, UNLISTED));
        let named = rule(
            &[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ],
            &["", "apps"],
            &["pods", "deployments"],
        );
        assert!(!allows(&named, UNLISTED, "", "pods"));
        assert!(!allows(&named, "get", UNLISTED, "pods"));
        assert!(!allows(&named, "get", "", UNLISTED));
    }
}
