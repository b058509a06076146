//! Forging: the two classes of forged deliveries (wrong from the first
//! byte, wrong only in the last byte) and the length-leak pair.

use crate::cases::BuildContext;
use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::payload::BodyKind;
use crate::scheme::{Algorithm, CredentialKind};
use crate::sign;
use crate::Error;

/// The two classes of forged deliveries for one scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgedPair {
    /// Class A: the proof wrong from its first byte (and first character).
    pub first_byte_wrong: Delivery,
    /// Class B: the proof wrong only in its last byte (and last character).
    pub last_byte_wrong: Delivery,
    /// Length of the raw proof (bytes compared by a byte-wise comparison).
    pub proof_len: usize,
}

/// Builds the two forged classes from one event: same URL, headers and
/// body (apart from the proof, for envelope schemes), the valid proof
/// edited in its first byte (class A) or only in its last byte (class B),
/// same length and encoding.
///
/// Both classes get the same kind of edit, one bit of one encoded digit,
/// so that a decoder does the same work on both and only the position of
/// the difference changes:
///
/// - HMAC schemes: first byte `^ 0x10` (only the first hex digit changes,
///   `n → n ^ 1`), last byte `^ 0x01` (only the last hex digit changes).
/// - `blink-apikey`: the key's first (resp. last) ASCII character replaced
///   by the next one of its class (`a → b`, `9 → 0`).
/// - Ed25519: R's first hex digit edited so that R still decodes to a
///   curve point; S's last byte `^ 0x01` (S stays canonical).
/// - RSA: the first base64 digit edited so that the representative stays
///   below the modulus; the last byte `^ 0x01` (last base64 digit).
///
/// The deliveries carry `ctx.now`: for `blink-signature` rebuild them if a
/// measurement may outlast the receiver's timestamp tolerance.
pub fn forged_pair(ctx: &BuildContext<'_>) -> Result<ForgedPair, Error> {
    let s = ctx.scheme;
    let (payload, raw) = signed_plain_event(ctx)?;
    let (first, last) = edit_first_and_last(s.algorithm, ctx.key, &raw)?;
    Ok(ForgedPair {
        first_byte_wrong: sign::place_proof(s, &payload, &sign::encode_proof(s, &first))?,
        last_byte_wrong: sign::place_proof(s, &payload, &sign::encode_proof(s, &last))?,
        proof_len: raw.len(),
    })
}

/// The length-leak pair (a length-dependent difference, measured by the
/// tests; not a case of the catalogue):
/// `(A, B)` with A = the proof of the right length, wrong in its first
/// byte; B = the valid proof minus its last byte. A receiver that checks the
/// length first answers B faster; the length is public, so this is
/// information, not a secret leak.
pub fn length_pair(ctx: &BuildContext<'_>) -> Result<(Delivery, Delivery), Error> {
    let s = ctx.scheme;
    let (payload, raw) = signed_plain_event(ctx)?;
    let (first, _) = edit_first_and_last(s.algorithm, ctx.key, &raw)?;
    let short = raw.get(..raw.len().saturating_sub(1)).unwrap_or_default();
    Ok((
        sign::place_proof(s, &payload, &sign::encode_proof(s, &first))?,
        sign::place_proof(s, &payload, &sign::encode_proof(s, short))?,
    ))
}

/// A plain event's payload and its valid raw proof: what both timing pairs
/// edit.
fn signed_plain_event(ctx: &BuildContext<'_>) -> Result<(sign::Payload, Vec<u8>), Error> {
    let s = ctx.scheme;
    let ev = ctx.events.event(s, BodyKind::Plain);
    let payload = ctx.payload(&ev);
    let ts = payload.timestamp.to_string();
    let message = sign::payload_message(s, &payload, &ts);
    let raw = sign::proof(s, ctx.key, &message)?;
    Ok((payload, raw))
}

fn xor_at(raw: &[u8], index: usize, mask: u8) -> Vec<u8> {
    let mut v = raw.to_vec();
    if let Some(b) = v.get_mut(index) {
        *b ^= mask;
    }
    v
}

