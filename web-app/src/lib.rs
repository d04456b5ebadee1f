//! The browser app's logic, kept free of the DOM so it is tested natively: checking the
//! editor's text, applying fixes, grouping and filtering findings, share links, settings.
//! The page itself (`main.rs`, `state.rs`, `components/`) only presents.

pub mod checker;
pub mod examples;
pub mod network;
pub mod plugin;
pub mod rule_docs;
pub mod settings;
pub mod share;
pub mod text;
pub mod view;

use kubecheck_core::{Input, Report, Source};

/// The name the editor's text carries in reports (the `source` of every location).
pub const SOURCE_NAME: &str = "manifest.yaml";

/// The editor's text as a check reads it: parsed once per check, then given to the
/// built-in rules and to every plugin.
pub fn parse(text: &str) -> Input {
    Input::parse(vec![Source::new(SOURCE_NAME, text)])
}

/// Checks the editor's parsed text with the built-in rules and the user's settings.
pub fn check(input: &Input, settings: &settings::Settings) -> Report {
    plugin::check(input, settings, &[], &[])
}
