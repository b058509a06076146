//! `cargo test` integration: the conformance cases as individual tests.
//!
//! Two ways, one runner:
//!
//! - **Linked**: your receiver (any `tower::Service` over `http` types, an
//!   `axum::Router` typically) is called in-process, no socket.
//! - **External URL**: with `HOOKSPEC_URL` (and `HOOKSPEC_SCHEME`,
//!   `HOOKSPEC_SECRET`, optionally `HOOKSPEC_EFFECTS_URL`,
//!   `HOOKSPEC_KEY_SERVER_ADDR`, `HOOKSPEC_STRICT=1`) set, the same cases run
//!   against a receiver over HTTP; without them the test shows as ignored,
//!   named after the variables to set.
//!
//! The recipe, in your crate's `Cargo.toml`:
//!
//! ```toml
//! [[test]]
//! name = "webhook_conformance"
//! harness = false
//! ```
//!
//! and `tests/webhook_conformance.rs`:
//!
//! ```no_run
//! use hookspec::testing::Suite;
//!
//! # fn my_router(_secret: &[u8]) -> axum::Router { axum::Router::new() }
//! fn main() {
//!     let linked = Suite::linked("certifylize", |env| my_router(env.secret()))
//!         .secret("test-secret")
//!         .effects_path("/_effects")
//!         .strict(true);
//!     hookspec::testing::main(vec![linked, Suite::from_env()]);
//! }
//! ```
//!
//! `cargo test --test webhook_conformance` then lists every case id as a
//! test (`cargo test --test webhook_conformance -- reject` filters), and a
//! failure prints what the receiver did and what it should have done.
//! The whole suite runs once, on the first test that needs it.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::cases::{Action, Build};
use crate::keyserver;
use crate::runner::{KeyPublisher, Outcome, RunConfig, RunReport, Runner};
use crate::scheme::{CredentialKind, SchemeId};
use crate::target::{HttpTarget, LinkedService, ServiceTarget, Target, TlsOptions};
use crate::Error;

/// The URL linked deliveries are addressed to (never contacted).
pub const LINKED_BASE: &str = "http://receiver.test";

/// What a linked service is built with.
#[derive(Debug, Clone)]
pub struct LinkedEnv {
    secret: Vec<u8>,
    key_server_url: Option<String>,
    timeout: Duration,
}

impl LinkedEnv {
    /// The shared secret the receiver must use (shared-secret schemes).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The provider key server the receiver must fetch keys from
    /// (`smartasset`, `cometh`): a loopback URL started for the run.
    pub fn key_server_url(&self) -> Option<&str> {
        self.key_server_url.as_deref()
    }
}

type Built = (Box<dyn Target>, Option<Box<dyn Target>>);
type Configure = Box<dyn FnOnce(&mut RunConfig) + Send>;
type Builder = Box<dyn FnOnce(&LinkedEnv) -> Result<Built, Error> + Send>;

enum Transport {
    Linked {
        scheme: SchemeId,
        build: Builder,
        effects_path: Option<String>,
    },
    Url {
        scheme: SchemeId,
        url: String,
        effects_url: Option<String>,
        key_server_addr: Option<std::net::SocketAddr>,
    },
    /// Not configured: every test is shown as ignored, with this reason.
    Ignored(Error),
    /// Misconfigured: one failing test with this error.
    Invalid(Error),
}

impl Transport {
    /// The scheme of a suite that can run.
    fn scheme(&self) -> Option<SchemeId> {
        match self {
            Transport::Linked { scheme, .. } | Transport::Url { scheme, .. } => Some(*scheme),
            Transport::Ignored(_) | Transport::Invalid(_) => None,
        }
    }
}

/// One scheme's conformance cases against one receiver, as tests.
pub struct Suite {
    label: &'static str,
    secret: Option<Vec<u8>>,
    strict: bool,
    path: String,
    transport: Transport,
    configure: Vec<Configure>,
}

impl std::fmt::Debug for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suite")
            .field("scheme", &self.transport.scheme())
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// A scheme to test: a [`SchemeId`], a known scheme id as text
/// (`"certifylize"`), or the path of a scheme file (docs/scheme-format.md),
/// which is loaded. A scheme that cannot be had makes the suite one failing
/// test that says why.
pub trait IntoScheme {
    /// The scheme, or why not.
    fn into_scheme(self) -> Result<SchemeId, Error>;
}

