use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};

use super::dangerous_capabilities::is_baseline_capability;
use super::non_restricted_volume_type::RESTRICTED_VOLUME_SOURCES;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::pod_security::pss_overlap::capability_name;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Flags a `PodSecurityPolicy` (`policy/v1beta1`, or the older
    /// `extensions/v1beta1`) and says which Pod Security Standards level its rules
    /// match most closely, so its namespaces can be labelled for Pod Security
    /// Admission instead.
    ///
    /// The level is found from the policy's fields: `privileged`, `hostNetwork`,
    /// `hostPID`, `hostIPC`, `hostPorts`, `volumes` (`hostPath`, `*`), capabilities
    /// outside the baseline set in `allowedCapabilities` or `defaultAddCapabilities`,
    /// `allowedProcMountTypes: [Unmasked]`, `allowedUnsafeSysctls` or custom SELinux
    /// users, roles and types make it `privileged`. Otherwise volume types outside the
    /// restricted list, `allowPrivilegeEscalation` not `false`, a `runAsUser` rule
    /// that allows root, `requiredDropCapabilities` without `ALL` or added
    /// capabilities other than `NET_BIND_SERVICE` make it `baseline`; else it is
    /// `restricted`. Looser settings that Pod Security Admission checks differently
    /// (`seLinux.rule: RunAsAny`, the seccomp annotations) are listed as differences.
    ///
    /// A policy applies where RBAC lets pods `use` it, so the message also names the
    /// namespaces to label: those of the `RoleBinding`s, and of the service accounts
    /// (and `system:serviceaccounts:<namespace>` groups) in `ClusterRoleBinding`s,
    /// that grant a role with `use` on it. A cluster-wide grant to other users or
    /// groups is said as such: Pod Security Admission has no per-user levels.
    ///
    /// ## Why is this bad?
    /// PodSecurityPolicy was deprecated in Kubernetes 1.21 and removed in 1.25. On a
    /// current cluster the object cannot even be created, and nothing enforces what
    /// it says: pods that it used to reject are admitted.
    ///
    /// Severity: medium: a PodSecurityPolicy enforces nothing on a current
    /// cluster, like a namespace without Pod Security labels: defence in depth missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1
    /// kind: PodSecurityPolicy
    /// metadata:
    ///   name: restricted
    /// spec:
    ///   privileged: false
    ///   allowPrivilegeEscalation: false
    ///   requiredDropCapabilities: ["ALL"]
    ///   volumes: ["configMap", "emptyDir", "projected", "secret", "persistentVolumeClaim"]
    ///   runAsUser:
    ///     rule: MustRunAsNonRoot
    ///   seLinux:
    ///     rule: RunAsAny
    ///   supplementalGroups:
    ///     rule: RunAsAny
    ///   fsGroup:
    ///     rule: RunAsAny
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## Options
    /// With `--k8s-version` older than 1.25 the message says the policy is deprecated
    /// rather than removed.
    ///
    /// ## Known problems
    /// The mapping is per field and approximate where the two models differ: AppArmor
    /// annotations, `fsGroup`, `supplementalGroups`, `runAsGroup` and
    /// `readOnlyRootFilesystem` have no Pod Security Standards control and are not
    /// compared. Only grants in the input are seen; aggregated cluster roles are not
    /// followed.
    ///
    /// ## References
    /// - Kubernetes docs: Migrate from PodSecurityPolicy to the Built-In PodSecurity Admission Controller
    /// - Kubernetes docs: Mapping PodSecurityPolicies to Pod Security Standards
    pub static POD_SECURITY_POLICY = Rule {
        id: "pod-security-policy",
        title: "PodSecurityPolicy (removed in Kubernetes 1.25)",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        applies_to: "PodSecurityPolicy",
        remediation: "Delete the PodSecurityPolicy and label the namespaces it served with `pod-security.kubernetes.io/enforce` at the level the message names.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/",
            "https://kubernetes.io/docs/reference/access-authn-authz/psp-to-pod-security-standards/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// SELinux types the baseline level allows.
const SELINUX_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

const SECCOMP_ALLOWED: &str = "seccomp.security.alpha.kubernetes.io/allowedProfileNames";
const SECCOMP_DEFAULT: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";

/// How a policy compares with the Pod Security levels, field by field.
#[derive(Debug, Default, PartialEq)]
struct Comparison {
    /// Settings the baseline level forbids.
    beyond_baseline: Vec<String>,
    /// Settings the restricted level forbids (and baseline allows).
    beyond_restricted: Vec<String>,
    /// Looser settings that do not decide the level, only differ from it: from both
    /// levels, and from restricted only.
    differences: Vec<String>,
    differences_from_restricted: Vec<String>,
}

impl Comparison {
    fn level(&self) -> &'static str {
        if !self.beyond_baseline.is_empty() {
            "privileged"
        } else if !self.beyond_restricted.is_empty() {
            "baseline"
        } else {
            "restricted"
        }
    }
}

fn strings(node: Option<&Node>) -> Vec<&str> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

fn integer(node: &Node) -> Option<i64> {
    match &node.value {
        Value::Scalar(s) => s.int(),
        _ => None,
    }
}

fn compare(spec: &Node, annotation: impl Fn(&str) -> Option<String>) -> Comparison {
    let mut c = Comparison::default();
    let flag = |key: &str| spec.get(key).and_then(Node::as_bool) == Some(true);
    for key in ["privileged", "hostNetwork", "hostPID", "hostIPC"] {
        if flag(key) {
            c.beyond_baseline.push(format!("`{key}: true`"));
        }
    }
    if spec
        .get("hostPorts")
        .and_then(Node::as_seq)
        .is_some_and(|ranges| !ranges.is_empty())
    {
        c.beyond_baseline.push("`hostPorts`".into());
    }
    let volumes = strings(spec.get("volumes"));
    if volumes.iter().any(|v| *v == "*" || *v == "hostPath") {
        c.beyond_baseline.push("`hostPath` volumes".into());
    }
    let other_volumes: Vec<&str> = volumes
        .iter()
        .copied()
        .filter(|v| *v != "*" && *v != "hostPath" && !RESTRICTED_VOLUME_SOURCES.contains(v))
        .collect();
    if volumes.contains(&"*") || !other_volumes.is_empty() {
        let list = if volumes.contains(&"*") {
            "`*`".to_owned()
        } else {
            other_volumes
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        c.beyond_restricted.push(format!("volume types {list}"));
    }
    let added: Vec<String> = strings(spec.get("allowedCapabilities"))
        .into_iter()
        .chain(strings(spec.get("defaultAddCapabilities")))
        .map(capability_name)
        .collect();
    let beyond: Vec<&String> = added
        .iter()
        .filter(|cap| !is_baseline_capability(cap))
        .collect();
    if !beyond.is_empty() {
        let list: Vec<String> = beyond.iter().map(|c| format!("`{c}`")).collect();
        c.beyond_baseline
            .push(format!("capabilities {}", list.join(", ")));
    } else if added.iter().any(|cap| cap != "NET_BIND_SERVICE") {
        c.beyond_restricted
            .push("added capabilities other than `NET_BIND_SERVICE`".into());
    }
    if strings(spec.get("allowedProcMountTypes")).contains(&"Unmasked") {
        c.beyond_baseline.push("`Unmasked` proc mounts".into());
    }
    if !strings(spec.get("allowedUnsafeSysctls")).is_empty() {
        c.beyond_baseline.push("unsafe sysctls".into());
    }
    let selinux = spec.get("seLinux");
    match selinux.and_then(|s| s.get("rule")).and_then(Node::as_str) {
        Some("MustRunAs") => {
            let options = selinux.and_then(|s| s.get("seLinuxOptions"));
            let field = |key: &str| {
                options
                    .and_then(|o| o.get(key))
                    .and_then(Node::as_str)
                    .filter(|v| !v.is_empty())
            };
            let custom_type = field("type").is_some_and(|t| !SELINUX_TYPES.contains(&t));
            if field("user").is_some() || field("role").is_some() || custom_type {
                c.beyond_baseline.push("custom SELinux options".into());
            }
        }
        _ => c
            .differences
            .push("any SELinux options (`seLinux.rule: RunAsAny`)".into()),
    }
    if spec.get("allowPrivilegeEscalation").and_then(Node::as_bool) != Some(false) {
        c.beyond_restricted.push("privilege escalation".into());
    }
    let run_as_user = spec.get("runAsUser");
    let non_root = match run_as_user
        .and_then(|r| r.get("rule"))
        .and_then(Node::as_str)
    {
        Some("MustRunAsNonRoot") => true,
        Some("MustRunAs") => {
            let ranges = run_as_user
                .and_then(|r| r.get("ranges"))
                .and_then(Node::as_seq)
                .unwrap_or_default();
            !ranges.is_empty()
                && ranges
                    .iter()
                    .all(|r| r.get("min").and_then(integer).is_some_and(|m| m >= 1))
        }
        _ => false,
    };
    if !non_root {
        c.beyond_restricted.push("running as root".into());
    }
    let drops = strings(spec.get("requiredDropCapabilities"));
    if !drops.iter().any(|d| capability_name(d) == "ALL") {
        c.beyond_restricted
            .push("keeping capabilities (`requiredDropCapabilities` lacks `ALL`)".into());
    }
    let allowed_seccomp = annotation(SECCOMP_ALLOWED).unwrap_or_default();
    if allowed_seccomp
        .split(',')
        .any(|p| matches!(p.trim(), "*" | "unconfined"))
    {
        c.differences
            .push("the `unconfined` seccomp profile".into());
    }
    if annotation(SECCOMP_DEFAULT).is_none() {
        c.differences_from_restricted
            .push("pods without a seccomp profile".into());
    }
    c
}

/// Where RBAC in the input lets pods use a policy.
#[derive(Debug, Default, PartialEq)]
struct Reach {
    namespaces: Vec<String>,
    /// Subjects granted it in every namespace (`group `x``).
    cluster_wide: Vec<String>,
}

/// Whether `role` (a Role or ClusterRole) grants `use` on the policy `name`.
fn grants_use(role: &Object<'_>, name: &str) -> bool {
    let any = |list: &Option<Vec<String>>, wanted: &[&str]| {
        list.iter()
            .flatten()
            .any(|v| v == "*" || wanted.contains(&v.as_str()))
    };
    role.typed::<Vec<PolicyRule>>("/rules")
        .unwrap_or_default()
        .iter()
        .any(|rule| {
            any(&rule.api_groups, &["policy", "extensions"])
                && any(&rule.resources, &["podsecuritypolicies"])
                && rule.verbs.iter().any(|v| v == "use" || v == "*")
                && rule
                    .resource_names
                    .as_ref()
                    .is_none_or(|names| names.is_empty() || names.iter().any(|n| n == name))
        })
}

fn reach(objects: &[Object<'_>], name: &str) -> Reach {
    let rbac = |o: &&Object<'_>| o.group() == "rbac.authorization.k8s.io";
    let roles: Vec<&Object<'_>> = objects
        .iter()
        .filter(rbac)
        .filter(|o| matches!(o.kind.as_str(), "Role" | "ClusterRole"))
        .filter(|o| grants_use(o, name))
        .collect();
    let mut reach = Reach::default();
    let add = |list: &mut Vec<String>, item: String| {
        if !list.contains(&item) {
            list.push(item);
        }
    };
    for binding in objects.iter().filter(rbac) {
        let Some(role_ref) = binding.typed::<RoleRef>("/roleRef") else {
            continue;
        };
        let granted = roles.iter().any(|role| {
            role.kind == role_ref.kind
                && role.name() == Some(role_ref.name.as_str())
                && (role.kind == "ClusterRole" || role.namespace() == binding.namespace())
        });
        if !granted {
            continue;
        }
        if binding.kind == "RoleBinding" {
            if let Some(ns) = binding.namespace() {
                add(&mut reach.namespaces, ns.to_owned());
            }
            continue;
        }
        if binding.kind != "ClusterRoleBinding" {
            continue;
        }
        for subject in binding
            .typed::<Vec<Subject>>("/subjects")
            .unwrap_or_default()
        {
            match (subject.kind.as_str(), subject.namespace) {
                ("ServiceAccount", Some(ns)) => add(&mut reach.namespaces, ns),
                ("Group", _) if subject.name.starts_with("system:serviceaccounts:") => {
                    let ns = &subject.name["system:serviceaccounts:".len()..];
                    add(&mut reach.namespaces, ns.to_owned());
                }
                (kind, _) => add(
                    &mut reach.cluster_wide,
                    format!("{} `{}`", kind.to_ascii_lowercase(), subject.name),
                ),
            }
        }
    }
    reach.namespaces.sort();
    reach
}

/// The closing advice: which namespaces to label, and with what.
fn advice(reach: &Reach, level: &str) -> String {
    let label = format!("`pod-security.kubernetes.io/enforce: {level}`");
    let names = |items: &[String]| {
        items
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (reach.namespaces.as_slice(), reach.cluster_wide.as_slice()) {
        ([], []) => format!("label its namespaces {label} instead"),
        (namespaces, []) => format!("label namespace(s) {} {label} instead", names(namespaces)),
        (namespaces, subjects) => {
            let also = if namespaces.is_empty() {
                String::new()
            } else {
                format!(" and namespace(s) {}", names(namespaces))
            };
            format!(
                "it is granted in every namespace (to {}){also}; Pod Security Admission has no per-user levels, so label the namespaces whose workloads need it {label} instead",
                subjects.join(", ")
            )
        }
    }
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    for object in objects {
        check_policy(ctx, objects, object, out);
    }
}

fn check_policy(ctx: &Ctx<'_>, objects: &[Object<'_>], object: &Object<'_>, out: &mut Emitter) {
    let group = object.group();
    if object.kind != "PodSecurityPolicy" || !(group == "policy" || group == "extensions") {
        return;
    }
    let Some(spec) = object.at("/spec") else {
        return;
    };
    let comparison = compare(spec, |key| object.annotation(key).map(str::to_owned));
    let level = comparison.level();
    let name = object.name().unwrap_or("(unnamed)");
    let status = match ctx.options.kubernetes_version {
        Some((1, minor)) if minor < 25 => "is deprecated since Kubernetes 1.21 and removed in 1.25",
        _ => "was removed in Kubernetes 1.25 and is not enforced",
    };
    let why = match level {
        "privileged" => format!(" (it allows {})", comparison.beyond_baseline.join(", ")),
        "baseline" => format!(
            " (not restricted: it allows {})",
            comparison.beyond_restricted.join(", ")
        ),
        _ => String::new(),
    };
    let mut differences: Vec<&str> = Vec::new();
    if level != "privileged" {
        differences.extend(comparison.differences.iter().map(String::as_str));
    }
    if level == "restricted" {
        differences.extend(
            comparison
                .differences_from_restricted
                .iter()
                .map(String::as_str),
        );
    }
    let differences = if differences.is_empty() {
        String::new()
    } else {
        format!("; it also allows {}", differences.join(", "))
    };
    let advice = advice(&reach(objects, name), level);
    out.report(
        object,
        "/apiVersion",
        format!(
            "PodSecurityPolicy `{name}` {status}; it matches the `{level}` Pod Security level most closely{why}{differences}: {advice}"
        ),
    );
}
