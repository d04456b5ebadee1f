//! One module per subcommand.

pub mod access;
pub mod check;
pub mod explain;
pub mod fix;
pub mod netpol;
pub mod plugin;
pub mod rules;
pub mod serve;
