//! kubecheck's checking core: Kubernetes manifests in, located findings out.
//!
//! A pure function from text to a report: no files, network, clock, threads or
//! randomness, so the same verdicts come out natively, in the browser and in a plugin.
//! The `parallel` feature (the command line's) spreads independent work over rayon's
//! pool; results are joined in input order, so the report is the same.

pub mod baseline;
pub mod data;
pub mod engine;
pub mod fix;
mod fold;
pub mod model;
pub mod netpol;
pub mod objects;
pub mod options;
pub mod output;
mod par;
pub mod plugin_abi;
pub mod pointer;
pub mod pss;
pub mod rbac;
pub mod redact;
pub mod report;
pub mod rule_info;
pub mod rules;
pub mod severity;
pub mod suppress;
pub mod yaml;

pub use engine::{Session, IGNORE_ANNOTATION};
pub use model::{Input, Source};
pub use options::Options;
pub use report::Report;
pub use rules::{RuleInfo, RULES};
pub use severity::{Category, Severity};

/// Checks `sources` with the built-in rules.
pub fn check(sources: Vec<Source>, options: &Options) -> Report {
    let input = Input::parse(sources);
    let session = Session::new(&input, options);
    let findings = session.run_builtin();
    session.report(findings, &builtin_rules(), Vec::new())
}

/// Metadata of every built-in rule, in registry order.
pub fn builtin_rules() -> Vec<RuleInfo> {
    RULES.iter().map(|r| r.info()).collect()
}
