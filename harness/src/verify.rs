//! The verification engine: one function over every [`Scheme`] description.
//!
//! Used by the reference receiver and to check the vectors. Secrets are
//! compared in constant time; every parser on the way is total.

use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::delivery::{Delivery, HeaderLookup};
use crate::encoding::{self, DecodeError};
use crate::keys::Trust;
use crate::parse::{self, ParseError};
use crate::scheme::{Algorithm, Carrier, Encoding, EventId, HeaderReads, MessagePart, Scheme};
use crate::sign;

mod lane;

/// The default accepted clock difference for timestamped schemes, in
/// seconds (the window Stripe and Standard Webhooks use).
pub const DEFAULT_TOLERANCE_S: u64 = 300;

/// The largest body the verifier parses as JSON (an envelope, an event id).
pub const MAX_JSON_BODY: usize = 1 << 20;

/// The receiver's side of the verification: its clock and its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The receiver's clock, in unix seconds.
    pub now: i64,
    /// Accepted difference between `now` and a signed timestamp, in seconds.
    pub tolerance_s: u64,
}

impl Policy {
    /// The policy at the given time with the default tolerance.
    pub fn at(now: i64) -> Self {
        Policy {
            now,
            tolerance_s: DEFAULT_TOLERANCE_S,
        }
    }
}

/// An accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The delivery's event id, if the scheme's rule finds one.
    pub event_id: Option<String>,
}

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The proof is absent.
    #[error("{0} is missing")]
    Missing(&'static str),
    /// The proof (or the envelope carrying it) cannot be parsed.
    #[error("{what} is malformed: {why}")]
    Malformed {
        /// Which part.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// The proof is well-formed but does not match.
    #[error("signature does not match")]
    Mismatch,
    /// The signed timestamp is outside the accepted window.
    #[error("timestamp {timestamp} is {skew} s away from now; the window is ±{tolerance} s")]
    OutsideWindow {
        /// The signed timestamp.
        timestamp: i64,
        /// `timestamp - now`.
        skew: i128,
        /// The window.
        tolerance: u64,
    },
}

impl Rejection {
    /// The status a receiver answers with, following the vendor's document
    /// where it has one: the "missing" status for an absent proof (or one
    /// without its prefix), the "invalid" status for a malformed or wrong
    /// one, 400 for a body that is not the documented envelope, and 401
    /// where the vendor documents nothing.
    pub fn status(&self, scheme: &Scheme) -> u16 {
        match self {
            Rejection::Missing(_) => scheme.statuses.missing.unwrap_or(401),
            Rejection::Malformed { what, .. } if *what == "body" => 400,
            Rejection::Malformed { .. } | Rejection::Mismatch | Rejection::OutsideWindow { .. } => {
                scheme.statuses.invalid.unwrap_or(401)
            }
        }
    }
}

fn malformed(what: &'static str) -> impl Fn(ParseError) -> Rejection {
    move |e| match e {
        // The seeds treat an absent prefix like an absent signature.
        ParseError::Empty | ParseError::MissingPrefix(_) => Rejection::Missing(what),
        e => Rejection::Malformed {
            what,
            why: e.to_string(),
        },
    }
}

fn decode(what: &'static str) -> impl Fn(DecodeError) -> Rejection {
    move |e| match e {
        DecodeError::Empty => Rejection::Missing(what),
        e => Rejection::Malformed {
            what,
            why: e.to_string(),
        },
    }
}

/// The headers a verification reads ([`HeaderReads`]), found in one pass.
struct Headers<'a> {
    delivery: &'a Delivery,
    found: [HeaderLookup<'a>; HeaderReads::MAX],
}

impl<'a> Headers<'a> {
    fn of(scheme: &Scheme, delivery: &'a Delivery) -> Self {
        Headers {
            delivery,
            found: delivery.find_headers(scheme.reads.names()),
        }
    }

    /// The header `name`, found in `slot` (or looked up on its own when
    /// the reads had no slot for it).
    fn get(&self, slot: Option<usize>, name: &str) -> HeaderLookup<'a> {
        match slot.and_then(|s| self.found.get(s)) {
            Some(found) => *found,
            None => self.delivery.header(name),
        }
    }

    /// The value of the single field `name` (in `slot`), if there is one.
    fn one(&self, slot: Option<usize>, name: &str) -> Option<&'a [u8]> {
        match self.get(slot, name) {
            HeaderLookup::One(v) => Some(v),
            HeaderLookup::Absent | HeaderLookup::Repeated => None,
        }
    }
}

