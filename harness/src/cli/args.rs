//! The command line's arguments: subcommands, options, their ranges.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use hookspec::input::{self, MAX_SECRET_FILE};
use hookspec::runner::{
    MAX_ROTATION_WINDOW_S, MAX_TIMEOUT_MS, MAX_TOLERANCE_S, MIN_TOLERANCE_S as MIN_RUN_TOLERANCE_S,
};
use hookspec::scheme::SchemeId;

/// The latest `sign --timestamp`: 9999-12-31T23:59:59.999Z in
/// milliseconds, so a seconds or a milliseconds timestamp of any year up
/// to 9999 can be signed.
pub(crate) const MAX_SIGN_TIMESTAMP: u64 = 253_402_300_799_999;

/// The most `--timing-samples`, as a const argument.
pub(crate) const MAX_TIMING_SAMPLES: u64 = hookspec::timing::MAX_SAMPLES as u64;

/// A clap value parser for a whole number in `LO..=HI`. The message names
/// the range whatever was typed (negative, beyond `u64`, not a number).
pub(crate) fn in_range<const LO: u64, const HI: u64>(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if (LO..=HI).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number in {LO}..={HI}")),
    }
}

pub(crate) fn timing_samples(s: &str) -> Result<usize, String> {
    let n = in_range::<1, MAX_TIMING_SAMPLES>(s)?;
    usize::try_from(n).map_err(|e| e.to_string())
}

pub(crate) fn sign_timestamp(s: &str) -> Result<i64, String> {
    let n = in_range::<0, MAX_SIGN_TIMESTAMP>(s)?;
    i64::try_from(n).map_err(|e| e.to_string())
}

/// Conformance test harness for webhook receivers: plays the sender and
/// reports, case by case, what the receiver got wrong.
#[derive(Debug, Parser)]
#[command(name = "hookspec", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the schemes, with a one-line description each.
    Schemes {
        /// Print the built-in scheme file of this scheme id verbatim
        /// (the TOML description, docs/scheme-format.md).
        #[arg(long, value_name = "ID")]
        show: Option<String>,
    },
    /// Print the test public key a receiver must trust while it is tested
    /// (asymmetric schemes). TEST-ONLY key: never trust it in production.
    Keys {
        #[command(flatten)]
        scheme: SchemeArgs,
        /// Output form.
        #[arg(long, value_enum, default_value = "pem")]
        format: KeyFormat,
    },
    /// Sign a body and print a ready-to-run request (curl, or raw HTTP).
    Sign(SignArgs),
    /// Run the reference receiver (a correct implementation of a scheme).
    Serve(ServeArgs),
    /// Run the conformance suite against a receiver URL.
    Run(RunArgs),
    /// (Re)generate the portable test vectors into a directory.
    Vectors {
        /// Where to write `<scheme>.json` (created if missing).
        #[arg(long, default_value = "vectors")]
        dir: PathBuf,
        /// Only the vectors of the scheme in this file (default: every
        /// built-in scheme).
        #[arg(long, value_name = "PATH")]
        scheme_file: Option<PathBuf>,
    },
    /// Print the case catalogue: every case id with its level, requirement
    /// and reference (docs/cases.md is the Markdown of every scheme).
    Cases {
        /// Only this scheme's cases (default: every built-in scheme).
        #[arg(long)]
        scheme: Option<SchemeId>,
        /// Only the cases of the scheme in this file (docs/scheme-format.md).
        #[arg(long, value_name = "PATH", conflicts_with = "scheme")]
        scheme_file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "markdown")]
        format: CasesFormat,
    },
    /// Run the suite against an in-process reference receiver: no setup.
    Demo {
        /// Scheme id, or `all` (every built-in scheme).
        #[arg(long, default_value = "all")]
        scheme: String,
        /// The scheme in this file (docs/scheme-format.md), instead of
        /// --scheme.
        #[arg(long, value_name = "PATH")]
        scheme_file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KeyFormat {
    /// SPKI PEM.
    Pem,
    /// Hex (Ed25519 only: the form a hex key-list route publishes).
    Hex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// One line per case and a summary.
    Human,
    /// The JSON report.
    Json,
    /// JUnit XML.
    Junit,
    /// Markdown for a CI job summary (`$GITHUB_STEP_SUMMARY`): totals and
    /// the failing and warning cases.
    Markdown,
    /// One self-contained HTML file (inline CSS, script and SVG charts).
    Html,
}

/// `--report FORMAT=PATH`: one more report of the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReportSpec {
    pub(crate) format: Format,
    pub(crate) path: PathBuf,
}

