//! RBAC: what roles grant, who holds it, and which workloads run with it. Every rule here
//! asks the one model in [`crate::rbac`]; none matches rules on its own.

pub mod broad_subject_binding;
pub mod invalid_rbac_rule;
pub mod privileged_binding;
pub mod privileged_service_account;
pub mod rbac_full_access;
pub mod rbac_pod_creation;
pub mod rbac_pod_exec;
pub mod rbac_privilege_escalation;
pub mod rbac_secret_read;
pub mod unknown_role_reference;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::model::Object;
use crate::rbac::capability::{Capability, PROBES};
use crate::rbac::{capabilities, Granted, Hit, Rbac};
use crate::rules::{Ctx, Emitter, RawFinding};
use crate::severity::Severity;

/// One level up, for subjects that stand for many.
fn raise(severity: Severity) -> Severity {
    match severity {
        Severity::Info => Severity::Low,
        Severity::Low => Severity::Medium,
        Severity::Medium => Severity::High,
        Severity::High | Severity::Critical => Severity::Critical,
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `/rules/1/verbs/0`: where a hit is in its role.
fn hit_pointer(hit: &Hit) -> String {
    format!("/rules/{}/verbs/{}", hit.rule, hit.verb)
}

/// `rule 1 allows `get` and `list` on `secrets``; several rules joined with `;`. Per
/// rule, the verbs and the resources of its hits (the API groups are on the rule line),
/// and the objects it is limited to, if `resourceNames` limits it.
fn allows_text(rbac: &Rbac, hits: &[(usize, Hit)]) -> String {
    let mut by_rule: BTreeMap<(u32, u32), (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (probe, hit) in hits {
        let p = &PROBES[*probe];
        let (verbs, resources) = by_rule.entry((hit.role, hit.rule)).or_default();
        let (verb, resource) = if p.capability == Capability::FullAccess {
            (
                "`*` verbs".to_owned(),
                "`*` resources in `*` API groups".to_owned(),
            )
        } else if p.subresource.is_empty() {
            (format!("`{}`", p.verb), format!("`{}`", p.resource))
        } else {
            (
                format!("`{}`", p.verb),
                format!("`{}/{}`", p.resource, p.subresource),
            )
        };
        if !verbs.contains(&verb) {
            verbs.push(verb);
        }
        if !resources.contains(&resource) {
            resources.push(resource);
        }
    }
    by_rule
        .iter()
        .map(|((role, rule), (verbs, resources))| {
            let names = rbac.roles[*role as usize]
                .rules
                .get(*rule as usize)
                .and_then(Option::as_ref)
                .map(|r| &r.resource_names[..])
                .unwrap_or_default();
            let only = if names.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!(" (only {})", and_list(&names))
            };
            format!(
                "rule {rule} allows {} on {}{only}",
                and_list(verbs),
                and_list(resources)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the target version says about `get` opening exec, attach and port-forward over
/// WebSocket, when only such `get`s grant the capability.
fn websocket_note(granted: &Granted, version: Option<(u32, u32)>) -> &'static str {
    let only_get = granted.hits.iter().all(|(p, _)| PROBES[*p].websocket_get);
    match (only_get, version) {
        (false, _) => "",
        (true, None) => {
            " (`get` opens it over WebSocket on clusters before v1.35; no target version is set)"
        }
        (true, Some(_)) => " (`get` opens it over WebSocket on the target version, before v1.35)",
    }
}

/// Points the finding's related locations at the rules behind `hits` (skipping the one
/// the finding is on).
fn relate_hits(
    finding: &mut RawFinding,
    rbac: &Rbac,
    objects: &[Object<'_>],
    hits: &[(usize, Hit)],
    skip: Option<Hit>,
) {
    let mut seen: Vec<Hit> = skip.into_iter().collect();
    for (probe, hit) in hits {
        if seen.contains(hit) {
            continue;
        }
        seen.push(*hit);
        let Some(object) = rbac.role_object(hit.role as usize) else {
            continue;
        };
        finding.related(
            &objects[object],
            hit_pointer(hit),
            format!(
                "rule {} of {} allows {}",
                hit.rule,
                rbac.roles[hit.role as usize].describe(),
                PROBES[*probe].describe()
            ),
        );
    }
}

/// The role-level rules: for each Role and ClusterRole of the input (not Kubernetes' own
/// definitions, not aggregated ClusterRoles, whose rules the controller replaces), one
/// finding per capability of `family` its own rules grant, on the first rule line that
/// grants it, with the others related. Full access stands for every other capability:
/// while `rbac-full-access` runs, the other rules leave such roles to it.
fn report_role_capabilities(
    ctx: &Ctx<'_>,
    objects: &[Object<'_>],
    out: &mut Emitter,
    family: &[Capability],
) {
    let rbac = ctx.rbac(objects);
    let full_access_reported = ctx.runs(&rbac_full_access::RBAC_FULL_ACCESS);
    let version = ctx.options.kubernetes_version;
    for role in &rbac.roles {
        let crate::rbac::RoleSource::Input(index) = role.source else {
            continue;
        };
        if role.kubernetes_default || role.aggregation.is_some() {
            continue;
        }
        let granted = capabilities(&role.own, !role.cluster, version);
        let full = granted
            .first()
            .is_some_and(|g| g.capability == Capability::FullAccess);
        if full && full_access_reported && !family.contains(&Capability::FullAccess) {
            continue;
        }
        let object = &objects[index];
        let noun = if role.cluster { "cluster role" } else { "role" };
        for g in granted.iter().filter(|g| family.contains(&g.capability)) {
            let first = g.hits[0].1;
            let scope = match (g.capability, role.cluster) {
                (Capability::FullAccess, false) => " in its namespace",
                _ => "",
            };
            let finding = out.report(
                object,
                hit_pointer(&first),
                format!(
                    "{noun} `{}` can {}{scope}: {}{}",
                    role.name,
                    g.capability.phrase(),
                    allows_text(&rbac, &g.hits),
                    websocket_note(g, version),
                ),
            );
            finding.severity = Some(g.capability.severity());
            relate_hits(finding, &rbac, objects, &g.hits, Some(first));
        }
    }
}

/// Every capability of `granted`, for messages: `read Secrets and create pods`.
fn phrases(granted: &[Granted]) -> String {
    let all: Vec<String> = granted
        .iter()
        .map(|g| g.capability.phrase().to_owned())
        .collect();
    and_list(&all)
}