/// The single field `name` (in `slot`): absent is missing, repeated is
/// malformed.
fn single_header<'a>(
    h: &Headers<'a>,
    slot: Option<usize>,
    name: &'static str,
) -> Result<&'a [u8], Rejection> {
    match h.get(slot, name) {
        HeaderLookup::Absent => Err(Rejection::Missing(name)),
        HeaderLookup::Repeated => Err(Rejection::Malformed {
            what: name,
            why: "the header appears more than once".into(),
        }),
        HeaderLookup::One(v) => Ok(v),
    }
}

/// Decoded proof bytes: an HMAC-SHA256 tag (the common case, checked on
/// every delivery) on the stack, anything else on the heap.
enum Proof {
    Tag32([u8; 32]),
    Heap(Vec<u8>),
}

impl Proof {
    fn as_slice(&self) -> &[u8] {
        match self {
            Proof::Tag32(tag) => tag,
            Proof::Heap(v) => v,
        }
    }
}

/// The one spelling of a 32-byte tag in `encoding`, decoded on the stack
/// by the fixed-size decoders: 64 hex digits ([`encoding::decode_hex_32`])
/// or 44 characters of canonical padded base64
/// ([`encoding::decode_base64_32`]). `None` for anything else, which the
/// general decoder then reads (or refuses, with its error). Both accept
/// only the hex or base64 alphabet and `=`, as the parsers' fast paths
/// require.
fn decode_tag32(encoding: Encoding, text: &[u8]) -> Option<[u8; 32]> {
    match encoding {
        Encoding::Hex => encoding::decode_hex_32(text.try_into().ok()?),
        Encoding::Base64 => encoding::decode_base64_32(text.try_into().ok()?),
        Encoding::Base64Url | Encoding::Text => None,
    }
}

/// Decodes a proof's text in the scheme's encoding, keeping a 32-byte tag
/// on the stack (hex or base64; everything else through
/// [`Encoding::decode`], with its errors).
fn decode_text(scheme: &Scheme, text: &[u8]) -> Result<Proof, DecodeError> {
    match decode_tag32(scheme.encoding, text) {
        Some(tag) => Ok(Proof::Tag32(tag)),
        None => scheme.encoding.decode(text).map(Proof::Heap),
    }
}

/// The timestamp of a scheme whose timestamp has a header of its own:
/// absent there is a missing timestamp, a non-canonical one is malformed.
/// The header is the one [`HeaderReads`] found with the others, so a
/// message that signs it reads the same value.
fn header_timestamp<'a>(
    scheme: &Scheme,
    h: &Headers<'a>,
) -> Result<Option<Timestamp<'a>>, Rejection> {
    let Some(name) = scheme.timestamp_header() else {
        return Ok(None);
    };
    let text = single_header(h, scheme.reads.timestamp(), name)?;
    // The canonical form senders write, read without `str` parsing; the
    // general parser for anything else (and for the error).
    let ts = match parse::short_canonical_timestamp(text) {
        Some(ts) => ts,
        None => std::str::from_utf8(text)
            .map_err(|_| ParseError::BadTimestamp("not UTF-8".into()))
            .and_then(parse::canonical_timestamp)
            .map_err(|e| Rejection::Malformed {
                what: name,
                why: e.to_string(),
            })?,
    };
    Ok(Some(Timestamp { value: ts, text }))
}