/// Another character of the same class (lowercase, uppercase, digit),
/// so that a decoder does the same kind of work on both classes.
fn same_class_other(c: u8) -> u8 {
    match c {
        b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => c + 1,
        b'z' => b'a',
        b'Z' => b'A',
        b'9' => b'0',
        _ => b'x',
    }
}

/// Byte masks that change only the high nibble (the first hex digit),
/// one-bit flips first: the edited digit keeps its class where possible.
const HIGH_NIBBLE_MASKS: [u8; 15] = [
    0x10, 0x20, 0x40, 0x80, 0x30, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0,
];

/// Byte masks that change the top six bits (the first base64 digit),
/// one-bit flips of its lowest bit first.
const TOP_SIX_BIT_MASKS: [u8; 6] = [0x04, 0x08, 0x10, 0x20, 0x40, 0x80];

fn edit_first_and_last(
    algorithm: Algorithm,
    key: &SigningKey,
    raw: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    if raw.len() < 2 {
        return Err(Error::TimingProofTooShort { len: raw.len() });
    }
    let last = raw.len() - 1;
    // Both classes get the same kind of edit: one bit of one encoded
    // digit (a hex digit n becomes n ^ 1 ... n ^ 8, same class first).
    match algorithm {
        Algorithm::HmacSha1 | Algorithm::HmacSha256 | Algorithm::HmacSha512 => {
            Ok((xor_at(raw, 0, 0x10), xor_at(raw, last, 0x01)))
        }
        Algorithm::SharedKey => {
            let (Some(&f), Some(&l)) = (raw.first(), raw.last()) else {
                return Err(Error::TimingProofTooShort { len: raw.len() });
            };
            if !f.is_ascii() || !l.is_ascii() {
                return Err(Error::TimingApiKeyNotAscii);
            }
            Ok((
                xor_at(raw, 0, f ^ same_class_other(f)),
                xor_at(raw, last, l ^ same_class_other(l)),
            ))
        }
        Algorithm::Ed25519 => {
            // R must still decode to a curve point, so that strict
            // verifiers do not reject class A before doing any work; S's
            // top byte is below 0x10, so a low-bit flip keeps it canonical.
            let first = HIGH_NIBBLE_MASKS
                .into_iter()
                .map(|m| xor_at(raw, 0, m))
                .find(|cand| {
                    cand.get(..32)
                        .and_then(|r| <[u8; 32]>::try_from(r).ok())
                        .is_some_and(|r| ed25519_dalek::VerifyingKey::from_bytes(&r).is_ok())
                })
                .unwrap_or_else(|| xor_at(raw, 0, 0x10));
            Ok((first, xor_at(raw, last, 0x01)))
        }
        Algorithm::RsaPkcs1v15Sha256 => {
            let SigningKey::Rsa(k) = key else {
                return Err(Error::CredentialMismatch {
                    needed: CredentialKind::RsaPublicKey,
                    given: key.kind(),
                });
            };
            use rsa::traits::PublicKeyParts;
            let n = k.n().to_bytes_be();
            // The representative must stay below the modulus, or the
            // verifier rejects class A without the modular exponentiation.
            let below = |s: &Vec<u8>| s.len() < n.len() || (s.len() == n.len() && *s < n);
            let first = TOP_SIX_BIT_MASKS
                .into_iter()
                .map(|m| xor_at(raw, 0, m))
                .find(&below)
                .unwrap_or_else(|| xor_at(raw, 0, 0x04));
            let last_edit = [0x01u8, 0x02, 0x03]
                .into_iter()
                .map(|m| xor_at(raw, last, m))
                .find(&below)
                .unwrap_or_else(|| xor_at(raw, last, 0x01));
            Ok((first, last_edit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::registry::builtins as schemes;
    use crate::payload::EventFactory;
    use crate::verify::{self, Policy};

    #[test]
    fn length_pair_is_a_full_length_forgery_and_a_one_byte_short_proof() {
        for s in schemes() {
            let key = keys(s.id);
            let events = EventFactory::new("t");
            let ctx = BuildContext {
                scheme: s,
                key: &key,
                wrong_key: &key,
                url: "http://127.0.0.1:8080/hook",
                now: 1_700_000_000,
                events: &events,
            };
            let (a, b) = length_pair(&ctx).unwrap();
            let trust = key.trust();
            for d in [&a, &b] {
                assert!(
                    verify::verify(s, &trust, d, &Policy::at(ctx.now)).is_err(),
                    "{}",
                    s.id
                );
            }
            let size = |d: &Delivery| {
                d.url.len() + d.body.len() + d.headers.iter().map(|(_, v)| v.len()).sum::<usize>()
            };
            // One byte shorter decoded; in base64 a 32-byte tag and a
            // 31-byte one are both 44 characters (padding differs).
            assert!(size(&b) <= size(&a), "{}", s.id);
            if s.encoding != crate::scheme::Encoding::Base64 {
                assert!(size(&b) < size(&a), "{}", s.id);
            }
        }
    }

    fn keys(id: &str) -> SigningKey {
        crate::keys::RoleKeys::of(crate::describe::registry::scheme(id).unwrap())
            .unwrap()
            .signing
    }

    /// The forged classes differ only in the proof, have the same length,
    /// are rejected by a correct verifier for a mismatch (not a parse
    /// error), and differ from the valid proof at the first (resp. only
    /// the last) encoded character.
    #[test]
    fn forged_pairs_for_every_scheme() {
        for s in schemes() {
            let key = keys(s.id);
            let events = EventFactory::new("t");
            let now = 1_700_000_000;
            let ctx = BuildContext {
                scheme: s,
                key: &key,
                wrong_key: &key,
                url: "http://127.0.0.1:8080/hook",
                now,
                events: &events,
            };
            let pair = forged_pair(&ctx).unwrap();
            let (a, b) = (&pair.first_byte_wrong, &pair.last_byte_wrong);
            assert_eq!(a.url.len(), b.url.len(), "{}", s.id);
            assert_eq!(a.body.len(), b.body.len(), "{}", s.id);
            assert_eq!(a.headers.len(), b.headers.len(), "{}", s.id);
            let trust = key.trust();
            for d in [a, b] {
                assert_eq!(
                    verify::verify(s, &trust, d, &Policy::at(now)),
                    Err(verify::Rejection::Mismatch),
                    "{}",
                    s.id
                );
            }
            // Against the valid delivery of the same event (a factory
            // with the same tag makes the same ids): A differs from the
            // proof's first character on, B only in its last characters.
            let events = EventFactory::new("t");
            let valid = BuildContext {
                events: &events,
                ..ctx
            }
            .valid(BodyKind::Plain)
            .unwrap()
            .delivery;
            let flat = |d: &Delivery| {
                let mut v = d.url.clone().into_bytes();
                for (n, h) in &d.headers {
                    v.extend_from_slice(n.as_bytes());
                    v.extend_from_slice(h);
                }
                v.extend_from_slice(&d.body);
                v
            };
            let fv = flat(&valid);
            let diffs = |d: &Delivery| -> Vec<usize> {
                let f = flat(d);
                assert_eq!(f.len(), fv.len(), "{}", s.id);
                (0..f.len()).filter(|&i| f[i] != fv[i]).collect()
            };
            let (da, db) = (diffs(a), diffs(b));
            let enc_len = match s.encoding {
                crate::scheme::Encoding::Hex => pair.proof_len * 2,
                crate::scheme::Encoding::Base64 => pair.proof_len.div_ceil(3) * 4,
                crate::scheme::Encoding::Base64Url => (pair.proof_len * 4).div_ceil(3),
                crate::scheme::Encoding::Text => pair.proof_len,
            };
            let start = da[0];
            assert!(db.len() <= 2, "{}: {db:?}", s.id);
            assert!(db[0] >= start + enc_len - 4, "{}: {da:?} {db:?}", s.id);
            assert!(*db.last().unwrap() < start + enc_len, "{}", s.id);
            if s.encoding != crate::scheme::Encoding::Base64 {
                assert_eq!(db, vec![start + enc_len - 1], "{}", s.id);
            }
        }
    }
}
