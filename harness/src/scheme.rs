//! Schemes as data.
//!
//! A [`Scheme`] says *where* a delivery's proof of origin travels
//! ([`Carrier`]), *which bytes* it covers ([`Message`]), how it is computed
//! ([`Algorithm`]) and written ([`Encoding`]), which statuses the vendor
//! documents ([`Statuses`]) and how a delivery is identified ([`EventId`]).
//! [`crate::sign`] and [`crate::verify`] are one engine over these
//! descriptions. A `Scheme` is built from a scheme file only
//! ([`crate::describe`]): adding a scheme is writing its file.

use std::fmt;

use crate::Error;

/// A handle on a known scheme: Copy, compared and hashed by the scheme's
/// string id (`blockmark`, `acme-v1`…), as used on the command line, in
/// case ids and in vector files.
///
/// Handles come from the registry ([`crate::describe::registry`], which
/// also implements `FromStr` and `SchemeId::builtins`): the built-in scheme
/// files and every scheme file loaded with
/// [`crate::describe::registry::register_file`]. A handle always points at
/// its description, so [`SchemeId::scheme`] cannot fail.
#[derive(Clone, Copy)]
pub struct SchemeId(&'static Scheme);

impl SchemeId {
    /// The handle of a registered description (the registry's job).
    pub(crate) fn of(scheme: &'static Scheme) -> Self {
        SchemeId(scheme)
    }

    /// The id as written on the command line and in case ids.
    pub fn as_str(self) -> &'static str {
        self.0.id
    }

    /// The scheme's description.
    pub fn scheme(self) -> &'static Scheme {
        self.0
    }
}

impl PartialEq for SchemeId {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for SchemeId {}

impl std::hash::Hash for SchemeId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl PartialOrd for SchemeId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SchemeId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id.cmp(other.0.id)
    }
}

impl fmt::Debug for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchemeId({:?})", self.0.id)
    }
}

impl fmt::Display for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of key material a scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A secret shared by sender and receiver (HMAC key or API key).
    SharedSecret,
    /// Ed25519 public keys published by the provider (a set: keys rotate).
    Ed25519PublicKeys,
    /// An RSA public key published by the provider.
    RsaPublicKey,
}

/// Where the proof of origin travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// One header, its value `prefix` followed by the encoded proof.
    Header {
        /// Header name, in the vendor's spelling.
        name: &'static str,
        /// Literal prefix before the encoded proof (may be empty).
        prefix: &'static str,
    },
    /// The API key itself, in a query parameter or in a header.
    QueryOrHeader {
        /// Query parameter name.
        query: &'static str,
        /// Header name.
        header: &'static str,
    },
    /// A header holding a key/value list with the timestamp and the proof,
    /// e.g. `ts=<unix seconds>;sig1=<proof>` or `t=<ts>,v1=<proof>`.
    TimestampedHeader {
        /// Header name.
        name: &'static str,
        /// Key of the timestamp parameter.
        ts_key: &'static str,
        /// Key of the signature parameter.
        sig_key: &'static str,
        /// Between pairs (`;`, `,`).
        pair_separator: &'static str,
        /// Between a key and its value (`=`).
        key_separator: &'static str,
        /// Whether the proof key may repeat (`t=…,v1=<a>,v1=<b>`): any
        /// value that verifies is enough.
        repeatable: bool,
    },
    /// A header holding a list of `<version><sep><proof>` entries
    /// (`v1,<b64> v1,<b64>`): any entry of an accepted version that
    /// verifies is enough; other versions are ignored.
    VersionedList {
        /// Header name.
        name: &'static str,
        /// Between entries (` `).
        list_separator: &'static str,
        /// Between an entry's version and its proof (`,`).
        version_separator: &'static str,
        /// The versions that count; a sender writes the first.
        accept: &'static [&'static str],
    },
    /// The JSON body is `{"<event>": {...}, "<signature>": "<proof>"}`.
    BodyEnvelope {
        /// Member holding the signed event.
        event_field: &'static str,
        /// Member holding the encoded proof.
        signature_field: &'static str,
    },
}