/// Decodes a proof in the scheme's encoding.
fn decode_proof(scheme: &Scheme, text: &str) -> Result<Proof, Rejection> {
    decode_text(scheme, text.as_bytes()).map_err(decode("signature"))
}

/// The two members of a body envelope, by the names the scheme gives
/// them, read from a JSON object without building the rest of it. A member
/// that appears twice is an error (never guessed at), like serde's own
/// duplicate-field check.
struct Envelope<'a> {
    event: &'a serde_json::value::RawValue,
    signature: String,
}

fn read_envelope<'a>(
    text: &'a str,
    event_field: &str,
    signature_field: &str,
) -> Result<Envelope<'a>, String> {
    use serde::de::{Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
    struct V<'f> {
        event: &'f str,
        signature: &'f str,
    }
    impl<'de> Visitor<'de> for V<'_> {
        type Value = Envelope<'de>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(
                f,
                "an object with `{}` and `{}`",
                self.event, self.signature
            )
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut event, mut signature) = (None, None);
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.event {
                    let v: &'de serde_json::value::RawValue = map.next_value()?;
                    if event.replace(v).is_some() {
                        return Err(A::Error::custom(format!("duplicate field `{key}`")));
                    }
                } else if key == self.signature {
                    let v: String = map.next_value()?;
                    if signature.replace(v).is_some() {
                        return Err(A::Error::custom(format!("duplicate field `{key}`")));
                    }
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            match (event, signature) {
                (Some(event), Some(signature)) => Ok(Envelope { event, signature }),
                (None, _) => Err(A::Error::missing_field("event member")),
                (_, None) => Err(A::Error::missing_field("signature member")),
            }
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let env = (&mut de)
        .deserialize_map(V {
            event: event_field,
            signature: signature_field,
        })
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(env)
}

/// A signed timestamp as found in a delivery.
#[derive(Clone, Copy)]
struct Timestamp<'a> {
    /// Unix seconds.
    value: i64,
    /// As written (canonical decimal, as signed).
    text: &'a [u8],
}

impl<'a> Timestamp<'a> {
    /// From a key/value list's timestamp item.
    fn listed(parts: &parse::TimestampedParts<'a>) -> Self {
        Timestamp {
            value: parts.timestamp,
            text: parts.timestamp_text,
        }
    }
}

/// Finds the proof and the signed message in a delivery.
struct Located<'a> {
    proof: Proof,
    /// More candidate proofs (a list of signatures: any one may match).
    more: Vec<Proof>,
    /// The signed timestamp.
    timestamp: Option<Timestamp<'a>>,
    /// The signed event bytes (a slice of the body).
    event: &'a [u8],
}

impl<'a> Located<'a> {
    /// One proof over `event`.
    fn one(proof: Proof, timestamp: Option<Timestamp<'a>>, event: &'a [u8]) -> Self {
        Located {
            proof,
            more: Vec::new(),
            timestamp,
            event,
        }
    }
}

