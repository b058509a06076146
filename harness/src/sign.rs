//! The signing engine: one function over every [`Scheme`] description.
//!
//! [`sign`] builds a complete, valid delivery. The building blocks
//! ([`signed_message`], [`proof`], [`encode_proof`], [`place_proof`]) are
//! public so that forged and malformed deliveries (vectors, cases) are made
//! by changing one step, not by re-implementing a scheme.

use hmac::digest::core_api::{Buffer, FixedOutputCore, UpdateCore};
use hmac::digest::{KeyInit, Output};
use hmac::{Hmac, HmacCore, Mac};
use rsa::Pkcs1v15Sign;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::scheme::{Algorithm, Carrier, ExtraHeader, Message, MessagePart, Scheme};
use crate::Error;

/// Where a `query-or-header` scheme puts the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyPlacement {
    /// In the scheme's header.
    #[default]
    Header,
    /// In the scheme's query parameter.
    Query,
}

/// What to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// The URL the delivery is posted to.
    pub url: String,
    /// The event JSON. For body-envelope schemes this is the event
    /// member; for every other scheme it is the whole body.
    pub event: Vec<u8>,
    /// The event id, for schemes that carry it in a header.
    pub event_id: Option<String>,
    /// The event type, for schemes that carry it in a header.
    pub event_type: Option<String>,
    /// Unix seconds, for timestamped schemes.
    pub timestamp: i64,
    /// Where an API key goes.
    pub key_placement: KeyPlacement,
}

impl Payload {
    /// A payload for `url` carrying `event`, timestamped `timestamp`.
    pub fn new(url: impl Into<String>, event: impl Into<Vec<u8>>, timestamp: i64) -> Self {
        Payload {
            url: url.into(),
            event: event.into(),
            event_id: None,
            event_type: None,
            timestamp,
            key_placement: KeyPlacement::default(),
        }
    }
}

/// The bytes the scheme's proof covers. A `{header:Name}` part reads the
/// timestamp for the timestamp header and nothing for any other header: use
/// [`payload_message`] for schemes that sign another header.
pub fn signed_message(scheme: &Scheme, timestamp: &str, url: &str, event: &[u8]) -> Vec<u8> {
    message_parts(scheme, timestamp.as_bytes(), url.as_bytes(), event)
        .as_slice()
        .concat()
}

/// The bytes the scheme's proof covers for `payload` with the timestamp
/// written as `timestamp`: [`signed_message`] with `{header:Name}` parts
/// read from the headers the payload is sent with ([`payload_headers`]).
pub fn payload_message(scheme: &Scheme, payload: &Payload, timestamp: &str) -> Vec<u8> {
    let headers = payload_headers(scheme, payload, timestamp);
    let value = |_, name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    };
    message_parts_with(
        scheme,
        timestamp.as_bytes(),
        payload.url.as_bytes(),
        &payload.event,
        value,
    )
    .as_slice()
    .concat()
}

/// The headers a payload is sent with besides the proof: the timestamp
/// header (with `timestamp`), then [`Scheme::extra_headers`] in order.
pub fn payload_headers(
    scheme: &Scheme,
    payload: &Payload,
    timestamp: &str,
) -> Vec<(String, Vec<u8>)> {
    let mut headers = Vec::new();
    if let Some(name) = scheme.timestamp_header() {
        headers.push((name.to_owned(), timestamp.as_bytes().to_vec()));
    }
    for extra in scheme.extra_headers {
        let (name, value) = match extra {
            ExtraHeader::EventId(name) => (name, payload.event_id.as_deref()),
            ExtraHeader::EventType(name) => (name, payload.event_type.as_deref()),
            ExtraHeader::Fixed(name, value) => (name, Some(*value)),
        };
        if let Some(v) = value {
            headers.push(((*name).to_owned(), v.as_bytes().to_vec()));
        }
    }
    headers
}

/// The pieces of a signed message, borrowed ([`message_parts`]).
#[derive(Debug, Clone, Copy)]
pub struct MessageParts<'a> {
    parts: [&'a [u8]; Message::MAX_PARTS],
    len: usize,
}

