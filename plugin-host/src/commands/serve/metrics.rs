//! `GET /metrics` in the Prometheus text format (version 0.0.4), written by hand: a few
//! counters and one histogram family do not need a metrics framework.
//!
//! Every label value comes from a closed set (the endpoints, status codes, the rule
//! registry, severities, decisions, the config's plugins and their outcomes), so no
//! client can grow the series without bound.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use kubecheck_core::report::Finding;
use kubecheck_core::Severity;

use crate::plugin::PluginCall;

/// Upper bounds of the latency buckets, in seconds: sub-millisecond admission answers up
/// to the API server's longest webhook timeout (30 s).
const BUCKETS: [f64; 15] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    /// Observations at or below each bound (not cumulative: summed when written).
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.counts[bucket] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }

    /// The `_bucket`, `_sum` and `_count` lines of `name` with `labels`.
    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(self.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels},le=\"+Inf\"}} {}\n\
             {name}_sum{{{labels}}} {}\n\
             {name}_count{{{labels}}} {}",
            self.count, self.sum, self.count
        );
    }
}

/// One admission answer's labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decision {
    /// `allow`, `warn`, `audit`, `deny` or `skip`.
    pub decision: &'static str,
    /// `enforce`, `warn` or `audit`; `none` for a request that was not judged.
    pub mode: &'static str,
    /// Why a request was not judged (`exempt-namespace`, `operation`…), or `judged`.
    pub reason: &'static str,
    pub dry_run: bool,
}

#[derive(Default)]
struct Series {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    findings: BTreeMap<(String, Severity), u64>,
    decisions: BTreeMap<Decision, u64>,
    plugin_calls: BTreeMap<(String, &'static str), u64>,
    plugin_latency: BTreeMap<String, Histogram>,
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<Series>,
}

impl Metrics {
    fn series(&self) -> std::sync::MutexGuard<'_, Series> {
        // A panic elsewhere while counting leaves counts that are still counts.
        self.series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn request(&self, endpoint: &'static str, status: u16, took: Duration) {
        let mut series = self.series();
        *series.requests.entry((endpoint, status)).or_default() += 1;
        series
            .latency
            .entry(endpoint)
            .or_default()
            .observe(took.as_secs_f64());
    }

    pub fn findings<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) {
        let mut series = self.series();
        for finding in findings {
            *series
                .findings
                .entry((finding.rule.clone(), finding.severity))
                .or_default() += 1;
        }
    }

    pub fn plugin_calls(&self, calls: &[PluginCall]) {
        if calls.is_empty() {
            return;
        }
        let mut series = self.series();
        for call in calls {
            *series
                .plugin_calls
                .entry((call.plugin.clone(), call.outcome))
                .or_default() += 1;
            series
                .plugin_latency
                .entry(call.plugin.clone())
                .or_default()
                .observe(call.took.as_secs_f64());
        }
    }

