//! Rendering a report: JSON is the report itself (serde; its findings rendered side by
//! side); here are SARIF, human text, the CI formats (GitHub annotations, JUnit XML,
//! GitLab Code Quality) and the rules reference. Pure formatting, so the CLI and the web app render alike.

pub mod escape;
mod github;
mod gitlab;
pub mod identity;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

pub use escape::escape;
pub use github::write_github;
pub use gitlab::gitlab;
pub use json::write_json;
pub use junit::write_junit;
pub use markdown::rules_markdown;
pub use sarif::sarif;
pub use text::{text, write_text};
