//! Questions over the manifests, answered offline by the same model the rules use:
//! who can do something (`kubecheck access who-can`), and what a subject can do
//! (`kubecheck access of`).

use std::collections::HashSet;

use serde::Serialize;

use super::eval::{rule_allows, PolicyRule, Request};
use super::{service_account_groups, Binding, Rbac, SubjectRef};
use crate::model::{Input, Object};

/// Resources that live outside namespaces: a RoleBinding grants nothing on them. The
/// built-in ones a question is likely to name (`kubectl api-resources --namespaced=false`).
const CLUSTER_SCOPED: &[&str] = &[
    "nodes",
    "persistentvolumes",
    "namespaces",
    "clusterroles",
    "clusterrolebindings",
    "customresourcedefinitions",
    "storageclasses",
    "csidrivers",
    "csinodes",
    "volumeattachments",
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "certificatesigningrequests",
    "signers",
    "priorityclasses",
    "runtimeclasses",
    "ingressclasses",
    "apiservices",
    "users",
    "groups",
    "uids",
    "userextras",
];

/// `VERB RESOURCE` as `kubectl auth can-i` takes it: `pods`, `pods/exec`,
/// `deployments.apps`, `certificatesigningrequests.certificates.k8s.io/approval`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    /// Only grants that apply in this namespace; all when `None`.
    pub namespace: Option<String>,
}

impl Question {
    pub fn parse(verb: &str, resource: &str, namespace: Option<&str>) -> Question {
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        let (resource, group) = resource.split_once('.').unwrap_or((resource, ""));
        Question {
            verb: verb.to_owned(),
            group: group.to_owned(),
            resource: resource.to_owned(),
            subresource: subresource.to_owned(),
            namespace: namespace.map(str::to_owned),
        }
    }

    fn request(&self) -> Request<'_> {
        Request::Resource {
            verb: &self.verb,
            group: &self.group,
            resource: &self.resource,
            subresource: &self.subresource,
            name: "",
        }
    }
}

/// One place in the input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// JSON pointer in the object.
    pub path: String,
    #[serde(skip)]
    source_object: usize,
}

fn place(objects: &[Object<'_>], object: usize, path: String) -> Place {
    let o = &objects[object];
    let start = crate::pointer::resolve_prefix(o.node, &path)
        .map(|(node, _)| node.span.start)
        .unwrap_or(o.node.span.start);
    Place {
        file: String::new(),
        line: start.line,
        column: start.column,
        kind: o.kind.to_string(),
        name: o.name().unwrap_or_default().to_owned(),
        namespace: o.namespace().map(str::to_owned),
        path,
        source_object: object,
    }
}

/// A binding that grants the question, with who it names and the rule that allows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grant {
    pub subjects: Vec<String>,
    /// `cluster-wide` or `in namespace `ns``.
    pub scope: String,
    pub role: String,
    pub binding: Place,
    /// The rule line; `None` for Kubernetes' default roles, which are data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Place>,
    /// Workloads of the input whose mounted token is one of the subjects.
    pub workloads: Vec<Place>,
}

fn applies(binding: &Binding, namespace: Option<&str>, resource: &str) -> bool {
    binding.cluster
        || (!CLUSTER_SCOPED.contains(&resource)
            && namespace.is_none_or(|ns| binding.namespace.as_deref() == Some(ns)))
}

/// The first rule of `role`'s effective rules that `allows`.
fn allowing(
    rbac: &Rbac,
    objects: &[Object<'_>],
    role: usize,
    allows: impl Fn(&PolicyRule) -> bool,
) -> Option<Option<Place>> {
    rbac.effective_rules(role).into_iter().find_map(|(r, k)| {
        let rule = rbac.roles[r].rules[k].as_ref()?;
        allows(rule).then(|| {
            rbac.role_object(r)
                .map(|o| place(objects, o, format!("/rules/{k}")))
        })
    })
}

/// Whether `subject` (of a binding in `binding_namespace`) names a service account of
/// `namespace` called `name`, directly, by user name or through its groups.
fn names_account(subject: &SubjectRef, binding: &Binding, namespace: &str, name: &str) -> bool {
    match subject.kind.as_str() {
        "ServiceAccount" => {
            let ns = subject.namespace.as_deref().or(if binding.cluster {
                None
            } else {
                binding.namespace.as_deref()
            });
            subject.name == name && ns == Some(namespace)
        }
        "User" => subject.name == format!("system:serviceaccount:{namespace}:{name}"),
        "Group" => service_account_groups(namespace).contains(&subject.name),
        _ => false,
    }
}

/// A pod template mounting a token: object index, namespace, account, pointer of its spec.
type Mounting<'o> = (usize, &'o str, &'o str, &'o str);