fn locate<'a>(scheme: &Scheme, h: &Headers<'a>) -> Result<Located<'a>, Rejection> {
    let d = h.delivery;
    let proof_slot = scheme.reads.proof();
    match scheme.carrier {
        Carrier::Header { name, prefix } => {
            let value = single_header(h, proof_slot, name)?;
            let tag = |t: &[u8]| decode_tag32(scheme.encoding, t);
            let proof = match parse::prefixed_tag32(value, prefix, tag) {
                Some(tag) => Proof::Tag32(tag),
                None => decode_proof(
                    scheme,
                    parse::prefixed(value, prefix).map_err(malformed(name))?,
                )?,
            };
            Ok(Located::one(proof, header_timestamp(scheme, h)?, &d.body))
        }
        Carrier::QueryOrHeader { query, header } => {
            let mut candidates: Vec<Vec<u8>> = d
                .query_values(query)
                .into_iter()
                .map(String::into_bytes)
                .collect();
            candidates.extend(d.header_values(header).map(<[u8]>::to_vec));
            let Some(first) = candidates.first() else {
                return Err(Rejection::Missing("API key"));
            };
            if candidates.iter().any(|c| c != first) {
                return Err(Rejection::Malformed {
                    what: "API key",
                    why: "conflicting values in the query and/or headers".into(),
                });
            }
            let text = parse::visible_ascii(first).map_err(malformed("API key"))?;
            Ok(Located::one(
                Proof::Heap(text.as_bytes().to_vec()),
                header_timestamp(scheme, h)?,
                &d.body,
            ))
        }
        Carrier::TimestampedHeader {
            name,
            repeatable: true,
            ..
        } => {
            let value = single_header(h, proof_slot, name)?;
            let Some(list) = scheme.carrier.kv_list() else {
                return Err(Rejection::Missing(name));
            };
            // One proof in the sender's exact form: what the general path
            // below reads as a one-proof list.
            if scheme.encoding == Encoding::Hex {
                if let Some((parts, tag)) = parse::timestamped_hex32(value, &list) {
                    let ts = Some(Timestamp::listed(&parts));
                    return Ok(Located::one(Proof::Tag32(tag), ts, &d.body));
                }
            }
            let (ts, ts_text, sigs) =
                parse::timestamped_all(value, &list).map_err(malformed(name))?;
            let mut proofs = sigs.into_iter().map(|s| {
                decode_text(scheme, s).map_err(|e| malformed(name)(ParseError::Decode(e)))
            });
            let Some(proof) = proofs.next() else {
                return Err(Rejection::Missing(name));
            };
            Ok(Located {
                proof: proof?,
                more: proofs.collect::<Result<_, _>>()?,
                timestamp: Some(Timestamp {
                    value: ts,
                    text: ts_text,
                }),
                event: &d.body,
            })
        }
        Carrier::VersionedList {
            name,
            list_separator,
            version_separator,
            accept,
        } => {
            let value = single_header(h, proof_slot, name)?;
            let tag = |t: &[u8]| decode_tag32(scheme.encoding, t);
            if let Some(tag) =
                parse::versioned_tag32(value, list_separator, version_separator, accept, tag)
            {
                return Ok(Located::one(
                    Proof::Tag32(tag),
                    header_timestamp(scheme, h)?,
                    &d.body,
                ));
            }
            // Entries of other versions are ignored; an entry of a version
            // that counts but does not decode cannot match and is skipped.
            // Decoded as they come: no list of entries is built.
            let (mut first, mut more) = (None, Vec::new());
            parse::scan_versioned(value, list_separator, version_separator, |v, p| {
                if accept.iter().any(|a| a.as_bytes() == v) {
                    if let Ok(proof) = decode_text(scheme, p) {
                        match first {
                            None => first = Some(proof),
                            Some(_) => more.push(proof),
                        }
                    }
                }
            })
            .map_err(malformed(name))?;
            let Some(proof) = first else {
                return Err(Rejection::Malformed {
                    what: name,
                    why: format!("no decodable entry of version {}", accept.join(" or ")),
                });
            };
            Ok(Located {
                proof,
                more,
                timestamp: header_timestamp(scheme, h)?,
                event: &d.body,
            })
        }
        Carrier::TimestampedHeader { name, .. } => {
            let value = single_header(h, proof_slot, name)?;
            let Some(list) = scheme.carrier.kv_list() else {
                return Err(Rejection::Missing(name));
            };
            if scheme.encoding == Encoding::Hex {
                if let Some((parts, tag)) = parse::timestamped_hex32(value, &list) {
                    let ts = Some(Timestamp::listed(&parts));
                    return Ok(Located::one(Proof::Tag32(tag), ts, &d.body));
                }
            }
            let parts = parse::timestamped_parts(value, &list).map_err(malformed(name))?;
            // Decoded as `parse::timestamped` would, errors included, but
            // without allocating for a hex tag.
            let proof = decode_text(scheme, parts.signature)
                .map_err(|e| malformed(name)(ParseError::Decode(e)))?;
            Ok(Located::one(
                proof,
                Some(Timestamp::listed(&parts)),
                &d.body,
            ))
        }
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => {
            if d.body.len() > MAX_JSON_BODY {
                return Err(Rejection::Malformed {
                    what: "body",
                    why: format!(
                        "{} bytes exceed the {MAX_JSON_BODY}-byte limit",
                        d.body.len()
                    ),
                });
            }
            // serde's derived `Deserialize` also accepts a JSON array in
            // field order (`[event, signature]`); the envelope is an object.
            let first = d.body.iter().find(|b| !b.is_ascii_whitespace());
            if first != Some(&b'{') {
                return Err(Rejection::Malformed {
                    what: "body",
                    why: "the envelope must be a JSON object".into(),
                });
            }
            // JSON text is UTF-8 (RFC 8259). `serde_json` skips unknown
            // members without checking their bytes, so check the whole body
            // here: a body with invalid UTF-8 in an ignored member is not
            // JSON either (found by the `verify_delivery` fuzz target).
            let text = std::str::from_utf8(&d.body).map_err(|e| Rejection::Malformed {
                what: "body",
                why: format!("not UTF-8 (byte {})", e.valid_up_to()),
            })?;
            let env = read_envelope(text, event_field, signature_field).map_err(|e| {
                Rejection::Malformed {
                    what: "body",
                    why: format!("not a {{\"{event_field}\",\"{signature_field}\"}} envelope: {e}"),
                }
            })?;
            let proof = decode_proof(scheme, &env.signature)?;
            // The raw value borrows from the body: the exact bytes sent.
            let event = env.event.get().as_bytes();
            Ok(Located::one(proof, header_timestamp(scheme, h)?, event))
        }
    }
}

