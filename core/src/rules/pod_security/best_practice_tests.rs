//! Fire / don't-fire manifests for the rules beyond the Pod Security Standards.

use crate::pss::PssTarget;
use crate::report::Finding;
use crate::rules::test_support::{located, run};
use crate::{check, Options, Source};

fn at(findings: &[Finding]) -> Vec<(u32, String)> {
    findings
        .iter()
        .map(|f| (f.location.line, f.location.path.clone()))
        .collect()
}

fn owned(expected: &[(u32, &str)]) -> Vec<(u32, String)> {
    expected
        .iter()
        .map(|(l, p)| (*l, (*p).to_owned()))
        .collect()
}

#[test]
fn writable_root_filesystem_fires_unless_read_only_and_skips_windows() {
    let yaml = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire
spec:
  containers:
  - name: fire-unset
    image: nginx:1.27
  - name: fire-false
    image: nginx:1.27
    securityContext:
      readOnlyRootFilesystem: false
  - name: dont-fire
    image: nginx:1.27
    securityContext:
      readOnlyRootFilesystem: true
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-windows
spec:
  os:
    name: windows
  containers:
  - name: app
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
";
    let findings = run("writable-root-filesystem", yaml, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[
            (7, "/spec/containers/0"),
            (
                12,
                "/spec/containers/1/securityContext/readOnlyRootFilesystem"
            ),
        ])
    );
    assert!(findings.iter().all(|f| f.fix.is_some()));
}

#[test]
fn missing_resource_limits_names_what_is_missing_and_honours_limit_ranges() {
    let yaml = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire
spec:
  initContainers:
  - name: fire-nothing
    image: busybox:1.36
  containers:
  - name: fire-no-cpu
    image: nginx:1.27
    resources:
      limits:
        memory: 128Mi
  - name: dont-fire
    image: nginx:1.27
    resources:
      limits: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: limited
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-defaulted
  namespace: limited
spec:
  containers:
  - name: app
    image: nginx:1.27
";
    let findings = run("missing-resource-limits", yaml, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[
            (7, "/spec/initContainers/0"),
            (14, "/spec/containers/0/resources/limits"),
        ])
    );
    assert!(findings[0].message.contains("no `cpu` and `memory` limits"));
    assert!(findings[1].message.contains("no `cpu` limit"));
}

#[test]
fn automount_token_follows_pod_over_service_account_and_bindings() {
    let yaml = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire-default-account
  namespace: shop
spec:
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: quiet
  namespace: shop
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-account-opts-out
  namespace: shop
spec:
  serviceAccountName: quiet
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: Pod
metadata:
  name: fire-pod-overrides-account
  namespace: shop
spec:
  serviceAccountName: quiet
  automountServiceAccountToken: true
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: operator
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: operator}
subjects:
- {kind: ServiceAccount, name: operator}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dont-fire-bound-account
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: operator
      containers:
      - {name: app, image: operator:1.0}
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-pod-opts-out
  namespace: shop
spec:
  automountServiceAccountToken: false
  containers:
  - {name: app, image: nginx:1.27}
";
    let findings = run("automount-service-account-token", yaml, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[(7, "/spec"), (34, "/spec/automountServiceAccountToken")])
    );
    assert!(findings[0].message.contains("service account `default`"));
    assert!(findings[1].message.contains("service account `quiet`"));
    assert!(findings.iter().all(|f| f.fix.is_some()));
}

#[test]
fn share_process_namespace_fires_only_when_true() {
    let yaml = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire
spec:
  shareProcessNamespace: true
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire
spec:
  shareProcessNamespace: false
  containers:
  - {name: app, image: nginx:1.27}
";
    assert_eq!(
        located("share-process-namespace", yaml),
        owned(&[(6, "/spec/shareProcessNamespace")])
    );
}

