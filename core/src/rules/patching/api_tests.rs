//! The removal table row by row, and the migrations before and after.

use std::collections::BTreeSet;

use crate::data::api_lifecycle::{Migration, API_CHANGES};
use crate::report::{Edit, Report};
use crate::{check, Options, Severity, Source};

fn at(version: u32, yaml: &str) -> Report {
    let options = Options {
        kubernetes_version: Some((1, version)),
        ..Options::default()
    };
    check(vec![Source::new("t.yaml", yaml)], &options)
}

fn of<'r>(report: &'r Report, rule: &str) -> Vec<&'r crate::report::Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn every_row_is_deprecated_before_its_removal_and_removed_at_it() {
    for row in API_CHANGES {
        for kind in row.kinds {
            let yaml = format!(
                "apiVersion: {}\nkind: {kind}\nmetadata:\n  name: t\n",
                row.api_version
            );
            let what = format!("{} {kind}", row.api_version);
            let before = at(row.deprecated - 1, &yaml);
            assert!(of(&before, "deprecated-api-version").is_empty(), "{what}");
            assert!(of(&before, "removed-api-version").is_empty(), "{what}");
            let last_served = row.removed.map_or(row.deprecated, |r| r - 1);
            let deprecated = at(last_served, &yaml);
            let found = of(&deprecated, "deprecated-api-version");
            assert_eq!(found.len(), 1, "{what} at v1.{last_served}");
            assert_eq!(found[0].severity, Severity::Medium);
            assert_eq!(found[0].location.path, "/apiVersion");
            if let Some(removed) = row.removed {
                assert!(
                    found[0]
                        .message
                        .contains(&format!("removed in v1.{removed}")),
                    "{}",
                    found[0].message
                );
                assert!(of(&deprecated, "removed-api-version").is_empty(), "{what}");
                let gone = at(removed, &yaml);
                let found = of(&gone, "removed-api-version");
                assert_eq!(found.len(), 1, "{what} at v1.{removed}");
                assert_eq!(found[0].severity, Severity::High);
                assert!(of(&gone, "deprecated-api-version").is_empty(), "{what}");
            }
            if let Some(replacement) = row.replacement {
                assert!(
                    found[0].message.contains(replacement.api_version),
                    "{}",
                    found[0].message
                );
            }
        }
    }
}

#[test]
fn the_default_target_is_the_newest_release_in_the_data() {
    let yaml = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: t\n";
    let report = check(vec![Source::new("t.yaml", yaml)], &Options::default());
    let found = of(&report, "removed-api-version");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("(target v1.36)"),
        "{}",
        found[0].message
    );
    let psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: t\n";
    let report = at(25, psp);
    let message = &of(&report, "removed-api-version")[0].message;
    assert!(message.contains("nothing replaces") && message.contains("Pod Security Admission"));
}

/// Applies edits whose positions all refer to `text` (as the web page does).
fn apply(text: &str, edits: &[Edit]) -> String {
    let offset = |line: u32, column: u32| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column as usize - 1)
                .map_or(rest.len(), |(i, _)| i)
    };
    let mut ranges: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(e.line, e.column),
                offset(e.end_line, e.end_column),
                e.text.as_str(),
            )
        })
        .collect();
    ranges.sort_by_key(|&(start, end, _)| (start, end));
    assert!(
        ranges.windows(2).all(|w| w[1].0 >= w[0].1),
        "overlapping edits {edits:?}"
    );
    let mut out = String::new();
    let mut at = 0;
    for (start, end, replacement) in ranges {
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Each finding's rule and place; a place the migration renames (an Ingress's
/// `spec.backend` is `spec.defaultBackend` in v1) under its new name, so a finding that
/// moves with its field is not new.
fn rules_and_places(report: &Report) -> BTreeSet<(String, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            let path = match f.location.path.strip_prefix("/spec/backend") {
                Some(rest) => format!("/spec/defaultBackend{rest}"),
                None => f.location.path.clone(),
            };
            (f.rule.clone(), path)
        })
        .collect()
}

/// Applies the API rule's fix at `version`, re-checks, and returns the fixed text: it
/// must be served at `version` and raise nothing that the original did not.
fn migrate(version: u32, before: &str) -> String {
    let report = at(version, before);
    let api: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "removed-api-version" || f.rule == "deprecated-api-version")
        .collect();
    assert_eq!(api.len(), 1, "{:#?}", report.findings);
    let fix = api[0].fix.as_ref().expect("a migration fix");
    let after = apply(before, &fix.edits);
    let fixed = at(version, &after);
    assert!(fixed.errors.is_empty(), "{after}\n{:?}", fixed.errors);
    let new: Vec<_> = rules_and_places(&fixed)
        .difference(&rules_and_places(&report))
        .cloned()
        .collect();
    assert!(new.is_empty(), "new findings {new:?} in\n{after}");
    assert!(
        !fixed
            .findings
            .iter()
            .any(|f| f.rule == "removed-api-version" || f.rule == "deprecated-api-version"),
        "{after}"
    );
    after
}

const DEPLOYMENT: &str = "\
apiVersion: extensions/v1beta1 # old
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27.3
";

#[test]
fn an_extensions_deployment_moves_to_apps_v1_with_the_template_labels_as_selector() {
    let after = migrate(16, DEPLOYMENT);
    assert_eq!(
        after,
        DEPLOYMENT.replace("extensions/v1beta1", "apps/v1")
            + "  selector:\n    matchLabels:\n      app: web\n"
    );
}