/// Checks raw `proof` bytes over `message` against the trusted keys with
/// the scheme's algorithm (the cryptographic layer alone, without any
/// parsing of a delivery). HMAC and key comparisons are constant-time.
pub fn check_proof(
    scheme: &Scheme,
    trust: &Trust,
    message: &[u8],
    proof: &[u8],
) -> Result<(), Rejection> {
    check_proof_parts(scheme, trust, &[message], proof)
}

/// [`check_proof`] over a message given as consecutive pieces (see
/// [`sign::message_parts`]): the hashes read the pieces in place.
pub fn check_proof_parts(
    scheme: &Scheme,
    trust: &Trust,
    message: &[&[u8]],
    proof: &[u8],
) -> Result<(), Rejection> {
    check_with(scheme.algorithm, trust, message, proof)
}

/// [`check_proof_parts`] by algorithm alone.
pub fn check_with(
    algorithm: Algorithm,
    trust: &Trust,
    message: &[&[u8]],
    proof: &[u8],
) -> Result<(), Rejection> {
    let ok = match (algorithm, trust) {
        (Algorithm::HmacSha256, Trust::Secret(secret)) => {
            let expected = sign::hmac_sha256_parts(secret, message);
            // The length is public (every tag is 32 bytes); the content is not.
            <&[u8; 32]>::try_from(proof).is_ok_and(|proof| tags_equal(&expected, proof))
        }
        (alg @ (Algorithm::HmacSha1 | Algorithm::HmacSha512), Trust::Secret(secret)) => {
            // The length is public (fixed per hash); the content is not.
            sign::hmac_parts(alg, secret, message)
                .is_some_and(|expected| bool::from(expected.as_slice().ct_eq(proof)))
        }
        (Algorithm::SharedKey, Trust::Secret(secret)) => {
            // Compare digests so that neither the content nor the length of
            // the key leaks through timing.
            let a: [u8; 32] = Sha256::digest(secret).into();
            let b: [u8; 32] = Sha256::digest(proof).into();
            tags_equal(&a, &b)
        }
        (Algorithm::Ed25519, Trust::Ed25519(keys)) => {
            let Ok(sig) = ed25519_dalek::Signature::from_slice(proof) else {
                return Err(Rejection::Malformed {
                    what: "signature",
                    why: format!("an Ed25519 signature is 64 bytes, got {}", proof.len()),
                });
            };
            // Ed25519 hashes the message twice: it needs it in one piece.
            let joined;
            let message: &[u8] = match message {
                [one] => one,
                parts => {
                    joined = parts.concat();
                    &joined
                }
            };
            keys.iter().any(|k| k.verify_strict(message, &sig).is_ok())
        }
        (Algorithm::RsaPkcs1v15Sha256, Trust::Rsa(keys)) => {
            let mut hash = Sha256::new();
            for part in message {
                hash.update(part);
            }
            let digest = hash.finalize();
            keys.iter().any(|k| {
                rsa::traits::PublicKeyParts::size(k) == proof.len()
                    && k.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, proof)
                        .is_ok()
            })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Rejection::Mismatch)
    }
}