impl Carrier {
    /// The header that carries the proof (or, for `QueryOrHeader`, may
    /// carry it), if any.
    pub fn header_name(&self) -> Option<&'static str> {
        match *self {
            Carrier::Header { name, .. }
            | Carrier::TimestampedHeader { name, .. }
            | Carrier::VersionedList { name, .. } => Some(name),
            Carrier::QueryOrHeader { header, .. } => Some(header),
            Carrier::BodyEnvelope { .. } => None,
        }
    }

    /// Whether the proof header carries a list of signatures, any of which
    /// may match: a versioned list, or a key/value list whose signature
    /// key may repeat.
    pub fn is_signature_list(&self) -> bool {
        matches!(
            self,
            Carrier::VersionedList { .. }
                | Carrier::TimestampedHeader {
                    repeatable: true,
                    ..
                }
        )
    }

    /// A version (or signature key) the scheme does not count: for a
    /// versioned list the first accepted version with its last digit counted
    /// up (`v1` → `v2`), for a key/value list the signature key counted down
    /// (`v1` → `v0`, Stripe's ignored test-mode scheme); never one that counts.
    pub fn uncounted_version(&self) -> String {
        let carrier = *self;
        let (base, counts, step): (&str, &[&str], u32) = match carrier {
            Carrier::VersionedList { accept, .. } => {
                (accept.first().copied().unwrap_or_default(), accept, 1)
            }
            Carrier::TimestampedHeader { sig_key, .. } => (sig_key, &[], 9),
            _ => ("", &[], 1),
        };
        let ts_key = match carrier {
            Carrier::TimestampedHeader { ts_key, .. } => ts_key,
            _ => "",
        };
        let mut chars: Vec<char> = base.chars().collect();
        let Some(d) = chars.last().and_then(|c| c.to_digit(10)) else {
            return format!("{base}x");
        };
        chars.pop();
        let stem: String = chars.into_iter().collect();
        (0..10)
            .map(|i| format!("{stem}{}", (d + step * (i + 1)) % 10))
            .find(|v| v != base && v != ts_key && !counts.contains(&v.as_str()))
            .unwrap_or_else(|| format!("{base}x"))
    }

    /// The key/value list syntax of a timestamped header.
    pub fn kv_list(&self) -> Option<crate::parse::KvList> {
        match *self {
            Carrier::TimestampedHeader {
                ts_key,
                sig_key,
                pair_separator,
                key_separator,
                ..
            } => {
                let byte = |s: &str| s.bytes().next();
                Some(crate::parse::KvList {
                    ts_key,
                    sig_key,
                    pair: byte(pair_separator)?,
                    kv: byte(key_separator)?,
                })
            }
            _ => None,
        }
    }
}

/// One piece of the signed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagePart {
    /// Literal text.
    Literal(&'static str),
    /// The delivery timestamp, as written in the request.
    Timestamp,
    /// The target URL as configured at the sender, query included.
    Url,
    /// The raw request body, byte for byte.
    Body,
    /// The body envelope's event member, exactly as sent.
    Event,
    /// A request header's value, verbatim (the sender's value of a header
    /// it sends: the timestamp header, or one of [`Scheme::extra_headers`]).
    Header(&'static str),
}

/// Which bytes the proof covers: the concatenation of its parts (a
/// template such as `{ts}.{url}.{body}`). No part: the empty message (a
/// static token, or nothing when the key itself is the proof).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The pieces, in order (at most [`Message::MAX_PARTS`]).
    pub parts: &'static [MessagePart],
}

impl Message {
    /// The most pieces a message may have.
    pub const MAX_PARTS: usize = 8;

    fn has(&self, p: MessagePart) -> bool {
        self.parts.contains(&p)
    }

    /// Whether nothing is signed.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether the proof covers the raw body.
    pub fn signs_body(&self) -> bool {
        self.has(MessagePart::Body)
    }

    /// Whether the proof covers the envelope's event member.
    pub fn signs_event(&self) -> bool {
        self.has(MessagePart::Event)
    }

    /// Whether the proof covers the bytes that were sent (body or event).
    pub fn signs_content(&self) -> bool {
        self.signs_body() || self.signs_event()
    }

    /// Whether the proof covers the target URL.
    pub fn signs_url(&self) -> bool {
        self.has(MessagePart::Url)
    }

    /// Whether the proof covers the timestamp.
    pub fn signs_timestamp(&self) -> bool {
        self.has(MessagePart::Timestamp)
    }

    /// Whether the message is exactly the raw body.
    pub fn is_raw_body(&self) -> bool {
        self.parts == [MessagePart::Body]
    }
}