impl IntoScheme for SchemeId {
    fn into_scheme(self) -> Result<SchemeId, Error> {
        Ok(self)
    }
}

impl IntoScheme for &str {
    fn into_scheme(self) -> Result<SchemeId, Error> {
        self.parse()
    }
}

impl IntoScheme for &std::path::Path {
    fn into_scheme(self) -> Result<SchemeId, Error> {
        crate::describe::register_file(self)
    }
}

impl IntoScheme for &std::path::PathBuf {
    fn into_scheme(self) -> Result<SchemeId, Error> {
        crate::describe::register_file(self)
    }
}

impl Suite {
    /// A suite that cannot run: one failing test saying `why`.
    fn invalid(why: Error) -> Self {
        Suite {
            label: "",
            secret: None,
            strict: false,
            path: String::new(),
            transport: Transport::Invalid(why),
            configure: Vec::new(),
        }
    }

    /// A receiver linked in-process: `make` builds it (e.g. an
    /// `axum::Router`) from the secret and key-server URL it must use.
    pub fn linked<S: LinkedService>(
        scheme: impl IntoScheme,
        make: impl FnOnce(&LinkedEnv) -> S + Send + 'static,
    ) -> Self {
        let scheme = match scheme.into_scheme() {
            Ok(s) => s,
            Err(e) => return Suite::invalid(e),
        };
        let path = format!("/webhooks/{scheme}");
        let build: Builder = Box::new(move |env: &LinkedEnv| {
            let service = make(env);
            let target = ServiceTarget::new(service, &format!("{LINKED_BASE}/"), env.timeout)?;
            Ok((Box::new(target) as Box<dyn Target>, None))
        });
        Suite {
            label: "",
            secret: None,
            strict: false,
            path,
            transport: Transport::Linked {
                scheme,
                build,
                effects_path: None,
            },
            configure: Vec::new(),
        }
    }

    /// A receiver linked in-process, for the scheme described in the file
    /// at `path` (docs/scheme-format.md): [`Suite::linked`] with a scheme
    /// file.
    pub fn linked_with_scheme<S: LinkedService>(
        path: impl AsRef<std::path::Path>,
        make: impl FnOnce(&LinkedEnv) -> S + Send + 'static,
    ) -> Self {
        Suite::linked(path.as_ref(), make)
    }

    /// A receiver at `url`.
    pub fn url(scheme: impl IntoScheme, url: impl Into<String>) -> Self {
        let scheme = match scheme.into_scheme() {
            Ok(s) => s,
            Err(e) => return Suite::invalid(e),
        };
        Suite {
            label: "",
            secret: None,
            strict: false,
            path: String::new(),
            transport: Transport::Url {
                scheme,
                url: url.into(),
                effects_url: None,
                key_server_addr: None,
            },
            configure: Vec::new(),
        }
    }

