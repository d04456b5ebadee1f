//! Detected secrets never reach an output in full. A security tool that printed the
//! credentials it finds would widen the leak it reports: CI logs and code-scanning
//! alerts are read by far more people than the repository's Secrets.
//!
//! The report lists where the secrets are ([`Redaction`]): human output masks those
//! spans in its source snippets. Any text of the report that quotes a secret (a plugin's
//! message, a fix, a suppression reason) gets the masked form instead. The masked form
//! keeps at most a 4-character prefix and names the secret by a short hash, so the same
//! secret is recognised across findings.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::engine::Session;
use crate::output::escape::is_unsafe;
use crate::report::{Finding, Location, Redaction, Report};
use crate::rules::secrets::{secret_nodes, Encoding};
use crate::yaml::Value;

/// Shortest secret replaced inside report texts: shorter values (a `user: app` in a
/// Secret) are ordinary words of messages too. Source snippets mask secrets of any length.
const MIN_SCRUBBED_CHARS: usize = 6;

/// `secret` as it may be shown: a prefix of at most a quarter of it (4 characters at
/// most) and the first 8 hex digits of its sha256, e.g. `wJal…[sha256:4c2b1f0e]`.
pub fn mask(secret: &str) -> String {
    let shown = (secret.chars().count() / 4).min(4);
    let prefix: String = secret
        .chars()
        .take(shown)
        .take_while(|c| !is_unsafe(*c) && !c.is_whitespace())
        .collect();
    let digest = Sha256::digest(secret.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}…[sha256:{hash}]")
}

/// Lists the secrets of `session`'s input in `report` and replaces them in its texts.
pub(crate) fn apply(session: &Session<'_>, report: &mut Report) {
    let mut replacements: HashMap<String, String> = HashMap::new();
    for object in &session.objects {
        for secret in secret_nodes(object) {
            let Value::Scalar(scalar) = &secret.node.value else {
                continue;
            };
            let decoded = match secret.encoding {
                Encoding::Base64 => decode_base64(&scalar.text),
                Encoding::Plain => None,
            };
            // Named by the value, so a password is recognised in `stringData`, in `data`
            // and in an environment variable alike.
            let masked = mask(decoded.as_deref().unwrap_or(&scalar.text));
            let span = secret.node.span;
            report.redactions.push(Redaction {
                location: Location {
                    source: session.input.sources[object.source].name.clone(),
                    document: object.document,
                    path: format!("{}{}", object.prefix, secret.pointer),
                    line: span.start.line,
                    column: span.start.column,
                    end_line: span.end.line,
                    end_column: span.end.column,
                },
                masked: masked.clone(),
            });
            for text in [Some(scalar.text.clone()), decoded].into_iter().flatten() {
                if text.chars().count() >= MIN_SCRUBBED_CHARS {
                    replacements.insert(text, masked.clone());
                }
            }
        }
    }
    if replacements.is_empty() {
        return;
    }
    let (patterns, masks): (Vec<String>, Vec<String>) = replacements.into_iter().unzip();
    let Ok(matcher) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
    else {
        return;
    };
    let scrub = |text: &mut String| {
        if matcher.is_match(text.as_str()) {
            *text = matcher.replace_all(text, &masks);
        }
    };
    for finding in report.findings.iter_mut().chain(&mut report.suppressed) {
        scrub_finding(finding, &scrub);
    }
    for error in &mut report.errors {
        scrub(&mut error.message);
    }
}

fn scrub_finding(finding: &mut Finding, scrub: &impl Fn(&mut String)) {
    scrub(&mut finding.message);
    finding.resource.name.iter_mut().for_each(scrub);
    finding.resource.namespace.iter_mut().for_each(scrub);
    if let Some(suppression) = &mut finding.suppression {
        scrub(&mut suppression.reason);
    }
    if let Some(fix) = &mut finding.fix {
        scrub(&mut fix.description);
        fix.edits.iter_mut().for_each(|e| scrub(&mut e.text));
        fix.patch.iter_mut().for_each(|op| scrub_json(op, scrub));
    }
}

fn scrub_json(value: &mut Json, scrub: &impl Fn(&mut String)) {
    match value {
        Json::String(s) => scrub(s),
        Json::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, scrub)),
        Json::Object(map) => map.values_mut().for_each(|v| scrub_json(v, scrub)),
        _ => {}
    }
}

/// Secret `data` as the API server decodes it (standard alphabet, padded); line breaks
/// of a folded block scalar are ignored. `None` unless it decodes to UTF-8 text.
fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use crate::{check, Options};

    #[test]
    fn masks_keep_a_short_prefix_and_name_the_secret_by_hash() {
        let aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let masked = mask(aws);
        assert!(masked.starts_with("wJal…[sha256:"), "{masked}");
        assert_eq!(masked.len(), "wJal…[sha256:12345678]".len());
        assert_eq!(mask(aws), masked, "the same secret, the same mask");
        assert_ne!(mask("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEz"), masked);
        assert!(mask("hunter2").starts_with("h…"), "{}", mask("hunter2"));
        assert!(
            mask("abc").starts_with("…["),
            "short secrets show no prefix"
        );
        assert!(mask("\x1b[31mpassword").starts_with("…["));
    }

    #[test]
    fn every_secret_form_is_listed_and_quoted_secrets_are_replaced() {
        let yaml = "\
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"password\":\"czNjcjN0LXBhc3N3MHJk\"}}'
    example.com/api-token: ghp_abcdefghijklmnopqrstuvwxyz0123456789
data:
  password: czNjcjN0LXBhc3N3MHJk
stringData:
  token: tok-1234567890
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: shop/web:1.4.2
    env:
    - name: DB_PASSWORD
      value: s3cr3t-passw0rd
    - name: DB_HOST
      value: db
";
        let sources = vec![Source::new("s.yaml", yaml)];
        let report = check(sources, &Options::default());
        let paths: Vec<&str> = report
            .redactions
            .iter()
            .map(|r| r.location.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/data/password",
                "/stringData/token",
                "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
                "/metadata/annotations/example.com~1api-token",
                "/spec/containers/0/env/0/value",
            ]
        );
        let env = &report.redactions[4];
        assert_eq!(
            (
                env.location.line,
                env.location.column,
                env.location.end_column
            ),
            (23, 14, 29)
        );
        // `data` is named by its decoded value: the same password as the env var's.
        assert_eq!(report.redactions[0].masked, env.masked);
        let json = serde_json::to_string(&report).unwrap();
        for secret in [
            "s3cr3t-passw0rd",
            "czNjcjN0LXBhc3N3MHJk",
            "tok-1234567890",
            "ghp_abcdef",
        ] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
    }

    #[test]
    fn a_finding_that_quotes_a_secret_quotes_its_mask() {
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {kubecheck.io/ignore: 'all # s3cr3t-passw0rd is fake'}\ntype: kubernetes.io/service-account-token\nstringData: {password: s3cr3t-passw0rd}\n";
        let report = check(vec![Source::new("s.yaml", yaml)], &Options::default());
        let reason = &report.suppressed[0].suppression.as_ref().unwrap().reason;
        assert_eq!(reason, &format!("{} is fake", mask("s3cr3t-passw0rd")));
    }
}
