//! Measuring: sending the two classes as adjacent pairs in a seeded random
//! order and timing the answers.

use std::collections::BTreeMap;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{analyze_ordered, Decision, TimingConfig, TimingReport};
use crate::delivery::Delivery;
use crate::target::Target;
use crate::Error;

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
