//! Network: traffic that no policy limits and services exposed beyond the cluster.
//! The NetworkPolicy rules ask one model, [`crate::netpol::Network`].

pub mod external_name_internal;
pub mod ingress_wildcard_host;
pub mod invalid_network_policy;
pub mod load_balancer_without_source_ranges;
pub mod namespace_without_default_deny;
pub mod network_policy_allows_all;
pub mod network_policy_coverage_unknown;
pub mod network_policy_selects_nothing;
pub mod node_port_service;
pub mod sensitive_port_reachable;
pub mod service_external_ips;
pub mod service_selects_nothing;
pub mod workload_egress_not_isolated;
pub mod workload_ingress_not_isolated;

use crate::netpol::ports::{sensitive_for, SensitivePort};
use crate::netpol::{ContainerPort, Network};

/// The container ports of workload `w` that carry an admin or data protocol.
fn sensitive_ports<'n>(
    network: &'n Network<'_, '_>,
    w: usize,
) -> Vec<(&'n ContainerPort, &'static SensitivePort)> {
    network.workloads[w]
        .ports
        .iter()
        .filter(|p| p.protocol == "TCP")
        .filter_map(|p| {
            Some((
                p,
                sensitive_for(p.number, &p.image, p.name.as_deref().unwrap_or(""))?,
            ))
        })
        .collect()
}

/// `` `5432` (PostgreSQL), `22` (SSH) ``.
fn describe_ports<'p>(ports: impl IntoIterator<Item = (u16, &'p str)>) -> String {
    let mut seen = Vec::new();
    for (n, service) in ports {
        let item = format!("`{n}` ({service})");
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.join(", ")
}

/// Whether workloads of namespace `ns` are judged: the namespace has a NetworkPolicy in
/// the input, no Calico or Cilium policy, and the input no cluster-wide policy.
fn judged_namespace(network: &Network<'_, '_>, ns: usize) -> bool {
    let namespace = &network.namespaces[ns];
    !network.cluster_wide && !namespace.other_policies && !namespace.policies.is_empty()
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fixture, located};
    use crate::{check, Options, Source};

    #[test]
    fn a_cluster_wide_policy_turns_isolation_verdicts_off() {
        for rule in [
            "namespace-without-default-deny",
            "workload-ingress-not-isolated",
        ] {
            let yaml = format!(
                "{}---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  selector: all()\n",
                fixture(rule)
            );
            assert!(located(rule, &yaml).is_empty(), "{rule}");
        }
    }

    #[test]
    fn files_without_namespaces_do_not_share_policies() {
        let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  podSelector:\n    matchLabels: {app: web}\n";
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: cart}\nspec:\n  containers: [{name: c, image: c:1}]\n";
        let run = |sources: Vec<Source>| {
            let options = Options {
                only: vec!["workload-ingress-not-isolated".to_owned()],
                ..Options::default()
            };
            check(sources, &options).findings.len()
        };
        let apart = vec![
            Source::new("policy.yaml", policy),
            Source::new("pod.yaml", pod),
        ];
        assert_eq!(run(apart), 0);
        let together = vec![Source::new("all.yaml", format!("{policy}---\n{pod}"))];
        assert_eq!(run(together), 1);
    }
}
