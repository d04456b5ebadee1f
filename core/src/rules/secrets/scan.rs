//! Where secrets are looked for and what is found there. The secrets rules and the
//! redaction of every output read the same scan, so whatever a rule can report, no
//! output prints.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::detectors;
use super::{decode_base64, is_credential_name, is_literal_credential};
use crate::model::Object;
use crate::pointer::escape;
use crate::rules::Ctx;
use crate::yaml::{Node, Value};

/// A secret in a scanned text.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// What it is, for messages: `a GitHub token`, `a literal credential`.
    pub what: &'static str,
    /// The detector's id, or `credential-name` for a name with a literal value.
    pub detector: &'static str,
    /// Byte range of the secret in the scanned text.
    pub range: Range<usize>,
    /// The key it is assigned to inside the text (`spring.datasource.password` in an
    /// `application.properties` value), when that is what found it.
    pub inner_name: Option<String>,
}

const NAME_DETECTOR: &str = "credential-name";

/// Every secret in `text`, the value of `name` (a key, an environment variable): what
/// the detector table recognises, then a credential name with a literal value, then
/// `key: value`, `KEY=value`, `--flag=value` and `"key": "value"` pairs of an embedded
/// file or script. Ranges do not overlap.
pub fn scan_text(name: Option<&str>, text: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = detectors::find(text)
        .into_iter()
        .map(|m| Hit {
            what: m.detector.what,
            detector: m.detector.id,
            range: m.range,
            inner_name: None,
        })
        .collect();
    if hits.is_empty() {
        if let Some(name) = name {
            let trimmed = trim_range(text, 0..text.len());
            if is_credential_name(name) && is_literal_credential(name, &text[trimmed.clone()]) {
                return vec![named_hit(name, text, trimmed, None)];
            }
        }
    }
    if text.len() > 1 || name.is_none() {
        for (key, value) in assignments(text) {
            let covered = hits
                .iter()
                .any(|h| h.range.start < value.end && value.start < h.range.end);
            if !covered
                && is_credential_name(key)
                && is_literal_credential(key, &text[value.clone()])
                && looks_random_enough(&text[value.clone()])
            {
                hits.push(named_hit(key, text, value, Some(key.to_owned())));
            }
        }
        hits.sort_by_key(|h| h.range.start);
    }
    hits
}

/// A value inside a file is judged by less context than a whole value: it must look
/// like a credential, not a setting word (`passwd: compat` in `nsswitch.conf`) — at
/// least 8 characters, or a character other than a lower-case letter.
fn looks_random_enough(value: &str) -> bool {
    value.len() >= 8 || value.bytes().any(|c| !c.is_ascii_lowercase())
}

fn named_hit(name: &str, text: &str, range: Range<usize>, inner_name: Option<String>) -> Hit {
    let value = &text[range.clone()];
    // AWS's secret access key by its name and shape (40 base64 characters).
    let words = super::words(name);
    let aws_secret = words.iter().any(|w| w == "AWS" || w == "AMAZON")
        && words.iter().any(|w| w == "SECRET")
        && value.len() == 40
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/');
    let (what, detector) = if aws_secret {
        ("an AWS secret access key", "aws-secret-access-key")
    } else {
        ("a literal credential", NAME_DETECTOR)
    };
    Hit {
        what,
        detector,
        range,
        inner_name,
    }
}

fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// `key` / value-range pairs of the lines of `text`: JSON members (`"key": "value"`,
/// any number on a line), else `key: value`, `key = value` and `KEY=value` lines
/// (YAML, `.env`, `.properties`, INI), and `--flag=value` or `NAME=value` words of
/// command lines. Comment lines are skipped; quotes around a value are not part of it.
fn assignments(text: &str) -> Vec<(&str, Range<usize>)> {
    let mut pairs = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let body = line.trim_start();
        if body.starts_with('#') || body.starts_with("//") || body.starts_with(';') {
            continue;
        }
        let base = start + (line.len() - body.len());
        let before = pairs.len();
        json_members(body, base, &mut pairs);
        if pairs.len() > before {
            continue;
        }
        let body_unlisted = body.strip_prefix("- ").unwrap_or(body);
        let body_unlisted = body_unlisted
            .strip_prefix("export ")
            .unwrap_or(body_unlisted);
        let base = base + (body.len() - body_unlisted.len());
        if let Some(pair) = key_value_line(body_unlisted, base) {
            pairs.push(pair);
            continue;
        }
        command_words(body_unlisted, base, &mut pairs);
    }
    pairs
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 128
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/'))
}

