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
    use crate::rules::test_support::located;
    use crate::{check, Options, Source};

    const NAMESPACES: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: fire-no-policy
---
apiVersion: v1
kind: Namespace
metadata:
  name: dont-fire-has-policy
---
apiVersion: v1
kind: Namespace
metadata:
  name: dont-fire-no-workloads
---
apiVersion: v1
kind: Pod
metadata:
  name: a
  namespace: fire-no-policy
spec:
  containers:
  - name: a
    image: nginx:1.27
---
apiVersion: batch/v1
kind: Job
metadata:
  name: b
  namespace: dont-fire-has-policy
spec:
  template:
    spec:
      containers:
      - name: b
        image: busybox:1.36
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: dont-fire-has-policy
spec:
  podSelector: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-namespace-not-in-input
  namespace: elsewhere
spec:
  containers:
  - name: c
    image: nginx:1.27
";

    #[test]
    fn only_defined_namespaces_with_workloads_and_no_policy_fire() {
        assert_eq!(
            located("namespace-without-network-policy", NAMESPACES),
            vec![(4, "/metadata/name".to_owned())]
        );
    }

    #[test]
    fn a_cluster_wide_policy_covers_every_namespace() {
        let yaml = format!(
            "{NAMESPACES}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: default-deny
spec:
  selector: all()
"
        );
        assert!(located("namespace-without-network-policy", &yaml).is_empty());
    }

    #[test]
    fn public_load_balancers_fire_unless_ranged_or_internal() {
        let yaml = "\
apiVersion: v1
kind: Service
metadata:
  name: fire-public
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: dont-fire-ranged
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8]
---
apiVersion: v1
kind: Service
metadata:
  name: dont-fire-internal
  annotations:
    networking.gke.io/load-balancer-type: Internal
spec:
  type: LoadBalancer
---
apiVersion: v1
kind: Service
metadata:
  name: fire-aws-internal-false
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-internal: \"false\"
spec:
  type: LoadBalancer
---
apiVersion: v1
kind: Service
metadata:
  name: dont-fire-cluster-ip
spec:
  type: ClusterIP
";
        assert_eq!(
            located("load-balancer-without-source-ranges", yaml),
            vec![(6, "/spec/type".to_owned()), (33, "/spec/type".to_owned())]
        );
    }

    #[test]
    fn workloads_no_policy_selects_fire_where_policies_exist() {
        let yaml = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: web}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector:
    matchExpressions:
    - {key: tier, operator: Exists}
    - {key: app, operator: NotIn, values: [web]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dont-fire-web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fire-cart, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers: [{name: cart, image: cart:1}]
---
apiVersion: v1
kind: Pod
metadata:
  name: dont-fire-db
  namespace: shop
  labels: {app: db, tier: data}
spec:
  containers: [{name: db, image: db:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: dont-fire-no-policies-here, namespace: other}
spec:
  containers: [{name: c, image: c:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
---
apiVersion: v1
kind: Pod
metadata: {name: dont-fire-default-deny}
spec:
  containers: [{name: c, image: c:1}]
";
        assert_eq!(
            located("workload-without-network-policy", yaml),
            vec![(33, "/spec/template/metadata/labels".to_owned())]
        );
    }

    #[test]
    fn namespaces_with_cilium_policies_are_not_judged() {
        let yaml = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: web}
---
apiVersion: v1
kind: Pod
metadata: {name: cart, namespace: shop}
spec:
  containers: [{name: c, image: c:1}]
";
        assert!(located("workload-without-network-policy", yaml).is_empty());
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

    #[test]
    fn services_with_external_ips_fire() {
        let yaml = "\
apiVersion: v1
kind: Service
metadata: {name: fire}
spec:
  externalIPs: [10.0.0.5, 10.0.0.6]
---
apiVersion: v1
kind: Service
metadata: {name: dont-fire-empty}
spec:
  externalIPs: []
";
        assert_eq!(
            located("service-external-ips", yaml),
            vec![(5, "/spec/externalIPs/0".to_owned())]
        );
    }
}
