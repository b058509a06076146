//! What parsing a delivery adds to the bare primitive, measured so that
//! machine noise cancels: the functions are timed in alternating batches in
//! one process, and each keeps its fastest batch (the run least disturbed by
//! anything else on the machine). Criterion's `verify` bench times them one
//! after the other, minutes apart, so a few percent of drift between them
//! can be read as overhead; this one cannot drift that way.
//!
//! Columns: the bare primitive as a receiver calls the crates (HMAC via
//! `verify_slice`), `authenticate`, and for the schemes that compare
//! 32-byte tags the bare primitive with `verify`'s own word-wise tag
//! comparison, so that what parsing alone costs is shown too, and the
//! library's own HMAC (`sign::KeyedHmacSha256`, which `verify` computes)
//! over the assembled message. Ratios: of the fastest batches, and the
//! median of the per-round ratios.
//!
//! Run: `cargo bench --bench overhead` (prints a table; see
//! benches/README.md). Optional arguments: `BATCHES CALLS_PER_BATCH`
//! (default 400 × 2000).

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

use hookspec::scheme::SchemeId;

mod support;
use support::Fixture;

/// Mean time per call of each batch, `batches` batches of `calls` calls
/// of each function, the functions run in alternating batches:
/// `times[function][batch]`.
fn batches_of(batches: usize, calls: u32, fns: &[&dyn Fn() -> bool]) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(batches); fns.len()];
    for _ in 0..batches {
        for (f, times) in fns.iter().zip(&mut times) {
            let t = Instant::now();
            for _ in 0..calls {
                std::hint::black_box(f());
            }
            times.push(t.elapsed().as_secs_f64() * 1e9 / f64::from(calls));
        }
    }
    times
}

/// The fastest batch of one function.
fn fastest(times: &[f64]) -> f64 {
    times.iter().copied().fold(f64::MAX, f64::min)
}

/// The median, over the rounds, of `a`'s batch time over `b`'s in the same
/// round: the two ran a millisecond apart, so a slower or faster stretch of
/// the machine divides out of each ratio, and the median drops the rounds
/// something else disturbed.
fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    let mut r: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    r.sort_by(f64::total_cmp);
    r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
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
    println!("| scheme | body | bare primitive | authenticate | overhead | ratio | median paired ratio | bare, word compare | parsing alone | bare, message in pieces | ratio to it | library HMAC | ratio to it |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    // `OVERHEAD_SCHEMES=svix,stripe` runs only those (profiling one scheme).
    let only = std::env::var("OVERHEAD_SCHEMES").unwrap_or_default();
    // `OVERHEAD_SIZES=1024` runs only that body size.
    let sizes = std::env::var("OVERHEAD_SIZES").unwrap_or_default();
    let wanted = |id: &SchemeId| only.is_empty() || only.split(',').any(|s| s == id.as_str());
    for id in SchemeId::builtins().into_iter().filter(wanted) {
        for size in [1024usize, 64 * 1024]
            .into_iter()
            .filter(|s| sizes.is_empty() || sizes.split(',').any(|w| w == s.to_string()))
        {
            let f = Fixture::new(id, size);
            // Slow primitives (RSA, Ed25519, 64 KiB bodies) get fewer calls.
            let scale = if matches!(id.as_str(), "cometh" | "smartasset") || size > 1024 {
                20
            } else {
                1
            };
            let calls = (calls / scale).max(1);
            let word = f.bare_word_compare().is_some();
            let in_pieces = f.bare_pieces().is_some();
            let library = f.bare_library_hmac().is_some();
            let (bare, auth) = (|| f.bare(), || f.authenticate());
            let bare_word = || f.bare_word_compare().unwrap_or(false);
            let bare_pieces = || f.bare_pieces().unwrap_or(false);
            let bare_library = || f.bare_library_hmac().unwrap_or(false);
            let mut fns: Vec<&dyn Fn() -> bool> = vec![&bare, &auth];
            if word {
                fns.push(&bare_word);
            }
            if in_pieces {
                fns.push(&bare_pieces);
            }
            if library {
                fns.push(&bare_library);
            }
            let times = batches_of(batches, calls, &fns);
            let best: Vec<f64> = times.iter().map(|t| fastest(t)).collect();
            let (bare, auth) = (best[0], best[1]);
            let paired = median_ratio(&times[1], &times[0]);
            let parsing = match (word, best.get(2)) {
                (true, Some(w)) => format!("{w:.1} ns | {:+.1} ns ({:.3}×)", auth - w, auth / w),
                _ => "— | —".to_owned(),
            };
            // The optional columns, in the order they were pushed.
            let mut optional = best.iter().skip(if word { 3 } else { 2 });
            let mut column = |present: bool| match present.then(|| optional.next()).flatten() {
                Some(t) => format!("{t:.1} ns | {:.3}×", auth / t),
                None => "— | —".to_owned(),
            };
            let pieces = column(in_pieces);
            let library = column(library);
            println!(
                "| {id} | {} KiB | {bare:.1} ns | {auth:.1} ns | {:+.1} ns | {:.3}× | {paired:.3}× | {parsing} | {pieces} | {library} |",
                size / 1024,
                auth - bare,
                auth / bare
            );
        }
    }
}