/// Constant-time equality of two 32-byte tags (HMAC-SHA256 tags, SHA-256
/// digests): what the verifier compares secrets with.
///
/// `subtle` over four 64-bit words. `subtle`'s comparison of byte slices
/// (which `hmac`'s `verify_slice` uses) pays an optimisation barrier per
/// byte, 32 of them, and costs about as much as finding, parsing and
/// decoding a signature header (benches/README.md); this gives the same
/// answer, still without a branch on the data (`tests/timing.rs` measures
/// it next to `subtle` and `verify_slice`).
pub fn tags_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let words = |t: &[u8; 32]| {
        let mut w = [0u64; 4];
        for (w, chunk) in w.iter_mut().zip(t.chunks_exact(8)) {
            // Every chunk is 8 bytes: the fallback is never taken.
            *w = chunk.try_into().map_or(0, u64::from_ne_bytes);
        }
        w
    };
    bool::from(words(a).ct_eq(&words(b)))
}

/// An authenticated delivery: what [`authenticate`] learned on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated {
    /// The signed timestamp, for timestamped schemes.
    pub timestamp: Option<i64>,
}

/// Checks a delivery's proof (and, for timestamped schemes, its window)
/// without looking up the event id: [`verify`] without its JSON work on the
/// body (schemes whose proof is not in the body never parse it).
pub fn authenticate(
    scheme: &Scheme,
    trust: &Trust,
    delivery: &Delivery,
    policy: &Policy,
) -> Result<Authenticated, Rejection> {
    if let Trust::Secret(secret) = trust {
        if let Some(done) = lane::authenticate(scheme, secret, delivery, policy) {
            return done;
        }
    }
    authenticate_general(scheme, trust, delivery, policy)
}

/// [`authenticate`] without its lane for the common shape (`lane.rs`):
/// the general path alone, which every delivery may take. The two agree on
/// every input (the `verify_delivery` fuzz function and a property test
/// assert it).
pub fn authenticate_general(
    scheme: &Scheme,
    trust: &Trust,
    delivery: &Delivery,
    policy: &Policy,
) -> Result<Authenticated, Rejection> {
    let headers = Headers::of(scheme, delivery);
    let located = locate(scheme, &headers)?;
    let ts_text = located.timestamp.map_or(&[][..], |t| t.text);
    // Every header the message signs was found with the others.
    let header = |i: usize, name: &str| headers.one(scheme.reads.part(i), name);
    // The common messages (the raw body, the envelope's event, nothing)
    // without assembling a template.
    let single: [&[u8]; 1];
    let assembled;
    let parts: &[&[u8]] = match scheme.message.parts {
        [] => &[],
        [MessagePart::Body | MessagePart::Event] => {
            single = [located.event];
            &single
        }
        _ => {
            assembled = sign::message_parts_with(
                scheme,
                ts_text,
                delivery.url.as_bytes(),
                located.event,
                header,
            );
            assembled.as_slice()
        }
    };
    // Any proof of the list may match (a secret rotation signs with
    // several); how many there are is public.
    if let (Algorithm::HmacSha256, Trust::Secret(secret)) = (scheme.algorithm, trust) {
        // One tag, compared with every proof (each comparison constant-time).
        let expected = sign::hmac_sha256_parts(secret, parts);
        let matches =
            |p: &Proof| <&[u8; 32]>::try_from(p.as_slice()).is_ok_and(|p| tags_equal(&expected, p));
        let any = located
            .more
            .iter()
            .fold(matches(&located.proof), |any, p| any | matches(p));
        if !any {
            return Err(Rejection::Mismatch);
        }
    } else {
        let first = check_proof_parts(scheme, trust, parts, located.proof.as_slice());
        if first.is_err() {
            let any = located
                .more
                .iter()
                .any(|p| check_proof_parts(scheme, trust, parts, p.as_slice()).is_ok());
            if !any {
                first?;
            }
        }
    }
    let timestamp = located.timestamp.map(|t| t.value);
    within_window(scheme, policy, timestamp)?;
    Ok(Authenticated { timestamp })
}

