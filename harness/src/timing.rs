//! Timing behaviour (docs/spec.md §3.9): does the receiver's rejection
//! time depend on how many leading bytes of the proof are right?
//!
//! Two classes of forged deliveries are sent, identical except for the
//! proof: class **A** is wrong from its *first* byte, class **B** only in
//! its *last* byte (same length, same encoding; see [`forged_pair`]). An
//! early-exit comparison rejects A after one byte and B after all of them,
//! so B is slower; a constant-time comparison takes the same time for both.
//!
//! [`measure`] sends the classes as adjacent **pairs in a seeded random
//! order** (warm-up pairs discarded) and [`analyze`] compares them:
//!
//! - **Paired, robust tests** (as tlsfuzzer does for noisy, non-normal
//!   timings) on the differences `d_i = b_i − a_i`: the Wilcoxon
//!   signed-rank test and the sign test; the median difference with a
//!   seeded bootstrap 95 % confidence interval; a box test on low
//!   quantiles (Crosby et al. 2009), reported for information.
//! - **dudect** (Reparaz, Balasch, Verbauwhede 2016): Welch's t-test on
//!   the raw samples and on the samples cropped at the percentiles
//!   `1 − 0.5^(10·k/100)`, `k = 1..=100`; the largest `|t|`, `τ = t/√N`
//!   and the measurements needed to reach `|t| = 5`.
//!
//! # Decision and false-positive control
//!
//! Three tests can say **leak**: Wilcoxon, sign test, dudect. Each is run at
//! the Bonferroni level `α/3`, so the family-wise false-positive rate is at
//! most `α` ([`TimingConfig::alpha`]); a leak must also go the way an early
//! exit goes (the last-byte-wrong class slower), which halves it again. Because the order inside each pair is
//! a fair, seeded coin flip, under "no leak" the sign of every `d_i` is a
//! fair coin independent of its size, *whatever* the noise does (drift,
//! bursts from other processes, heavy tails, a first-in-pair penalty): the
//! sign and signed-rank tests are then exact randomization tests, and their
//! false-positive rate holds on a busy machine. dudect's own threshold
//! (`|t| > 10`, only once it has [`TimingConfig::dudect_min_samples`] pairs)
//! is far beyond `α/3` under the normal approximation.
//!
//! - `leak`: some test rejects at `α/3` with the last-byte-wrong class
//!   slower, by at least [`TimingConfig::min_effect_ns`].
//! - `inconclusive`: fewer than [`TimingConfig::min_samples`] valid pairs;
//!   too many failed sends; a significant difference in the *other*
//!   direction (first-byte-wrong slower: not what a prefix comparison does;
//!   measured runs show such class-dependent differences of 5–40 ns
//!   elsewhere on the request path, see `benches/TIMING.md`); a
//!   significant difference below `min_effect_ns`; or the smallest
//!   p-value below `α` but not below `α/3` (borderline; run again with
//!   more samples).
//! - `no leak detected`: otherwise. The report then states the smallest
//!   difference the run could have detected
//!   ([`TimingReport::min_detectable_ns`]): the shift of the median paired
//!   difference that a test at `α/3` would detect with probability
//!   [`TimingConfig::power`], given the noise measured (from the bootstrap
//!   standard error of the median difference). "No leak detected" never
//!   means more than that.
//!
//! # What the classes mean per scheme
//!
//! For the HMAC schemes and `blink-apikey` the receiver compares a secret
//! (the expected MAC or the API key): a difference is a real leak. For
//! `smartasset` (Ed25519) and `cometh` (RSA) nothing secret is compared;
//! the edits keep both forged signatures structurally valid (R decodes to a
//! curve point, S stays canonical, the RSA representative stays below the
//! modulus) so both classes run the full verification, and a difference
//! means data-dependent verification code, worth reporting but not a secret
//! leak.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::cases::BuildContext;
use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::payload::BodyKind;
use crate::scheme::Algorithm;
use crate::sign;
use crate::target::Target;
use crate::Error;

/// The most pairs [`TimingConfig::samples`] accepts. A million pairs is
/// two million deliveries, hours over a network and already far more than
/// the statistics need (the default is 2000); the bound keeps the sample
/// buffers (about 17 bytes a pair) and the bootstrap small.
pub const MAX_SAMPLES: usize = 1_000_000;

/// The number of tests that can say "leak" (Bonferroni divisor).
pub const LEAK_TESTS: usize = 3;

/// How a timing measurement is run and judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingConfig {
    /// Measured pairs (one delivery of each class per pair), after warm-up.
    pub samples: usize,
    /// Pairs sent first and discarded (connection setup, caches, JIT).
    pub warmup: usize,
    /// Seed of the pair order and of the bootstrap: a run is reproducible
    /// up to the receiver's own noise.
    pub seed: u64,
    /// Family-wise false-positive rate of a "leak" decision.
    pub alpha: f64,
    /// Fewer valid pairs than this: inconclusive.
    pub min_samples: usize,
    /// dudect gives no verdict before this many pairs.
    pub dudect_min_samples: usize,
    /// dudect's `|t|` threshold for a leak (10 in the paper's tool).
    pub dudect_threshold: f64,
    /// Bootstrap resamples for the confidence interval of the median
    /// difference.
    pub bootstrap: usize,
    /// Power at which [`TimingReport::min_detectable_ns`] is stated.
    pub power: f64,
    /// The low quantiles compared by the box test.
    pub box_quantiles: (f64, f64),
    /// More failed sends than this fraction of all pairs: inconclusive.
    pub max_failure_fraction: f64,
    /// The smallest estimated difference (ns) called a leak: a significant
    /// difference below it is reported as inconclusive. 0 (the default)
    /// calls every significant difference a leak; see the module docs for
    /// when to raise it.
    pub min_effect_ns: f64,
}

impl Default for TimingConfig {
    fn default() -> Self {
        TimingConfig {
            samples: 2000,
            warmup: 100,
            seed: 0x7469_6d69_6e67,
            alpha: 1e-3,
            min_samples: 100,
            dudect_min_samples: 1000,
            dudect_threshold: 10.0,
            bootstrap: 1000,
            power: 0.8,
            box_quantiles: (0.05, 0.10),
            max_failure_fraction: 0.05,
            min_effect_ns: 0.0,
        }
    }
}

impl TimingConfig {
    /// The default configuration with `samples` pairs.
    pub fn with_samples(samples: usize) -> Self {
        TimingConfig {
            samples,
            ..TimingConfig::default()
        }
    }

    /// The level each of the [`LEAK_TESTS`] tests is run at.
    pub fn bonferroni_alpha(&self) -> f64 {
        self.alpha / LEAK_TESTS as f64
    }