/// The request headers a verification reads, each name once (ASCII case
/// folded): the one carrying the proof, the timestamp's, and those the
/// message signs. Derived from the rest of the description, so that the
/// verifier finds them all in one pass over a delivery's fields
/// ([`crate::delivery::Delivery::find_headers`]) instead of one pass each.
/// With them, where each piece of the signed message comes from
/// ([`HeaderReads::sources`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderReads {
    names: [&'static str; HeaderReads::MAX],
    len: usize,
    proof: Option<usize>,
    timestamp: Option<usize>,
    /// The slot of each message part that is a header.
    parts: [Option<usize>; Message::MAX_PARTS],
    /// Each message part as an index into the pieces a delivery offers
    /// (see [`HeaderReads::sources`]); `None` when a header part has no
    /// slot.
    sources: Option<[u8; Message::MAX_PARTS]>,
    /// The message's literal parts, at their part's index.
    literals: [&'static [u8]; Message::MAX_PARTS],
    message_len: usize,
}

impl HeaderReads {
    /// The most names read in one pass; a header beyond them has no slot
    /// and is looked up on its own.
    pub const MAX: usize = 4;

    /// The reads of a scheme with this carrier, message and timestamp.
    pub fn of(carrier: &Carrier, message: &Message, timestamp: Option<&TimestampRule>) -> Self {
        let mut reads = HeaderReads {
            names: [""; HeaderReads::MAX],
            len: 0,
            proof: None,
            timestamp: None,
            parts: [None; Message::MAX_PARTS],
            sources: None,
            literals: [b""; Message::MAX_PARTS],
            message_len: message.parts.len().min(Message::MAX_PARTS),
        };
        // The API-key carrier reads every value of its header (and the
        // query): not a single-field read.
        reads.proof = match *carrier {
            Carrier::Header { name, .. }
            | Carrier::TimestampedHeader { name, .. }
            | Carrier::VersionedList { name, .. } => reads.slot(name),
            Carrier::QueryOrHeader { .. } | Carrier::BodyEnvelope { .. } => None,
        };
        reads.timestamp = match timestamp.map(|t| t.source) {
            Some(TimestampSource::Header(name)) => reads.slot(name),
            Some(TimestampSource::ListKey) | None => None,
        };
        for (i, part) in message.parts.iter().enumerate() {
            if let MessagePart::Header(name) = part {
                let slot = reads.slot(name);
                if let Some(p) = reads.parts.get_mut(i) {
                    *p = slot;
                }
            }
        }
        let mut sources = [0u8; Message::MAX_PARTS];
        let mut complete = message.parts.len() <= Message::MAX_PARTS;
        for (i, (part, source)) in message.parts.iter().zip(&mut sources).enumerate() {
            let index = match part {
                MessagePart::Timestamp => Some(Self::SOURCE_TIMESTAMP),
                MessagePart::Url => Some(Self::SOURCE_URL),
                MessagePart::Body | MessagePart::Event => Some(Self::SOURCE_CONTENT),
                MessagePart::Header(_) => reads.part(i).map(|s| Self::SOURCE_HEADERS + s),
                MessagePart::Literal(l) => {
                    if let Some(slot) = reads.literals.get_mut(i) {
                        *slot = l.as_bytes();
                    }
                    Some(Self::SOURCE_LITERALS + i)
                }
            };
            match index.and_then(|x| u8::try_from(x).ok()) {
                Some(x) => *source = x,
                None => complete = false,
            }
        }
        reads.sources = complete.then_some(sources);
        reads
    }

    /// Where [`HeaderReads::sources`] points: the timestamp as written,
    /// the URL, the signed content (the body), the header slots, then the
    /// message's literals by part index.
    pub const SOURCE_TIMESTAMP: usize = 0;
    /// See [`HeaderReads::SOURCE_TIMESTAMP`].
    pub const SOURCE_URL: usize = 1;
    /// See [`HeaderReads::SOURCE_TIMESTAMP`].
    pub const SOURCE_CONTENT: usize = 2;
    /// See [`HeaderReads::SOURCE_TIMESTAMP`].
    pub const SOURCE_HEADERS: usize = 3;
    /// See [`HeaderReads::SOURCE_TIMESTAMP`]: from here on, part `i`'s
    /// literal, `SOURCE_LITERALS + i` ([`HeaderReads::literals`]).
    pub const SOURCE_LITERALS: usize = Self::SOURCE_HEADERS + Self::MAX;

    /// Each message part as an index into the pieces a delivery offers
    /// (in the order the `SOURCE_*` constants give), so that a message is
    /// assembled without a match on each part's kind or a lookup by name;
    /// `None` when a header part has no slot.
    pub fn sources(&self) -> Option<&[u8]> {
        let sources = self.sources.as_ref()?;
        sources.get(..self.message_len)
    }

    /// The message's literal parts at their part's index (empty elsewhere).
    pub fn literals(&self) -> &[&'static [u8]; Message::MAX_PARTS] {
        &self.literals
    }

    /// The slot of `name`: the one it already has, a new one, or none
    /// when all are taken.
    fn slot(&mut self, name: &'static str) -> Option<usize> {
        let taken = self.names.get(..self.len).unwrap_or_default();
        if let Some(i) = taken.iter().position(|n| n.eq_ignore_ascii_case(name)) {
            return Some(i);
        }
        let free = self.names.get_mut(self.len)?;
        *free = name;
        self.len += 1;
        Some(self.len - 1)
    }

    /// The names, one per slot.
    pub fn names(&self) -> &[&'static str] {
        self.names.get(..self.len).unwrap_or_default()
    }

    /// The slot of the header carrying the proof.
    pub fn proof(&self) -> Option<usize> {
        self.proof
    }

    /// The slot of the timestamp's own header.
    pub fn timestamp(&self) -> Option<usize> {
        self.timestamp
    }

    /// The slot of message part `i`, if it is a header.
    pub fn part(&self, i: usize) -> Option<usize> {
        self.parts.get(i).copied().flatten()
    }
}

/// How the proof is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1 keyed with the shared secret.
    HmacSha1,
    /// HMAC-SHA256 keyed with the shared secret.
    HmacSha256,
    /// HMAC-SHA512 keyed with the shared secret.
    HmacSha512,
    /// Ed25519 (RFC 8032, pure).
    Ed25519,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1v15Sha256,
    /// The shared secret itself, compared in constant time.
    SharedKey,
}

