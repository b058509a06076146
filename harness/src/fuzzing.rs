//! Fuzz targets, as library functions.
//!
//! Every function here takes arbitrary bytes, runs one part of the library
//! on them and **asserts that part's invariants**: it returns normally for
//! every input and panics only when it finds a real bug. The cargo-fuzz
//! targets in `fuzz/fuzz_targets/` are one-line calls into this module, and
//! `tests/fuzz_corpus.rs` replays every corpus file and every crash artifact
//! through the same functions on stable Rust, so a bug a fuzzer found stays
//! fixed.
//!
//! The targets name no scheme: they work from the built-in descriptions
//! (keys from [`RoleKeys`], header names, prefixes, key/value lists and
//! envelope members from the description), and the scheme-shaped targets
//! run for every built-in of that shape.
//!
//! Structured targets ([`verify_delivery`], [`sign_verify`]) carve their
//! input with a small length-prefixed format (see [`Carver`]); the encoders
//! [`encode_delivery_input`] and [`encode_sign_input`] build such inputs
//! (seed corpora, property tests).
//!
//! The targets:
//!
//! | function | what it checks |
//! |---|---|
//! | [`parse_prefixed`] | `parse::prefixed` is total; `Ok(rest)` is the trimmed value minus the prefix; the hex and base64 fast paths agree with it |
//! | [`parse_timestamped`] | `parse::timestamped` and `canonical_timestamp` are total; Display/parse round-trip; the timestamp fast path agrees; and [`parse_versioned`]: `versioned_list` agrees with its `str` reference and its fast path with it |
//! | [`decode_hex`] | total; agrees with the `hex` crate; re-encodes to the lowercased input |
//! | [`decode_base64`] | total; only canonical base64 decodes, and re-encodes to the input; `decode_base64_32` accepts exactly its 32-byte results |
//! | [`static_token`] | for every scheme whose proof is a static header token: accepts exactly the expected token (either hex case, trimmed) |
//! | [`verify_delivery`] | `verify` on any request for every scheme: total, 4xx statuses, and accepts only the one canonical proof |
//! | [`body_envelope`] | for every body-envelope scheme: total; accepts only the deterministic signature of the event bytes |
//! | [`js_stringify`] | `jsjson` is total, idempotent, and accepts what `serde_json` accepts |
//! | [`vector_file`] | `vectors::from_json` is total; accepted files round-trip and check without panics |
//! | [`scheme_file`] | `describe::load` is total; every error names `fuzz input:line:column` with a fix |
//! | [`sign_verify`] | differential: `verify(sign(x))` accepts, and a flipped bit in the signed bytes, signature, timestamp or URL is rejected |

use std::sync::OnceLock;

use crate::delivery::{Delivery, HeaderLookup};
use crate::encoding::{self, DecodeError, MAX_ENCODED_LEN};
use crate::jsjson;
use crate::keys::RoleKeys;
use crate::keys::{SigningKey, Trust};
use crate::parse::{self, ParseError, MAX_HEADER_LEN};
use crate::scheme::{Carrier, Encoding, ExtraHeader, MessagePart, Scheme, SchemeId};
use crate::sign::{self, KeyPlacement, Payload};
use crate::vectors;
use crate::verify::{self, Policy, Rejection};

/// Reads a fuzz input front to back. Every read succeeds: past the end it
/// yields zeros and empty slices, so any byte string is a valid input.
#[derive(Debug, Clone)]
pub struct Carver<'a> {
    data: &'a [u8],
}

impl<'a> Carver<'a> {
    /// A carver over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Carver { data }
    }

    /// The next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// The next eight bytes as a little-endian `i64`.
    pub fn i64(&mut self) -> i64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        i64::from_le_bytes(b)
    }

    /// A field: a `u16` little-endian length, then that many bytes (fewer
    /// if the input ends first).
    pub fn field(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16()).min(self.data.len());
        let (field, rest) = self.data.split_at(n);
        self.data = rest;
        field
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    let n = u16::try_from(field.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(field.get(..usize::from(n)).unwrap_or(field));
}

/// The scheme a selector byte picks (`byte % n` over the `n` built-ins, in
/// [`SchemeId::builtins()`] order).
pub fn scheme_from_byte(b: u8) -> SchemeId {
    let all = builtins();
    let n = all.len().max(1);
    match all.get(usize::from(b) % n).or(all.first()) {
        Some(id) => *id,
        // An invariant of the fuzz harness: the built-in scheme files load
        // (tests/scheme_files.rs shows why one does not).
        None => panic!("no built-in scheme loaded"),
    }
}

/// The built-in schemes, listed once.
fn builtins() -> &'static [SchemeId] {
    static B: OnceLock<Vec<SchemeId>> = OnceLock::new();
    B.get_or_init(SchemeId::builtins)
}

fn scheme_byte(id: SchemeId) -> u8 {
    builtins()
        .iter()
        .position(|s| *s == id)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(0)
}

/// A scheme's keys as the targets use them, from its description
/// ([`RoleKeys::of`]): the keys that sign valid deliveries and what the
/// targets' receiver trusts.
struct SchemeKeys {
    /// The signing key, then the rotation key if the scheme has one (the
    /// state after a rotation: both are published).
    signers: Vec<SigningKey>,
    /// Every signer's public half (the shared secret itself, for HMAC and
    /// API-key schemes).
    trust: Trust,
}

impl SchemeKeys {
    fn of(scheme: &Scheme) -> Result<Self, crate::Error> {
        let role = RoleKeys::of(scheme)?;
        // The signing key's public half, and the rotation key's with it.
        let trust = match (
            role.signing.trust(),
            role.rotation.as_ref().map(|k| k.trust()),
        ) {
            (Trust::Ed25519(mut a), Some(Trust::Ed25519(b))) => {
                a.extend(b);
                Trust::Ed25519(a)
            }
            (Trust::Rsa(mut a), Some(Trust::Rsa(b))) => {
                a.extend(b);
                Trust::Rsa(a)
            }
            (first, _) => first,
        };
        let mut signers = vec![role.signing];
        signers.extend(role.rotation);
        Ok(SchemeKeys { signers, trust })
    }

    /// The first signer, or the second one with `alt` (the first again when
    /// there is no second).
    fn signer(&self, alt: bool) -> Option<&SigningKey> {
        self.signers.get(usize::from(alt)).or(self.signers.first())
    }
}

/// The keys of every built-in scheme, parsed once.
fn fixtures() -> &'static [(SchemeId, SchemeKeys)] {
    static F: OnceLock<Vec<(SchemeId, SchemeKeys)>> = OnceLock::new();
    F.get_or_init(|| {
        builtins()
            .iter()
            .map(|id| match SchemeKeys::of(id.scheme()) {
                Ok(k) => (*id, k),
                // An invariant: every built-in description names its keys
                // (checked at build time by the keys module's tests).
                Err(e) => panic!("{id}: checked-in keys: {e}"),
            })
            .collect()
    })
}

