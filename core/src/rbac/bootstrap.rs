//! The ClusterRoles every Kubernetes API server creates at start (label
//! `kubernetes.io/bootstrapping: rbac-defaults`), as data: a binding to one of them that
//! the input does not define is judged by what it grants, and their own definitions,
//! when the input holds them with that label, are Kubernetes' and not the user's.
//!
//! Source: `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go` (`clusterRoles()`)
//! and its golden file `testdata/cluster-roles.yaml`, kubernetes/kubernetes, as of
//! v1.31–v1.34: `admin`, `edit` and `view` are aggregated from
//! `system:aggregate-to-{admin,edit,view}` (and from the input's ClusterRoles carrying the
//! same labels); since v1.22 `edit` no longer writes `endpoints` (CVE-2021-25740).
//! The controller roles (`system:controller:*`) and the node, scheduler and
//! controller-manager roles are not listed: bindings to them are reported as unknown.

/// One rule, as `rbacv1helpers.NewRule(verbs...).Groups(..).Resources(..)` writes it.
#[derive(Debug)]
pub struct Rule {
    pub verbs: &'static [&'static str],
    pub groups: &'static [&'static str],
    pub resources: &'static [&'static str],
    pub names: &'static [&'static str],
    pub urls: &'static [&'static str],
}

#[derive(Debug)]
pub struct Role {
    pub name: &'static str,
    /// The namespace of a default Role; `None` for a ClusterRole.
    pub namespace: Option<&'static str>,
    pub labels: &'static [(&'static str, &'static str)],
    /// `aggregationRule.clusterRoleSelectors`, each one `matchLabels` of one label set to
    /// `"true"`.
    pub aggregate_from: &'static [&'static str],
    pub rules: &'static [Rule],
}

/// The label Kubernetes puts on the objects it creates.
pub const LABEL: (&str, &str) = ("kubernetes.io/bootstrapping", "rbac-defaults");

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
const READ_WRITE: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

const fn r(
    verbs: &'static [&'static str],
    groups: &'static [&'static str],
    resources: &'static [&'static str],
) -> Rule {
    Rule {
        verbs,
        groups,
        resources,
        names: &[],
        urls: &[],
    }
}

const fn urls(verbs: &'static [&'static str], urls: &'static [&'static str]) -> Rule {
    Rule {
        verbs,
        groups: &[],
        resources: &[],
        names: &[],
        urls,
    }
}

const fn approver(signer: &'static [&'static str]) -> [Rule; 1] {
    [Rule {
        verbs: &["approve"],
        groups: &["certificates.k8s.io"],
        resources: &["signers"],
        names: signer,
        urls: &[],
    }]
}

const AGGREGATE_TO_ADMIN: &str = "rbac.authorization.k8s.io/aggregate-to-admin";
const AGGREGATE_TO_EDIT: &str = "rbac.authorization.k8s.io/aggregate-to-edit";
const AGGREGATE_TO_VIEW: &str = "rbac.authorization.k8s.io/aggregate-to-view";

