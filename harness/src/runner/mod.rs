//! The runner: sends every selected case to a [`Target`] and judges the
//! answers.
//!
//! A case's verdict is made of separate [`Check`]s (the status answered,
//! the body of an echo, the side effect seen through the effects oracle,
//! the latency), so a reader sees which part failed. Side effects are read
//! once at the end of the run, after a short settle time for receivers that
//! process asynchronously.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::cases::{self, Action, Build, BuildContext, Case, CatalogueOptions, Expect};
use crate::delivery::Delivery;
use crate::keys::RoleKeys;
use crate::keys::SigningKey;
use crate::payload::{BodyKind, EventFactory};
use crate::scheme::{CredentialKind, Level, Scheme, SchemeId};
use crate::sign;
use crate::target::{Response, Target, TransportError};
use crate::Error;

mod echo;
mod effects;
pub mod exchange;
mod handshake;
mod judge;
mod rotation;
mod timing_case;

use echo::{echo_delivery, fresh_nonce};
pub use effects::ORACLE_BODY_LIMIT;
use effects::{read_oracle, EffectRule, Pending};
use judge::{all_accepted, diagnose, finish, judge_status, ms, snippet, RAW_BODY_HINT};

/// Publishes the provider's public keys during a run (the key server).
pub trait KeyPublisher: Send + Sync {
    /// Makes exactly these keys the published set.
    fn publish(&self, keys: &[&SigningKey]) -> Result<(), Error>;
}

/// Which cases run: glob patterns (`*` matches any run of characters; a
/// pattern without `*` matches as a substring).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// A case runs only if it matches one of these (all run when empty).
    pub include: Vec<String>,
    /// A case never runs if it matches one of these.
    pub exclude: Vec<String>,
}

impl Selection {
    /// Whether the case id is selected.
    pub fn selects(&self, id: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| glob_match(p, id)))
            && !self.exclude.iter().any(|p| glob_match(p, id))
    }
}

/// `*`-glob matching; a pattern without `*` matches as a substring.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return text.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = rest.get(pos + part.len()..).unwrap_or_default(),
                None => return false,
            }
        }
    }
    true
}

/// Everything a run needs besides its transports.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The scheme under test.
    pub scheme: SchemeId,
    /// The key the receiver trusts (secret, or the published key).
    pub key: SigningKey,
    /// A key the receiver must not trust.
    pub wrong_key: SigningKey,
    /// The key a rotation publishes (asymmetric schemes).
    pub rotation_key: Option<SigningKey>,
    /// Per-request timeout: the sender's timeout.
    pub timeout: Duration,
    /// The timestamp window, seconds.
    pub tolerance_s: u64,
    /// How long a rejected delivery is retried after a key change.
    pub rotation_window: Duration,
    /// How long to wait for asynchronous side effects to show in the oracle.
    pub settle: Duration,
    /// Which cases run.
    pub selection: Selection,
    /// The timing check (docs/spec.md §3.9), when asked for.
    pub timing: Option<TimingRun>,
}

/// How the timing check runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingRun {
    /// Samples, statistics, seed.
    pub config: crate::timing::TimingConfig,
    /// Whether a leak fails the run (`MUST`); otherwise it is advisory
    /// (`MAY`: reported, exit code unaffected, even with `--strict`).
    pub gate: bool,
    /// Whether the target is linked in-process (nanosecond resolution) or
    /// reached over a network (a coarse detector).
    pub in_process: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

impl RunConfig {
    /// The configuration for `scheme` with the vendor's defaults. Shared
    /// secret schemes need `secret`; asymmetric schemes sign with the
    /// checked-in test keys, which the receiver must trust while tested.
    pub fn new(scheme: SchemeId, secret: Option<Vec<u8>>) -> Result<Self, Error> {
        let s = scheme.scheme();
        let (key, wrong_key, rotation_key) = match s.credential {
            CredentialKind::SharedSecret => {
                let secret = secret.ok_or_else(|| Error::MissingSecret {
                    scheme: scheme.to_string(),
                    give_with: "--secret, --secret-env or --secret-file",
                })?;
                if secret.is_empty() {
                    return Err(Error::EmptySecret);
                }
                let key = s.shared_key(&secret)?;
                let mut wrong = key.clone();
                wrong.extend_from_slice(b"-not-the-secret");
                (SigningKey::Secret(key), SigningKey::Secret(wrong), None)
            }
            CredentialKind::Ed25519PublicKeys | CredentialKind::RsaPublicKey => {
                let k = RoleKeys::of(s)?;
                (k.signing, k.unknown, k.rotation)
            }
        };
        Ok(RunConfig {
            scheme,
            key,
            wrong_key,
            rotation_key,
            timeout: Duration::from_millis(s.sender_timeout_ms),
            tolerance_s: crate::verify::DEFAULT_TOLERANCE_S,
            rotation_window: Duration::from_secs(10),
            settle: Duration::from_secs(2),
            selection: Selection::default(),
            timing: None,
        })
    }