impl<'a> MessageParts<'a> {
    /// The pieces, in order.
    pub fn as_slice(&self) -> &[&'a [u8]] {
        self.parts.get(..self.len).unwrap_or(&self.parts)
    }
}

/// The bytes the scheme's proof covers, as the pieces they are made of
/// (their concatenation is [`signed_message`]). Verifiers feed the pieces to
/// the hash one after the other instead of copying the body into a new
/// buffer.
pub fn message_parts<'a>(
    scheme: &Scheme,
    timestamp: &'a [u8],
    url: &'a [u8],
    event: &'a [u8],
) -> MessageParts<'a> {
    message_parts_with(scheme, timestamp, url, event, |_, _| None)
}

/// [`message_parts`] with `{header:Name}` parts read by `header` (the
/// timestamp header reads `timestamp` when `header` has no value for it; a
/// header without a value signs as empty).
///
/// Inlined: the verifier calls it on every delivery, and inlined with its
/// `header` closure the parts are built in place instead of copied out.
#[inline(always)]
pub fn message_parts_with<'a>(
    scheme: &Scheme,
    timestamp: &'a [u8],
    url: &'a [u8],
    event: &'a [u8],
    header: impl Fn(usize, &str) -> Option<&'a [u8]>,
) -> MessageParts<'a> {
    let mut out = MessageParts {
        parts: [b""; Message::MAX_PARTS],
        len: 0,
    };
    for (i, (slot, part)) in out.parts.iter_mut().zip(scheme.message.parts).enumerate() {
        *slot = match part {
            MessagePart::Literal(l) => l.as_bytes(),
            MessagePart::Timestamp => timestamp,
            MessagePart::Url => url,
            MessagePart::Body | MessagePart::Event => event,
            MessagePart::Header(name) => header(i, name).unwrap_or_else(|| {
                if scheme
                    .timestamp_header()
                    .is_some_and(|t| t.eq_ignore_ascii_case(name))
                {
                    timestamp
                } else {
                    b""
                }
            }),
        };
        out.len += 1;
    }
    out
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    hmac_sha256_parts(key, &[message])
}

/// HMAC-SHA256 of the concatenation of `parts` under `key`, without
/// concatenating them.
#[inline]
pub fn hmac_sha256_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    KeyedHmacSha256::new(key).tag_of_parts(parts)
}

/// HMAC-SHA256 keyed with a secret before any message byte is known: the
/// key's inner and outer blocks are hashed by [`KeyedHmacSha256::new`].
///
/// The verifier keys it before it parses a delivery, so that the parsing,
/// which does not depend on it, runs while the processor is still hashing
/// the key (the hash is one long dependency chain that leaves most of the
/// execution units idle).
///
/// Built on `hmac`'s core type and `digest`'s block buffer, which take the
/// state by reference where `Hmac`'s wrapper moves it (a copy of the whole
/// state per call).
#[derive(Clone)]
pub struct KeyedHmacSha256(HmacCore<Sha256>);

impl KeyedHmacSha256 {
    /// Keys the MAC (RFC 2104: keys of every length are defined).
    #[inline]
    pub fn new(key: &[u8]) -> Self {
        #[allow(clippy::expect_used)]
        let core = <HmacCore<Sha256> as KeyInit>::new_from_slice(key)
            .expect("HMAC is defined for keys of every length (RFC 2104 section 2)");
        KeyedHmacSha256(core)
    }

    /// The tag of the concatenation of `parts`, without concatenating them.
    #[inline]
    pub fn tag_of_parts(mut self, parts: &[&[u8]]) -> [u8; 32] {
        let mut buffer = Buffer::<HmacCore<Sha256>>::default();
        let core = &mut self.0;
        feed_gathered(
            |data| buffer.digest_blocks(data, |blocks| core.update_blocks(blocks)),
            parts,
        );
        let mut out = Output::<HmacCore<Sha256>>::default();
        self.0.finalize_fixed_core(&mut buffer, &mut out);
        out.into()
    }
}

impl std::fmt::Debug for KeyedHmacSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The keyed state is derived from the secret: never printed.
        f.write_str("KeyedHmacSha256(..)")
    }
}