/// The keys of a built-in scheme.
fn keys_of(id: SchemeId) -> &'static SchemeKeys {
    match fixtures().iter().find(|(s, _)| *s == id) {
        Some((_, k)) => k,
        None => panic!("{id} is not a built-in scheme"),
    }
}

/// The first signer of a built-in scheme (the second with `alt`).
fn signer_of(id: SchemeId, alt: bool) -> &'static SigningKey {
    match keys_of(id).signer(alt) {
        Some(k) => k,
        None => panic!("{id}: no signing key"),
    }
}

/// Checks a rejection's invariants: its status is a 4xx and it displays.
fn check_rejection(scheme: &Scheme, r: &Rejection) {
    let status = r.status(scheme);
    assert!(
        (400..500).contains(&status),
        "{}: rejection {r:?} maps to status {status}",
        scheme.id
    );
    let _ = r.to_string();
}

/// Prefixes other services put before a proof, beside those the built-in
/// descriptions name.
const MORE_PREFIXES: [&str; 3] = ["", "sha256=", "v1,"];

/// The prefixes [`parse_prefixed`] tries: the built-in descriptions' header
/// prefixes and [`MORE_PREFIXES`], each once.
fn prefixes() -> &'static [&'static str] {
    static P: OnceLock<Vec<&'static str>> = OnceLock::new();
    P.get_or_init(|| {
        let mut v: Vec<&'static str> = MORE_PREFIXES.to_vec();
        for id in builtins() {
            if let Carrier::Header { prefix, .. } = id.scheme().carrier {
                if !v.contains(&prefix) {
                    v.push(prefix);
                }
            }
        }
        v
    })
}

/// The key/value lists [`parse_timestamped`] tries: the built-in
/// descriptions' and the `t=<ts>,v1=<proof>` form, each once.
fn kv_lists() -> &'static [parse::KvList] {
    static L: OnceLock<Vec<parse::KvList>> = OnceLock::new();
    L.get_or_init(|| {
        let mut v = vec![parse::KvList {
            ts_key: "t",
            sig_key: "v1",
            pair: b',',
            kv: b'=',
        }];
        for id in builtins() {
            if let Some(list) = id.scheme().carrier.kv_list() {
                if !v.contains(&list) {
                    v.push(list);
                }
            }
        }
        v
    })
}

/// `parse::prefixed` with the prefixes the schemes use.
pub fn parse_prefixed(data: &[u8]) {
    for &prefix in prefixes() {
        if let Some(tag) = parse::prefixed_hex32(data, prefix) {
            let general =
                parse::prefixed(data, prefix).map(|rest| encoding::decode_hex(rest.as_bytes()));
            assert_eq!(
                general,
                Ok(Ok(tag.to_vec())),
                "fast path disagrees, prefix {prefix:?}"
            );
        }
        if let Some(tag) = parse::prefixed_tag32(data, prefix, base64_32) {
            let general =
                parse::prefixed(data, prefix).map(|rest| encoding::decode_base64(rest.as_bytes()));
            assert_eq!(
                general,
                Ok(Ok(tag.to_vec())),
                "base64 fast path disagrees, prefix {prefix:?}"
            );
        }
        match parse::prefixed(data, prefix) {
            Ok(rest) => {
                let trimmed = parse::visible_ascii(data).unwrap_or_else(|e| {
                    panic!("prefixed accepted what visible_ascii refuses: {e}")
                });
                assert_eq!(format!("{prefix}{rest}"), trimmed, "prefix {prefix:?}");
                assert!(!rest.is_empty());
                assert!(data.len() <= MAX_HEADER_LEN);
                assert!(rest
                    .bytes()
                    .all(|b| (0x20..0x7f).contains(&b) || b == b'\t'));
            }
            Err(ParseError::TooLong(n)) => assert!(n == data.len() && n > MAX_HEADER_LEN),
            Err(ParseError::MissingPrefix(p)) => assert_eq!(p, prefix),
            Err(ParseError::Empty | ParseError::NotAscii) => {}
            Err(e) => panic!("prefixed returned an unexpected error: {e:?}"),
        }
    }
}

/// A fixed-size tag decoder, as the verifier's fast paths take it.
type TagDecoder = fn(&[u8]) -> Option<[u8; 32]>;

/// The 32-byte tag decoders the verifier's fast paths use, on any length.
fn hex_32(text: &[u8]) -> Option<[u8; 32]> {
    encoding::decode_hex_32(text.try_into().ok()?)
}

/// See [`hex_32`].
fn base64_32(text: &[u8]) -> Option<[u8; 32]> {
    encoding::decode_base64_32(text.try_into().ok()?)
}

/// The versioned-list syntaxes [`parse_versioned`] tries: the built-in
/// descriptions' and others a scheme file may give (separators of two
/// bytes, which take the `str` path; separators inside the base64
/// alphabet, which the fast path must leave to the general one).
fn versioned_lists() -> &'static [(&'static str, &'static str, &'static [&'static str])] {
    static L: OnceLock<Vec<(&'static str, &'static str, &'static [&'static str])>> =
        OnceLock::new();
    L.get_or_init(|| {
        let mut v: Vec<(&'static str, &'static str, &'static [&'static str])> = vec![
            (" ", ",", &["v1"]),
            (",", " ", &["v1", "v2"]),
            (";", "=", &["v1a", "v1"]),
            ("  ", ",", &["v1"]),
            (" ", ",,", &["v1"]),
            ("+", ",", &["v1"]),
            (" ", "=", &["v1"]),
            (",", ",", &["v1"]),
            (" ", "\t", &["v1"]),
        ];
        for id in builtins() {
            if let Carrier::VersionedList {
                list_separator,
                version_separator,
                accept,
                ..
            } = id.scheme().carrier
            {
                if !v.contains(&(list_separator, version_separator, accept)) {
                    v.push((list_separator, version_separator, accept));
                }
            }
        }
        v
    })
}

/// `parse::versioned_list` as it was written on `str` before the byte-wise
/// version: the reference the byte-wise one must agree with, errors
/// included.
fn versioned_list_reference<'a>(
    value: &'a [u8],
    list_separator: &str,
    version_separator: &str,
) -> Result<Vec<parse::VersionedEntry<'a>>, ParseError> {
    let text = parse::visible_ascii(value)?;
    let mut out = Vec::new();
    for item in text.split(list_separator).filter(|i| !i.is_empty()) {
        let Some((version, proof)) = item.split_once(version_separator) else {
            return Err(ParseError::NotKeyValue(item.chars().take(40).collect()));
        };
        if out.len() == parse::MAX_LIST_PROOFS {
            return Err(ParseError::RepeatedParameter(format!(
                "more than {} entries",
                parse::MAX_LIST_PROOFS
            )));
        }
        out.push((version.as_bytes(), proof.as_bytes()));
    }
    if out.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(out)
}

