//! RBAC: roles that grant too much and bindings that hand it to the wrong subjects.

pub mod cluster_admin_binding;
pub mod default_service_account_binding;
pub mod insecure_apiserver_flag;
pub mod privileged_service_account;
pub mod rbac_escalation_verbs;
pub mod rbac_secrets_access;
pub mod rbac_wildcard;
pub mod unauthenticated_subject_binding;

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};

use crate::model::{ContainerRef, Object};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The rules of a Role or ClusterRole with their index; empty for other kinds or when
/// `rules` does not fit the schema (that is reported by `invalid-field-type`).
fn policy_rules(object: &Object<'_>) -> Vec<(usize, PolicyRule)> {
    if object.group() != RBAC_GROUP || !matches!(object.kind.as_str(), "Role" | "ClusterRole") {
        return Vec::new();
    }
    object
        .typed::<Vec<PolicyRule>>("/rules")
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .collect()
}

/// The role reference and subjects of a RoleBinding or ClusterRoleBinding.
fn binding(object: &Object<'_>) -> Option<(RoleRef, Vec<Subject>)> {
    if object.group() != RBAC_GROUP
        || !matches!(object.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
    {
        return None;
    }
    let role_ref = object.typed::<RoleRef>("/roleRef")?;
    let subjects = object
        .typed::<Vec<Subject>>("/subjects")
        .unwrap_or_default();
    Some((role_ref, subjects))
}

/// Whether a rule's `apiGroups` reach `group` (`""` is the core group).
fn covers_group(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|g| g == group || g == "*")
}

/// `cluster role `view`` or `role `reader`` for messages.
fn describe_role(role_ref: &RoleRef) -> String {
    let noun = if role_ref.kind == "ClusterRole" {
        "cluster role"
    } else {
        "role"
    };
    format!("{noun} `{}`", role_ref.name)
}

/// `service account `ns/name``, `group `name``, `user `name`` for messages.
fn describe_subject(subject: &Subject) -> String {
    let kind = match subject.kind.as_str() {
        "ServiceAccount" => "service account",
        "Group" => "group",
        "User" => "user",
        other => other,
    };
    match &subject.namespace {
        Some(ns) if subject.kind == "ServiceAccount" => format!("{kind} `{ns}/{}`", subject.name),
        _ => format!("{kind} `{}`", subject.name),
    }
}

/// `a`, `a` and `b`, `a`, `b` and 3 more: a short list of backticked names.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
    match names.len() {
        0 => String::new(),
        1 => shown[0].to_owned(),
        n if n <= SHOWN => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
        n => format!("{} and {} more", shown.join(", "), n - SHOWN),
    }
}

/// One word of a container's command line with the pointer of the list item it is in.
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub pointer: String,
}

/// The words of `command` then `args`; list items holding a shell line are split at
/// whitespace, every word keeping its item's pointer.
pub(crate) fn command_words(container: &ContainerRef) -> Vec<Word<'_>> {
    let lists = [
        ("command", container.container.command.as_deref()),
        ("args", container.container.args.as_deref()),
    ];
    let mut words = Vec::new();
    for (field, items) in lists {
        for (i, item) in items.unwrap_or_default().iter().enumerate() {
            for text in item.split_whitespace() {
                words.push(Word {
                    text,
                    pointer: container.at(&format!("{field}/{i}")),
                });
            }
        }
    }
    words
}

