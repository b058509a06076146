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

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use hookspec::input::{self, MAX_BASELINE_FILE, MAX_BODY, MAX_KEY_FILE, MAX_SECRET_FILE};
use hookspec::keys::test_keys::TestKey;
use hookspec::keys::{SigningKey, Trust};
use hookspec::redact::Redactor;
use hookspec::report::{self, Baseline, EXIT_USAGE};
use hookspec::runner::{KeyPublisher, RunConfig, Runner, Selection, TimingRun};
use hookspec::scheme::{CredentialKind, SchemeId};
use hookspec::sign::{KeyPlacement, Payload};
use hookspec::target::{HttpTarget, Target, TlsOptions};

use hookspec::runner::{
    MAX_ROTATION_WINDOW_S, MAX_TIMEOUT_MS, MAX_TOLERANCE_S, MIN_TOLERANCE_S as MIN_RUN_TOLERANCE_S,
};
/// The latest `sign --timestamp`: 9999-12-31T23:59:59.999Z in
/// milliseconds, so a seconds or a milliseconds timestamp of any year up
/// to 9999 can be signed.
const MAX_SIGN_TIMESTAMP: u64 = 253_402_300_799_999;
/// The most `--timing-samples`, as a const argument.
const MAX_TIMING_SAMPLES: u64 = hookspec::timing::MAX_SAMPLES as u64;

/// A clap value parser for a whole number in `LO..=HI`. The message names
/// the range whatever was typed (negative, beyond `u64`, not a number).
fn in_range<const LO: u64, const HI: u64>(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if (LO..=HI).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number in {LO}..={HI}")),
    }
}

fn timing_samples(s: &str) -> Result<usize, String> {
    let n = in_range::<1, MAX_TIMING_SAMPLES>(s)?;
    usize::try_from(n).map_err(|e| e.to_string())
}

fn sign_timestamp(s: &str) -> Result<i64, String> {
    let n = in_range::<0, MAX_SIGN_TIMESTAMP>(s)?;
    i64::try_from(n).map_err(|e| e.to_string())
}

/// Set once stdout is a closed pipe: later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout without panicking. A closed pipe (`| head`) ends all
/// further output quietly, as Unix tools do, and the run keeps its exit
/// code; any other write error (`/dev/full`, a full disk) is an error.
fn out(bytes: &[u8]) -> Result<()> {
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
        out(format!("{}\n", format_args!($($arg)*)).as_bytes())
    };
}

/// `eprintln!` through the redaction layer ([`redactor`]), without the
/// panic when stderr cannot be written (there is nowhere left to report
/// that).
macro_rules! errln {
    ($($arg:tt)*) => {{
        let line = redactor().text(&format!($($arg)*));
        let _ = writeln!(std::io::stderr(), "{line}");
    }};
}

