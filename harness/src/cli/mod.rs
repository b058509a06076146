//! The `hookspec` command line: argument parsing over the library.
//!
//! Exit codes (docs/spec.md §4): 0 every MUST case passed (with
//! `--strict`, every SHOULD too); 1 a case failed; 2 usage or configuration
//! error; 3 the target could not be reached.
//!
//! Bad input is a clear exit 2 before anything is sent: every number has a
//! range checked at parse time, every file the user names is read bounded
//! ([`hookspec::input`]), every output path is opened before the run, and
//! stdout/stderr are written without panicking (a closed pipe ends output
//! quietly, any other write error is exit 2).

#[macro_use]
mod output;
mod args;
mod commands;
mod run;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use hookspec::report::EXIT_USAGE;

use args::*;
use commands::*;
use output::*;
use run::run;

pub(crate) fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    learn_from_args(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            errln!("hookspec: error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Prints a clap error, or `--help`/`--version`, without panicking: help
/// into a closed pipe is quiet, help onto a full disk is exit 2.
pub(crate) fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
    if e.use_stderr() {
        // An error may quote an argument: through the redaction layer.
        errln!("{}", e.render());
        return ExitCode::from(code);
    }
    if std::io::stdout().is_terminal() {
        // Help and version: clap's own printing (with colour) ignores errors.
        let _ = e.print();
        return ExitCode::from(code);
    }
    match out(e.render().to_string().as_bytes()) {
        Ok(()) => ExitCode::from(code),
        Err(err) => {
            errln!("hookspec: error: {err:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub(crate) fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Schemes { show: Some(id) } => match hookspec::describe::builtin(&id) {
            Some(text) => {
                out(text.as_bytes())?;
                Ok(0)
            }
            None => {
                let known: Vec<&str> = hookspec::describe::builtin_files()
                    .iter()
                    .map(|(id, _)| *id)
                    .collect();
                Err(anyhow::anyhow!(
                    "no built-in scheme `{id}`; use one of {}",
                    known.join(", ")
                ))
            }
        },
        Command::Schemes { show: None } => {
            for s in hookspec::scheme::SCHEMES {
                outln!("{:<16} {}", s.id, s.summary)?;
            }
            Ok(0)
        }
        Command::Keys { scheme, format } => keys(scheme, format),
        Command::Sign(args) => sign(args),
        Command::Serve(args) => serve(args),
        Command::Run(args) => run(args),
        Command::Cases { scheme, format } => cases(scheme, format),
        Command::Demo { scheme, format } => demo(&scheme, format),
        Command::Vectors { dir } => vectors(&dir),
    }
}
