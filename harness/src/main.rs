//! The `hookspec` command line: argument parsing over the library.
//!
//! Exit codes (CONFORMANCE.md §4): 0 every MUST case passed (with
//! `--strict`, every SHOULD too); 1 a case failed; 2 usage or configuration
//! error; 3 the target could not be reached.

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use hookspec::keys::test_keys::TestKey;
use hookspec::keys::{SigningKey, Trust};
use hookspec::redact::Redactor;
use hookspec::report::{self, Baseline, EXIT_USAGE};
use hookspec::runner::{KeyPublisher, RunConfig, Runner, Selection};
use hookspec::scheme::{CredentialKind, SchemeId};
use hookspec::sign::{KeyPlacement, Payload};
use hookspec::target::{HttpTarget, Target, TlsOptions};

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
    Schemes,
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
        /// Where to write `<scheme>.json`.
        #[arg(long, default_value = "vectors")]
        dir: PathBuf,
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
    /// Read the shared secret from this file (one trailing newline is ignored).
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
            let mut v =
                std::fs::read(path).with_context(|| format!("--secret-file {}", path.display()))?;
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
    /// Private key PEM (PKCS#8) for asymmetric schemes; default: the test key.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    /// The body (for smartasset: the event), a file or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    body: String,
    /// Event id for schemes that carry it in a header (certifylize).
    #[arg(long, default_value = "dlv_hookspec_1")]
    event_id: String,
    /// Event type for schemes that carry it in a header (certifylize).
    #[arg(long)]
    event_type: Option<String>,
    /// Unix timestamp to sign (blink-signature); default: now.
    #[arg(long)]
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
    /// Timestamp window in seconds (blink-signature).
    #[arg(long, default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S)]
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
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Per-request timeout in ms; default: the sender timeout of the scheme.
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Timestamp window in seconds (blink-signature).
    #[arg(long, default_value_t = hookspec::verify::DEFAULT_TOLERANCE_S)]
    tolerance: u64,
    /// How long a key rotation is retried before judging, in seconds.
    #[arg(long, default_value_t = 10)]
    rotation_window: u64,
    /// Run only the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    filter: Vec<String>,
    /// Skip the cases matching (glob `*`, or substring); repeatable.
    #[arg(long, value_name = "PATTERN")]
    exclude: Vec<String>,
    /// Known failures: `<case id>  # reason` per line. The run passes when
    /// exactly these fail.
    #[arg(long, value_name = "FILE")]
    expect_failures: Option<PathBuf>,
    /// Print the selected cases without sending anything.
    #[arg(long)]
    list: bool,
    /// Also run the timing check (§3.9): thousands of forged deliveries,
    /// first-byte-wrong vs last-byte-wrong, interleaved. Advisory over a
    /// network unless --timing-gate.
    #[arg(long)]
    timing: bool,
    /// Pairs of timing samples (after warm-up).
    #[arg(long, value_name = "N", default_value_t = hookspec::timing::TimingConfig::default().samples, requires = "timing")]
    timing_samples: usize,
    /// A detected timing leak fails the run (MUST instead of advisory MAY).
    #[arg(long, requires = "timing")]
    timing_gate: bool,
    /// Trust this CA certificate (PEM) for https:// targets.
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
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hookspec: error: {}", redactor().text(&format!("{e:#}")));
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
        Command::Schemes => {
            for s in hookspec::scheme::SCHEMES {
                println!("{:<16} {}", s.id, s.summary);
            }
            Ok(0)
        }
        Command::Keys { scheme, format } => keys(scheme, format),
        Command::Sign(args) => sign(args),
        Command::Serve(args) => serve(args),
        Command::Run(args) => run(args),
        Command::Demo { scheme, format } => demo(&scheme, format),
        Command::Vectors { dir } => {
            for p in hookspec::vectors::write_all(&dir)? {
                println!("{}", p.display());
            }
            Ok(0)
        }
    }
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
        KeyFormat::Pem => print!("{}", k.public_pem()),
        KeyFormat::Hex => {
            let key = k.signing_key()?;
            let hex = hookspec::keys::test_keys::ed25519_hex(&key)
                .ok_or_else(|| anyhow!("--format hex is for Ed25519 keys; use --format pem"))?;
            println!("{hex}");
        }
    }
    eprintln!(
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
                    let pem = std::fs::read_to_string(p)
                        .with_context(|| format!("--key-file {}", p.display()))?;
                    SigningKey::from_pkcs8_pem(&pem)?
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
    let mut body = Vec::new();
    if args.body == "-" {
        std::io::stdin()
            .read_to_end(&mut body)
            .context("reading the body from stdin")?;
    } else {
        body = std::fs::read(&args.body).with_context(|| format!("--body {}", args.body))?;
    }
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
    std::io::stdout()
        .write_all(&out)
        .context("writing stdout")?;
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
            eprintln!("hookspec serve: trusting the TEST-ONLY key (no --key-server given)");
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
        eprintln!(
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

fn emit(
    report: &hookspec::runner::RunReport,
    format: Format,
    strict: bool,
    output: Option<&PathBuf>,
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
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("--output {}", p.display()))?;
            let s = report::Summary::of(report);
            eprintln!(
                "{}: {} passed, {} failed, {} warned, {} skipped; report in {}",
                report.scheme,
                s.passed,
                s.failed,
                s.warned,
                s.skipped,
                p.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
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
    if let Some(ms) = args.timeout_ms {
        if ms == 0 {
            bail!("--timeout-ms must be positive");
        }
        config.timeout = Duration::from_millis(ms);
    }
    config.tolerance_s = args.tolerance;
    config.rotation_window = Duration::from_secs(args.rotation_window);
    config.selection = Selection {
        include: args.filter.clone(),
        exclude: args.exclude.clone(),
    };
    if args.timing {
        let timing = hookspec::timing::TimingConfig::with_samples(args.timing_samples);
        timing.validate()?;
        config.timing = Some(hookspec::runner::TimingRun {
            config: timing,
            gate: args.timing_gate,
            in_process: false,
            progress: std::io::stderr().is_terminal(),
        });
    }
    let baseline = match &args.expect_failures {
        Some(p) => {
            let b = Baseline::load(p)?;
            let all: Vec<String> =
                hookspec::cases::catalogue(args.scheme.scheme(), &Default::default())
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
            for (id, _) in &b.entries {
                if !all.contains(id) {
                    bail!(
                        "--expect-failures: `{id}` is not a case of scheme `{}` (see --list)",
                        args.scheme
                    );
                }
            }
            Some(b)
        }
        None => None,
    };
    let cases = config.cases();
    if cases.is_empty() {
        bail!("--filter/--exclude select no case (see --list)");
    }
    if args.list {
        for c in &cases {
            println!("{:<6} {:<55} {}", c.level.as_str(), c.id, c.title);
        }
        return Ok(0);
    }
    let url = args
        .url
        .clone()
        .ok_or_else(|| anyhow!("--url is required"))?;
    let mut tls = TlsOptions {
        insecure: args.insecure,
        ..TlsOptions::default()
    };
    if let Some(p) = &args.ca_cert {
        tls = tls.with_ca_file(p)?;
    }
    let target = HttpTarget::new(&url, config.timeout, &tls)?;
    let effects = match &args.effects_url {
        Some(u) => Some(HttpTarget::new(u, config.timeout, &tls)?),
        None => None,
    };
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
        bail!("--effects-url: {why}");
    }
    emit(&report, args.format, args.strict, args.output.as_ref())?;
    let v = report::verdict(&report, args.strict, baseline.as_ref());
    if baseline.is_some() {
        for id in &v.newly_failing {
            eprintln!("newly failing (not in --expect-failures): {id}");
        }
        for id in &v.newly_passing {
            eprintln!("newly passing (remove it from --expect-failures): {id}");
        }
    }
    if let Some(why) = &report.unreachable {
        eprintln!("hookspec: the target could not be reached: {why}");
    }
    for why in &report.incomplete {
        eprintln!("hookspec: incomplete run: {why}");
    }
    Ok(v.exit_code)
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
