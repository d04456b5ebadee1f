//! One function component per file; they present the state and send actions.

pub mod app;
pub mod editor;
pub mod errors;
pub mod finding;
pub mod findings;
pub mod gutter;
pub mod network;
pub mod options;
pub mod rule_doc;
pub mod summary;
pub mod toolbar;
