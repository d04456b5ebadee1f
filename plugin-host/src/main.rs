//! `kubecheck`: the command line over the checking core.
//!
//! Exit codes: 0 nothing at or above the threshold, 1 findings at or above it,
//! 2 usage, input, parse or plugin errors.

mod builtin_wasm;
mod cli;
mod commands;
mod config;
mod inputs;
mod plugin;
mod read_limit;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    // A child this binary started to compile a plugin module (plugin/compile.rs).
    if std::env::args_os().nth(1).as_deref() == Some(plugin::COMPILER_CHILD_ARG.as_ref()) {
        return plugin::compiler_child_main();
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Rules(args) => commands::rules::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Plugin(command) => commands::plugin::run(command),
        Command::Serve(args) => commands::serve::run(args),
        Command::Access(command) => commands::access::run(command),
        Command::Netpol(args) => commands::netpol::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            // Errors quote their input (file names, plugin metadata, config values):
            // escaped, so none can write escape sequences or lines of its own.
            let message = format!("{error:#}");
            let _ = writeln!(
                std::io::stderr(),
                "kubecheck: error: {}",
                kubecheck_core::output::escape(&message)
            );
            ExitCode::from(2)
        }
    }
}

/// A closed pipe (`kubecheck ... | head`) ends the program quietly.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