/// `parse::versioned_list` (the verifier's walk over a versioned list)
/// agrees with the `str` reference, errors included, for several
/// syntaxes; and whatever its fast path `parse::versioned_tag32` accepts
/// (hex or base64 tags), the general parser reads as that one entry, of an
/// accepted version, decoding to the same bytes. Run by
/// [`parse_timestamped`] (the header-list target) and by a property test.
pub fn parse_versioned(data: &[u8]) {
    for &(list, sep, accept) in versioned_lists() {
        let general = parse::versioned_list(data, list, sep);
        assert_eq!(
            general,
            versioned_list_reference(data, list, sep),
            "versioned_list differs from the str reference ({list:?}, {sep:?})"
        );
        let decoders: [(TagDecoder, Encoding); 2] =
            [(hex_32, Encoding::Hex), (base64_32, Encoding::Base64)];
        for (fast, encoding) in decoders {
            let Some(tag) = parse::versioned_tag32(data, list, sep, accept, fast) else {
                continue;
            };
            let entries = general.as_deref().unwrap_or_default();
            assert!(
                matches!(entries, [(v, p)] if accept.iter().any(|a| a.as_bytes() == *v)
                    && encoding.decode(p).as_deref() == Ok(&tag[..])),
                "the versioned fast path disagrees ({list:?}, {sep:?}, {encoding:?}): {general:?}"
            );
        }
    }
}