pub static ROLES: &[Role] = &[
    Role {
        namespace: None,
        name: "cluster-admin",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])],
    },
    Role {
        namespace: None,
        name: "admin",
        labels: &[],
        aggregate_from: &[AGGREGATE_TO_ADMIN],
        rules: &[],
    },
    Role {
        namespace: None,
        name: "edit",
        labels: &[(AGGREGATE_TO_ADMIN, "true")],
        aggregate_from: &[AGGREGATE_TO_EDIT],
        rules: &[],
    },
    Role {
        namespace: None,
        name: "view",
        labels: &[(AGGREGATE_TO_EDIT, "true")],
        aggregate_from: &[AGGREGATE_TO_VIEW],
        rules: &[],
    },
    Role {
        namespace: None,
        name: "system:aggregate-to-admin",
        labels: &[(AGGREGATE_TO_ADMIN, "true")],
        aggregate_from: &[],
        rules: &[
            r(
                &["create"],
                &["authorization.k8s.io"],
                &["localsubjectaccessreviews"],
            ),
            r(
                READ_WRITE,
                &["rbac.authorization.k8s.io"],
                &["roles", "rolebindings"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:aggregate-to-edit",
        labels: &[(AGGREGATE_TO_EDIT, "true")],
        aggregate_from: &[],
        rules: &[
            r(
                READ,
                &[""],
                &[
                    "pods/attach",
                    "pods/proxy",
                    "pods/exec",
                    "pods/portforward",
                    "secrets",
                    "services/proxy",
                ],
            ),
            r(&["impersonate"], &[""], &["serviceaccounts"]),
            r(
                WRITE,
                &[""],
                &[
                    "pods",
                    "pods/attach",
                    "pods/proxy",
                    "pods/exec",
                    "pods/portforward",
                ],
            ),
            r(&["create"], &[""], &["pods/eviction"]),
            r(
                WRITE,
                &[""],
                &[
                    "replicationcontrollers",
                    "replicationcontrollers/scale",
                    "serviceaccounts",
                    "services",
                    "services/proxy",
                    "persistentvolumeclaims",
                    "configmaps",
                    "secrets",
                    "events",
                ],
            ),
            r(&["create"], &[""], &["serviceaccounts/token"]),
            r(
                WRITE,
                &["apps"],
                &[
                    "statefulsets",
                    "statefulsets/scale",
                    "daemonsets",
                    "deployments",
                    "deployments/scale",
                    "deployments/rollback",
                    "replicasets",
                    "replicasets/scale",
                ],
            ),
            r(WRITE, &["autoscaling"], &["horizontalpodautoscalers"]),
            r(WRITE, &["batch"], &["jobs", "cronjobs"]),
            r(
                WRITE,
                &["extensions"],
                &[
                    "daemonsets",
                    "deployments",
                    "deployments/scale",
                    "deployments/rollback",
                    "ingresses",
                    "replicasets",
                    "replicasets/scale",
                    "replicationcontrollers/scale",
                    "networkpolicies",
                ],
            ),
            r(WRITE, &["policy"], &["poddisruptionbudgets"]),
            r(
                WRITE,
                &["networking.k8s.io"],
                &["networkpolicies", "ingresses"],
            ),
            r(WRITE, &["coordination.k8s.io"], &["leases"]),
        ],
    },
    Role {
        namespace: None,
        name: "system:aggregate-to-view",
        labels: &[(AGGREGATE_TO_VIEW, "true")],
        aggregate_from: &[],
        rules: &[
            r(
                READ,
                &[""],
                &[
                    "pods",
                    "replicationcontrollers",
                    "replicationcontrollers/scale",
                    "serviceaccounts",
                    "services",
                    "services/status",
                    "endpoints",
                    "persistentvolumeclaims",
                    "persistentvolumeclaims/status",
                    "configmaps",
                ],
            ),
            r(
                READ,
                &[""],
                &[
                    "limitranges",
                    "resourcequotas",
                    "bindings",
                    "events",
                    "pods/status",
                    "resourcequotas/status",
                    "namespaces/status",
                    "replicationcontrollers/status",
                    "pods/log",
                ],
            ),
            r(READ, &[""], &["namespaces"]),
            r(READ, &["discovery.k8s.io"], &["endpointslices"]),
            r(
                READ,
                &["apps"],
                &[
                    "controllerrevisions",
                    "statefulsets",
                    "statefulsets/status",
                    "statefulsets/scale",
                    "daemonsets",
                    "daemonsets/status",
                    "deployments",
                    "deployments/status",
                    "deployments/scale",
                    "replicasets",
                    "replicasets/status",
                    "replicasets/scale",
                ],
            ),
            r(
                READ,
                &["autoscaling"],
                &[
                    "horizontalpodautoscalers",
                    "horizontalpodautoscalers/status",
                ],
            ),
            r(
                READ,
                &["batch"],
                &["jobs", "cronjobs", "cronjobs/status", "jobs/status"],
            ),
            r(
                READ,
                &["extensions"],
                &[
                    "daemonsets",
                    "daemonsets/status",
                    "deployments",
                    "deployments/scale",
                    "deployments/status",
                    "ingresses",
                    "ingresses/status",
                    "replicasets",
                    "replicasets/scale",
                    "replicasets/status",
                    "replicationcontrollers/scale",
                    "networkpolicies",
                ],
            ),
            r(
                READ,
                &["policy"],
                &["poddisruptionbudgets", "poddisruptionbudgets/status"],
            ),
            r(
                READ,
                &["networking.k8s.io"],
                &["networkpolicies", "ingresses", "ingresses/status"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:discovery",
        labels: &[],
        aggregate_from: &[],
        rules: &[urls(
            &["get"],
            &[
                "/livez",
                "/readyz",
                "/healthz",
                "/version",
                "/version/",
                "/openapi",
                "/openapi/*",
                "/api",
                "/api/*",
                "/apis",
                "/apis/*",
            ],
        )],
    },
    Role {
        namespace: None,
        name: "system:public-info-viewer",
        labels: &[],
        aggregate_from: &[],
        rules: &[urls(
            &["get"],
            &["/livez", "/readyz", "/healthz", "/version", "/version/"],
        )],
    },
    Role {
        namespace: None,
        name: "system:monitoring",
        labels: &[],
        aggregate_from: &[],
        rules: &[urls(
            &["get"],
            &[
                "/metrics",
                "/metrics/slis",
                "/livez",
                "/readyz",
                "/healthz",
                "/livez/*",
                "/readyz/*",
                "/healthz/*",
            ],
        )],
    },
    Role {
        namespace: None,
        name: "system:basic-user",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(
            &["create"],
            &["authorization.k8s.io"],
            &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        )],
    },
    Role {
        namespace: None,
        name: "system:service-account-issuer-discovery",
        labels: &[],
        aggregate_from: &[],
        rules: &[urls(
            &["get"],
            &[
                "/.well-known/openid-configuration",
                "/.well-known/openid-configuration/",
                "/openid/v1/jwks",
                "/openid/v1/jwks/",
            ],
        )],
    },
    Role {
        namespace: None,
        name: "system:auth-delegator",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(&["create"], &["authentication.k8s.io"], &["tokenreviews"]),
            r(
                &["create"],
                &["authorization.k8s.io"],
                &["subjectaccessreviews"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:kube-aggregator",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(READ, &[""], &["endpoints", "services"])],
    },
    Role {
        namespace: None,
        name: "system:kube-dns",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(&["list", "watch"], &[""], &["endpoints", "services"])],
    },
    Role {
        namespace: None,
        name: "system:heapster",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(READ, &[""], &["events", "pods", "nodes", "namespaces"]),
            r(READ, &["extensions"], &["deployments"]),
        ],
    },
    Role {
        namespace: None,
        name: "system:kubelet-api-admin",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(&["get", "list", "watch", "proxy"], &[""], &["nodes"]),
            r(
                &["*"],
                &[""],
                &[
                    "nodes/proxy",
                    "nodes/metrics",
                    "nodes/spec",
                    "nodes/stats",
                    "nodes/log",
                ],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:node-bootstrapper",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(
            &["create", "get", "list", "watch"],
            &["certificates.k8s.io"],
            &["certificatesigningrequests"],
        )],
    },
    Role {
        namespace: None,
        name: "system:node-problem-detector",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(&["get"], &[""], &["nodes"]),
            r(&["patch"], &[""], &["nodes/status"]),
            r(
                &["create", "patch", "update"],
                &["", "events.k8s.io"],
                &["events"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:node-proxier",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(&["list", "watch"], &[""], &["services", "endpoints"]),
            r(&["get", "list", "watch"], &[""], &["nodes"]),
            r(
                &["create", "patch", "update"],
                &["", "events.k8s.io"],
                &["events"],
            ),
            r(
                &["list", "watch"],
                &["discovery.k8s.io"],
                &["endpointslices"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:persistent-volume-provisioner",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(
                &["get", "list", "watch", "create", "delete"],
                &[""],
                &["persistentvolumes"],
            ),
            r(
                &["get", "list", "watch", "update"],
                &[""],
                &["persistentvolumeclaims"],
            ),
            r(READ, &["storage.k8s.io"], &["storageclasses"]),
            r(&["watch"], &[""], &["events"]),
            r(
                &["create", "patch", "update"],
                &["", "events.k8s.io"],
                &["events"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:volume-scheduler",
        labels: &[],
        aggregate_from: &[],
        rules: &[
            r(
                &["get", "list", "watch", "update", "patch"],
                &[""],
                &["persistentvolumes"],
            ),
            r(READ, &["storage.k8s.io"], &["storageclasses"]),
            r(
                &["get", "list", "watch", "update", "patch"],
                &[""],
                &["persistentvolumeclaims"],
            ),
        ],
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(
            &["create"],
            &["certificates.k8s.io"],
            &["certificatesigningrequests/nodeclient"],
        )],
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        labels: &[],
        aggregate_from: &[],
        rules: &[r(
            &["create"],
            &["certificates.k8s.io"],
            &["certificatesigningrequests/selfnodeclient"],
        )],
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:kube-apiserver-client-approver",
        labels: &[],
        aggregate_from: &[],
        rules: &approver(&["kubernetes.io/kube-apiserver-client"]),
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
        labels: &[],
        aggregate_from: &[],
        rules: &approver(&["kubernetes.io/kube-apiserver-client-kubelet"]),
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:kubelet-serving-approver",
        labels: &[],
        aggregate_from: &[],
        rules: &approver(&["kubernetes.io/kubelet-serving"]),
    },
    Role {
        namespace: None,
        name: "system:certificates.k8s.io:legacy-unknown-approver",
        labels: &[],
        aggregate_from: &[],
        rules: &approver(&["kubernetes.io/legacy-unknown"]),
    },
];

/// The Roles Kubernetes creates in `kube-system` (`namespaceRoles()` in
/// `bootstrappolicy/namespace_policy.go`, golden file `testdata/namespace-roles.yaml`):
/// the one charts bind (aggregated API servers read the client CA from it).
pub static NAMESPACED_ROLES: &[Role] = &[Role {
    namespace: Some("kube-system"),
    name: "extension-apiserver-authentication-reader",
    labels: &[],
    aggregate_from: &[],
    rules: &[Rule {
        verbs: READ,
        groups: &[""],
        resources: &["configmaps"],
        names: &["extension-apiserver-authentication"],
        urls: &[],
    }],
}];

/// Whether an object named `name` with `labels` is Kubernetes' own: the bootstrapping
/// label, and a name Kubernetes uses (`system:…` or one of the user-facing roles). A
/// user's object merely named `system:…` has no label and gets no pass.
pub fn is_kubernetes_default(name: &str, label: Option<&str>) -> bool {
    label == Some(LABEL.1)
        && (name.starts_with("system:")
            || matches!(name, "cluster-admin" | "admin" | "edit" | "view"))
}

pub fn find(name: &str) -> Option<&'static Role> {
    ROLES.iter().find(|role| role.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_aggregations_name_labels_some_role_carries() {
        let mut names = HashSet::new();
        for role in ROLES.iter().chain(NAMESPACED_ROLES) {
            assert!(names.insert(role.name), "{} twice", role.name);
            assert_eq!(
                role.namespace.is_some(),
                NAMESPACED_ROLES.iter().any(|r| r.name == role.name)
            );
            for key in role.aggregate_from {
                assert!(
                    ROLES
                        .iter()
                        .any(|other| other.labels.contains(&(key, "true"))),
                    "{}: nothing carries {key}",
                    role.name
                );
            }
            assert!(
                role.aggregate_from.is_empty() != role.rules.is_empty(),
                "{}: rules or an aggregation, not both",
                role.name
            );
            for rule in role.rules {
                assert!(!rule.verbs.is_empty(), "{}", role.name);
                assert!(
                    rule.resources.is_empty() != rule.urls.is_empty(),
                    "{}: resources or URLs",
                    role.name
                );
                assert_eq!(rule.groups.is_empty(), rule.resources.is_empty());
            }
        }
    }

    #[test]
    fn only_labelled_objects_with_kubernetes_names_are_defaults() {
        assert!(is_kubernetes_default("system:node", Some("rbac-defaults")));
        assert!(is_kubernetes_default("admin", Some("rbac-defaults")));
        assert!(!is_kubernetes_default("system:my-operator", None));
        assert!(!is_kubernetes_default("my-operator", Some("rbac-defaults")));
    }
}
