//! Network: traffic that no policy limits and services exposed beyond the cluster.

pub mod load_balancer_without_source_ranges;
pub mod namespace_without_network_policy;

#[cfg(test)]
mod tests {
    use crate::{check, Options, Source};

    /// `(line, path)` of each finding of `rule` in `yaml`.
    fn located(rule: &str, yaml: &str) -> Vec<(u32, String)> {
        let options = Options {
            only: vec![rule.to_owned()],
            ..Options::default()
        };
        let report = check(vec![Source::new("test.yaml", yaml)], &options);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        report
            .findings
            .into_iter()
            .map(|f| (f.location.line, f.location.path))
            .collect()
    }

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
}
