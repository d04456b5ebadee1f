use std::collections::HashMap;

use crate::declare_rule;
use crate::model::Object;
use crate::netpol::selector::{Op, Requirement, Selector, SelectorIndex};
use crate::netpol::{namespace_key, NamespaceKey};
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. Flags a Service with a `spec.selector` that
    /// matches the pod template labels of none of the workloads of its namespace in
    /// the input, when the input has at least one workload there.
    ///
    /// ## Why is this bad?
    /// The Service has no endpoints: its clients fail, and the usual cause is a label
    /// renamed on one side only. The NetworkPolicies written for those labels are
    /// usually stale in the same way, leaving the real pods unprotected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Service
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     selector: {app: frontend}
    ///     ports: [{port: 80}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: web, namespace: shop, labels: {app: web}}
    ///   spec:
    ///     containers:
    ///     - name: web
    ///       image: shop/web:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: v1
    ///   kind: Service
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     selector: {app: web}
    ///     ports: [{port: 80}]
    /// - apiVersion: v1
    ///   kind: Pod
    ///   metadata: {name: web, namespace: shop, labels: {app: web}}
    ///   spec:
    ///     containers:
    ///     - name: web
    ///       image: shop/web:1.4.2
    /// ```
    ///
    /// ## Known problems
    /// Pods created by operators or other charts are not in the input, nor the labels
    /// controllers add besides the StatefulSet, Deployment and Job ones (a
    /// LeaderWorkerSet's `role: leader`): on the real-world corpus most findings were
    /// such pods, hence the `info` severity.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
    pub static SERVICE_SELECTS_NOTHING = Rule {
        id: "service-selects-nothing",
        title: "Service whose selector matches no workload",
        category: Category::Network,
        severity: Severity::Info,
        applies_to: "Service, with the workloads of the input",
        remediation: "Make `spec.selector` match the pod template labels of the workload the Service is for.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// Labels that controllers put on the pods they create, never in a pod template: a
/// Service selecting one pod of a StatefulSet by `statefulset.kubernetes.io/pod-name`
/// matches a pod of the input all the same.
/// (`k8s.io/api/apps/v1` `StatefulSetPodNameLabel`, `PodIndexLabel`,
/// `ControllerRevisionHashLabelKey`, `DefaultDeploymentUniqueLabelKey`; `batch/v1`
/// `JobCompletionIndexAnnotation` as a label.)
const CONTROLLER_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
    "pod-template-hash",
    "batch.kubernetes.io/job-completion-index",
];

/// A Service's `spec.selector` as a label selector (every pair required, except the
/// labels controllers add).
fn selector(object: &Object<'_>) -> Option<Selector> {
    let entries = object.at("/spec/selector")?.as_map()?;
    let requirements: Vec<Requirement> = entries
        .iter()
        .filter(|e| !e.key_str().is_some_and(|k| CONTROLLER_LABELS.contains(&k)))
        .filter_map(|e| {
            Some(Requirement {
                key: e.key_str()?.into(),
                op: Op::In,
                values: vec![e.value.as_str()?.into()],
            })
        })
        .collect();
    (!requirements.is_empty()).then_some(Selector { requirements })
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    type Services<'o> = Vec<(usize, Selector)>;
    let mut namespaces: HashMap<NamespaceKey<'_>, (Services<'_>, Vec<usize>)> = HashMap::new();
    for (i, object) in objects.iter().enumerate() {
        if object.kind == "Service" && object.api_version == "v1" {
            let external = object.at("/spec/type").and_then(|n| n.as_str()) == Some("ExternalName");
            if let (false, Some(s)) = (external, selector(object)) {
                namespaces
                    .entry(namespace_key(object))
                    .or_default()
                    .0
                    .push((i, s));
            }
        }
        if !object.partial && object.pods.iter().any(|p| !p.partial) {
            namespaces
                .entry(namespace_key(object))
                .or_default()
                .1
                .push(i);
        }
    }
    let mut unmatched: Vec<(usize, NamespaceKey<'_>, usize)> = Vec::new();
    for (key, (services, workloads)) in &namespaces {
        if services.is_empty() || workloads.is_empty() {
            continue;
        }
        let index = SelectorIndex::new(services.iter().map(|(i, s)| (s, *i)));
        let mut matched = std::collections::HashSet::new();
        let no_labels = Default::default();
        for &w in workloads {
            for pod in objects[w].pods.iter().filter(|p| !p.partial) {
                matched.extend(index.matching(pod.metadata.labels.as_ref().unwrap_or(&no_labels)));
            }
        }
        unmatched.extend(
            services
                .iter()
                .filter(|(i, _)| !matched.contains(i))
                .map(|(i, _)| (*i, *key, workloads.len())),
        );
    }
    unmatched.sort_unstable_by_key(|(i, _, _)| *i);
    for (i, key, workloads) in unmatched {
        out.report(
            &objects[i],
            "/spec/selector",
            format!(
                "`selector` matches the pods of no workload of {} in the input ({workloads} there)",
                key.describe()
            ),
        );
    }
}
