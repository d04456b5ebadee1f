//! Partial objects and templates are judged only for what they set.
//!
//! A Kustomize patch, an evident fragment, or an operator-completed template overlay
//! (a CloudNativePG `Pooler`'s `template`, an ECK `podTemplate`) leaves fields to its
//! base or its operator. A finding about a value it sets (`privileged: true`) stands; a
//! finding about a field it leaves out (no `runAsNonRoot`, no limits) says nothing about
//! what runs. Rules report an omission at the pointer of the missing field, so one
//! check here serves every rule, built-in or run as a plugin: on a partial object, or
//! at or below a partial template, a finding whose pointer names no node is dropped.

use std::collections::HashMap;

use crate::model::Object;

use super::RawFinding;

pub(crate) fn drop_omissions(objects: &[Object<'_>], findings: &mut Vec<RawFinding>) {
    let partial: HashMap<usize, &Object<'_>> = objects
        .iter()
        .filter(|o| o.partial || o.pods.iter().any(|p| p.partial))
        .map(|o| (o.id, o))
        .collect();
    if partial.is_empty() {
        return;
    }
    findings.retain(|finding| {
        let Some(object) = partial.get(&finding.object) else {
            return true;
        };
        let judged_partially = object.partial
            || object
                .pods
                .iter()
                .any(|pod| pod.partial && within(&finding.pointer, pod.root_pointer()));
        !judged_partially || object.at(&finding.pointer).is_some()
    });
}

/// Whether `pointer` is `root` or below it.
fn within(pointer: &str, root: &str) -> bool {
    pointer
        .strip_prefix(root)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use crate::{check, Options, Source};

    fn rules_fired(sources: &[(&str, &str)]) -> Vec<(String, String)> {
        let sources = sources.iter().map(|(n, t)| Source::new(*n, *t)).collect();
        let report = check(sources, &Options::default());
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.location.path.clone()))
            .collect()
    }

    const POOLER: &str = "apiVersion: postgresql.cnpg.io/v1
kind: Pooler
metadata: {name: pooler, namespace: db}
spec:
  cluster: {name: pg}
  pgbouncer: {poolMode: session}
  template:
    metadata: {labels: {app: pooler}}
    spec:
      containers:
      - name: pgbouncer
        securityContext:
          privileged: true
";

    #[test]
    fn an_overlay_is_judged_for_what_it_sets_not_for_what_it_omits() {
        let fired = rules_fired(&[("pooler.yaml", POOLER)]);
        assert!(
            fired
                .iter()
                .any(|(rule, path)| rule == "privileged-container"
                    && path == "/spec/template/spec/containers/0/securityContext/privileged"),
            "{fired:?}"
        );
        // No omission findings: no runAsNonRoot, no limits, no seccomp profile, no image.
        for (rule, _) in &fired {
            assert!(
                ![
                    "run-as-root",
                    "missing-resource-limits",
                    "seccomp-not-enforced",
                    "latest-image-tag",
                    "writable-root-filesystem"
                ]
                .contains(&rule.as_str()),
                "{fired:?}"
            );
        }
    }

    const PATCH: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          allowPrivilegeEscalation: true
";

    #[test]
    fn a_kustomize_patch_is_judged_for_what_it_sets() {
        let kustomization =
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\npatches:\n- path: patch.yaml\n";
        // With a selector the patch is not evidently partial: only the kustomization
        // says it is a patch.
        let patch = PATCH.replace(
            "spec:\n  template",
            "spec:\n  selector: {matchLabels: {app: web}}\n  template",
        );
        let fired = rules_fired(&[
            ("overlays/prod/kustomization.yaml", kustomization),
            ("overlays/prod/patch.yaml", &patch),
        ]);
        assert_eq!(
            fired,
            [(
                "privilege-escalation".to_owned(),
                "/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation"
                    .to_owned()
            )]
        );
        // The same file checked without its kustomization is a whole object.
        let alone = rules_fired(&[("overlays/prod/patch.yaml", &patch)]);
        assert!(
            alone.iter().any(|(rule, _)| rule == "run-as-root"),
            "{alone:?}"
        );
        assert!(alone.len() > 1, "{alone:?}");
    }

    #[test]
    fn a_workload_without_its_required_selector_and_images_is_a_fragment() {
        let fragment = PATCH.replace("        image: nginx:1.27\n", "");
        let fired = rules_fired(&[("patch.yaml", &fragment)]);
        assert_eq!(fired.len(), 1, "{fired:?}");
        assert_eq!(fired[0].0, "privilege-escalation");
        // With its image it is a whole object that forgot its selector.
        let whole = rules_fired(&[("deploy.yaml", PATCH)]);
        assert!(
            whole.iter().any(|(rule, _)| rule == "run-as-root"),
            "{whole:?}"
        );
    }
}