/// The most bytes of short leading pieces [`feed_gathered`] copies.
const GATHER_MAX: usize = 128;

/// Feeds `parts` to a SHA-256 hasher's `update` as one message. A templated
/// message is short pieces (an id, `.`, a timestamp, `.`) and then the
/// body: fed one `update` each, every piece pays the hasher's buffering,
/// and the body starts mid-block, so its first block is hashed in a call of
/// its own. Here the short pieces, with as many of the last piece's first
/// bytes as complete their block, are copied into one buffer on the stack
/// and fed in one call, and the rest of the last piece in a second: two
/// calls, the second starting on a block boundary (~15 ns of the ~20 ns
/// five pieces cost over one, at 1 KiB; benches/README.md). Pieces that do
/// not fit ([`GATHER_MAX`]) are fed as they are.
fn feed_gathered(mut update: impl FnMut(&[u8]), parts: &[&[u8]]) {
    const BLOCK: usize = 64;
    let mut buf = [0u8; GATHER_MAX + BLOCK];
    if let [head @ .., last] = parts {
        let mut n = 0;
        for piece in head {
            match buf.get_mut(n..n + piece.len()) {
                Some(slot) if n + piece.len() <= GATHER_MAX => slot.copy_from_slice(piece),
                _ => {
                    parts.iter().for_each(|p| update(p));
                    return;
                }
            }
            n += piece.len();
        }
        let fill = ((BLOCK - n % BLOCK) % BLOCK).min(last.len());
        let (first, rest) = last.split_at(fill);
        if let Some(slot) = buf.get_mut(n..n + fill) {
            slot.copy_from_slice(first);
            update(buf.get(..n + fill).unwrap_or_default());
            update(rest);
        }
    }
}

/// The HMAC of the concatenation of `parts` under `key` with the
/// algorithm's hash; `None` for an algorithm that is no HMAC.
pub fn hmac_parts(algorithm: Algorithm, key: &[u8], parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        // HMAC takes keys of every length (RFC 2104 section 2): the error
        // branch is never taken.
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return Vec::new();
        };
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::HmacSha1 => Some(run::<Hmac<Sha1>>(key, parts)),
        Algorithm::HmacSha256 => Some(hmac_sha256_parts(key, parts).to_vec()),
        Algorithm::HmacSha512 => Some(run::<Hmac<Sha512>>(key, parts)),
        _ => None,
    }
}

fn key_does_not_fit(scheme: &Scheme, key: &SigningKey) -> Error {
    Error::KeyDoesNotFitAlgorithm {
        scheme: scheme.id.to_string(),
        algorithm: scheme.algorithm,
        given: key.kind(),
    }
}

/// Computes the raw proof bytes over `message` with `key`.
pub fn proof(scheme: &Scheme, key: &SigningKey, message: &[u8]) -> Result<Vec<u8>, Error> {
    match (scheme.algorithm, key) {
        (Algorithm::SharedKey, SigningKey::Secret(s)) => Ok(s.clone()),
        (Algorithm::Ed25519, SigningKey::Ed25519(k)) => {
            use ed25519_dalek::Signer;
            Ok(k.sign(message).to_bytes().to_vec())
        }
        (Algorithm::RsaPkcs1v15Sha256, SigningKey::Rsa(k)) => k
            .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message))
            .map_err(|source| Error::RsaSigning { source }),
        // The HMAC algorithms (hmac_parts answers None for any other).
        (alg, SigningKey::Secret(s)) => {
            hmac_parts(alg, s, &[message]).ok_or_else(|| key_does_not_fit(scheme, key))
        }
        _ => Err(key_does_not_fit(scheme, key)),
    }
}

/// Writes proof bytes in the scheme's encoding.
pub fn encode_proof(scheme: &Scheme, proof: &[u8]) -> String {
    scheme.encoding.encode(proof)
}