    /// Checks the values; the message says what to fix.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: &str| Err(Error::Config(format!("timing: {m}")));
        if !(1..=MAX_SAMPLES).contains(&self.samples) {
            return Err(Error::OutOfRange {
                what: "--timing-samples",
                value: u64::try_from(self.samples).unwrap_or(u64::MAX),
                min: 1,
                max: MAX_SAMPLES as u64,
            });
        }
        for (what, value, max) in [
            ("timing warm-up pairs", self.warmup, MAX_SAMPLES),
            ("timing bootstrap resamples", self.bootstrap, MAX_SAMPLES),
        ] {
            if value > max {
                return Err(Error::OutOfRange {
                    what,
                    value: u64::try_from(value).unwrap_or(u64::MAX),
                    min: 0,
                    max: max as u64,
                });
            }
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return bad("alpha must be in (0, 1)");
        }
        if !(self.power > 0.0 && self.power < 1.0) {
            return bad("power must be in (0, 1)");
        }
        let (q1, q2) = self.box_quantiles;
        if !(0.0..=1.0).contains(&q1) || !(0.0..=1.0).contains(&q2) || q1 > q2 {
            return bad("box quantiles must satisfy 0 <= q1 <= q2 <= 1");
        }
        if !(0.0..=1.0).contains(&self.max_failure_fraction) {
            return bad("max failure fraction must be in [0, 1]");
        }
        if self.min_effect_ns.is_nan() || self.min_effect_ns < 0.0 {
            return bad("min effect must be a number >= 0");
        }
        Ok(())
    }
}

/// The verdict of a timing check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    /// The rejection time depends on the proof: some test rejected at the
    /// Bonferroni level.
    #[serde(rename = "leak")]
    Leak,
    /// No test rejected; see [`TimingReport::min_detectable_ns`] for what
    /// that is worth.
    #[serde(rename = "no leak detected")]
    NoLeakDetected,
    /// Too few samples, too many failures, or borderline evidence.
    #[serde(rename = "inconclusive")]
    Inconclusive,
}

impl Decision {
    /// `leak`, `no leak detected` or `inconclusive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Leak => "leak",
            Decision::NoLeakDetected => "no leak detected",
            Decision::Inconclusive => "inconclusive",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// dudect's statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dudect {
    /// The Welch t of largest magnitude (sign: positive when B is slower).
    pub max_t: f64,
    /// The crop percentile that gave it (`None`: the raw data).
    pub crop_percentile: Option<f64>,
    /// Measurements (both classes) in the test that gave it.
    pub measurements: usize,
    /// `τ = max_t / √measurements`: the effect size per measurement.
    pub tau: f64,
    /// `(5/τ)²`: measurements needed to reach `|t| = 5` (`None` if `τ = 0`).
    pub measurements_to_t5: Option<f64>,
    /// The `|t|` threshold for a leak.
    pub threshold: f64,
    /// Whether there were enough pairs for a verdict.
    pub enough_samples: bool,
    /// Whether dudect says leak (`|max_t| > threshold` with enough samples).
    pub leak: bool,
}

/// The Wilcoxon signed-rank test on the paired differences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wilcoxon {
    /// Sum of the ranks of the positive differences.
    pub w_plus: f64,
    /// Non-zero differences (zeros are dropped).
    pub nonzero: usize,
    /// Normal approximation with tie and continuity correction.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// The sign test on the paired differences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignTest {
    /// Pairs where B was slower.
    pub positive: usize,
    /// Pairs where A was slower.
    pub negative: usize,
    /// Ties (dropped).
    pub zeros: usize,
    /// Exact two-sided binomial p-value.
    pub p: f64,
}

/// The outcome of the box test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoxOutcome {
    /// The boxes overlap: no difference seen.
    Overlap,
    /// A's box lies entirely below B's: A is faster.
    AFaster,
    /// B's box lies entirely below A's: B is faster.
    BFaster,
}

/// The box test: the interval between two low quantiles of each class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxTest {
    /// The quantiles.
    pub quantiles: (f64, f64),
    /// A's box (ns).
    pub a: (f64, f64),
    /// B's box (ns).
    pub b: (f64, f64),
    /// Whether and how they are separated.
    pub outcome: BoxOutcome,
}

/// What happened on the wire during [`measure`].
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Transport {
    /// Pairs discarded as warm-up.
    pub warmup: usize,
    /// Pairs lost because a send failed (timeout, connection error).
    pub failed: usize,
    /// The first transport error, if any.
    pub first_error: Option<String>,
    /// Status codes answered to class A (measured pairs).
    pub statuses_a: BTreeMap<u16, usize>,
    /// Status codes answered to class B (measured pairs).
    pub statuses_b: BTreeMap<u16, usize>,
    /// Wall-clock seconds of the whole measurement.
    pub seconds: f64,
    /// Set when the measurement stopped early because the receiver stopped
    /// answering ([`MAX_CONSECUTIVE_FAILED_PAIRS`] pairs in a row without an
    /// answer): why.
    pub stopped: Option<String>,
}

/// The failure budget of [`measure`]: this many pairs in a row without an
/// answer stop the measurement (a receiver that does not answer would
/// otherwise cost a full timeout per delivery, for thousands of them).
pub const MAX_CONSECUTIVE_FAILED_PAIRS: usize = 2;

/// The result of a timing check. Class A is "wrong in the first byte",
/// class B "wrong only in the last byte"; differences are `B − A` in
/// nanoseconds (positive: B slower, the direction of an early exit).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingReport {
    /// The verdict.
    pub decision: Decision,
    /// Why, in one sentence.
    pub reason: String,
    /// Valid pairs analysed.
    pub n: usize,
    /// Median time of class A (ns).
    pub median_a_ns: f64,
    /// Median time of class B (ns).
    pub median_b_ns: f64,
    /// The estimated difference `B − A` (ns): with the pair order known
    /// (from [`measure`]), the mean of the median paired difference of the
    /// pairs sent A-first and of those sent B-first, which cancels any
    /// first-in-pair effect (an AB/BA crossover); otherwise the median of
    /// the paired differences `b_i − a_i`.
    pub median_diff_ns: f64,
    /// Bootstrap 95 % confidence interval of `median_diff_ns` (ns).
    pub ci95_ns: (f64, f64),
    /// How much slower the first request of a pair is than the second
    /// (ns), when the order is known: the carry-over the design cancels.
    pub first_in_pair_penalty_ns: Option<f64>,
    /// The smallest shift of the median difference this run would have
    /// detected at the Bonferroni level with probability `power` (ns).
    pub min_detectable_ns: f64,
    /// The power of `min_detectable_ns`.
    pub power: f64,
    /// Family-wise false-positive rate.
    pub alpha: f64,
    /// The level of each test (`alpha / 3`).
    pub bonferroni_alpha: f64,
    /// Wilcoxon signed-rank test.
    pub wilcoxon: Wilcoxon,
    /// Sign test.
    pub sign_test: SignTest,
    /// dudect.
    pub dudect: Dudect,
    /// Box test (information only; not part of the decision).
    pub box_test: BoxTest,
    /// Transport statistics ([`measure`] only).
    pub transport: Option<Transport>,
}

impl fmt::Display for TimingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, hi) = self.ci95_ns;
        write!(
            f,
            "{}: last-byte-wrong − first-byte-wrong = {} (95% CI {} … {}), n={} pairs; \
             Wilcoxon p={}, sign p={}, dudect max|t|={:.1}; min detectable {} \
             (power {:.0}%, α={})",
            self.decision,
            fmt_ns(self.median_diff_ns),
            fmt_ns(lo),
            fmt_ns(hi),
            self.n,
            fmt_p(self.wilcoxon.p),
            fmt_p(self.sign_test.p),
            self.dudect.max_t.abs(),
            fmt_ns(self.min_detectable_ns),
            self.power * 100.0,
            self.alpha,
        )
    }
}

/// A duration in ns, human-scaled (`812 ns`, `3.4 µs`, `1.20 ms`).
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return "n/a".to_owned();
    }
    let a = ns.abs();
    if a < 1e3 {
        format!("{ns:.0} ns")
    } else if a < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn fmt_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