/// `key: value`, `key = value` or `key=value` filling the line.
fn key_value_line(body: &str, base: usize) -> Option<(&str, Range<usize>)> {
    let sep = body.find([':', '='])?;
    let key = body[..sep].trim_end();
    let key = key.trim_matches(['"', '\'']);
    if !is_key(key) {
        return None;
    }
    let mut value_start = sep + 1;
    if body.as_bytes()[sep] == b':' && body[value_start..].starts_with([':', '/']) {
        return None; // `http://…`, `a::b`: not a key
    }
    value_start += body[value_start..].len() - body[value_start..].trim_start().len();
    let mut value = &body[value_start..];
    // An inline YAML or shell comment.
    if let Some(hash) = value.find(" #") {
        value = &value[..hash];
    }
    let value = value.trim_end().trim_end_matches(',');
    let (value_start, value) = unquote(value_start, value);
    Some((key, base + value_start..base + value_start + value.len()))
}

fn unquote(start: usize, value: &str) -> (usize, &str) {
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return (start + 1, &value[1..value.len() - 1]);
        }
    }
    (start, value)
}

/// `"key": "value"` members of a line of JSON.
fn json_members<'t>(line: &'t str, base: usize, pairs: &mut Vec<(&'t str, Range<usize>)>) {
    let bytes = line.as_bytes();
    let mut at = 0;
    while let Some(open) = line[at..].find('"').map(|i| at + i) {
        let Some(close) = line[open + 1..].find('"').map(|i| open + 1 + i) else {
            return;
        };
        let key = &line[open + 1..close];
        let mut next = close + 1;
        while next < bytes.len() && bytes[next] == b' ' {
            next += 1;
        }
        if bytes.get(next) != Some(&b':') {
            at = close + 1;
            continue;
        }
        next += 1;
        while next < bytes.len() && bytes[next] == b' ' {
            next += 1;
        }
        if bytes.get(next) != Some(&b'"') {
            at = next.max(close + 1);
            continue;
        }
        let value_start = next + 1;
        let mut end = value_start;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        if is_key(key) {
            pairs.push((key, base + value_start..base + end));
        }
        at = (end + 1).min(line.len());
    }
}

/// `--flag=value`, `NAME=value` and `--flag value` words of a command line.
fn command_words<'t>(line: &'t str, base: usize, pairs: &mut Vec<(&'t str, Range<usize>)>) {
    let mut words = Vec::new();
    let mut at = 0;
    for word in line.split([' ', '\t']) {
        if !word.is_empty() {
            words.push((at, word));
        }
        at += word.len() + 1;
    }
    for (i, &(start, word)) in words.iter().enumerate() {
        let flag = word.trim_start_matches('-');
        if let Some((key, value)) = flag.split_once('=') {
            if is_key(key) {
                let value_start = start + (word.len() - flag.len()) + key.len() + 1;
                let (value_start, value) = unquote(value_start, value);
                pairs.push((key, base + value_start..base + value_start + value.len()));
            }
        } else if word.starts_with("--") && is_key(flag) {
            if let Some(&(next_start, next)) = words.get(i + 1) {
                if !next.starts_with('-') {
                    let (value_start, value) = unquote(next_start, next);
                    pairs.push((flag, base + value_start..base + value_start + value.len()));
                }
            }
        }
    }
}

/// Where a value was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Env,
    /// A container's `command` or `args`.
    CommandLine,
    ConfigMapData,
    ConfigMapBinaryData,
    Annotation,
    Label,
    /// `kubectl.kubernetes.io/last-applied-configuration`: the object again, as JSON.
    LastApplied,
    SecretData,
    SecretStringData,
    /// A field of a well-known custom resource that takes inline values
    /// ([`CUSTOM_RESOURCE_FIELDS`]).
    CustomResource,
}