/// How the proof bytes are written in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal; lowercase when sent. Uppercase is accepted on receipt
    /// (Node's `Buffer.from(x, "hex")`, which the seeds use, accepts it).
    Hex,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64 (RFC 4648 §5), sent without padding; padding is
    /// accepted on receipt.
    Base64Url,
    /// The secret as text.
    Text,
}

impl Encoding {
    /// Writes proof bytes in this encoding (text: the bytes as UTF-8,
    /// lossily).
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => crate::encoding::encode_hex(bytes),
            Encoding::Base64 => crate::encoding::encode_base64(bytes),
            Encoding::Base64Url => crate::encoding::encode_base64url(bytes),
            Encoding::Text => String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// Reads proof bytes written in this encoding (text: as is).
    pub fn decode(self, text: &[u8]) -> Result<Vec<u8>, crate::encoding::DecodeError> {
        match self {
            Encoding::Hex => crate::encoding::decode_hex(text),
            Encoding::Base64 => crate::encoding::decode_base64(text),
            Encoding::Base64Url => crate::encoding::decode_base64url(text),
            Encoding::Text => Ok(text.to_vec()),
        }
    }
}

/// How the vendor's documented verification code reads the encoded proof.
///
/// Several vendors show receiver code that decodes the proof with a lenient
/// decoder before comparing. Such a decoder reads some edited proofs - the
/// valid one with a character added, a padding character removed or a
/// stray character inside - back into exactly the valid proof bytes. The
/// vendor's own code accepts those deliveries, and that is no forgery: the
/// whole valid proof is in them. The cases that send them therefore report
/// accepting as information, not as a failure (see
/// [`crate::cases::vendor_reading_restores`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofReading {
    /// The proof is compared as written (or the vendor shows no receiver
    /// code): no edited proof reads as the valid one.
    Exact,
    /// Node's `Buffer.from(x, "hex")`: stops at the first non-hex
    /// character, drops an odd last digit, accepts either letter case.
    NodeHex,
    /// The `elliptic` package's hex reading: drops every character outside
    /// `[0-9A-Za-z]`, then gives an odd number of digits a leading `0`.
    EllipticHex,
    /// Node's base64 decoder (`verify(key, sig, "base64")`): skips
    /// characters outside the alphabet, stops at `=`, padding optional.
    NodeBase64,
    /// Hex read two characters at a time with `parseInt(pair, 16)`
    /// (discord-interactions): an odd last digit is a byte of its own, a
    /// pair that starts with a non-hex character reads as 0.
    ParseIntPairs,
}

impl ProofReading {
    /// The reading, for a case title.
    pub fn describe(self) -> &'static str {
        match self {
            ProofReading::Exact => "an exact comparison",
            ProofReading::NodeHex => {
                "Node's `Buffer.from(x, \"hex\")`, which stops at the first non-hex character and drops an odd last digit"
            }
            ProofReading::EllipticHex => {
                "`elliptic`'s hex reading, which drops every character outside [0-9A-Za-z]"
            }
            ProofReading::NodeBase64 => {
                "Node's base64 decoder, which skips characters outside the alphabet, stops at `=` and needs no padding"
            }
            ProofReading::ParseIntPairs => {
                "`parseInt(pair, 16)` over every two characters, which reads an odd last digit as a byte of its own (the valid proof when its last byte is 0x00) and a pair with a non-hex first character as 0 (the valid proof when that byte is 0x00)"
            }
        }
    }
}

/// How the configured secret text becomes the key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretDecoding {
    /// The text's UTF-8 bytes, as is.
    Utf8,
    /// `whsec_` followed by standard base64; the key is the decoded bytes.
    WhsecBase64,
    /// Hexadecimal; the key is the decoded bytes.
    Hex,
}

