//! Everything the command line writes: stdout without panics (a closed
//! pipe ends output quietly), stderr through the redaction layer, the
//! report file opened before the run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Context, Result};

use hookspec::redact::Redactor;
use hookspec::report::{self};

use super::args::*;

/// Set once stdout is a closed pipe: later output is dropped.
pub(crate) static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout without panicking. A closed pipe (`| head`) ends all
/// further output quietly, as Unix tools do, and the run keeps its exit
/// code; any other write error (`/dev/full`, a full disk) is an error.
pub(crate) fn out(bytes: &[u8]) -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e).context("writing stdout")),
    }
}

/// An error and its causes on one line, `message: cause: …` as `{:#}`
/// writes them, less each cause the message before it already ends with:
/// the library's errors name their cause in their own message and also
/// give it as their `source`, which `{:#}` would print twice.
pub(crate) fn error_chain(e: &anyhow::Error) -> String {
    let mut text = String::new();
    let mut previous = String::new();
    for cause in e.chain() {
        let message = cause.to_string();
        if !previous.ends_with(&message) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&message);
        }
        previous = message;
    }
    text
}

/// `println!` through [`out`]: returns the write error instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::out(format!("{}\n", format_args!($($arg)*)).as_bytes())
    };
}

/// `eprintln!` through the redaction layer ([`redactor`]), without the
/// panic when stderr cannot be written (there is nowhere left to report
/// that).
macro_rules! errln {
    ($($arg:tt)*) => {{
        let text = $crate::cli::output::redact_lines(&format!($($arg)*));
        let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("{text}\n"));
    }};
}

/// The redaction layer for everything this process prints. It knows the
/// `--secret` value as soon as the arguments are seen (even before they
/// parse: a parse error may quote it), the secrets a command reads later
/// ([`learn`]), and always hides URL passwords and hostile characters.
static REDACTOR: std::sync::LazyLock<std::sync::RwLock<Redactor>> =
    std::sync::LazyLock::new(|| std::sync::RwLock::new(Redactor::new()));

/// Teaches the redaction layer more secrets or URLs.
pub(crate) fn learn(add: impl FnOnce(Redactor) -> Redactor) {
    let mut guard = REDACTOR
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let current = std::mem::take(&mut *guard);
    *guard = add(current);
}

/// The redaction layer as it is now.
pub(crate) fn redactor() -> Redactor {
    REDACTOR
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// `text` through the redaction layer, line by line (its line breaks are
/// the program's own; any other hostile character is escaped).
pub(crate) fn redact_lines(text: &str) -> String {
    let r = redactor();
    text.lines()
        .map(|l| r.text(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Registers the value of every `--secret` among the raw arguments, so
/// that no message quotes it, not even a parse error.
pub(crate) fn learn_from_args(args: &[std::ffi::OsString]) {
    let mut values = Vec::new();
    let mut next_is_secret = false;
    for a in args {
        let a = a.as_encoded_bytes();
        if next_is_secret {
            values.push(a.to_vec());
        }
        next_is_secret = a == b"--secret";
        if let Some(v) = a.strip_prefix(b"--secret=") {
            values.push(v.to_vec());
        }
    }
    learn(|mut r| {
        for v in &values {
            r = r.secret(v);
        }
        r
    });
}

/// `--output FILE`, opened before anything is sent so that a directory,
/// a missing directory or an unwritable path is exit 2 at once rather
/// than after the run. The file is opened for appending, which leaves an
/// existing report intact until the new one is ready; one the run created
/// and never wrote is removed again.
pub(crate) struct ReportFile {
    path: PathBuf,
    file: std::fs::File,
    created: bool,
    written: bool,
}

impl ReportFile {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        Self::open_for("--output", path)
    }

    /// [`ReportFile::open`] for the option `flag` (in its messages).
    pub(crate) fn open_for(flag: &str, path: &Path) -> Result<Self> {
        let shown = path.display();
        if path.is_dir() {
            bail!("{flag} {shown}: is a directory; name a file in it");
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            bail!(
                "{flag} {shown}: {} {}",
                parent.display(),
                if parent.exists() {
                    "is not a directory"
                } else {
                    "does not exist (create the directory first)"
                }
            );
        }
        let created = std::fs::symlink_metadata(path).is_err();
        let file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("{flag} {shown}: cannot be written"))?;
        Ok(ReportFile {
            path: path.to_path_buf(),
            file,
            created,
            written: false,
        })
    }

    /// [`ReportFile::write`], an error naming the file under `flag`.
    pub(crate) fn replace(&mut self, text: &[u8], flag: &str) -> Result<()> {
        self.write(text)
            .with_context(|| format!("{flag} {}: writing the report", self.path.display()))
    }

    /// Replaces the content with `text` (a FIFO or a device is written to
    /// as it is).
    fn write(&mut self, text: &[u8]) -> std::io::Result<()> {
        if self.file.metadata()?.is_file() {
            self.file.set_len(0)?;
        }
        self.file.write_all(text)?;
        self.file.flush()?;
        self.written = true;
        Ok(())
    }
}

impl Drop for ReportFile {
    fn drop(&mut self) {
        if self.created && !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The report in `format` (`color` and `verbose` for the human one).
pub(crate) fn render(
    report: &hookspec::runner::RunReport,
    format: Format,
    strict: bool,
    color: bool,
    verbose: u8,
    baseline: Option<&report::Baseline>,
) -> Result<String> {
    Ok(match format {
        Format::Human => report::human_verbose(report, color, verbose),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(report))?;
            s.push('\n');
            s
        }
        Format::Junit => report::junit(report, strict)?,
        Format::Markdown => report::markdown_with(report, strict, baseline),
        Format::Html => hookspec::html_report::html_with(report, strict, baseline),
    })
}

/// Writes the `--report FORMAT=PATH` files of one run; a file that cannot
/// be written is reported and the others are still written.
pub(crate) fn write_reports(
    report: &hookspec::runner::RunReport,
    strict: bool,
    verbose: u8,
    baseline: Option<&report::Baseline>,
    files: &mut [(Format, ReportFile)],
) -> Result<()> {
    let mut failed = Vec::new();
    for (format, file) in files.iter_mut() {
        let text = render(report, *format, strict, false, verbose, baseline)?;
        if let Err(e) = file.write(text.as_bytes()) {
            failed.push(format!("--report {}: {e}", file.path.display()));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("{}", failed.join("; "))
    }
}

pub(crate) fn emit(
    report: &hookspec::runner::RunReport,
    format: Format,
    strict: bool,
    output: Option<&mut ReportFile>,
    verbose: u8,
    baseline: Option<&report::Baseline>,
) -> Result<()> {
    let color = output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = render(report, format, strict, color, verbose, baseline)?;
    match output {
        Some(file) => {
            if let Err(e) = file.write(text.as_bytes()) {
                // The run is done: keep its report rather than lose it.
                out(text.as_bytes())?;
                return Err(anyhow::Error::new(e).context(format!(
                    "--output {}: writing the report (it was written to stdout instead)",
                    file.path.display()
                )));
            }
            let s = report::Summary::of(report);
            errln!(
                "{}: {} passed, {} failed, {} warned, {} skipped; report in {}",
                report.scheme,
                s.passed,
                s.failed,
                s.warned,
                s.skipped,
                file.path.display()
            );
        }
        None => out(text.as_bytes())?,
    }
    Ok(())
}
