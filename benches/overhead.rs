//! What parsing a delivery adds to the bare primitive, measured so that
//! machine noise cancels: the two are timed in alternating batches in one
//! process, and each keeps its fastest batch (the run least disturbed by
//! anything else on the machine). Criterion's `verify` bench times them one
//! after the other, minutes apart, so a few percent of drift between them
//! can be read as overhead; this one cannot drift that way.
//!
//! Run: `cargo bench --bench overhead` (prints a table; see
//! benches/README.md). Optional arguments: `BATCHES CALLS_PER_BATCH`
//! (default 400 × 2000).

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

use hookspec::scheme::SchemeId;

mod support;
use support::Fixture;

/// Fastest mean time per call over `batches` batches of `calls` calls, for
/// two functions run in alternating batches.
fn fastest_pair(
    batches: usize,
    calls: u32,
    a: impl Fn() -> bool,
    b: impl Fn() -> bool,
) -> (f64, f64) {
    let mut best = (f64::MAX, f64::MAX);
    let per_call = |t: Instant| t.elapsed().as_secs_f64() * 1e9 / f64::from(calls);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(a());
        }
        best.0 = best.0.min(per_call(t));
        let t = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(b());
        }
        best.1 = best.1.min(per_call(t));
    }
    best
}

fn main() {
    // `cargo bench` passes `--bench`; numbers are optional positionals.
    // Without `--bench` (`cargo test --all-targets` runs benches as tests,
    // unoptimised) one call each: a smoke test that every fixture verifies.
    let bench = std::env::args().any(|a| a == "--bench");
    let numbers: Vec<usize> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let batches = numbers
        .first()
        .copied()
        .unwrap_or(if bench { 400 } else { 1 });
    let calls = numbers
        .get(1)
        .copied()
        .unwrap_or(if bench { 2000 } else { 1 }) as u32;
    if !bench {
        println!("smoke run (not `cargo bench`): one call each, the times mean nothing");
    }
    println!("fastest of {batches} alternating batches of {calls} calls each");
    println!("| scheme | body | bare primitive | authenticate | overhead | ratio |");
    println!("|---|---|---|---|---|---|");
    for id in SchemeId::ALL {
        for size in [1024usize, 64 * 1024] {
            let f = Fixture::new(id, size);
            // Slow primitives (RSA, Ed25519, 64 KiB bodies) get fewer calls.
            let scale = if matches!(id, SchemeId::Cometh | SchemeId::Smartasset) || size > 1024 {
                20
            } else {
                1
            };
            let (bare, auth) = fastest_pair(
                batches,
                (calls / scale).max(1),
                || f.bare(),
                || f.authenticate(),
            );
            println!(
                "| {id} | {} KiB | {bare:.1} ns | {auth:.1} ns | {:+.1} ns | {:.3}× |",
                size / 1024,
                auth - bare,
                auth / bare
            );
        }
    }
}