    /// Checks every setting against its bounds ([`MAX_TIMEOUT_MS`],
    /// [`MIN_TOLERANCE_S`]..=[`MAX_TOLERANCE_S`], [`MAX_ROTATION_WINDOW_S`],
    /// [`MAX_SETTLE_S`], the timing samples), so that no arithmetic on
    /// instants or timestamps can overflow and no allocation is sized by an
    /// unbounded number. [`Runner::run`] refuses a configuration that
    /// fails this; the command line checks the same bounds when it parses.
    pub fn validate(&self) -> Result<(), Error> {
        let check = |what: &'static str, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(Error::OutOfRange {
                    what,
                    value,
                    min,
                    max,
                })
            }
        };
        let ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
        check("--timeout-ms", ms, 1, MAX_TIMEOUT_MS)?;
        check(
            "--tolerance",
            self.tolerance_s,
            MIN_TOLERANCE_S,
            MAX_TOLERANCE_S,
        )?;
        check(
            "--rotation-window",
            self.rotation_window.as_secs(),
            0,
            MAX_ROTATION_WINDOW_S,
        )?;
        check("settle (seconds)", self.settle.as_secs(), 0, MAX_SETTLE_S)?;
        if let Some(t) = &self.timing {
            t.config.validate()?;
        }
        Ok(())
    }

    /// The selected cases, in run order.
    pub fn cases(&self) -> Vec<Case> {
        let opts = CatalogueOptions {
            tolerance_s: self.tolerance_s,
            timing: self
                .timing
                .as_ref()
                .map(|t| if t.gate { Level::Must } else { Level::May }),
            timeout: self.timeout,
        };
        cases::catalogue(self.scheme.scheme(), &opts)
            .into_iter()
            .filter(|c| self.selection.selects(&c.id))
            .collect()
    }
}

/// The longest per-request timeout, in ms: ten minutes; no sender waits
/// longer.
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// The widest timestamp window, in seconds: one year. Far beyond any real
/// window, and small enough that no timestamp arithmetic on it (now ±
/// window ± margin) can overflow.
pub const MAX_TOLERANCE_S: u64 = 31_536_000;
/// The narrowest timestamp window a run accepts: the freshness cases send
/// timestamps 2 s inside and 2 s outside the window.
pub const MIN_TOLERANCE_S: u64 = 3;
/// The longest rotation window, in seconds: an hour (default 10 s).
pub const MAX_ROTATION_WINDOW_S: u64 = 3600;
/// The longest settle time for asynchronous side effects, in seconds.
pub const MAX_SETTLE_S: u64 = 600;

/// A case's final verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Every check passed.
    Pass,
    /// A MUST check failed.
    Fail,
    /// A SHOULD or MAY check failed (a failure with `--strict`).
    Warn,
    /// A required check could not be made; the detail says why.
    Skip,
}

impl Outcome {
    /// `PASS`, `FAIL`, `WARN` or `SKIP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Warn => "WARN",
            Outcome::Skip => "SKIP",
        }
    }
}

/// Which part of the receiver's behaviour a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The status code (or the absence of an answer).
    Status,
    /// The response body.
    Body,
    /// The side effect, through the effects oracle.
    Effect,
    /// The time to answer.
    Latency,
    /// Whether the time to reject depends on the proof.
    Timing,
}

impl Part {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Status => "status",
            Part::Body => "body",
            Part::Effect => "effect",
            Part::Latency => "latency",
            Part::Timing => "timing",
        }
    }
}

/// One part of a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked.
    pub part: Part,
    /// `Some(true)` passed, `Some(false)` failed, `None` not checked.
    pub passed: Option<bool>,
    /// What a correct receiver does.
    pub expected: String,
    /// What this receiver did (or why it was not checked).
    pub actual: String,
    /// Whether the case cannot pass without this check.
    pub required: bool,
}

