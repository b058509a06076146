//! Schemes as data.
//!
//! A [`Scheme`] says *where* a delivery's proof of origin travels
//! ([`Carrier`]), *which bytes* it covers ([`Message`]), how it is computed
//! ([`Algorithm`]) and written ([`Encoding`]), which statuses the vendor
//! documents ([`Statuses`]) and how a delivery is identified ([`EventId`]).
//! [`crate::sign`] and [`crate::verify`] are one engine over these
//! descriptions; adding a scheme is adding a value to [`SCHEMES`].

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// The stable identifier of a scheme, as used on the command line, in case
/// ids and in vector files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SchemeId {
    /// BlockMark Registry: static `X-Token` (seed 000).
    Blockmark,
    /// Certifylize: `X-Certifylize-Signature: sha256=<hex>` over the raw body (seed 001).
    Certifylize,
    /// Blink: API key in the query or in `BLINK-API-KEY` (seed 002).
    BlinkApiKey,
    /// Blink: `X-BLINK-SIGNATURE: ts=…;sig1=…` over `ts.url.body` (seed 002).
    BlinkSignature,
    /// SmartAsset: Ed25519 over `JSON.stringify(event)` in a body envelope (seed 003).
    Smartasset,
    /// Cometh: RSA PKCS#1 v1.5 SHA-256 over the body, base64 in a header (seed 004).
    Cometh,
}

impl SchemeId {
    /// All scheme ids, in documentation order.
    pub const ALL: [SchemeId; 6] = [
        SchemeId::Blockmark,
        SchemeId::Certifylize,
        SchemeId::BlinkApiKey,
        SchemeId::BlinkSignature,
        SchemeId::Smartasset,
        SchemeId::Cometh,
    ];

    /// The id as written on the command line and in case ids.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemeId::Blockmark => "blockmark",
            SchemeId::Certifylize => "certifylize",
            SchemeId::BlinkApiKey => "blink-apikey",
            SchemeId::BlinkSignature => "blink-signature",
            SchemeId::Smartasset => "smartasset",
            SchemeId::Cometh => "cometh",
        }
    }

    /// The scheme's description.
    pub fn scheme(self) -> &'static Scheme {
        match self {
            SchemeId::Blockmark => &BLOCKMARK,
            SchemeId::Certifylize => &CERTIFYLIZE,
            SchemeId::BlinkApiKey => &BLINK_APIKEY,
            SchemeId::BlinkSignature => &BLINK_SIGNATURE,
            SchemeId::Smartasset => &SMARTASSET,
            SchemeId::Cometh => &COMETH,
        }
    }
}

impl fmt::Display for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemeId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SchemeId::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| Error::UnknownScheme(s.to_owned()))
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
    /// A header holding `ts=<unix seconds>;sig1=<proof>`.
    TimestampedHeader {
        /// Header name.
        name: &'static str,
        /// Key of the timestamp parameter.
        ts_key: &'static str,
        /// Key of the signature parameter.
        sig_key: &'static str,
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
            Carrier::Header { name, .. } | Carrier::TimestampedHeader { name, .. } => Some(name),
            Carrier::QueryOrHeader { header, .. } => Some(header),
            Carrier::BodyEnvelope { .. } => None,
        }
    }
}

/// Which bytes the proof covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// Nothing: the proof is a static token (HMAC of the empty message).
    Empty,
    /// The raw request body, byte for byte.
    RawBody,
    /// `<ts>.<full url including query>.<raw body>`.
    TimestampUrlBody,
    /// The compact serialization of the envelope's event member, exactly as sent.
    EnvelopeEvent,
    /// The key itself is the proof (nothing is signed).
    None,
}

/// How the proof is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA256 keyed with the shared secret.
    HmacSha256,
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
    /// The secret as text.
    Text,
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
        }
    }
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
}

/// A webhook authentication scheme, described as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Stable id.
    pub id: SchemeId,
    /// One line for `hookspec schemes`.
    pub summary: &'static str,
    /// The vendor document this scheme comes from.
    pub reference: &'static str,
    /// What the receiver must be configured with.
    pub credential: CredentialKind,
    /// Where the proof travels.
    pub carrier: Carrier,
    /// Which bytes are signed.
    pub message: Message,
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
    /// The endpoint-verification handshake, if the vendor has one.
    pub echo: Option<EchoHandshake>,
    /// Whether the vendor asks receivers to process a redelivered event
    /// once, and how strongly.
    pub idempotency: Option<Level>,
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