/// Conformance test harness for webhook receivers: plays the sender and
/// reports, case by case, what the receiver got wrong.
#[derive(Debug, Parser)]
#[command(name = "hookspec", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
        /// Scheme id.
        #[arg(long)]
        scheme: SchemeId,
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
    },
    /// Print the case catalogue: every case id with its level, requirement
    /// and reference (docs/cases.md is the Markdown of every scheme).
    Cases {
        /// Only this scheme's cases (default: every scheme).
        #[arg(long)]
        scheme: Option<SchemeId>,
        /// Output format.
        #[arg(long, value_enum, default_value = "markdown")]
        format: CasesFormat,
    },
    /// Run the suite against an in-process reference receiver: no setup.
    Demo {
        /// Scheme id, or `all`.
        #[arg(long, default_value = "all")]
        scheme: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KeyFormat {
    /// SPKI PEM.
    Pem,
    /// Hex (Ed25519 only: the form the smartasset key route publishes).
    Hex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per case and a summary.
    Human,
    /// The JSON report.
    Json,
    /// JUnit XML.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CasesFormat {
    /// One section per family, a table of cases each (docs/cases.md).
    Markdown,
    /// An array of `{id, scheme, family, level, title, reference}`.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SignFormat {
    /// A curl command line.
    Curl,
    /// The raw HTTP/1.1 request.
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeyIn {
    /// `BLINK-API-KEY` header.
    Header,
    /// `?apikey=` query parameter.
    Query,
}

#[derive(Debug, Args)]
struct SecretArgs {
    /// The shared secret (visible in the process list: prefer the others).
    #[arg(long, conflicts_with_all = ["secret_env", "secret_file"])]
    secret: Option<String>,
    /// Read the shared secret from this environment variable.
    #[arg(long, value_name = "NAME", conflicts_with = "secret_file")]
    secret_env: Option<String>,
    /// Read the shared secret from this file (one trailing newline is
    /// ignored; at most 64 KiB).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
}

impl SecretArgs {
    fn read(&self) -> Result<Option<Vec<u8>>> {
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

#[derive(Debug, Args)]
struct SignArgs {
    /// Scheme id.
    #[arg(long)]
    scheme: SchemeId,
    /// The receiver's webhook URL.
    #[arg(long)]
    url: String,
    #[command(flatten)]
    secret: SecretArgs,
    /// Private key PEM (PKCS#8, at most 64 KiB) for asymmetric schemes;
    /// default: the test key.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// The body (for smartasset: the event), a file or `-` for stdin; at
    /// most 16 MiB.
    #[arg(long, value_name = "FILE|-")]
    body: String,
    /// Event id for schemes that carry it in a header (certifylize).
    #[arg(long, default_value = "dlv_hookspec_1")]
    event_id: String,
    /// Event type for schemes that carry it in a header (certifylize).
    #[arg(long)]
    event_type: Option<String>,
    /// Unix timestamp to sign (blink-signature), 0..=253402300799999
    /// (seconds or milliseconds up to the year 9999); default: now.
    #[arg(long, value_parser = sign_timestamp, allow_negative_numbers = true)]
    timestamp: Option<i64>,
    /// Where the API key goes (blink-apikey).
    #[arg(long, value_enum, default_value = "header")]
    key_in: KeyIn,
    /// Output form.
    #[arg(long, value_enum, default_value = "curl")]
    format: SignFormat,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Scheme id.
    #[arg(long)]
    scheme: SchemeId,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    secret: SecretArgs,
    /// Provider key server base URL (smartasset, cometh); default: trust
    /// the checked-in test key.
    #[arg(long, value_name = "URL")]
    key_server: Option<String>,
    /// Timestamp window in seconds (blink-signature), 0..=31536000 (a
    /// year).
    #[arg(long, value_name = "S", default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S,
          value_parser = in_range::<0, MAX_TOLERANCE_S>, allow_negative_numbers = true)]
    tolerance: u64,
    /// The origin senders sign (behind a proxy), e.g. https://hooks.example.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scheme id.
    #[arg(long)]
    scheme: SchemeId,
    /// The receiver's webhook URL.
    #[arg(long, required_unless_present = "list")]
    url: Option<String>,
    #[command(flatten)]
    secret: SecretArgs,
    /// Bind the provider key server here (smartasset, cometh); configure the
    /// receiver to fetch keys from http://HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    key_server_addr: Option<SocketAddr>,
    /// The receiver's effects oracle (GET → {"processed": [ids]}).
    #[arg(long, value_name = "URL")]
    effects_url: Option<String>,
    /// SHOULD failures fail the run too.
    #[arg(long)]
    strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file (the summary still goes to stderr).
    /// Checked before anything is sent: a directory, a missing directory
    /// or an unwritable path is exit 2 at once; an existing report is
    /// replaced only once the new one is ready.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Per-request timeout in ms, 1..=600000 (ten minutes); default: the
    /// sender timeout of the scheme.
    #[arg(long, value_name = "MS", value_parser = in_range::<1, MAX_TIMEOUT_MS>, allow_negative_numbers = true)]
    timeout_ms: Option<u64>,
    /// Timestamp window in seconds (blink-signature), 3..=31536000 (the
    /// freshness cases send 2 s inside and outside it; a year at most).
    #[arg(long, value_name = "S", default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S,
          value_parser = in_range::<MIN_RUN_TOLERANCE_S, MAX_TOLERANCE_S>,
          allow_negative_numbers = true)]
    tolerance: u64,
    /// How long a key rotation is retried before judging, in seconds,
    /// 0..=3600.
    #[arg(long, value_name = "S", default_value_t = 10,
          value_parser = in_range::<0, MAX_ROTATION_WINDOW_S>, allow_negative_numbers = true)]
    rotation_window: u64,
    /// Run only the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    filter: Vec<String>,
    /// Skip the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    exclude: Vec<String>,
    /// Known failures: `<case id>  # reason` per line (at most 1 MiB). The
    /// run passes when exactly these fail.
    #[arg(long, value_name = "FILE")]
    expect_failures: Option<PathBuf>,
    /// Print the selected cases without sending anything.
    #[arg(long)]
    list: bool,
    /// Also run the timing check (docs/spec.md §3.9): thousands of forged deliveries,
    /// first-byte-wrong vs last-byte-wrong, interleaved. Advisory over a
    /// network unless --timing-gate.
    #[arg(long)]
    timing: bool,
    /// Pairs of timing samples (after warm-up), 1..=1000000: a million
    /// pairs is two million deliveries, hours over a network, and far more
    /// than the statistics need.
    #[arg(long, value_name = "N", default_value_t = hookspec::timing::TimingConfig::default().samples,
          requires = "timing", value_parser = timing_samples, allow_negative_numbers = true)]
    timing_samples: usize,
    /// A detected timing leak fails the run (MUST instead of advisory MAY).
    #[arg(long, requires = "timing")]
    timing_gate: bool,
    /// Trust this CA certificate (PEM, at most 1 MiB) for https:// targets;
    /// checked at start.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (self-signed staging hosts only).
    #[arg(long)]
    insecure: bool,
}

