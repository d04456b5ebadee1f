use super::{describe_ports, judged_namespace, sensitive_ports};
use crate::declare_rule;
use crate::model::Object;
use crate::netpol::policy::Direction;
use crate::netpol::Network;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Looks at the input as a whole. In each namespace where the input has at least
    /// one NetworkPolicy, flags the workloads that no policy isolates for ingress: no
    /// policy selecting their pods (`spec.podSelector`, evaluated as the API server
    /// does) has `Ingress` among its `policyTypes` (which it has unless `policyTypes`
    /// lists only `Egress`). A workload whose containers declare an admin or data port
    /// (SSH, databases, kubelet, etcd, …) is reported with high severity.
    ///
    /// Namespaces with no NetworkPolicy in the input are left to
    /// `namespace-without-default-deny` and `network-policy-coverage-unknown`. A
    /// namespace with Calico or Cilium policies, or an input with a cluster-wide policy,
    /// is not judged.
    ///
    /// ## Why is this bad?
    /// The namespace uses NetworkPolicies, so its authors expect traffic to be
    /// restricted; a pod that no policy isolates for ingress accepts connections from
    /// every pod of the cluster. This usually happens when labels change, a new workload
    /// is added after the policies were written, or a policy is egress-only.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchLabels: {app: web}
    ///     ingress:
    ///     - ports: [{port: 8080}]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata: {name: cart, namespace: shop}
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: cart}
    ///     template:
    ///       metadata:
    ///         labels: {app: cart}
    ///       spec:
    ///         containers:
    ///         - name: cart
    ///           image: shop/cart:2.1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: List
    /// items:
    /// - apiVersion: networking.k8s.io/v1
    ///   kind: NetworkPolicy
    ///   metadata: {name: web, namespace: shop}
    ///   spec:
    ///     podSelector:
    ///       matchExpressions:
    ///       - {key: app, operator: In, values: [web, cart]}
    ///     ingress:
    ///     - ports: [{port: 8080}]
    /// - apiVersion: apps/v1
    ///   kind: Deployment
    ///   metadata: {name: cart, namespace: shop}
    ///   spec:
    ///     selector:
    ///       matchLabels: {app: cart}
    ///     template:
    ///       metadata:
    ///         labels: {app: cart}
    ///       spec:
    ///         containers:
    ///         - name: cart
    ///           image: shop/cart:2.1.0
    /// ```
    ///
    /// ## Known problems
    /// Policies that exist only in the cluster are not seen: check a namespace's
    /// manifests together. Workloads and policies without `metadata.namespace` share a
    /// namespace only when they come from the same file.
    pub static WORKLOAD_INGRESS_NOT_ISOLATED = Rule {
        id: "workload-ingress-not-isolated",
        title: "Workload that no NetworkPolicy isolates for ingress",
        category: Category::Network,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template, with the NetworkPolicies of the input",
        remediation: "Select the workload's pods with a NetworkPolicy that has `Ingress` in its `policyTypes`, or add a default-deny policy with an empty `podSelector`.",
        references: &[
            "https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

fn check<'a>(ctx: &Ctx<'a>, objects: &'a [Object<'a>], out: &mut Emitter) {
    report_not_isolated(&ctx.network(objects), out, Direction::Ingress);
}

/// Reports the workloads of judged namespaces that no policy isolates in `direction`.
pub(super) fn report_not_isolated(
    network: &Network<'_, '_>,
    out: &mut Emitter,
    direction: Direction,
) {
    for (w, workload) in network.workloads.iter().enumerate() {
        if !judged_namespace(network, workload.namespace)
            || !network.isolating(w, direction).is_empty()
        {
            continue;
        }
        let object = network.object(workload.object);
        let Some(pod) = object.pods.get(workload.pod) else {
            continue;
        };
        let namespace = network.namespaces[workload.namespace].key.describe();
        let other = match direction {
            Direction::Ingress => Direction::Egress,
            Direction::Egress => Direction::Ingress,
        };
        let others: Vec<String> = network
            .isolating(w, other)
            .iter()
            .take(3)
            .filter_map(|&p| network.object(network.policies[p].object).name())
            .map(|n| format!("`{n}`"))
            .collect();
        let only_other = if others.is_empty() {
            String::new()
        } else {
            format!(
                " ({} selects it for {} only)",
                others.join(", "),
                other.field()
            )
        };
        let mut message = match direction {
            Direction::Ingress => format!(
                "no `NetworkPolicy` of {namespace} isolates this workload for ingress{only_other}: every pod of the cluster can connect to it"
            ),
            Direction::Egress => format!(
                "no `NetworkPolicy` of {namespace} isolates this workload for egress{only_other}: it can connect anywhere"
            ),
        };
        let sensitive = match direction {
            Direction::Ingress => sensitive_ports(network, w),
            Direction::Egress => Vec::new(),
        };
        if !sensitive.is_empty() {
            message.push_str(&format!(
                ", on {}",
                describe_ports(sensitive.iter().map(|(p, s)| (p.number, s.service)))
            ));
        }
        let finding = out.report(object, format!("{}/labels", pod.meta_pointer), message);
        if !sensitive.is_empty() {
            finding.severity = Some(Severity::High);
            for (port, row) in &sensitive {
                finding.related(
                    object,
                    port.pointer.clone(),
                    format!(
                        "container `{}` listens on `{}` ({})",
                        port.container, port.number, row.service
                    ),
                );
            }
        }
    }
}
