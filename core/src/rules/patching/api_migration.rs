//! What the removed- and deprecated-API rules share: the verdict for an object at a
//! target version, the message, and the migration as a fix (JSON Patch operations the
//! report turns into text edits of the object, in place).

use serde_json::{json, Map, Value as Json};

use crate::data::api_lifecycle::{self, ApiChange, Migration, Minor};
use crate::data::k8s_releases::NEWEST_MINOR;
use crate::model::Object;
use crate::options::Options;
use crate::pointer::escape;
use crate::rules::FixSpec;

/// Where an object's API version stands at the target version.
pub(crate) enum Status {
    Removed,
    Deprecated,
}

/// The target `1.N`: the option, or the newest release in the data.
pub(crate) fn target(options: &Options) -> Minor {
    match options.kubernetes_version {
        Some((1, minor)) => minor,
        // No Kubernetes 2 exists; a later major serves none of these versions.
        Some((major, _)) if major > 1 => Minor::MAX,
        _ => NEWEST_MINOR,
    }
}

pub(crate) fn status(row: &ApiChange, target: Minor) -> Option<Status> {
    match row.removed {
        Some(removed) if removed <= target => Some(Status::Removed),
        _ if row.deprecated <= target => Some(Status::Deprecated),
        _ => None,
    }
}

