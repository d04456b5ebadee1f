//! `POST /v1/admission`: a validating admission webhook (`admission.k8s.io/v1`).
//!
//! The object of a review is judged by the same core as `kubecheck check` and the page.
//! This module holds what is decided without I/O: reading a review, whether and how a
//! request is judged, and the answer; `serve.rs` runs the check and counts.

use std::collections::{BTreeMap, HashSet};

use kubecheck_core::report::Finding;
use kubecheck_core::Severity;
use serde_json::{json, Value};

use crate::cli::AdmissionMode;

/// The one review version the API server speaks to webhooks that list it.
pub const REVIEW_API_VERSION: &str = "admission.k8s.io/v1";

/// The API server cuts longer warnings.
pub const WARNING_CHARS: usize = 120;

/// Warnings in one answer; the rest are counted in a last one.
const MAX_WARNINGS: usize = 10;

/// Findings listed in a denial's message, one line each; the rest are counted.
const MAX_DENIAL_LINES: usize = 10;

/// Longest line of a denial's message, in characters.
const DENIAL_LINE_CHARS: usize = 200;

/// Longest audit annotation value, in characters.
const AUDIT_CHARS: usize = 1000;

/// How the server judges reviews: `serve`'s admission flags.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Findings at or above this severity deny (in `enforce` mode).
    pub enforce_at: Severity,
    pub mode: AdmissionMode,
    /// Namespace to mode, overriding `mode`.
    pub namespace_modes: BTreeMap<String, AdmissionMode>,
    pub exempt_namespaces: HashSet<String>,
    pub exempt_users: HashSet<String>,
    /// Subresources whose requests are judged (as the object they carry); the others
    /// are allowed unchecked.
    pub judged_subresources: HashSet<String>,
}

/// The parts of an `AdmissionRequest` the verdict needs.
#[derive(Debug)]
pub struct Request {
    pub uid: String,
    pub operation: String,
    pub namespace: String,
    pub username: String,
    pub sub_resource: String,
    pub dry_run: bool,
    /// `Kind namespace/name` for messages.
    pub what: String,
    pub object: Option<Value>,
    pub old_object: Option<Value>,
}

/// Reads an `AdmissionReview`, or says what is wrong with it.
pub fn parse(body: &[u8]) -> Result<Request, String> {
    let review: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let api_version = review.get("apiVersion").and_then(Value::as_str);
    let kind = review.get("kind").and_then(Value::as_str);
    if api_version != Some(REVIEW_API_VERSION) || kind != Some("AdmissionReview") {
        return Err(format!(
            "expected an `AdmissionReview` of `{REVIEW_API_VERSION}`, got kind {} of {} \
             (list only `{REVIEW_API_VERSION}` in the webhook's `admissionReviewVersions`)",
            kind.map_or("none".into(), |k| format!("`{k}`")),
            api_version.map_or("no apiVersion".into(), |v| format!("`{v}`")),
        ));
    }
    let Some(Value::Object(mut request)) = review.get("request").cloned() else {
        return Err("the review has no `request` object".into());
    };
    let text = |field: &str| match request.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        None | Some(Value::Null) => Ok(String::new()),
        Some(_) => Err(format!("`request.{field}` is not a string")),
    };
    let uid = text("uid")?;
    if uid.is_empty() {
        return Err("the review's `request.uid` is missing or empty".into());
    }
    let operation = text("operation")?;
    let namespace = text("namespace")?;
    let name = text("name")?;
    let sub_resource = text("subResource")?;
    let username = request
        .get("userInfo")
        .and_then(|user| user.get("username"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let dry_run = request.get("dryRun").and_then(Value::as_bool) == Some(true);
    let kind = request
        .get("kind")
        .and_then(|kind| kind.get("kind"))
        .and_then(Value::as_str)
        .unwrap_or("object")
        .to_owned();
    let what = match (namespace.as_str(), name.as_str()) {
        (_, "") => kind,
        ("", name) => format!("{kind} {name}"),
        (namespace, name) => format!("{kind} {namespace}/{name}"),
    };
    let mut object = |field: &str| match request.remove(field) {
        None | Some(Value::Null) => None,
        Some(mut object) => {
            in_namespace(&mut object, &namespace);
            Some(object)
        }
    };
    let (object, old_object) = (object("object"), object("oldObject"));
    Ok(Request {
        uid,
        operation,
        namespace,
        username,
        sub_resource,
        dry_run,
        what,
        object,
        old_object,
    })
}

/// Gives `object` the request's namespace when it names none, as the API server does
/// before admission (`EnsureObjectNamespaceMatchesRequestNamespace` in its create and
/// update handlers), so the namespace's rules reach it whoever wrote the review.
fn in_namespace(object: &mut Value, namespace: &str) {
    if namespace.is_empty() {
        return;
    }
    let Some(object) = object.as_object_mut() else {
        return;
    };
    let metadata = object.entry("metadata").or_insert_with(|| json!({}));
    if let Some(metadata) = metadata.as_object_mut() {
        let named = metadata
            .get("namespace")
            .and_then(Value::as_str)
            .is_some_and(|ns| !ns.is_empty());
        if !named {
            metadata.insert("namespace".into(), json!(namespace));
        }
    }
}

/// Why a request is answered without a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// DELETE and CONNECT change no spec worth judging.
    Operation,
    /// `status`, `scale`, `exec`…: not the object's own spec (unless configured).
    SubResource,
    ExemptNamespace,
    ExemptUser,
}

