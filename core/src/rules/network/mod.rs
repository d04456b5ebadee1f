//! Network: traffic that no policy limits and services exposed beyond the cluster.

pub mod load_balancer_without_source_ranges;
pub mod namespace_without_network_policy;
pub mod service_external_ips;
pub mod workload_without_network_policy;

use crate::model::Object;

/// Namespaced Calico and Cilium policies: `(API group, kind)`. Their selectors are
/// not evaluated here.
const OTHER_POLICIES: &[(&str, &str)] = &[
    ("projectcalico.org", "NetworkPolicy"),
    ("crd.projectcalico.org", "NetworkPolicy"),
    ("cilium.io", "CiliumNetworkPolicy"),
];

/// Policies that apply across namespaces.
const CLUSTER_POLICIES: &[(&str, &str)] = &[
    ("projectcalico.org", "GlobalNetworkPolicy"),
    ("crd.projectcalico.org", "GlobalNetworkPolicy"),
    ("cilium.io", "CiliumClusterwideNetworkPolicy"),
    ("policy.networking.k8s.io", "AdminNetworkPolicy"),
    ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"),
    ("policy.networking.k8s.io", "ClusterNetworkPolicy"),
];

fn is_network_policy(object: &Object<'_>) -> bool {
    object.group() == "networking.k8s.io" && object.kind == "NetworkPolicy"
}

fn is_one_of(object: &Object<'_>, kinds: &[(&str, &str)]) -> bool {
    kinds
        .iter()
        .any(|(group, kind)| object.group() == *group && object.kind == *kind)
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fixture, located};
    use crate::{check, Options, Source};

    #[test]
    fn a_cluster_wide_policy_covers_every_namespace() {
        let yaml = format!(
            "{}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: default-deny
spec:
  selector: all()
",
            fixture("namespace-without-network-policy")
        );
        assert!(located("namespace-without-network-policy", &yaml).is_empty());
    }

    #[test]
    fn files_without_namespaces_do_not_share_policies() {
        let policy = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector:
    matchLabels: {app: web}
";
        let pod = "\
apiVersion: v1
kind: Pod
metadata: {name: cart}
spec:
  containers: [{name: c, image: c:1}]
";
        let run = |sources: Vec<Source>| {
            let options = Options {
                only: vec!["workload-without-network-policy".to_owned()],
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
