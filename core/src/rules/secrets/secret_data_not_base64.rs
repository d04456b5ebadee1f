use super::decode_base64_bytes;
use crate::declare_rule;
use crate::model::Object;
use crate::pointer::escape;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::{ScalarValue, Value};

declare_rule! {
    /// ## What it does
    /// Flags Secret `data` values that are not valid base64 as the API server reads
    /// them: the standard alphabet with `=` padding (line breaks are ignored). The
    /// usual cause is a plain-text value written in `data` where `stringData` was
    /// meant.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Secret, so the apply fails; and the value is most
    /// likely the credential itself in plain text, in the repository, where whoever
    /// wrote it believed it was encoded.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: orders-db
    /// data:
    ///   password: Vq8-rT2kLm9x!
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: orders-db
    /// data:
    ///   password: VnE4LXJUMmtMbTl4IQ==
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
    /// - https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/
    pub static SECRET_DATA_NOT_BASE64 = Rule {
        id: "secret-data-not-base64",
        title: "Secret data that is not base64",
        category: Category::Secrets,
        severity: Severity::Medium,
        applies_to: "Secret",
        remediation: "Base64-encode the value, or move it to `stringData` (and out of the repository).",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/",
            "https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if object.kind != "Secret" || object.api_version != "v1" {
        return;
    }
    let Some(entries) = object.at("/data").and_then(|d| d.as_map()) else {
        return;
    };
    for entry in entries {
        let (Some(key), Value::Scalar(scalar)) = (entry.key_str(), &entry.value.value) else {
            continue;
        };
        // `[]byte` in JSON is a base64 string; a number or boolean is a type error that
        // `invalid-field-type` reports, and null is an empty value.
        if scalar.value != ScalarValue::Str {
            continue;
        }
        if decode_base64_bytes(&scalar.text).is_none() {
            out.report(
                object,
                format!("/data/{}", escape(key)),
                format!("secret key `{key}` in `data` is not valid base64"),
            );
        }
    }
}
