//! The rules beyond the Pod Security Standards under other options and with more input
//! than their fixtures (`core/tests/fixtures/`).

use crate::pss::PssTarget;
use crate::report::Finding;
use crate::rules::test_support::{fixture, run};
use crate::{check, Options, Source};

/// The findings of these rules carry a fix (the fixture shows where they fire).
#[test]
fn writable_root_filesystem_and_automount_findings_carry_a_fix() {
    for rule in [
        "writable-root-filesystem",
        "automount-service-account-token",
    ] {
        let findings = run(rule, &fixture(rule), |_| {});
        assert_eq!(findings.len(), 2, "{rule}");
        assert!(findings.iter().all(|f| f.fix.is_some()), "{rule}");
    }
}

#[test]
fn net_raw_capability_fires_when_restricted_capabilities_do_not_run() {
    let yaml = fixture("net-raw-capability");
    let baseline: PssTarget = "baseline".parse().unwrap();
    let findings = run("net-raw-capability", &yaml, |o| o.pss = baseline);
    assert_eq!(findings.len(), 2);
    assert!(findings[0].fix.is_some());
    // Policy v1.21 predates `capabilities_restricted`.
    let old: PssTarget = "restricted:v1.21".parse().unwrap();
    assert_eq!(run("net-raw-capability", &yaml, |o| o.pss = old).len(), 2);
}

#[test]
fn net_raw_capability_is_silent_while_capabilities_restricted_reports_it() {
    let options = Options {
        enable: vec!["net-raw-capability".into()],
        ..Options::default()
    };
    let report = check(
        vec![Source::new("test.yaml", fixture("net-raw-capability"))],
        &options,
    );
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "net-raw-capability"));
    assert!(report.findings.iter().any(|f| f
        .pss
        .as_ref()
        .is_some_and(|p| p.control == "capabilities_restricted")));
}

/// `(object, pointer)` of each `no-seccomp-profile` finding on its fixture at baseline,
/// for a target Kubernetes version (the fixture's `fire-`/`dont-fire-` names hold for the
/// newest).
fn seccomp_at(version: Option<(u32, u32)>) -> Vec<(String, String)> {
    let baseline: PssTarget = "baseline".parse().unwrap();
    let findings = run("no-seccomp-profile", &fixture("no-seccomp-profile"), |o| {
        o.pss = baseline;
        o.kubernetes_version = version;
    });
    findings
        .into_iter()
        .map(|f| (f.resource.name.unwrap_or_default(), f.location.path))
        .collect()
}

fn owned(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, pointer)| ((*name).to_owned(), (*pointer).to_owned()))
        .collect()
}

#[test]
fn no_seccomp_profile_counts_what_the_target_version_honours() {
    // Newest behaviour (also without a version): the annotation is ignored.
    assert_eq!(
        seccomp_at(None),
        owned(&[
            ("fire-annotation-only", "/spec"),
            ("fire-one-container-without", "/spec/containers/0"),
        ])
    );
    // Before 1.19 only the annotations exist; the fix is the pod annotation.
    assert_eq!(
        seccomp_at(Some((1, 18))),
        owned(&[
            ("dont-fire-pod-field", "/metadata"),
            ("fire-one-container-without", "/metadata"),
            ("dont-fire-every-container", "/metadata"),
        ])
    );
    // From 1.19 to 1.26 both count.
    assert_eq!(
        seccomp_at(Some((1, 24))),
        owned(&[("fire-one-container-without", "/spec/containers/0")])
    );
}

#[test]
fn no_seccomp_profile_is_silent_while_seccomp_restricted_reports_it() {
    let options = Options {
        enable: vec!["no-seccomp-profile".into()],
        ..Options::default()
    };
    let report = check(
        vec![Source::new("test.yaml", fixture("no-seccomp-profile"))],
        &options,
    );
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "no-seccomp-profile"));
    assert!(report.findings.iter().any(|f| f
        .pss
        .as_ref()
        .is_some_and(|p| p.control == "seccompProfile_restricted")));
}