/// `parse::timestamped` and `parse::canonical_timestamp`.
pub fn parse_timestamped(data: &[u8]) {
    let general = std::str::from_utf8(data)
        .ok()
        .and_then(|t| parse::canonical_timestamp(t).ok());
    if let Some(n) = parse::short_canonical_timestamp(data) {
        assert_eq!(general, Some(n), "the timestamp fast path disagrees");
    } else if data.len() <= 18 {
        assert_eq!(general, None, "the timestamp fast path refused a short one");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(n) = parse::canonical_timestamp(text) {
            assert_eq!(
                n.to_string(),
                text,
                "canonical_timestamp accepted a non-canonical form"
            );
            assert!(n >= 0);
        }
    }
    parse_versioned(data);
    for &list in kv_lists() {
        let (ts_key, sig_key) = (list.ts_key, list.sig_key);
        if let Some((parts, tag)) = parse::timestamped_hex32(data, &list) {
            let general = parse::timestamped_parts(data, &list);
            assert_eq!(
                general,
                Ok(parts),
                "fast path disagrees, keys {ts_key}/{sig_key}"
            );
            assert_eq!(encoding::decode_hex(parts.signature), Ok(tag.to_vec()));
        }
        match parse::timestamped(data, &list) {
            Ok(t) => {
                assert!(t.timestamp >= 0);
                assert!(!t.signature.is_empty());
                // Display/parse round trip through the canonical header.
                let header = t.to_header(&list);
                let back = parse::timestamped(header.as_bytes(), &list);
                assert_eq!(back.as_ref(), Ok(&t), "{header}");
            }
            Err(ParseError::MissingPrefix(_)) => {
                panic!("timestamped has no prefix to miss")
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// `encoding::decode_hex`, against the `hex` crate.
pub fn decode_hex(data: &[u8]) {
    let ours = encoding::decode_hex(data);
    match &ours {
        Ok(bytes) => {
            assert_eq!(bytes.len() * 2, data.len());
            assert_eq!(
                encoding::encode_hex(bytes).as_bytes(),
                data.to_ascii_lowercase().as_slice()
            );
        }
        Err(DecodeError::Empty) => assert!(data.is_empty()),
        Err(DecodeError::TooLong(n)) => assert!(*n == data.len() && *n > MAX_ENCODED_LEN),
        Err(DecodeError::OddLength(n)) => assert!(*n == data.len() && n % 2 == 1),
        Err(DecodeError::InvalidCharacter(i)) => {
            let c = data.get(*i).copied();
            assert!(
                c.is_some_and(|c| !c.is_ascii_hexdigit()),
                "offset {i} is a hex digit"
            );
        }
        Err(e) => panic!("decode_hex returned an unexpected error: {e:?}"),
    }
    if !data.is_empty() && data.len() <= MAX_ENCODED_LEN {
        assert_eq!(
            ours.ok(),
            hex::decode(data).ok(),
            "differs from the hex crate"
        );
    }
}

/// `encoding::decode_base64`: only canonical, padded, standard base64.
pub fn decode_base64(data: &[u8]) {
    if let Ok(fixed) = <&[u8; 44]>::try_from(data) {
        let general = encoding::decode_base64(data)
            .ok()
            .filter(|bytes| bytes.len() == 32);
        assert_eq!(
            encoding::decode_base64_32(fixed).map(|tag| tag.to_vec()),
            general,
            "decode_base64_32 disagrees with decode_base64"
        );
    }
    match encoding::decode_base64(data) {
        Ok(bytes) => {
            assert!(data.len() <= MAX_ENCODED_LEN);
            assert_eq!(
                encoding::encode_base64(&bytes).as_bytes(),
                data,
                "a non-canonical spelling decoded"
            );
        }
        Err(DecodeError::Empty) => assert!(data.is_empty()),
        Err(DecodeError::TooLong(n)) => assert!(n == data.len() && n > MAX_ENCODED_LEN),
        Err(DecodeError::Base64(why)) => assert!(!why.is_empty()),
        Err(e) => panic!("decode_base64 returned an unexpected error: {e:?}"),
    }
}

/// The built-in schemes whose proof is a static token in a header: nothing
/// is signed (the message is empty), and the proof travels in a header
/// (alone or after a prefix) or is the key itself, in a header or the query.
fn token_schemes() -> &'static [SchemeId] {
    static T: OnceLock<Vec<SchemeId>> = OnceLock::new();
    T.get_or_init(|| {
        builtins()
            .iter()
            .copied()
            .filter(|id| {
                let s = id.scheme();
                s.message.is_empty()
                    && matches!(
                        s.carrier,
                        Carrier::Header { .. } | Carrier::QueryOrHeader { .. }
                    )
            })
            .collect()
    })
}

/// The id [`static_token`] gives its deliveries.
const TOKEN_EVENT_ID: &str = "evt_1";

/// The scheme's sample event with its markers filled, and the event id in
/// its header if the scheme carries it there.
fn sample_delivery(scheme: &Scheme, event_id: &str) -> Delivery {
    let event_type = scheme.event_types.first().copied().unwrap_or("test.event");
    let body = scheme
        .sample_event
        .replace("@ID@", event_id)
        .replace("@TYPE@", event_type)
        .replace("@TOKEN@", "1")
        .replace("@BLOCK@", "1");
    let mut d = Delivery::post("http://receiver.test/hook", body.into_bytes());
    for h in scheme.extra_headers {
        match *h {
            ExtraHeader::EventId(name) => d.push_header(name, event_id),
            ExtraHeader::EventType(name) => d.push_header(name, event_type),
            ExtraHeader::Fixed(name, value) => d.push_header(name, value),
        }
    }
    d
}

/// Whether `wire` is the encoded proof `expected`, as a receiver reads it
/// (hex in either letter case, anything else exactly).
fn same_proof(scheme: &Scheme, wire: &[u8], expected: &str) -> bool {
    match scheme.encoding {
        Encoding::Hex => wire.eq_ignore_ascii_case(expected.as_bytes()),
        Encoding::Base64 | Encoding::Base64Url | Encoding::Text => wire == expected.as_bytes(),
    }
}

/// A static token, for every built-in scheme that uses one
/// ([`token_schemes`]: no signed message, the proof in a header): the
/// input as the header's value is accepted exactly when it is, trimmed of
/// spaces and tabs, the scheme's prefix followed by the proof of the empty
/// message under one of the scheme's test keys (hex in either letter case),
/// within the header length limit and in visible ASCII. An accepted
/// delivery has the event id of its body (or id header).
pub fn static_token(data: &[u8]) {
    for &id in token_schemes() {
        let scheme = id.scheme();
        let (name, prefix) = match scheme.carrier {
            Carrier::Header { name, prefix } => (name, prefix),
            Carrier::QueryOrHeader { header, .. } => (header, ""),
            _ => continue,
        };
        let keys = keys_of(id);
        let mut d = sample_delivery(scheme, TOKEN_EVENT_ID);
        d.push_header(name, data);
        let visible = data.len() <= MAX_HEADER_LEN
            && data.iter().all(|b| (0x20..0x7f).contains(b) || *b == b'\t');
        let should_accept = visible
            && trim_ws(data)
                .strip_prefix(prefix.as_bytes())
                .is_some_and(|token| {
                    keys.signers.iter().any(|key| {
                        sign::proof(scheme, key, b"").is_ok_and(|raw| {
                            same_proof(scheme, token, &sign::encode_proof(scheme, &raw))
                        })
                    })
                });
        let got = verify::verify(scheme, &keys.trust, &d, &Policy::at(0));
        match &got {
            Ok(v) => assert_eq!(v.event_id.as_deref(), Some(TOKEN_EVENT_ID), "{id}"),
            Err(r) => check_rejection(scheme, r),
        }
        assert_eq!(
            got.is_ok(),
            should_accept,
            "{id}: {name} {:?}",
            String::from_utf8_lossy(data)
        );
    }
}

/// Builds a [`verify_delivery`] input: scheme byte, `now` (i64 LE), URL,
/// header count, `name`/`value` fields, then the body.
pub fn encode_delivery_input(scheme: SchemeId, now: i64, d: &Delivery) -> Vec<u8> {
    let mut out = vec![scheme_byte(scheme)];
    out.extend_from_slice(&now.to_le_bytes());
    push_field(&mut out, d.url.as_bytes());
    let n = d.headers.len().min(MAX_FUZZ_HEADERS);
    out.push(u8::try_from(n).unwrap_or(0));
    for (name, value) in d.headers.iter().take(n) {
        push_field(&mut out, name.as_bytes());
        push_field(&mut out, value);
    }
    out.extend_from_slice(&d.body);
    out
}

/// The most header fields a [`verify_delivery`] input carries.
pub const MAX_FUZZ_HEADERS: usize = 16;

/// Decodes a [`verify_delivery`] input.
pub fn decode_delivery_input(data: &[u8]) -> (SchemeId, i64, Delivery) {
    let mut c = Carver::new(data);
    let scheme = scheme_from_byte(c.u8());
    let now = c.i64();
    let url = String::from_utf8_lossy(c.field()).into_owned();
    let n = usize::from(c.u8()) % (MAX_FUZZ_HEADERS + 1);
    let headers = (0..n)
        .map(|_| {
            let name = String::from_utf8_lossy(c.field()).into_owned();
            (name, c.field().to_vec())
        })
        .collect();
    let body = c.rest().to_vec();
    (
        scheme,
        now,
        Delivery {
            method: "POST".to_owned(),
            url,
            headers,
            body,
            name_case: crate::delivery::NameCase::Lower,
            trickle: None,
        },
    )
}

fn trim_ws(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| *b != b' ' && *b != b'\t');
    let end = v.iter().rposition(|b| *b != b' ' && *b != b'\t');
    match (start, end) {
        (Some(s), Some(e)) => v.get(s..=e).unwrap_or(&[]),
        _ => &[],
    }
}

/// An independent statement of "this delivery carries the canonical proof",
/// written without the verifier's code paths: read the proof and the
/// signed pieces from the request by the description's names, recompute the
/// proof text the sender would send with each of the scheme's signing keys
/// and compare the text on the wire with it.
fn carries_canonical_proof(id: SchemeId, d: &Delivery) -> bool {
    let scheme = id.scheme();
    let keys = keys_of(id);
    // The signed message, assembled from the template's pieces.
    let message = |ts: &[u8], event: &[u8]| -> Vec<u8> {
        let mut m = Vec::new();
        for part in scheme.message.parts {
            match part {
                MessagePart::Literal(l) => m.extend_from_slice(l.as_bytes()),
                MessagePart::Timestamp => m.extend_from_slice(ts),
                MessagePart::Url => m.extend_from_slice(d.url.as_bytes()),
                MessagePart::Body => m.extend_from_slice(&d.body),
                MessagePart::Event => m.extend_from_slice(event),
                MessagePart::Header(name) => {
                    if let HeaderLookup::One(v) = d.header(name) {
                        m.extend_from_slice(v);
                    }
                }
            }
        }
        m
    };
    let signed_by_a_key = |message: &[u8], wire: &[u8]| {
        keys.signers.iter().any(|key| {
            sign::proof(scheme, key, message)
                .is_ok_and(|raw| same_proof(scheme, wire, &sign::encode_proof(scheme, &raw)))
        })
    };
    let one = |name: &str| match d.header(name) {
        HeaderLookup::One(v) => Some(trim_ws(v)),
        _ => None,
    };
    match scheme.carrier {
        Carrier::Header { name, prefix } => {
            let Some(v) = one(name) else { return false };
            let Some(text) = v.strip_prefix(prefix.as_bytes()) else {
                return false;
            };
            signed_by_a_key(&message(b"", &d.body), text)
        }
        Carrier::QueryOrHeader { query, header } => {
            // Every value given (query and header) is the key itself.
            let mut values: Vec<Vec<u8>> = d
                .query_values(query)
                .into_iter()
                .map(String::into_bytes)
                .collect();
            values.extend(d.header_values(header).map(<[u8]>::to_vec));
            let m = message(b"", &d.body);
            !values.is_empty()
                && keys.signers.iter().any(|key| {
                    sign::proof(scheme, key, &m).is_ok_and(|raw| {
                        let expected = sign::encode_proof(scheme, &raw);
                        values
                            .iter()
                            .all(|v| same_proof(scheme, trim_ws(v), &expected))
                    })
                })
        }
        Carrier::TimestampedHeader {
            name,
            ts_key,
            sig_key,
            pair_separator,
            key_separator,
            ..
        } => {
            let Some(v) = one(name) else { return false };
            let Ok(text) = std::str::from_utf8(v) else {
                return false;
            };
            let mut ts = None;
            let mut sig = None;
            for item in text.split(pair_separator) {
                if let Some((k, val)) = item.split_once(key_separator) {
                    let k = k.trim_matches([' ', '\t']);
                    let val = val.trim_matches([' ', '\t']);
                    if k == ts_key {
                        ts = Some(val);
                    } else if k == sig_key {
                        sig = Some(val);
                    }
                }
            }
            let (Some(ts), Some(sig)) = (ts, sig) else {
                return false;
            };
            signed_by_a_key(&message(ts.as_bytes(), &d.body), sig.as_bytes())
        }
        Carrier::VersionedList {
            name,
            list_separator,
            version_separator,
            accept,
        } => {
            // Any entry of a counted version that is the canonical proof of
            // the message (the timestamp read from its own header).
            let Some(v) = one(name) else { return false };
            let Ok(text) = std::str::from_utf8(v) else {
                return false;
            };
            let ts = scheme.timestamp_header().and_then(one).unwrap_or_default();
            let m = message(ts, &d.body);
            text.split(list_separator)
                .filter_map(|e| e.split_once(version_separator))
                .any(|(ver, p)| accept.contains(&ver) && signed_by_a_key(&m, p.as_bytes()))
        }
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => {
            // A second reading of the envelope (raw members by name), not
            // the verifier's typed one. The signed bytes are the event
            // member exactly as sent.
            let Some((event_bytes, sig)) = envelope_members(&d.body, event_field, signature_field)
            else {
                return false;
            };
            signed_by_a_key(&message(b"", event_bytes), sig.as_bytes())
        }
    }
}

/// The event member's bytes and the signature member's string of an
/// envelope body.
fn envelope_members<'a>(
    body: &'a [u8],
    event_field: &str,
    signature_field: &str,
) -> Option<(&'a [u8], String)> {
    use serde_json::value::RawValue;
    let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_slice(body).ok()?;
    let sig: String = serde_json::from_str(map.get(signature_field)?.get()).ok()?;
    Some((event_slice(body, event_field)?, sig))
}

/// The bytes of the event member's value in an envelope body, found with
/// `serde_json`'s raw values (a second reading, independent of `verify`'s
/// typed envelope).
fn event_slice<'a>(body: &'a [u8], event_field: &str) -> Option<&'a [u8]> {
    use serde_json::value::RawValue;
    let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_slice(body).ok()?;
    let raw = map.get(event_field)?.get();
    let start = (raw.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    body.get(start..start + raw.len())
}

