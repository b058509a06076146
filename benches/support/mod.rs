//! What the `verify` and `overhead` benches share: the signed deliveries
//! and the bare primitives they are compared with.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use hmac::{Hmac, Mac};
use hookspec::delivery::Delivery;
use hookspec::keys::{SigningKey, Trust};
use hookspec::scheme::SchemeId;
use hookspec::scheme::{Algorithm, Scheme};
use hookspec::sign::{self, Payload};
use hookspec::verify::{self, Policy};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const NOW: i64 = 1_700_000_000;
pub const URL: &str = "https://receiver.example/webhooks/blink?tenant=42";

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
    hookspec::keys::RoleKeys::of(id.scheme()).unwrap().signing
}

/// The bare primitive over pre-assembled message bytes and a decoded proof.
fn bare(id: SchemeId, trust: &Trust, message: &[u8], proof: &[u8]) -> bool {
    match (id.scheme().algorithm, trust) {
        (Algorithm::HmacSha256, Trust::Secret(s)) => {
            let mut mac = Hmac::<Sha256>::new_from_slice(s).unwrap();
            mac.update(message);
            mac.verify_slice(proof).is_ok()
        }
        (Algorithm::HmacSha512, Trust::Secret(s)) => {
            let mut mac = Hmac::<sha2::Sha512>::new_from_slice(s).unwrap();
            mac.update(message);
            mac.verify_slice(proof).is_ok()
        }
        (Algorithm::SharedKey, Trust::Secret(s)) => {
            bool::from(Sha256::digest(s).ct_eq(&Sha256::digest(proof)))
        }
        (Algorithm::Ed25519, Trust::Ed25519(keys)) => {
            let sig = ed25519_dalek::Signature::from_slice(proof).unwrap();
            keys[0].verify_strict(message, &sig).is_ok()
        }
        (Algorithm::RsaPkcs1v15Sha256, Trust::Rsa(keys)) => keys[0]
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(message),
                proof,
            )
            .is_ok(),
        _ => unreachable!(),
    }
}

/// One scheme's signed delivery of a given body size, with the assembled
/// message and decoded proof the bare primitive gets.
pub struct Fixture {
    pub id: SchemeId,
    pub scheme: &'static Scheme,
    pub trust: Trust,
    pub delivery: Delivery,
    pub policy: Policy,
    message: Vec<u8>,
    /// The message in the pieces its template makes (`{id}`, `.`, `{ts}`,
    /// `.`, `{body}`): what a receiver has, since the request carries no
    /// contiguous copy of a templated message.
    pieces: Vec<Vec<u8>>,
    proof: Vec<u8>,
}

impl Fixture {
    pub fn new(id: SchemeId, size: usize) -> Self {
        let scheme = id.scheme();
        let key = key(id);
        let trust = key.trust();
        let event = event(size);
        let mut p = Payload::new(URL, event.clone(), NOW);
        p.event_id = Some("dlv_1".into());
        let delivery = sign::sign(scheme, &key, &p).unwrap();
        let policy = Policy::at(NOW);
        // Every `{header:…}` part read from the headers sent (Standard
        // Webhooks signs its `webhook-id`).
        let message = sign::payload_message(scheme, &p, &NOW.to_string());
        let headers = sign::payload_headers(scheme, &p, &NOW.to_string());
        let header = |_, name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_slice())
        };
        let ts = NOW.to_string();
        let pieces: Vec<Vec<u8>> =
            sign::message_parts_with(scheme, ts.as_bytes(), URL.as_bytes(), &event, header)
                .as_slice()
                .iter()
                .map(|p| p.to_vec())
                .collect();
        assert_eq!(pieces.concat(), message);
        let proof = sign::proof(scheme, &key, &message).unwrap();
        let f = Fixture {
            id,
            scheme,
            trust,
            delivery,
            policy,
            message,
            pieces,
            proof,
        };
        assert!(
            f.bare() && f.authenticate(),
            "{id}: the fixture must verify"
        );
        f
    }

    /// The bare primitive on the assembled message and decoded proof.
    pub fn bare(&self) -> bool {
        bare(
            self.id,
            &self.trust,
            black_box(&self.message),
            black_box(&self.proof),
        )
    }

    /// The bare primitive with the tag comparison `verify` uses
    /// (`verify::tags_equal` rather than `verify_slice`), for
    /// the schemes that compare 32-byte tags; `None` for the others. Next to
    /// `authenticate` it isolates what parsing alone costs.
    pub fn bare_word_compare(&self) -> Option<bool> {
        let Trust::Secret(s) = &self.trust else {
            return None;
        };
        let (expected, received): ([u8; 32], [u8; 32]) = match self.id.scheme().algorithm {
            Algorithm::HmacSha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(s).unwrap();
                mac.update(black_box(&self.message));
                (
                    mac.finalize().into_bytes().into(),
                    black_box(&self.proof[..]).try_into().ok()?,
                )
            }
            Algorithm::SharedKey => (
                Sha256::digest(s).into(),
                Sha256::digest(black_box(&self.proof)).into(),
            ),
            _ => return None,
        };
        Some(verify::tags_equal(&expected, &received))
    }

    /// The library's own HMAC-SHA256 (`sign::KeyedHmacSha256`, on `hmac`'s
    /// core type) over the assembled message, with `verify`'s tag
    /// comparison; `None` for other algorithms. Next to `authenticate` it
    /// shows what parsing costs over the very HMAC `verify` computes.
    pub fn bare_library_hmac(&self) -> Option<bool> {
        let (Algorithm::HmacSha256, Trust::Secret(s)) = (self.scheme.algorithm, &self.trust) else {
            return None;
        };
        let expected = sign::KeyedHmacSha256::new(s).tag_of_parts(&[black_box(&self.message)]);
        let received: &[u8; 32] = black_box(&self.proof[..]).try_into().ok()?;
        Some(verify::tags_equal(&expected, received))
    }

    /// The bare HMAC-SHA256 fed the message in its template's pieces
    /// (one `update` each, as a receiver calling the crate directly would,
    /// without concatenating them), for templated messages; `None` for a
    /// message that is the body alone, or another algorithm.
    pub fn bare_pieces(&self) -> Option<bool> {
        let (Algorithm::HmacSha256, Trust::Secret(s)) = (self.scheme.algorithm, &self.trust) else {
            return None;
        };
        if self.pieces.len() < 2 {
            return None;
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(s).unwrap();
        for piece in black_box(&self.pieces) {
            mac.update(piece);
        }
        Some(mac.verify_slice(black_box(&self.proof)).is_ok())
    }

    /// `verify::authenticate` on the whole delivery.
    pub fn authenticate(&self) -> bool {
        verify::authenticate(
            self.scheme,
            &self.trust,
            black_box(&self.delivery),
            &self.policy,
        )
        .is_ok()
    }
}
