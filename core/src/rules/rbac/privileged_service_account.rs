use std::collections::HashMap;

use super::{phrases, relate_hits};
use crate::declare_rule;
use crate::model::{with_pods, Object};
use crate::rbac::{summary, Granted, Rbac};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Follows each workload to what its pods can do through the API: its service
    /// account (`serviceAccountName`, else `default`), whether the token is mounted
    /// (`automountServiceAccountToken` on the pod, else on the ServiceAccount of the
    /// input, else yes), every RoleBinding and ClusterRoleBinding that reaches that
    /// account (by name, as the user `system:serviceaccount:<ns>:<name>`, or through the
    /// groups `system:serviceaccounts`, `system:serviceaccounts:<ns>` and
    /// `system:authenticated`), and the roles they bind, aggregated roles and
    /// Kubernetes' default roles included. A workload whose mounted token carries a
    /// dangerous capability (those of the `rbac-*` rules) gets one finding; its related
    /// locations are the chain, each with file, line and column: service account →
    /// binding → role → the rule line that grants it.
    ///
    /// A workload without `metadata.namespace` matches subjects of its own namespace-less
    /// bindings, and service account subjects of any namespace from the same file (a
    /// chart applied with `-n`).
    ///
    /// ## Why is this bad?
    /// Every process in the pod can read the mounted token and act with the role's
    /// rights. One remote-code-execution bug in the application then becomes control of
    /// the namespace or of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: ClusterRoleBinding
    ///   metadata:
    ///     name: ci-admin
    ///   roleRef:
    ///     apiGroup: rbac.authorization.k8s.io
    ///     kind: ClusterRole
    ///     name: cluster-admin
    ///   subjects:
    ///   - kind: ServiceAccount
    ///     name: runner
    ///     namespace: ci
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: runner
    ///     namespace: ci
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: runner}
    ///     template:
    ///       metadata:
    ///         labels: {app: runner}
    ///       spec:
    ///         serviceAccountName: runner
    ///         containers:
    ///         - name: runner
    ///           image: ci/runner:3.2.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: rbac.authorization.k8s.io/v1
    ///   kind: ClusterRoleBinding
    ///   metadata:
    ///     name: ci-admin
    ///   roleRef:
    ///     apiGroup: rbac.authorization.k8s.io
    ///     kind: ClusterRole
    ///     name: cluster-admin
    ///   subjects:
    ///   - kind: ServiceAccount
    ///     name: runner
    ///     namespace: ci
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata:
    ///     name: runner
    ///     namespace: ci
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: runner}
    ///     template:
    ///       metadata:
    ///         labels: {app: runner}
    ///       spec:
    ///         serviceAccountName: runner
    ///         automountServiceAccountToken: false
    ///         containers:
    ///         - name: runner
    ///           image: ci/runner:3.2.0
    /// ```
    ///
    /// ## Known problems
    /// Bindings and roles that exist only in the cluster are not seen. Operators (Argo CD,
    /// Calico's tigera-operator) need such rights by design; suppress the finding on
    /// their workload with a reason.
    pub static PRIVILEGED_SERVICE_ACCOUNT = Rule {
        id: "privileged-service-account",
        title: "Workload's mounted token carries a dangerous capability",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "Pod and workloads with a pod template, with the RBAC objects of the input",
        remediation: "Give the workload its own service account bound to a role with only the rights it uses, or set `automountServiceAccountToken: false` if it does not call the API.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
            "https://kubernetes.io/docs/concepts/security/service-accounts/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// A binding and the position of the subject in it (in `Binding::subjects`).
type Reach = (usize, usize);

/// Who the bindings name, indexed once so that each workload is one lookup.
#[derive(Default)]
struct Subjects<'r> {
    /// `(namespace, name)` of service accounts, named directly or as their user name.
    accounts: HashMap<(Option<&'r str>, &'r str), Vec<Reach>>,
    /// Service account subjects with a namespace, by the file of their binding and name.
    by_source: HashMap<(usize, &'r str), Vec<Reach>>,
    groups: HashMap<&'r str, Vec<Reach>>,
}

fn index<'r>(rbac: &'r Rbac, objects: &[Object<'_>]) -> Subjects<'r> {
    let mut s = Subjects::default();
    for (b, binding) in rbac.bindings.iter().enumerate() {
        if binding.role.is_none() {
            continue;
        }
        for (k, subject) in binding.subjects.iter().enumerate() {
            match subject.kind.as_str() {
                "ServiceAccount" => {
                    let namespace = match (&subject.namespace, binding.cluster) {
                        (Some(ns), _) => Some(ns.as_str()),
                        // `appliesToUser`: a service account subject of a
                        // ClusterRoleBinding without a namespace matches no one.
                        (None, true) => continue,
                        (None, false) => binding.namespace.as_deref(),
                    };
                    s.accounts
                        .entry((namespace, &subject.name))
                        .or_default()
                        .push((b, k));
                    if subject.namespace.is_some() {
                        s.by_source
                            .entry((objects[binding.object].source, &subject.name))
                            .or_default()
                            .push((b, k));
                    }
                }
                "User" => {
                    if let Some((ns, name)) = subject
                        .name
                        .strip_prefix("system:serviceaccount:")
                        .and_then(|rest| rest.split_once(':'))
                    {
                        s.accounts.entry((Some(ns), name)).or_default().push((b, k));
                    }
                }
                "Group" => s.groups.entry(&subject.name).or_default().push((b, k)),
                _ => {}
            }
        }
    }
    s
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let rbac = ctx.rbac(objects);
    if rbac.bindings.is_empty() {
        return;
    }
    let version = ctx.options.kubernetes_version;
    let subjects = index(&rbac, objects);
    let accounts: HashMap<(Option<&str>, &str), &Object<'_>> = objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount" && o.api_version == "v1")
        .filter_map(|o| Some(((o.namespace(), o.name()?), o)))
        .collect();
    // What each binding grants, computed once.
    let mut grants: HashMap<usize, Vec<Granted>> = HashMap::new();
    for (object, pod) in with_pods(objects) {
        let spec = &pod.spec;
        let account = spec
            .service_account_name
            .as_deref()
            .or(spec.service_account.as_deref())
            .filter(|a| !a.is_empty())
            .unwrap_or("default");
        let namespace = object.namespace();
        let account_object = accounts.get(&(namespace, account)).copied();
        let mounted = spec.automount_service_account_token.unwrap_or_else(|| {
            account_object
                .and_then(|o| o.at("/automountServiceAccountToken"))
                .and_then(|n| n.as_bool())
                .unwrap_or(true)
        });
        if !mounted {
            continue;
        }
        let mut reaching: Vec<Reach> = Vec::new();
        let mut add = |list: Option<&Vec<Reach>>| {
            for &(b, k) in list.into_iter().flatten() {
                if !reaching.iter().any(|&(seen, _)| seen == b) {
                    reaching.push((b, k));
                }
            }
        };
        add(subjects.accounts.get(&(namespace, account)));
        if namespace.is_none() {
            add(subjects.by_source.get(&(object.source, account)));
        }
        for group in namespace.map_or_else(
            || {
                vec![
                    "system:serviceaccounts".to_owned(),
                    "system:authenticated".to_owned(),
                ]
            },
            |ns| crate::rbac::service_account_groups(ns).to_vec(),
        ) {
            add(subjects.groups.get(group.as_str()));
        }
        let mut paths = Vec::new();
        for (b, k) in reaching {
            let binding = &rbac.bindings[b];
            let Some(role) = binding.role else { continue };
            let granted = grants
                .entry(b)
                .or_insert_with(|| summary(&rbac.effective[role], !binding.cluster, version));
            if !granted.is_empty() {
                paths.push((b, k, role));
            }
        }
        if paths.is_empty() {
            continue;
        }
        let severity = paths
            .iter()
            .flat_map(|(b, _, _)| &grants[b])
            .map(|g| g.capability.severity())
            .max()
            .unwrap_or(Severity::High);
        let mut through: Vec<String> = paths
            .iter()
            .map(|&(b, _, role)| {
                let binding = &rbac.bindings[b];
                format!(
                    "through {} `{}` ({} {}) it can {}",
                    objects[binding.object].kind,
                    binding.name,
                    rbac.roles[role].describe(),
                    binding.scope(),
                    phrases(&grants[&b]),
                )
            })
            .collect();
        // The same binding in several files of one context reads once.
        let mut seen = std::collections::HashSet::new();
        through.retain(|t| seen.insert(t.clone()));
        let shown = match namespace {
            Some(ns) => format!("{ns}/{account}"),
            None => account.to_owned(),
        };
        let pointer = if spec.service_account_name.is_some() {
            pod.at("serviceAccountName")
        } else if spec.service_account.is_some() {
            pod.at("serviceAccount")
        } else {
            pod.spec_pointer.clone()
        };
        let finding = out.report(
            object,
            pointer,
            format!(
                "pods run as service account `{shown}` with its token mounted; {}",
                through.join("; ")
            ),
        );
        finding.severity = Some(severity);
        if let Some(account_object) = account_object {
            finding.related(
                account_object,
                "/metadata/name",
                format!("service account `{shown}`"),
            );
        }
        for &(b, k, role) in &paths {
            let binding = &rbac.bindings[b];
            let binding_object = &objects[binding.object];
            let subject = &binding.subjects[k];
            finding.related(
                binding_object,
                format!("/subjects/{}/name", subject.index),
                format!(
                    "{} `{}` binds {} to {}",
                    binding_object.kind,
                    binding.name,
                    rbac.roles[role].describe(),
                    subject.describe(binding.namespace.as_deref())
                ),
            );
            if let Some(role_object) = rbac.role_object(role) {
                let (pointer, what) = if rbac.roles[role].aggregation.is_some() {
                    (
                        "/aggregationRule",
                        "aggregates the roles its selectors match",
                    )
                } else {
                    ("/metadata/name", "is bound")
                };
                finding.related(
                    &objects[role_object],
                    pointer,
                    format!("{} {what}", rbac.roles[role].describe()),
                );
            }
            for g in &grants[&b] {
                relate_hits(finding, &rbac, objects, &g.hits, None);
            }
        }
    }
}
