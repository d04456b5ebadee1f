//! The Pod Security Standards rules on workloads: every kind of pod template, every kind
//! of container, `List` items, and the behaviour per level and policy version.

use crate::report::Finding;
use crate::{check, Options, Source};

/// The PSS findings for `yaml` checked at `pss` (`LEVEL[:VERSION]`).
fn pss_findings(yaml: &str, pss: &str) -> Vec<Finding> {
    pss_findings_with(yaml, pss, &[])
}

fn pss_findings_with(yaml: &str, pss: &str, disable: &[&str]) -> Vec<Finding> {
    let options = Options {
        only: vec!["pss".into()],
        disable: disable.iter().map(|s| (*s).to_owned()).collect(),
        pss: pss.parse().expect("a PSS target"),
        ..Options::default()
    };
    let report = check(vec![Source::new("test.yaml", yaml)], &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.findings
}

/// `(rule, pointer, line)` of each finding.
fn located(findings: &[Finding]) -> Vec<(&str, &str, u32)> {
    findings
        .iter()
        .map(|f| (f.rule.as_str(), f.location.path.as_str(), f.location.line))
        .collect()
}

fn rules(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(yaml: &str, needle: &str) -> u32 {
    let index = yaml
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the YAML"));
    index as u32 + 1
}

/// A pod spec (indented for `spec.template.spec`) that passes restricted:latest.
const CLEAN_TEMPLATE_SPEC: &str = "      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
";

#[test]
fn a_clean_deployment_passes_restricted() {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n{CLEAN_TEMPLATE_SPEC}"
    );
    assert_eq!(located(&pss_findings(&yaml, "restricted")), []);
}

#[test]
fn deployment_privileged_container_points_into_the_template() {
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
";
    let findings = pss_findings(yaml, "restricted:latest");
    assert_eq!(
        located(&findings),
        [(
            "privileged-container",
            "/spec/template/spec/containers/0/securityContext/privileged",
            line_of(yaml, "privileged: true")
        )]
    );
    assert_eq!(
        findings[0].message,
        "container `app` sets `privileged: true`"
    );
    assert_eq!(
        findings[0].pss.as_ref().map(|p| p.control.as_str()),
        Some("privileged")
    );
}

#[test]
fn cronjob_host_network_points_into_the_job_template() {
    let yaml = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: \"0 1 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: busybox:1.36
";
    let findings = pss_findings(yaml, "baseline:v1.0");
    assert_eq!(
        located(&findings),
        [(
            "host-namespaces",
            "/spec/jobTemplate/spec/template/spec/hostNetwork",
            line_of(yaml, "hostNetwork")
        )]
    );
    assert!(
        findings[0].fix.is_some(),
        "hostNetwork: false is a safe fix"
    );
}

#[test]
fn baseline_never_reports_restricted_controls() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
";
    assert_eq!(rules(&pss_findings(yaml, "baseline")), Vec::<&str>::new());
    let restricted = pss_findings(yaml, "restricted");
    assert_eq!(
        rules(&restricted),
        [
            "privilege-escalation",
            "run-as-root",
            "seccomp-not-enforced",
            "unrestricted-capabilities"
        ]
    );
    // Controls appear with their policy version.
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.7")),
        ["run-as-root"]
    );
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.18")),
        ["privilege-escalation", "run-as-root"]
    );
}

#[test]
fn probe_hosts_are_forbidden_from_v1_34() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    lifecycle:
      preStop:
        tcpSocket: {host: 10.0.0.1, port: 80}
";
    assert_eq!(
        rules(&pss_findings(yaml, "baseline:v1.33")),
        Vec::<&str>::new()
    );
    let findings = pss_findings(yaml, "baseline:v1.34");
    assert_eq!(
        located(&findings),
        [(
            "probe-custom-host",
            "/spec/containers/0/lifecycle/preStop/tcpSocket/host",
            line_of(yaml, "tcpSocket")
        )]
    );
    assert_eq!(
        findings[0].message,
        "container `app` sets `lifecycle.preStop` host `10.0.0.1`"
    );
}

