//! The browser app's logic, kept free of the DOM so it is tested natively: checking the
//! editor's text, applying fixes, grouping and filtering findings, share links, settings.
//! The page itself (`main.rs`, `state.rs`, `components/`) only presents.

pub mod examples;
pub mod plugin;
pub mod rule_docs;
pub mod settings;
pub mod share;
pub mod text;
pub mod view;

use kubecheck_core::{Report, Source};

/// The name the editor's text carries in reports (the `source` of every location).
pub const SOURCE_NAME: &str = "manifest.yaml";

/// Checks the editor's text with the built-in rules and the user's settings.
pub fn check(text: &str, settings: &settings::Settings) -> Report {
    let options = settings.options(&kubecheck_core::builtin_rules());
    kubecheck_core::check(vec![Source::new(SOURCE_NAME, text)], &options)
}
