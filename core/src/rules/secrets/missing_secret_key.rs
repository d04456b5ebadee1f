use std::collections::{BTreeSet, HashMap};

use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags references to a key that the referenced Secret does not have:
    /// `env[].valueFrom.secretKeyRef`, and `items[].key` of Secret volumes and of
    /// projected volumes' Secret sources. Only Secrets that are in the input (same
    /// namespace, same analysis context) are judged, from their `data` and
    /// `stringData` keys; references marked `optional: true` are not reported, nor
    /// Secrets the cluster fills in (`kubernetes.io/service-account-token`).
    ///
    /// ## Why is this bad?
    /// The kubelet cannot start the container (`CreateContainerConfigError`) or mount
    /// the volume, so the workload never runs; and a misspelt key is often "fixed"
    /// under pressure by writing the credential inline.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: web-db
    /// stringData:
    ///   password: ${DB_PASSWORD}
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: shop/web:1.4.2
    ///     env:
    ///     - name: DB_PASSWORD
    ///       valueFrom:
    ///         secretKeyRef:
    ///           name: web-db
    ///           key: pasword
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: web-db
    /// stringData:
    ///   password: ${DB_PASSWORD}
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: shop/web:1.4.2
    ///     env:
    ///     - name: DB_PASSWORD
    ///       valueFrom:
    ///         secretKeyRef:
    ///           name: web-db
    ///           key: password
    /// ```
    ///
    /// ## Known problems
    /// A Secret that another tool adds keys to after it is applied (a controller, a
    /// second manifest outside the input) is judged by the keys the input shows.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#optional-secrets
    pub static MISSING_SECRET_KEY = Rule {
        id: "missing-secret-key",
        title: "Reference to a key the Secret does not have",
        category: Category::Secrets,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template, with the Secrets of the input",
        remediation: "Reference a key the Secret has, or add the key to the Secret.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
            "https://kubernetes.io/docs/concepts/configuration/secret/#optional-secrets",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Input(check),
    };
}

/// Keys named in a message, at most.
const KEYS_SHOWN: usize = 8;

/// The keys of each Secret, and its first manifest (the finding's related location).
type SecretKeys<'o, 'a> = HashMap<(Option<&'o str>, &'o str), (BTreeSet<&'o str>, &'o Object<'a>)>;

/// The keys of each Secret of the input, by namespace and name; several manifests of
/// one Secret add up.
fn secret_keys<'o, 'a>(objects: &'o [Object<'a>]) -> SecretKeys<'o, 'a> {
    let mut secrets: SecretKeys<'o, 'a> = HashMap::new();
    for object in objects {
        if object.kind != "Secret" || object.api_version != "v1" {
            continue;
        }
        let filled_in = object.at("/type").and_then(|t| t.as_str())
            == Some("kubernetes.io/service-account-token");
        let Some(name) = object.name() else { continue };
        if filled_in {
            continue;
        }
        let (keys, _) = secrets
            .entry((object.namespace(), name))
            .or_insert_with(|| (BTreeSet::new(), object));
        for field in ["/data", "/stringData"] {
            let entries = object
                .at(field)
                .and_then(|n| n.as_map())
                .unwrap_or_default();
            keys.extend(entries.iter().filter_map(|e| e.key_str()));
        }
    }
    secrets
}

fn check(_ctx: &Ctx<'_>, objects: &[Object<'_>], out: &mut Emitter) {
    let secrets = secret_keys(objects);
    if secrets.is_empty() {
        return;
    }
    for object in objects {
        for pod in &object.pods {
            let namespace = object.namespace();
            let mut check_key =
                |secret: &str, key: &str, optional: Option<bool>, pointer: String, who: String| {
                    if optional == Some(true) {
                        return;
                    }
                    let Some((keys, secret_object)) = secrets.get(&(namespace, secret)) else {
                        return;
                    };
                    if keys.contains(key) {
                        return;
                    }
                    let mut has: Vec<String> = keys
                        .iter()
                        .take(KEYS_SHOWN)
                        .map(|k| format!("`{k}`"))
                        .collect();
                    if keys.len() > KEYS_SHOWN {
                        has.push(format!("{} more", keys.len() - KEYS_SHOWN));
                    }
                    let has = if has.is_empty() {
                        "it has no keys".to_owned()
                    } else {
                        format!("it has {}", has.join(", "))
                    };
                    out.report(
                        object,
                        pointer,
                        format!(
                    "{who} reads key `{key}` of secret `{secret}`, which has no such key ({has})"
                ),
                    )
                    .related(
                        secret_object,
                        "/metadata/name",
                        format!("secret `{secret}` is defined here"),
                    );
                };
            for c in &pod.containers {
                for (j, var) in c.env(object).iter().enumerate() {
                    let Some(selector) = var
                        .value_from
                        .as_ref()
                        .and_then(|v| v.secret_key_ref.as_ref())
                    else {
                        continue;
                    };
                    check_key(
                        &selector.name,
                        &selector.key,
                        selector.optional,
                        c.at(&format!("env/{j}/valueFrom/secretKeyRef/key")),
                        format!("{} `{}`", c.kind.noun(), c.name()),
                    );
                }
            }
            for (i, volume) in pod.volumes(object).iter().enumerate() {
                let who = format!("volume `{}`", volume.name);
                if let Some(secret) = &volume.secret {
                    let Some(name) = &secret.secret_name else {
                        continue;
                    };
                    for (k, item) in secret.items.iter().flatten().enumerate() {
                        let pointer = pod.at(&format!("volumes/{i}/secret/items/{k}/key"));
                        check_key(name, &item.key, secret.optional, pointer, who.clone());
                    }
                }
                let sources = volume.projected.as_ref().and_then(|p| p.sources.as_deref());
                for (s, source) in sources.unwrap_or_default().iter().enumerate() {
                    let Some(secret) = &source.secret else {
                        continue;
                    };
                    for (k, item) in secret.items.iter().flatten().enumerate() {
                        let pointer = pod.at(&format!(
                            "volumes/{i}/projected/sources/{s}/secret/items/{k}/key"
                        ));
                        check_key(
                            &secret.name,
                            &item.key,
                            secret.optional,
                            pointer,
                            who.clone(),
                        );
                    }
                }
            }
        }
    }
}
