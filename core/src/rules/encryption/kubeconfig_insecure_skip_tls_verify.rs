use crate::declare_rule;
use crate::model::Object;
use crate::rules::secrets::decode_base64;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Finds kubeconfig files embedded in ConfigMaps (`data`) and Secrets (`data`,
    /// base64-decoded, and `stringData`) that set `insecure-skip-tls-verify: true` on a
    /// cluster. A value counts as a kubeconfig when it has `clusters` and one of
    /// `contexts`, `users` or `current-context`. The finding is high when the same
    /// kubeconfig holds credentials (`token`, `client-key-data`, `password`…), medium
    /// otherwise; no value of the kubeconfig is printed.
    ///
    /// ## Why is this bad?
    /// A client that skips verification sends its credentials to whoever answers at the
    /// server's address: anyone who can redirect that traffic (DNS, ARP, a rogue
    /// service) receives a working token or client key for the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: remote-cluster
    /// data:
    ///   kubeconfig: |
    ///     apiVersion: v1
    ///     kind: Config
    ///     clusters:
    ///     - name: remote
    ///       cluster:
    ///         server: https://remote.example.com:6443
    ///         insecure-skip-tls-verify: true
    ///     contexts:
    ///     - name: remote
    ///       context: {cluster: remote, user: reader}
    ///     current-context: remote
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: remote-cluster
    /// data:
    ///   kubeconfig: |
    ///     apiVersion: v1
    ///     kind: Config
    ///     clusters:
    ///     - name: remote
    ///       cluster:
    ///         server: https://remote.example.com:6443
    ///         certificate-authority: /etc/remote/ca.crt
    ///     contexts:
    ///     - name: remote
    ///       context: {cluster: remote, user: reader}
    ///     current-context: remote
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/#Cluster
    pub static KUBECONFIG_INSECURE_SKIP_TLS_VERIFY = Rule {
        id: "kubeconfig-insecure-skip-tls-verify",
        title: "Embedded kubeconfig skips TLS verification",
        category: Category::Encryption,
        severity: Severity::High,
        applies_to: "ConfigMap, Secret",
        remediation: "Remove `insecure-skip-tls-verify` and give the cluster its `certificate-authority-data`.",
        references: &[
            "https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/#Cluster",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Keys of a kubeconfig `user` that hold a credential.
const CREDENTIAL_KEYS: &[&str] = &[
    "token",
    "client-key-data",
    "client-key",
    "password",
    "tokenFile",
    "auth-provider",
    "exec",
];

/// The lines of a YAML text as `key: value` pairs, keys unquoted.
fn pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| {
        let line = line.trim().trim_start_matches("- ").trim_start_matches('{');
        let (key, value) = line.split_once(':')?;
        let key = key.trim().trim_matches('"');
        let value = value.trim().trim_end_matches(',').trim_matches('"');
        Some((key, value))
    })
}

/// The `key: value` pairs of a JSON document, scalars as text, at any depth.
fn json_pairs(value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let text = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                };
                out.push((key.clone(), text));
                json_pairs(value, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_pairs(v, out)),
        _ => {}
    }
}

/// Whether `text` is a kubeconfig (YAML or JSON) that skips verification, and whether
/// it holds credentials.
fn judge(text: &str) -> Option<bool> {
    // Nearly every value is no such kubeconfig, and many are large (dashboards as JSON):
    // without the key written out, none of the pairs below can say it, unless a JSON
    // escape spells it.
    let json_like = text.trim_start().starts_with('{');
    if !(text.contains("insecure-skip-tls-verify") || (json_like && text.contains('\\'))) {
        return None;
    }
    let mut json = Vec::new();
    if json_like {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            json_pairs(&value, &mut json);
        }
    }
    let keys: Vec<(&str, &str)> = if json.is_empty() {
        pairs(text).collect()
    } else {
        json.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    };
    let has = |k: &str| keys.iter().any(|(key, _)| *key == k);
    let kubeconfig = has("clusters") && (has("contexts") || has("users") || has("current-context"));
    let skips = keys
        .iter()
        .any(|(k, v)| *k == "insecure-skip-tls-verify" && v.eq_ignore_ascii_case("true"));
    (kubeconfig && skips).then(|| CREDENTIAL_KEYS.iter().any(|k| has(k)))
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.api_version != "v1" {
        return;
    }
    let fields: &[(&str, bool)] = match object.kind.as_str() {
        "ConfigMap" => &[("data", false)],
        "Secret" => &[("data", true), ("stringData", false)],
        _ => return,
    };
    for (field, base64) in fields {
        let entries = object
            .at(&format!("/{field}"))
            .and_then(Node::as_map)
            .unwrap_or_default();
        for entry in entries {
            let (Some(key), Value::Scalar(scalar)) = (entry.key_str(), &entry.value.value) else {
                continue;
            };
            let decoded;
            let text = if *base64 {
                decoded = decode_base64(&scalar.text);
                match &decoded {
                    Some(text) => text.as_str(),
                    None => continue,
                }
            } else {
                &*scalar.text
            };
            let Some(credentials) = judge(text) else {
                continue;
            };
            let pointer = format!("/{field}/{}", key.replace('~', "~0").replace('/', "~1"));
            let (what, severity) = if credentials {
                (
                    "and sends the credentials it holds to an unverified server",
                    Severity::High,
                )
            } else {
                ("", Severity::Medium)
            };
            out.report(
                object,
                pointer,
                format!(
                    "kubeconfig in `{field}.{key}` sets `insecure-skip-tls-verify: true` {what}"
                )
                .trim_end()
                .to_owned(),
            )
            .severity = Some(severity);
        }
    }
}
