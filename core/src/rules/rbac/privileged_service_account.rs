use std::collections::{BTreeMap, HashMap, HashSet};

use k8s_openapi::api::rbac::v1::PolicyRule;

use super::rbac_escalation_verbs::escalating_resources;
use super::{binding, policy_rules};
use crate::declare_rule;
use crate::model::{with_pods, Object};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole and links each workload to the RBAC bindings of
    /// its service account (`serviceAccountName`, or `default`). It flags the workload
    /// when a binding of the input grants that account a powerful role:
    /// - the built-in ClusterRoles `cluster-admin`, `admin` or `edit`;
    /// - a Role or ClusterRole of the input with `*` verbs on `*` resources, or with a
    ///   privilege-escalation verb (as `rbac-escalation-verbs` finds them).
    ///
    /// A workload whose pods do not mount a token (`automountServiceAccountToken:
    /// false` on the pod, or on a ServiceAccount of the input without the pod turning
    /// it back on) is not reported. A binding subject matches a workload with the same
    /// service account name in the subject's namespace; for a workload without
    /// `metadata.namespace`, subjects from the same file match in any namespace.
    ///
    /// ## Why is this bad?
    /// Every process in the pod can read the mounted token and act with the role's
    /// rights. One remote-code-execution bug in the application then becomes control
    /// of the namespace or of the cluster.
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
    ///   kind: RoleBinding
    ///   metadata:
    ///     name: ci-deployer
    ///     namespace: shop
    ///   roleRef:
    ///     apiGroup: rbac.authorization.k8s.io
    ///     kind: ClusterRole
    ///     name: view
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
    /// ## Known problems
    /// Bindings and roles that exist only in the cluster are not seen. Unrelated
    /// projects checked together can link a binding of one to a workload of another
    /// that uses the same namespace and service account name. Operators
    /// (Argo CD, Calico's tigera-operator) need such rights by design; suppress the
    /// finding on their workload with a reason.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.1: Ensure that the cluster-admin role is only used where required
    /// - CIS Kubernetes Benchmark 5.1.6: Ensure that Service Account Tokens are only mounted where necessary
    /// - NSA/CISA Kubernetes Hardening Guide: Authentication and authorization
    pub static PRIVILEGED_SERVICE_ACCOUNT = Rule {
        id: "privileged-service-account",
        title: "Workload runs as a service account with admin or escalation rights",
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

/// Built-in ClusterRoles that allow reading secrets and exec into pods, or more.
const POWERFUL_BUILT_IN: &[&str] = &["cluster-admin", "admin", "edit"];

/// Why a role's rules are powerful, if they are.
fn power_of(rules: &[(usize, PolicyRule)]) -> Option<String> {
    for (_, rule) in rules {
        let resources = rule.resources.as_deref().unwrap_or_default();
        if rule.verbs.iter().any(|v| v == "*") && resources.iter().any(|r| r == "*") {
            return Some("`*` on `*`".to_owned());
        }
        if rule.resource_names.as_ref().is_some_and(|n| !n.is_empty()) {
            continue;
        }
        for verb in &rule.verbs {
            if let Some(resource) = escalating_resources(rule, verb).first() {
                return Some(format!("`{verb}` on {resource}"));
            }
        }
    }
    None
}

/// A role as a binding's `roleRef` names it: kind, namespace (Roles only), name.
type RoleKey<'a> = (&'a str, Option<&'a str>, &'a str);

struct Grant {
    /// `ClusterRoleBinding/name`.
    binding: String,
    /// `cluster role `edit`` or `role `deployer` (`bind` on `roles`)`.
    role: String,
    namespace: Option<String>,
    source: usize,
}

