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
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::engine::Session;
use crate::model::{span_in_value, Object};
use crate::output::escape::is_unsafe;
use crate::report::{Finding, Location, Redaction, Report};
use crate::yaml::lines::{line_break_ends, lines_inclusive, strip_line_break};
use crate::yaml::{Span, Value};

/// Shortest credential looked for in report texts and elsewhere in the input: shorter
/// values are ordinary words of messages too. Where a secret is, it is masked whatever
/// its length; so is any Secret value, credential or not (`user: postgres`), but only
/// credentials are looked for elsewhere (not every `postgres` of the input).
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

/// A masked part of a line (1-based lines, 0-based characters): its start (`None`: after
/// the indentation, on a secret's continuation line), its end (`None`: the line's end)
/// and the masked form.
type LineMask<'a> = (Option<usize>, Option<usize>, &'a str);

/// `text`, the source named `source`, with the spans of `redactions` masked as the text
/// report's snippets mask them: the part of each line a secret covers is replaced by its
/// masked form (a continuation line keeps its indentation), so lines keep their numbers.
/// For outputs that print the input itself, such as the diff of `kubecheck fix`.
pub fn mask_source(text: &str, source: &str, redactions: &[Redaction]) -> String {
    let mut by_line: HashMap<u32, Vec<LineMask<'_>>> = HashMap::new();
    for r in redactions.iter().filter(|r| r.location.source == source) {
        let loc = &r.location;
        for line in loc.line..=loc.end_line {
            let start = (line == loc.line).then(|| (loc.column as usize).saturating_sub(1));
            let end = (line == loc.end_line).then(|| (loc.end_column as usize).saturating_sub(1));
            if end == Some(0) {
                continue; // the span ends where this line begins
            }
            by_line
                .entry(line)
                .or_default()
                .push((start, end, r.masked.as_str()));
        }
    }
    if by_line.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines_inclusive(text).enumerate() {
        let Some(masks) = by_line.get_mut(&(i as u32 + 1)) else {
            out.push_str(line);
            continue;
        };
        let body = strip_line_break(line);
        let chars: Vec<char> = body.chars().collect();
        let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
        let mut ranges: Vec<(usize, usize, &str)> = masks
            .iter()
            .map(|&(start, end, masked)| {
                let start = start.unwrap_or(indent);
                let end = end.unwrap_or(chars.len()).min(chars.len());
                (start.min(end), end, masked)
            })
            .collect();
        ranges.sort_unstable();
        let mut at = 0;
        for (start, end, masked) in ranges {
            if start < at {
                continue; // spans do not overlap; a repeat is masked once
            }
            out.extend(&chars[at..start]);
            out.push_str(masked);
            at = end;
        }
        out.extend(&chars[at..]);
        out.push_str(&line[body.len()..]);
    }
    out
}