/// A value that was looked at, with what was found in it.
#[derive(Clone)]
pub struct Found<'a> {
    pub place: Place,
    /// Pointer to the value, relative to the object.
    pub pointer: String,
    pub node: &'a Node,
    /// What names the value in messages: the variable, the key, `args[2]`.
    pub label: String,
    /// The container, for environment variables and command lines.
    pub container: Option<String>,
    /// The decoded text when the value is base64 (Secret `data`, `binaryData`).
    pub decoded: Option<String>,
    pub hits: Vec<Hit>,
    /// A value of a repeated key that a later one overrides: the API server never sees
    /// it, but the text shows it, so redaction masks it too.
    pub overridden: bool,
}

impl Found<'_> {
    /// The scanned text: decoded, or the value as written.
    pub fn text(&self) -> &str {
        match (&self.decoded, &self.node.value) {
            (Some(decoded), _) => decoded,
            (None, Value::Scalar(s)) => &s.text,
            _ => "",
        }
    }

    pub fn secret(&self, hit: &Hit) -> &str {
        self.text().get(hit.range.clone()).unwrap_or_default()
    }

    /// Whether the value is secret as a whole, credential or not (`user: admin`): a
    /// Secret's values, and a Secret's last applied configuration, which repeats them.
    pub fn is_secret_as_a_whole(&self, object: &Object<'_>) -> bool {
        matches!(self.place, Place::SecretData | Place::SecretStringData)
            || (self.place == Place::LastApplied && object.kind == "Secret")
    }
}

/// The secrets of every object of a run, looked for once in every place when the run
/// starts: the secrets rules and the redaction of the report read the same scan (each
/// scanning on its own was a tenth of a run over the real corpus). Only what either
/// reads is kept: values with a hit, and values secret as a whole.
pub struct SecretScans<'a>(Vec<Vec<Found<'a>>>);

impl<'a> SecretScans<'a> {
    /// Scans `objects`, side by side with the `parallel` feature.
    pub(crate) fn of(objects: &[Object<'a>]) -> Self {
        SecretScans(crate::par::map(objects, |object| {
            let mut found = scan(object, EVERY_PLACE, true);
            found.retain(|f| !f.hits.is_empty() || f.is_secret_as_a_whole(object));
            found
        }))
    }

    /// What was found in the object numbered `id`, values a repeated key overrides
    /// included.
    pub(crate) fn of_object(&self, id: usize) -> &[Found<'a>] {
        self.0.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The values of `object` in `places` looked at for secrets (as [`scan_object`]): the
/// run's [`SecretScans`] when `ctx` has them (values without a hit are left out there,
/// unless secret as a whole), else a scan of `places` alone.
pub fn found_in<'s>(
    ctx: &'s Ctx<'_>,
    object: &'s Object<'_>,
    places: &'s [Place],
) -> FoundIn<'s, 's> {
    let found = match ctx.secret_scans(object) {
        Some(shared) => Cow::Borrowed(shared),
        None => Cow::Owned(scan_object(object, places)),
    };
    FoundIn { found, places }
}

/// What [`found_in`] found.
pub struct FoundIn<'s, 'a> {
    found: Cow<'s, [Found<'a>]>,
    places: &'s [Place],
}

impl<'a> FoundIn<'_, 'a> {
    /// The values in the places asked for, in scan order; none that a repeated key
    /// overrides.
    pub fn iter(&self) -> impl Iterator<Item = &Found<'a>> {
        self.found
            .iter()
            .filter(|f| !f.overridden && self.places.contains(&f.place))
    }
}

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Every place a value is looked at for secrets.
pub const EVERY_PLACE: &[Place] = &[
    Place::Env,
    Place::CommandLine,
    Place::ConfigMapData,
    Place::ConfigMapBinaryData,
    Place::Annotation,
    Place::Label,
    Place::LastApplied,
    Place::SecretData,
    Place::SecretStringData,
    Place::CustomResource,
];