/// A checked-in test key pair a scheme file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestKeyPair {
    /// The key's name (its file name without `.pem`).
    pub name: &'static str,
    /// PKCS#8 PEM of the private key.
    pub private_pem: &'static str,
    /// SPKI PEM of the public key.
    pub public_pem: &'static str,
}

/// The test keys of an asymmetric scheme, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TestKeys {
    /// Published at the start of a run; valid deliveries are signed with it.
    pub signing: Option<TestKeyPair>,
    /// Published by a key rotation during the run, then signs.
    pub rotation: Option<TestKeyPair>,
    /// Never published at the start: forged deliveries are signed with it.
    pub unknown: Option<TestKeyPair>,
}

/// The HTTP method of a [`KeyRoute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMethod {
    /// `GET` (the key server also answers `HEAD`).
    Get,
    /// `POST`.
    Post,
}

impl KeyMethod {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMethod::Get => "GET",
            KeyMethod::Post => "POST",
        }
    }
}

/// What a [`KeyRoute`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDocument {
    /// `{"<member>": ["<hex key>", …]}`: every published key (Ed25519).
    HexKeyListJson,
    /// The first published key as SPKI PEM text (404 when none).
    SpkiPem,
    /// A provider-side check: `{"event": …, "signature": "<hex>"}` in,
    /// `{"valid": bool, "publicKey": "<hex>" | null}` out (Ed25519).
    CheckSignatureJson,
}

impl KeyDocument {
    /// Whether the document publishes keys (a receiver fetches its keys
    /// from such a route), as opposed to checking a signature.
    pub fn publishes_keys(self) -> bool {
        matches!(self, KeyDocument::HexKeyListJson | KeyDocument::SpkiPem)
    }
}

/// A key-distribution route the provider serves, and so the key server
/// (`[[credential.key_routes]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRoute {
    /// The method it answers.
    pub method: KeyMethod,
    /// Its path, from the server's root (starts with `/`).
    pub path: &'static str,
    /// What it answers.
    pub document: KeyDocument,
    /// For [`KeyDocument::HexKeyListJson`]: the member holding the keys.
    pub member: &'static str,
}

/// Status codes a vendor documents for rejections. `None` means "any 4xx".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statuses {
    /// Status when the proof is missing or unparseable.
    pub missing: Option<u16>,
    /// Status when the proof is present but wrong.
    pub invalid: Option<u16>,
}

/// How to find a delivery's event id (the idempotency key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventId {
    /// A request header.
    Header(&'static str),
    /// A JSON pointer (RFC 6901) into the body.
    BodyPointer(&'static str),
}

/// A header the vendor sends beside the proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraHeader {
    /// The event id goes in this header.
    EventId(&'static str),
    /// The event type goes in this header.
    EventType(&'static str),
    /// This header always carries this value.
    Fixed(&'static str, &'static str),
}

/// A header the sender adds to a redelivered event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryHeader {
    /// The header name, in the vendor's spelling.
    pub name: &'static str,
    /// Its value.
    pub value: RetryValue,
}

/// The value of a [`RetryHeader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryValue {
    /// Which redelivery this is, from 1.
    Attempt,
    /// Always this text.
    Fixed(&'static str),
}

impl RetryHeader {
    /// The header's value on redelivery number `attempt`.
    pub fn value_for(&self, attempt: u32) -> String {
        match self.value {
            RetryValue::Attempt => attempt.to_string(),
            RetryValue::Fixed(v) => v.to_owned(),
        }
    }
}

/// Where a scheme's signed timestamp travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampSource {
    /// A key of the proof header's key/value list
    /// ([`Carrier::TimestampedHeader`]).
    ListKey,
    /// A header of its own (`webhook-timestamp`, `X-Slack-Request-Timestamp`).
    Header(&'static str),
}

/// A scheme's delivery timestamp: where it travels and which side of the
/// receiver's clock the provider's verification checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampRule {
    /// Where it travels.
    pub source: TimestampSource,
    /// Whether a timestamp too far in the past is refused.
    pub checks_past: bool,
    /// Whether a timestamp too far in the future is refused.
    pub checks_future: bool,
    /// How the provider's official library reads the timestamp's text.
    pub library_reading: TimestampReading,
}

/// How a provider's official library reads a timestamp's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampReading {
    /// Canonical decimal digits only.
    #[default]
    Canonical,
    /// JavaScript's `parseInt(text, 10)`, and the number read is what it
    /// signs: `+t`, `0t`, `t.0` and `tabc` all verify a signature over `t`.
    ParseInt,
    /// Read as a number by `parseInt` in one official library and by
    /// `float()` in another, each signing the number read: `1.7e9` verifies
    /// too.
    Numeric,
}

