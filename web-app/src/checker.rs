//! The check worker's side of the page: it parses and checks the text off the page's
//! thread, so typing never waits for a check. The page sends [`Request`]s and renders the
//! [`Reply`]s; the worker keeps the last check's parse, so the plugins' answers and the
//! Network view's questions about it need no second parse.
//!
//! Every request carries the number of the check it is about; a reply for a check older
//! than the page's latest is dropped by the page, and the worker answers nothing about a
//! check it no longer holds.

use kubecheck_core::report::Finding;
use kubecheck_core::rules::RawFinding;
use kubecheck_core::{Input, Report};
use serde::{Deserialize, Serialize};

use crate::network::{self, View};
use crate::plugin::{self, Outcome, Plugin};
use crate::settings::Settings;
use kubecheck_core::netpol::matrix::Answer;

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Parse and check `text` with the built-in rules; the plugins' rules are known so
    /// that settings can switch them, and their answers come later ([`Request::Join`]).
    Check {
        seq: u64,
        text: String,
        settings: Settings,
        plugins: Vec<Plugin>,
        /// The report the page shows ([`Checked::report_id`]), if the worker sent it.
        shown: u64,
    },
    /// The plugins' outcomes for check `seq`, one per plugin in order.
    Join { seq: u64, outcomes: Vec<Outcome> },
    /// The Network view's answer for one pair of check `seq`'s matrix.
    Explain { seq: u64, from: String, to: String },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Checked(Checked),
    /// The report of check `seq` with the plugins' findings joined.
    Joined {
        seq: u64,
        report: Report,
        report_id: u64,
    },
    Explained {
        seq: u64,
        answer: Option<Answer>,
    },
    /// Nothing to say: the request was for a check the worker no longer holds.
    Stale,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Checked {
    pub seq: u64,
    /// The report, as a change to the one the page shows when it can be.
    pub report: ReportUpdate,
    /// Names the report, for the page to say which one it shows in its next request.
    pub report_id: u64,
    /// Parse and built-in rules, in milliseconds.
    pub check_ms: f64,
    /// The plugins' input document, when there are plugins to run.
    pub plugin_input: Option<String>,
    pub network: Option<View>,
}

/// A report as the page receives it. A keystroke changes few findings, if any, and
/// reading a whole report of a long text (hundreds of KB) would cost the page's thread
/// more than a frame: unchanged findings are named by their place in the report shown.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub enum ReportUpdate {
    /// The report the page shows: nothing to read, nothing to render.
    Same,
    Full(Report),
    /// `report` (sent without findings) with these findings.
    Findings {
        report: Report,
        findings: Vec<FindingUpdate>,
    },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub enum FindingUpdate {
    /// The finding at this index of the report shown.
    Kept(usize),
    New(Box<Finding>),
}

/// How far from its own place a finding is looked for in the report shown: a finding
/// added or removed shifts the others by a place or a few.
const NEAR: usize = 8;

impl ReportUpdate {
    /// What changed from `shown` to `report`.
    fn between(shown: &Report, mut report: Report) -> ReportUpdate {
        if *shown == report {
            return ReportUpdate::Same;
        }
        let findings = std::mem::take(&mut report.findings)
            .into_iter()
            .enumerate()
            .map(|(i, finding)| {
                let near = i.saturating_sub(NEAR)..(i + NEAR + 1).min(shown.findings.len());
                let start = near.start;
                match shown
                    .findings
                    .get(near)
                    .and_then(|n| n.iter().position(|s| *s == finding))
                {
                    Some(k) => FindingUpdate::Kept(start + k),
                    None => FindingUpdate::New(Box::new(finding)),
                }
            })
            .collect();
        ReportUpdate::Findings { report, findings }
    }

    /// The report this update makes of `shown`; `None` when it is `shown` itself.
    pub fn apply(self, shown: &Report) -> Option<Report> {
        match self {
            ReportUpdate::Same => None,
            ReportUpdate::Full(report) => Some(report),
            ReportUpdate::Findings {
                mut report,
                findings,
            } => {
                report.findings = findings
                    .into_iter()
                    .filter_map(|update| match update {
                        FindingUpdate::Kept(i) => shown.findings.get(i).cloned(),
                        FindingUpdate::New(finding) => Some(*finding),
                    })
                    .collect();
                Some(report)
            }
        }
    }
}

/// The worker's memory: the last check's parse and built-in findings, and the last
/// report it sent.
#[derive(Default)]
pub struct Checker {
    last: Option<Last>,
    sent: Option<(u64, Report)>,
}

struct Last {
    seq: u64,
    input: Input,
    settings: Settings,
    plugins: Vec<Plugin>,
    builtin: Vec<RawFinding>,
}