/// `verify::verify` on an arbitrary request, for the scheme the first byte
/// picks (input format: [`encode_delivery_input`]).
///
/// Asserts: no panic; every rejection maps to a 4xx; an accepted delivery
/// carries exactly the proof the sender would compute (hex in either case,
/// surrounding spaces and tabs tolerated) and, for timestamped schemes, a
/// timestamp within the window; `event_id` is total; the verifier's lane
/// for the common shape decides as its general path does.
pub fn verify_delivery(data: &[u8]) {
    let (id, now, d) = decode_delivery_input(data);
    let scheme = id.scheme();
    let policy = Policy::at(now);
    let trust = &keys_of(id).trust;
    assert_eq!(
        verify::authenticate(scheme, trust, &d, &policy),
        verify::authenticate_general(scheme, trust, &d, &policy),
        "{id}: the lane and the general path disagree on {d:?}"
    );
    let got = verify::verify(scheme, trust, &d, &policy);
    let _ = verify::event_id(scheme, &d);
    match got {
        Ok(v) => {
            assert!(
                carries_canonical_proof(id, &d),
                "{id}: accepted a delivery without the canonical proof: {d:?}"
            );
            assert_eq!(v.event_id, verify::event_id(scheme, &d));
            if let (Carrier::TimestampedHeader { name, .. }, Some(list)) =
                (scheme.carrier, scheme.carrier.kv_list())
            {
                let HeaderLookup::One(h) = d.header(name) else {
                    panic!("{id}: accepted without exactly one {name}")
                };
                let t = parse::timestamped(h, &list)
                    .unwrap_or_else(|e| panic!("{id}: accepted an unparseable header: {e}"));
                let skew = i128::from(t.timestamp) - i128::from(now);
                assert!(skew.unsigned_abs() <= u128::from(policy.tolerance_s));
            }
        }
        Err(r) => check_rejection(scheme, &r),
    }
}

/// The built-in schemes whose proof travels in a JSON body envelope.
fn envelope_schemes() -> &'static [SchemeId] {
    static E: OnceLock<Vec<SchemeId>> = OnceLock::new();
    E.get_or_init(|| {
        builtins()
            .iter()
            .copied()
            .filter(|id| matches!(id.scheme().carrier, Carrier::BodyEnvelope { .. }))
            .collect()
    })
}

/// A body envelope on an arbitrary body (the whole input), for every
/// built-in scheme whose proof travels in one.
///
/// Asserts: no panic, 4xx statuses, and an accepted body's signature is the
/// proof of the event member's exact bytes by one of the scheme's keys (the
/// algorithms are deterministic: Ed25519 per RFC 8032, RSA PKCS#1 v1.5,
/// HMAC), so no second encoding of a signature and no other reading of the
/// envelope is accepted. Also: when the input is JSON, signing it as an
/// event gives an envelope that verifies.
pub fn body_envelope(data: &[u8]) {
    for &id in envelope_schemes() {
        let scheme = id.scheme();
        let keys = keys_of(id);
        let mut d = Delivery::post("http://receiver.test/hook", data);
        d.push_header("Content-Type", "application/json");
        match verify::verify(scheme, &keys.trust, &d, &Policy::at(0)) {
            Ok(_) => assert!(
                carries_canonical_proof(id, &d),
                "{id}: accepted an envelope without the canonical signature: {:?}",
                String::from_utf8_lossy(data)
            ),
            Err(r) => check_rejection(scheme, &r),
        }
        // The other direction: any JSON text, as sent, signs and verifies
        // (the envelope keeps the event bytes exactly; surrounding
        // whitespace is not part of a JSON value, so it is left out).
        let event = trim_json_ws(data);
        if envelope_ready(event) {
            let p = Payload::new("http://receiver.test/hook", event, 0);
            let signed = sign::sign(scheme, signer_of(id, false), &p)
                .unwrap_or_else(|e| panic!("{id}: signing a JSON event failed: {e}"));
            let v = verify::verify(scheme, &keys.trust, &signed, &Policy::at(0));
            assert!(v.is_ok(), "{id}: a signed envelope was rejected: {v:?}");
        }
    }
}