    /// The receiver named by `HOOKSPEC_URL`, `HOOKSPEC_SCHEME`,
    /// `HOOKSPEC_SECRET`, `HOOKSPEC_EFFECTS_URL`, `HOOKSPEC_KEY_SERVER_ADDR`
    /// and `HOOKSPEC_STRICT`; ignored (with a message) when `HOOKSPEC_URL`
    /// is not set.
    pub fn from_env() -> Self {
        Suite::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// [`Suite::from_env`] with another source of variables.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let ignored = |why: Error| Suite {
            label: "external::",
            secret: None,
            strict: false,
            path: String::new(),
            transport: Transport::Ignored(why),
            configure: Vec::new(),
        };
        let Some(url) = var("HOOKSPEC_URL") else {
            return ignored(Error::ExternalReceiverNotConfigured);
        };
        let invalid = |why: Error| Suite {
            transport: Transport::Invalid(why),
            ..ignored(Error::ExternalReceiverNotConfigured)
        };
        let var_error = |name, source: Error| {
            invalid(Error::EnvVar {
                name,
                source: Box::new(source),
            })
        };
        let file = match var("HOOKSPEC_SCHEME_FILE") {
            Some(p) => match crate::describe::register_file(std::path::Path::new(&p)) {
                Ok(id) => Some(id),
                Err(e) => return var_error("HOOKSPEC_SCHEME_FILE", e),
            },
            None => None,
        };
        let scheme = match (var("HOOKSPEC_SCHEME").map(|s| s.parse::<SchemeId>()), file) {
            (Some(Ok(s)), Some(f)) if s != f => {
                return invalid(Error::ExternalSchemeMismatch {
                    named: s.to_string(),
                    file: f.to_string(),
                })
            }
            (Some(Ok(s)), _) | (None, Some(s)) => s,
            (Some(Err(e)), _) => return var_error("HOOKSPEC_SCHEME", e),
            (None, None) => return invalid(Error::ExternalSchemeNotNamed),
        };
        let key_server_addr = match var("HOOKSPEC_KEY_SERVER_ADDR").map(|a| a.parse()) {
            Some(Ok(a)) => Some(a),
            Some(Err(e)) => {
                return invalid(Error::EnvVar {
                    name: "HOOKSPEC_KEY_SERVER_ADDR",
                    source: Box::new(e),
                })
            }
            None => None,
        };
        let mut suite = Suite::url(scheme, url);
        suite.label = "external::";
        suite.secret = var("HOOKSPEC_SECRET").map(String::into_bytes);
        suite.strict = var("HOOKSPEC_STRICT").is_some_and(|v| v == "1" || v == "true");
        if let Transport::Url {
            effects_url,
            key_server_addr: ks,
            ..
        } = &mut suite.transport
        {
            *effects_url = var("HOOKSPEC_EFFECTS_URL");
            *ks = key_server_addr;
        }
        suite
    }

    /// The shared secret (HMAC and API-key schemes).
    pub fn secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// SHOULD failures fail their tests too.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Linked: the path of the webhook route (default `/webhooks/<scheme>`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Linked: the path of the effects oracle in the same service.
    /// URL: the oracle's URL.
    pub fn effects_path(mut self, p: impl Into<String>) -> Self {
        let p = p.into();
        match &mut self.transport {
            Transport::Linked { effects_path, .. } => *effects_path = Some(p),
            Transport::Url { effects_url, .. } => *effects_url = Some(p),
            _ => {}
        }
        self
    }

    /// Adds the timing case (docs/spec.md §3.9) with `samples` pairs. Linked in-process,
    /// it gates (MUST): nanosecond differences are measurable there. Over a
    /// URL it is advisory (MAY).
    pub fn timing(self, samples: usize) -> Self {
        let in_process = matches!(self.transport, Transport::Linked { .. });
        self.configure(move |c| {
            c.timing = Some(crate::runner::TimingRun {
                config: crate::timing::TimingConfig::with_samples(samples),
                gate: in_process,
                in_process,
                progress: false,
            });
        })
    }

    /// Adjusts the run (timeouts, selection, rotation window, …).
    pub fn configure(mut self, f: impl FnOnce(&mut RunConfig) + Send + 'static) -> Self {
        self.configure.push(Box::new(f));
        self
    }

    fn run_config(&mut self, scheme: SchemeId) -> Result<RunConfig, Error> {
        let secret = match (&self.secret, scheme.scheme().credential) {
            (Some(s), _) => Some(s.clone()),
            (None, CredentialKind::SharedSecret) => {
                return Err(Error::MissingSecret {
                    scheme: scheme.to_string(),
                    give_with: "Suite::secret or HOOKSPEC_SECRET",
                })
            }
            (None, _) => None,
        };
        if secret
            .as_ref()
            .is_some_and(|s| s.len() < crate::redact::MIN_SECRET_LEN)
        {
            return Err(Error::SecretTooShort {
                min: crate::redact::MIN_SECRET_LEN,
            });
        }
        let mut config = RunConfig::new(scheme, secret)?;
        for f in self.configure.drain(..) {
            f(&mut config);
        }
        if matches!(self.transport, Transport::Linked { .. }) {
            // Not applicable in-process (`http::HeaderMap` has no letter
            // case): left out of the run, listed as an ignored trial.
            config.selection.exclude.push(OVER_HTTP_ONLY.to_owned());
        }
        Ok(config)
    }

    /// Runs the whole suite now and returns the report (what the tests of
    /// [`Suite::trials`] are judged from).
    pub fn run_blocking(mut self) -> Result<RunReport, Error> {
        // A suite that cannot run says why.
        let scheme = match self.transport {
            Transport::Linked { scheme, .. } | Transport::Url { scheme, .. } => scheme,
            Transport::Ignored(why) | Transport::Invalid(why) => return Err(why),
        };
        let config = self.run_config(scheme)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|source| Error::Runtime { source })?;
        let transport = std::mem::replace(
            &mut self.transport,
            Transport::Ignored(Error::ExternalReceiverNotConfigured),
        );
        let path = self.path.clone();
        rt.block_on(async move {
            let asymmetric = config.scheme.scheme().credential != CredentialKind::SharedSecret;
            match transport {
                Transport::Linked {
                    build,
                    effects_path,
                    ..
                } => {
                    let ks = if asymmetric {
                        Some(
                            keyserver::start_publishing(
                                crate::demo::loopback_any(),
                                config.scheme.scheme(),
                                &config.key,
                            )
                            .await?,
                        )
                    } else {
                        None
                    };
                    let env = LinkedEnv {
                        secret: match &config.key {
                            crate::keys::SigningKey::Secret(s) => s.clone(),
                            _ => Vec::new(),
                        },
                        key_server_url: ks.as_ref().map(keyserver::KeyServerHandle::base_url),
                        timeout: config.timeout,
                    };
                    let (base, _) = build(&env)?;
                    let target = Retarget::new(base, &format!("{LINKED_BASE}{path}"));
                    let effects = effects_path
                        .map(|p| Retarget::new_shared(&target, &format!("{LINKED_BASE}{p}")));
                    Ok(run_against(&config, &target, effects.as_ref(), ks.as_ref()).await)
                }
                Transport::Url {
                    url,
                    effects_url,
                    key_server_addr,
                    ..
                } => {
                    let target = HttpTarget::new(&url, config.timeout, &TlsOptions::default())?;
                    let effects = match effects_url {
                        Some(u) => {
                            Some(HttpTarget::new(&u, config.timeout, &TlsOptions::default())?)
                        }
                        None => None,
                    };
                    let ks = match key_server_addr {
                        Some(addr) if asymmetric => Some(
                            keyserver::start_publishing(addr, config.scheme.scheme(), &config.key)
                                .await?,
                        ),
                        _ => None,
                    };
                    Ok(run_against(&config, &target, effects.as_ref(), ks.as_ref()).await)
                }
                // Returned above.
                Transport::Ignored(why) | Transport::Invalid(why) => Err(why),
            }
        })
    }

    /// The cases as `libtest-mimic` trials, one per case id.
    pub fn trials(mut self) -> Vec<Trial> {
        let scheme = match &self.transport {
            Transport::Linked { scheme, .. } | Transport::Url { scheme, .. } => *scheme,
            Transport::Ignored(why) => {
                eprintln!("hookspec: external receiver tests ignored: {why}");
                return vec![Trial::test(
                    format!("hookspec::external_receiver ({why})"),
                    || Ok(()),
                )
                .with_ignored_flag(true)];
            }
            Transport::Invalid(why) => {
                let why = why.to_string();
                return vec![Trial::test(
                    format!("{}hookspec::configuration", self.label),
                    move || Err(why.into()),
                )];
            }
        };
        let config = match self.run_config(scheme) {
            Ok(c) => c,
            Err(e) => {
                let msg = e.to_string();
                return vec![Trial::test(
                    format!("{}hookspec::configuration", self.label),
                    move || Err(msg.clone().into()),
                )];
            }
        };
        let has_oracle = match &self.transport {
            Transport::Linked { effects_path, .. } => effects_path.is_some(),
            Transport::Url { effects_url, .. } => effects_url.is_some(),
            _ => false,
        };
        let has_keys = match &self.transport {
            Transport::Linked { .. } => true,
            Transport::Url {
                key_server_addr, ..
            } => key_server_addr.is_some(),
            _ => false,
        };
        let in_process = matches!(self.transport, Transport::Linked { .. });
        let strict = self.strict;
        let label = self.label;
        // Every case is listed, the ones left out in-process as ignored.
        let mut listed = config.clone();
        if in_process {
            listed.selection.exclude.pop();
        }
        let cases = listed.cases();
        // Restore the configuration steps consumed by run_config: the run
        // happens later, in the first trial.
        let config_for_run = config.clone();
        self.configure = vec![Box::new(move |c: &mut RunConfig| *c = config_for_run)];
        let shared = Arc::new(Shared {
            suite: Mutex::new(Some(self)),
            report: OnceLock::new(),
        });
        cases
            .into_iter()
            .map(|case| {
                let needs = match case.action {
                    Action::Duplicate { .. } | Action::Redelivery | Action::LowerBlockIgnored
                        if !has_oracle =>
                    {
                        Some("needs the effects oracle")
                    }
                    Action::Rotation(_) if !has_keys => Some("needs the key server"),
                    Action::Single {
                        build: Build::TitleCaseNames,
                        ..
                    } if in_process => Some("header names have no letter case in-process"),
                    _ => None,
                };
                let id = case.id.clone();
                let shared = shared.clone();
                let trial = Trial::test(format!("{label}{}", case.id), move || {
                    shared.judge(&id, strict)
                });
                match needs {
                    Some(why) => trial.with_ignored_flag(true).with_kind(why),
                    None => trial.with_kind(case.level.as_str()),
                }
            })
            .collect()
    }
}