/// A webhook authentication scheme, described as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Stable id: lowercase letters, digits and `-`.
    pub id: &'static str,
    /// One line for `hookspec schemes`.
    pub summary: &'static str,
    /// The vendor document this scheme comes from.
    pub reference: &'static str,
    /// What the receiver must be configured with.
    pub credential: CredentialKind,
    /// How a configured shared secret becomes key bytes.
    pub secret_decoding: SecretDecoding,
    /// The shared secret the harness tests with when none is given, in the
    /// form the vendor hands secrets out.
    pub test_secret: &'static str,
    /// Checked-in key pairs (asymmetric schemes).
    pub test_keys: TestKeys,
    /// The routes the provider publishes its keys on (asymmetric
    /// schemes; none for shared secrets), in the description's order.
    pub key_routes: &'static [KeyRoute],
    /// Where the proof travels.
    pub carrier: Carrier,
    /// The headers verification reads, derived from the carrier, the
    /// message and the timestamp.
    pub reads: HeaderReads,
    /// Which bytes are signed.
    pub message: Message,
    /// The delivery timestamp, if the scheme has one.
    pub timestamp: Option<TimestampRule>,
    /// How the proof is computed.
    pub algorithm: Algorithm,
    /// How the proof is written.
    pub encoding: Encoding,
    /// Documented rejection statuses.
    pub statuses: Statuses,
    /// The idempotency key.
    pub event_id: EventId,
    /// Headers sent beside the proof.
    pub extra_headers: &'static [ExtraHeader],
    /// Documented event types.
    pub event_types: &'static [&'static str],
    /// The sender's documented (or assumed) response timeout.
    pub sender_timeout_ms: u64,
    /// Whether deliveries carry a block number that must not go backwards.
    pub block_ordering: Option<BlockOrdering>,
    /// The unnamed `echo-field` handshake (the `echo` family), if any.
    pub echo: Option<EchoHandshake>,
    /// The named handshakes (`[[handshake]]` with a `name`): requests that
    /// are not events, each with its own cases (docs/spec.md §3.4).
    pub handshakes: &'static [Handshake],
    /// Whether the vendor asks receivers to process a redelivered event
    /// once, and how strongly.
    pub idempotency: Option<Level>,
    /// The headers that mark a redelivery (Slack's `X-Slack-Retry-Num`),
    /// sent on the redelivered copy only.
    pub retry_headers: &'static [RetryHeader],
    /// Whether the signed bytes are JavaScript's `JSON.stringify` of the
    /// event, so that a sent body is always in that canonical form.
    pub canonical_json: bool,
    /// How the vendor's documented verification reads the encoded proof.
    pub proof_reading: ProofReading,
    /// A realistic event in the vendor's shape, compact and in
    /// `JSON.stringify` form, with the markers `@ID@` (event id), `@TYPE@`
    /// (event type), `@TOKEN@` and `@BLOCK@` (ordering key and block
    /// number) that the harness fills per delivery.
    pub sample_event: &'static str,
    /// What the published test vectors pin (`[vectors]`, defaulted from
    /// `[events]`): see [`VectorData`].
    pub vectors: VectorData,
}

/// The data a scheme's published test vectors pin (`[vectors]` in the
/// scheme file; `docs/scheme-format.md`). The vector generator
/// ([`crate::vectors`]) is rules over the description; these are only the
/// values the rules fill in, and the ledger that keeps tcIds stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorData {
    /// The standard event, a template with the markers `@ID@`,
    /// `@EVENT_ID@`, `@TYPE@`, `@TC@`, `@TC12@`, `@N@`, `@TOKEN@`,
    /// `@BLOCK@`, `@EXTRA@` and the `type_markers`.
    pub body: &'static str,
    /// The event id of a delivery (same markers, no `@ID@`).
    pub event_id: &'static str,
    /// The id written where the body says `@ID@`.
    pub body_id: &'static str,
    /// The event types, by index (`@TYPE@`).
    pub types: &'static [&'static str],
    /// Per-type markers: `@NAME@` is the value at the event type's index
    /// (the first value when the list is shorter).
    pub type_markers: &'static [(&'static str, &'static [&'static str])],
    /// A one-byte change inside the standard event, `(from, to)`; `None`:
    /// the generator changes the last letter of the first string value.
    pub tamper: Option<(&'static str, &'static str)>,
    /// A body that is not JSON (same markers).
    pub form_body: &'static str,
    /// A second, narrower timestamp window with its own cases, in seconds.
    pub narrow_window_s: Option<u64>,
    /// A registered scheme whose valid proof is sent as a decoy beside a
    /// missing key (`query-or-header` schemes).
    pub decoy_scheme: Option<&'static str>,
    /// The tcId ledger: rule key to published tcId, in file order.
    pub ledger: &'static [LedgerEntry],
    /// tcIds that were published and must never be given again.
    pub retired: &'static [u32],
}