#[test]
fn sensitive_host_path_fires_on_sockets_system_dirs_and_their_parents() {
    let yaml = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
      - name: agent
        image: agent:1.0
        volumeMounts:
        - {name: fire-socket, mountPath: /run/containerd/containerd.sock}
        - {name: fire-root, mountPath: /host, readOnly: true}
        - {name: fire-parent-of-kubelet, mountPath: /host/var/lib}
        - {name: fire-writable-logs, mountPath: /var/lib/docker/containers}
        - {name: dont-fire-read-only-logs, mountPath: /logs, readOnly: true}
        - {name: dont-fire-var-log, mountPath: /var/log}
        - {name: dont-fire-calico, mountPath: /var/run/calico}
      volumes:
      - name: fire-socket
        hostPath: {path: /run/containerd/containerd.sock, type: Socket}
      - name: fire-root
        hostPath:
          path: /
      - name: fire-parent-of-kubelet
        hostPath:
          path: /var/lib
      - name: fire-writable-logs
        hostPath: {path: /var/lib/docker/containers}
      - name: dont-fire-read-only-logs
        hostPath: {path: /var/lib/docker/containers}
      - name: dont-fire-var-log
        hostPath: {path: /var/log}
      - name: dont-fire-calico
        hostPath: {path: /var/run/calico}
      - name: dont-fire-not-mounted
        hostPath: {path: /var/run/docker.sock}
";
    let findings = run("sensitive-host-path", yaml, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[
            (21, "/spec/template/spec/volumes/0/hostPath/path"),
            (24, "/spec/template/spec/volumes/1/hostPath/path"),
            (27, "/spec/template/spec/volumes/2/hostPath/path"),
            (29, "/spec/template/spec/volumes/3/hostPath/path"),
        ])
    );
    assert!(findings[0].message.contains("containerd socket"));
    assert!(findings[2].message.contains("`/var/lib/kubelet`"));
}

const NET_RAW: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire
spec:
  containers:
  - name: fire-not-dropped
    image: nginx:1.27
  - name: fire-added
    image: nginx:1.27
    securityContext:
      capabilities:
        add: [NET_RAW]
        drop: [ALL]
  - name: dont-fire-dropped
    image: nginx:1.27
    securityContext:
      capabilities:
        drop: [CAP_NET_RAW]
";

#[test]
fn net_raw_capability_fires_when_restricted_capabilities_do_not_run() {
    let baseline: PssTarget = "baseline".parse().unwrap();
    let findings = run("net-raw-capability", NET_RAW, |o| o.pss = baseline);
    assert_eq!(
        at(&findings),
        owned(&[
            (7, "/spec/containers/0"),
            (13, "/spec/containers/1/securityContext/capabilities/add"),
        ])
    );
    assert!(findings[0].fix.is_some());
    // Policy v1.21 predates `capabilities_restricted`.
    let old: PssTarget = "restricted:v1.21".parse().unwrap();
    assert_eq!(run("net-raw-capability", NET_RAW, |o| o.pss = old).len(), 2);
}

#[test]
fn net_raw_capability_is_silent_while_capabilities_restricted_reports_it() {
    let options = Options {
        enable: vec!["net-raw-capability".into()],
        ..Options::default()
    };
    let report = check(vec![Source::new("test.yaml", NET_RAW)], &options);
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "net-raw-capability"));
    assert!(report.findings.iter().any(|f| f
        .pss
        .as_ref()
        .is_some_and(|p| p.control == "capabilities_restricted")));
}

const SECCOMP: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: by-annotation
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
spec:
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: Pod
metadata:
  name: by-field
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - {name: app, image: nginx:1.27}
---
apiVersion: v1
kind: Pod
metadata:
  name: one-container-has-it
spec:
  containers:
  - name: fire-without
    image: nginx:1.27
  - name: dont-fire-with
    image: nginx:1.27
    securityContext:
      seccompProfile: {type: RuntimeDefault}
";

fn seccomp_at(version: Option<(u32, u32)>) -> Vec<(u32, String)> {
    let baseline: PssTarget = "baseline".parse().unwrap();
    at(&run("no-seccomp-profile", SECCOMP, |o| {
        o.pss = baseline;
        o.kubernetes_version = version;
    }))
}

