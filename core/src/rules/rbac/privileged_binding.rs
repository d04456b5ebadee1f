use super::{phrases, raise, relate_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rbac::summary;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags each subject of a RoleBinding or ClusterRoleBinding that receives a
    /// dangerous capability through the bound role: full access (`cluster-admin`),
    /// reading Secrets, creating pods, exec/attach/port-forward, `escalate`, `bind`,
    /// `impersonate`, service account tokens, `nodes/proxy`, CSR approval or signing,
    /// admission webhook configurations, PersistentVolumes (as the `rbac-*` role rules
    /// define them).
    ///
    /// The role is resolved as the API server does: a Role of the binding's namespace,
    /// or a ClusterRole of the input, with its aggregated roles at any depth, or
    /// Kubernetes' default role of that name (`cluster-admin`, `admin`, `edit`, `view`,
    /// `system:…`) when the input has none. A RoleBinding grants only in its namespace,
    /// even to a ClusterRole, and there cluster-scoped permissions (nodes, CSRs,
    /// webhooks, PersistentVolumes, impersonating users) grant nothing; a
    /// ClusterRoleBinding grants cluster-wide. The message says which.
    ///
    /// Severity is the capability's (critical for full access), one level higher for a
    /// subject that stands for many: `system:authenticated`, `system:unauthenticated`,
    /// `system:anonymous`, `system:serviceaccounts`, `system:serviceaccounts:<ns>`, and
    /// any `default` service account (every pod of its namespace that names none).
    /// Kubernetes' own bindings (label `kubernetes.io/bootstrapping: rbac-defaults`) are
    /// not reported.
    ///
    /// ## Why is this bad?
    /// The binding is where a capability reaches an identity. Bound to one operator's
    /// service account it is a risk to accept knowingly; bound to a group or a default
    /// service account it is handed to every member, present and future.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: ci
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: ci
    ///   namespace: ci
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: ci
    ///   namespace: ci
    /// ```
    ///
    /// ## Known problems
    /// Bindings and roles that exist only in the cluster are not seen; a binding to a
    /// role that is neither in the input nor a known default is `unknown-role-reference`.
    pub static PRIVILEGED_BINDING = Rule {
        id: "privileged-binding",
        title: "Binding grants a dangerous capability",
        category: Category::Rbac,
        severity: Severity::High,
        applies_to: "RoleBinding, ClusterRoleBinding, with the roles of the input",
        remediation: "Bind a role with only the verbs and resources the subject needs, to that subject alone, in the namespace it works in.",
        references: &[
            "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
            "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check(ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let rbac = ctx.rbac(objects);
    let version = ctx.options.kubernetes_version;
    for binding in &rbac.bindings {
        let Some(role) = binding.role.filter(|_| !binding.kubernetes_default) else {
            continue;
        };
        let granted = summary(&rbac.effective[role], !binding.cluster, version);
        let Some(severity) = granted.iter().map(|g| g.capability.severity()).max() else {
            continue;
        };
        let object = &objects[binding.object];
        let role_text = rbac.roles[role].describe();
        for subject in &binding.subjects {
            let (severity, breadth) = match subject.breadth() {
                Some(who) => (raise(severity), format!(" ({who})")),
                None => (severity, String::new()),
            };
            let finding = out.report(
                object,
                format!("/subjects/{}/name", subject.index),
                format!(
                    "binding gives {}{breadth} {role_text} {}: it can {}",
                    subject.describe(binding.namespace.as_deref()),
                    binding.scope(),
                    phrases(&granted),
                ),
            );
            finding.severity = Some(severity);
            finding.related(
                object,
                "/roleRef/name",
                format!("`roleRef` names {role_text}"),
            );
            if let Some(role_object) = rbac.role_object(role) {
                if rbac.roles[role].aggregation.is_some() {
                    finding.related(
                        &objects[role_object],
                        "/aggregationRule",
                        format!("{role_text} aggregates the roles its selectors match"),
                    );
                }
            }
            for g in &granted {
                relate_hits(finding, &rbac, objects, &g.hits, None);
            }
        }
    }
}