/// The envelope body `{"<event>":<event>,"<signature>":"<proof>"}`, compact,
/// with the event bytes exactly as given.
pub fn envelope(event_field: &str, event: &[u8], signature_field: &str, proof: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(event.len() + proof.len() + 32);
    body.extend_from_slice(format!("{{\"{event_field}\":").as_bytes());
    body.extend_from_slice(event);
    body.extend_from_slice(
        format!(
            ",\"{signature_field}\":{}}}",
            serde_json::Value::String(proof.to_owned())
        )
        .as_bytes(),
    );
    body
}

/// Puts an encoded proof where the scheme carries it, building the body.
pub fn place_proof(scheme: &Scheme, payload: &Payload, encoded: &str) -> Result<Delivery, Error> {
    let mut url = payload.url.clone();
    let body = match scheme.carrier {
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => envelope(event_field, &payload.event, signature_field, encoded),
        _ => payload.event.clone(),
    };
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    match scheme.carrier {
        Carrier::Header { name, prefix } => {
            headers.push((name.to_owned(), format!("{prefix}{encoded}").into_bytes()))
        }
        Carrier::QueryOrHeader { query, header } => match payload.key_placement {
            KeyPlacement::Header => headers.push((header.to_owned(), encoded.as_bytes().to_vec())),
            KeyPlacement::Query => {
                let mut u = url::Url::parse(&url).map_err(|source| Error::InvalidUrl {
                    what: "the delivery's URL",
                    source,
                })?;
                u.query_pairs_mut().append_pair(query, encoded);
                url = u.to_string();
            }
        },
        Carrier::TimestampedHeader { name, .. } => {
            if let Some(list) = scheme.carrier.kv_list() {
                let ts = payload.timestamp.to_string();
                let value = list.join(&[(list.ts_key, &ts), (list.sig_key, encoded)]);
                headers.push((name.to_owned(), value.into_bytes()));
            }
        }
        Carrier::VersionedList {
            name,
            version_separator,
            accept,
            ..
        } => {
            let version = accept.first().copied().unwrap_or_default();
            headers.push((
                name.to_owned(),
                format!("{version}{version_separator}{encoded}").into_bytes(),
            ));
        }
        Carrier::BodyEnvelope { .. } => {}
    }
    headers.extend(payload_headers(
        scheme,
        payload,
        &payload.timestamp.to_string(),
    ));
    headers.push(("Content-Type".to_owned(), b"application/json".to_vec()));
    Ok(Delivery {
        method: "POST".to_owned(),
        url,
        headers,
        body,
        name_case: crate::delivery::NameCase::Lower,
        trickle: None,
    })
}

/// Signs `payload` under `scheme` with `key`: a complete, valid delivery.
pub fn sign(scheme: &Scheme, key: &SigningKey, payload: &Payload) -> Result<Delivery, Error> {
    if !key.fits(scheme) {
        return Err(Error::CredentialMismatch {
            needed: scheme.credential,
            given: key.kind(),
        });
    }
    let ts = payload.timestamp.to_string();
    let message = payload_message(scheme, payload, &ts);
    let raw = proof(scheme, key, &message)?;
    place_proof(scheme, payload, &encode_proof(scheme, &raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn blink_message_is_ts_url_body() {
        let m = signed_message(
            crate::describe::registry::scheme("blink-signature").unwrap(),
            "10",
            "http://h/p?q=1",
            b"{}",
        );
        assert_eq!(m, b"10.http://h/p?q=1.{}");
        assert!(signed_message(
            crate::describe::registry::scheme("blockmark").unwrap(),
            "10",
            "u",
            b"body"
        )
        .is_empty());
        assert_eq!(
            signed_message(
                crate::describe::registry::scheme("certifylize").unwrap(),
                "10",
                "u",
                b"body"
            ),
            b"body"
        );
    }

    #[test]
    fn key_kind_is_checked() {
        let key = SigningKey::Secret(b"s".to_vec());
        let p = Payload::new("http://h/", "{}", 0);
        assert!(sign(
            crate::describe::registry::scheme("cometh").unwrap(),
            &key,
            &p
        )
        .is_err());
        assert!(sign(
            crate::describe::registry::scheme("certifylize").unwrap(),
            &key,
            &p
        )
        .is_ok());
    }
}