impl Skip {
    pub fn label(self) -> &'static str {
        match self {
            Skip::Operation => "operation",
            Skip::SubResource => "subresource",
            Skip::ExemptNamespace => "exempt-namespace",
            Skip::ExemptUser => "exempt-user",
        }
    }
}

impl Policy {
    /// The mode a request is judged in, or why it is not judged.
    pub fn plan(&self, request: &Request) -> Result<AdmissionMode, Skip> {
        if !matches!(request.operation.as_str(), "CREATE" | "UPDATE") {
            return Err(Skip::Operation);
        }
        if !request.sub_resource.is_empty()
            && !self.judged_subresources.contains(&request.sub_resource)
        {
            return Err(Skip::SubResource);
        }
        if self.exempt_namespaces.contains(&request.namespace) {
            return Err(Skip::ExemptNamespace);
        }
        if self.exempt_users.contains(&request.username) {
            return Err(Skip::ExemptUser);
        }
        Ok(self
            .namespace_modes
            .get(&request.namespace)
            .copied()
            .unwrap_or(self.mode))
    }
}

/// Findings of `new` that `old` does not have, compared by rule, JSON pointer and
/// message (lines move when an object is edited; those three do not).
pub fn introduced(new: Vec<Finding>, old: &[Finding]) -> Vec<Finding> {
    let key = |f: &Finding| (f.rule.clone(), f.location.path.clone(), f.message.clone());
    let known: HashSet<_> = old.iter().map(key).collect();
    new.into_iter()
        .filter(|f| !known.contains(&key(f)))
        .collect()
}

/// The answer to a judged request.
pub struct Verdict {
    /// `allow`, `warn`, `audit` or `deny`, for the metrics.
    pub decision: &'static str,
    pub response: Value,
}

/// Decides on `findings` (those the request introduced) in `mode`. `errors` are parts of
/// the object the core could not read (nesting too deep, say): unjudged, so they deny
/// in `enforce` mode like a finding at the threshold, rather than pass in silence.
pub fn judge(
    policy: &Policy,
    request: &Request,
    mode: AdmissionMode,
    findings: &[Finding],
    errors: &[String],
) -> Verdict {
    let blocking: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= policy.enforce_at)
        .collect();
    let deny = mode == AdmissionMode::Enforce && !(blocking.is_empty() && errors.is_empty());
    let mut response = json!({ "uid": request.uid, "allowed": !deny });
    if deny {
        response["status"] = json!({
            "code": 403,
            "reason": "Forbidden",
            "message": denial_message(request, policy.enforce_at, &blocking, errors),
        });
    }
    let warned: Vec<&Finding> = match mode {
        AdmissionMode::Audit => Vec::new(),
        AdmissionMode::Warn => findings.iter().collect(),
        AdmissionMode::Enforce => findings
            .iter()
            .filter(|f| f.severity < policy.enforce_at)
            .collect(),
    };
    let mut warned = warnings(&warned);
    if !deny && mode != AdmissionMode::Audit {
        warned.extend(errors.iter().take(1).map(|error| {
            truncate(
                &format!("kubecheck could not check: {error}"),
                WARNING_CHARS,
            )
        }));
    }
    if !warned.is_empty() {
        response["warnings"] = json!(warned);
    }
    if !findings.is_empty() {
        response["auditAnnotations"] = json!({ "findings": audit_annotation(findings) });
    }
    let decision = match (deny, mode, findings.is_empty() && errors.is_empty()) {
        (true, _, _) => "deny",
        (false, _, true) => "allow",
        (false, AdmissionMode::Audit, false) => "audit",
        (false, _, false) => "warn",
    };
    Verdict { decision, response }
}

/// The answer to a request allowed without a check.
pub fn allow(uid: &str) -> Value {
    json!({ "uid": uid, "allowed": true })
}

/// The `AdmissionReview` that carries `response`.
pub fn review(response: Value) -> Value {
    json!({ "apiVersion": REVIEW_API_VERSION, "kind": "AdmissionReview", "response": response })
}