/// Whether the command line starts `kube-apiserver`.
pub(crate) fn runs_apiserver(words: &[Word<'_>]) -> bool {
    words
        .iter()
        .any(|w| w.text.rsplit('/').next() == Some("kube-apiserver"))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{located, run};
    use crate::{check, Options, Source};

    /// `(line, path, message)` of each finding of `rule` in `yaml`.
    fn findings(rule: &str, yaml: &str) -> Vec<(u32, String, String)> {
        run(rule, yaml, |_| {})
            .into_iter()
            .map(|f| (f.location.line, f.location.path, f.message))
            .collect()
    }

    #[test]
    fn wildcard_in_verbs_or_resources_fires_at_the_first_star() {
        let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: fire-wildcards
rules:
- apiGroups: [\"*\"]
  resources: [pods]
  verbs: [get]
- apiGroups: [apps]
  resources: [deployments, \"*\"]
  verbs: [get, \"*\"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: fire-resources
  namespace: shop
rules:
- apiGroups: [\"\"]
  resources: [\"*\"]
  verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: dont-fire-reads-own-resources
rules:
- apiGroups: [example.com]
  resources: [\"*\"]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: dont-fire-not-a-role
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: \"*\"}
";
        let found = findings("rbac-wildcard", yaml);
        assert_eq!(
            found,
            vec![
                (
                    11,
                    "/rules/1/verbs/1".to_owned(),
                    "rule 1 uses `*` in `verbs` and `resources`".to_owned()
                ),
                (
                    20,
                    "/rules/0/resources/0".to_owned(),
                    "rule 0 uses `*` in `resources`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn reading_secrets_fires_unless_limited_by_name() {
        let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: mixed
rules:
- apiGroups: [\"\"]
  resources: [configmaps, secrets]
  verbs: [list, watch]
- apiGroups: [\"\"]
  resources: [secrets]
  resourceNames: [app-db]
  verbs: [get]
- apiGroups: [\"\"]
  resources: [secrets]
  verbs: [create, delete]
- apiGroups: [example.com]
  resources: [secrets]
  verbs: [get]
";
        assert_eq!(
            findings("rbac-secrets-access", yaml),
            vec![(
                7,
                "/rules/0/resources/1".to_owned(),
                "rule 0 allows `list` and `watch` on all `secrets`".to_owned()
            )]
        );
    }

    #[test]
    fn escalation_verbs_fire_on_explicit_grants_only() {
        let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: mixed
rules:
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles, clusterrolebindings]
  verbs: [get, bind, escalate]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  resourceNames: [view]
  verbs: [bind]
- apiGroups: [\"\"]
  resources: [users, groups, serviceaccounts]
  verbs: [impersonate]
- apiGroups: [\"\"]
  resources: [pods/exec, pods/log]
  verbs: [get, create]
- apiGroups: [\"*\"]
  resources: [\"*\"]
  verbs: [\"*\"]
- apiGroups: [example.com]
  resources: [roles]
  verbs: [bind]
";
        assert_eq!(
            findings("rbac-escalation-verbs", yaml),
            vec![
                (
                    8,
                    "/rules/0/verbs/1".to_owned(),
                    "rule 0 grants `bind` on `clusterroles`".to_owned()
                ),
                (
                    8,
                    "/rules/0/verbs/2".to_owned(),
                    "rule 0 grants `escalate` on `clusterroles`".to_owned()
                ),
                (
                    15,
                    "/rules/2/verbs/0".to_owned(),
                    "rule 2 grants `impersonate` on `users`, `groups` and `serviceaccounts`"
                        .to_owned()
                ),
                (
                    18,
                    "/rules/3/verbs/1".to_owned(),
                    "rule 3 grants `create` on `pods/exec`".to_owned()
                ),
            ]
        );
    }

    const BINDINGS: &str = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: fire-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: default
  namespace: ci
- kind: Group
  name: system:authenticated
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: fire-admin-in-namespace
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: User
  name: alice
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: dont-fire-default-discovery
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:public-info-viewer
subjects:
- kind: Group
  name: system:unauthenticated
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: dont-fire-default-issuer-discovery
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:service-account-issuer-discovery
subjects:
- kind: Group
  name: system:serviceaccounts
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: fire-default-account
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: default
";

    #[test]
    fn cluster_admin_bindings_name_their_subjects() {
        assert_eq!(
            findings("cluster-admin-binding", BINDINGS),
            vec![
                (
                    8,
                    "/roleRef/name".to_owned(),
                    "binding grants `cluster-admin` to service account `ci/default`, group `system:authenticated`"
                        .to_owned()
                ),
                (
                    25,
                    "/roleRef/name".to_owned(),
                    "binding grants `cluster-admin` in namespace `shop` to user `alice`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn bindings_to_everyone_fire_except_the_default_ones() {
        assert_eq!(
            located("unauthenticated-subject-binding", BINDINGS),
            vec![(14, "/subjects/1/name".to_owned())]
        );
    }

    #[test]
    fn bindings_to_default_service_accounts_fire() {
        assert_eq!(
            findings("default-service-account-binding", BINDINGS),
            vec![
                (
                    11,
                    "/subjects/0/name".to_owned(),
                    "binding grants cluster role `cluster-admin` to service account `ci/default`"
                        .to_owned()
                ),
                (
                    68,
                    "/subjects/0/name".to_owned(),
                    "binding grants role `reader` to service account `shop/default`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn workloads_fire_when_their_service_account_is_powerful() {
        let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: runner, namespace: ci}
- {kind: ServiceAccount, name: quiet, namespace: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: ci}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: binder, namespace: ops}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: binder, namespace: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binder}
subjects:
- {kind: ServiceAccount, name: default, namespace: ops}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fire-runner, namespace: ci}
spec:
  template:
    spec:
      serviceAccountName: runner
      containers: [{name: c, image: c:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: dont-fire-no-token, namespace: ci}
spec:
  serviceAccountName: runner
  automountServiceAccountToken: false
  containers: [{name: c, image: c:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: dont-fire-account-without-token, namespace: ci}
spec:
  serviceAccountName: quiet
  containers: [{name: c, image: c:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: fire-default-account, namespace: ops}
spec:
  containers: [{name: c, image: c:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: dont-fire-other-namespace, namespace: shop}
spec:
  serviceAccountName: runner
  containers: [{name: c, image: c:1}]
";
        assert_eq!(
            findings("privileged-service-account", yaml),
            vec![
                (
                    33,
                    "/spec/template/spec/serviceAccountName".to_owned(),
                    "pods run as service account `runner`, which `ClusterRoleBinding/ci-admin` grants cluster role `cluster-admin`"
                        .to_owned()
                ),
                (
                    55,
                    "/spec".to_owned(),
                    "pods run as service account `default`, which `RoleBinding/binder` grants role `binder` (`bind` on `roles`)"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn same_named_roles_resolve_to_the_nearest_file() {
        let binding = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: adapter}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: adapter}
subjects:
- {kind: ServiceAccount, name: adapter, namespace: monitoring}
---
apiVersion: v1
kind: Pod
metadata: {name: adapter, namespace: monitoring}
spec:
  serviceAccountName: adapter
  containers: [{name: c, image: c:1}]
";
        let role = |verbs: &str| {
            format!(
                "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: adapter}}
rules:
- {{apiGroups: [\"\"], resources: [\"*\"], verbs: [{verbs}]}}
"
            )
        };
        let run = |near: &str, far: &str| {
            let sources = vec![
                Source::new("far/role.yaml", role(far)),
                Source::new("repo/manifests/binding.yaml", binding),
                Source::new("repo/manifests/role.yaml", role(near)),
            ];
            let options = Options {
                only: vec!["privileged-service-account".to_owned()],
                ..Options::default()
            };
            check(sources, &options).findings.len()
        };
        assert_eq!(run("get", "\"*\""), 0);
        assert_eq!(run("\"*\"", "get"), 1);
    }

    #[test]
    fn apiserver_flags_that_skip_authn_or_authz_fire() {
        let yaml = "\
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command:
    - /usr/local/bin/kube-apiserver
    - --authorization-mode=Node,RBAC
    - --anonymous-auth
    - --enable-admission-plugins=NodeRestriction,AlwaysAdmit
    - --insecure-port=0
    args: [--token-auth-file, /etc/tokens.csv]
  - name: sidecar
    image: example/proxy:1.0
    args: [--anonymous-auth=true]
---
apiVersion: v1
kind: Pod
metadata: {name: shell-apiserver}
spec:
  containers:
  - name: apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command: [sh, -c, \"exec kube-apiserver --authorization-mode=AlwaysAllow\"]
";
        assert_eq!(
            findings("insecure-apiserver-flag", yaml),
            vec![
                (
                    11,
                    "/spec/containers/0/command/2".to_owned(),
                    "container `kube-apiserver` accepts anonymous requests (`--anonymous-auth=true`)"
                        .to_owned()
                ),
                (
                    12,
                    "/spec/containers/0/command/3".to_owned(),
                    "container `kube-apiserver` admits every request (`--enable-admission-plugins=NodeRestriction,AlwaysAdmit`)"
                        .to_owned()
                ),
                (
                    14,
                    "/spec/containers/0/args/0".to_owned(),
                    "container `kube-apiserver` accepts static bearer tokens (`--token-auth-file=/etc/tokens.csv`)"
                        .to_owned()
                ),
                (
                    26,
                    "/spec/containers/0/command/2".to_owned(),
                    "container `apiserver` authorizes every request (`--authorization-mode=AlwaysAllow`)"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn bindings_to_every_service_account_fire() {
        let yaml = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: edit-all, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: system:serviceaccounts, apiGroup: rbac.authorization.k8s.io}
";
        assert_eq!(
            findings("unauthenticated-subject-binding", yaml),
            vec![(
                6,
                "/subjects/0/name".to_owned(),
                "binding grants cluster role `edit` to `system:serviceaccounts`".to_owned()
            )]
        );
    }
}