/// The object's row, for objects written against a listed API version. Objects from a
/// `List` take their type from the list; they are checked like any other.
pub(crate) fn row_of(object: &Object<'_>) -> Option<&'static ApiChange> {
    api_lifecycle::lookup(&object.api_version, &object.kind)
}

/// "use `apps/v1` (served since v1.9); `spec.selector` is required …"
pub(crate) fn advice(row: &ApiChange, kind: &str) -> String {
    let mut out = match row.replacement {
        Some(r) => {
            let kind = match r.kind {
                Some(other) => format!(" `{other}`"),
                None => String::new(),
            };
            format!(
                "use `{}`{kind} (served since v1.{})",
                r.api_version, r.since
            )
        }
        None if row.changes.is_empty() => format!("nothing replaces `{kind}`"),
        None => return row.changes.to_owned(),
    };
    if !row.changes.is_empty() {
        out.push_str("; ");
        out.push_str(row.changes);
    }
    out
}

/// The migration, when it is mechanical and its result is served at `target`: the
/// replacement is served by then and is not itself removed by then.
pub(crate) fn fix(object: &Object<'_>, row: &ApiChange, target: Minor) -> Option<FixSpec> {
    let replacement = row.replacement?;
    if replacement.kind.is_some() || replacement.since > target {
        return None;
    }
    if let Some(next) = api_lifecycle::lookup(replacement.api_version, &object.kind) {
        if next.removed.is_some_and(|removed| removed <= target) {
            return None;
        }
    }
    let json = object.to_json();
    let to = replacement.api_version;
    let spec = FixSpec::new(format!("move to `{to}`")).replace("/apiVersion", json!(to));
    match row.migration {
        Migration::ApiVersion => Some(spec),
        Migration::Apps => apps(spec, &json, &object.kind, row.api_version),
        Migration::Ingress => ingress(spec, &json),
        Migration::HpaV2beta1 => hpa(spec, &json),
        Migration::Pdb => pdb_selects_pods(&json).then_some(spec),
        Migration::Webhook => webhooks(spec, &json),
        Migration::Manual => None,
    }
}

fn apps(mut spec: FixSpec, json: &Json, kind: &str, from: &str) -> Option<FixSpec> {
    if !matches!(
        kind,
        "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet"
    ) {
        return Some(spec);
    }
    let object_spec = json.get("spec")?.as_object()?;
    if !object_spec.contains_key("selector") {
        // The old versions defaulted the selector to the template's labels: writing
        // those out selects the same pods.
        let labels = json
            .pointer("/spec/template/metadata/labels")?
            .as_object()?;
        if labels.is_empty() || !labels.values().all(Json::is_string) {
            return None;
        }
        spec = spec.add("/spec/selector", json!({ "matchLabels": labels }));
    }
    let old_on_delete = matches!(
        (from, kind),
        ("extensions/v1beta1", "DaemonSet") | ("apps/v1beta1", "StatefulSet")
    );
    if old_on_delete && !object_spec.contains_key("updateStrategy") {
        spec = spec.add("/spec/updateStrategy", json!({ "type": "OnDelete" }));
    }
    for gone in ["rollbackTo", "templateGeneration"] {
        if object_spec.contains_key(gone) {
            spec = spec.remove(format!("/spec/{gone}"));
        }
    }
    Some(spec)
}

/// `{serviceName, servicePort}` as `{service: {name, port: {number | name}}}`; other
/// backends (`resource`) are the same in v1.
fn ingress_backend(backend: &Json) -> Option<Option<Json>> {
    let map = backend.as_object()?;
    let Some(name) = map.get("serviceName") else {
        return Some(None);
    };
    let port = match map.get("servicePort")? {
        Json::Number(n) => json!({ "number": n }),
        Json::String(s) => json!({ "name": s }),
        _ => return None,
    };
    let mut converted: Map<String, Json> = map
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "serviceName" | "servicePort"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    converted.insert("service".into(), json!({ "name": name, "port": port }));
    Some(Some(Json::Object(converted)))
}

fn ingress(mut spec: FixSpec, json: &Json) -> Option<FixSpec> {
    if let Some(backend) = json.pointer("/spec/backend") {
        let converted = ingress_backend(backend)?.unwrap_or_else(|| backend.clone());
        spec = spec
            .remove("/spec/backend")
            .add("/spec/defaultBackend", converted);
    }
    let rules = json.pointer("/spec/rules").and_then(Json::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.pointer("/http/paths").and_then(Json::as_array);
        for (j, path) in paths.into_iter().flatten().enumerate() {
            let at = format!("/spec/rules/{i}/http/paths/{j}");
            if let Some(converted) = ingress_backend(path.get("backend")?)? {
                spec = spec.replace(format!("{at}/backend"), converted);
            }
            if path.get("pathType").is_none() {
                spec = spec.add(format!("{at}/pathType"), json!("ImplementationSpecific"));
            }
        }
    }
    Some(spec)
}

/// A v2beta1 metric target as v2's `target`: `AverageValue` wins where both are given,
/// as the API server's conversion does.
fn hpa_target(source: &Map<String, Json>) -> Option<Json> {
    if let Some(v) = source.get("targetAverageUtilization") {
        return Some(json!({ "type": "Utilization", "averageUtilization": v }));
    }
    if let Some(v) = source
        .get("targetAverageValue")
        .or_else(|| source.get("averageValue"))
    {
        return Some(json!({ "type": "AverageValue", "averageValue": v }));
    }
    source
        .get("targetValue")
        .map(|v| json!({ "type": "Value", "value": v }))
}

fn hpa_metric_name(source: &Map<String, Json>, selector: &str) -> Option<Json> {
    let mut metric = Map::new();
    metric.insert("name".into(), source.get("metricName")?.clone());
    if let Some(s) = source.get(selector) {
        metric.insert("selector".into(), s.clone());
    }
    Some(Json::Object(metric))
}

/// One metric source of autoscaling/v2beta1 as autoscaling/v2 (the conversion in
/// kubernetes/kubernetes pkg/apis/autoscaling/v2beta1/conversion.go).
fn hpa_source(kind: &str, source: &Map<String, Json>) -> Option<Json> {
    let target = hpa_target(source)?;
    Some(match kind {
        "resource" | "containerResource" => {
            let mut out = Map::new();
            out.insert("name".into(), source.get("name")?.clone());
            if kind == "containerResource" {
                out.insert("container".into(), source.get("container")?.clone());
            }
            out.insert("target".into(), target);
            Json::Object(out)
        }
        "pods" => json!({ "metric": hpa_metric_name(source, "selector")?, "target": target }),
        "object" => json!({
            "describedObject": source.get("target")?,
            "metric": hpa_metric_name(source, "selector")?,
            "target": target,
        }),
        "external" => {
            json!({ "metric": hpa_metric_name(source, "metricSelector")?, "target": target })
        }
        _ => return None,
    })
}

fn hpa(mut spec: FixSpec, json: &Json) -> Option<FixSpec> {
    let metrics = json.pointer("/spec/metrics").and_then(Json::as_array);
    for (i, metric) in metrics.into_iter().flatten().enumerate() {
        let metric = metric.as_object()?;
        for kind in [
            "resource",
            "containerResource",
            "pods",
            "object",
            "external",
        ] {
            if let Some(source) = metric.get(kind) {
                let converted = hpa_source(kind, source.as_object()?)?;
                spec = spec.replace(format!("/spec/metrics/{i}/{}", escape(kind)), converted);
            }
        }
    }
    Some(spec)
}

/// Whether the selector names something: an empty one changes meaning in policy/v1.
fn pdb_selects_pods(json: &Json) -> bool {
    let Some(selector) = json.pointer("/spec/selector").and_then(Json::as_object) else {
        return false;
    };
    ["matchLabels", "matchExpressions"].iter().any(|k| {
        selector.get(*k).is_some_and(|v| match v {
            Json::Object(m) => !m.is_empty(),
            Json::Array(a) => !a.is_empty(),
            _ => false,
        })
    })
}

/// The v1beta1 defaults written out, so the webhook behaves as before (v1 changed
/// them), and `sideEffects` that v1 accepts. A webhook declaring `Unknown` or `Some`
/// side effects needs a person: v1 refuses both.
fn webhooks(mut spec: FixSpec, json: &Json) -> Option<FixSpec> {
    let hooks = json.get("webhooks").and_then(Json::as_array);
    for (i, hook) in hooks.into_iter().flatten().enumerate() {
        let hook = hook.as_object()?;
        let at = format!("/webhooks/{i}");
        match hook.get("sideEffects").map(|v| v.as_str()) {
            None => spec = spec.add(format!("{at}/sideEffects"), json!("None")),
            Some(Some("None" | "NoneOnDryRun")) => {}
            Some(_) => return None,
        }
        // The API server still sends `admission.k8s.io/v1beta1` reviews to webhooks
        // that ask for them (staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/
        // request/admissionreview.go), and v1beta1 is what this webhook gets today.
        let defaults = [
            ("admissionReviewVersions", json!(["v1beta1"])),
            ("failurePolicy", json!("Ignore")),
            ("matchPolicy", json!("Exact")),
            ("timeoutSeconds", json!(30)),
        ];
        for (field, value) in defaults {
            if !hook.contains_key(field) {
                spec = spec.add(format!("{at}/{field}"), value);
            }
        }
    }
    Some(spec)
}