/// The workloads of the input whose pods mount their service account's token: object
/// index, namespace, account. Computed once per question.
fn mounting<'o>(objects: &'o [Object<'_>]) -> Vec<Mounting<'o>> {
    let quiet: HashSet<(Option<&str>, &str)> = objects
        .iter()
        .filter(|o| o.kind == "ServiceAccount")
        .filter(|o| {
            o.at("/automountServiceAccountToken")
                .and_then(|n| n.as_bool())
                == Some(false)
        })
        .filter_map(|o| Some((o.namespace(), o.name()?)))
        .collect();
    objects
        .iter()
        .enumerate()
        .flat_map(|(i, o)| o.pods.iter().map(move |pod| (i, o, pod)))
        .filter_map(|(i, o, pod)| {
            let account = pod
                .spec
                .service_account_name
                .as_deref()
                .filter(|a| !a.is_empty())
                .unwrap_or("default");
            let namespace = o.namespace()?;
            pod.spec
                .automount_service_account_token
                .unwrap_or(!quiet.contains(&(Some(namespace), account)))
                .then_some((i, namespace, account, pod.spec_pointer.as_str()))
        })
        .collect()
}

/// Of `pods`, those running as an account that one of `binding`'s subjects names.
fn workloads(objects: &[Object<'_>], pods: &[Mounting<'_>], binding: &Binding) -> Vec<Place> {
    pods.iter()
        .filter(|(_, namespace, account, _)| {
            binding
                .subjects
                .iter()
                .any(|s| names_account(s, binding, namespace, account))
        })
        .map(|&(i, _, _, pointer)| place(objects, i, pointer.to_owned()))
        .collect()
}

/// Every binding of the input that lets its subjects do what `question` asks.
pub fn who_can(input: &Input, question: &Question) -> Vec<Grant> {
    let (objects, _) = input.objects();
    let objects = &objects[..];
    let rbac = Rbac::new(objects);
    let pods = mounting(objects);
    let request = question.request();
    let mut out = Vec::new();
    for binding in &rbac.bindings {
        let Some(role) = binding.role else { continue };
        if !applies(binding, question.namespace.as_deref(), &question.resource) {
            continue;
        }
        let Some(rule) = allowing(&rbac, objects, role, |r| rule_allows(r, &request)) else {
            continue;
        };
        out.push(Grant {
            subjects: binding
                .subjects
                .iter()
                .map(|s| s.describe(binding.namespace.as_deref()))
                .collect(),
            scope: binding.scope(),
            role: rbac.roles[role].describe(),
            binding: place(objects, binding.object, "/roleRef".to_owned()),
            rule,
            workloads: workloads(objects, &pods, binding),
        });
    }
    for grant in &mut out {
        for p in [Some(&mut grant.binding), grant.rule.as_mut()]
            .into_iter()
            .flatten()
            .chain(grant.workloads.iter_mut())
        {
            name_file(input, objects, p);
        }
    }
    out
}

/// Fills in the file of a place: the name of its object's source.
fn name_file(input: &Input, objects: &[Object<'_>], place: &mut Place) {
    place.file = objects
        .get(place.source_object)
        .and_then(|o| input.sources.get(o.source))
        .map(|s| s.name.clone())
        .unwrap_or_default();
}

/// One permission a subject holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Permission {
    pub verbs: Vec<String>,
    #[serde(rename = "apiGroups")]
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    #[serde(rename = "resourceNames", skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    pub scope: String,
    pub role: String,
    pub binding: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Place>,
}

/// Whether a binding subject applies to `subject`, written `User:NAME`, `Group:NAME`,
/// `ServiceAccount:NS:NAME` or `system:serviceaccount:NS:NAME` (a service account also
/// holds what its groups hold).
fn applies_to(who: &str, candidate: &SubjectRef, binding: &Binding) -> bool {
    let account = who
        .strip_prefix("ServiceAccount:")
        .or_else(|| who.strip_prefix("system:serviceaccount:"))
        .and_then(|rest| rest.split_once(':'));
    if let Some((namespace, name)) = account {
        return names_account(candidate, binding, namespace, name)
            || (candidate.kind == "Group" && candidate.name == "system:authenticated");
    }
    match who.split_once(':') {
        Some(("User", name)) => candidate.kind == "User" && candidate.name == name,
        Some(("Group", name)) => candidate.kind == "Group" && candidate.name == name,
        _ => false,
    }
}

/// What `subject` can do through the bindings of the input, one row per rule.
pub fn of(input: &Input, subject: &str) -> Vec<Permission> {
    let (objects, _) = input.objects();
    let objects = &objects[..];
    let rbac = Rbac::new(objects);
    let mut out = Vec::new();
    for binding in &rbac.bindings {
        let Some(role) = binding.role else { continue };
        if !binding
            .subjects
            .iter()
            .any(|s| applies_to(subject, s, binding))
        {
            continue;
        }
        for (r, k) in rbac.effective_rules(role) {
            let Some(rule) = rbac.roles[r].rules[k].as_ref() else {
                continue;
            };
            out.push(Permission {
                verbs: rule.verbs.clone(),
                api_groups: rule.api_groups.clone(),
                resources: rule.resources.clone(),
                resource_names: rule.resource_names.clone(),
                non_resource_urls: rule.non_resource_urls.clone(),
                scope: binding.scope(),
                role: rbac.roles[role].describe(),
                binding: place(objects, binding.object, "/roleRef".to_owned()),
                rule: rbac
                    .role_object(r)
                    .map(|o| place(objects, o, format!("/rules/{k}"))),
            });
        }
    }
    for permission in &mut out {
        name_file(input, objects, &mut permission.binding);
        if let Some(rule) = permission.rule.as_mut() {
            name_file(input, objects, rule);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Input;
    use crate::Source;

    const YAML: &str = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec}
rules:
- {apiGroups: [\"\"], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-exec, namespace: shop}
roleRef: {kind: ClusterRole, name: exec}
subjects: [{kind: ServiceAccount, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: admins}]
---
apiVersion: v1
kind: Pod
metadata: {name: ops, namespace: shop}
spec: {serviceAccountName: ops, containers: [{name: c, image: c:1}]}
";

    fn ask<T>(f: impl FnOnce(&Input) -> T) -> T {
        f(&Input::parse(vec![Source::new("in.yaml", YAML)]))
    }

    #[test]
    fn who_can_names_bindings_rules_and_workloads_in_scope() {
        ask(|objects| {
            let exec = who_can(
                objects,
                &Question::parse("create", "pods/exec", Some("shop")),
            );
            let bindings: Vec<&str> = exec.iter().map(|g| g.binding.name.as_str()).collect();
            assert_eq!(bindings, ["ops-exec", "admins"]);
            let rule = exec[0].rule.as_ref().unwrap();
            assert_eq!(
                (rule.file.as_str(), rule.line, rule.path.as_str()),
                ("in.yaml", 5, "/rules/0")
            );
            assert_eq!(exec[0].workloads[0].name, "ops");
            assert_eq!(exec[1].rule, None, "cluster-admin is Kubernetes' data");
            // Another namespace: only the cluster-wide binding.
            let other = who_can(
                objects,
                &Question::parse("create", "pods/exec", Some("web")),
            );
            assert_eq!(other.len(), 1);
            // Nodes are cluster-scoped: a RoleBinding never reaches them.
            let nodes = who_can(objects, &Question::parse("get", "nodes/proxy", None));
            assert_eq!(nodes.len(), 1);
        });
    }

    #[test]
    fn of_lists_the_rules_a_subject_holds() {
        ask(|objects| {
            let ops = of(objects, "system:serviceaccount:shop:ops");
            assert_eq!(ops.len(), 1);
            assert_eq!(ops[0].resources, ["pods/exec"]);
            assert_eq!(ops[0].scope, "in namespace `shop`");
            assert_eq!(of(objects, "Group:admins").len(), 2);
            assert!(of(objects, "User:nobody").is_empty());
        });
    }
}