/// Fields of well-known custom resources where inline values, and so pasted credentials,
/// land: `(group, kind, pointers)`, a `*` segment standing for every item of a list.
/// Most operators take credentials only as Secret references (Velero's
/// `spec.credential`, CloudNativePG's `s3Credentials`, Flux's `secretRef`, cert-manager,
/// Crossplane `ProviderConfig`, KEDA `TriggerAuthentication`); these fields take free-form
/// values instead.
pub const CUSTOM_RESOURCE_FIELDS: &[(&str, &str, &[&str])] = &[
    // Argo CD `ApplicationSourceHelm`: `values` (a YAML string), `valuesObject`,
    // `parameters[]` (`name`, `value`); argo-cd pkg/apis/application/v1alpha1/types.go.
    (
        "argoproj.io",
        "Application",
        &[
            "/spec/source/helm/values",
            "/spec/source/helm/valuesObject",
            "/spec/source/helm/parameters",
            "/spec/sources/*/helm/values",
            "/spec/sources/*/helm/valuesObject",
            "/spec/sources/*/helm/parameters",
        ],
    ),
    (
        "argoproj.io",
        "ApplicationSet",
        &[
            "/spec/template/spec/source/helm/values",
            "/spec/template/spec/source/helm/valuesObject",
            "/spec/template/spec/source/helm/parameters",
            "/spec/template/spec/sources/*/helm/values",
            "/spec/template/spec/sources/*/helm/valuesObject",
            "/spec/template/spec/sources/*/helm/parameters",
        ],
    ),
    // Flux `HelmReleaseSpec.values`; helm-controller api/v2/helmrelease_types.go.
    ("helm.toolkit.fluxcd.io", "HelmRelease", &["/spec/values"]),
    // Grafana Operator `GrafanaDatasourceInternal.secureJsonData`, Grafana's encrypted
    // datasource settings; grafana-operator api/v1beta1/grafanadatasource_types.go.
    (
        "grafana.integreatly.org",
        "GrafanaDatasource",
        &["/spec/datasource/secureJsonData"],
    ),
];

/// The nodes at `pattern` in `object` with their pointers, `*` matching every list item.
fn nodes_at<'a>(object: &Object<'a>, pattern: &str) -> Vec<(String, &'a Node)> {
    let (head, tail) = match pattern.split_once("/*") {
        Some((head, tail)) => (head, Some(tail)),
        None => (pattern, None),
    };
    let Some(node) = object.at(head) else {
        return Vec::new();
    };
    match tail {
        None => vec![(head.to_owned(), node)],
        Some(tail) => node
            .as_seq()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .flat_map(|(i, _)| nodes_at(object, &format!("{head}/{i}{tail}")))
            .collect(),
    }
}

/// Every scalar under `node`, named by its key: a Helm parameter (`name`, `value`) by
/// its `name`, a list item by its list's key.
fn custom_resource_values<'a>(
    node: &'a Node,
    pointer: String,
    name: &str,
    found: &mut Vec<Found<'a>>,
) {
    match &node.value {
        Value::Scalar(s) => found.push(Found {
            place: Place::CustomResource,
            hits: scan_text(Some(name), &s.text),
            pointer,
            node,
            label: name.to_owned(),
            container: None,
            decoded: None,
            overridden: false,
        }),
        Value::Map(entries) => {
            let parameter = node.get("name").and_then(Node::as_str);
            for entry in entries {
                let Some(key) = entry.key_str() else { continue };
                let pointer = format!("{pointer}/{}", escape(key));
                match (key, parameter) {
                    ("value", Some(parameter)) => {
                        custom_resource_values(&entry.value, pointer, parameter, found);
                    }
                    ("name", Some(_)) => {}
                    _ => custom_resource_values(&entry.value, pointer, key, found),
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                custom_resource_values(item, format!("{pointer}/{i}"), name, found);
            }
        }
    }
}

/// Every value of `object` in `places` that is looked at for secrets, with its hits.
/// Secret values are listed whether or not anything was found in them: they are secret
/// as a whole. Each rule scans only its own places: scanning is most of what the secrets
/// rules cost.
pub fn scan_object<'a>(object: &Object<'a>, places: &[Place]) -> Vec<Found<'a>> {
    scan(object, places, false)
}

/// A value's decoded text (when it is base64) and its hits.
type Scanned = (Option<String>, Vec<Hit>);

