//! Verification cost per scheme next to the bare primitive on the same
//! bytes, so the report shows what parsing a delivery adds:
//!
//! - `verify/<scheme>/<size>/bare`: the primitive alone (HMAC-SHA256 via
//!   `hmac`, Ed25519 via `ed25519_dalek`, RSA-2048 PKCS#1 v1.5 via `rsa`,
//!   the digest comparison for the API key), proof already decoded, message
//!   already assembled;
//! - `.../authenticate`: `verify::authenticate` on the full `Delivery`
//!   (header lookup and parsing, decoding, message assembly, the check);
//! - `.../verify`: `verify::verify` (the same plus the event id, which for
//!   most schemes means parsing the body as JSON).
//!
//! Also: constant-time comparison (`subtle` on the bytes, the library's
//! `verify::tags_equal`) against `==`, and vector-file loading.
//! Run: `cargo bench --bench verify` (see benches/README.md).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hookspec::scheme::SchemeId;
use hookspec::verify;
use subtle::ConstantTimeEq;

mod support;
use support::Fixture;

fn per_scheme(c: &mut Criterion) {
    for id in SchemeId::builtins() {
        let mut group = c.benchmark_group(format!("verify/{id}"));
        for size in [1024usize, 64 * 1024] {
            let f = Fixture::new(id, size);
            let label = format!("{}KiB", size / 1024);
            group.bench_function(BenchmarkId::new("bare", &label), |b| b.iter(|| f.bare()));
            group.bench_function(BenchmarkId::new("authenticate", &label), |b| {
                b.iter(|| f.authenticate())
            });
            group.bench_function(BenchmarkId::new("verify", &label), |b| {
                b.iter(|| {
                    verify::verify(f.scheme, &f.trust, black_box(&f.delivery), &f.policy).is_ok()
                })
            });
        }
        group.finish();
    }
}

fn compare(c: &mut Criterion) {
    let a = [0x5au8; 32];
    let mut first = a;
    first[0] ^= 1;
    let mut last = a;
    last[31] ^= 1;
    let mut group = c.benchmark_group("compare32");
    for (name, other) in [
        ("equal", a),
        ("first_differs", first),
        ("last_differs", last),
    ] {
        group.bench_function(BenchmarkId::new("ct_eq", name), |b| {
            b.iter(|| bool::from(black_box(&a[..]).ct_eq(black_box(&other[..]))))
        });
        group.bench_function(BenchmarkId::new("tags_equal", name), |b| {
            b.iter(|| verify::tags_equal(black_box(&a), black_box(&other)))
        });
        group.bench_function(BenchmarkId::new("eq", name), |b| {
            b.iter(|| black_box(&a[..]) == black_box(&other[..]))
        });
    }
    group.finish();
}

fn vector_files(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut group = c.benchmark_group("vectors");
    group.sample_size(20);
    group.bench_function("load_all", |b| {
        b.iter(|| {
            SchemeId::builtins()
                .into_iter()
                .map(|id| {
                    hookspec::vectors::load(hookspec::vectors::path_for(&dir, id))
                        .unwrap()
                        .number_of_tests
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, per_scheme, compare, vector_files);
criterion_main!(benches);