/// Refuses a signed timestamp outside the policy's window (on the sides
/// the scheme checks).
fn within_window(
    scheme: &Scheme,
    policy: &Policy,
    timestamp: Option<i64>,
) -> Result<(), Rejection> {
    let Some(ts) = timestamp else {
        return Ok(());
    };
    let skew = i128::from(ts) - i128::from(policy.now);
    let (past, future) = scheme
        .timestamp
        .map_or((true, true), |t| (t.checks_past, t.checks_future));
    let outside = if skew < 0 { past } else { future }
        && skew.unsigned_abs() > u128::from(policy.tolerance_s);
    if outside {
        return Err(Rejection::OutsideWindow {
            timestamp: ts,
            skew,
            tolerance: policy.tolerance_s,
        });
    }
    Ok(())
}

/// Verifies a delivery as a correct receiver would: [`authenticate`], then
/// the event id by the scheme's rule ([`event_id`]).
///
/// The URL signed by timestamped schemes is [`Delivery::url`]: the URL as
/// the receiver's public address sees it.
pub fn verify(
    scheme: &Scheme,
    trust: &Trust,
    delivery: &Delivery,
    policy: &Policy,
) -> Result<Verified, Rejection> {
    authenticate(scheme, trust, delivery, policy)?;
    Ok(Verified {
        event_id: event_id(scheme, delivery),
    })
}

