//! One finding per root cause (issue 11, item 7): rules that see the same problem from
//! different sides report it once, the strongest with the others in `relatedRules`.

use kubecheck_core::report::Finding;
use kubecheck_core::{check, Options, Report, Severity, Source};

fn run(yaml: &str, options: &Options) -> Report {
    check(vec![Source::new("in.yaml", yaml.to_owned())], options)
}

/// The pod-security rules only: folding is about them, and the other categories
/// (network policy coverage, image end of life, floating tags) report on the same pods.
fn pod_security() -> Options {
    Options {
        only: vec!["pod-security".to_owned()],
        ..Options::default()
    }
}

fn rules(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

fn pod(annotations: &str, container: &str, volumes: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {{{annotations}}}\nspec:\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {{type: RuntimeDefault}}\n  automountServiceAccountToken: false\n  containers:\n  - name: app\n    image: nginx:1.27\n    resources: {{limits: {{cpu: 1, memory: 1Gi}}}}\n{container}{volumes}"
    )
}

/// A container that passes the restricted level but for what `extra` adds to its
/// security context.
fn hardened(extra: &str) -> String {
    format!("    securityContext:\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n{extra}")
}

const DOCKER_SOCKET: &str = "    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]\n  volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n";

const CAPS_DROPPED: &str = "      capabilities: {drop: [ALL]}\n";

#[test]
fn a_host_path_is_reported_once_with_the_other_rules_related() {
    let yaml = pod("", &hardened(CAPS_DROPPED), DOCKER_SOCKET);
    let report = run(&yaml, &pod_security());
    assert_eq!(rules(&report.findings), ["sensitive-host-path"]);
    let finding = &report.findings[0];
    assert_eq!(finding.severity, Severity::Critical);
    assert_eq!(
        finding.related_rules,
        ["host-path-volume", "non-restricted-volume-type"]
    );
    // The baseline control the cause breaks stays on the finding.
    assert_eq!(finding.pss.as_ref().unwrap().control, "hostPathVolumes");
    assert_eq!(report.summary.findings, 1);
}

#[test]
fn a_folded_rule_that_runs_alone_reports_itself() {
    let yaml = pod("", &hardened(CAPS_DROPPED), DOCKER_SOCKET);
    for rule in ["host-path-volume", "non-restricted-volume-type"] {
        let options = Options {
            only: vec![rule.to_owned()],
            ..Options::default()
        };
        let report = run(&yaml, &options);
        assert_eq!(rules(&report.findings), [rule]);
        assert!(report.findings[0].related_rules.is_empty());
    }
}

#[test]
fn suppressing_the_reporting_rule_suppresses_the_cause_and_a_weaker_one_changes_nothing() {
    let silenced = pod(
        "kubecheck.io/ignore: 'sensitive-host-path # the agent reads container events'",
        &hardened(CAPS_DROPPED),
        DOCKER_SOCKET,
    );
    let report = run(&silenced, &pod_security());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(rules(&report.suppressed), ["sensitive-host-path"]);
    assert_eq!(
        report.suppressed[0].related_rules,
        ["host-path-volume", "non-restricted-volume-type"]
    );
    // Silencing the generic rule does not hide the socket.
    let generic = pod(
        "kubecheck.io/ignore: host-path-volume",
        &hardened(CAPS_DROPPED),
        DOCKER_SOCKET,
    );
    let report = run(&generic, &pod_security());
    assert_eq!(rules(&report.findings), ["sensitive-host-path"]);
    assert!(report.suppressed.is_empty());
}

#[test]
fn sys_admin_is_critical_with_the_pod_security_rules_folded_and_other_capabilities_related() {
    let yaml = pod(
        "",
        "    securityContext:\n      readOnlyRootFilesystem: true\n      capabilities: {add: [SYS_ADMIN, NET_ADMIN]}\n",
        "",
    );
    let report = run(&yaml, &pod_security());
    assert_eq!(rules(&report.findings), ["sys-admin-capability"]);
    let finding = &report.findings[0];
    assert_eq!(finding.severity, Severity::Critical);
    for folded in [
        "dangerous-capabilities",
        "unrestricted-capabilities",
        "privilege-escalation",
    ] {
        assert!(
            finding.related_rules.iter().any(|r| r == folded),
            "{folded} not in {:?}",
            finding.related_rules
        );
    }
    let related: Vec<&str> = finding.related.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(related.len(), 1, "{related:?}");
    assert!(related[0].contains("`NET_ADMIN`"), "{related:?}");
    assert_eq!(
        finding.related[0].location.path,
        "/spec/containers/0/securityContext/capabilities/add/1"
    );
}

#[test]
fn one_capability_added_after_dropping_all_is_not_high() {
    let with_drop = pod(
        "",
        &hardened("      capabilities: {drop: [ALL], add: [NET_ADMIN]}\n"),
        "",
    );
    let report = run(&with_drop, &pod_security());
    assert_eq!(rules(&report.findings), ["dangerous-capabilities"]);
    assert_eq!(report.findings[0].severity, Severity::Medium);
    // Kept on top of the runtime's default set, the same capability is high.
    let without = pod(
        "",
        &hardened("      capabilities: {add: [NET_ADMIN]}\n"),
        "",
    );
    let report = run(&without, &pod_security());
    let added = report
        .findings
        .iter()
        .find(|f| f.rule == "dangerous-capabilities")
        .expect("NET_ADMIN reported");
    assert_eq!(added.severity, Severity::High);
    // Alone or not, SYS_ADMIN is a direct path to the node.
    let sys_admin = pod(
        "",
        &hardened("      capabilities: {drop: [ALL], add: [SYS_ADMIN]}\n"),
        "",
    );
    let report = run(&sys_admin, &pod_security());
    assert_eq!(report.max_severity(), Some(Severity::Critical));
}

/// The calico-node DaemonSet gave 57 findings before folding: each hostPath volume two
/// or three times, each privileged container with the escalation and capabilities it
/// has anyway.
#[test]
fn calico_node_reports_each_cause_once() {
    let yaml = include_str!("inputs/calico-node.yaml");
    let report = run(yaml, &pod_security());
    let of = |rules: &[&str]| {
        report
            .findings
            .iter()
            .filter(|f| rules.contains(&f.rule.as_str()))
            .count()
    };
    // Thirteen hostPath volumes, thirteen findings.
    assert_eq!(
        of(&[
            "host-path-volume",
            "sensitive-host-path",
            "non-restricted-volume-type"
        ]),
        13
    );
    // Four privileged containers, one finding each.
    assert_eq!(of(&["privileged-container"]), 4);
    assert_eq!(
        of(&["privilege-escalation", "unrestricted-capabilities"]),
        0
    );
    assert_eq!(
        report.summary.findings,
        31,
        "{:#?}",
        rules(&report.findings)
    );
    // Each remediation names where to act.
    let remediation = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.remediation.clone())
            .unwrap_or_default()
    };
    assert!(remediation("privileged-container").ends_with(" Where: init container `upgrade-ipam`."));
    assert!(remediation("sensitive-host-path").ends_with(" Where: volume `sys-fs`."));
}
