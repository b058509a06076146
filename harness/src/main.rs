//! The `hookspec` command line: a thin layer over the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Conformance test harness for webhook receivers.
#[derive(Debug, Parser)]
#[command(name = "hookspec", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the schemes hookspec knows, with a one-line description each.
    Schemes,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schemes => {
            for s in hookspec::scheme::SCHEMES {
                println!("{:<16} {}", s.id, s.summary);
            }
            ExitCode::SUCCESS
        }
    }
}