/// Static token, `X-Token` = hex HMAC-SHA256(secret, "").
pub static BLOCKMARK: Scheme = Scheme {
    id: SchemeId::Blockmark,
    summary: "X-Token: hex HMAC-SHA256(secret, empty message); echo handshake endpoint.verify",
    reference: "seed 000 (BlockMark Registry webhooks guide)",
    credential: CredentialKind::SharedSecret,
    carrier: Carrier::Header {
        name: "X-Token",
        prefix: "",
    },
    message: Message::Empty,
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Hex,
    statuses: Statuses {
        missing: Some(400),
        invalid: Some(400),
    },
    event_id: EventId::BodyPointer("/data/slug"),
    extra_headers: &[],
    event_types: &["issued_certificate.created", "issued_certificate.updated"],
    sender_timeout_ms: DEFAULT_SENDER_TIMEOUT_MS,
    block_ordering: None,
    echo: Some(EchoHandshake {
        event_pointer: "/event",
        event_value: "endpoint.verify",
        nonce_pointer: "/secret",
    }),
    idempotency: None,
    canonical_json: false,
    // `timingSafeEqual(Buffer.from(generatedHex, "hex"), Buffer.from(xToken, "hex"))`.
    proof_reading: ProofReading::NodeHex,
    sample_event: r#"{"event":"@TYPE@","data":{"slug":"@ID@","name_on_certificate":"William Mcfarland","has_name_mismatch":true,"is_issued_to_thing":false,"start_time":"1985-10-14T18:17:46.183395+01:00","status":"Expired","hidden":false,"is_test":true,"bespoke_id":null,"template":{"slug":"344f6969-4eed-4632-84aa-d890ef19064f","name":"embrace 24/365 partnerships"},"custom_fields":{},"custom_notes":{}}}"#,
};

/// `X-Certifylize-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`.
pub static CERTIFYLIZE: Scheme = Scheme {
    id: SchemeId::Certifylize,
    summary: "X-Certifylize-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>; Delivery-Id idempotency",
    reference: "seed 001 (Certifylize: Webhook-Signaturen verifizieren)",
    credential: CredentialKind::SharedSecret,
    carrier: Carrier::Header {
        name: "X-Certifylize-Signature",
        prefix: "sha256=",
    },
    message: Message::RawBody,
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Hex,
    statuses: Statuses {
        missing: Some(400),
        invalid: Some(401),
    },
    event_id: EventId::Header("X-Certifylize-Delivery-Id"),
    extra_headers: &[
        ExtraHeader::EventId("X-Certifylize-Delivery-Id"),
        ExtraHeader::EventType("X-Certifylize-Event-Type"),
    ],
    event_types: &[
        "edu.credential.issued",
        "edu.credential.updated",
        "edu.credential.revoked",
        "edu.api_key.created",
        "edu.api_key.revoked",
    ],
    sender_timeout_ms: 8_000,
    block_ordering: None,
    echo: None,
    idempotency: Some(Level::Should),
    canonical_json: false,
    // `timingSafeEqualHex`: both sides through `Buffer.from(x, "hex")`.
    proof_reading: ProofReading::NodeHex,
    sample_event: r#"{"type":"@TYPE@","createdAt":"2026-01-15T12:34:56.000Z","data":{"credentialId":"@ID@","verifyId":"009f0e320cd9ea5f1173b42e8c2c4dd6db6632e70bbb65b8","status":"ACTIVE","recipientEmail":"max@example.com"}}"#,
};

/// Blink forwards whatever the provider posts; both Blink schemes test with
/// this event (top-level `id`, the event-id rule of docs/spec.md §2.2).
const BLINK_SAMPLE_EVENT: &str = r#"{"id":"@ID@","type":"alert.raised","severity":"high","source":{"name":"scanner","region":"eu-west-1"},"count":3}"#;

/// API key in `?apikey=` or `BLINK-API-KEY`.
pub static BLINK_APIKEY: Scheme = Scheme {
    id: SchemeId::BlinkApiKey,
    summary: "API key in ?apikey=<key> or header BLINK-API-KEY: <key>",
    reference: "seed 002 (Blink webhooks: API Key)",
    credential: CredentialKind::SharedSecret,
    carrier: Carrier::QueryOrHeader {
        query: "apikey",
        header: "BLINK-API-KEY",
    },
    message: Message::None,
    algorithm: Algorithm::SharedKey,
    encoding: Encoding::Text,
    statuses: Statuses {
        missing: None,
        invalid: None,
    },
    event_id: EventId::BodyPointer("/id"),
    extra_headers: &[],
    event_types: &[],
    sender_timeout_ms: DEFAULT_SENDER_TIMEOUT_MS,
    block_ordering: None,
    echo: None,
    idempotency: None,
    canonical_json: false,
    // The document shows only the sender (curl).
    proof_reading: ProofReading::Exact,
    sample_event: BLINK_SAMPLE_EVENT,
};

/// `X-BLINK-SIGNATURE: ts=<ts>;sig1=<hex HMAC-SHA256(key, ts.url.body)>`.
pub static BLINK_SIGNATURE: Scheme = Scheme {
    id: SchemeId::BlinkSignature,
    summary: "X-BLINK-SIGNATURE: ts=<unix s>;sig1=<hex HMAC-SHA256(key, ts.url.body)>",
    reference: "seed 002 (Blink webhooks: Signature)",
    credential: CredentialKind::SharedSecret,
    carrier: Carrier::TimestampedHeader {
        name: "X-BLINK-SIGNATURE",
        ts_key: "ts",
        sig_key: "sig1",
    },
    message: Message::TimestampUrlBody,
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Hex,
    statuses: Statuses {
        missing: None,
        invalid: None,
    },
    event_id: EventId::BodyPointer("/id"),
    extra_headers: &[],
    event_types: &[],
    sender_timeout_ms: DEFAULT_SENDER_TIMEOUT_MS,
    block_ordering: None,
    echo: None,
    idempotency: None,
    canonical_json: false,
    // The document shows only the sender (`openssl dgst -hmac`).
    proof_reading: ProofReading::Exact,
    sample_event: BLINK_SAMPLE_EVENT,
};

