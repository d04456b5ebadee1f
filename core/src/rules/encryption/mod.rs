//! Encryption: traffic and stored data left in plain text.

pub mod apiservice_insecure_skip_tls;
pub mod ingress_without_tls;
pub mod unencrypted_secrets_at_rest;

#[cfg(test)]
mod tests {
    use crate::rules::test_support::located;

    #[test]
    fn ingresses_without_tls_fire_at_their_routes() {
        let yaml = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: fire-plain
spec:
  rules:
  - host: shop.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: dont-fire-tls
spec:
  tls:
  - secretName: shop-tls
  rules:
  - host: shop.example.com
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: dont-fire-managed-certificate
  annotations:
    networking.gke.io/managed-certificates: shop
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: fire-default-backend
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
";
        assert_eq!(
            located("ingress-without-tls", yaml),
            vec![
                (7, "/spec/rules".to_owned()),
                (35, "/spec/defaultBackend".to_owned())
            ]
        );
    }

    #[test]
    fn apiservices_skipping_tls_verification_fire() {
        let yaml = "\
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  insecureSkipTLSVerify: true
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.example.com
spec:
  insecureSkipTLSVerify: false
  caBundle: Zm9v
";
        assert_eq!(
            located("apiservice-insecure-skip-tls", yaml),
            vec![(6, "/spec/insecureSkipTLSVerify".to_owned())]
        );
    }

    #[test]
    fn encryption_configs_fire_when_secrets_are_written_in_plain_text() {
        let yaml = "\
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [configmaps]
  providers:
  - aescbc: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
- resources: [\"*.*\"]
  providers:
  - identity: {}
  - secretbox: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
---
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [configmaps]
  providers:
  - secretbox: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
---
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - secretbox: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
  - identity: {}
";
        assert_eq!(
            located("unencrypted-secrets-at-rest", yaml),
            vec![
                (9, "/resources/1/providers/0".to_owned()),
                (15, "/resources".to_owned()),
            ]
        );
    }

    #[test]
    fn apiservers_without_an_encryption_config_fire() {
        let yaml = "\
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command:
    - kube-apiserver
    - --authorization-mode=Node,RBAC
---
apiVersion: v1
kind: Pod
metadata: {name: encrypted, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command: [kube-apiserver]
    args: [--encryption-provider-config, /etc/kubernetes/enc.yaml]
---
apiVersion: v1
kind: Pod
metadata: {name: not-an-apiserver}
spec:
  containers:
  - name: web
    image: nginx:1.27
    command: [nginx]
";
        assert_eq!(
            located("unencrypted-secrets-at-rest", yaml),
            vec![(9, "/spec/containers/0/command".to_owned())]
        );
    }
}
