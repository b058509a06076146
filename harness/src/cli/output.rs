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
        let line = $crate::cli::output::redactor().text(&format!($($arg)*));
        let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("{line}\n"));
    }};
}

/// The redaction layer for everything this process prints: set once the
/// secrets are known (`run`), a plain one (URL passwords, hostile
/// characters) before that.
pub(crate) static REDACTOR: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();

pub(crate) fn redactor() -> &'static Redactor {
    REDACTOR.get_or_init(Redactor::new)
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
        let shown = path.display();
        if path.is_dir() {
            bail!("--output {shown}: is a directory; name a file in it");
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !parent.is_dir() {
            bail!(
                "--output {shown}: {} {}",
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
            .with_context(|| format!("--output {shown}: cannot be written"))?;
        Ok(ReportFile {
            path: path.to_path_buf(),
            file,
            created,
            written: false,
        })
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

pub(crate) fn emit(
    report: &hookspec::runner::RunReport,
    format: Format,
    strict: bool,
    output: Option<&mut ReportFile>,
) -> Result<()> {
    let color = output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = match format {
        Format::Human => report::human(report, color),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(report))?;
            s.push('\n');
            s
        }
        Format::Junit => report::junit(report, strict)?,
    };
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
