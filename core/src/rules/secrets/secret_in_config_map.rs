use super::credential_in;
use crate::declare_rule;
use crate::model::Object;
use crate::pointer::escape;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags ConfigMap `data` entries that hold a credential: a key whose name ends in
    /// a credential word (as in `secrets-in-env`) with a literal value, or any value
    /// that holds a PEM private key or an AWS access key id.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are not meant for confidential data: RBAC commonly grants read access
    /// to them broadly (the built-in `view` role can read every ConfigMap but no
    /// Secret), they are not encrypted at rest when Secrets are, and their contents
    /// show up in logs, dashboards and `kubectl describe`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    /// data:
    ///   DB_HOST: db.shop.svc
    ///   DB_PASSWORD: s3cr3t-passw0rd
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web
    /// data:
    ///   DB_HOST: db.shop.svc
    ///   DB_PASSWORD_FILE: /etc/web/db/password
    /// ```
    ///
    /// ## Known problems
    /// Credentials inside a configuration file held in one value (`app.ini: |` with a
    /// `password = …` line) are only found when they are private keys or AWS key ids.
    ///
    /// ## References
    /// - NSA/CISA Kubernetes Hardening Guide: Secrets
    /// - CIS Kubernetes Benchmark 5.4: Secrets Management
    pub static SECRET_IN_CONFIG_MAP = Rule {
        id: "secret-in-config-map",
        title: "Credential in a ConfigMap",
        category: Category::Secrets,
        severity: Severity::High,
        applies_to: "ConfigMap",
        remediation: "Move the credential to a Secret (or an external secret store) and mount it where it is needed.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/configmap/",
            "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "ConfigMap" || object.api_version != "v1" {
        return;
    }
    let Some(entries) = object.at("/data").and_then(|d| d.as_map()) else {
        return;
    };
    for entry in entries {
        let (Some(key), Some(value)) = (entry.key_str(), entry.value.as_str()) else {
            continue;
        };
        if let Some(found) = credential_in(key, value) {
            out.report(
                object,
                format!("/data/{}", escape(key)),
                format!("config map key `{key}` holds {found}"),
            );
        }
    }
}
