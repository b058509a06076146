//! Detection power and false-positive rate of the timing check
//! (`hookspec::timing`), measured against receivers that differ only in
//! how they compare the token (`tests/support/timing_receivers.rs`).
//!
//! Run: `cargo bench --bench timing_power` (release build). Knobs (env):
//! `TIMING_REPEATS` (detection runs per comparator, default 5),
//! `TIMING_FPR_RUNS` (runs per constant-time receiver, default 20),
//! `TIMING_FPR_SAMPLES` (pairs per false-positive run, default 2000),
//! `TIMING_MAX_SAMPLES` (largest pair count tried, default 64000),
//! `TIMING_ONLY` (substring of the row names to run).
//! The table and the command are recorded in `benches/TIMING.md`.
//!
//! Under `cargo test` (no `--bench` argument) it only checks that it
//! starts.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/timing_receivers.rs"]
mod receivers;

use std::time::{Duration, Instant};

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::keys::SigningKey;
use hookspec::target::{HttpTarget, ServiceTarget, Target, TlsOptions};
use hookspec::timing::{self, Decision, TimingConfig, TimingReport};
use hookspec::SchemeId;
use receivers::Compare;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run_once(target: &dyn Target, samples: usize, seed: u64) -> TimingReport {
    let key = SigningKey::Secret(TEST_SECRET.into());
    let pair = receivers::forged_pair(
        "blockmark".parse::<SchemeId>().unwrap(),
        &key,
        target.url(),
        1_700_000_000,
    );
    let cfg = TimingConfig {
        samples,
        seed,
        warmup: 200,
        ..TimingConfig::default()
    };
    receivers::measure_pair(target, &pair, &cfg).await
}

enum Subject {
    InProcess(Compare),
    Loopback(Compare),
    Reference,
}

impl Subject {
    fn name(&self) -> String {
        match self {
            Subject::InProcess(c) => format!("in-process, {}", c.name()),
            Subject::Loopback(c) => format!("loopback HTTP, {}", c.name()),
            Subject::Reference => "loopback HTTP, reference receiver (blockmark)".into(),
        }
    }

    async fn with_target<R>(&self, f: impl AsyncFnOnce(&dyn Target) -> R) -> R {
        let timeout = Duration::from_secs(10);
        match self {
            Subject::InProcess(c) => {
                let t =
                    ServiceTarget::new(receivers::router(*c), "http://receiver.test/hook", timeout)
                        .unwrap();
                f(&t).await
            }
            Subject::Loopback(c) => {
                let served = receivers::serve(*c).await;
                let t = HttpTarget::new(&served.url, timeout, &TlsOptions::default()).unwrap();
                f(&t).await
            }
            Subject::Reference => {
                let local = hookspec::demo::start_reference(
                    "blockmark".parse::<SchemeId>().unwrap(),
                    TEST_SECRET.as_bytes(),
                    &[],
                )
                .await
                .unwrap();
                let t =
                    HttpTarget::new(&local.webhook_url, timeout, &TlsOptions::default()).unwrap();
                f(&t).await
            }
        }
    }
}

