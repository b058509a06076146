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

use std::fmt;

use serde::Serialize;

use crate::Error;

mod analysis;
mod forge;
mod histogram;
mod measure;
mod stats;

pub use analysis::{analyze, analyze_ordered};
pub use forge::{forged_pair, length_pair, ForgedPair};
pub use histogram::{TimingHistogram, MAX_HISTOGRAM_BINS};
pub use measure::{measure, Transport, MAX_CONSECUTIVE_FAILED_PAIRS};
pub use stats::{
    bootstrap_median_ci, box_test, dudect_percentiles, median, norm_ppf, norm_sf, quantile_sorted,
    sign_test, welch_t, wilcoxon_signed_rank, SplitMix64,
};

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
        let bad = |setting| Err(Error::InvalidTiming { setting });
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
            return bad(TimingSetting::Alpha);
        }
        if !(self.power > 0.0 && self.power < 1.0) {
            return bad(TimingSetting::Power);
        }
        let (q1, q2) = self.box_quantiles;
        if !(0.0..=1.0).contains(&q1) || !(0.0..=1.0).contains(&q2) || q1 > q2 {
            return bad(TimingSetting::BoxQuantiles);
        }
        if !(0.0..=1.0).contains(&self.max_failure_fraction) {
            return bad(TimingSetting::MaxFailureFraction);
        }
        if self.min_effect_ns.is_nan() || self.min_effect_ns < 0.0 {
            return bad(TimingSetting::MinEffect);
        }
        Ok(())
    }
}

/// A [`TimingConfig`] setting with a range of its own (see
/// [`TimingConfig::validate`] and [`Error::InvalidTiming`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimingSetting {
    /// [`TimingConfig::alpha`].
    Alpha,
    /// [`TimingConfig::power`].
    Power,
    /// [`TimingConfig::box_quantiles`].
    BoxQuantiles,
    /// [`TimingConfig::max_failure_fraction`].
    MaxFailureFraction,
    /// [`TimingConfig::min_effect_ns`].
    MinEffect,
}

impl TimingSetting {
    /// What a value of the setting must be (`be in (0, 1)`).
    pub fn requirement(self) -> &'static str {
        match self {
            TimingSetting::Alpha | TimingSetting::Power => "be in (0, 1)",
            TimingSetting::BoxQuantiles => "satisfy 0 <= q1 <= q2 <= 1",
            TimingSetting::MaxFailureFraction => "be in [0, 1]",
            TimingSetting::MinEffect => "be a number >= 0",
        }
    }
}

impl std::fmt::Display for TimingSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimingSetting::Alpha => "alpha",
            TimingSetting::Power => "power",
            TimingSetting::BoxQuantiles => "box quantiles",
            TimingSetting::MaxFailureFraction => "max failure fraction",
            TimingSetting::MinEffect => "min effect",
        })
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
    /// The two classes' distributions over common bins, for drawing them
    /// (bounded: at most [`MAX_HISTOGRAM_BINS`] bins, never the samples);
    /// `None` without a valid pair.
    pub histogram: Option<TimingHistogram>,
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

/// A p-value for a report: three decimals, or scientific below 0.001.
pub fn fmt_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}