/// Lists the secrets of `session`'s input in `report` and replaces them in its texts.
pub(crate) fn apply(session: &Session<'_>, report: &mut Report) {
    let mut replacements: HashMap<String, String> = HashMap::new();
    // Each object is scanned on its own (side by side with the `parallel` feature); the
    // results are added in object order, so a later text replaces an earlier one as in
    // one pass.
    let scanned = crate::par::map(&session.objects, |object| secrets_of(session, object));
    for (redactions, texts) in scanned {
        report.redactions.extend(redactions);
        replacements.extend(texts);
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
    add_other_occurrences(session, &matcher, &masks, &mut report.redactions);
    let scrub = |text: &mut String| {
        if matcher.is_match(text.as_str()) {
            *text = matcher.replace_all(text, &masks);
        }
    };
    // Findings are scrubbed side by side: every text of every finding is searched.
    for findings in [&mut report.findings, &mut report.suppressed] {
        *findings = crate::par::map_vec(std::mem::take(findings), |mut finding| {
            scrub_finding(&mut finding, &scrub);
            finding
        });
    }
    for error in &mut report.errors {
        scrub(&mut error.message);
    }
}

/// The redactions of `object`'s secrets, and each secret text with its mask for finding
/// it again in other texts.
fn secrets_of(
    session: &Session<'_>,
    object: &Object<'_>,
) -> (Vec<Redaction>, Vec<(String, String)>) {
    let mut redactions = Vec::new();
    let mut replacements = Vec::new();
    for found in session.secrets.of_object(object.id) {
        let Value::Scalar(scalar) = &found.node.value else {
            continue;
        };
        let whole = found.is_secret_as_a_whole(object);
        if !whole && found.hits.is_empty() {
            continue;
        }
        let source = &session.input.sources[object.source].name;
        let mut push = |span: Span, masked: String| {
            redactions.push(Redaction {
                location: Location {
                    source: source.clone(),
                    document: object.document,
                    path: format!("{}{}", object.prefix, found.pointer),
                    line: span.start.line,
                    column: span.start.column,
                    end_line: span.end.line,
                    end_column: span.end.column,
                },
                masked,
            })
        };
        if whole || found.decoded.is_some() {
            // Named by the value, so a password is recognised in `stringData`, in
            // `data` and in an environment variable alike.
            push(found.node.span, mask(found.text()));
        } else {
            for hit in &found.hits {
                // Only the secret where it can be placed in the value (a password in
                // a connection string, a key in a config file), else the whole value.
                let span =
                    span_in_value(session.input, object.source, found.node, hit.range.clone());
                push(span.unwrap_or(found.node.span), mask(found.secret(hit)));
            }
        }
        for hit in &found.hits {
            let secret = found.secret(hit);
            if secret.chars().count() >= MIN_SCRUBBED_CHARS {
                replacements.push((secret.to_owned(), mask(secret)));
            }
        }
        // Base64 found again elsewhere (a Secret's last applied configuration).
        if !found.hits.is_empty() && found.decoded.is_some() {
            replacements.push((scalar.text.to_string(), mask(found.text())));
        }
    }
    (redactions, replacements)
}

/// A secret found in one place may be written again elsewhere (a password in a Secret
/// and in a container's `args`, or in a comment): every occurrence in the source text is
/// a redaction too, located in its document (path: the document root), so that a
/// snippet of any line masks it.
fn add_other_occurrences(
    session: &Session<'_>,
    matcher: &AhoCorasick,
    masks: &[String],
    redactions: &mut Vec<Redaction>,
) {
    let sources: Vec<usize> = (0..session.input.sources.len()).collect();
    let found = crate::par::map(&sources, |&index| {
        let source = &session.input.sources[index];
        let mut redactions = Vec::new();
        let mut line_starts: Option<Vec<usize>> = None;
        for found in matcher.find_iter(&source.text) {
            let starts = line_starts.get_or_insert_with(|| {
                std::iter::once(0)
                    .chain(line_break_ends(&source.text))
                    .collect()
            });
            let (line, column) = position(&source.text, starts, found.start());
            let (end_line, end_column) = position(&source.text, starts, found.end());
            // Documents are in source order: the last one starting at or before the line.
            let documents = &session.input.documents;
            let first = documents.partition_point(|d| d.source < index);
            let end = documents.partition_point(|d| d.source <= index);
            let of_source = &documents[first..end];
            let document = of_source
                .partition_point(|d| d.root.span.start.line <= line)
                .checked_sub(1)
                .map_or(0, |i| of_source[i].index);
            redactions.push(Redaction {
                location: Location {
                    source: source.name.clone(),
                    document,
                    path: String::new(),
                    line,
                    column,
                    end_line,
                    end_column,
                },
                masked: masks[found.pattern().as_usize()].clone(),
            });
        }
        redactions
    });
    redactions.extend(found.into_iter().flatten());
    // The value itself was found twice (as a node and as text): keep the node, and no
    // two redactions overlapping, which the text format relies on.
    redactions.sort_by(|a, b| {
        let (a, b) = (&a.location, &b.location);
        (&a.source, a.line, a.column, a.path.is_empty()).cmp(&(
            &b.source,
            b.line,
            b.column,
            b.path.is_empty(),
        ))
    });
    let mut kept: Vec<Redaction> = Vec::with_capacity(redactions.len());
    for r in redactions.drain(..) {
        let overlaps = kept.last().is_some_and(|last| {
            let (a, b) = (&last.location, &r.location);
            a.source == b.source && (b.line, b.column) < (a.end_line, a.end_column)
        });
        if !overlaps {
            kept.push(r);
        }
    }
    *redactions = kept;
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn position(text: &str, line_starts: &[usize], offset: usize) -> (u32, u32) {
    let line = line_starts.partition_point(|&start| start <= offset);
    let start = line_starts[line - 1];
    (line as u32, text[start..offset].chars().count() as u32 + 1)
}

fn scrub_finding(finding: &mut Finding, scrub: &impl Fn(&mut String)) {
    scrub(&mut finding.message);
    finding.resource.name.iter_mut().for_each(scrub);
    finding.resource.namespace.iter_mut().for_each(scrub);
    if let Some(suppression) = &mut finding.suppression {
        scrub(&mut suppression.reason);
    }
    finding
        .related
        .iter_mut()
        .for_each(|r| scrub(&mut r.message));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_sources_keep_their_lines() {
        let redaction = |line, column, end_line, end_column| Redaction {
            location: Location {
                source: "a.yaml".to_owned(),
                document: 0,
                path: String::new(),
                line,
                column,
                end_line,
                end_column,
            },
            masked: "MASK".to_owned(),
        };
        let text = "a: sekret1\nkey: |\n  line1\n  line2\nb: 1\r\n";
        let masked = mask_source(
            text,
            "a.yaml",
            &[redaction(1, 4, 1, 11), redaction(3, 3, 5, 1)],
        );
        assert_eq!(masked, "a: MASK\nkey: |\n  MASK\n  MASK\nb: 1\r\n");
        assert_eq!(mask_source(text, "b.yaml", &[redaction(1, 4, 1, 11)]), text);
    }
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
                "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
                "/metadata/annotations/example.com~1api-token",
                "/data/password",
                "/stringData/token",
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
        assert_eq!(report.redactions[2].masked, env.masked);
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
    fn a_secret_written_again_elsewhere_is_masked_there_too() {
        let yaml = "\
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: s3cr3t-passw0rd}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  # the password is s3cr3t-passw0rd
  - {name: app, image: nginx:1.27, args: [--password=s3cr3t-passw0rd], securityContext: {privileged: true}}
";
        let sources = vec![Source::new("s.yaml", yaml)];
        // Few rules, so that the text shows each finding with its source line.
        let report = check(sources.clone(), &few_rules());
        let found: Vec<(usize, u32, u32, &str)> = report
            .redactions
            .iter()
            .map(|r| {
                let l = &r.location;
                (l.document, l.line, l.column, l.path.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                (0, 4, 24, "/stringData/password"),
                (1, 11, 21, ""),
                // `--password=…` is found in the args itself.
                (1, 12, 54, "/spec/containers/0/args/0"),
            ]
        );
        let text = crate::output::text(&report, &sources, false);
        assert!(!text.contains("s3cr3t"), "{text}");
        let masked = format!("args: [--password={}]", mask("s3cr3t-passw0rd"));
        assert!(text.contains(&masked), "{text}");
    }

    /// The secrets rules and one that reports on the Pod's container line.
    fn few_rules() -> Options {
        Options {
            only: vec!["secrets".into(), "privileged-container".into()],
            ..Options::default()
        }
    }

    #[test]
    fn values_of_a_secret_that_are_not_credentials_are_masked_only_where_they_are() {
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {user: postgres}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: db, image: postgres, securityContext: {privileged: true}}]\n";
        let sources = vec![Source::new("s.yaml", yaml)];
        let report = check(sources.clone(), &few_rules());
        assert_eq!(report.redactions.len(), 1, "{:?}", report.redactions);
        let text = crate::output::text(&report, &sources, false);
        assert!(text.contains("image: postgres,"), "{text}");
    }

    #[test]
    fn a_finding_that_quotes_a_secret_quotes_its_mask() {
        let yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {kubecheck.io/ignore: 'all # s3cr3t-passw0rd is fake'}\ntype: kubernetes.io/service-account-token\nstringData: {password: s3cr3t-passw0rd}\n";
        let report = check(vec![Source::new("s.yaml", yaml)], &Options::default());
        let reason = &report.suppressed[0].suppression.as_ref().unwrap().reason;
        assert_eq!(reason, &format!("{} is fake", mask("s3cr3t-passw0rd")));
    }
}