#[test]
fn pod_security_policy_names_the_closest_level() {
    let psps = fixture("pod-security-policy");
    let findings = run("pod-security-policy", &psps, |_| {});
    let level = |f: &Finding| {
        ["restricted", "baseline", "privileged"]
            .into_iter()
            .find(|l| f.message.contains(&format!("enforce: {l}`")))
    };
    let levels: Vec<_> = findings.iter().map(level).collect();
    assert_eq!(
        levels,
        [
            Some("restricted"),
            Some("privileged"),
            Some("baseline"),
            Some("privileged")
        ]
    );
    assert!(findings[0].message.contains("removed in Kubernetes 1.25"));
    assert!(findings[0].message.contains("any SELinux options"));
    assert!(!findings[0].message.contains("without a seccomp profile"));
    // Baseline does not ask for a seccomp profile: not a difference from it.
    assert!(!findings[2].message.contains("without a seccomp profile"));
    assert!(findings[1].message.contains("`NET_ADMIN`"));
    assert!(findings[2].message.contains("`nfs`"));
    assert!(findings[2].message.contains("running as root"));
    let no_default = psps.replace(
        "seccomp.security.alpha.kubernetes.io/defaultProfileName",
        "example.com/note",
    );
    let restricted = &run("pod-security-policy", &no_default, |_| {})[0];
    assert!(restricted.message.contains("`restricted`"));
    assert!(restricted
        .message
        .contains("pods without a seccomp profile"));
    let old = run("pod-security-policy", &psps, |o| {
        o.kubernetes_version = Some((1, 24))
    });
    assert!(old[0].message.contains("deprecated"));
}

#[test]
fn sys_admin_capability_reports_critical_with_the_pss_rules_folded_into_it() {
    let yaml = fixture("sys-admin-capability");
    let alone = run("sys-admin-capability", &yaml, |_| {});
    assert_eq!(alone.len(), 2);
    let report = check(vec![Source::new("test.yaml", yaml)], &Options::default());
    let sys_admin: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.rule == "sys-admin-capability")
        .collect();
    assert_eq!(sys_admin.len(), 2);
    for f in &sys_admin {
        assert_eq!(f.severity, crate::Severity::Critical);
        assert!(f
            .related_rules
            .contains(&"dangerous-capabilities".to_owned()));
        // The Pod Security control it breaks is kept on the finding.
        assert!(f
            .pss
            .as_ref()
            .is_some_and(|p| p.control == "capabilities_baseline"));
    }
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "dangerous-capabilities"));
}

#[test]
fn pod_security_policy_names_the_namespaces_its_grants_reach() {
    let psp = "\
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: psp
spec:
  privileged: true
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: use-psp
rules:
- apiGroups: [policy]
  resources: [podsecuritypolicies]
  resourceNames: [psp]
  verbs: [use]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: shop
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-psp}
subjects:
- {kind: Group, name: system:serviceaccounts:shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: agents
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-psp}
subjects:
- {kind: ServiceAccount, name: agent, namespace: monitoring}
- {kind: Group, name: system:serviceaccounts:batch}
";
    let message = |yaml: &str| run("pod-security-policy", yaml, |_| {})[0].message.clone();
    let scoped = message(psp);
    assert!(
        scoped.ends_with(
            "label namespace(s) `batch`, `monitoring`, `shop` `pod-security.kubernetes.io/enforce: privileged` instead"
        ),
        "{scoped}"
    );
    let everyone = format!(
        "{psp}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everyone
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-psp}}
subjects:
- {{kind: Group, name: system:authenticated}}
"
    );
    let wide = message(&everyone);
    assert!(
        wide.contains("granted in every namespace (to group `system:authenticated`) and namespace(s) `batch`, `monitoring`, `shop`; Pod Security Admission has no per-user levels"),
        "{wide}"
    );
    let other_policy = psp.replace("resourceNames: [psp]", "resourceNames: [other]");
    assert!(message(&other_policy).ends_with(
        "label its namespaces `pod-security.kubernetes.io/enforce: privileged` instead"
    ));
}