impl Checker {
    /// Answers `request`; `now_ms` is the clock that times a check.
    pub fn answer(&mut self, request: Request, now_ms: impl Fn() -> f64) -> Reply {
        match request {
            Request::Check {
                seq,
                text,
                settings,
                plugins,
                shown,
            } => {
                let started = now_ms();
                let input = crate::parse(&text);
                let builtin = plugin::builtin_findings(&input, &settings, &plugins);
                let report = plugin::report(&input, &settings, &plugins, &builtin, &[]);
                let check_ms = now_ms() - started;
                let plugin_input = (!plugins.is_empty()).then(|| plugin::input_document(&input));
                let network = network::view(&input);
                self.last = Some(Last {
                    seq,
                    input,
                    settings,
                    plugins,
                    builtin,
                });
                let update = match &self.sent {
                    Some((id, sent)) if *id == shown => ReportUpdate::between(sent, report.clone()),
                    _ => ReportUpdate::Full(report.clone()),
                };
                let report_id = match update {
                    ReportUpdate::Same => shown,
                    _ => self.send(report),
                };
                let report = update;
                Reply::Checked(Checked {
                    seq,
                    report,
                    report_id,
                    check_ms,
                    plugin_input,
                    network,
                })
            }
            Request::Join { seq, outcomes } => match self.holding(seq) {
                Some(last) => {
                    let report = plugin::report(
                        &last.input,
                        &last.settings,
                        &last.plugins,
                        &last.builtin,
                        &outcomes,
                    );
                    Reply::Joined {
                        seq,
                        report_id: self.send(report.clone()),
                        report,
                    }
                }
                None => Reply::Stale,
            },
            Request::Explain { seq, from, to } => match self.holding(seq) {
                Some(last) => Reply::Explained {
                    seq,
                    answer: network::answer(&last.input, &from, &to),
                },
                None => Reply::Stale,
            },
        }
    }

    /// [`Checker::answer`] for a request and reply sent as JSON, as the worker's
    /// messages carry them.
    pub fn answer_json(&mut self, request: &str, now_ms: impl Fn() -> f64) -> String {
        let reply = match serde_json::from_str(request) {
            Ok(request) => self.answer(request, now_ms),
            // The page builds every request from these types: a request that does not
            // read is a page and worker of different builds, and the next page load
            // brings them together again.
            Err(_) => Reply::Stale,
        };
        // Serialising reports and plain values into memory cannot fail.
        serde_json::to_string(&reply).unwrap_or_default()
    }

    /// Remembers `report` as the last one sent and names it.
    fn send(&mut self, report: Report) -> u64 {
        let id = self.sent.as_ref().map_or(1, |(id, _)| id + 1);
        self.sent = Some((id, report));
        id
    }

    fn holding(&self, seq: u64) -> Option<&Last> {
        self.last.as_ref().filter(|last| last.seq == seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      privileged: true\n";

    const META: &str = r#"{"name":"acme","version":"1","rules":[
        {"id":"owner-label","title":"Owner label","category":"manifest","severity":"low"}]}"#;

    fn check(seq: u64, text: &str, plugins: Vec<Plugin>) -> String {
        check_showing(seq, text, plugins, 0)
    }

    fn check_showing(seq: u64, text: &str, plugins: Vec<Plugin>, shown: u64) -> String {
        serde_json::to_string(&Request::Check {
            seq,
            text: text.to_owned(),
            settings: Settings::default(),
            plugins,
            shown,
        })
        .unwrap()
    }

    fn reply(checker: &mut Checker, request: &str) -> Reply {
        serde_json::from_str(&checker.answer_json(request, || 0.0)).unwrap()
    }

    #[test]
    fn a_check_through_the_worker_messages_is_the_direct_check() {
        let mut checker = Checker::default();
        let Reply::Checked(checked) = reply(&mut checker, &check(1, POD, vec![])) else {
            panic!("a check answers with its report");
        };
        let direct = crate::check(&crate::parse(POD), &Settings::default());
        assert_eq!(checked.seq, 1);
        assert_eq!(checked.report, ReportUpdate::Full(direct));
        assert!(checked
            .report
            .apply(&empty())
            .is_some_and(|r| r.findings.iter().any(|f| f.rule == "privileged-container")));
        assert_eq!(checked.plugin_input, None, "no plugins, no input for them");
        assert!(matches!(
            checked.network,
            Some(View::Matrix(ref matrix)) if matrix.workloads == ["-/p"]
        ));
    }

