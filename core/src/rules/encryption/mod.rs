//! Encryption: traffic and stored data left in plain text.

pub mod apiservice_insecure_skip_tls;
pub mod ingress_without_tls;
pub mod unencrypted_secrets_at_rest;