/// Parses `FORMAT=PATH` (`junit=out.xml`).
fn report_spec(s: &str) -> Result<ReportSpec, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| "expected FORMAT=PATH, e.g. junit=report.xml".to_owned())?;
    let format = Format::from_str(format, true).map_err(|_| {
        let known: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect();
        format!("unknown format `{format}`; one of {}", known.join(", "))
    })?;
    if path.is_empty() {
        return Err("the PATH after `=` is empty".to_owned());
    }
    Ok(ReportSpec {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CasesFormat {
    /// One section per family, a table of cases each (docs/cases.md).
    Markdown,
    /// An array of `{id, scheme, family, level, title, reference}`.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignFormat {
    /// A curl command line.
    Curl,
    /// The raw HTTP/1.1 request.
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyIn {
    /// `BLINK-API-KEY` header.
    Header,
    /// `?apikey=` query parameter.
    Query,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct SecretArgs {
    /// The shared secret (visible in the process list: prefer the others).
    #[arg(long, conflicts_with_all = ["secret_env", "secret_file"])]
    pub(crate) secret: Option<String>,
    /// Read the shared secret from this environment variable.
    #[arg(long, value_name = "NAME", conflicts_with = "secret_file")]
    pub(crate) secret_env: Option<String>,
    /// Read the shared secret from this file (one trailing newline is
    /// ignored; at most 64 KiB).
    #[arg(long, value_name = "PATH")]
    pub(crate) secret_file: Option<PathBuf>,
}

impl SecretArgs {
    pub(crate) fn read(&self) -> Result<Option<Vec<u8>>> {
        let secret = if let Some(s) = &self.secret {
            Some(s.clone().into_bytes())
        } else if let Some(name) = &self.secret_env {
            let v = std::env::var_os(name)
                .ok_or_else(|| anyhow!("--secret-env {name}: the variable is not set"))?;
            Some(v.into_encoded_bytes())
        } else if let Some(path) = &self.secret_file {
            let mut v = input::read_file(path, MAX_SECRET_FILE, "a shared secret")
                .context("--secret-file")?;
            if v.ends_with(b"\n") {
                v.pop();
                if v.ends_with(b"\r") {
                    v.pop();
                }
            }
            Some(v)
        } else {
            None
        };
        if secret.as_ref().is_some_and(Vec::is_empty) {
            bail!("the secret is empty: a receiver must never accept an empty secret");
        }
        Ok(secret)
    }
}

/// `--scheme ID` or `--scheme-file PATH`: the scheme a command works with.
#[derive(Debug, Clone, Args)]
pub(crate) struct SchemeArgs {
    /// Scheme id: a built-in one (`hookspec schemes`), or the id of the
    /// --scheme-file.
    // One of --scheme and --scheme-file is required: `SchemeArgs::id` says
    // so (which lets `run --config` do without both).
    #[arg(long)]
    pub(crate) scheme: Option<SchemeId>,
    /// A scheme description file (TOML, docs/scheme-format.md): test a
    /// scheme hookspec does not ship. Test key paths in it are relative to
    /// the file.
    #[arg(long, value_name = "PATH", env = "HOOKSPEC_SCHEME_FILE")]
    pub(crate) scheme_file: Option<PathBuf>,
}

impl SchemeArgs {
    /// The scheme: the file's (loaded before the arguments were parsed, see
    /// `cli::main`), or the id given; both given must agree.
    pub(crate) fn id(&self) -> Result<SchemeId> {
        let loaded = match &self.scheme_file {
            Some(p) => Some(hookspec::describe::register_file(p)?),
            None => None,
        };
        match (self.scheme, loaded) {
            (Some(a), Some(b)) if a != b => bail!(
                "--scheme {a} names another scheme than --scheme-file, whose id is `{b}`; give one of them"
            ),
            (Some(id), _) | (None, Some(id)) => Ok(id),
            (None, None) => bail!("give --scheme ID or --scheme-file PATH"),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// The receiver's webhook URL.
    #[arg(long)]
    pub(crate) url: String,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Private key PEM (PKCS#8, at most 64 KiB) for asymmetric schemes;
    /// default: the test key.
    #[arg(long, value_name = "PATH")]
    pub(crate) key_file: Option<PathBuf>,
    /// The body (for body-envelope schemes: the event), a file or `-` for
    /// stdin; at most 16 MiB.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) body: String,
    /// Event id for schemes that carry it in a header.
    #[arg(long, default_value = "dlv_hookspec_1")]
    pub(crate) event_id: String,
    /// Event type for schemes that carry it in a header.
    #[arg(long)]
    pub(crate) event_type: Option<String>,
    /// Unix timestamp to sign (timestamped schemes), 0..=253402300799999
    /// (seconds or milliseconds up to the year 9999); default: now.
    #[arg(long, value_parser = sign_timestamp, allow_negative_numbers = true)]
    pub(crate) timestamp: Option<i64>,
    /// Where the API key goes (API-key schemes: query or header).
    #[arg(long, value_enum, default_value = "header")]
    pub(crate) key_in: KeyIn,
    /// Output form.
    #[arg(long, value_enum, default_value = "curl")]
    pub(crate) format: SignFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Provider key server base URL (schemes with published keys); default: trust
    /// the checked-in test key.
    #[arg(long, value_name = "URL")]
    pub(crate) key_server: Option<String>,
    /// Timestamp window in seconds (timestamped schemes), 0..=31536000 (a
    /// year).
    #[arg(long, value_name = "S", default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S,
          value_parser = in_range::<0, MAX_TOLERANCE_S>, allow_negative_numbers = true)]
    pub(crate) tolerance: u64,
    /// The origin senders sign (behind a proxy), e.g. https://hooks.example.
    #[arg(long, value_name = "URL")]
    pub(crate) public_url: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// The receiver's webhook URL.
    #[arg(long, required_unless_present_any = ["list", "config"])]
    pub(crate) url: Option<String>,
    /// Test several receivers in one run: a TOML file of `[[target]]`
    /// tables (scheme or scheme_file, url, secret_env or secret_file,
    /// effects_url, key_server_addr, filter, exclude, expect_failures,
    /// timeout_ms; docs/spec.md §4). One combined report per format, the
    /// worst exit code.
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "url", "scheme", "scheme_file", "secret", "secret_env", "secret_file",
        "effects_url", "key_server_addr", "filter", "exclude", "expect_failures", "list",
    ])]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Bind the provider key server here (schemes with published keys); configure the
    /// receiver to fetch keys from http://HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub(crate) key_server_addr: Option<SocketAddr>,
    /// The receiver's effects oracle (GET → {"processed": [ids]}).
    #[arg(long, value_name = "URL")]
    pub(crate) effects_url: Option<String>,
    /// SHOULD failures fail the run too.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: Format,
    /// Also write a report in FORMAT to PATH, from the same run
    /// (repeatable: `--report junit=out.xml --report json=out.json`).
    /// Checked before anything is sent, like --output.
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = report_spec)]
    pub(crate) reports: Vec<ReportSpec>,
    /// Show what was sent and what came back under the cases that failed
    /// or warned, with a curl command that re-sends it (-v); under every
    /// case (-vv). Human format; the JSON and JUnit reports always carry it.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Write the report to this file (the summary still goes to stderr).
    /// Checked before anything is sent: a directory, a missing directory
    /// or an unwritable path is exit 2 at once; an existing report is
    /// replaced only once the new one is ready.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Per-request timeout in ms, 1..=600000 (ten minutes); default: the
    /// sender timeout of the scheme.
    #[arg(long, value_name = "MS", value_parser = in_range::<1, MAX_TIMEOUT_MS>, allow_negative_numbers = true)]
    pub(crate) timeout_ms: Option<u64>,
    /// Timestamp window in seconds (timestamped schemes), 3..=31536000 (the
    /// freshness cases send 2 s inside and outside it; a year at most).
    #[arg(long, value_name = "S", default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S,
          value_parser = in_range::<MIN_RUN_TOLERANCE_S, MAX_TOLERANCE_S>,
          allow_negative_numbers = true)]
    pub(crate) tolerance: u64,
    /// How long a key rotation is retried before judging, in seconds,
    /// 0..=3600.
    #[arg(long, value_name = "S", default_value_t = 10,
          value_parser = in_range::<0, MAX_ROTATION_WINDOW_S>, allow_negative_numbers = true)]
    pub(crate) rotation_window: u64,
    /// Run only the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub(crate) filter: Vec<String>,
    /// Skip the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    pub(crate) exclude: Vec<String>,
    /// Known failures: `<case id>  # reason` per line (at most 1 MiB). The
    /// run passes when exactly these fail.
    #[arg(long, value_name = "FILE")]
    pub(crate) expect_failures: Option<PathBuf>,
    /// Print the selected cases without sending anything.
    #[arg(long)]
    pub(crate) list: bool,
    /// Also run the timing check (docs/spec.md §3.9): thousands of forged deliveries,
    /// first-byte-wrong vs last-byte-wrong, interleaved. Advisory over a
    /// network unless --timing-gate.
    #[arg(long)]
    pub(crate) timing: bool,
    /// Pairs of timing samples (after warm-up), 1..=1000000: a million
    /// pairs is two million deliveries, hours over a network, and far more
    /// than the statistics need.
    #[arg(long, value_name = "N", default_value_t = hookspec::timing::TimingConfig::default().samples,
          requires = "timing", value_parser = timing_samples, allow_negative_numbers = true)]
    pub(crate) timing_samples: usize,
    /// A detected timing leak fails the run (MUST instead of advisory MAY).
    #[arg(long, requires = "timing")]
    pub(crate) timing_gate: bool,
    /// Trust this CA certificate (PEM, at most 1 MiB) for https:// targets;
    /// checked at start.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (self-signed staging hosts only).
    #[arg(long)]
    pub(crate) insecure: bool,
}
