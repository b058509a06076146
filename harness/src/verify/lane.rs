//! The verifier's lane for the shape most deliveries have: an HMAC-SHA256
//! tag in one header (after a prefix, or as the one entry of a versioned
//! list), an optional timestamp header, a message template of literals,
//! headers, the timestamp, the URL and the body.
//!
//! It decides only what the general path ([`super::authenticate_general`])
//! would decide the same way once the proof and the timestamp are found
//! in the sender's exact form: the tag matches (then the window) or it does
//! not. Anything else (another carrier or algorithm, a missing, repeated or
//! unusual header, a list of several entries, a timestamp in another
//! spelling) returns `None`, and the general path decides, with its error.
//! It reads the description only through the same fast parsers the general
//! path uses, so it names no scheme and adds no reading of its own; the
//! `verify_delivery` fuzz function and a property test check that both
//! paths agree on every input.
//!
//! Why it exists: the general path's bookkeeping (a located proof that may
//! be a list, its errors, the template's closures) costs more than the
//! parsing itself on every delivery; this lane keys the HMAC before it
//! parses, so that the parsing runs while the key's blocks are hashed, and
//! keeps everything on the stack (benches/README.md, the overhead bench).

use super::{decode_tag32, tags_equal, within_window, Authenticated, Headers, Policy, Rejection};
use crate::delivery::{Delivery, HeaderLookup};
use crate::parse;
use crate::scheme::{Algorithm, Carrier, HeaderReads, Message, Scheme};
use crate::sign;

/// Authenticates a delivery of the lane's shape under an HMAC secret;
/// `None` when the general path must decide.
pub(super) fn authenticate(
    scheme: &Scheme,
    secret: &[u8],
    delivery: &Delivery,
    policy: &Policy,
) -> Option<Result<Authenticated, Rejection>> {
    let reads = &scheme.reads;
    // The shape, before any work: one header carries the proof, and the
    // timestamp (if any) has a header of its own.
    let proof_slot = reads.proof()?;
    let sources = reads.sources()?;
    let timestamp_header = scheme.timestamp_header();
    if scheme.algorithm != Algorithm::HmacSha256
        || (scheme.timestamp.is_some() && timestamp_header.is_none())
        || !matches!(
            scheme.carrier,
            Carrier::Header { .. } | Carrier::VersionedList { .. }
        )
    {
        return None;
    }
    let mac = sign::KeyedHmacSha256::new(secret);
    let headers = Headers::of(scheme, delivery);
    let decode = |text: &[u8]| decode_tag32(scheme.encoding, text);
    let tag = match scheme.carrier {
        Carrier::Header { name, prefix } => {
            parse::prefixed_tag32(headers.one(Some(proof_slot), name)?, prefix, decode)?
        }
        Carrier::VersionedList {
            name,
            list_separator,
            version_separator,
            accept,
        } => parse::versioned_tag32(
            headers.one(Some(proof_slot), name)?,
            list_separator,
            version_separator,
            accept,
            decode,
        )?,
        _ => return None,
    };
    let timestamp = match timestamp_header {
        Some(name) => {
            let text = headers.one(reads.timestamp(), name)?;
            Some((parse::short_canonical_timestamp(text)?, text))
        }
        None => None,
    };
    // The message: the literals in place, every other part picked from
    // what the delivery offers by the index the description gives it (no
    // match on the part's kind, no lookup by name).
    let mut offered = [&b""[..]; HeaderReads::SOURCE_LITERALS];
    let (fixed, found) = offered.split_at_mut(HeaderReads::SOURCE_HEADERS);
    if let [ts, url, content] = fixed {
        *ts = timestamp.map_or(b"", |(_, text)| text);
        *url = delivery.url.as_bytes();
        *content = &delivery.body;
    }
    for (slot, lookup) in found.iter_mut().zip(headers.found) {
        // A header signed but absent (or repeated) signs as empty.
        if let HeaderLookup::One(v) = lookup {
            *slot = v;
        }
    }
    let mut parts: [&[u8]; Message::MAX_PARTS] = *reads.literals();
    for (part, source) in parts.iter_mut().zip(sources) {
        if let Some(piece) = offered.get(usize::from(*source)) {
            *part = piece;
        }
    }
    let parts = parts.get(..sources.len()).unwrap_or_default();
    if !tags_equal(&mac.tag_of_parts(parts), &tag) {
        return Some(Err(Rejection::Mismatch));
    }
    let timestamp = timestamp.map(|(value, _)| value);
    Some(within_window(scheme, policy, timestamp).map(|()| Authenticated { timestamp }))
}