/// The delivery's event id by the scheme's rule, if present.
pub fn event_id(scheme: &Scheme, delivery: &Delivery) -> Option<String> {
    match scheme.event_id {
        EventId::Header(name) => match delivery.header(name) {
            HeaderLookup::One(v) => parse::visible_ascii(v).ok().map(str::to_owned),
            _ => None,
        },
        EventId::BodyPointer(ptr) => {
            if delivery.body.len() > MAX_JSON_BODY {
                return None;
            }
            let v: serde_json::Value = serde_json::from_slice(&delivery.body).ok()?;
            match v.pointer(ptr)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{RoleKeys, SigningKey};
    use crate::scheme::SchemeId;
    use crate::sign::{sign, KeyPlacement, Payload};

    fn key_for(id: SchemeId) -> SigningKey {
        RoleKeys::of(id.scheme())
            .unwrap_or_else(|e| panic!("{e}"))
            .signing
    }

    #[test]
    fn tags_equal_is_equality_on_every_bit() {
        let a: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a);
        assert!(tags_equal(&a, &a));
        assert!(tags_equal(&[0; 32], &[0; 32]));
        for byte in 0..32 {
            for bit in 0..8 {
                let mut b = a;
                b[byte] ^= 1 << bit;
                assert!(!tags_equal(&a, &b), "byte {byte} bit {bit}");
                assert!(!tags_equal(&b, &a), "byte {byte} bit {bit}");
            }
        }
    }

    /// The lane must be taken where it applies, or the property test that
    /// it agrees with the general path would pass by never running it.
    #[test]
    fn the_lane_decides_signed_deliveries_of_its_shape() {
        let mut taken = Vec::new();
        for id in SchemeId::builtins() {
            let scheme = id.scheme();
            let key = key_for(id);
            let mut p = Payload::new(
                "http://127.0.0.1:9/hook",
                &br#"{"id":"evt_1"}"#[..],
                1_700_000_000,
            );
            p.event_id = Some("dlv_1".into());
            let d = sign(scheme, &key, &p).unwrap_or_else(|e| panic!("{id}: {e}"));
            let policy = Policy::at(1_700_000_010);
            let Trust::Secret(secret) = key.trust() else {
                continue;
            };
            match lane::authenticate(scheme, &secret, &d, &policy) {
                Some(Ok(a)) => {
                    assert_eq!(
                        Ok(a),
                        authenticate_general(scheme, &key.trust(), &d, &policy)
                    );
                    // Another secret's tag is refused by the lane too.
                    let got = lane::authenticate(scheme, b"another secret", &d, &policy);
                    assert_eq!(got, Some(Err(Rejection::Mismatch)), "{id}");
                    taken.push(id.to_string());
                }
                Some(Err(e)) => panic!("{id}: the lane refused a signed delivery: {e}"),
                None => {}
            }
        }
        for id in ["standard-webhooks", "svix", "github", "slack", "shopify"] {
            assert!(
                taken.iter().any(|t| t == id),
                "{id} does not take the lane: {taken:?}"
            );
        }
    }

    #[test]
    fn every_scheme_round_trips_and_rejects_a_flipped_byte() {
        let event = br#"{"id":"evt_1","data":{"slug":"s1","raw":{"id":"r1"}},"raw":{"id":"r1"}}"#;
        for id in SchemeId::builtins() {
            let scheme = id.scheme();
            let key = key_for(id);
            let mut p = Payload::new("http://127.0.0.1:9/hook?x=1", &event[..], 1_700_000_000);
            p.event_id = Some("dlv_1".into());
            for placement in [KeyPlacement::Header, KeyPlacement::Query] {
                p.key_placement = placement;
                let d = sign(scheme, &key, &p).unwrap_or_else(|e| panic!("{id}: {e}"));
                let policy = Policy::at(1_700_000_010);
                let ok = verify(scheme, &key.trust(), &d, &policy);
                assert!(ok.is_ok(), "{id}: {ok:?}");
                if !scheme.message.is_empty() {
                    let mut bad = d.clone();
                    let last = bad.body.len() - 10;
                    bad.body[last] ^= 1;
                    assert!(verify(scheme, &key.trust(), &bad, &policy).is_err(), "{id}");
                }
            }
        }
    }

    #[test]
    fn an_envelope_with_invalid_utf8_anywhere_is_not_json() {
        let id: SchemeId = "smartasset".parse().unwrap();
        let key = key_for(id);
        let p = Payload::new("http://h/", &br#"{"raw":{"id":"r1"}}"#[..], 0);
        let mut d = sign(id.scheme(), &key, &p).unwrap_or_else(|e| panic!("{e}"));
        assert!(verify(id.scheme(), &key.trust(), &d, &Policy::at(0)).is_ok());
        // An extra member the envelope reader ignores, holding a stray byte.
        d.body.pop();
        d.body.extend_from_slice(b",\"x\":\"\xd5\"}");
        let got = verify(id.scheme(), &key.trust(), &d, &Policy::at(0));
        assert!(
            matches!(&got, Err(r) if r.status(id.scheme()) == 400),
            "{got:?}"
        );
    }

    #[test]
    fn statuses_follow_the_seeds() {
        let s = |id: &str| id.parse::<SchemeId>().unwrap().scheme();
        assert_eq!(Rejection::Missing("x").status(s("certifylize")), 400);
        assert_eq!(Rejection::Mismatch.status(s("certifylize")), 401);
        assert_eq!(Rejection::Mismatch.status(s("blockmark")), 400);
        assert_eq!(Rejection::Missing("x").status(s("blockmark")), 400);
    }
}