fn scan<'a>(object: &Object<'a>, places: &[Place], overridden: bool) -> Vec<Found<'a>> {
    let wants = |place: Place| places.contains(&place);
    let mut found = Vec::new();
    let scalar = |node: &'a Node| match &node.value {
        Value::Scalar(s) => Some(&*s.text),
        _ => None,
    };
    let containers = object
        .pods
        .iter()
        .flat_map(|pod| &pod.containers)
        .filter(|_| wants(Place::Env) || wants(Place::CommandLine));
    for c in containers {
        let container = Some(format!("{} `{}`", c.kind.noun(), c.name()));
        let env = match wants(Place::Env) {
            true => c.env(object),
            false => Vec::new(),
        };
        for (j, var) in env.iter().enumerate() {
            let Some(value) = &var.value else { continue };
            let pointer = c.at(&format!("env/{j}/value"));
            let Some(node) = object.at(&pointer) else {
                continue;
            };
            found.push(Found {
                place: Place::Env,
                pointer,
                node,
                label: var.name.clone(),
                container: container.clone(),
                decoded: None,
                hits: scan_text(Some(&var.name), value),
                overridden: false,
            });
        }
        for field in ["command", "args"]
            .into_iter()
            .filter(|_| wants(Place::CommandLine))
        {
            let words = match field {
                "command" => c.container.command.as_deref(),
                _ => c.container.args.as_deref(),
            };
            let Some(words) = words else { continue };
            for (j, word) in words.iter().enumerate() {
                let pointer = c.at(&format!("{field}/{j}"));
                let Some(node) = object.at(&pointer) else {
                    continue;
                };
                // `--password` then the value as the next word.
                let flag = j
                    .checked_sub(1)
                    .and_then(|p| words[p].strip_prefix("--"))
                    .filter(|f| !f.contains('=') && !word.starts_with('-'));
                found.push(Found {
                    place: Place::CommandLine,
                    pointer,
                    node,
                    label: format!("{field}[{j}]"),
                    container: container.clone(),
                    decoded: None,
                    hits: scan_text(flag, word),
                    overridden: false,
                });
            }
        }
    }
    let is_v1 = object.api_version == "v1";
    let entries = |pointer: &str, place: Place, decode: bool, found: &mut Vec<Found<'a>>| {
        let annotations = place == Place::Annotation;
        if !(wants(place) || annotations && wants(Place::LastApplied)) {
            return;
        }
        let Some(map) = object.at(pointer).and_then(Node::as_map) else {
            return;
        };
        // With repeated keys the last one wins (`Node::get`); its value is the one the
        // pointer names. A mapping of a million repeats is scanned once per value.
        let mut seen: HashSet<&str> = HashSet::new();
        let mut scanned: HashMap<(&str, &str), Scanned> = HashMap::new();
        let winners: Vec<bool> = map
            .iter()
            .rev()
            .map(|e| e.key_str().is_some_and(|k| seen.insert(k)))
            .collect();
        for (entry, wins) in map
            .iter()
            .zip(winners.into_iter().rev())
            .filter(|(_, wins)| overridden || *wins)
        {
            let (Some(key), Some(text)) = (entry.key_str(), scalar(&entry.value)) else {
                continue;
            };
            let last_applied = annotations && key == LAST_APPLIED;
            if annotations
                && !wants(if last_applied {
                    Place::LastApplied
                } else {
                    place
                })
            {
                continue;
            }
            let (decoded, hits) = scanned
                .entry((key, text))
                .or_insert_with(|| {
                    // Base64 of text is read decoded; anything else as written (binary
                    // data, or plain text written where base64 belongs).
                    let decoded = if decode { decode_base64(text) } else { None };
                    let text = decoded.as_deref().unwrap_or(text);
                    let whole_secret = place == Place::LastApplied && object.kind == "Secret";
                    let hits = if whole_secret {
                        Vec::new() // a Secret's data again: masked whole, reported by the Secret rules
                    } else {
                        scan_text(Some(key), text)
                    };
                    (decoded, hits)
                })
                .clone();
            found.push(Found {
                place,
                pointer: format!("{pointer}/{}", escape(key)),
                node: &entry.value,
                label: key.to_owned(),
                container: None,
                decoded,
                hits,
                overridden: !wins,
            });
        }
    };
    match object.kind.as_str() {
        "Secret" if is_v1 => {
            entries("/data", Place::SecretData, true, &mut found);
            entries("/stringData", Place::SecretStringData, false, &mut found);
        }
        "ConfigMap" if is_v1 => {
            entries("/data", Place::ConfigMapData, false, &mut found);
            entries("/binaryData", Place::ConfigMapBinaryData, true, &mut found);
        }
        _ => {}
    }
    let mut annotations = Vec::new();
    entries(
        "/metadata/annotations",
        Place::Annotation,
        false,
        &mut annotations,
    );
    for a in &mut annotations {
        if a.label == LAST_APPLIED {
            a.place = Place::LastApplied;
            if object.kind == "Secret" {
                a.hits.clear();
            }
        }
    }
    found.extend(annotations);
    entries("/metadata/labels", Place::Label, false, &mut found);
    if wants(Place::CustomResource) {
        let fields = CUSTOM_RESOURCE_FIELDS
            .iter()
            .filter(|(group, kind, _)| object.group() == *group && object.kind == *kind)
            .flat_map(|(_, _, pointers)| pointers.iter());
        for pattern in fields {
            for (pointer, node) in nodes_at(object, pattern) {
                let name = pointer.rsplit('/').next().unwrap_or_default().to_owned();
                custom_resource_values(node, pointer, &name, &mut found);
            }
        }
    }
    found
}
#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: Option<&str>, text: &str) -> Vec<(&'static str, String)> {
        scan_text(name, text)
            .into_iter()
            .map(|h| (h.detector, text[h.range].to_owned()))
            .collect()
    }

    #[test]
    fn embedded_files_are_read_line_by_line() {
        let properties = "spring.datasource.url=jdbc:postgresql://db:5432/shop\nspring.datasource.password=Vq8rT2kLm9x\nspring.datasource.password-file=/x\n";
        assert_eq!(
            found(Some("application.properties"), properties),
            [("credential-name", "Vq8rT2kLm9x".to_owned())]
        );
        let env = "# DB_PASSWORD=old\nexport DB_PASSWORD='Vq8rT2kLm9x'\nAPI_TOKEN=${TOKEN}\n";
        assert_eq!(
            found(Some(".env"), env),
            [("credential-name", "Vq8rT2kLm9x".to_owned())]
        );
        let yaml = "db:\n  host: db\n  password: \"Vq8rT2kLm9x\" # rotated\n  token: <token>\n";
        assert_eq!(
            found(Some("config.yaml"), yaml),
            [("credential-name", "Vq8rT2kLm9x".to_owned())]
        );
        let json = "{\"user\": \"app\", \"apiKey\": \"Vq8rT2kLm9x\", \"secretName\": \"db\"}";
        assert_eq!(
            found(Some("config.json"), json),
            [("credential-name", "Vq8rT2kLm9x".to_owned())]
        );
        let nsswitch = "passwd:         compat\nshadow: files\n";
        assert_eq!(found(Some("nsswitch.conf"), nsswitch), []);
        let python = "token=os.environ[\"HF_TOKEN\"]\n";
        assert_eq!(found(Some("model.py"), python), []);
        let shell = "mysql --user=app --password=Vq8rT2kLm9x -h db";
        assert_eq!(
            found(None, shell),
            [("credential-name", "Vq8rT2kLm9x".to_owned())]
        );
    }

    #[test]
    fn a_named_value_is_a_credential_unless_a_placeholder() {
        assert_eq!(found(Some("DB_PASSWORD"), "Vq8rT2kLm9x").len(), 1);
        for value in [
            "changeme",
            "<password>",
            "${VAR}",
            "$(VAR)",
            "{{ .Values.x }}",
            "REPLACE_ME",
            "xxxxxx",
            "***",
            "example",
            "dummy",
            "",
            "ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]",
        ] {
            assert!(found(Some("DB_PASSWORD"), value).is_empty(), "{value:?}");
        }
        assert_eq!(
            found(
                Some("AWS_SECRET_ACCESS_KEY"),
                "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo"
            ),
            [(
                "aws-secret-access-key",
                "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo".to_owned()
            )]
        );
    }
}