// ---------------------------------------------------------------------------
// Forged deliveries
// ---------------------------------------------------------------------------

/// The two classes of forged deliveries for one scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgedPair {
    /// Class A: the proof wrong from its first byte (and first character).
    pub first_byte_wrong: Delivery,
    /// Class B: the proof wrong only in its last byte (and last character).
    pub last_byte_wrong: Delivery,
    /// Length of the raw proof (bytes compared by a byte-wise comparison).
    pub proof_len: usize,
}

/// Builds the two forged classes from one event: same URL, headers and
/// body (apart from the proof, for envelope schemes), the valid proof
/// edited in its first byte (class A) or only in its last byte (class B),
/// same length and encoding.
///
/// Both classes get the same kind of edit, one bit of one encoded digit,
/// so that a decoder does the same work on both and only the position of
/// the difference changes:
///
/// - HMAC schemes: first byte `^ 0x10` (only the first hex digit changes,
///   `n → n ^ 1`), last byte `^ 0x01` (only the last hex digit changes).
/// - `blink-apikey`: the key's first (resp. last) ASCII character replaced
///   by the next one of its class (`a → b`, `9 → 0`).
/// - Ed25519: R's first hex digit edited so that R still decodes to a
///   curve point; S's last byte `^ 0x01` (S stays canonical).
/// - RSA: the first base64 digit edited so that the representative stays
///   below the modulus; the last byte `^ 0x01` (last base64 digit).
///
/// The deliveries carry `ctx.now`: for `blink-signature` rebuild them if a
/// measurement may outlast the receiver's timestamp tolerance.
pub fn forged_pair(ctx: &BuildContext<'_>) -> Result<ForgedPair, Error> {
    let s = ctx.scheme;
    let (payload, raw) = signed_plain_event(ctx)?;
    let (first, last) = edit_first_and_last(s.algorithm, ctx.key, &raw)?;
    Ok(ForgedPair {
        first_byte_wrong: sign::place_proof(s, &payload, &sign::encode_proof(s, &first))?,
        last_byte_wrong: sign::place_proof(s, &payload, &sign::encode_proof(s, &last))?,
        proof_len: raw.len(),
    })
}

/// The length-leak pair (a length-dependent difference, measured by the
/// tests; not a case of the catalogue):
/// `(A, B)` with A = the proof of the right length, wrong in its first
/// byte; B = the valid proof minus its last byte. A receiver that checks the
/// length first answers B faster; the length is public, so this is
/// information, not a secret leak.
pub fn length_pair(ctx: &BuildContext<'_>) -> Result<(Delivery, Delivery), Error> {
    let s = ctx.scheme;
    let (payload, raw) = signed_plain_event(ctx)?;
    let (first, _) = edit_first_and_last(s.algorithm, ctx.key, &raw)?;
    let short = raw.get(..raw.len().saturating_sub(1)).unwrap_or_default();
    Ok((
        sign::place_proof(s, &payload, &sign::encode_proof(s, &first))?,
        sign::place_proof(s, &payload, &sign::encode_proof(s, short))?,
    ))
}

/// A plain event's payload and its valid raw proof: what both timing pairs
/// edit.
fn signed_plain_event(ctx: &BuildContext<'_>) -> Result<(sign::Payload, Vec<u8>), Error> {
    let s = ctx.scheme;
    let ev = ctx.events.event(s, BodyKind::Plain);
    let payload = ctx.payload(&ev);
    let ts = payload.timestamp.to_string();
    let message = sign::signed_message(s, &ts, &payload.url, &payload.event);
    let raw = sign::proof(s, ctx.key, &message)?;
    Ok((payload, raw))
}

fn xor_at(raw: &[u8], index: usize, mask: u8) -> Vec<u8> {
    let mut v = raw.to_vec();
    if let Some(b) = v.get_mut(index) {
        *b ^= mask;
    }
    v
}

/// Another character of the same class (lowercase, uppercase, digit),
/// so that a decoder does the same kind of work on both classes.
fn same_class_other(c: u8) -> u8 {
    match c {
        b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => c + 1,
        b'z' => b'a',
        b'Z' => b'A',
        b'9' => b'0',
        _ => b'x',
    }
}

/// Byte masks that change only the high nibble (the first hex digit),
/// one-bit flips first: the edited digit keeps its class where possible.
const HIGH_NIBBLE_MASKS: [u8; 15] = [
    0x10, 0x20, 0x40, 0x80, 0x30, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0,
];

/// Byte masks that change the top six bits (the first base64 digit),
/// one-bit flips of its lowest bit first.
const TOP_SIX_BIT_MASKS: [u8; 6] = [0x04, 0x08, 0x10, 0x20, 0x40, 0x80];

