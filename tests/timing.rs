//! The timing check (`hookspec::timing`) against receivers whose
//! comparison is known: leaky ones must be reported as `leak`, constant-time
//! ones must not.
//!
//! How these tests stay reliable on a busy 2-core CI machine:
//!
//! - The measurements in this file are serialized by a process-wide lock
//!   (`MEASURE`), so they never compete with each other; cargo runs test
//!   binaries one after another, so nothing else of the suite runs beside
//!   them. (Other processes on the machine are not controlled.)
//! - False positives: the pair order is a seeded coin flip, so under "no
//!   leak" the signs of the paired differences are fair coins whatever the
//!   machine does (load bursts, drift, heavy tails); the sign and
//!   signed-rank tests keep their level under load. The constant-time
//!   receivers are judged at α = 1e-6: a spurious failure about once in a
//!   million runs.
//! - Misses: a leaky receiver gets up to three runs with doubling sample
//!   sizes and must be reported as `leak` by one of them. A leak that is
//!   real stays a leak; only noise can hide it, and each doubling gains a
//!   factor √2 in the test statistic (measured margins: `benches/TIMING.md`).
//! - No assertion is on wall-clock speed.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/timing_receivers.rs"]
mod receivers;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::keys::{RoleKeys, SigningKey};
use hookspec::scheme::SchemeId;
use hookspec::target::{HttpTarget, ServiceTarget, Target, TlsOptions};
use hookspec::timing::{self, Decision, TimingConfig, TimingReport};
use receivers::Compare;

const TIMEOUT: Duration = Duration::from_secs(10);

/// Serializes the measurements of this binary.
static MEASURE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The scheme's own signing key: its test secret decoded as it says
/// (`whsec_…`, hex), or its checked-in signing pair.
fn key_for(scheme: SchemeId) -> SigningKey {
    RoleKeys::of(scheme.scheme()).unwrap().signing
}

async fn measure_scheme(
    scheme: SchemeId,
    target: &dyn Target,
    samples: usize,
    warmup: usize,
    alpha: f64,
) -> TimingReport {
    let pair = receivers::forged_pair(scheme, &key_for(scheme), target.url(), now());
    let cfg = TimingConfig {
        samples,
        warmup,
        alpha,
        ..TimingConfig::default()
    };
    let _serial = MEASURE.lock().await;
    let report = receivers::measure_pair(target, &pair, &cfg).await;
    let t = report.transport.as_ref().unwrap();
    eprintln!(
        "{scheme}: {report}\n  {:.2} s, statuses {:?} / {:?}",
        t.seconds, t.statuses_a, t.statuses_b
    );
    report
}

async fn measure(target: &dyn Target, samples: usize, alpha: f64) -> TimingReport {
    measure_scheme(
        "blockmark".parse::<SchemeId>().unwrap(),
        target,
        samples,
        200,
        alpha,
    )
    .await
}

/// Up to three runs with doubling sample sizes; returns the first `leak`
/// (or the last report).
async fn detect(target: &dyn Target, samples: usize) -> TimingReport {
    let mut last = None;
    for n in [samples, samples * 2, samples * 4] {
        let r = measure(target, n, TimingConfig::default().alpha).await;
        if r.decision == Decision::Leak {
            return r;
        }
        last = Some(r);
    }
    last.unwrap()
}

fn in_process(c: Compare) -> impl Target {
    ServiceTarget::new(receivers::router(c), "http://receiver.test/hook", TIMEOUT).unwrap()
}

async fn over_loopback(c: Compare) -> (receivers::Served, HttpTarget) {
    let served = receivers::serve(c).await;
    let t = HttpTarget::new(&served.url, TIMEOUT, &TlsOptions::default()).unwrap();
    (served, t)
}

fn assert_clean_rejections(r: &TimingReport) {
    let t = r.transport.as_ref().unwrap();
    assert_eq!(t.failed, 0, "{r:?}");
    assert!(t
        .statuses_a
        .keys()
        .chain(t.statuses_b.keys())
        .all(|s| (400..500).contains(s)));
}

#[tokio::test]
async fn early_exit_byte_loop_in_process_is_a_leak() {
    let r = detect(&in_process(Compare::EarlyExit), 5000).await;
    assert_eq!(r.decision, Decision::Leak, "{r}");
    assert!(
        r.median_diff_ns > 0.0,
        "last-byte-wrong must be the slower class: {r}"
    );
    assert_clean_rejections(&r);
}

/// A constant-time comparison in-process: no leak, and a stated (finite,
/// positive) minimum detectable difference.
async fn assert_not_flagged(compare: Compare) {
    let r = measure(&in_process(compare), 4000, 1e-6).await;
    assert_eq!(r.decision, Decision::NoLeakDetected, "{r}");
    assert!(
        r.min_detectable_ns.is_finite() && r.min_detectable_ns > 0.0,
        "{r}"
    );
    assert_clean_rejections(&r);
}

#[tokio::test]
async fn subtle_ct_eq_in_process_is_not_flagged() {
    assert_not_flagged(Compare::Subtle).await;
}

#[tokio::test]
async fn hmac_verify_slice_in_process_is_not_flagged() {
    assert_not_flagged(Compare::HmacVerify).await;
}

