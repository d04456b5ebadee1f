use super::scan::Place;
use super::{inner, report_hits};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags ConfigMap `data` and `binaryData` (decoded) entries that hold a
    /// credential: a key whose name ends in a credential word (as in `secrets-in-env`)
    /// with a literal value, or any value holding a credential of a format the
    /// detectors know (as in `secrets-in-env`). A value that is a whole file
    /// (`config.yaml`, `.env`, `application.properties`, JSON) is read line by line,
    /// and the finding points at the credential inside it.
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
    /// Files are read line by line: a credential in XML or in a multi-line JSON string
    /// is only found when its format is known.
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

fn check(ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    let places = [Place::ConfigMapData, Place::ConfigMapBinaryData];
    report_hits(ctx, object, out, &places, |found, hit| {
        let key = match found.place {
            Place::ConfigMapBinaryData => "binary key",
            _ => "key",
        };
        format!(
            "config map {key} `{}` holds {}{}",
            found.label,
            hit.what,
            inner(hit)
        )
    });
}
