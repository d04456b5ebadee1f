//! The JSON report as `--format json` prints it: the bytes of
//! [`to_writer_pretty_log_safe`](super::escape::to_writer_pretty_log_safe) of the
//! [`Report`], with the findings rendered side by side (feature `parallel`) and written
//! in order. Rendering them was most of the time spent writing a large report, on one
//! thread.

use std::io::{self, Write};

use serde::Serialize;

use super::escape::to_writer_pretty_log_safe_at;
use crate::report::Report;

/// Findings rendered per task: enough that a task outweighs its scheduling.
const CHUNK: usize = 64;

/// Findings rendered before they are written: the report is never held twice in memory.
const WINDOW: usize = 64 * CHUNK;

/// Writes `report` as pretty, log-safe JSON (no line break at the end).
pub fn write_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    // Every member, so that one added to the report cannot be left out here.
    let Report {
        version,
        tool,
        summary,
        findings,
        suppressed,
        errors,
        redactions,
    } = report;
    out.write_all(b"{")?;
    member(out, true, "version", version)?;
    member(out, false, "tool", tool)?;
    member(out, false, "summary", summary)?;
    list_member(out, "findings", findings)?;
    list_member(out, "suppressed", suppressed)?;
    list_member(out, "errors", errors)?;
    // As `#[serde(skip_serializing_if = "Vec::is_empty")]` on `redactions`.
    if !redactions.is_empty() {
        list_member(out, "redactions", redactions)?;
    }
    out.write_all(b"\n}")
}

/// `"key": value` of the top-level object, after a comma unless `first`.
fn member(
    out: &mut impl Write,
    first: bool,
    key: &str,
    value: &(impl Serialize + ?Sized),
) -> io::Result<()> {
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    write!(out, "\"{key}\": ")?;
    to_writer_pretty_log_safe_at(&mut *out, value, 1).map_err(io::Error::from)
}

/// `"key": [items]` of the top-level object (never its first member), the items rendered
/// a chunk per task.
fn list_member<T: Serialize + Sync>(
    out: &mut impl Write,
    key: &str,
    items: &[T],
) -> io::Result<()> {
    write!(out, ",\n  \"{key}\": ")?;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    // Each item is rendered after its separator; the first has no comma.
    let mut separator = 1;
    for window in items.chunks(WINDOW) {
        let chunks: Vec<&[T]> = window.chunks(CHUNK).collect();
        let rendered = crate::par::map(&chunks, |chunk| {
            let mut text = Vec::new();
            for item in *chunk {
                text.extend_from_slice(b",\n    ");
                to_writer_pretty_log_safe_at(&mut text, item, 2)?;
            }
            Ok::<_, serde_json::Error>(text)
        });
        for text in rendered {
            out.write_all(&text.map_err(io::Error::from)?[separator..])?;
            separator = 0;
        }
    }
    out.write_all(b"\n  ]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::escape::to_writer_pretty_log_safe;
    use crate::{check, Options, Source};

    fn both(report: &Report) -> (String, String) {
        let mut serde = Vec::new();
        to_writer_pretty_log_safe(&mut serde, report).unwrap();
        let mut parts = Vec::new();
        write_json(&mut parts, report).unwrap();
        (
            String::from_utf8(serde).unwrap(),
            String::from_utf8(parts).unwrap(),
        )
    }

    #[test]
    fn the_report_written_in_parts_is_the_serde_document() {
        // Findings over several chunks and windows, suppressed ones, an error and a
        // redaction (the Secret), with text that the log-safe form escapes.
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p##[error]\u{202e}\n  annotations: {kubecheck.io/ignore: 'host-namespaces # ok'}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n";
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: s3cr3t-passw0rd}\n";
        let mut yaml = vec![secret.to_owned()];
        yaml.extend(std::iter::repeat_n(pod.to_owned(), WINDOW / 6));
        yaml.push("a: [".to_owned());
        let report = check(
            vec![Source::new("many.yaml", yaml.join("---\n"))],
            &Options::default(),
        );
        assert!(report.findings.len() > WINDOW, "{}", report.findings.len());
        assert!(!report.suppressed.is_empty() && !report.errors.is_empty());
        assert!(!report.redactions.is_empty());
        let (serde, parts) = both(&report);
        assert_eq!(parts, serde);

        let empty = check(vec![Source::new("empty.yaml", "")], &Options::default());
        let (serde, parts) = both(&empty);
        assert_eq!(parts, serde);
    }
}
