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
mod many;
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
    // A `--scheme ID` may name the scheme of a `--scheme-file`: load the
    // files before the arguments are parsed. A bad file is exit 2 with its
    // `path:line:column` message.
    for path in scheme_files(&args) {
        if let Err(e) = hookspec::describe::register_file(&path) {
            errln!("hookspec: error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            errln!("hookspec: error: {}", error_chain(&e));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The `--scheme-file` values among `args` (both `--scheme-file P` and
/// `--scheme-file=P`), and `HOOKSPEC_SCHEME_FILE`.
fn scheme_files(args: &[std::ffi::OsString]) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--scheme-file" {
            if let Some(p) = it.next() {
                files.push(p.into());
            }
        } else if let Some(p) = a.to_str().and_then(|s| s.strip_prefix("--scheme-file=")) {
            files.push(p.into());
        }
    }
    if files.is_empty() {
        if let Some(p) = std::env::var_os("HOOKSPEC_SCHEME_FILE").filter(|p| !p.is_empty()) {
            files.push(p.into());
        }
    }
    files
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
            errln!("hookspec: error: {}", error_chain(&err));
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
            None => Err(anyhow::anyhow!(
                "no built-in scheme `{id}`; use one of {}",
                hookspec::describe::registry::builtins()
                    .iter()
                    .map(|s| s.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        Command::Schemes { show: None } => {
            for s in hookspec::describe::registry::all() {
                outln!("{:<16} {}", s.id, s.summary)?;
            }
            Ok(0)
        }
        Command::Keys { scheme, format } => keys(scheme.id()?, format),
        Command::Sign(args) => sign(args),
        Command::Serve(args) => serve(args),
        Command::Run(args) => run(args),
        Command::Cases {
            scheme,
            scheme_file,
            format,
        } => {
            let scheme = match scheme_file {
                Some(p) => Some(hookspec::describe::register_file(&p)?),
                None => scheme,
            };
            cases(scheme, format)
        }
        Command::Demo {
            scheme,
            scheme_file,
            format,
        } => match scheme_file {
            Some(p) => {
                let id = hookspec::describe::register_file(&p)?;
                demo(id.as_str(), format)
            }
            None => demo(&scheme, format),
        },
        Command::Vectors { dir, scheme_file } => {
            let only = match scheme_file {
                Some(p) => Some(hookspec::describe::register_file(&p)?),
                None => None,
            };
            vectors(&dir, only)
        }
    }
}