/// One line of a tcId ledger (`vectors/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The rule's stable key.
    pub key: &'static str,
    /// Its tcId; `None`: the rule is left out of this scheme's vectors.
    pub tc_id: Option<u32>,
    /// The published comment, when it differs from the rule's own.
    pub comment: Option<&'static str>,
}

/// How strongly a behaviour is required (RFC 2119 words, as the vendor
/// documents use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Required: failing it fails the run.
    Must,
    /// Recommended: failing it is a warning, a failure with `--strict`.
    Should,
    /// Optional: reported only.
    May,
}

impl Level {
    /// `MUST`, `SHOULD` or `MAY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `blockmark`'s endpoint verification: a (validly authenticated) body
/// `{"event": "endpoint.verify", "secret": "<nonce>"}` must be answered 200
/// with exactly the nonce as the body (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoHandshake {
    /// JSON pointer to the event name.
    pub event_pointer: &'static str,
    /// The event name that asks for the echo.
    pub event_value: &'static str,
    /// JSON pointer to the nonce to echo.
    pub nonce_pointer: &'static str,
}

/// A named handshake: a request that is not an event, described by the
/// scheme file (`[[handshake]]`, docs/scheme-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake {
    /// Its name in case ids (`<scheme>.handshake.<name>`).
    pub name: &'static str,
    /// What is asked and how it is answered.
    pub kind: HandshakeKind,
    /// What marks a request as this handshake.
    pub mark: HandshakeMark,
    /// The request body, JSON, with `@ID@` for a fresh event id.
    pub body: &'static str,
    /// The reply content types that are all valid (media types, lowercase;
    /// empty: any).
    pub content_types: &'static [&'static str],
    /// The expected status.
    pub status: HandshakeStatus,
    /// Where the provider documents it.
    pub source: &'static str,
}

/// What a handshake asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeKind {
    /// A signed request answered with exactly the value at this JSON
    /// pointer (in one of the handshake's content types).
    Echo {
        /// JSON pointer to the value to answer with.
        reply_pointer: &'static str,
    },
    /// A signed request answered with the status (and this JSON body,
    /// compared as a JSON value, when given).
    Reply {
        /// The JSON reply, if the provider names one.
        body: Option<&'static str>,
    },
    /// The request with an invalid proof, answered exactly the status.
    Probe,
}

/// What marks a request as a handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeMark {
    /// The body member at the pointer has this value (a string by its
    /// text, a number or boolean by its JSON spelling).
    Body {
        /// JSON pointer.
        pointer: &'static str,
        /// The value.
        value: &'static str,
    },
    /// The event type, sent in this header (`[[headers]]` `{type}`), has
    /// this value.
    EventType {
        /// The header.
        header: &'static str,
        /// The value.
        value: &'static str,
    },
    /// Nothing marks it (an invalid-signature probe: its proof is wrong).
    None,
}

impl HandshakeMark {
    /// Whether a request with these headers and this body is the handshake.
    pub fn matches(&self, headers: &[(String, Vec<u8>)], body: &serde_json::Value) -> bool {
        match *self {
            HandshakeMark::Body { pointer, value } => {
                body.pointer(pointer).is_some_and(|v| spelled_as(v, value))
            }
            HandshakeMark::EventType { header, value } => headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(header) && v.as_slice() == value.as_bytes()),
            HandshakeMark::None => false,
        }
    }
}

/// Whether JSON `v` is written `text`: a string by its text, a number or
/// boolean by its JSON spelling (`1` is `"1"`); nothing else matches.
pub fn spelled_as(v: &serde_json::Value, text: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s == text,
        serde_json::Value::Number(n) => n.to_string() == text,
        serde_json::Value::Bool(b) => (if *b { "true" } else { "false" }) == text,
        _ => false,
    }
}

/// Sets the string member at JSON pointer `pointer` of `json` to `value`,
/// making the objects on the way (a non-object on the way is replaced).
pub fn set_string_at(json: &mut serde_json::Value, pointer: &str, value: &str) {
    let mut at = json;
    let mut keys = pointer.split('/').skip(1).peekable();
    while let Some(raw) = keys.next() {
        let key = raw.replace("~1", "/").replace("~0", "~");
        if !at.is_object() {
            *at = serde_json::Value::Object(serde_json::Map::new());
        }
        let serde_json::Value::Object(map) = at else {
            return;
        };
        if keys.peek().is_none() {
            map.insert(key, serde_json::Value::String(value.to_owned()));
            return;
        }
        at = map
            .entry(key)
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
}

/// The status a handshake is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeStatus {
    /// Exactly this code.
    Exactly(u16),
    /// Any 2xx.
    Success,
}

