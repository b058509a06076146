//! Small `blockmark`-style receivers (`X-Token` = hex HMAC-SHA256 of the
//! empty message) that differ only in how they compare the token: the
//! subjects of `tests/timing.rs` and `benches/timing_power.rs`.
//!
//! Every receiver does the same work before the comparison (read the
//! header, compute the HMAC, decode the hex), so the only difference
//! between the two forged classes is the comparison itself.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use hookspec::cases::BuildContext;
use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::keys::{SigningKey, Trust};
use hookspec::payload::EventFactory;
use hookspec::scheme::SchemeId;
use hookspec::target::Target;
use hookspec::timing::{self, ForgedPair, TimingConfig, TimingReport};
use hookspec::verify;

/// How the receiver compares the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// A byte-by-byte loop over the 32 decoded bytes that returns at the
    /// first difference (no artificial delay).
    EarlyExit,
    /// `==` on the hex strings (the received header vs `hex::encode(mac)`).
    HexEq,
    /// `subtle::ConstantTimeEq` on the decoded bytes.
    Subtle,
    /// `hmac::Mac::verify_slice` on the decoded bytes.
    HmacVerify,
    /// The library's own check, `hookspec::verify::check_proof` (its
    /// word-wise `subtle` comparison), on the decoded bytes.
    Library,
    /// Early exit that also busy-waits this long per *equal* byte (a
    /// comparison that is slow enough to be seen across a network stack).
    BusyWaitPerByte(Duration),
}

impl Compare {
    /// A short name for tables.
    pub fn name(self) -> String {
        match self {
            Compare::EarlyExit => "early-exit byte loop".into(),
            Compare::HexEq => "== on hex strings".into(),
            Compare::Subtle => "subtle::ConstantTimeEq".into(),
            Compare::HmacVerify => "hmac verify_slice".into(),
            Compare::Library => "hookspec verify::check_proof".into(),
            Compare::BusyWaitPerByte(d) => format!("early exit + {} µs/equal byte", d.as_micros()),
        }
    }
}

fn mac() -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(TEST_SECRET.as_bytes()).unwrap();
    m.update(b"");
    m
}

fn early_exit(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for i in 0..a.len() {
        // black_box: keep the loop a loop (no memcmp/vectorisation in
        // optimised builds).
        if std::hint::black_box(a[i]) != std::hint::black_box(b[i]) {
            return false;
        }
    }
    true
}

fn busy_wait_eq(a: &[u8], b: &[u8], per_byte: Duration) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for i in 0..a.len() {
        if a[i] != b[i] {
            return false;
        }
        let until = Instant::now() + per_byte;
        while Instant::now() < until {
            std::hint::spin_loop();
        }
    }
    true
}

fn check(compare: Compare, headers: &HeaderMap) -> bool {
    let Some(token) = headers.get("x-token").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    check_token(compare, token)
}

/// The receiver's whole check of an `X-Token` value (HMAC, hex, compare).
pub fn check_token(compare: Compare, token: &str) -> bool {
    let expected = mac().finalize().into_bytes();
    let expected_hex = hex::encode(expected);
    let Ok(provided) = hex::decode(token) else {
        return false;
    };
    match compare {
        Compare::EarlyExit => early_exit(&provided, &expected),
        Compare::HexEq => token == expected_hex,
        Compare::Subtle => {
            provided.len() == expected.len() && bool::from(provided.ct_eq(&expected))
        }
        Compare::HmacVerify => mac().verify_slice(&provided).is_ok(),
        Compare::Library => verify::check_proof(
            hookspec::describe::registry::scheme("blockmark").unwrap(),
            &Trust::Secret(TEST_SECRET.as_bytes().to_vec()),
            b"",
            &provided,
        )
        .is_ok(),
        Compare::BusyWaitPerByte(d) => busy_wait_eq(&provided, &expected, d),
    }
}

/// The receiver at `POST /hook`: 200 for a valid token, 400 otherwise.
pub fn router(compare: Compare) -> Router {
    Router::new().route(
        "/hook",
        post(move |headers: HeaderMap| async move {
            if check(compare, &headers) {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            }
        }),
    )
}

/// A receiver served on loopback until dropped (the runtime's task ends
/// with the test).
pub struct Served {
    /// The webhook URL.
    pub url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Serves `router(compare)` on a free loopback port.
pub async fn serve(compare: Compare) -> Served {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(compare))
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Served {
        url: format!("http://{addr}/hook"),
        _stop: stop,
    }
}

/// The first-byte-wrong / last-byte-wrong pair for `scheme`, signed with
/// `key`, addressed to `url`, stamped `now`.
pub fn forged_pair(scheme: SchemeId, key: &SigningKey, url: &str, now: i64) -> ForgedPair {
    let events = EventFactory::new("timing");
    let ctx = BuildContext {
        scheme: scheme.scheme(),
        key,
        wrong_key: key,
        url,
        now,
        events: &events,
    };
    timing::forged_pair(&ctx).unwrap()
}

/// Measures `pair` against `target`: class A first byte wrong, class B last.
pub async fn measure_pair(
    target: &dyn Target,
    pair: &ForgedPair,
    cfg: &TimingConfig,
) -> TimingReport {
    timing::measure(
        target,
        || pair.first_byte_wrong.clone(),
        || pair.last_byte_wrong.clone(),
        cfg,
        None,
    )
    .await
    .unwrap()
}