/// The cases a linked (in-process) suite leaves out: header names have no
/// letter case in `http::HeaderMap`.
const OVER_HTTP_ONLY: &str = ".accept.header-names-title-case";

/// A target that sends through another one, addressed at another URL.
struct Retarget {
    inner: Arc<dyn Target>,
    url: String,
}

impl Retarget {
    fn new(inner: Box<dyn Target>, url: &str) -> Self {
        Retarget {
            inner: Arc::from(inner),
            url: url.to_owned(),
        }
    }

    fn new_shared(other: &Retarget, url: &str) -> Self {
        Retarget {
            inner: other.inner.clone(),
            url: url.to_owned(),
        }
    }
}

impl Target for Retarget {
    fn send_with<'a>(
        &'a self,
        delivery: &'a crate::Delivery,
        options: crate::target::SendOptions,
    ) -> crate::target::SendFuture<'a> {
        self.inner.send_with(delivery, options)
    }

    fn url(&self) -> &str {
        &self.url
    }

    fn spells_header_names(&self) -> bool {
        self.inner.spells_header_names()
    }
}

struct Shared {
    suite: Mutex<Option<Suite>>,
    report: OnceLock<Result<RunReport, String>>,
}

impl Shared {
    fn judge(&self, id: &str, strict: bool) -> Result<(), Failed> {
        let report = self.report.get_or_init(|| {
            let suite = self.suite.lock().map_err(|_| "poisoned".to_owned())?.take();
            match suite {
                Some(s) => {
                    // Every text a test prints passes the redaction layer.
                    let mut redactor = crate::redact::Redactor::new();
                    if let Some(secret) = &s.secret {
                        redactor = redactor.secret(secret);
                    }
                    if let Transport::Url {
                        url, effects_url, ..
                    } = &s.transport
                    {
                        redactor = redactor.url(url);
                        if let Some(e) = effects_url {
                            redactor = redactor.url(e);
                        }
                    }
                    s.run_blocking()
                        .map(|r| redactor.report(&r))
                        .map_err(|e| redactor.text(&e.to_string()))
                }
                None => Err("the suite already ran".into()),
            }
        });
        let report = report
            .as_ref()
            .map_err(|e| format!("hookspec could not run: {e}"))?;
        if let Some(why) = &report.refused {
            return Err(format!("hookspec refused to run: {why}").into());
        }
        if let Some(why) = &report.unreachable {
            return Err(format!("the receiver could not be reached: {why}").into());
        }
        if !report.incomplete.is_empty() {
            // The run did not judge everything: no case of it is a pass.
            return Err(format!("the run is incomplete: {}", report.incomplete.join("; ")).into());
        }
        let Some(r) = report.results.iter().find(|r| r.case.id == id) else {
            return Err(format!("case {id} did not run").into());
        };
        let explain = || {
            let mut s = format!("{}\n  case: {}\n", r.detail, r.case.title);
            for c in r.checks.iter().filter(|c| c.passed == Some(false)) {
                s.push_str(&format!(
                    "  expect [{}]: {}\n  actual [{}]: {}\n",
                    c.part.as_str(),
                    c.expected,
                    c.part.as_str(),
                    c.actual
                ));
            }
            s.push_str(&format!("  ref: {}", r.case.reference));
            s
        };
        match r.outcome {
            Outcome::Pass => Ok(()),
            Outcome::Fail => Err(explain().into()),
            Outcome::Warn if strict => Err(format!("(SHOULD, strict) {}", explain()).into()),
            Outcome::Warn => {
                eprintln!("warning: {id} (SHOULD): {}", r.detail);
                Ok(())
            }
            Outcome::Skip => Err(format!("could not be checked: {}", r.detail).into()),
        }
    }
}