impl HandshakeStatus {
    /// Whether `status` is what is expected.
    pub fn admits(self, status: u16) -> bool {
        match self {
            HandshakeStatus::Exactly(c) => status == c,
            HandshakeStatus::Success => (200..300).contains(&status),
        }
    }

    /// `exactly 200`, `2xx`.
    pub fn describe(self) -> String {
        match self {
            HandshakeStatus::Exactly(c) => format!("exactly {c}"),
            HandshakeStatus::Success => "2xx".to_owned(),
        }
    }
}

/// `smartasset`'s ordering rule: for the same token, an event with a lower
/// block number than one already processed is ignored (seed 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockOrdering {
    /// How strongly the vendor asks for it.
    pub level: Level,
    /// JSON pointer to the token identifier.
    pub token: &'static str,
    /// JSON pointer to the block number.
    pub block: &'static str,
}

/// A sender timeout for schemes whose vendor documents none.
pub const DEFAULT_SENDER_TIMEOUT_MS: u64 = 10_000;

impl Scheme {
    /// The header the timestamp travels in, if it has its own.
    pub fn timestamp_header(&self) -> Option<&'static str> {
        match self.timestamp?.source {
            TimestampSource::Header(h) => Some(h),
            TimestampSource::ListKey => None,
        }
    }

    /// Whether the proof covers the timestamp (as `{timestamp}`, or as the
    /// header it travels in).
    pub fn signs_timestamp(&self) -> bool {
        self.message.signs_timestamp()
            || self.timestamp_header().is_some_and(|h| {
                self.message
                    .parts
                    .iter()
                    .any(|p| matches!(p, MessagePart::Header(n) if n.eq_ignore_ascii_case(h)))
            })
    }

    /// The first route that publishes the scheme's keys (the one a
    /// receiver fetches them from), if the description names one.
    pub fn key_route(&self) -> Option<&'static KeyRoute> {
        self.key_routes.iter().find(|r| r.document.publishes_keys())
    }

    /// The key bytes of a configured shared secret, decoded as the scheme
    /// says (`whsec_` + base64, hex, or the text's bytes as is).
    pub fn shared_key(&self, secret: &[u8]) -> Result<Vec<u8>, Error> {
        let what = |how: &str| Error::SecretDecoding {
            scheme: self.id.to_owned(),
            expected: how.to_owned(),
        };
        match self.secret_decoding {
            SecretDecoding::Utf8 => Ok(secret.to_vec()),
            SecretDecoding::Hex => {
                crate::encoding::decode_hex(secret).map_err(|_| what("hexadecimal digits"))
            }
            SecretDecoding::WhsecBase64 => secret
                .strip_prefix(b"whsec_")
                .and_then(|b64| crate::encoding::decode_base64(b64).ok())
                .filter(|k| !k.is_empty())
                .ok_or_else(|| what("`whsec_` followed by standard base64")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_descriptions_match() {
        let all = SchemeId::builtins();
        assert!(all.len() >= 6);
        for id in all {
            assert_eq!(id.as_str().parse::<SchemeId>().ok(), Some(id));
            assert_eq!(id.scheme().id, id.as_str());
        }
        assert!("nope".parse::<SchemeId>().is_err());
    }
}

#[cfg(test)]
mod handshake_tests {
    use super::*;

    #[test]
    fn json_spelling_and_nested_pointers() {
        let v: serde_json::Value = serde_json::json!({"a": 1, "b": "1", "c": true, "d": null});
        assert!(
            spelled_as(&v["a"], "1") && spelled_as(&v["b"], "1") && spelled_as(&v["c"], "true")
        );
        assert!(!spelled_as(&v["d"], "null") && !spelled_as(&v["a"], "2"));
        let mut j = serde_json::json!({"x": 5});
        set_string_at(&mut j, "/x/y~1z", "v");
        set_string_at(&mut j, "/top", "t");
        assert_eq!(j, serde_json::json!({"x": {"y/z": "v"}, "top": "t"}));
    }

    #[test]
    fn marks_match_body_members_and_typed_headers() {
        let body = HandshakeMark::Body {
            pointer: "/type",
            value: "1",
        };
        assert!(body.matches(&[], &serde_json::json!({"type": 1})));
        assert!(!body.matches(&[], &serde_json::json!({"type": 2})));
        let header = HandshakeMark::EventType {
            header: "X-Event",
            value: "hello",
        };
        let h = vec![("x-event".to_owned(), b"hello".to_vec())];
        assert!(header.matches(&h, &serde_json::Value::Null));
        assert!(!HandshakeMark::None.matches(&h, &serde_json::Value::Null));
        assert!(HandshakeStatus::Success.admits(204) && !HandshakeStatus::Exactly(200).admits(204));
    }
}