    pub fn decision(&self, decision: Decision) {
        *self.series().decisions.entry(decision).or_default() += 1;
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let series = self.series();
        let mut out = String::new();
        family(
            &mut out,
            "kubecheck_http_requests_total",
            "counter",
            "HTTP requests answered, by endpoint and status code.",
        );
        for ((endpoint, code), count) in &series.requests {
            let _ = writeln!(
                out,
                "kubecheck_http_requests_total{{endpoint=\"{}\",code=\"{code}\"}} {count}",
                escape(endpoint)
            );
        }
        family(
            &mut out,
            "kubecheck_http_request_duration_seconds",
            "histogram",
            "Time from a request's headers to its response's, by endpoint.",
        );
        for (endpoint, histogram) in &series.latency {
            let labels = format!("endpoint=\"{}\"", escape(endpoint));
            histogram.write(&mut out, "kubecheck_http_request_duration_seconds", &labels);
        }
        family(
            &mut out,
            "kubecheck_findings_total",
            "counter",
            "Findings reported by /v1/check and /v1/admission, by rule and severity.",
        );
        for ((rule, severity), count) in &series.findings {
            let _ = writeln!(
                out,
                "kubecheck_findings_total{{rule=\"{}\",severity=\"{severity}\"}} {count}",
                escape(rule)
            );
        }
        family(
            &mut out,
            "kubecheck_admission_decisions_total",
            "counter",
            "Admission reviews answered, by decision, mode, reason and whether the request was a dry run.",
        );
        for (decision, count) in &series.decisions {
            let _ = writeln!(
                out,
                "kubecheck_admission_decisions_total{{decision=\"{}\",mode=\"{}\",reason=\"{}\",dry_run=\"{}\"}} {count}",
                decision.decision, decision.mode, decision.reason, decision.dry_run
            );
        }
        family(
            &mut out,
            "kubecheck_plugin_calls_total",
            "counter",
            "Plugin calls, by plugin and outcome (`ok` or the failure: `out-of-fuel`, `timeout`, `memory-limit`, `trap`, `bad-output`…).",
        );
        for ((plugin, outcome), count) in &series.plugin_calls {
            let _ = writeln!(
                out,
                "kubecheck_plugin_calls_total{{plugin=\"{}\",outcome=\"{outcome}\"}} {count}",
                escape(plugin)
            );
        }
        family(
            &mut out,
            "kubecheck_plugin_call_duration_seconds",
            "histogram",
            "Time of a plugin call (instantiation, the call, reading its output), by plugin.",
        );
        for (plugin, histogram) in &series.plugin_latency {
            let labels = format!("plugin=\"{}\"", escape(plugin));
            histogram.write(&mut out, "kubecheck_plugin_call_duration_seconds", &labels);
        }
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_end_in_inf() {
        let metrics = Metrics::default();
        metrics.request("/v1/admission", 200, Duration::from_micros(300));
        metrics.request("/v1/admission", 200, Duration::from_millis(3));
        metrics.request("/v1/admission", 400, Duration::from_secs(60));
        let text = metrics.render();
        for line in [
            "kubecheck_http_requests_total{endpoint=\"/v1/admission\",code=\"200\"} 2",
            "kubecheck_http_requests_total{endpoint=\"/v1/admission\",code=\"400\"} 1",
            "kubecheck_http_request_duration_seconds_bucket{endpoint=\"/v1/admission\",le=\"0.0005\"} 1",
            "kubecheck_http_request_duration_seconds_bucket{endpoint=\"/v1/admission\",le=\"0.0025\"} 1",
            "kubecheck_http_request_duration_seconds_bucket{endpoint=\"/v1/admission\",le=\"0.005\"} 2",
            "kubecheck_http_request_duration_seconds_bucket{endpoint=\"/v1/admission\",le=\"30\"} 2",
            "kubecheck_http_request_duration_seconds_bucket{endpoint=\"/v1/admission\",le=\"+Inf\"} 3",
            "kubecheck_http_request_duration_seconds_count{endpoint=\"/v1/admission\"} 3",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
        }
    }

    #[test]
    fn plugin_calls_are_counted_by_outcome_and_timed_by_plugin() {
        let metrics = Metrics::default();
        let call = |outcome, ms| PluginCall {
            plugin: "edge".into(),
            outcome,
            took: Duration::from_millis(ms),
        };
        metrics.plugin_calls(&[call("ok", 2), call("ok", 3), call("timeout", 1000)]);
        let text = metrics.render();
        for line in [
            "kubecheck_plugin_calls_total{plugin=\"edge\",outcome=\"ok\"} 2",
            "kubecheck_plugin_calls_total{plugin=\"edge\",outcome=\"timeout\"} 1",
            "kubecheck_plugin_call_duration_seconds_bucket{plugin=\"edge\",le=\"0.0025\"} 1",
            "kubecheck_plugin_call_duration_seconds_bucket{plugin=\"edge\",le=\"1\"} 3",
            "kubecheck_plugin_call_duration_seconds_count{plugin=\"edge\"} 3",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