#[test]
fn user_namespaces_relax_proc_mount_and_root_from_v1_35() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: build
spec:
  hostUsers: false
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: moby/buildkit:v0.16.0
    securityContext:
      procMount: Unmasked
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
";
    assert_eq!(
        rules(&pss_findings(yaml, "baseline:v1.34")),
        ["unmasked-proc-mount"]
    );
    assert_eq!(
        rules(&pss_findings(yaml, "baseline:v1.35")),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.34")),
        ["run-as-root", "unmasked-proc-mount"]
    );
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.35")),
        ["unmasked-proc-mount-restricted"]
    );
}

#[test]
fn unmasked_proc_mount_is_reported_once_at_restricted() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: build
spec:
  containers:
  - name: app
    image: moby/buildkit:v0.16.0
    securityContext:
      procMount: Unmasked
";
    let rules_at = |disable: &[&str]| -> Vec<String> {
        pss_findings_with(yaml, "restricted", disable)
            .into_iter()
            .filter(|f| f.rule.starts_with("unmasked"))
            .map(|f| f.rule)
            .collect()
    };
    assert_eq!(rules_at(&[]), ["unmasked-proc-mount"]);
    assert_eq!(
        rules_at(&["unmasked-proc-mount"]),
        ["unmasked-proc-mount-restricted"]
    );
}

#[test]
fn windows_pods_are_exempt_from_linux_only_controls_from_v1_25() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  os: {name: windows}
  securityContext:
    runAsNonRoot: true
  containers:
  - name: app
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
";
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.24")),
        [
            "privilege-escalation",
            "seccomp-not-enforced",
            "unrestricted-capabilities"
        ]
    );
    assert_eq!(
        rules(&pss_findings(yaml, "restricted:v1.25")),
        Vec::<&str>::new()
    );
}

#[test]
fn safe_sysctls_grow_with_the_policy_version() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    sysctls:
    - name: net.ipv4.tcp_rmem
      value: 4096 87380 16777216
  containers:
  - name: app
    image: nginx:1.27
";
    assert_eq!(
        located(&pss_findings(yaml, "baseline:v1.31")),
        [(
            "unsafe-sysctls",
            "/spec/securityContext/sysctls/0/name",
            line_of(yaml, "tcp_rmem")
        )]
    );
    assert_eq!(
        rules(&pss_findings(yaml, "baseline:v1.32")),
        Vec::<&str>::new()
    );
}

#[test]
fn seccomp_annotations_count_before_v1_19_and_fields_after() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: app
    image: nginx:1.27
";
    assert_eq!(
        located(&pss_findings(yaml, "baseline:v1.18")),
        [(
            "unconfined-seccomp",
            "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod",
            line_of(yaml, "seccomp.security")
        )]
    );
    assert_eq!(
        located(&pss_findings(yaml, "baseline:v1.19")),
        [(
            "unconfined-seccomp",
            "/spec/securityContext/seccompProfile/type",
            line_of(yaml, "Unconfined")
        )]
    );
}

#[test]
fn added_capabilities_are_reported_once() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
        add: [NET_RAW, CHOWN]
";
    assert_eq!(
        located(&pss_findings(yaml, "restricted")),
        [
            (
                "dangerous-capabilities",
                "/spec/containers/0/securityContext/capabilities/add/0",
                line_of(yaml, "NET_RAW")
            ),
            (
                "unrestricted-capabilities",
                "/spec/containers/0/securityContext/capabilities/add/1",
                line_of(yaml, "NET_RAW")
            ),
        ]
    );
    let without_baseline = pss_findings_with(yaml, "restricted", &["dangerous-capabilities"]);
    assert_eq!(
        rules(&without_baseline),
        ["unrestricted-capabilities", "unrestricted-capabilities"]
    );
}
