//! Encryption: traffic and stored data left in plain text.

pub mod admission_webhook_insecure_transport;
pub mod apiserver_backend_tls_unverified;
pub mod apiservice_insecure_skip_tls;
pub mod etcd_insecure_transport;
pub mod ingress_without_tls;
pub mod kubeconfig_insecure_skip_tls_verify;
pub mod mesh_plaintext_allowed;
pub mod metrics_scrape_insecure_tls;
pub mod operator_endpoint_insecure_transport;
pub mod unencrypted_secrets_at_rest;
pub mod weak_encryption_provider;
pub mod weak_tls_config;