/// Ed25519 over `JSON.stringify(event)`, in a `{"event","signature"}` envelope.
pub static SMARTASSET: Scheme = Scheme {
    id: SchemeId::Smartasset,
    summary: "body {\"event\":…,\"signature\":<hex Ed25519>} over JSON.stringify(event); rotating published keys",
    reference: "seed 003 (SmartAsset: check the webhook origin)",
    credential: CredentialKind::Ed25519PublicKeys,
    carrier: Carrier::BodyEnvelope {
        event_field: "event",
        signature_field: "signature",
    },
    message: Message::EnvelopeEvent,
    algorithm: Algorithm::Ed25519,
    encoding: Encoding::Hex,
    statuses: Statuses {
        missing: None,
        invalid: None,
    },
    event_id: EventId::BodyPointer("/event/raw/id"),
    extra_headers: &[],
    event_types: &["smartAssetContract.Hydrated"],
    sender_timeout_ms: DEFAULT_SENDER_TIMEOUT_MS,
    block_ordering: Some(BlockOrdering {
        level: Level::Should,
        token: "/event/tokenId",
        block: "/event/blocknumber",
    }),
    echo: None,
    idempotency: Some(Level::Must),
    canonical_json: true,
    // `ec.keyFromPublic(publicKey, "hex")` / `key.verify(msg, signature)` with `elliptic`.
    proof_reading: ProofReading::EllipticHex,
    sample_event: r#"{"name":"@TYPE@","tokenId":"@TOKEN@","chainId":77,"network":"testnet","blocknumber":@BLOCK@,"raw":{"address":"0x512C1FCF401133680f373a386F3f752b98070BC5","blockNumber":@BLOCK@,"logIndex":0,"removed":false,"transactionHash":"0x198431af98024ec958bd4561541720ad64026263d7e66abcdf416d09f36be12c","id":"@ID@","returnValues":{"_from":"0x3257d9f2D793Bd437E34C2312F888D8ce11c1Ea0","_to":"0x08E3625273a9eAA4F466ecb701899BF11F7E3E90","_tokenId":"@TOKEN@"},"event":"Transfer"},"owner":"0x08E3625273a9eAA4F466ecb701899BF11F7E3E90"}"#,
};

/// RSA PKCS#1 v1.5 SHA-256 over the body, base64 in `x-cometh-indexer-signature`.
pub static COMETH: Scheme = Scheme {
    id: SchemeId::Cometh,
    summary: "x-cometh-indexer-signature: base64 RSA PKCS#1 v1.5 SHA-256 over the body (= JSON.stringify(event))",
    reference: "seed 004 (Cometh marketplace webhooks)",
    credential: CredentialKind::RsaPublicKey,
    carrier: Carrier::Header {
        name: "x-cometh-indexer-signature",
        prefix: "",
    },
    message: Message::RawBody,
    algorithm: Algorithm::RsaPkcs1v15Sha256,
    encoding: Encoding::Base64,
    statuses: Statuses {
        missing: None,
        invalid: None,
    },
    event_id: EventId::BodyPointer("/id"),
    extra_headers: &[],
    event_types: &["ORDER_LISTED", "ORDER_CANCELLED", "ORDER_FILLED"],
    sender_timeout_ms: DEFAULT_SENDER_TIMEOUT_MS,
    block_ordering: None,
    echo: None,
    idempotency: None,
    canonical_json: true,
    // `verifier.verify(webhookPublicKey, signature, "base64")`.
    proof_reading: ProofReading::NodeBase64,
    sample_event: r#"{"id":"@ID@","type":"@TYPE@","order":{"id":"ord_7Hq2","tokenAddress":"0xF0C1e5B8a6d1d2B9e9C0b0A8F7c6D5e4B3a2C1d0","tokenId":"4821","price":"1500000000000000000","currency":"ETH","maker":"0x3257d9f2D793Bd437E34C2312F888D8ce11c1Ea0"},"createdAt":"2026-03-01T09:30:00.000Z"}"#,
};

/// Every scheme hookspec knows, in documentation order.
pub static SCHEMES: [&Scheme; 6] = [
    &BLOCKMARK,
    &CERTIFYLIZE,
    &BLINK_APIKEY,
    &BLINK_SIGNATURE,
    &SMARTASSET,
    &COMETH,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_descriptions_match() {
        for id in SchemeId::ALL {
            assert_eq!(id.as_str().parse::<SchemeId>().ok(), Some(id));
            assert_eq!(id.scheme().id, id);
        }
        assert!("nope".parse::<SchemeId>().is_err());
        assert_eq!(SCHEMES.len(), SchemeId::ALL.len());
    }
}