/// The redaction layer for everything this process prints: set once the
/// secrets are known (`run`), a plain one (URL passwords, hostile
/// characters) before that.
static REDACTOR: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();

fn redactor() -> &'static Redactor {
    REDACTOR.get_or_init(Redactor::new)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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
fn clap_exit(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
    if e.use_stderr() || std::io::stdout().is_terminal() {
        // clap's own printing (with colour on a terminal) ignores errors.
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

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn dispatch(cli: Cli) -> Result<u8> {
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

/// `hookspec cases`: the catalogue of one scheme or of all of them.
fn cases(scheme: Option<SchemeId>, format: CasesFormat) -> Result<u8> {
    let schemes: Vec<&hookspec::Scheme> = match scheme {
        Some(id) => vec![id.scheme()],
        None => hookspec::scheme::SCHEMES.to_vec(),
    };
    let text = match format {
        CasesFormat::Markdown => hookspec::catalogue_doc::markdown(&schemes),
        CasesFormat::Json => hookspec::catalogue_doc::json(&schemes),
    };
    out(text.as_bytes())?;
    Ok(0)
}

fn test_key(scheme: SchemeId) -> Option<TestKey> {
    match scheme.scheme().credential {
        CredentialKind::Ed25519PublicKeys => Some(TestKey::Smartasset1),
        CredentialKind::RsaPublicKey => Some(TestKey::Cometh1),
        CredentialKind::SharedSecret => None,
    }
}

fn keys(scheme: SchemeId, format: KeyFormat) -> Result<u8> {
    let Some(k) = test_key(scheme) else {
        bail!("scheme `{scheme}` uses a shared secret: there is no public key to trust");
    };
    match format {
        KeyFormat::Pem => out(k.public_pem().as_bytes())?,
        KeyFormat::Hex => {
            let key = k.signing_key()?;
            let hex = hookspec::keys::test_keys::ed25519_hex(&key)
                .ok_or_else(|| anyhow!("--format hex is for Ed25519 keys; use --format pem"))?;
            outln!("{hex}")?;
        }
    }
    errln!(
        "# TEST-ONLY key ({}): trust it only while testing",
        k.name()
    );
    Ok(0)
}

fn signing_key(
    scheme: SchemeId,
    secret: Option<Vec<u8>>,
    key_file: Option<&PathBuf>,
) -> Result<SigningKey> {
    match scheme.scheme().credential {
        CredentialKind::SharedSecret => {
            let s = secret.ok_or_else(|| {
                anyhow!("scheme `{scheme}` needs the shared secret: --secret, --secret-env NAME or --secret-file PATH")
            })?;
            Ok(SigningKey::Secret(s))
        }
        _ => {
            let key = match key_file {
                Some(p) => {
                    let pem =
                        input::read_file(p, MAX_KEY_FILE, "a private key").context("--key-file")?;
                    let pem = String::from_utf8(pem).map_err(|_| {
                        anyhow!("--key-file: {}: not a PEM file (not text)", p.display())
                    })?;
                    SigningKey::from_pkcs8_pem(&pem)
                        .with_context(|| format!("--key-file {}", p.display()))?
                }
                None => test_key(scheme)
                    .ok_or_else(|| anyhow!("no test key for `{scheme}`"))?
                    .signing_key()?,
            };
            if !key.fits(scheme.scheme()) {
                bail!("the key in --key-file does not fit scheme `{scheme}`");
            }
            Ok(key)
        }
    }
}

fn sign(args: SignArgs) -> Result<u8> {
    let key = signing_key(args.scheme, args.secret.read()?, args.key_file.as_ref())?;
    let what = "a body to sign";
    let body = if args.body == "-" {
        input::read_bounded(std::io::stdin().lock(), Path::new("-"), MAX_BODY, what)
            .context("--body (stdin)")?
    } else {
        input::read_file(Path::new(&args.body), MAX_BODY, what).context("--body")?
    };
    let ts = args.timestamp.unwrap_or_else(|| {
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        )
        .unwrap_or(0)
    });
    let mut payload = Payload::new(args.url.clone(), body, ts);
    payload.event_id = Some(args.event_id.clone());
    payload.event_type = Some(
        args.event_type
            .clone()
            .or_else(|| {
                args.scheme
                    .scheme()
                    .event_types
                    .first()
                    .map(|s| (*s).to_owned())
            })
            .unwrap_or_else(|| "test.event".into()),
    );
    payload.key_placement = match args.key_in {
        KeyIn::Header => KeyPlacement::Header,
        KeyIn::Query => KeyPlacement::Query,
    };
    let d = hookspec::sign::sign(args.scheme.scheme(), &key, &payload)?;
    let out = match args.format {
        SignFormat::Curl => hookspec::render::curl(&d)?,
        SignFormat::Http => hookspec::render::http(&d)?,
    };
    self::out(&out)?;
    Ok(0)
}

fn serve(args: ServeArgs) -> Result<u8> {
    use hookspec::receiver::{ReceiverConfig, TrustSource};
    let trust = match (args.scheme.scheme().credential, &args.key_server) {
        (CredentialKind::SharedSecret, Some(_)) => {
            bail!(
                "--key-server is for smartasset and cometh; `{}` uses a shared secret",
                args.scheme
            )
        }
        (CredentialKind::SharedSecret, None) => {
            let s = args.secret.read()?.ok_or_else(|| {
                anyhow!("scheme `{}` needs the shared secret: --secret, --secret-env NAME or --secret-file PATH", args.scheme)
            })?;
            TrustSource::Static(Trust::Secret(s))
        }
        (_, Some(url)) => TrustSource::key_server(url.clone()),
        (_, None) => {
            let k = signing_key(args.scheme, None, None)?;
            errln!("hookspec serve: trusting the TEST-ONLY key (no --key-server given)");
            TrustSource::Static(k.trust())
        }
    };
    let mut config = ReceiverConfig::new(args.scheme, trust);
    config.tolerance_s = args.tolerance;
    config.public_base_url = args.public_url.clone();
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        errln!(
            "hookspec serve: {} receiver on http://{addr}/ (effects: http://{addr}{}); Ctrl-C stops",
            args.scheme,
            hookspec::receiver::EFFECTS_PATH
        );
        hookspec::receiver::serve(listener, config, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, anyhow::Error>(0)
    })
}

/// `--output FILE`, opened before anything is sent so that a directory,
/// a missing directory or an unwritable path is exit 2 at once rather
/// than after the run. The file is opened for appending, which leaves an
/// existing report intact until the new one is ready; one the run created
/// and never wrote is removed again.
struct ReportFile {
    path: PathBuf,
    file: std::fs::File,
    created: bool,
    written: bool,
}

impl ReportFile {
    fn open(path: &Path) -> Result<Self> {
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

fn emit(
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

/// Reads `--expect-failures FILE` (bounded) and checks every id against
/// the cases this run could select: the catalogue built with the run's own
/// options (timing, tolerance, timeout), before `--filter`/`--exclude`.
fn load_baseline(path: &Path, config: &RunConfig) -> Result<Baseline> {
    let bytes = input::read_file(path, MAX_BASELINE_FILE, "an expected-failures list")
        .context("--expect-failures")?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("--expect-failures: {}: not UTF-8 text", path.display()))?;
    let baseline =
        Baseline::parse(&text).with_context(|| format!("--expect-failures {}", path.display()))?;
    let ids = |c: &RunConfig| -> std::collections::BTreeSet<String> {
        let mut every = c.clone();
        every.selection = Selection::default();
        every.cases().into_iter().map(|c| c.id).collect()
    };
    let all = ids(config);
    // Ids that only an option adds, for a message that names the option.
    let with_timing = if config.timing.is_none() {
        let mut timed = config.clone();
        timed.timing = Some(TimingRun {
            config: hookspec::timing::TimingConfig::default(),
            gate: false,
            in_process: false,
            progress: false,
        });
        ids(&timed)
    } else {
        Default::default()
    };
    for (id, _) in &baseline.entries {
        if all.contains(id) {
            continue;
        }
        if with_timing.contains(id) {
            bail!(
                "--expect-failures {}: `{id}` is a case only with --timing \
                 (add --timing to the run, or remove the line)",
                path.display()
            );
        }
        bail!(
            "--expect-failures {}: `{id}` is not a case of scheme `{}` (see --list)",
            path.display(),
            config.scheme
        );
    }
    Ok(baseline)
}

fn run(args: RunArgs) -> Result<u8> {
    let secret = args.secret.read()?;
    let mut r = Redactor::new();
    if let Some(s) = &secret {
        if s.len() < hookspec::redact::MIN_SECRET_LEN {
            bail!(
                "the secret is shorter than {} bytes: too short to be kept out of the reports (and too short for any receiver to accept)",
                hookspec::redact::MIN_SECRET_LEN
            );
        }
        r = r.secret(s);
    }
    for u in args.url.iter().chain(args.effects_url.iter()) {
        r = r.url(u);
    }
    let _ = REDACTOR.set(r);
    let needs_secret = args.scheme.scheme().credential == CredentialKind::SharedSecret;
    let mut config = if needs_secret && secret.is_none() && args.list {
        RunConfig::new(args.scheme, Some(b"listing-only".to_vec()))?
    } else {
        RunConfig::new(args.scheme, secret)?
    };
    // The numbers were range-checked when the arguments were parsed.
    if let Some(ms) = args.timeout_ms {
        config.timeout = Duration::from_millis(ms);
    }
    config.tolerance_s = args.tolerance;
    config.rotation_window = Duration::from_secs(args.rotation_window);
    if args.timing {
        let timing = hookspec::timing::TimingConfig::with_samples(args.timing_samples);
        timing.validate()?;
        config.timing = Some(TimingRun {
            config: timing,
            gate: args.timing_gate,
            in_process: false,
            progress: std::io::stderr().is_terminal(),
        });
    }
    let baseline = match &args.expect_failures {
        Some(p) => Some(load_baseline(p, &config)?),
        None => None,
    };
    config.selection = Selection {
        include: args.filter.clone(),
        exclude: args.exclude.clone(),
    };
    let cases = config.cases();
    if cases.is_empty() {
        bail!("--filter/--exclude select no case (see --list)");
    }
    let mut tls = TlsOptions {
        insecure: args.insecure,
        ..TlsOptions::default()
    };
    if let Some(p) = &args.ca_cert {
        tls = tls.with_ca_file(p).context("--ca-cert")?;
    }
    if args.list {
        for c in &cases {
            outln!("{:<6} {:<55} {}", c.level.as_str(), c.id, c.title)?;
        }
        return Ok(0);
    }
    let url = args
        .url
        .clone()
        .ok_or_else(|| anyhow!("--url is required"))?;
    let target = HttpTarget::new(&url, config.timeout, &tls)?;
    let effects = match &args.effects_url {
        Some(u) => Some(HttpTarget::new(u, config.timeout, &tls)?),
        None => None,
    };
    let mut output = args.output.as_deref().map(ReportFile::open).transpose()?;
    let rt = runtime()?;
    let report = rt.block_on(async {
        let key_server = match args.key_server_addr {
            Some(addr) if !needs_secret => Some(
                hookspec::keyserver::start_publishing(addr, &config.key)
                    .await
                    .with_context(|| format!("--key-server-addr {addr}"))?,
            ),
            Some(_) => bail!("--key-server-addr is for smartasset and cometh"),
            None => None,
        };
        let runner = Runner::new(&config, &target).with_services(
            effects.as_ref().map(|e| e as &dyn Target),
            key_server
                .as_ref()
                .map(|k| k.state().as_ref() as &dyn KeyPublisher),
        );
        Ok::<_, anyhow::Error>(runner.run().await)
    })?;
    let report = redactor().report(&report);
    if let Some(why) = &report.refused {
        // Nothing was sent: a configuration error, said as one.
        bail!("the run was refused before anything was sent: {why}");
    }
    emit(&report, args.format, args.strict, output.as_mut())?;
    let v = report::verdict(&report, args.strict, baseline.as_ref());
    if baseline.is_some() {
        for id in &v.newly_failing {
            errln!("newly failing (not in --expect-failures): {id}");
        }
        for id in &v.newly_passing {
            errln!("newly passing (remove it from --expect-failures): {id}");
        }
    }
    if let Some(why) = &report.unreachable {
        errln!("hookspec: the target could not be reached: {why}");
    }
    for why in &report.incomplete {
        errln!("hookspec: incomplete run: {why}");
    }
    Ok(v.exit_code)
}

fn vectors(dir: &Path) -> Result<u8> {
    if dir.exists() && !dir.is_dir() {
        bail!("--dir {}: exists and is not a directory", dir.display());
    }
    for p in hookspec::vectors::write_all(dir).context("--dir")? {
        outln!("{}", p.display())?;
    }
    Ok(0)
}

fn demo(scheme: &str, format: Format) -> Result<u8> {
    let schemes: Vec<SchemeId> = if scheme == "all" {
        SchemeId::ALL.to_vec()
    } else {
        vec![scheme.parse()?]
    };
    let rt = runtime()?;
    let mut worst = 0u8;
    for s in schemes {
        let report = rt.block_on(hookspec::demo::run_demo(s, |_| {}))?;
        emit(&report, format, true, None)?;
        worst = worst.max(report::verdict(&report, true, None).exit_code);
    }
    Ok(worst)
}