fn median(v: Vec<f64>) -> f64 {
    timing::median(&v)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("timing_power: run with `cargo bench --bench timing_power`");
        return;
    }
    let repeats = env("TIMING_REPEATS", 5);
    let fpr_runs = env("TIMING_FPR_RUNS", 20);
    let fpr_samples = env("TIMING_FPR_SAMPLES", 2000);
    let max_samples = env("TIMING_MAX_SAMPLES", 64_000);
    let only = std::env::var("TIMING_ONLY").unwrap_or_default();
    let busy = Compare::BusyWaitPerByte(Duration::from_micros(3));

    // Ground truth: the receiver's check alone (HMAC, hex decode,
    // comparison), called directly, one call per class per pair in a
    // seeded random order, each call timed, analysed like a measurement.
    println!("## Cost of the check itself (direct calls, no HTTP; 200 000 pairs)\n");
    println!("| comparison | median ns/call (A, B) | B − A (95% CI) | verdict |");
    println!("|---|---|---|---|");
    {
        use rand::{Rng, SeedableRng};
        let key = SigningKey::Secret(TEST_SECRET.into());
        let pair = receivers::forged_pair(
            "blockmark".parse::<SchemeId>().unwrap(),
            &key,
            "http://receiver.test/hook",
            1_700_000_000,
        );
        let token = |d: &hookspec::Delivery| {
            String::from_utf8(d.header_values("X-Token").next().unwrap().to_vec()).unwrap()
        };
        let (ta, tb) = (token(&pair.first_byte_wrong), token(&pair.last_byte_wrong));
        for c in [
            Compare::EarlyExit,
            Compare::HexEq,
            Compare::Subtle,
            Compare::HmacVerify,
            Compare::Library,
        ] {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
            let (mut a, mut b, mut order) = (vec![], vec![], vec![]);
            let time = |t: &String| {
                let s = Instant::now();
                std::hint::black_box(receivers::check_token(c, std::hint::black_box(t)));
                s.elapsed().as_nanos() as f64
            };
            for _ in 0..200_000 {
                let a_first: bool = rng.gen();
                let (x, y) = if a_first {
                    let x = time(&ta);
                    (x, time(&tb))
                } else {
                    let y = time(&tb);
                    (time(&ta), y)
                };
                a.push(x);
                b.push(y);
                order.push(a_first);
            }
            let r = timing::analyze_ordered(&a, &b, Some(&order), &TimingConfig::default());
            println!(
                "| {} | {:.0}, {:.0} | {} ({} … {}) | {} |",
                c.name(),
                r.median_a_ns,
                r.median_b_ns,
                timing::fmt_ns(r.median_diff_ns),
                timing::fmt_ns(r.ci95_ns.0),
                timing::fmt_ns(r.ci95_ns.1),
                r.decision
            );
        }
    }
    println!();

    println!("## Detection (smallest pair count, doubling from 250, at which a run said `leak`)\n");
    println!("| receiver | runs | detected | pairs needed (median, max) | seconds of that run (median) | median diff | min detectable at that n |");
    println!("|---|---|---|---|---|---|---|");
    let leaky = [
        Subject::InProcess(Compare::EarlyExit),
        Subject::InProcess(Compare::HexEq),
        Subject::Loopback(busy),
        Subject::Loopback(Compare::EarlyExit),
        Subject::Loopback(Compare::HexEq),
    ];
    for (si, s) in leaky.iter().enumerate() {
        if !s.name().contains(&only) {
            continue;
        }
        let (mut needed, mut secs, mut diffs, mut mdes) = (vec![], vec![], vec![], vec![]);
        for r in 0..repeats {
            let found = s
                .with_target(async |t: &dyn Target| {
                    let mut n = 250;
                    while n <= max_samples {
                        let rep = run_once(t, n, (si * 1000 + r) as u64 * 7919 + n as u64).await;
                        if rep.decision == Decision::Leak {
                            let secs = rep.transport.as_ref().map_or(f64::NAN, |t| t.seconds);
                            return Some((n, secs, rep.median_diff_ns, rep.min_detectable_ns));
                        }
                        n *= 2;
                    }
                    None
                })
                .await;
            if let Some((n, s, d, m)) = found {
                needed.push(n as f64);
                secs.push(s);
                diffs.push(d);
                mdes.push(m);
            }
        }
        let max = needed.iter().copied().fold(f64::NAN, f64::max);
        println!(
            "| {} | {repeats} | {} | {}, {} | {:.2} | {} | {} |",
            s.name(),
            needed.len(),
            median(needed.clone()),
            max,
            median(secs),
            timing::fmt_ns(median(diffs)),
            timing::fmt_ns(median(mdes)),
        );
    }

    println!("\n## False positives ({fpr_runs} runs × {fpr_samples} pairs each)\n");
    println!("| receiver | leak | inconclusive | no leak detected | median min detectable | median diff | median seconds/run |");
    println!("|---|---|---|---|---|---|---|");
    let constant = [
        Subject::InProcess(Compare::Subtle),
        Subject::InProcess(Compare::HmacVerify),
        Subject::InProcess(Compare::Library),
        Subject::Loopback(Compare::Subtle),
        Subject::Reference,
    ];
    for (si, s) in constant.iter().enumerate() {
        if !s.name().contains(&only) {
            continue;
        }
        let started = Instant::now();
        let reports = s
            .with_target(async |t: &dyn Target| {
                let mut v = Vec::new();
                for r in 0..fpr_runs {
                    v.push(run_once(t, fpr_samples, (si * 1000 + r) as u64 + 1).await);
                }
                v
            })
            .await;
        let count = |d: Decision| reports.iter().filter(|r| r.decision == d).count();
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2} |",
            s.name(),
            count(Decision::Leak),
            count(Decision::Inconclusive),
            count(Decision::NoLeakDetected),
            timing::fmt_ns(median(
                reports.iter().map(|r| r.min_detectable_ns).collect()
            )),
            timing::fmt_ns(median(reports.iter().map(|r| r.median_diff_ns).collect())),
            started.elapsed().as_secs_f64() / fpr_runs.max(1) as f64,
        );
        for r in reports
            .iter()
            .filter(|r| r.decision != Decision::NoLeakDetected)
        {
            println!("|  | ↳ {r} | | | | | |");
        }
    }
}
