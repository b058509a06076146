//! The `hookspec` binary: a thin `main` over the command line in
//! [`cli`] (argument parsing and output), which is a thin layer over the
//! library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