    #[test]
    fn plugin_answers_join_the_check_they_were_for_only() {
        let mut checker = Checker::default();
        let plugins = vec![Plugin::from_metadata("acme.wasm", META).unwrap()];
        let Reply::Checked(checked) = reply(&mut checker, &check(7, POD, plugins.clone())) else {
            panic!("a check answers with its report");
        };
        assert!(checked.plugin_input.is_some_and(|i| i.contains("\"p\"")));
        let output = r#"{"findings":[{"rule":"owner-label","resource":0,"path":"/metadata","message":"no `owner` label"}]}"#;
        let join = |seq| {
            serde_json::to_string(&Request::Join {
                seq,
                outcomes: vec![Ok(output.to_owned())],
            })
            .unwrap()
        };
        let Reply::Joined { seq: 7, report, .. } = reply(&mut checker, &join(7)) else {
            panic!("the plugins' answers join check 7");
        };
        assert_eq!(
            report.findings.len(),
            checked.report.apply(&empty()).unwrap().findings.len() + 1
        );
        assert!(report.findings.iter().any(|f| f.rule == "acme/owner-label"));
        assert!(matches!(reply(&mut checker, &join(6)), Reply::Stale));

        let _ = reply(&mut checker, &check(8, "", plugins));
        assert!(
            matches!(reply(&mut checker, &join(7)), Reply::Stale),
            "answers for a replaced check are dropped"
        );
    }

    #[test]
    fn the_network_view_is_explained_from_the_checks_parse() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: n, labels: {app: a}}\nspec: {containers: [{name: c, image: c:1}]}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: n}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
        let mut checker = Checker::default();
        let _ = reply(&mut checker, &check(3, text, vec![]));
        let explain = serde_json::to_string(&Request::Explain {
            seq: 3,
            from: "outside".into(),
            to: "n/a".into(),
        })
        .unwrap();
        let Reply::Explained {
            seq: 3,
            answer: Some(answer),
        } = reply(&mut checker, &explain)
        else {
            panic!("the pair is explained");
        };
        assert!(!answer.allowed);
        assert_eq!(answer.ingress.verdict, "denied");
        assert_eq!(answer.ingress.rules[0].policy, "NetworkPolicy/n/deny");
        assert_eq!(answer.ingress.rules[0].line, 9, "its `podSelector`");
    }

    #[test]
    fn a_report_is_sent_as_its_change_from_the_one_the_page_shows() {
        let mut checker = Checker::default();
        let before = format!("# a comment\n{POD}");
        let Reply::Checked(first) = reply(&mut checker, &check(1, &before, vec![])) else {
            panic!("a check answers with its report");
        };
        // Typing in a comment changes no finding, nor any span.
        let typed = format!("# a longer comment\n{POD}");
        let Reply::Checked(same) = reply(
            &mut checker,
            &check_showing(2, &typed, vec![], first.report_id),
        ) else {
            panic!("a check answers");
        };
        assert_eq!(
            (same.report, same.report_id),
            (ReportUpdate::Same, first.report_id)
        );
        let shown = first.report.apply(&empty()).unwrap();

        // A value typed into: the finding on it is new, the others are named.
        let edited = before.replace("image: a:1", "image: a:12");
        let Reply::Checked(changed) = reply(
            &mut checker,
            &check_showing(3, &edited, vec![], first.report_id),
        ) else {
            panic!("a check answers");
        };
        let ReportUpdate::Findings { findings, .. } = &changed.report else {
            panic!("a change to the report shown: {:?}", changed.report);
        };
        let new = findings
            .iter()
            .filter(|f| matches!(f, FindingUpdate::New(_)))
            .count();
        assert!(new > 0 && new < findings.len(), "{findings:?}");
        let direct = crate::check(&crate::parse(&edited), &Settings::default());
        assert_eq!(changed.report.apply(&shown), Some(direct.clone()));

        // The page shows another report (or none): the report is sent in full.
        let Reply::Checked(again) = reply(&mut checker, &check_showing(4, &edited, vec![], 0))
        else {
            panic!("a check answers");
        };
        assert_eq!(again.report, ReportUpdate::Full(direct));
        let Reply::Checked(emptied) =
            reply(&mut checker, &check_showing(5, "", vec![], again.report_id))
        else {
            panic!("a check answers");
        };
        let direct = crate::check(&crate::parse(""), &Settings::default());
        assert_eq!(emptied.report.apply(&shown), Some(direct));
    }

    fn empty() -> Report {
        kubecheck_core::check(Vec::new(), &kubecheck_core::Options::default())
    }

    #[test]
    fn a_request_that_does_not_read_gets_no_answer() {
        assert!(matches!(
            reply(&mut Checker::default(), "{\"Check\":1}"),
            Reply::Stale
        ));
    }
}