/// Runs the suites' trials as the test binary's `main` (a `[[test]]`
/// target with `harness = false`) and exits with the test result.
pub fn main(suites: Vec<Suite>) -> ! {
    let args = Arguments::from_args();
    let trials: Vec<Trial> = suites.into_iter().flat_map(Suite::trials).collect();
    libtest_mimic::run(&args, trials).exit()
}

/// What a plain verification function under test is told besides the
/// request: the keys of the vector's group and the receiver's clock.
#[derive(Debug, Clone, Copy)]
pub struct VectorContext<'a> {
    /// The scheme.
    pub scheme: SchemeId,
    /// The vector's group: `secret`, `public_keys` (hex Ed25519) or
    /// `public_key_pem` (RSA SPKI).
    pub group: &'a crate::vectors::TestGroup,
    /// The receiver's clock, unix seconds.
    pub now: i64,
    /// The accepted timestamp difference, seconds.
    pub tolerance_s: u64,
}

/// A verification function under test: `true` accepts the request.
pub trait VerifyFn:
    Fn(&VectorContext<'_>, &http::Request<bytes::Bytes>) -> bool + Send + Sync + 'static
{
}
impl<F> VerifyFn for F where
    F: Fn(&VectorContext<'_>, &http::Request<bytes::Bytes>) -> bool + Send + Sync + 'static
{
}

/// One run of `config` against `target`, with the optional effects endpoint
/// and key server (both transports of [`Suite::run_blocking`] end here).
async fn run_against<E: Target>(
    config: &RunConfig,
    target: &dyn Target,
    effects: Option<&E>,
    key_server: Option<&keyserver::KeyServerHandle>,
) -> RunReport {
    Runner::new(config, target)
        .with_services(
            effects.map(|e| e as &dyn Target),
            key_server.map(|k| k.state().as_ref() as &dyn KeyPublisher),
        )
        .run()
        .await
}

/// Judges `verify` on one vector: `Err` explains a disagreement and prints
/// the whole vector.
pub fn check_vector(
    scheme: SchemeId,
    group: &crate::vectors::TestGroup,
    test: &crate::vectors::VectorTest,
    verify: &dyn Fn(&VectorContext<'_>, &http::Request<bytes::Bytes>) -> bool,
) -> Result<(), String> {
    use crate::vectors::Expected;
    let delivery = test.delivery().map_err(|e| e.to_string())?;
    let req = crate::target::http_request::<bytes::Bytes>(&delivery).map_err(|e| e.to_string())?;
    let policy = group.policy(test);
    let ctx = VectorContext {
        scheme,
        group,
        now: policy.now,
        tolerance_s: policy.tolerance_s,
    };
    let accepted = verify(&ctx, &req);
    let ok = match test.result {
        Expected::Valid => accepted,
        Expected::Invalid => !accepted,
        Expected::Acceptable => true,
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "{} a `{:?}` vector:\n{}",
        if accepted { "accepted" } else { "rejected" },
        test.result,
        serde_json::to_string_pretty(test).unwrap_or_default()
    ))
}

/// The portable vectors of `scheme` as tests of a plain verification
/// function (`true` = accept): `valid` vectors must be accepted, `invalid`
/// ones rejected, `acceptable` ones may go either way. One test per vector,
/// named `<scheme>::tc<N>_<comment>`; a failure prints the whole vector.
pub fn vector_trials(scheme: impl IntoScheme, verify: impl VerifyFn) -> Vec<Trial> {
    let scheme = match scheme.into_scheme() {
        Ok(s) => s,
        Err(e) => {
            let msg = e.to_string();
            return vec![Trial::test("vectors", move || Err(msg.clone().into()))];
        }
    };
    let file = match crate::vectors::generate(scheme) {
        Ok(f) => f,
        Err(e) => {
            let msg = e.to_string();
            return vec![Trial::test(format!("{scheme}::vectors"), move || {
                Err(msg.clone().into())
            })];
        }
    };
    let verify = Arc::new(verify);
    file.tests()
        .map(|(group, test)| {
            let (group, test) = (group.clone(), test.clone());
            let verify = verify.clone();
            Trial::test(format!("{scheme}::{}", test.name()), move || {
                check_vector(scheme, &group, &test, &*verify).map_err(Failed::from)
            })
        })
        .collect()
}