/// Whether `event` is a JSON value that an envelope can carry: UTF-8 (the
/// envelope reader borrows the raw text) and nested shallowly enough to sit
/// one level down in the envelope (`serde_json` stops at 128 levels).
fn envelope_ready(event: &[u8]) -> bool {
    if event.is_empty() || std::str::from_utf8(event).is_err() {
        return false;
    }
    // One JSON value on its own (`[a],[b]` wrapped in brackets would pass
    // as an array: found by the `sign_verify` fuzz target), and still
    // within the depth limit one level down.
    if serde_json::from_slice::<serde::de::IgnoredAny>(event).is_err() {
        return false;
    }
    let mut wrapped = Vec::with_capacity(event.len() + 2);
    wrapped.push(b'[');
    wrapped.extend_from_slice(event);
    wrapped.push(b']');
    serde_json::from_slice::<serde::de::IgnoredAny>(&wrapped).is_ok()
}

fn trim_json_ws(v: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let start = v.iter().position(|b| !ws(b));
    let end = v.iter().rposition(|b| !ws(b));
    match (start, end) {
        (Some(s), Some(e)) => v.get(s..=e).unwrap_or(&[]),
        _ => &[],
    }
}

/// `jsjson::stringify` on arbitrary bytes.
///
/// Asserts: no panic; the output is canonical (stringify is idempotent);
/// every text `serde_json` parses, `jsjson` parses too, to the same shape;
/// the output is again JSON for `serde_json` unless it holds a lone
/// surrogate (which `serde_json` refuses).
pub fn js_stringify(data: &[u8]) {
    let ours = jsjson::stringify(data);
    if let Ok(out) = &ours {
        let again = jsjson::stringify(out.as_bytes());
        assert_eq!(again.as_ref(), Ok(out), "stringify is not idempotent");
        assert!(jsjson::is_canonical(out.as_bytes()));
        if !contains_lone_surrogate_escape(out) {
            let reparsed = serde_json::from_str::<serde_json::Value>(out);
            assert!(
                reparsed.is_ok(),
                "serde_json refuses the output {out:?}: {reparsed:?}"
            );
        }
    }
    if let Ok(theirs) = serde_json::from_slice::<serde_json::Value>(data) {
        let Ok(out) = &ours else {
            panic!("serde_json parses the text but jsjson does not: {ours:?}")
        };
        if let Ok(back) = serde_json::from_str::<serde_json::Value>(out) {
            assert!(same_shape(&theirs, &back), "{out}");
        }
    }
}

fn contains_lone_surrogate_escape(s: &str) -> bool {
    // The only `\ud` escapes JSON.stringify writes are lone surrogates.
    s.contains("\\ud")
}

/// Same structure, keys and strings; numbers compared loosely (serde_json's
/// default float parsing is not always correctly rounded).
fn same_shape(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (a, b) {
        (V::Null, V::Null) => true,
        // 1e400 is Infinity in JavaScript, written as null.
        (V::Number(_), V::Null) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Number(x), V::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || ((x - y) / x).abs() < 1e-15,
            _ => false,
        },
        (V::String(x), V::String(y)) => x == y,
        (V::Array(x), V::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_shape(x, y))
        }
        (V::Object(x), V::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_shape(v, w)))
        }
        _ => false,
    }
}

/// `vectors::from_json` on arbitrary bytes; an accepted file round-trips
/// through its canonical text and every test in it can be checked.
pub fn vector_file(data: &[u8]) {
    let Ok(file) = vectors::from_json(data, "fuzz input") else {
        return;
    };
    let text = vectors::to_json(&file);
    let back = vectors::from_json(text.as_bytes(), "round trip")
        .unwrap_or_else(|e| panic!("a valid file does not round-trip: {e}"));
    assert_eq!(back, file);
    let Ok(id) = file.scheme_id() else {
        panic!("a validated file has an unknown scheme")
    };
    for (group, test) in file.tests() {
        match vectors::check(id, group, test) {
            Ok(_) => {}
            Err(r) => check_rejection(id.scheme(), &r),
        }
        let _ = test.name();
        let _ = test.result.allows(true);
    }
}

/// `describe::load_bytes` on arbitrary bytes: total (no panic), and every
/// error is located in the input (`fuzz input:<line>:<column>: …; …`, the
/// line within the input's line count) and says how to fix it. Does not
/// convert to the engine's `Scheme`: that conversion leaks by design.
pub fn scheme_file(data: &[u8]) {
    let Err(e) = crate::describe::load_bytes(data, "fuzz input") else {
        return;
    };
    let shown = e.to_string();
    let at = e.location();
    assert!(at.line >= 1 && at.column >= 1, "{shown}");
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(at.line <= lines, "line {} of {lines}: {shown}", at.line);
    assert!(shown.starts_with("fuzz input:"), "{shown}");
    assert!(e.message().contains("; "), "no fix: {shown}");
}

/// Builds a [`sign_verify`] input.
#[allow(clippy::too_many_arguments)]
pub fn encode_sign_input(
    scheme: SchemeId,
    alt_key: bool,
    placement: KeyPlacement,
    timestamp: i64,
    url: &str,
    event_id: &str,
    event: &[u8],
    mutation: (u8, u16, u8),
) -> Vec<u8> {
    let flags = u8::from(alt_key) | (u8::from(placement == KeyPlacement::Query) << 1);
    let mut out = vec![scheme_byte(scheme), flags];
    out.extend_from_slice(&timestamp.to_le_bytes());
    push_field(&mut out, url.as_bytes());
    push_field(&mut out, event_id.as_bytes());
    out.push(mutation.0);
    out.extend_from_slice(&mutation.1.to_le_bytes());
    out.push(mutation.2);
    out.extend_from_slice(event);
    out
}

/// Which part of a signed delivery a mutation flips a bit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    SignedBytes,
    Proof,
    Timestamp,
    Url,
}

