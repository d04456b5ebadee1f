use k8s_openapi::api::core::v1::{LimitRangeSpec, ResourceRequirements};

use crate::declare_rule;
use crate::model::{with_pods, ContainerKind, Object};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers and init containers without a CPU or a memory limit
    /// (`resources.limits.cpu`, `resources.limits.memory`). A limit that a
    /// `LimitRange` of the same namespace in the input sets by default counts as set.
    ///
    /// ## Why is this bad?
    /// A container without limits can take all of a node's memory or CPU: one bug or
    /// one attacker starves every other pod on the node (and the kubelet), and the
    /// kernel's out-of-memory killer picks victims outside the faulty pod.
    ///
    /// Severity: low: no limits risk exhausting the node's CPU and memory, an
    /// availability problem a namespace `LimitRange` also solves: hygiene.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     resources:
    ///       limits:
    ///         memory: 256Mi
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: nginx:1.27
    ///     resources:
    ///       limits:
    ///         cpu: 500m
    ///         memory: 256Mi
    /// ```
    ///
    /// ## Known problems
    /// Requests are not checked: without a request the API server uses the limit as
    /// the request. Some teams leave CPU unlimited on purpose to avoid throttling;
    /// disable the rule or suppress it per workload with `kubecheck.io/ignore` then.
    /// A `LimitRange` that is not in the input is not seen. Ephemeral containers
    /// cannot have resources and are not checked.
    ///
    /// ## References
    /// - Kubernetes docs: Resource Management for Pods and Containers
    pub static MISSING_RESOURCE_LIMITS = Rule {
        id: "missing-resource-limits",
        title: "Container without CPU or memory limits",
        category: Category::PodSecurity,
        severity: Severity::Low,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Set `resources.limits.cpu` and `resources.limits.memory` on every container, or a default in the namespace's `LimitRange`.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
            "https://kubernetes.io/docs/concepts/policy/limit-range/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

const RESOURCES: [&str; 2] = ["cpu", "memory"];

/// The resources among `cpu` and `memory` that a container's `resources` set no limit
/// for.
fn missing_limits<'r>(
    resources: Option<&ResourceRequirements>,
    defaulted: &[&'r str],
) -> Vec<&'r str> {
    let limits = resources.and_then(|r| r.limits.as_ref());
    RESOURCES
        .into_iter()
        .filter(|r| !limits.is_some_and(|l| l.contains_key(*r)))
        .filter(|r| !defaulted.contains(r))
        .collect()
}

/// The resources a `LimitRange` gives containers a default limit for.
fn defaulted_by(limit_range: &LimitRangeSpec) -> impl Iterator<Item = &'static str> + '_ {
    RESOURCES.into_iter().filter(|r| {
        limit_range.limits.iter().any(|item| {
            item.type_ == "Container" && item.default.as_ref().is_some_and(|d| d.contains_key(*r))
        })
    })
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let mut defaults: Vec<(Option<&str>, &str)> = Vec::new();
    for object in objects.iter().filter(|o| o.kind == "LimitRange") {
        if let Some(spec) = object.typed::<LimitRangeSpec>("/spec") {
            defaults.extend(defaulted_by(&spec).map(|r| (object.namespace(), r)));
        }
    }
    for (object, pod) in with_pods(objects) {
        let defaulted: Vec<&str> = defaults
            .iter()
            .filter(|(ns, _)| *ns == object.namespace())
            .map(|(_, r)| *r)
            .collect();
        for c in pod
            .containers
            .iter()
            .filter(|c| c.kind != ContainerKind::Ephemeral)
        {
            let missing = missing_limits(c.resources(object).as_ref(), &defaulted);
            if missing.is_empty() {
                continue;
            }
            let what = missing
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            let noun = if missing.len() == 1 {
                "limit"
            } else {
                "limits"
            };
            out.report(
                object,
                c.at("resources/limits"),
                format!("{} `{}` has no {what} {noun}", c.kind.noun(), c.name()),
            );
        }
    }
}
