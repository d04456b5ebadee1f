//! Other tools' suppression annotations, read as those tools read them:
//!
//! - kube-linter: `ignore-check.kube-linter.io/<check>: <reason>` and
//!   `kube-linter.io/ignore-all: <reason>` (stackrox/kube-linter `pkg/ignore/ignore.go`,
//!   `docs/configuring-kubelinter.md`).
//! - Polaris: `polaris.fairwinds.com/<check>-exempt: "true"` and
//!   `polaris.fairwinds.com/exempt: "true"`, any case of `true`, no reason
//!   (FairwindsOps/polaris `pkg/validator/schema.go`, `docs/customization/exemptions.md`).
//! - Checkov: `checkov.io/skip<N>: <check>=<comment>` or `…: <check>`, one check per
//!   annotation; `bridgecrew.io/skip<N>` alike (bridgecrewio/checkov
//!   `checkov/kubernetes/kubernetes_utils.py`, `docs/2.Basics/Suppressing and Skipping
//!   Policies.md`).
//! - kube-score: `kube-score/ignore: <check>,<check>`, no reason (zegl/kube-score
//!   `scorecard/enabled.go`, `README.md`).
//! - Kubescape: `kubescape.io/skip-controls: <control>,<control>` with optional
//!   `kubescape.io/skip-reason` and `kubescape.io/skip-expiry` (an RFC 3339 time)
//!   (kubescape/kubescape `core/pkg/opaprocessor/processorhandlerutils.go`).
//! - Datree: `datree.skip/<rule>: <message>` (datreeio/datree
//!   `pkg/evaluation/evaluator.go`).
//!
//! Only the object's own `metadata.annotations` are read, as for `kubecheck.io/ignore`.

use crate::model::StringMap;

use crate::data::peer_checks::Tool;

const KUBE_LINTER_CHECK: &str = "ignore-check.kube-linter.io/";
const KUBE_LINTER_ALL: &str = "kube-linter.io/ignore-all";
const POLARIS: &str = "polaris.fairwinds.com/";
const POLARIS_ALL: &str = "polaris.fairwinds.com/exempt";
const CHECKOV: [&str; 2] = ["checkov.io/skip", "bridgecrew.io/skip"];
const KUBE_SCORE: &str = "kube-score/ignore";
const KUBESCAPE_CONTROLS: &str = "kubescape.io/skip-controls";
const KUBESCAPE_REASON: &str = "kubescape.io/skip-reason";
const KUBESCAPE_EXPIRY: &str = "kubescape.io/skip-expiry";
const DATREE: &str = "datree.skip/";

/// The checks a foreign annotation silences.
#[derive(Debug, PartialEq)]
pub enum Checks<'a> {
    All,
    Only(Vec<&'a str>),
}

/// One suppression written for another tool.
#[derive(Debug, PartialEq)]
pub struct ForeignSuppression<'a> {
    pub tool: Tool,
    /// The annotation's key, as the report names it.
    pub annotation: &'a str,
    pub checks: Checks<'a>,
    pub reason: Option<&'a str>,
    /// The day it ends (`YYYY-MM-DD`), or the text that should have been a time.
    pub until: Option<Result<&'a str, &'a str>>,
}

/// Every foreign suppression among `annotations`, in key order.
pub fn read(annotations: &StringMap) -> Vec<ForeignSuppression<'_>> {
    let mut found = Vec::new();
    for (key, value) in annotations {
        let key = key.as_str();
        let reason = non_empty(value);
        let (tool, checks, reason) = if key == KUBE_LINTER_ALL {
            (Tool::KubeLinter, Checks::All, reason)
        } else if let Some(check) = key.strip_prefix(KUBE_LINTER_CHECK) {
            (Tool::KubeLinter, Checks::Only(vec![check]), reason)
        } else if let Some(rest) = key.strip_prefix(POLARIS) {
            // Polaris exempts only on `true`, in any case, and the value is all there is.
            if !value.eq_ignore_ascii_case("true") {
                continue;
            }
            let checks = if key == POLARIS_ALL {
                Checks::All
            } else if let Some(check) = rest.strip_suffix("-exempt") {
                Checks::Only(vec![check])
            } else {
                continue;
            };
            (Tool::Polaris, checks, None)
        } else if CHECKOV.iter().any(|prefix| key.starts_with(prefix)) {
            let (check, comment) = value.split_once('=').unwrap_or((value, ""));
            (
                Tool::Checkov,
                Checks::Only(vec![check.trim()]),
                non_empty(comment),
            )
        } else if key == KUBE_SCORE {
            (Tool::KubeScore, Checks::Only(list(value)), None)
        } else if key == KUBESCAPE_CONTROLS {
            let reason = annotations.get(KUBESCAPE_REASON).and_then(|r| non_empty(r));
            let until = annotations
                .get(KUBESCAPE_EXPIRY)
                .map(|expiry| rfc3339_day(expiry.trim()));
            found.push(ForeignSuppression {
                tool: Tool::Kubescape,
                annotation: key,
                checks: Checks::Only(list(value)),
                reason,
                until,
            });
            continue;
        } else if let Some(check) = key.strip_prefix(DATREE) {
            (Tool::Datree, Checks::Only(vec![check]), reason)
        } else {
            continue;
        };
        if checks == Checks::Only(vec![""]) {
            continue;
        }
        found.push(ForeignSuppression {
            tool,
            annotation: key,
            checks,
            reason,
            until: None,
        });
    }
    found
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Comma-separated ids, trimmed, empty ones dropped.
fn list(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect()
}