/// The differential round trip: sign a structured payload with the scheme's
/// test key, verify it (must accept), then flip one bit in the signed
/// bytes, the raw proof, the timestamp or the URL and verify again (must
/// reject wherever that part is covered by the proof).
///
/// Input: scheme byte, flags (bit 0: second key, bit 1: key in the query),
/// timestamp (i64 LE), URL field, event-id field, mutation (part byte, bit
/// position u16 LE, extra byte), then the event bytes.
pub fn sign_verify(data: &[u8]) {
    let mut c = Carver::new(data);
    let id = scheme_from_byte(c.u8());
    let flags = c.u8();
    // Senders sign non-negative unix seconds (a negative one is a forgery
    // case the verifier refuses as non-canonical).
    let timestamp = c.i64() & i64::MAX;
    let url = String::from_utf8_lossy(c.field()).into_owned();
    let event_id = String::from_utf8_lossy(c.field()).into_owned();
    let part = match c.u8() % 4 {
        0 => Part::SignedBytes,
        1 => Part::Proof,
        2 => Part::Timestamp,
        _ => Part::Url,
    };
    let bit = usize::from(c.u16());
    let _extra = c.u8();
    let event = c.rest();

    let scheme = id.scheme();
    let key = signer_of(id, flags & 1 == 1);
    let trust = &keys_of(id).trust;
    if scheme.message.signs_event() {
        // The envelope carries a JSON value; its bytes are what is signed.
        if trim_json_ws(event).len() != event.len() || !envelope_ready(event) {
            return;
        }
    }
    if let Carrier::QueryOrHeader { query, .. } = scheme.carrier {
        // A URL that already has the key's parameter makes the delivery
        // ambiguous (correctly refused); that is not a round trip.
        let has = url::Url::parse(&url).is_ok_and(|u| u.query_pairs().any(|(k, _)| k == query));
        if has {
            return;
        }
    }
    let mut p = Payload::new(url, event, timestamp);
    p.event_id = Some(event_id);
    p.key_placement = if flags & 2 == 2 {
        KeyPlacement::Query
    } else {
        KeyPlacement::Header
    };
    let Ok(signed) = sign::sign(scheme, key, &p) else {
        // Only a query placement into an unparseable URL may fail.
        assert!(
            p.key_placement == KeyPlacement::Query && url::Url::parse(&p.url).is_err(),
            "{id}: signing failed"
        );
        return;
    };
    let policy = Policy::at(timestamp);
    let ok = verify::verify(scheme, trust, &signed, &policy);
    if matches!(scheme.carrier, Carrier::QueryOrHeader { .. })
        && p.key_placement == KeyPlacement::Query
    {
        // The URL parser may normalize the URL; the key must still be found.
        assert!(ok.is_ok(), "{id}: query key rejected: {ok:?}");
        return;
    }
    assert!(ok.is_ok(), "{id}: verify(sign(x)) rejected: {ok:?}");

    let ts_text = timestamp.to_string();
    let message = sign::payload_message(scheme, &p, &ts_text);
    // RSA signing is slow (and PKCS#1 v1.5 deterministic): take the proof
    // from the signed delivery instead of signing a second time.
    let from_header = match scheme.carrier {
        Carrier::Header { name, prefix } if scheme.encoding == Encoding::Base64 => {
            match signed.header(name) {
                HeaderLookup::One(v) => v
                    .strip_prefix(prefix.as_bytes())
                    .and_then(|t| encoding::decode_base64(t).ok()),
                _ => None,
            }
        }
        _ => None,
    };
    let raw = match from_header {
        Some(raw) => raw,
        None => sign::proof(scheme, key, &message).unwrap_or_else(|e| panic!("{id}: {e}")),
    };
    let flip = |bytes: &mut Vec<u8>| -> bool {
        if bytes.is_empty() {
            return false;
        }
        let i = (bit / 8) % bytes.len();
        match bytes.get_mut(i) {
            Some(b) => {
                *b ^= 1 << (bit % 8);
                true
            }
            None => false,
        }
    };
    let reject = |d: &Delivery, p: &Policy, what: &str| {
        let got = verify::verify(scheme, trust, d, p);
        assert!(
            got.is_err(),
            "{id}: a flipped bit in the {what} was accepted: {d:?}"
        );
        if let Err(r) = got {
            check_rejection(scheme, &r);
        }
    };
    match part {
        Part::SignedBytes => {
            if scheme.message.is_empty() {
                return;
            }
            let mut event2 = event.to_vec();
            if !flip(&mut event2) {
                return;
            }
            let mut p2 = p.clone();
            p2.event = event2;
            // The old proof, placed with the changed event.
            if let Ok(d) = sign::place_proof(scheme, &p2, &sign::encode_proof(scheme, &raw)) {
                reject(&d, &policy, "signed bytes");
            }
        }
        Part::Proof => {
            let mut raw2 = raw.clone();
            if !flip(&mut raw2) {
                return;
            }
            if scheme.encoding == Encoding::Text && std::str::from_utf8(&raw2).is_err() {
                return;
            }
            if let Ok(d) = sign::place_proof(scheme, &p, &sign::encode_proof(scheme, &raw2)) {
                reject(&d, &policy, "proof");
            }
        }
        Part::Timestamp => {
            if !scheme.message.signs_timestamp() {
                return;
            }
            let ts2 = timestamp ^ (1i64 << (bit % 63));
            let mut p2 = p.clone();
            p2.timestamp = ts2;
            if let Ok(d) = sign::place_proof(scheme, &p2, &sign::encode_proof(scheme, &raw)) {
                // Even a receiver whose clock matches the new timestamp rejects.
                reject(&d, &Policy::at(ts2), "timestamp");
            }
        }
        Part::Url => {
            if !scheme.message.signs_url() {
                return;
            }
            let mut url2 = p.url.clone().into_bytes();
            if !flip(&mut url2) {
                return;
            }
            let Ok(url2) = String::from_utf8(url2) else {
                return;
            };
            let mut d = signed.clone();
            d.url = url2;
            reject(&d, &policy, "URL");
        }
    }
}

/// The names of the fuzz targets, as in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 11] = [
    "parse_prefixed",
    "parse_timestamped",
    "decode_hex",
    "decode_base64",
    "static_token",
    "verify_delivery",
    "body_envelope",
    "js_stringify",
    "vector_file",
    "sign_verify",
    "scheme_file",
];

/// Runs the target called `name` on `data`; `false` for an unknown name.
pub fn run_target(name: &str, data: &[u8]) -> bool {
    let f: fn(&[u8]) = match name {
        "parse_prefixed" => parse_prefixed,
        "parse_timestamped" => parse_timestamped,
        "decode_hex" => decode_hex,
        "decode_base64" => decode_base64,
        "static_token" => static_token,
        "verify_delivery" => verify_delivery,
        "body_envelope" => body_envelope,
        "js_stringify" => js_stringify,
        "vector_file" => vector_file,
        "sign_verify" => sign_verify,
        "scheme_file" => scheme_file,
        _ => return false,
    };
    f(data);
    true
}

/// The largest seed [`seed_corpus`] emits: the corpus is committed, and
/// small inputs fuzz faster.
pub const MAX_SEED_LEN: usize = 8 << 10;

