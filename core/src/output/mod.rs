//! Rendering a report: JSON is the report itself (serde); here are SARIF, human text and
//! the rules reference. Pure formatting, so the CLI and the web app render alike.

pub mod escape;
mod markdown;
mod sarif;
mod text;

pub use escape::escape;
pub use markdown::rules_markdown;
pub use sarif::sarif;
pub use text::{text, write_text};
