//! One module per subcommand.

pub mod access;
pub mod check;
pub mod explain;
pub mod plugin;
pub mod rules;
pub mod serve;