/// Seed inputs for every target, extracted from the vector files in `dir`
/// (header values, bodies, whole requests, one-test vector files) plus a
/// few hand-written JSON edge cases. Deduplicated, in a stable order.
pub fn seed_corpus(dir: &std::path::Path) -> Result<Vec<(&'static str, Vec<u8>)>, crate::Error> {
    let mut seeds: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for id in SchemeId::builtins() {
        let file = vectors::load(vectors::path_for(dir, id))?;
        let scheme = id.scheme();
        for (group, test) in file.tests() {
            let d = test.delivery()?;
            seeds.push(("verify_delivery", encode_delivery_input(id, test.now, &d)));
            // Header values by the role the description gives the header.
            let proof_header = scheme.carrier.header_name();
            for (name, value) in &d.headers {
                if !proof_header.is_some_and(|h| h.eq_ignore_ascii_case(name)) {
                    continue;
                }
                match scheme.carrier {
                    Carrier::Header { prefix, .. } => {
                        seeds.push(("parse_prefixed", value.clone()));
                        let encoded = value.strip_prefix(prefix.as_bytes()).unwrap_or(value);
                        match scheme.encoding {
                            Encoding::Hex => seeds.push(("decode_hex", encoded.to_vec())),
                            Encoding::Base64 => seeds.push(("decode_base64", encoded.to_vec())),
                            Encoding::Base64Url | Encoding::Text => {}
                        }
                        if scheme.message.is_empty() {
                            seeds.push(("static_token", value.clone()));
                        }
                    }
                    Carrier::QueryOrHeader { .. } => seeds.push(("static_token", value.clone())),
                    Carrier::TimestampedHeader { .. } => {
                        seeds.push(("parse_timestamped", value.clone()));
                    }
                    Carrier::VersionedList { .. } | Carrier::BodyEnvelope { .. } => {}
                }
            }
            if let Carrier::QueryOrHeader { query, .. } = scheme.carrier {
                for v in d.query_values(query) {
                    seeds.push(("static_token", v.into_bytes()));
                }
            }
            if let Carrier::BodyEnvelope { event_field, .. } = scheme.carrier {
                seeds.push(("body_envelope", d.body.clone()));
                if let Some(event) = event_slice(&d.body, event_field) {
                    seeds.push(("js_stringify", event.to_vec()));
                }
            } else {
                seeds.push(("js_stringify", d.body.clone()));
            }
            if test.result == vectors::Expected::Valid {
                let event = match scheme.carrier {
                    Carrier::BodyEnvelope { event_field, .. } => {
                        event_slice(&d.body, event_field).map(<[u8]>::to_vec)
                    }
                    _ => Some(d.body.clone()),
                };
                if let Some(event) = event {
                    let part = u8::try_from(test.tc_id % 4).unwrap_or(0);
                    seeds.push((
                        "sign_verify",
                        encode_sign_input(
                            id,
                            test.tc_id % 2 == 1,
                            KeyPlacement::Header,
                            test.now,
                            &d.url,
                            "dlv_1",
                            &event,
                            (part, u16::try_from(test.tc_id).unwrap_or(0), 0),
                        ),
                    ));
                }
            }
            // A one-test vector file (a sample: the files are large).
            if test.tc_id % 8 != 1 {
                continue;
            }
            let mut g = group.clone();
            g.tests = vec![test.clone()];
            let mut one = file.clone();
            one.number_of_tests = 1;
            one.test_groups = vec![g];
            if let Ok(text) = serde_json::to_vec(&one) {
                seeds.push(("vector_file", text));
            }
        }
    }
    for edge in [
        r#"{"b":1,"a":2,"b":3}"#,
        r#"{"10":1,"2":2,"01":3,"4294967294":4,"4294967295":5,"-0":6}"#,
        r#"[1.0,-0,1e21,1E-7,123456789012345678901234567890,9007199254740993,1e400]"#,
        r#""\u2028\u2029\ud800\udc00\uDFFF\/\b\f\n\r\t\u0000\u001f""#,
        " {\"a\" :\t[ true , false , null ] }\r\n",
    ] {
        seeds.push(("js_stringify", edge.as_bytes().to_vec()));
    }
    let mut seen = std::collections::BTreeSet::new();
    seeds.retain(|(t, s)| s.len() <= MAX_SEED_LEN && seen.insert((*t, s.clone())));
    Ok(seeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carver_reads_past_the_end() {
        let mut c = Carver::new(&[1, 3, 0, b'a', b'b']);
        assert_eq!(c.u8(), 1);
        assert_eq!(c.field(), b"ab");
        assert_eq!(c.u8(), 0);
        assert_eq!(c.i64(), 0);
        assert!(c.field().is_empty());
        assert!(c.rest().is_empty());
    }

    #[test]
    fn delivery_inputs_round_trip() {
        let mut d = Delivery::post("http://h/p?q=1", &b"{}"[..]);
        d.push_header("X-A", "1");
        let data = encode_delivery_input("cometh".parse::<SchemeId>().unwrap(), -5, &d);
        assert_eq!(
            decode_delivery_input(&data),
            ("cometh".parse::<SchemeId>().unwrap(), -5, d)
        );
    }

    #[test]
    fn targets_accept_trivial_inputs() {
        for data in [&b""[..], b"\0", b"{}", b"ts=1;sig1=00"] {
            parse_prefixed(data);
            parse_timestamped(data);
            decode_hex(data);
            decode_base64(data);
            static_token(data);
            verify_delivery(data);
            body_envelope(data);
            js_stringify(data);
            vector_file(data);
            sign_verify(data);
        }
    }

    /// The independent "carries the canonical proof" check agrees with the
    /// signer for every built-in (versioned lists and header timestamps
    /// included), and refuses a delivery whose signed body changed.
    #[test]
    fn canonical_proof_check_knows_every_builtin() {
        for id in SchemeId::builtins() {
            let s = id.scheme();
            let mut p = Payload::new("http://receiver.test/hook", &br#"{"id":"e1","n":1}"#[..], 1);
            p.event_id = Some("e1".into());
            p.event_type = s.event_types.first().map(|t| (*t).to_owned());
            let d = sign::sign(s, signer_of(id, false), &p).unwrap();
            assert!(carries_canonical_proof(id, &d), "{id}");
            if s.message.signs_content() {
                let mut bad = d.clone();
                if let Some(b) = bad.body.iter_mut().rev().find(|b| **b == b'1') {
                    *b = b'2';
                }
                assert!(!carries_canonical_proof(id, &bad), "{id}");
            }
        }
    }

    #[test]
    fn scheme_shaped_targets_run_for_their_schemes() {
        assert!(!token_schemes().is_empty());
        assert!(!envelope_schemes().is_empty());
        for &id in token_schemes() {
            let scheme = id.scheme();
            let prefix = match scheme.carrier {
                Carrier::Header { prefix, .. } => prefix,
                _ => "",
            };
            let raw = sign::proof(scheme, signer_of(id, false), b"").unwrap();
            let token = format!("{prefix}{}", sign::encode_proof(scheme, &raw));
            // static_token asserts acceptance iff the token is expected.
            static_token(token.as_bytes());
            static_token(format!(" {}\t", token.to_uppercase()).as_bytes());
            static_token(token.replace('a', "b").as_bytes());
        }
        for &id in envelope_schemes() {
            let scheme = id.scheme();
            let p = Payload::new("http://h/p", &br#"{"id":"e1"}"#[..], 0);
            let d = sign::sign(scheme, signer_of(id, true), &p).unwrap();
            assert!(carries_canonical_proof(id, &d));
            body_envelope(&d.body);
        }
    }

    #[test]
    fn signed_inputs_exercise_every_scheme() {
        for id in SchemeId::builtins() {
            for part in 0..4 {
                for placement in [KeyPlacement::Header, KeyPlacement::Query] {
                    sign_verify(&encode_sign_input(
                        id,
                        false,
                        placement,
                        1_700_000_000,
                        "http://h/p?x=1",
                        "dlv_1",
                        br#"{"id":"e1","data":{"slug":"s"}}"#,
                        (part, 13, 0),
                    ));
                }
            }
        }
    }
}