#[test]
fn an_extensions_daemonset_keeps_its_on_delete_updates() {
    let before = DEPLOYMENT
        .replace("kind: Deployment", "kind: DaemonSet")
        .replace(
            "  replicas: 2\n",
            "  templateGeneration: 3\n  minReadySeconds: 5\n",
        );
    let after = migrate(22, &before);
    assert!(after.contains("apiVersion: apps/v1 # old\n"), "{after}");
    assert!(
        after.contains("  updateStrategy:\n    type: OnDelete\n"),
        "{after}"
    );
    assert!(!after.contains("templateGeneration"), "{after}");
}

const INGRESS: &str = "\
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example
    http:
      paths:
      - path: /
        backend:
          serviceName: web   # the front end
          servicePort: 80
      - path: /admin
        pathType: Prefix
        backend:
          serviceName: admin
          servicePort: http
  backend:
    serviceName: default
    servicePort: 8080
";

#[test]
fn an_ingress_gets_service_backends_path_types_and_a_default_backend() {
    let after = migrate(19, INGRESS);
    let expected = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example
    http:
      paths:
      - path: /
        backend:
          service:
            name: web
            port:
              number: 80
        pathType: ImplementationSpecific
      - path: /admin
        pathType: Prefix
        backend:
          service:
            name: admin
            port:
              name: http
  defaultBackend:
    service:
      name: default
      port:
        number: 8080
";
    assert_eq!(after, expected);
    // At v1.22 the same fix moves an extensions/v1beta1 Ingress.
    migrate(
        22,
        &INGRESS.replace("networking.k8s.io/v1beta1", "extensions/v1beta1"),
    );
}

#[test]
fn an_hpa_v2beta1_gets_v2_metric_targets() {
    let before = "\
apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      targetAverageUtilization: 80
  - type: Pods
    pods:
      metricName: requests_per_second
      targetAverageValue: 10
  - type: External
    external: {metricName: queue_length, targetValue: 30}
";
    let after = migrate(25, before);
    assert!(after.starts_with("apiVersion: autoscaling/v2\n"), "{after}");
    assert!(
        after.contains(
            "    resource:\n      name: cpu\n      target:\n        averageUtilization: 80\n        type: Utilization\n"
        ),
        "{after}"
    );
    assert!(
        after.contains("    pods:\n      metric:\n        name: requests_per_second\n      target:\n        averageValue: 10\n        type: AverageValue\n"),
        "{after}"
    );
    assert!(
        after
            .contains("external: {metric: {name: queue_length}, target: {type: Value, value: 30}}"),
        "{after}"
    );
    // Not before autoscaling/v2 exists.
    let early = at(22, before);
    assert!(of(&early, "deprecated-api-version")[0].fix.is_none());
}

#[test]
fn simple_renames_move_cronjobs_pdbs_roles_and_priority_classes() {
    let cases = [
        (25, "batch/v1beta1", "CronJob", "batch/v1", "spec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: job\n            image: busybox:1.36.1\n"),
        (25, "policy/v1beta1", "PodDisruptionBudget", "policy/v1", "spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n"),
        (22, "rbac.authorization.k8s.io/v1beta1", "ClusterRole", "rbac.authorization.k8s.io/v1", "rules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n"),
        (22, "scheduling.k8s.io/v1beta1", "PriorityClass", "scheduling.k8s.io/v1", "value: 1000\n"),
    ];
    for (version, from, kind, to, rest) in cases {
        let before = format!("apiVersion: {from}\nkind: {kind}\nmetadata:\n  name: t\n{rest}");
        let after = migrate(version, &before);
        assert_eq!(after, before.replace(from, to));
    }
}

#[test]
fn a_pdb_with_an_empty_selector_is_not_moved() {
    let before = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: t\nspec:\n  minAvailable: 1\n  selector: {}\n";
    assert!(of(&at(25, before), "removed-api-version")[0].fix.is_none());
}

#[test]
fn a_webhook_keeps_its_v1beta1_behaviour_in_v1() {
    let before = "\
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: policy.example.com
  clientConfig:
    service: {name: policy, namespace: policy}
  rules:
  - apiGroups: [\"\"]
    apiVersions: [v1]
    operations: [CREATE]
    resources: [pods]
";
    let after = migrate(22, before);
    assert!(after.starts_with("apiVersion: admissionregistration.k8s.io/v1\n"));
    for line in [
        "  sideEffects: None\n",
        "  admissionReviewVersions:\n  - v1beta1\n",
        "  failurePolicy: Ignore\n",
        "  matchPolicy: Exact\n",
        "  timeoutSeconds: 30\n",
    ] {
        assert!(after.contains(line), "{line} in\n{after}");
    }
    let unknown = before.replace("- name: policy", "- sideEffects: Unknown\n  name: policy");
    assert!(of(&at(22, &unknown), "removed-api-version")[0]
        .fix
        .is_none());
}

#[test]
fn manual_migrations_have_no_fix_and_every_mechanical_row_has_one() {
    for row in API_CHANGES {
        let yaml = format!(
            "apiVersion: {}\nkind: {}\nmetadata:\n  name: t\n",
            row.api_version, row.kinds[0]
        );
        let Some(removed) = row.removed else { continue };
        let report = at(removed, &yaml);
        let finding = &of(&report, "removed-api-version")[0];
        let served = row.replacement.is_some_and(|r| r.since <= removed);
        // Bare objects: the apps, ingress and webhook rows have nothing to reshape.
        let mechanical = matches!(row.migration, Migration::ApiVersion | Migration::Ingress)
            || (row.migration == Migration::Apps && row.kinds[0] == "ControllerRevision");
        if row.migration == Migration::Manual {
            assert!(finding.fix.is_none(), "{}", row.api_version);
        } else if mechanical && served {
            assert!(
                finding.fix.is_some(),
                "{} {}",
                row.api_version,
                row.kinds[0]
            );
        }
    }
}