/// The verdict on one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// The verdict.
    pub outcome: Outcome,
    /// One line: why it failed, was skipped, or a note on a pass.
    pub detail: String,
    /// The parts of the verdict.
    pub checks: Vec<Check>,
    /// The slowest answer in this case.
    pub latency: Option<Duration>,
    /// The statistics of a timing case.
    pub timing: Option<crate::timing::TimingReport>,
    /// What the case sent and what came back (the first
    /// [`exchange::MAX_EXCHANGES`]).
    pub exchanges: Vec<exchange::Exchange>,
    /// Exchanges of this case beyond those kept.
    pub exchanges_omitted: usize,
}

/// Latency over every answer of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LatencyStats {
    /// Answers measured.
    pub count: usize,
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// Slowest.
    pub max: Duration,
}

impl LatencyStats {
    /// Nearest-rank percentiles of `samples`.
    pub fn from_samples(samples: &[Duration]) -> Self {
        let mut s = samples.to_vec();
        s.sort_unstable();
        let rank = |p: f64| -> Duration {
            if s.is_empty() {
                return Duration::ZERO;
            }
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let idx = ((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1;
            s.get(idx).copied().unwrap_or_default()
        };
        LatencyStats {
            count: s.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            max: s.last().copied().unwrap_or_default(),
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// The scheme.
    pub scheme: SchemeId,
    /// The webhook URL.
    pub target: String,
    /// One verdict per selected case, in run order.
    pub results: Vec<CaseResult>,
    /// Latency over every answer.
    pub latency: LatencyStats,
    /// Set when the target could not be reached at all (the run stopped).
    pub unreachable: Option<String>,
    /// Set when a service the run was given (the effects oracle) could not
    /// be used before anything was sent: nothing was sent, and the run is a
    /// configuration error.
    pub refused: Option<String>,
    /// What kept this run from judging everything it was asked to judge
    /// (the receiver stopped answering and the run stopped early; the
    /// effects oracle failed during the run; the timing check could not
    /// measure). A run with any of these fails, whatever its cases say.
    pub incomplete: Vec<String>,
    /// Said once, at the top of a report: a pattern across cases that
    /// points at the setup rather than at each case (every valid delivery
    /// refused the same way).
    pub diagnosis: Option<String>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// The suite's failure budget: this many deliveries in a row without an
/// answer (timeout, connection failure) stop the run, since every further
/// one would cost a full timeout too.
pub const MAX_CONSECUTIVE_NO_ANSWER: usize = 5;

/// The transports and services a run uses.
pub struct Runner<'a> {
    config: &'a RunConfig,
    target: &'a dyn Target,
    effects: Option<&'a dyn Target>,
    keys: Option<&'a dyn KeyPublisher>,
}

impl std::fmt::Debug for Runner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("scheme", &self.config.scheme)
            .field("target", &self.target.url())
            .field("effects", &self.effects.map(|e| e.url().to_owned()))
            .field("key_server", &self.keys.is_some())
            .finish()
    }
}

struct State {
    results: Vec<CaseResult>,
    pending: Vec<Pending>,
    latencies: Vec<Duration>,
    transport_failures: Vec<(String, TransportError)>,
    unreachable: Option<String>,
    timing: Option<crate::timing::TimingReport>,
    /// Deliveries in a row that got no answer.
    no_answer_in_a_row: usize,
    /// Whether any delivery got past connecting (an answer, or a failure
    /// after the connection was made).
    connected: bool,
    /// The last of them, for the report.
    last_no_answer: Option<TransportError>,
    incomplete: Vec<String>,
    /// The status of every plain valid delivery (`None`: no answer).
    valid_statuses: Vec<Option<u16>>,
    /// The current case's exchanges so far, and how many more it had.
    exchanges: Vec<exchange::Exchange>,
    exchanges_omitted: usize,
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl<'a> Runner<'a> {
    /// A runner sending to `target`.
    pub fn new(config: &'a RunConfig, target: &'a dyn Target) -> Self {
        Runner {
            config,
            target,
            effects: None,
            keys: None,
        }
    }

    /// Reads side effects from this oracle (`GET` → `{"processed": [...]}`).
    pub fn with_effects(mut self, effects: &'a dyn Target) -> Self {
        self.effects = Some(effects);
        self
    }

    /// Adds the optional services: the effects oracle and the key server.
    pub fn with_services(
        mut self,
        effects: Option<&'a dyn Target>,
        keys: Option<&'a dyn KeyPublisher>,
    ) -> Self {
        self.effects = effects;
        self.keys = keys;
        self
    }

    /// Publishes keys through this key server (rotation cases).
    pub fn with_key_server(mut self, keys: &'a dyn KeyPublisher) -> Self {
        self.keys = Some(keys);
        self
    }

    fn scheme(&self) -> &'static Scheme {
        self.config.scheme.scheme()
    }

    async fn send(&self, st: &mut State, d: &Delivery) -> Result<Response, TransportError> {
        let r = self.target.send(d).await;
        self.record(st, d, &r);
        r
    }

    /// The bookkeeping of every answer (or its absence): latency, the
    /// failure budget, whether the target was ever reached.
    fn record(&self, st: &mut State, d: &Delivery, r: &Result<Response, TransportError>) {
        if st.exchanges.len() < exchange::MAX_EXCHANGES {
            let s = self.scheme();
            let stale_after = s
                .timestamp
                .filter(|t| t.checks_past && s.signs_timestamp())
                .map(|_| {
                    now_unix()
                        .saturating_add(i64::try_from(self.config.tolerance_s).unwrap_or(i64::MAX))
                });
            let mut ex = exchange::Exchange::of(d, r, stale_after);
            if let (
                crate::scheme::Algorithm::SharedKey,
                crate::scheme::Carrier::QueryOrHeader { query, header },
            ) = (s.algorithm, s.carrier)
            {
                ex.key_values = d
                    .query_values(query)
                    .into_iter()
                    .map(String::into_bytes)
                    .chain(d.header_values(header).map(<[u8]>::to_vec))
                    .collect();
            }
            st.exchanges.push(ex);
        } else {
            st.exchanges_omitted += 1;
        }
        match r {
            Ok(resp) => {
                st.latencies.push(resp.latency);
                st.no_answer_in_a_row = 0;
                st.connected = true;
            }
            Err(e) => {
                if !matches!(e, TransportError::Connect(_) | TransportError::Build(_)) {
                    st.connected = true;
                }
                if !st.connected && matches!(e, TransportError::Connect(_)) {
                    // No connection was ever made: unreachable, not failing.
                    st.unreachable = Some(format!("{}: {e}", self.target.url()));
                }
                // A body refused by closing the connection is an answer
                // (allowed for the oversized body); a delivery the harness
                // could not build is not the receiver's doing.
                if matches!(
                    e,
                    TransportError::Timeout(_)
                        | TransportError::Connect(_)
                        | TransportError::Connection(_)
                ) {
                    st.no_answer_in_a_row += 1;
                    st.last_no_answer = Some(e.clone());
                }
                st.transport_failures.push((d.url.clone(), e.clone()));
            }
        }
    }

    /// Checks, before anything is sent, that the effects oracle answers
    /// as it must: a service the run was given that cannot be used must
    /// refuse the run, never turn its checks into skips.
    pub async fn preflight(&self) -> Result<(), String> {
        self.config.validate().map_err(|e| e.to_string())?;
        if let Some(oracle) = self.effects {
            read_oracle(oracle).await.map_err(|why| {
                format!("the effects oracle given (--effects-url) cannot be used: {why}; fix the oracle or leave it out (its checks are then reported as not checked)")
            })?;
        }
        Ok(())
    }

    /// Sends `first`, which must be accepted, then, only if it was,
    /// `second`, which must not be answered 5xx (its check says `expected`).
    /// Returns the checks and the answers sent for.
    async fn accepted_then(
        &self,
        st: &mut State,
        first: &Delivery,
        second: &Delivery,
        expected: &str,
    ) -> (Vec<Check>, Vec<Result<Response, TransportError>>) {
        let r1 = self.send(st, first).await;
        let (c1, first_ok) = judge_status(Expect::Accept, &r1);
        let mut checks = vec![c1];
        let mut answers = vec![r1];
        if first_ok {
            let r2 = self.send(st, second).await;
            let (c2, _) = judge_status(Expect::NoServerError, &r2);
            checks.push(Check {
                expected: expected.to_owned(),
                ..c2
            });
            answers.push(r2);
        }
        (checks, answers)
    }

    /// Runs the selected cases.
    pub async fn run(&self) -> RunReport {
        let started = Instant::now();
        let events = EventFactory::random();
        let mut st = State {
            results: Vec::new(),
            pending: Vec::new(),
            latencies: Vec::new(),
            transport_failures: Vec::new(),
            unreachable: None,
            timing: None,
            no_answer_in_a_row: 0,
            connected: false,
            last_no_answer: None,
            incomplete: Vec::new(),
            valid_statuses: Vec::new(),
            exchanges: Vec::new(),
            exchanges_omitted: 0,
        };
        if let Err(why) = self.preflight().await {
            return RunReport {
                scheme: self.config.scheme,
                target: self.target.url().to_owned(),
                results: Vec::new(),
                latency: LatencyStats::default(),
                unreachable: None,
                refused: Some(why),
                incomplete: Vec::new(),
                diagnosis: None,
                elapsed: started.elapsed(),
            };
        }
        if let Some(k) = self.keys {
            if let Err(e) = k.publish(&[&self.config.key]) {
                st.unreachable = Some(format!("key server: {e}"));
            }
        }
        let cases = self.config.cases();
        let mut latency_case = None;
        let mut stopped: Option<String> = None;
        for case in cases {
            if st.unreachable.is_some() {
                break;
            }
            if stopped.is_none() && st.no_answer_in_a_row >= MAX_CONSECUTIVE_NO_ANSWER {
                let last = st
                    .last_no_answer
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let why = format!(
                    "the run stopped after {} deliveries in a row got no answer (last: {last}); the cases after that were not run",
                    st.no_answer_in_a_row
                );
                st.incomplete.push(why.clone());
                stopped = Some(why);
            }
            if let Some(why) = &stopped {
                if case.action != Action::Latency {
                    st.results.push(CaseResult {
                        outcome: Outcome::Skip,
                        detail: String::new(),
                        checks: vec![Check {
                            part: Part::Status,
                            passed: None,
                            expected: "an answer to the earlier deliveries".into(),
                            actual: format!("not run: {why}"),
                            required: true,
                        }],
                        latency: None,
                        timing: None,
                        exchanges: Vec::new(),
                        exchanges_omitted: 0,
                        case,
                    });
                    continue;
                }
            }
            if case.action == Action::Latency {
                latency_case = Some(case);
                continue;
            }
            let ctx = BuildContext {
                scheme: self.scheme(),
                key: &self.config.key,
                wrong_key: &self.config.wrong_key,
                url: self.target.url(),
                now: now_unix(),
                events: &events,
            };
            let index = st.results.len();
            let (checks, effects, latency, note) = self.run_case(&mut st, &ctx, &case).await;
            for (event_id, rule, required) in effects {
                st.pending.push(Pending {
                    result: index,
                    event_id,
                    rule,
                    required,
                });
            }
            let timing = st.timing.take();
            st.results.push(CaseResult {
                case,
                outcome: Outcome::Pass,
                detail: note,
                checks,
                latency,
                timing,
                exchanges: std::mem::take(&mut st.exchanges),
                exchanges_omitted: std::mem::replace(&mut st.exchanges_omitted, 0),
            });
        }
        if let Some(k) = self.keys {
            // Leave the key server as the run found it.
            let _ = k.publish(&[&self.config.key]);
        }
        if let Some(case) = latency_case {
            let result = self.latency_result(&st, case);
            st.results.push(result);
        }
        self.resolve_effects(&mut st).await;
        let diagnosis = diagnose(self.scheme(), &st.valid_statuses);
        for r in &mut st.results {
            if diagnosis.is_some() {
                for c in &mut r.checks {
                    c.actual = c.actual.replace(RAW_BODY_HINT, "");
                }
            }
            finish(r);
        }
        RunReport {
            scheme: self.config.scheme,
            target: self.target.url().to_owned(),
            latency: LatencyStats::from_samples(&st.latencies),
            results: st.results,
            unreachable: st.unreachable,
            refused: None,
            incomplete: st.incomplete,
            diagnosis,
            elapsed: started.elapsed(),
        }
    }

    fn latency_result(&self, st: &State, case: Case) -> CaseResult {
        let stats = LatencyStats::from_samples(&st.latencies);
        let timeout_ms = self.config.timeout.as_millis();
        let timeouts: Vec<&String> = st
            .transport_failures
            .iter()
            .filter(|(_, e)| matches!(e, TransportError::Timeout(_)))
            .map(|(u, _)| u)
            .collect();
        let slow = st
            .latencies
            .iter()
            .filter(|l| **l > self.config.timeout)
            .count();
        let ok = timeouts.is_empty() && slow == 0;
        let actual = format!(
            "{} answers: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; {} without an answer in time",
            stats.count,
            ms(stats.p50),
            ms(stats.p95),
            ms(stats.max),
            timeouts.len() + slow
        );
        CaseResult {
            case,
            outcome: Outcome::Pass,
            detail: String::new(),
            checks: vec![Check {
                part: Part::Latency,
                passed: if stats.count == 0 && timeouts.is_empty() {
                    None
                } else {
                    Some(ok)
                },
                expected: format!("every answer within {timeout_ms} ms (the sender's timeout; slower answers count as failed deliveries and are retried)"),
                actual,
                required: true,
            }],
            latency: Some(stats.max),
            timing: None,
            exchanges: Vec::new(),
            exchanges_omitted: 0,
        }
    }

    /// Runs one case: its checks, the side effects to verify later, the
    /// slowest answer and a note.
    async fn run_case(
        &self,
        st: &mut State,
        ctx: &BuildContext<'_>,
        case: &Case,
    ) -> (
        Vec<Check>,
        Vec<(String, EffectRule, bool)>,
        Option<Duration>,
        String,
    ) {
        let mut checks = Vec::new();
        let mut effects = Vec::new();
        let mut slowest: Option<Duration> = None;
        let mut note = String::new();
        let mut track = |r: &Result<Response, TransportError>| {
            if let Ok(resp) = r {
                slowest = Some(slowest.map_or(resp.latency, |s| s.max(resp.latency)));
            }
        };
        let build_failed = |e: Error| {
            vec![Check {
                part: Part::Status,
                passed: None,
                expected: "a delivery to send".into(),
                actual: format!("not checked: the harness could not build it: {e}"),
                required: true,
            }]
        };
        match &case.action {
            Action::Single { build, expect } => {
                if *build == Build::TitleCaseNames && !self.target.spells_header_names() {
                    checks.push(Check {
                        part: Part::Status,
                        passed: None,
                        expected: "a delivery with Title-Case header names".into(),
                        actual: "not checked: this target sees header names through http::HeaderMap, which has no letter case (in-process); run it over HTTP/1".into(),
                        required: true,
                    });
                    return (checks, effects, None, note);
                }
                let built = match ctx.build(build) {
                    Ok(b) => b,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let r = self.send(st, &built.delivery).await;
                track(&r);
                if *expect == Expect::Accept {
                    st.valid_statuses
                        .push(r.as_ref().ok().map(|resp| resp.status));
                }
                let (check, accepted) = judge_status(*expect, &r);
                let mut check = check;
                let refusal = match expect {
                    Expect::AcceptOrTooLarge => Some((413, "a 1 MiB body")),
                    Expect::AcceptOrRequestTimeout => Some((408, "a slow upload")),
                    _ => None,
                };
                if let Some((code, what)) = refusal {
                    match &r {
                        Ok(resp) if resp.status == code => {
                            note = format!("info: refused with {code} (allowed for {what})");
                        }
                        Err(TransportError::ClosedDuringUpload(_)) => {
                            // Equivalent to a refusal for the sender: not a
                            // 5xx, not a hang.
                            check.passed = Some(true);
                            note = format!("info: refused by closing the connection during the upload (allowed; a {code} after reading the body is friendlier)");
                        }
                        _ => {}
                    }
                }
                if case.family == crate::cases::Family::Reject && *expect == Expect::NoServerError {
                    // A reject case the vendor's own verification accepts
                    // (its title says why): either answer passes; say which.
                    match &r {
                        Ok(resp) if accepted => {
                            note = format!(
                                "info: accepted ({}); allowed: the vendor's documented verification accepts it too",
                                resp.status
                            );
                        }
                        Ok(resp) if (400..500).contains(&resp.status) => {
                            note = format!("info: refused ({})", resp.status);
                        }
                        _ => {}
                    }
                }
                checks.push(check);
                if let Some(id) = built.event_id {
                    match (expect, accepted) {
                        (Expect::Accept, _) => effects.push((id, EffectRule::Once, false)),
                        (Expect::AcceptOrTooLarge | Expect::AcceptOrRequestTimeout, true) => {
                            effects.push((id, EffectRule::Once, false))
                        }
                        (Expect::Reject | Expect::Status(_), _) => {
                            effects.push((id, EffectRule::Never, false))
                        }
                        (Expect::NoServerError, false) => {
                            effects.push((id, EffectRule::Never, false))
                        }
                        _ => {}
                    }
                }
            }
            Action::Echo { exact } => {
                // Two attempts with fresh nonces: a hard-coded echo cannot pass.
                for _ in 0..2 {
                    let nonce = fresh_nonce();
                    let d = match echo_delivery(ctx, &ctx.key.clone(), &nonce) {
                        Ok(d) => d,
                        Err(e) => return (build_failed(e), effects, None, note),
                    };
                    let r = self.send(st, &d).await;
                    track(&r);
                    let (status, _) = judge_status(Expect::Status(200), &r);
                    let failed = status.passed == Some(false);
                    checks.push(status);
                    if failed {
                        break;
                    }
                    let body = r.as_ref().map(|x| x.body.clone()).unwrap_or_default();
                    let text = String::from_utf8_lossy(&body);
                    let trimmed = text.trim();
                    let quoted = format!("\"{nonce}\"");
                    let ok = trimmed == nonce || (!exact && trimmed == quoted);
                    if !exact && trimmed == quoted {
                        note = "info: the nonce was echoed JSON-quoted (passes; not strict)".into();
                    }
                    checks.push(Check {
                        part: Part::Body,
                        passed: Some(ok),
                        expected: if *exact {
                            format!("the body is exactly the nonce `{nonce}`")
                        } else {
                            format!("the body is the nonce `{nonce}` (JSON-quoted tolerated)")
                        },
                        actual: format!("body `{}`", snippet(&body)),
                        required: true,
                    });
                    if !ok {
                        break;
                    }
                }
            }
            Action::EchoWithoutToken => {
                let nonce = fresh_nonce();
                let d = match echo_delivery(ctx, ctx.wrong_key, &nonce) {
                    Ok(d) => d,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let r = self.send(st, &d).await;
                track(&r);
                checks.push(judge_status(Expect::Reject, &r).0);
                let body = r.as_ref().map(|x| x.body.clone()).unwrap_or_default();
                let reflected = String::from_utf8_lossy(&body).contains(&nonce);
                checks.push(Check {
                    part: Part::Body,
                    passed: Some(!reflected),
                    expected: "the nonce is not echoed without a valid token".into(),
                    actual: if reflected {
                        format!("the nonce was echoed: `{}`", snippet(&body))
                    } else {
                        "not echoed".into()
                    },
                    required: true,
                });
            }
            Action::Redelivery => {
                let (first, again) = match ctx.valid_and_redelivered() {
                    Ok(pair) => pair,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let answers = vec![
                    self.send(st, &first.delivery).await,
                    self.send(st, &again.delivery).await,
                ];
                for r in &answers {
                    track(r);
                }
                checks.push(all_accepted(&answers));
                if let Some(id) = first.event_id {
                    effects.push((id, EffectRule::Once, true));
                }
            }
            Action::Handshake { name, probe } => {
                let (c, e, n) = self.handshake(st, ctx, name, *probe, &mut track).await;
                checks.extend(c);
                effects.extend(e);
                note = n;
            }
            Action::Duplicate { copies, concurrent } => {
                let built = match ctx.valid(BodyKind::Plain) {
                    Ok(b) => b,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let answers = if *concurrent {
                    let futs = (0..*copies).map(|_| self.target.send(&built.delivery));
                    let rs = futures::future::join_all(futs).await;
                    for r in &rs {
                        self.record(st, &built.delivery, r);
                    }
                    rs
                } else {
                    let mut rs = Vec::new();
                    for _ in 0..*copies {
                        rs.push(self.send(st, &built.delivery).await);
                    }
                    rs
                };
                for r in &answers {
                    track(r);
                }
                checks.push(all_accepted(&answers));
                if let Some(id) = built.event_id {
                    effects.push((id, EffectRule::Once, true));
                }
            }
            Action::SameIdOtherBody => {
                let first = match ctx.valid(BodyKind::Plain) {
                    Ok(b) => b,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let Some(id) = first.event_id.clone() else {
                    let e = Error::NoEventId {
                        scheme: ctx.scheme.id.to_owned(),
                    };
                    return (build_failed(e), effects, None, note);
                };
                // Another body: a non-ASCII member up front (its own
                // JSON.stringify form, so every scheme can send it).
                let second = match ctx.valid_with_id(BodyKind::NonAscii, &id) {
                    Ok(b) => b,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let (c, answers) = self
                    .accepted_then(
                        st,
                        &first.delivery,
                        &second.delivery,
                        "the other body is accepted, ignored or refused; not 5xx, no hang",
                    )
                    .await;
                answers.iter().for_each(&mut track);
                checks.extend(c);
                if let Some(Ok(resp)) = answers.get(1) {
                    note = format!(
                        "info: the other body under id `{id}` was answered {}",
                        resp.status
                    );
                }
            }
            Action::LowerBlockIgnored => {
                let s = self.scheme();
                let token = format!("{}-ord", ctx.events.next_id());
                let t = s.event_types.first().copied().unwrap_or("event");
                let mut answers = Vec::new();
                let mut ids = Vec::new();
                for block in [2_000_000, 1_000_000] {
                    let ev = ctx
                        .events
                        .event_with(s, BodyKind::Plain, t, Some(&token), block);
                    let d = match sign::sign(s, ctx.key, &ctx.payload(&ev)) {
                        Ok(d) => d,
                        Err(e) => return (build_failed(e), effects, None, note),
                    };
                    answers.push(self.send(st, &d).await);
                    ids.push(ev.id);
                }
                for r in &answers {
                    track(r);
                }
                checks.push(all_accepted(&answers));
                let mut ids = ids.into_iter();
                if let (Some(high), Some(low)) = (ids.next(), ids.next()) {
                    effects.push((high, EffectRule::Once, true));
                    effects.push((low, EffectRule::Never, true));
                }
            }
            Action::Replay => {
                let built = match ctx.valid(BodyKind::Plain) {
                    Ok(b) => b,
                    Err(e) => return (build_failed(e), effects, None, note),
                };
                let (c, answers) = self
                    .accepted_then(
                        st,
                        &built.delivery,
                        &built.delivery,
                        "the replay is refused (4xx) or accepted idempotently (2xx, processed once)",
                    )
                    .await;
                answers.iter().for_each(&mut track);
                checks.extend(c);
                let second_status = answers
                    .get(1)
                    .and_then(|r| r.as_ref().ok())
                    .map(|r| r.status);
                if let Some(id) = built.event_id {
                    match second_status {
                        Some(200..=299) => effects.push((id, EffectRule::Once, true)),
                        Some(400..=499) => {
                            note = "refused the replay".into();
                            effects.push((id, EffectRule::Once, false))
                        }
                        _ => {}
                    }
                }
            }
            Action::Rotation(step) => {
                let (c, e) = self.rotation(st, ctx, *step).await;
                checks.extend(c);
                effects.extend(e);
            }
            Action::Timing => {
                let (check, report) = self.timing(ctx).await;
                if let Some(r) = &report {
                    note = format!("{}: {}", r.decision, r.reason);
                }
                if check.passed == Some(false) && check.part == Part::Latency {
                    st.incomplete.push(format!(
                        "the timing check could not measure: {}",
                        check.actual
                    ));
                }
                let gated = self.config.timing.as_ref().is_some_and(|t| t.gate);
                if gated && check.passed.is_none() {
                    // A gate that was asked for and could not decide is
                    // not a pass.
                    st.incomplete.push(format!(
                        "the timing gate (--timing-gate) could not decide: {}",
                        check.actual
                    ));
                }
                st.timing = report;
                checks.push(check);
            }
            Action::Latency => {}
        }
        (checks, effects, slowest, note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("reject", "certifylize.reject.x"));
        assert!(glob_match("*.reject.*", "certifylize.reject.x"));
        assert!(glob_match("certifylize.*", "certifylize.reject.x"));
        assert!(!glob_match("blink*", "certifylize.reject.x"));
        assert!(glob_match("*x", "certifylize.reject.x"));
        assert!(!glob_match("*y", "certifylize.reject.x"));
        let sel = Selection {
            include: vec!["reject".into()],
            exclude: vec!["*prefix*".into()],
        };
        assert!(sel.selects("a.reject.body"));
        assert!(!sel.selects("a.reject.proof-prefix"));
        assert!(!sel.selects("a.accept.plain"));
    }

    #[test]
    fn percentiles() {
        let s: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let l = LatencyStats::from_samples(&s);
        assert_eq!(l.p50, Duration::from_millis(50));
        assert_eq!(l.p95, Duration::from_millis(95));
        assert_eq!(l.max, Duration::from_millis(100));
        assert_eq!(LatencyStats::from_samples(&[]).count, 0);
    }
}