/// How close two sources are: the same file beats a shared folder, and a longer
/// shared folder path beats a shorter one.
fn closeness(ctx: &Ctx<'_>, a: usize, b: usize) -> usize {
    if a == b {
        return usize::MAX;
    }
    let name = |i: usize| ctx.input.sources.get(i).map_or("", |s| s.name.as_str());
    name(a)
        .split('/')
        .zip(name(b).split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    // Roles of the input with what makes them powerful.
    // Several files may define a role of the same name: each is kept with its source.
    let mut roles: BTreeMap<RoleKey<'_>, Vec<(usize, Option<String>)>> = BTreeMap::new();
    for object in objects {
        let rules = policy_rules(object);
        if rules.is_empty() {
            continue;
        }
        let Some(name) = object.name() else { continue };
        let namespace = (object.kind == "Role")
            .then(|| object.namespace())
            .flatten();
        roles
            .entry((object.kind.as_str(), namespace, name))
            .or_default()
            .push((object.source, power_of(&rules)));
    }
    // Service accounts of the input that do not mount tokens.
    let no_automount: HashSet<(Option<&str>, &str)> = objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount" && o.api_version == "v1")
        .filter(|o| {
            o.at("/automountServiceAccountToken")
                .and_then(|n| n.as_bool())
                == Some(false)
        })
        .filter_map(|o| Some((o.namespace(), o.name()?)))
        .collect();
    // Service account name -> powerful grants.
    let mut grants: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
    // The role a binding of a source gets, per role key: the nearest of the roles of
    // that name is looked for once per (role, source), not once per binding.
    let mut nearest: HashMap<(usize, usize), Option<usize>> = HashMap::new();
    for object in objects {
        let Some((role_ref, subjects)) = binding(object) else {
            continue;
        };
        let role = if role_ref.kind == "ClusterRole"
            && POWERFUL_BUILT_IN.contains(&role_ref.name.as_str())
        {
            Some(super::describe_role(&role_ref))
        } else {
            let namespace = (role_ref.kind == "Role")
                .then(|| object.namespace())
                .flatten();
            let key = (role_ref.kind.as_str(), namespace, role_ref.name.as_str());
            // Unrelated files may define roles of the same name: take the one from the
            // binding's own file, else from the nearest folder.
            let power = roles.get(&key).and_then(|found| {
                // The list's address names the role key for the cache.
                let list = found.as_ptr() as usize;
                let nearest = *nearest.entry((list, object.source)).or_insert_with(|| {
                    (0..found.len()).max_by_key(|&i| closeness(ctx, found[i].0, object.source))
                });
                nearest.and_then(|i| found[i].1.as_ref())
            });
            power.map(|power| format!("{} ({power})", super::describe_role(&role_ref)))
        };
        let Some(role) = role else { continue };
        for subject in subjects.iter().filter(|s| s.kind == "ServiceAccount") {
            grants.entry(subject.name.clone()).or_default().push(Grant {
                binding: format!("{}/{}", object.kind, object.name().unwrap_or_default()),
                role: role.clone(),
                namespace: subject
                    .namespace
                    .clone()
                    .or_else(|| object.namespace().map(str::to_owned)),
                source: object.source,
            });
        }
    }
    if grants.is_empty() {
        return;
    }
    // The first grant to each service account per namespace, and per source for
    // workloads without a namespace: one lookup per workload, not a scan of the grants.
    let mut by_namespace: HashMap<(&str, &str), &Grant> = HashMap::new();
    let mut by_source: HashMap<(&str, usize), &Grant> = HashMap::new();
    for (account, list) in &grants {
        for grant in list {
            if let Some(ns) = &grant.namespace {
                by_namespace.entry((account, ns)).or_insert(grant);
            }
            by_source.entry((account, grant.source)).or_insert(grant);
        }
    }
    for (object, pod) in with_pods(objects) {
        let spec = &pod.spec;
        let account = spec
            .service_account_name
            .as_deref()
            .or(spec.service_account.as_deref())
            .filter(|a| !a.is_empty())
            .unwrap_or("default");
        let mounts = match spec.automount_service_account_token {
            Some(mounts) => mounts,
            None => !no_automount.contains(&(object.namespace(), account)),
        };
        if !mounts {
            continue;
        }
        let grant = match object.namespace() {
            Some(ns) => by_namespace.get(&(account, ns)),
            None => by_source.get(&(account, object.source)),
        };
        let Some(grant) = grant else {
            continue;
        };
        let pointer = if spec.service_account_name.is_some() {
            pod.at("serviceAccountName")
        } else if spec.service_account.is_some() {
            pod.at("serviceAccount")
        } else {
            pod.spec_pointer.clone()
        };
        out.report(
            object,
            pointer,
            format!(
                "pods run as service account `{account}`, which `{}` grants {}",
                grant.binding, grant.role
            ),
        );
    }
}
