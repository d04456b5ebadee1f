//! Why a plugin's document was refused.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbiError {
    Metadata(String),
    Output(String),
    /// The plugin answered `{"error": ...}` itself.
    Reported(String),
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbiError::Metadata(m) => write!(f, "bad metadata: {m}"),
            AbiError::Output(m) => write!(f, "bad output: {m}"),
            AbiError::Reported(m) => write!(f, "plugin error: {m}"),
        }
    }
}

impl std::error::Error for AbiError {}