/// The day of an RFC 3339 time (`2027-03-01T00:00:00Z`), or the text when it is not one.
fn rfc3339_day(text: &str) -> Result<&str, &str> {
    match (text.get(..10), text.as_bytes().get(10)) {
        (Some(day), Some(b'T' | b't')) if super::is_date(day) && text.len() > 11 => Ok(day),
        _ => Err(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations(pairs: &[(&str, &str)]) -> StringMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn only<'a>(
        tool: Tool,
        annotation: &'a str,
        checks: &[&'a str],
        reason: Option<&'a str>,
    ) -> ForeignSuppression<'a> {
        ForeignSuppression {
            tool,
            annotation,
            checks: Checks::Only(checks.to_vec()),
            reason,
            until: None,
        }
    }

    #[test]
    fn checkov_skips_with_and_without_a_comment() {
        let map = annotations(&[
            ("checkov.io/skip1", "CKV_K8S_20=needs setuid binaries"),
            ("checkov.io/skip2", "CKV_K8S_14"),
            ("checkov.io/skip10", "  CKV_K8S_22 =  writes /tmp  "),
            ("bridgecrew.io/skip1", "CKV_K8S_16="),
        ]);
        assert_eq!(
            read(&map),
            [
                only(Tool::Checkov, "bridgecrew.io/skip1", &["CKV_K8S_16"], None),
                only(
                    Tool::Checkov,
                    "checkov.io/skip1",
                    &["CKV_K8S_20"],
                    Some("needs setuid binaries")
                ),
                only(
                    Tool::Checkov,
                    "checkov.io/skip10",
                    &["CKV_K8S_22"],
                    Some("writes /tmp")
                ),
                only(Tool::Checkov, "checkov.io/skip2", &["CKV_K8S_14"], None),
            ]
        );
    }

    #[test]
    fn kube_linter_checks_and_ignore_all() {
        let map = annotations(&[
            (
                "ignore-check.kube-linter.io/privileged-container",
                "kernel module loader",
            ),
            ("kube-linter.io/ignore-all", ""),
            ("ignore-check.kube-linter.io/", "nothing named"),
        ]);
        assert_eq!(
            read(&map),
            [
                only(
                    Tool::KubeLinter,
                    "ignore-check.kube-linter.io/privileged-container",
                    &["privileged-container"],
                    Some("kernel module loader")
                ),
                ForeignSuppression {
                    tool: Tool::KubeLinter,
                    annotation: "kube-linter.io/ignore-all",
                    checks: Checks::All,
                    reason: None,
                    until: None,
                },
            ]
        );
    }

    #[test]
    fn polaris_exempts_only_on_true() {
        let map = annotations(&[
            ("polaris.fairwinds.com/exempt", "TRUE"),
            ("polaris.fairwinds.com/hostNetworkSet-exempt", "true"),
            ("polaris.fairwinds.com/runAsPrivileged-exempt", "false"),
            ("polaris.fairwinds.com/other", "true"),
        ]);
        assert_eq!(
            read(&map),
            [
                ForeignSuppression {
                    tool: Tool::Polaris,
                    annotation: "polaris.fairwinds.com/exempt",
                    checks: Checks::All,
                    reason: None,
                    until: None,
                },
                only(
                    Tool::Polaris,
                    "polaris.fairwinds.com/hostNetworkSet-exempt",
                    &["hostNetworkSet"],
                    None
                ),
            ]
        );
    }

    #[test]
    fn lists_of_kube_score_kubescape_and_datree() {
        let map = annotations(&[
            ("kube-score/ignore", " container-image-tag, ,service-type "),
            ("kubescape.io/skip-controls", "C-0057, C-0016"),
            ("kubescape.io/skip-reason", "node agent"),
            (
                "datree.skip/CONTAINERS_INCORRECT_PRIVILEGED_VALUE_TRUE",
                "node agent",
            ),
        ]);
        assert_eq!(
            read(&map),
            [
                only(
                    Tool::Datree,
                    "datree.skip/CONTAINERS_INCORRECT_PRIVILEGED_VALUE_TRUE",
                    &["CONTAINERS_INCORRECT_PRIVILEGED_VALUE_TRUE"],
                    Some("node agent")
                ),
                only(
                    Tool::KubeScore,
                    "kube-score/ignore",
                    &["container-image-tag", "service-type"],
                    None
                ),
                only(
                    Tool::Kubescape,
                    "kubescape.io/skip-controls",
                    &["C-0057", "C-0016"],
                    Some("node agent")
                ),
            ]
        );
    }

    #[test]
    fn kubescape_expiry_is_an_rfc3339_time() {
        for (expiry, until) in [
            ("2027-03-01T00:00:00Z", Ok("2027-03-01")),
            ("2027-03-01", Err("2027-03-01")),
            ("soon", Err("soon")),
        ] {
            let map = annotations(&[
                ("kubescape.io/skip-controls", "C-0057"),
                ("kubescape.io/skip-expiry", expiry),
            ]);
            assert_eq!(read(&map)[0].until, Some(until), "{expiry}");
        }
    }
}
