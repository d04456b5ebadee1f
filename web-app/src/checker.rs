//! The check worker's side of the page: it parses and checks the text off the page's
//! thread, so typing never waits for a check. The page sends [`Request`]s and renders the
//! [`Reply`]s; the worker keeps the last check's parse, so the plugins' answers and the
//! Network view's questions about it need no second parse.
//!
//! Every request carries the number of the check it is about; a reply for a check older
//! than the page's latest is dropped by the page, and the worker answers nothing about a
//! check it no longer holds.

use kubecheck_core::rules::RawFinding;
use kubecheck_core::{Input, Report};
use serde::{Deserialize, Serialize};

use crate::network::{self, PairAnswer, View};
use crate::plugin::{self, Outcome, Plugin};
use crate::settings::Settings;

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Parse and check `text` with the built-in rules; the plugins' rules are known so
    /// that settings can switch them, and their answers come later ([`Request::Join`]).
    Check {
        seq: u64,
        text: String,
        settings: Settings,
        plugins: Vec<Plugin>,
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
    },
    Explained {
        seq: u64,
        answer: Option<PairAnswer>,
    },
    /// Nothing to say: the request was for a check the worker no longer holds.
    Stale,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Checked {
    pub seq: u64,
    pub report: Report,
    /// Parse and built-in rules, in milliseconds.
    pub check_ms: f64,
    /// The plugins' input document, when there are plugins to run.
    pub plugin_input: Option<String>,
    pub network: Option<View>,
}

/// The worker's memory: the last check's parse and built-in findings.
#[derive(Default)]
pub struct Checker {
    last: Option<Last>,
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
                Reply::Checked(Checked {
                    seq,
                    report,
                    check_ms,
                    plugin_input,
                    network,
                })
            }
            Request::Join { seq, outcomes } => match self.holding(seq) {
                Some(last) => Reply::Joined {
                    seq,
                    report: plugin::report(
                        &last.input,
                        &last.settings,
                        &last.plugins,
                        &last.builtin,
                        &outcomes,
                    ),
                },
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
        serde_json::to_string(&Request::Check {
            seq,
            text: text.to_owned(),
            settings: Settings::default(),
            plugins,
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
        assert_eq!(checked.report, direct);
        assert!(checked
            .report
            .findings
            .iter()
            .any(|f| f.rule == "privileged-container"));
        assert_eq!(checked.plugin_input, None, "no plugins, no input for them");
        assert!(matches!(
            checked.network,
            Some(View::Matrix { ref workloads, .. }) if workloads == &["-/p"]
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
        let Reply::Joined { seq: 7, report } = reply(&mut checker, &join(7)) else {
            panic!("the plugins' answers join check 7");
        };
        assert_eq!(report.findings.len(), checked.report.findings.len() + 1);
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
    fn a_request_that_does_not_read_gets_no_answer() {
        assert!(matches!(
            reply(&mut Checker::default(), "{\"Check\":1}"),
            Reply::Stale
        ));
    }
}