fn edit_first_and_last(
    algorithm: Algorithm,
    key: &SigningKey,
    raw: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    if raw.len() < 2 {
        return Err(Error::Key(
            "timing: the proof must be at least 2 bytes long".into(),
        ));
    }
    let last = raw.len() - 1;
    // Both classes get the same kind of edit: one bit of one encoded
    // digit (a hex digit n becomes n ^ 1 ... n ^ 8, same class first).
    match algorithm {
        Algorithm::HmacSha256 => Ok((xor_at(raw, 0, 0x10), xor_at(raw, last, 0x01))),
        Algorithm::SharedKey => {
            let (Some(&f), Some(&l)) = (raw.first(), raw.last()) else {
                return Err(Error::Key("timing: empty key".into()));
            };
            if !f.is_ascii() || !l.is_ascii() {
                return Err(Error::Key(
                    "timing: the API key must start and end with ASCII characters".into(),
                ));
            }
            Ok((
                xor_at(raw, 0, f ^ same_class_other(f)),
                xor_at(raw, last, l ^ same_class_other(l)),
            ))
        }
        Algorithm::Ed25519 => {
            // R must still decode to a curve point, so that strict
            // verifiers do not reject class A before doing any work; S's
            // top byte is below 0x10, so a low-bit flip keeps it canonical.
            let first = HIGH_NIBBLE_MASKS
                .into_iter()
                .map(|m| xor_at(raw, 0, m))
                .find(|cand| {
                    cand.get(..32)
                        .and_then(|r| <[u8; 32]>::try_from(r).ok())
                        .is_some_and(|r| ed25519_dalek::VerifyingKey::from_bytes(&r).is_ok())
                })
                .unwrap_or_else(|| xor_at(raw, 0, 0x10));
            Ok((first, xor_at(raw, last, 0x01)))
        }
        Algorithm::RsaPkcs1v15Sha256 => {
            let SigningKey::Rsa(k) = key else {
                return Err(Error::Key("timing: RSA schemes need an RSA key".into()));
            };
            use rsa::traits::PublicKeyParts;
            let n = k.n().to_bytes_be();
            // The representative must stay below the modulus, or the
            // verifier rejects class A without the modular exponentiation.
            let below = |s: &Vec<u8>| s.len() < n.len() || (s.len() == n.len() && *s < n);
            let first = TOP_SIX_BIT_MASKS
                .into_iter()
                .map(|m| xor_at(raw, 0, m))
                .find(&below)
                .unwrap_or_else(|| xor_at(raw, 0, 0x04));
            let last_edit = [0x01u8, 0x02, 0x03]
                .into_iter()
                .map(|m| xor_at(raw, last, m))
                .find(&below)
                .unwrap_or_else(|| xor_at(raw, last, 0x01));
            Ok((first, last_edit))
        }
    }
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

/// Sends `cfg.warmup + cfg.samples` pairs (one delivery from `make_a`, one
/// from `make_b`, in a seeded random order, one request at a time), drops
/// the warm-up pairs and the pairs where a send failed, and analyses the
/// latencies the target measured ([`crate::target::Response::latency`]).
///
/// `progress`, if given, gets its length set and advances once per pair.
/// Errors only on an invalid configuration; an unreachable target gives an
/// inconclusive report that says why.
pub async fn measure(
    target: &dyn Target,
    mut make_a: impl FnMut() -> Delivery,
    mut make_b: impl FnMut() -> Delivery,
    cfg: &TimingConfig,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<TimingReport, Error> {
    cfg.validate()?;
    let total = cfg.warmup.saturating_add(cfg.samples);
    if let Some(pb) = progress {
        pb.set_length(total as u64);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut order = Vec::with_capacity(cfg.samples);
    let mut a_ns = Vec::with_capacity(cfg.samples);
    let mut b_ns = Vec::with_capacity(cfg.samples);
    let mut t = Transport {
        warmup: cfg.warmup,
        ..Transport::default()
    };
    let started = Instant::now();
    let options = crate::target::SendOptions {
        reuse_connection: true,
        ..Default::default()
    };
    let mut failed_in_a_row = 0usize;
    for i in 0..total {
        // Everything that happens per pair happens in the random order:
        // building (allocation addresses) as well as sending, so that no
        // position effect can favour one class.
        let a_first: bool = rng.gen();
        let (ra, rb) = if a_first {
            let (da, db) = (make_a(), make_b());
            let ra = target.send_with(&da, options).await;
            (ra, target.send_with(&db, options).await)
        } else {
            let (db, da) = (make_b(), make_a());
            let rb = target.send_with(&db, options).await;
            (target.send_with(&da, options).await, rb)
        };
        if let Some(pb) = progress {
            pb.inc(1);
        }
        match (ra, rb) {
            (Ok(ra), Ok(rb)) => {
                failed_in_a_row = 0;
                if i >= cfg.warmup {
                    order.push(a_first);
                    a_ns.push(ra.latency.as_nanos() as f64);
                    b_ns.push(rb.latency.as_nanos() as f64);
                    *t.statuses_a.entry(ra.status).or_insert(0) += 1;
                    *t.statuses_b.entry(rb.status).or_insert(0) += 1;
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                t.failed += 1;
                failed_in_a_row += 1;
                if t.first_error.is_none() {
                    t.first_error = Some(e.to_string());
                }
                if failed_in_a_row >= MAX_CONSECUTIVE_FAILED_PAIRS {
                    t.stopped = Some(format!(
                        "stopped after {failed_in_a_row} pairs in a row without an answer, {} of {total} pairs sent (last error: {e})",
                        i + 1
                    ));
                    break;
                }
            }
        }
    }
    t.seconds = started.elapsed().as_secs_f64();
    let mut report = analyze_ordered(&a_ns, &b_ns, Some(&order), cfg);
    let failed_fraction = t.failed as f64 / total.max(1) as f64;
    if let Some(why) = &t.stopped {
        report.decision = Decision::Inconclusive;
        report.reason = format!("the receiver stopped answering: {why}");
    } else if failed_fraction > cfg.max_failure_fraction {
        report.decision = Decision::Inconclusive;
        report.reason = format!(
            "{} of {total} pairs failed to get an answer (first error: {})",
            t.failed,
            t.first_error.as_deref().unwrap_or("none")
        );
    }
    let accepted: usize = t
        .statuses_a
        .iter()
        .chain(t.statuses_b.iter())
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, c)| c)
        .sum();
    if accepted > 0 {
        report.reason.push_str(&format!(
            "; note: {accepted} forged deliveries were answered 2xx"
        ));
    }
    if t.statuses_a.keys().ne(t.statuses_b.keys()) {
        report.reason.push_str(&format!(
            "; note: the status depends on which byte is wrong ({:?} vs {:?})",
            t.statuses_a, t.statuses_b
        ));
    }
    report.transport = Some(t);
    Ok(report)
}

// ---------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------

/// Analyses paired samples: pair `i` is `(a_ns[i], b_ns[i])`, measured
/// adjacently in a random order. Extra samples of the longer slice and
/// pairs with a non-finite value are ignored. Total: any input gives a
/// report (with too few pairs, an inconclusive one).
pub fn analyze(a_ns: &[f64], b_ns: &[f64], cfg: &TimingConfig) -> TimingReport {
    analyze_ordered(a_ns, b_ns, None, cfg)
}

/// [`analyze`], knowing for each pair whether A was sent first
/// (`a_first[i]`): the estimate then cancels the first-in-pair effect.
/// The tests are the same (they are exact under "no leak" either way).
pub fn analyze_ordered(
    a_ns: &[f64],
    b_ns: &[f64],
    a_first: Option<&[bool]>,
    cfg: &TimingConfig,
) -> TimingReport {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut first = Vec::new();
    for (i, (x, y)) in a_ns.iter().zip(b_ns).enumerate() {
        if x.is_finite() && y.is_finite() {
            a.push(*x);
            b.push(*y);
            first.push(a_first.and_then(|o| o.get(i).copied()));
        }
    }
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
    let n = d.len();
    let bonf = cfg.bonferroni_alpha();

    let wilcoxon = wilcoxon_signed_rank(&d);
    let sign_test = sign_test(&d);
    let mut dudect = dudect(&a, &b);
    dudect.threshold = cfg.dudect_threshold;
    dudect.enough_samples = n >= cfg.dudect_min_samples;
    dudect.leak = dudect.enough_samples && dudect.max_t.abs() > cfg.dudect_threshold;
    let box_test = box_test(&a, &b, cfg.box_quantiles);

    // The estimate: per order stratum when the order is known.
    let stratum = |want: bool| -> Vec<f64> {
        d.iter()
            .zip(&first)
            .filter(|(_, f)| **f == Some(want))
            .map(|(v, _)| *v)
            .collect()
    };
    let (d_af, d_bf) = (stratum(true), stratum(false));
    let seed = cfg.seed ^ 0xb007_57a9;
    let (median_diff_ns, boot, first_in_pair_penalty_ns) = if d_af.len() >= 2 && d_bf.len() >= 2 {
        let (ma, mb) = (median(&d_af), median(&d_bf));
        let ba = bootstrap_medians(&d_af, cfg.bootstrap, seed);
        let bb = bootstrap_medians(&d_bf, cfg.bootstrap, seed.wrapping_add(1));
        let boot: Vec<f64> = ba.iter().zip(&bb).map(|(x, y)| (x + y) / 2.0).collect();
        // A-first: d = δ − P; B-first: d = δ + P.
        ((ma + mb) / 2.0, boot, Some((mb - ma) / 2.0))
    } else {
        (median(&d), bootstrap_medians(&d, cfg.bootstrap, seed), None)
    };
    let ci95_ns = percentile_interval(boot, 0.95);
    let se = (ci95_ns.1 - ci95_ns.0) / (2.0 * norm_ppf(0.975));
    let z_sum = norm_ppf(1.0 - bonf / 2.0) + norm_ppf(cfg.power);
    let resolution = resolution(&a, &b);
    let min_detectable_ns = if se.is_finite() {
        (z_sum * se).max(resolution)
    } else {
        f64::NAN
    };

    // Which tests reject, and in which direction: an early exit makes the
    // last-byte-wrong class (B) slower.
    let mut rejecting = Vec::new();
    let mut reverse = Vec::new();
    let mut judge = |rejects: bool, b_slower: bool, what: String| {
        if rejects {
            if b_slower {
                rejecting.push(what);
            } else {
                reverse.push(what);
            }
        }
    };
    judge(
        wilcoxon.p < bonf,
        wilcoxon.z > 0.0,
        format!("Wilcoxon p={}", fmt_p(wilcoxon.p)),
    );
    judge(
        sign_test.p < bonf,
        sign_test.positive > sign_test.negative,
        format!("sign test p={}", fmt_p(sign_test.p)),
    );
    judge(
        dudect.leak,
        dudect.max_t > 0.0,
        format!("dudect |t|={:.1}", dudect.max_t.abs()),
    );
    let p_min = wilcoxon.p.min(sign_test.p);
    let min_samples = cfg.min_samples.max(2);
    let (decision, reason) = if n < min_samples {
        (
            Decision::Inconclusive,
            format!("only {n} valid pairs; at least {min_samples} are needed"),
        )
    } else if !rejecting.is_empty() && median_diff_ns.abs() < cfg.min_effect_ns {
        (
            Decision::Inconclusive,
            format!(
                "significant ({}) but the estimated difference {} is below the {} that is \
                 called a leak",
                rejecting.join(", "),
                fmt_ns(median_diff_ns),
                fmt_ns(cfg.min_effect_ns)
            ),
        )
    } else if !rejecting.is_empty() {
        (
            Decision::Leak,
            format!(
                "last-byte-wrong deliveries are rejected {} slower ({} at α/3={:.1e})",
                fmt_ns(median_diff_ns),
                rejecting.join(", "),
                bonf
            ),
        )
    } else if !reverse.is_empty() {
        (
            Decision::Inconclusive,
            format!(
                "first-byte-wrong deliveries are rejected {} slower ({}): the opposite of \
                 an early-exit comparison, so a difference elsewhere on the path, not \
                 called a leak",
                fmt_ns(-median_diff_ns),
                reverse.join(", ")
            ),
        )
    } else if p_min < cfg.alpha {
        (
            Decision::Inconclusive,
            format!(
                "borderline: smallest p={} is below α={} but not below α/3; \
                 run again with more samples",
                fmt_p(p_min),
                cfg.alpha
            ),
        )
    } else {
        (
            Decision::NoLeakDetected,
            format!(
                "no test rejected at α/3={bonf:.1e}; a difference below {} could have gone \
                 unnoticed",
                fmt_ns(min_detectable_ns)
            ),
        )
    };

    TimingReport {
        decision,
        reason,
        n,
        median_a_ns: median(&a),
        median_b_ns: median(&b),
        median_diff_ns,
        ci95_ns,
        first_in_pair_penalty_ns,
        min_detectable_ns,
        power: cfg.power,
        alpha: cfg.alpha,
        bonferroni_alpha: bonf,
        wilcoxon,
        sign_test,
        dudect,
        box_test,
        transport: None,
    }
}

/// Sorts a copy of `x` (total order; NaN last).
fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q`-quantile of sorted data (linear interpolation, R type 7); NaN
/// when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    match (sorted.get(lo), sorted.get(hi)) {
        (Some(&l), Some(&u)) => l + (h - lo as f64) * (u - l),
        _ => f64::NAN,
    }
}

/// The median (NaN when empty).
pub fn median(x: &[f64]) -> f64 {
    quantile_sorted(&sorted(x), 0.5)
}

/// The timer's apparent resolution: the smallest positive gap between
/// distinct sample values (0 when unknown).
fn resolution(a: &[f64], b: &[f64]) -> f64 {
    let all = sorted(&[a, b].concat());
    let gap = all
        .windows(2)
        .filter_map(|w| match w {
            [x, y] if y > x => Some(y - x),
            _ => None,
        })
        .fold(f64::INFINITY, f64::min);
    if gap.is_finite() {
        gap
    } else {
        0.0
    }
}

/// Streaming mean and variance (Welford).
#[derive(Debug, Default, Clone, Copy)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }
    fn var(&self) -> f64 {
        if self.n < 2.0 {
            0.0
        } else {
            self.m2 / (self.n - 1.0)
        }
    }
}

/// Welch's t statistic of `b` vs `a` (positive: b has the larger mean).
/// 0 when either side has fewer than 2 samples; ±1e12 for a difference
/// with zero variance on both sides.
fn welch(a: &Moments, b: &Moments) -> f64 {
    if a.n < 2.0 || b.n < 2.0 {
        return 0.0;
    }
    let diff = b.mean - a.mean;
    let se2 = a.var() / a.n + b.var() / b.n;
    if se2 > 0.0 {
        diff / se2.sqrt()
    } else if diff == 0.0 {
        0.0
    } else {
        1e12 * diff.signum()
    }
}

/// Welch's t-test of two independent samples (positive: `b` larger).
pub fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let mut ma = Moments::default();
    let mut mb = Moments::default();
    a.iter().for_each(|&x| ma.push(x));
    b.iter().for_each(|&x| mb.push(x));
    welch(&ma, &mb)
}

/// dudect's crop percentiles: `1 − 0.5^(10·k/100)` for `k = 1..=100`.
pub fn dudect_percentiles() -> impl Iterator<Item = f64> {
    (1..=100).map(|k| 1.0 - 0.5f64.powf(10.0 * f64::from(k) / 100.0))
}

fn dudect(a: &[f64], b: &[f64]) -> Dudect {
    let pooled = sorted(&[a, b].concat());
    let mut best = (0.0f64, None, a.len() + b.len());
    let consider = |t: f64, crop: Option<f64>, m: usize, best: &mut (f64, Option<f64>, usize)| {
        if t.abs() > best.0.abs() {
            *best = (t, crop, m);
        }
    };
    consider(welch_t(a, b), None, a.len() + b.len(), &mut best);
    for p in dudect_percentiles() {
        let thr = quantile_sorted(&pooled, p);
        let mut ma = Moments::default();
        let mut mb = Moments::default();
        a.iter().filter(|&&x| x < thr).for_each(|&x| ma.push(x));
        b.iter().filter(|&&x| x < thr).for_each(|&x| mb.push(x));
        consider(welch(&ma, &mb), Some(p), (ma.n + mb.n) as usize, &mut best);
    }
    let (max_t, crop_percentile, measurements) = best;
    let tau = if measurements > 0 {
        max_t / (measurements as f64).sqrt()
    } else {
        0.0
    };
    Dudect {
        max_t,
        crop_percentile,
        measurements,
        tau,
        measurements_to_t5: (tau != 0.0).then(|| (5.0 / tau).powi(2)),
        threshold: 10.0,
        enough_samples: false,
        leak: false,
    }
}

/// The Wilcoxon signed-rank test of `d` against a symmetric distribution
/// around 0 (zeros dropped, average ranks for ties, normal approximation
/// with tie and continuity correction).
pub fn wilcoxon_signed_rank(d: &[f64]) -> Wilcoxon {
    let mut nz: Vec<f64> = d
        .iter()
        .copied()
        .filter(|x| *x != 0.0 && !x.is_nan())
        .collect();
    nz.sort_by(|x, y| x.abs().total_cmp(&y.abs()));
    let n = nz.len();
    let mut w_plus = 0.0;
    let mut ties = 0.0;
    let mut i = 0;
    while i < n {
        let Some(v) = nz.get(i).map(|x| x.abs()) else {
            break;
        };
        let mut j = i;
        while nz.get(j).is_some_and(|x| x.abs() == v) {
            j += 1;
        }
        // Positions i..j (0-based) share the average of ranks i+1..=j.
        let rank = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        w_plus += rank
            * nz.get(i..j)
                .unwrap_or_default()
                .iter()
                .filter(|x| **x > 0.0)
                .count() as f64;
        i = j;
    }
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - ties / 48.0;
    let diff = w_plus - mean;
    let z = if var > 0.0 && diff.abs() > 0.5 {
        (diff - 0.5 * diff.signum()) / var.sqrt()
    } else {
        0.0
    };
    Wilcoxon {
        w_plus,
        nonzero: n,
        z,
        p: (2.0 * norm_sf(z.abs())).min(1.0),
    }
}

/// The sign test of `d` (zeros dropped; exact binomial, two-sided).
pub fn sign_test(d: &[f64]) -> SignTest {
    let positive = d.iter().filter(|x| **x > 0.0).count();
    let negative = d.iter().filter(|x| **x < 0.0).count();
    let zeros = d.len() - positive - negative;
    let m = positive + negative;
    let k = positive.min(negative);
    SignTest {
        positive,
        negative,
        zeros,
        p: (2.0 * binom_half_cdf(k, m)).min(1.0),
    }
}

/// `P(X ≤ k)` for `X ~ Binomial(m, 1/2)`, summed in log space.
fn binom_half_cdf(k: usize, m: usize) -> f64 {
    if k >= m {
        return 1.0;
    }
    let ln2 = std::f64::consts::LN_2;
    let mut ln_c = 0.0f64; // ln C(m, 0)
    let mut acc = f64::NEG_INFINITY; // log of the running sum
    for i in 0..=k {
        if i > 0 {
            ln_c += ((m - i + 1) as f64).ln() - (i as f64).ln();
        }
        let term = ln_c - m as f64 * ln2;
        acc = if acc == f64::NEG_INFINITY {
            term
        } else {
            let (hi, lo) = if acc > term { (acc, term) } else { (term, acc) };
            hi + (lo - hi).exp().ln_1p()
        };
    }
    acc.exp().min(1.0)
}

/// The box test: is one class's `[q1, q2]` quantile box entirely below
/// the other's?
pub fn box_test(a: &[f64], b: &[f64], quantiles: (f64, f64)) -> BoxTest {
    let (sa, sb) = (sorted(a), sorted(b));
    let (q1, q2) = quantiles;
    let ba = (quantile_sorted(&sa, q1), quantile_sorted(&sa, q2));
    let bb = (quantile_sorted(&sb, q1), quantile_sorted(&sb, q2));
    let outcome = if ba.1 < bb.0 {
        BoxOutcome::AFaster
    } else if bb.1 < ba.0 {
        BoxOutcome::BFaster
    } else {
        BoxOutcome::Overlap
    };
    BoxTest {
        quantiles,
        a: ba,
        b: bb,
        outcome,
    }
}

/// A small, fast, seeded generator (SplitMix64) for the bootstrap, which
/// draws millions of indices (fast even in debug builds).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, n)` (multiply-shift; bias below 2^-32 for n < 2^32).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
    /// Uniform in `(0, 1)`.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// Percentile bootstrap confidence interval (`level`, e.g. 0.95) of the
/// median of `d`, with `resamples` seeded resamples. NaN when empty.
pub fn bootstrap_median_ci(d: &[f64], resamples: usize, seed: u64, level: f64) -> (f64, f64) {
    percentile_interval(bootstrap_medians(d, resamples, seed), level)
}

/// The central `level` interval of `values` (NaN when empty).
fn percentile_interval(mut values: Vec<f64>, level: f64) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    (
        quantile_sorted(&values, tail),
        quantile_sorted(&values, 1.0 - tail),
    )
}

/// The medians of `resamples` seeded bootstrap resamples of `d` (empty
/// when `d` is).
fn bootstrap_medians(d: &[f64], resamples: usize, seed: u64) -> Vec<f64> {
    let n = d.len();
    if n == 0 {
        return Vec::new();
    }
    let s = sorted(d);
    // The median of a resample is an order statistic of the sorted data:
    // count how often each index is drawn and walk the counts.
    let (k_lo, k_hi) = ((n - 1) / 2, n / 2);
    let mut rng = SplitMix64::new(seed);
    let mut counts = vec![0u32; n];
    let mut medians = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            if let Some(c) = counts.get_mut(rng.below(n)) {
                *c += 1;
            }
        }
        let (mut lo, mut hi) = (f64::NAN, f64::NAN);
        let mut seen = 0usize;
        for (i, &c) in counts.iter().enumerate() {
            let next = seen + c as usize;
            let v = s.get(i).copied().unwrap_or(f64::NAN);
            if lo.is_nan() && k_lo < next {
                lo = v;
            }
            if k_hi < next {
                hi = v;
                break;
            }
            seen = next;
        }
        medians.push((lo + hi) / 2.0);
    }
    medians
}

