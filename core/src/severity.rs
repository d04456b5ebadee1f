//! How bad a finding is, and in which area it falls: the plugin interface's types, so a
//! plugin's categories and severities are the built-in rules' own.

pub use kubecheck_plugin_abi::{Category, Severity};
