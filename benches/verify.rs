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
//! Also: constant-time comparison against `==`, and vector-file loading.
//! Run: `cargo bench --bench verify` (see benches/README.md).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hmac::{Hmac, Mac};
use hookspec::keys::test_keys::{TestKey, TEST_SECRET};
use hookspec::keys::{SigningKey, Trust};
use hookspec::scheme::SchemeId;
use hookspec::sign::{self, Payload};
use hookspec::verify::{self, Policy};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const NOW: i64 = 1_700_000_000;
const URL: &str = "https://receiver.example/webhooks/blink?tenant=42";

/// A realistic compact event of exactly `size` bytes.
fn event(size: usize) -> Vec<u8> {
    let head = r#"{"id":"evt_0001","type":"alert.raised","data":{"slug":"s-1","raw":{"id":"r-1"}},"pad":""#;
    let tail = r#""}"#;
    let mut e = head.as_bytes().to_vec();
    e.resize(size - tail.len(), b'x');
    e.extend_from_slice(tail.as_bytes());
    assert_eq!(e.len(), size);
    e
}

fn key(id: SchemeId) -> SigningKey {
    match id {
        SchemeId::Smartasset => TestKey::Smartasset1.signing_key().unwrap(),
        SchemeId::Cometh => TestKey::Cometh1.signing_key().unwrap(),
        _ => SigningKey::Secret(TEST_SECRET.as_bytes().to_vec()),
    }
}

/// The bare primitive over pre-assembled message bytes and a decoded proof.
fn bare(id: SchemeId, trust: &Trust, message: &[u8], proof: &[u8]) -> bool {
    match (id, trust) {
        (
            SchemeId::Blockmark | SchemeId::Certifylize | SchemeId::BlinkSignature,
            Trust::Secret(s),
        ) => {
            let mut mac = Hmac::<Sha256>::new_from_slice(s).unwrap();
            mac.update(message);
            mac.verify_slice(proof).is_ok()
        }
        (SchemeId::BlinkApiKey, Trust::Secret(s)) => {
            bool::from(Sha256::digest(s).ct_eq(&Sha256::digest(proof)))
        }
        (SchemeId::Smartasset, Trust::Ed25519(keys)) => {
            let sig = ed25519_dalek::Signature::from_slice(proof).unwrap();
            keys[0].verify_strict(message, &sig).is_ok()
        }
        (SchemeId::Cometh, Trust::Rsa(keys)) => keys[0]
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(message),
                proof,
            )
            .is_ok(),
        _ => unreachable!(),
    }
}

fn per_scheme(c: &mut Criterion) {
    for id in SchemeId::ALL {
        let scheme = id.scheme();
        let key = key(id);
        let trust = key.trust();
        let mut group = c.benchmark_group(format!("verify/{id}"));
        for size in [1024usize, 64 * 1024] {
            let event = event(size);
            let mut p = Payload::new(URL, event.clone(), NOW);
            p.event_id = Some("dlv_1".into());
            let d = sign::sign(scheme, &key, &p).unwrap();
            let policy = Policy::at(NOW);
            assert!(verify::verify(scheme, &trust, &d, &policy).is_ok());
            let message = sign::signed_message(scheme, &NOW.to_string(), URL, &event);
            let proof = sign::proof(scheme, &key, &message).unwrap();
            assert!(bare(id, &trust, &message, &proof));
            let label = format!("{}KiB", size / 1024);
            group.bench_function(BenchmarkId::new("bare", &label), |b| {
                b.iter(|| bare(id, &trust, black_box(&message), black_box(&proof)))
            });
            group.bench_function(BenchmarkId::new("authenticate", &label), |b| {
                b.iter(|| verify::authenticate(scheme, &trust, black_box(&d), &policy).is_ok())
            });
            group.bench_function(BenchmarkId::new("verify", &label), |b| {
                b.iter(|| verify::verify(scheme, &trust, black_box(&d), &policy).is_ok())
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
            SchemeId::ALL
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