fn denial_message(
    request: &Request,
    enforce_at: Severity,
    blocking: &[&Finding],
    errors: &[String],
) -> String {
    let mut message = match blocking.len() {
        0 => format!("kubecheck denied {}: it could not be checked", request.what),
        n => format!(
            "kubecheck denied {}: {n} finding{} at or above {enforce_at}",
            request.what,
            if n == 1 { "" } else { "s" }
        ),
    };
    for error in errors.iter().take(1) {
        message.push('\n');
        message.push_str(&truncate(&format!("error: {error}"), DENIAL_LINE_CHARS));
    }
    for finding in blocking.iter().take(MAX_DENIAL_LINES) {
        let line = format!(
            "{} {}: {} (at {})",
            finding.severity, finding.rule, finding.message, finding.location.path
        );
        message.push('\n');
        message.push_str(&truncate(&line, DENIAL_LINE_CHARS));
    }
    if blocking.len() > MAX_DENIAL_LINES {
        message.push_str(&format!(
            "\n… and {} more (run `kubecheck check` on the manifest for all)",
            blocking.len() - MAX_DENIAL_LINES
        ));
    }
    message
}

fn warnings(findings: &[&Finding]) -> Vec<String> {
    let mut warnings: Vec<String> = findings
        .iter()
        .take(MAX_WARNINGS)
        .map(|f| {
            truncate(
                &format!("kubecheck {} {}: {}", f.severity, f.rule, f.message),
                WARNING_CHARS,
            )
        })
        .collect();
    if findings.len() > MAX_WARNINGS {
        warnings.push(format!(
            "kubecheck: {} more findings (run `kubecheck check` on the manifest for all)",
            findings.len() - MAX_WARNINGS
        ));
    }
    warnings
}

/// `rule (severity), …` of every finding, for the audit log.
fn audit_annotation(findings: &[Finding]) -> String {
    let listed: Vec<String> = findings
        .iter()
        .map(|f| format!("{} ({})", f.rule, f.severity))
        .collect();
    truncate(&listed.join(", "), AUDIT_CHARS)
}

/// `text` on one line (control characters become spaces), cut to `max` characters with
/// an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            enforce_at: Severity::High,
            mode: AdmissionMode::Enforce,
            namespace_modes: BTreeMap::from([("legacy".to_owned(), AdmissionMode::Warn)]),
            exempt_namespaces: HashSet::from(["kube-system".to_owned()]),
            exempt_users: HashSet::from(["system:serviceaccount:ci:deployer".to_owned()]),
            judged_subresources: HashSet::from(["ephemeralcontainers".to_owned()]),
        }
    }

    fn request(fields: Value) -> Request {
        let mut request = json!({ "uid": "u-1", "operation": "CREATE", "namespace": "shop",
            "kind": { "group": "", "version": "v1", "kind": "Pod" }, "name": "p",
            "userInfo": { "username": "jane" }, "object": {} });
        for (key, value) in fields.as_object().expect("fields") {
            request[key] = value.clone();
        }
        let review = json!({ "apiVersion": REVIEW_API_VERSION, "kind": "AdmissionReview",
            "request": request });
        parse(review.to_string().as_bytes()).expect("a review")
    }

    #[test]
    fn only_create_and_update_of_the_object_and_judged_subresources_are_judged() {
        let policy = policy();
        assert_eq!(policy.plan(&request(json!({}))), Ok(AdmissionMode::Enforce));
        let update = request(json!({ "operation": "UPDATE" }));
        assert_eq!(policy.plan(&update), Ok(AdmissionMode::Enforce));
        for (fields, skip) in [
            (json!({ "operation": "DELETE" }), Skip::Operation),
            (json!({ "operation": "CONNECT" }), Skip::Operation),
            (json!({ "subResource": "status" }), Skip::SubResource),
            (json!({ "namespace": "kube-system" }), Skip::ExemptNamespace),
            (
                json!({ "userInfo": { "username": "system:serviceaccount:ci:deployer" } }),
                Skip::ExemptUser,
            ),
        ] {
            assert_eq!(policy.plan(&request(fields.clone())), Err(skip), "{fields}");
        }
        let legacy = request(json!({ "namespace": "legacy" }));
        assert_eq!(policy.plan(&legacy), Ok(AdmissionMode::Warn));
        let debug = request(json!({ "operation": "UPDATE", "subResource": "ephemeralcontainers" }));
        assert_eq!(policy.plan(&debug), Ok(AdmissionMode::Enforce));
    }

    #[test]
    fn reviews_of_another_version_or_without_a_uid_are_refused() {
        for body in [
            "",
            "{",
            "[]",
            r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}"#,
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"x"}}"#,
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#,
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}}"#,
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}"#,
        ] {
            assert!(parse(body.as_bytes()).is_err(), "{body}");
        }
    }

    #[test]
    fn truncation_counts_characters_and_flattens_lines() {
        assert_eq!(truncate("a\nb", 10), "a b");
        let long = "é".repeat(200);
        let cut = truncate(&long, WARNING_CHARS);
        assert_eq!(cut.chars().count(), WARNING_CHARS);
        assert!(cut.ends_with('…'));
    }
}