/// The comparison the library's verifier (and so the reference receiver)
/// uses: `subtle` over four 64-bit words.
#[tokio::test]
async fn library_check_proof_in_process_is_not_flagged() {
    assert_not_flagged(Compare::Library).await;
}

/// `==` on the two 64-character hex strings is a `memcmp` whose early
/// exit saves about a nanosecond (`benches/TIMING.md`: detected in-process
/// in release builds after 4 000–16 000 pairs, never over loopback, and
/// not in a debug build, whose request path is ~100× noisier). Whatever
/// this run sees, the report must be honest: either a leak in the
/// early-exit direction, or a stated minimum detectable difference well
/// above that nanosecond, so "no leak detected" is not read as "constant
/// time".
#[tokio::test]
async fn hex_string_eq_in_process_is_reported_honestly() {
    let r = measure(&in_process(Compare::HexEq), 4000, 1e-3).await;
    match r.decision {
        Decision::Leak => assert!(r.wilcoxon.z > 0.0 || r.dudect.max_t > 0.0, "{r}"),
        _ => assert!(r.min_detectable_ns > 2.0, "{r}"),
    }
}

#[tokio::test]
async fn slow_per_byte_comparison_over_loopback_is_a_leak() {
    let (_served, t) = over_loopback(Compare::BusyWaitPerByte(Duration::from_micros(3))).await;
    let r = detect(&t, 500).await;
    assert_eq!(r.decision, Decision::Leak, "{r}");
    // 31 equal bytes × 3 µs: at least 60 µs even if the spin overshoots
    // less than expected.
    assert!(r.median_diff_ns > 60_000.0, "{r}");
    assert_clean_rejections(&r);
}

#[tokio::test]
async fn reference_receiver_over_loopback_is_not_flagged() {
    let local = hookspec::demo::start_reference(
        "blockmark".parse::<SchemeId>().unwrap(),
        TEST_SECRET.as_bytes(),
        &[],
    )
    .await
    .unwrap();
    let t = HttpTarget::new(&local.webhook_url, TIMEOUT, &TlsOptions::default()).unwrap();
    let r = measure(&t, 1500, 1e-6).await;
    assert_eq!(r.decision, Decision::NoLeakDetected, "{r}");
    assert!(
        r.min_detectable_ns.is_finite() && r.min_detectable_ns > 0.0,
        "{r}"
    );
    eprintln!(
        "reference receiver: no leak detected; smallest detectable difference {}",
        timing::fmt_ns(r.min_detectable_ns)
    );
    assert_clean_rejections(&r);
}

/// Both forged classes reach the reference receiver of every scheme and
/// are rejected the same way (wiring, not statistics: a few pairs each).
#[tokio::test]
async fn forged_pairs_are_rejected_alike_by_the_reference_receiver_of_every_scheme() {
    for scheme in SchemeId::builtins() {
        let key = key_for(scheme);
        let local = hookspec::demo::start_reference(
            scheme,
            scheme.scheme().test_secret.as_bytes(),
            std::slice::from_ref(&key),
        )
        .await
        .unwrap();
        let t = HttpTarget::new(&local.webhook_url, TIMEOUT, &TlsOptions::default()).unwrap();
        let r = measure_scheme(scheme, &t, 20, 2, 1e-3).await;
        let tr = r.transport.as_ref().unwrap();
        assert_eq!(tr.failed, 0, "{scheme}: {r:?}");
        assert_eq!(tr.statuses_a, tr.statuses_b, "{scheme}");
        assert!(
            tr.statuses_a.keys().all(|s| (400..500).contains(s)),
            "{scheme}: {tr:?}"
        );
        assert_eq!(
            r.decision,
            Decision::Inconclusive,
            "20 pairs are too few: {r}"
        );
    }
}

/// The `cargo test` recipe's gate: linked in-process with `Suite::timing`,
/// the timing case is MUST; an early-exit comparison fails it (and the
/// run), a constant-time one passes.
#[test]
fn the_linked_recipe_gates_on_the_timing_case() {
    use hookspec::runner::Outcome;
    use hookspec::scheme::Level;
    use hookspec::testing::Suite;
    let _quiet = MEASURE.blocking_lock();
    let run = |compare: Compare| {
        let report = Suite::linked("blockmark".parse::<SchemeId>().unwrap(), move |_| {
            receivers::router(compare)
        })
        .path("/hook")
        .secret(TEST_SECRET)
        .timing(4000)
        .configure(|c| c.selection.include = vec![".timing.".into()])
        .run_blocking()
        .unwrap();
        let case = report
            .results
            .iter()
            .find(|r| r.case.id == "blockmark.timing.first-vs-last-byte")
            .cloned()
            .unwrap();
        assert_eq!(case.case.level, Level::Must);
        (
            case,
            hookspec::report::verdict(&report, false, None).exit_code,
        )
    };
    let (leaky, code) = run(Compare::EarlyExit);
    assert_eq!(leaky.outcome, Outcome::Fail, "{}", leaky.detail);
    assert_eq!(code, 1);
    let (clean, code) = run(Compare::Subtle);
    assert_ne!(clean.outcome, Outcome::Fail, "{}", clean.detail);
    assert_eq!(code, 0);
}