/// `erfc(x)` (Chebyshev fit, fractional error below 1.2e-7 everywhere).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal upper tail `P(Z > z)`.
pub fn norm_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The standard normal quantile (Acklam's approximation, relative error
/// below 1.2e-9). ±infinity at 0 and 1, NaN outside.
pub fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let [a0, a1, a2, a3, a4, a5] = A;
    let [b0, b1, b2, b3, b4] = B;
    let [c0, c1, c2, c3, c4, c5] = C;
    let [d0, d1, d2, d3] = D;
    let tail = |q: f64| {
        (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5)
            / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    };
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
            / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{TestKey, TEST_SECRET};
    use crate::payload::EventFactory;
    use crate::scheme::{SchemeId, SCHEMES};
    use crate::verify::{self, Policy};

    /// Standard normal (Box–Muller).
    fn normal(r: &mut SplitMix64) -> f64 {
        let (u, v) = (r.unit(), r.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Pareto with shape `k` and scale 1 (heavy right tail).
    fn pareto(r: &mut SplitMix64, k: f64) -> f64 {
        r.unit().powf(-1.0 / k)
    }

    /// Standard Cauchy.
    fn cauchy(r: &mut SplitMix64) -> f64 {
        (std::f64::consts::PI * (r.unit() - 0.5)).tan()
    }

    /// Simulates a measurement: `n` pairs, classes in random order inside
    /// each pair, `noise` drawn per request, `shift` added to class B,
    /// plus a slow drift and a penalty for the first request of a pair
    /// (what a busy machine does): neither may create a false "leak".
    fn simulate(
        seed: u64,
        n: usize,
        shift: f64,
        mut noise: impl FnMut(&mut SplitMix64) -> f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut r = SplitMix64::new(seed);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..n {
            let drift = 2000.0 * (i as f64 / 300.0).sin();
            let first = 20_000.0 + drift + 300.0 + noise(&mut r);
            let second = 20_000.0 + drift + noise(&mut r);
            if r.below(2) == 0 {
                a.push(first);
                b.push(second + shift);
            } else {
                b.push(first + shift);
                a.push(second);
            }
        }
        (a, b)
    }

    fn fast_cfg(alpha: f64) -> TimingConfig {
        TimingConfig {
            alpha,
            bootstrap: 40,
            min_samples: 50,
            dudect_min_samples: 200,
            ..TimingConfig::default()
        }
    }

    #[test]
    fn normal_quantiles_and_tails() {
        assert!((norm_ppf(0.975) - 1.959_964).abs() < 1e-5);
        assert!((norm_ppf(0.8) - 0.841_621).abs() < 1e-5);
        assert!((norm_ppf(1e-10) + 6.361_341).abs() < 1e-4);
        assert!((norm_sf(1.959_964) - 0.025).abs() < 1e-7);
        assert!((norm_sf(5.0) / 2.866_515_7e-7 - 1.0).abs() < 1e-5);
        assert!((norm_sf(-1.0) - 0.841_344_7).abs() < 1e-6);
        assert!(norm_ppf(f64::NAN).is_nan() && norm_ppf(2.0).is_nan());
        for p in [1e-12, 1e-4, 0.3, 0.5, 0.9, 1.0 - 1e-9] {
            let z = norm_ppf(p);
            assert!((norm_sf(-z) / p - 1.0).abs() < 1e-5, "p={p}");
        }
    }

    #[test]
    fn sign_and_wilcoxon_match_hand_computed_values() {
        // 5 positive, 1 negative: P(X <= 1) = 7/64, two-sided 14/64.
        let d = [1.0, 2.0, 3.0, 4.0, 5.0, -6.0, 0.0];
        let s = sign_test(&d);
        assert_eq!((s.positive, s.negative, s.zeros), (5, 1, 1));
        assert!((s.p - 14.0 / 64.0).abs() < 1e-12);
        // Ranks 1..5 positive, 6 negative: W+ = 15, mean 10.5, var 22.75,
        // z = (15 - 10.5 - 0.5) / sqrt(22.75).
        let w = wilcoxon_signed_rank(&d);
        assert_eq!(w.w_plus, 15.0);
        assert!((w.z - 4.0 / 22.75f64.sqrt()).abs() < 1e-12);
        // Ties share ranks: |d| = 1,1,2 -> ranks 1.5,1.5,3.
        let w = wilcoxon_signed_rank(&[1.0, -1.0, 2.0]);
        assert_eq!(w.w_plus, 4.5);
        // Large m: the log-space binomial stays finite and tiny.
        let p = binom_half_cdf(100, 10_000);
        assert!(p > 0.0 && p < 1e-300 || p == 0.0);
        assert!((binom_half_cdf(5_000, 10_000) - 0.503_989).abs() < 1e-5);
    }

    #[test]
    fn dudect_crops_and_welch() {
        let ps: Vec<f64> = dudect_percentiles().collect();
        assert_eq!(ps.len(), 100);
        assert!((ps[0] - (1.0 - 0.5f64.powf(0.1))).abs() < 1e-15);
        assert!((ps[99] - (1.0 - 0.5f64.powi(10))).abs() < 1e-15);
        assert!(ps.windows(2).all(|w| w[0] < w[1]));
        let t = welch_t(&[1.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 4.0, 5.0]);
        // Means 2.5 / 3.5, variances 5/3 each: t = 1 / sqrt(2 * 5/12).
        assert!((t - 1.0 / (10.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert_eq!(welch_t(&[1.0], &[2.0, 3.0]), 0.0);
        assert_eq!(welch_t(&[1.0, 1.0], &[2.0, 2.0]), 1e12);
    }

    #[test]
    fn degenerate_inputs_never_panic() {
        let cfg = TimingConfig::default();
        for (a, b) in [
            (vec![], vec![]),
            (vec![1.0], vec![2.0]),
            (vec![f64::NAN; 500], vec![1.0; 500]),
            (vec![f64::INFINITY, 1.0], vec![1.0]),
        ] {
            let r = analyze(&a, &b, &cfg);
            assert_eq!(r.decision, Decision::Inconclusive, "{r}");
            assert!(!r.to_string().is_empty());
            assert!(serde_json::to_string(&r).is_ok());
        }
        // All equal: nothing to detect, and no NaN in the verdict.
        let r = analyze(&[5.0; 500], &[5.0; 500], &cfg);
        assert_eq!(r.decision, Decision::NoLeakDetected, "{r}");
        assert_eq!(r.median_diff_ns, 0.0);
        assert_eq!((r.sign_test.p, r.wilcoxon.p), (1.0, 1.0));
        // Perfect separation with zero variance.
        let r = analyze(&[5.0; 500], &[6.0; 500], &cfg);
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert!(bootstrap_median_ci(&[], 10, 1, 0.95).0.is_nan());
        assert!(TimingConfig::with_samples(0).validate().is_err());
        assert!(TimingConfig::with_samples(MAX_SAMPLES).validate().is_ok());
        assert!(matches!(
            TimingConfig::with_samples(usize::MAX).validate(),
            Err(Error::OutOfRange { .. })
        ));
    }

    #[test]
    fn known_shift_is_detected_with_its_size() {
        // 60 ns shift in Gaussian noise of sd 200 ns per request.
        let (a, b) = simulate(1, 3000, 60.0, |r| 200.0 * normal(r));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.median_diff_ns > 0.0);
        assert!(r.ci95_ns.0 < 60.0 && 60.0 < r.ci95_ns.1, "{r}");
        assert!(r.min_detectable_ns < 60.0, "{r}");
        assert!(r.reason.starts_with("last-byte-wrong"), "{}", r.reason);
        // The opposite direction is not what an early exit does: flagged
        // as inconclusive, never as a leak.
        let r = analyze(&b, &a, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Inconclusive, "{r}");
        assert!(r.reason.starts_with("first-byte-wrong"), "{}", r.reason);
    }

    #[test]
    fn crossover_estimate_cancels_the_first_in_pair_penalty() {
        // Same simulation, but keeping the order: pairs are A-first when
        // the first request landed in `a`.
        let mut r = SplitMix64::new(11);
        let (mut a, mut b, mut order) = (vec![], vec![], vec![]);
        for _ in 0..4000 {
            let first = 20_000.0 + 300.0 + 50.0 * normal(&mut r);
            let second = 20_000.0 + 50.0 * normal(&mut r);
            let a_first = r.below(2) == 0;
            // 20 ns of real difference, a 300 ns first-in-pair penalty,
            // and 100 ns more when B goes first: an order × class
            // interaction, which any AB/BA design counts half into the
            // difference (20 + 100/2 = 70 ns).
            if a_first {
                a.push(first);
                b.push(second + 20.0);
            } else {
                b.push(first + 20.0 + 100.0);
                a.push(second);
            }
            order.push(a_first);
        }
        let cfg = TimingConfig::default();
        let r = analyze_ordered(&a, &b, Some(&order), &cfg);
        let p = r.first_in_pair_penalty_ns.unwrap();
        assert!((p - 350.0).abs() < 15.0, "{p}");
        assert!((r.median_diff_ns - 70.0).abs() < 15.0, "{r}");
        // min_effect_ns turns a significant but small difference into
        // "inconclusive".
        let strict = TimingConfig {
            min_effect_ns: 200.0,
            ..cfg
        };
        let r = analyze_ordered(&a, &b, Some(&order), &strict);
        assert_eq!(r.decision, Decision::Inconclusive, "{r}");
        assert!(r.reason.contains("below"), "{}", r.reason);
    }

    #[test]
    fn tiny_shift_is_not_claimed_and_min_detectable_says_why() {
        // 2 ns in 200 ns noise with 1000 pairs: far below what can be seen.
        let (a, b) = simulate(2, 1000, 2.0, |r| 200.0 * normal(r));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_ne!(r.decision, Decision::Leak, "{r}");
        assert!(r.min_detectable_ns > 2.0, "{r}");
    }

    /// The false-positive rate: 200 seeded null datasets per noise model;
    /// "leak" must come up at most α plus binomial slack.
    #[test]
    fn false_positive_rate_is_controlled() {
        let alpha = 0.05;
        let cfg = fast_cfg(alpha);
        type Noise = fn(&mut SplitMix64) -> f64;
        let models: [(&str, Noise); 3] = [
            ("gaussian", |r| 200.0 * normal(r)),
            ("pareto outliers", |r| {
                100.0 * normal(r)
                    + if r.below(20) == 0 {
                        500.0 * pareto(r, 1.1)
                    } else {
                        0.0
                    }
            }),
            ("cauchy", |r| 100.0 * cauchy(r).clamp(-1e6, 1e6)),
        ];
        for (name, noise) in models {
            let mut leaks = 0;
            for seed in 0..200 {
                let (a, b) = simulate(1000 + seed, 400, 0.0, noise);
                if analyze(&a, &b, &cfg).decision == Decision::Leak {
                    leaks += 1;
                }
            }
            eprintln!("{name}: {leaks}/200 false leaks at α={alpha}");
            // Expected <= 10 of 200; 3 sd of Binomial(200, 0.05) is ~9.
            assert!(leaks <= 19, "{name}: {leaks}/200 false leaks at α={alpha}");
        }
    }

    #[test]
    fn heavy_tails_are_handled_by_the_robust_tests() {
        // 5 % Pareto outliers (infinite variance): the raw t-test is
        // swamped, the rank tests still see a 40 ns shift.
        let (a, b) = simulate(7, 3000, 40.0, |r| {
            100.0 * normal(r)
                + if r.below(20) == 0 {
                    2000.0 * pareto(r, 1.1)
                } else {
                    0.0
                }
        });
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.wilcoxon.p < r.bonferroni_alpha, "{r}");
        assert!(welch_t(&a, &b).abs() < r.dudect.max_t.abs(), "{r:?}");
        // Cauchy noise: the median difference is still estimated.
        let (a, b) = simulate(8, 3000, 50.0, |r| 30.0 * cauchy(r).clamp(-1e7, 1e7));
        let r = analyze(&a, &b, &TimingConfig::default());
        assert_eq!(r.decision, Decision::Leak, "{r}");
        assert!(r.ci95_ns.0 < 50.0 && 50.0 < r.ci95_ns.1, "{r}");
    }

    #[test]
    fn analysis_is_deterministic() {
        let (a, b) = simulate(3, 800, 10.0, |r| 100.0 * normal(r));
        let cfg = TimingConfig::default();
        assert_eq!(analyze(&a, &b, &cfg), analyze(&a, &b, &cfg));
    }

    #[test]
    fn length_pair_is_a_full_length_forgery_and_a_one_byte_short_proof() {
        for s in SCHEMES {
            let key = keys(s.id);
            let events = EventFactory::new("t");
            let ctx = BuildContext {
                scheme: s,
                key: &key,
                wrong_key: &key,
                url: "http://127.0.0.1:8080/hook",
                now: 1_700_000_000,
                events: &events,
            };
            let (a, b) = length_pair(&ctx).unwrap();
            let trust = key.trust();
            for d in [&a, &b] {
                assert!(
                    verify::verify(s, &trust, d, &Policy::at(ctx.now)).is_err(),
                    "{}",
                    s.id
                );
            }
            let size = |d: &Delivery| {
                d.url.len() + d.body.len() + d.headers.iter().map(|(_, v)| v.len()).sum::<usize>()
            };
            assert!(size(&b) < size(&a), "{}", s.id);
        }
    }

    fn keys(id: SchemeId) -> SigningKey {
        match id {
            SchemeId::Smartasset => TestKey::Smartasset1.signing_key().unwrap(),
            SchemeId::Cometh => TestKey::Cometh1.signing_key().unwrap(),
            _ => SigningKey::Secret(TEST_SECRET.into()),
        }
    }

    /// The forged classes differ only in the proof, have the same length,
    /// are rejected by a correct verifier for a mismatch (not a parse
    /// error), and differ from the valid proof at the first (resp. only
    /// the last) encoded character.
    #[test]
    fn forged_pairs_for_every_scheme() {
        for s in SCHEMES {
            let key = keys(s.id);
            let events = EventFactory::new("t");
            let now = 1_700_000_000;
            let ctx = BuildContext {
                scheme: s,
                key: &key,
                wrong_key: &key,
                url: "http://127.0.0.1:8080/hook",
                now,
                events: &events,
            };
            let pair = forged_pair(&ctx).unwrap();
            let (a, b) = (&pair.first_byte_wrong, &pair.last_byte_wrong);
            assert_eq!(a.url.len(), b.url.len(), "{}", s.id);
            assert_eq!(a.body.len(), b.body.len(), "{}", s.id);
            assert_eq!(a.headers.len(), b.headers.len(), "{}", s.id);
            let trust = key.trust();
            for d in [a, b] {
                assert_eq!(
                    verify::verify(s, &trust, d, &Policy::at(now)),
                    Err(verify::Rejection::Mismatch),
                    "{}",
                    s.id
                );
            }
            // Against the valid delivery of the same event (a factory
            // with the same tag makes the same ids): A differs from the
            // proof's first character on, B only in its last characters.
            let events = EventFactory::new("t");
            let valid = BuildContext {
                events: &events,
                ..ctx
            }
            .valid(BodyKind::Plain)
            .unwrap()
            .delivery;
            let flat = |d: &Delivery| {
                let mut v = d.url.clone().into_bytes();
                for (n, h) in &d.headers {
                    v.extend_from_slice(n.as_bytes());
                    v.extend_from_slice(h);
                }
                v.extend_from_slice(&d.body);
                v
            };
            let fv = flat(&valid);
            let diffs = |d: &Delivery| -> Vec<usize> {
                let f = flat(d);
                assert_eq!(f.len(), fv.len(), "{}", s.id);
                (0..f.len()).filter(|&i| f[i] != fv[i]).collect()
            };
            let (da, db) = (diffs(a), diffs(b));
            let enc_len = match s.encoding {
                crate::scheme::Encoding::Hex => pair.proof_len * 2,
                crate::scheme::Encoding::Base64 => pair.proof_len.div_ceil(3) * 4,
                crate::scheme::Encoding::Text => pair.proof_len,
            };
            let start = da[0];
            assert!(db.len() <= 2, "{}: {db:?}", s.id);
            assert!(db[0] >= start + enc_len - 4, "{}: {da:?} {db:?}", s.id);
            assert!(*db.last().unwrap() < start + enc_len, "{}", s.id);
            if s.encoding != crate::scheme::Encoding::Base64 {
                assert_eq!(db, vec![start + enc_len - 1], "{}", s.id);
            }
        }
    }
}