#[test]
fn no_seccomp_profile_counts_what_the_target_version_honours() {
    // Newest behaviour (also without a version): the annotation is ignored.
    assert_eq!(
        seccomp_at(None),
        owned(&[(8, "/spec"), (27, "/spec/containers/0")])
    );
    // Before 1.19 only the annotations exist; the fix is the pod annotation.
    assert_eq!(
        seccomp_at(Some((1, 18))),
        owned(&[(14, "/metadata"), (24, "/metadata")])
    );
    // From 1.19 to 1.26 both count.
    assert_eq!(
        seccomp_at(Some((1, 24))),
        owned(&[(27, "/spec/containers/0")])
    );
}

#[test]
fn no_seccomp_profile_is_silent_while_seccomp_restricted_reports_it() {
    let options = Options {
        enable: vec!["no-seccomp-profile".into()],
        ..Options::default()
    };
    let report = check(vec![Source::new("test.yaml", SECCOMP)], &options);
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "no-seccomp-profile"));
    assert!(report.findings.iter().any(|f| f
        .pss
        .as_ref()
        .is_some_and(|p| p.control == "seccompProfile_restricted")));
}

const PSPS: &str = "\
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
  annotations:
    seccomp.security.alpha.kubernetes.io/defaultProfileName: runtime/default
spec:
  allowPrivilegeEscalation: false
  requiredDropCapabilities: [ALL]
  volumes: [configMap, emptyDir, projected, secret, downwardAPI, persistentVolumeClaim]
  runAsUser:
    rule: MustRunAs
    ranges: [{min: 1, max: 65535}]
  seLinux: {rule: RunAsAny}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: any-volume
spec:
  volumes: ['*']
  allowedCapabilities: [NET_ADMIN]
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: baseline-ish
spec:
  allowedCapabilities: [CHOWN]
  volumes: [configMap, nfs]
  runAsUser: {rule: RunAsAny}
  seLinux: {rule: MustRunAs}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: privileged
spec:
  privileged: true
  hostNetwork: true
  volumes: ['*']
";

#[test]
fn pod_security_policy_names_the_closest_level() {
    let findings = run("pod-security-policy", PSPS, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[
            (1, "/apiVersion"),
            (16, "/apiVersion"),
            (24, "/apiVersion"),
            (34, "/apiVersion"),
        ])
    );
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
    let no_default = PSPS.replace(
        "seccomp.security.alpha.kubernetes.io/defaultProfileName",
        "example.com/note",
    );
    let restricted = &run("pod-security-policy", &no_default, |_| {})[0];
    assert!(restricted.message.contains("`restricted`"));
    assert!(restricted
        .message
        .contains("pods without a seccomp profile"));
    let old = run("pod-security-policy", PSPS, |o| {
        o.kubernetes_version = Some((1, 24))
    });
    assert!(old[0].message.contains("deprecated"));
}

#[test]
fn sys_admin_capability_speaks_only_when_capabilities_baseline_is_off() {
    let yaml = "\
apiVersion: v1
kind: Pod
metadata:
  name: fire
spec:
  containers:
  - name: fire-sys-admin
    image: nginx:1.27
    securityContext:
      capabilities:
        add: [NET_BIND_SERVICE, cap_sys_admin]
  - name: fire-all
    image: nginx:1.27
    securityContext:
      capabilities:
        add: [ALL]
  - name: dont-fire-chown
    image: nginx:1.27
    securityContext:
      capabilities:
        add: [CHOWN]
";
    let findings = run("sys-admin-capability", yaml, |_| {});
    assert_eq!(
        at(&findings),
        owned(&[
            (11, "/spec/containers/0/securityContext/capabilities/add/1"),
            (16, "/spec/containers/1/securityContext/capabilities/add/0"),
        ])
    );
    assert!(findings[0].message.contains("`SYS_ADMIN`"));
    let report = check(vec![Source::new("test.yaml", yaml)], &Options::default());
    assert!(report
        .findings
        .iter()
        .all(|f| f.rule != "sys-admin-capability"));
    assert!(report.findings.iter().any(|f| f
        .pss
        .as_ref()
        .is_some_and(|p| p.control == "capabilities_baseline")));
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
