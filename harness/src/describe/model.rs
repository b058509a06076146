//! The scheme file, as serde structs: one struct per TOML table, owned
//! types, `deny_unknown_fields` everywhere. `docs/scheme-format.md`
//! documents every field; [`crate::describe::validate`] checks what the
//! types alone cannot (combinations, templates, secrets).
//!
//! Fields a semantic error may point at are [`Spanned`], so the error can
//! say `path:line:column`.

use serde::Deserialize;
use toml::Spanned;

/// A whole scheme file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeFile {
    /// Stable id: lowercase letters, digits and `-`.
    pub id: Spanned<String>,
    /// One line for `hookspec schemes`.
    pub summary: String,
    /// The vendor document the scheme comes from.
    pub reference: String,
    /// The key material the receiver is configured with.
    pub credential: Credential,
    /// Where the proof travels, and its syntax.
    pub proof: Proof,
    /// How the proof is computed and written.
    pub signature: Signature,
    /// The delivery timestamp, if the scheme has one.
    #[serde(default)]
    pub timestamp: Option<Spanned<Timestamp>>,
    /// The request body.
    #[serde(default)]
    pub body: Body,
    /// The idempotency key.
    pub idempotency: Idempotency,
    /// Headers sent beside the proof, in order.
    #[serde(default)]
    pub headers: Vec<HeaderRule>,
    /// Rejection statuses the vendor documents.
    #[serde(default)]
    pub statuses: Statuses,
    /// Facts about the sender.
    #[serde(default)]
    pub sender: Sender,
    /// Event types and a sample event.
    pub events: Events,
    /// An ordering rule, if the vendor documents one.
    #[serde(default)]
    pub ordering: Option<Ordering>,
    /// Handshakes (endpoint verification, pings, probes).
    #[serde(default, rename = "handshake")]
    pub handshakes: Vec<Handshake>,
    /// How the vendor's own verification code reads the proof.
    #[serde(default)]
    pub vendor_code: VendorCode,
    /// What the published test vectors pin (optional; defaults from
    /// `[events]`).
    #[serde(default)]
    pub vectors: Option<Vectors>,
}

/// `[vectors]`: the values the vector generator's rules fill in, and the
/// tcId ledger. Every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vectors {
    /// The standard event template (default: `events.sample`, with
    /// `@EXTRA@` before its last `}`).
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    /// The event id template (default `evt_hookspec_@TC@`).
    #[serde(default)]
    pub event_id: Option<String>,
    /// The template of the body's `@ID@` (default: `event_id`).
    #[serde(default)]
    pub body_id: Option<String>,
    /// Event types by index (default: `events.types`).
    #[serde(default)]
    pub types: Option<Vec<String>>,
    /// Per-type markers: `NAME = [value for type 0, value for type 1, …]`.
    #[serde(default)]
    pub type_markers: std::collections::BTreeMap<String, Vec<String>>,
    /// `[from, to]`: a one-byte change inside the standard event.
    #[serde(default)]
    pub tamper: Option<Spanned<Vec<String>>>,
    /// A body that is not JSON (default `id=@EVENT_ID@&type=@TYPE@`).
    #[serde(default)]
    pub form_body: Option<String>,
    /// A narrower timestamp window with its own group of cases, seconds.
    #[serde(default)]
    pub narrow_window_s: Option<Spanned<u64>>,
    /// A registered scheme whose proof is the decoy of a missing key.
    #[serde(default)]
    pub decoy_scheme: Option<String>,
    /// The tcId ledger file, relative to the scheme file.
    #[serde(default)]
    pub ledger: Option<Spanned<String>>,
}

/// `[credential]`: the key material.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// What the receiver is configured with.
    pub kind: Spanned<CredentialKind>,
    /// How the configured secret string becomes key bytes (shared secrets
    /// only; default `utf8`).
    #[serde(default)]
    pub secret_decoding: Option<Spanned<SecretDecoding>>,
    /// A secret to test with, in the form the vendor hands it out (shared
    /// secrets only; optional).
    #[serde(default)]
    pub test_secret: Option<Spanned<String>>,
    /// Test key files (asymmetric schemes; paths relative to the file).
    #[serde(default)]
    pub test_keys: Vec<Spanned<TestKeyFile>>,
    /// The routes on which the provider publishes its keys (asymmetric
    /// schemes), as the key server serves them.
    #[serde(default)]
    pub key_routes: Vec<Spanned<KeyRoute>>,
}

/// `credential.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    /// A secret shared by sender and receiver (HMAC key or API key).
    SharedSecret,
    /// Ed25519 public keys published by the provider (a set: keys rotate).
    Ed25519PublicKeys,
    /// An RSA public key published by the provider.
    RsaPublicKey,
}

/// `credential.secret_decoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretDecoding {
    /// The secret string's UTF-8 bytes, as is.
    Utf8,
    /// `whsec_` followed by standard base64; the key is the decoded bytes.
    WhsecBase64,
    /// Hexadecimal; the key is the decoded bytes.
    Hex,
}

/// `[[credential.test_keys]]`: one test key pair.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestKeyFile {
    /// The key's name (`hookspec keys`, reports).
    pub name: String,
    /// PKCS#8 PEM private key, relative to the scheme file.
    pub private: String,
    /// SPKI PEM public key, relative to the scheme file.
    pub public: String,
    /// What the harness uses the key for (at least one role).
    pub roles: Vec<KeyRole>,
}

/// `test_keys.roles`: what a test key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyRole {
    /// Published at the start of a run; valid deliveries are signed with it.
    Signing,
    /// Not published at the start: forged deliveries are signed with it
    /// (the "unknown key" cases).
    Unknown,
    /// Published by a key rotation during the run, then signs.
    Rotation,
}

/// `[[credential.key_routes]]`: one key-distribution route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRoute {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path, starting with `/`.
    pub path: String,
    /// What the route answers.
    pub document: KeyDocument,
    /// For JSON documents: the member holding the keys. Default `publicKeys`.
    #[serde(default)]
    pub member: Option<String>,
}

/// `key_routes.method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

/// `key_routes.document`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyDocument {
    /// `{"<member>": ["<hex key>", …]}`: every published key.
    HexKeyListJson,
    /// The first published key as SPKI PEM text (404 when none).
    SpkiPem,
    /// A provider-side check: `{"event": …, "signature": "<hex>"}` in,
    /// `{"valid": bool, "publicKey": "<hex>" | null}` out.
    CheckSignatureJson,
}

/// `[proof]`: where the proof travels and how it is written there.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// Where.
    pub carrier: Spanned<CarrierKind>,
    /// The header (`header`, `query-or-header`).
    #[serde(default)]
    pub header: Option<Spanned<String>>,
    /// The query parameter (`query-or-header`).
    #[serde(default)]
    pub query: Option<Spanned<String>>,
    /// The header value's syntax (`header` carrier; default `raw`).
    #[serde(default)]
    pub syntax: Option<Spanned<Syntax>>,
    /// `prefixed`: the literal text before the encoded proof.
    #[serde(default)]
    pub prefix: Option<Spanned<String>>,
    /// `kv-list`: between pairs (`,` or `;`).
    #[serde(default)]
    pub pair_separator: Option<Spanned<String>>,
    /// `kv-list`: between a key and its value (`=`).
    #[serde(default)]
    pub key_separator: Option<Spanned<String>>,
    /// `kv-list`: whether a proof key may repeat (`v1=…,v1=…`). Default `false`.
    #[serde(default)]
    pub repeatable: Option<Spanned<bool>>,
    /// `versioned-list`: between entries (` `).
    #[serde(default)]
    pub list_separator: Option<Spanned<String>>,
    /// `versioned-list`: between an entry's version tag and its proof (`,`).
    #[serde(default)]
    pub version_separator: Option<Spanned<String>>,
    /// `kv-list`: the keys whose values are proofs; `versioned-list`: the
    /// version tags that count. Any entry that verifies is enough (any-of);
    /// entries with other keys or tags are ignored.
    #[serde(default)]
    pub accept: Option<Spanned<Vec<String>>>,
    /// `body-envelope`: the member holding the signed event.
    #[serde(default)]
    pub event_member: Option<Spanned<String>>,
    /// `body-envelope`: the member holding the encoded proof.
    #[serde(default)]
    pub signature_member: Option<Spanned<String>>,
}

/// `proof.carrier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarrierKind {
    /// One request header.
    Header,
    /// The API key itself, in a query parameter or in a header.
    QueryOrHeader,
    /// The JSON body is `{"<event_member>": …, "<signature_member>": "<proof>"}`.
    BodyEnvelope,
}

/// `proof.syntax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Syntax {
    /// The whole header value is the encoded proof.
    Raw,
    /// A literal prefix, then the encoded proof (`sha256=<hex>`).
    Prefixed,
    /// A key/value list (`t=…,v1=…`, `ts=…;sig1=…`).
    KvList,
    /// A list of `<version><sep><proof>` entries (`v1,<b64> v1,<b64>`).
    VersionedList,
}

/// `[signature]`: how the proof is computed and written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The algorithm.
    pub algorithm: Spanned<AlgorithmName>,
    /// The signed message, a template (required unless `algorithm = "key"`).
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    /// How the proof bytes are written.
    pub encoding: Spanned<EncodingName>,
    /// `hex`: the letter case hookspec sends. Default `lower`.
    #[serde(default)]
    pub hex_case: Option<Spanned<HexCase>>,
    /// `hex`: which letter case a receiver must accept. Default `any`.
    #[serde(default)]
    pub hex_accept: Option<Spanned<HexAccept>>,
}

/// `signature.algorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlgorithmName {
    /// HMAC-SHA1.
    HmacSha1,
    /// HMAC-SHA256.
    HmacSha256,
    /// HMAC-SHA512.
    HmacSha512,
    /// Ed25519 (RFC 8032, pure).
    Ed25519,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1v15Sha256,
    /// The shared secret itself is the proof (an API key).
    Key,
}

/// `signature.encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingName {
    /// Hexadecimal (see `hex_case`, `hex_accept`).
    Hex,
    /// Standard base64 with padding (RFC 4648 §4).
    Base64,
    /// URL-safe base64 without padding (RFC 4648 §5).
    Base64url,
    /// The secret as text (`algorithm = "key"` only).
    Text,
}

/// `signature.hex_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HexCase {
    /// `0-9a-f`.
    Lower,
    /// `0-9A-F`.
    Upper,
}

/// `signature.hex_accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HexAccept {
    /// Either letter case verifies.
    Any,
    /// Only the case of `hex_case` verifies.
    SameCase,
}

/// `[timestamp]`: the delivery time the proof covers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timestamp {
    /// Where it travels.
    pub from: Spanned<TimestampFrom>,
    /// The list key (`param`), header name (`header`) or JSON pointer (`body`).
    pub name: Spanned<String>,
    /// How it is written. Default `unix-seconds`.
    #[serde(default)]
    pub format: TimestampFormat,
    /// Seconds a timestamp may lie in the past; absent: not checked.
    #[serde(default)]
    pub past_tolerance_s: Option<u64>,
    /// Seconds a timestamp may lie in the future; absent: not checked.
    #[serde(default)]
    pub future_tolerance_s: Option<u64>,
    /// Where the window comes from (a vendor document, a library's code).
    #[serde(default)]
    pub tolerance_source: Option<String>,
    /// How the provider's official library reads the timestamp's text.
    /// Default `canonical`.
    #[serde(default)]
    pub library_reading: TimestampReadingName,
}

/// `timestamp.library_reading`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampReadingName {
    /// Canonical decimal digits only.
    #[default]
    Canonical,
    /// JavaScript's `parseInt(text, 10)`: an optional sign, then the
    /// leading digits, whatever follows (`+t`, `0t`, `t.0`, `tabc` read as
    /// `t`), and it signs the number it read.
    ParseInt,
    /// Some official library reads it with JavaScript's `parseInt`, another
    /// with Python's `float()` (`1.7e9` reads as the time), each signing
    /// the number it read: every spelling of the current time verifies
    /// with one of them.
    Numeric,
}

/// `timestamp.from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampFrom {
    /// A key of the proof header's `kv-list`.
    Param,
    /// A header of its own.
    Header,
    /// A JSON pointer into the body.
    Body,
}

/// `timestamp.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampFormat {
    /// Decimal Unix seconds.
    #[default]
    UnixSeconds,
    /// Decimal Unix milliseconds.
    UnixMilliseconds,
    /// RFC 3339 date-time.
    Rfc3339,
}

/// `[body]`: the request body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// What the body is. Default `json`.
    #[serde(default)]
    pub format: Option<Spanned<BodyFormat>>,
    /// Whether the signed bytes are JavaScript's `JSON.stringify` of the
    /// event, so a sent body is always in that canonical form. Default `false`.
    #[serde(default)]
    pub canonical_json: Option<Spanned<bool>>,
}

impl Body {
    /// `format`, defaulted.
    pub fn format(&self) -> BodyFormat {
        self.format
            .as_ref()
            .map_or(BodyFormat::Json, |f| *f.get_ref())
    }

    /// `canonical_json`, defaulted.
    pub fn canonical_json(&self) -> bool {
        self.canonical_json.as_ref().is_some_and(|c| *c.get_ref())
    }
}

/// `body.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyFormat {
    /// A JSON document (`application/json`).
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Opaque bytes.
    Bytes,
}

/// `[idempotency]`: how a delivery is identified.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// The header holding the idempotency key (or `pointer`).
    #[serde(default)]
    pub header: Option<Spanned<String>>,
    /// A JSON pointer (RFC 6901) into the body (or `header`).
    #[serde(default)]
    pub pointer: Option<Spanned<String>>,
    /// Whether a redelivery carries the same key. Default `true`.
    #[serde(default = "yes")]
    pub repeats_on_redelivery: bool,
    /// Headers that mark a redelivery (`X-Slack-Retry-Num = "{attempt}"`,
    /// `X-Slack-Retry-Reason = "http_timeout"`), sent on redeliveries only.
    #[serde(default)]
    pub retry_headers: Vec<HeaderRule>,
    /// How strongly the vendor asks receivers to process a redelivered
    /// event once; absent: the vendor does not ask.
    #[serde(default)]
    pub dedupe: Option<LevelName>,
}

/// A requirement level (RFC 2119 words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelName {
    /// MUST.
    Must,
    /// SHOULD.
    Should,
    /// MAY.
    May,
}

/// `[[headers]]`: a header sent beside the proof.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderRule {
    /// Header name, in the vendor's spelling.
    pub name: String,
    /// Value template: `{id}` (event id), `{type}` (event type), literal text.
    pub value: Spanned<String>,
}

/// `[statuses]`: rejection statuses the vendor documents. Absent: any 4xx.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statuses {
    /// When the proof is missing or unparseable.
    #[serde(default)]
    pub missing: Option<DocumentedStatus>,
    /// When the proof is present but wrong.
    #[serde(default)]
    pub invalid: Option<DocumentedStatus>,
}

/// A documented status and where the vendor documents it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedStatus {
    /// The status code (4xx).
    pub code: Spanned<u16>,
    /// The vendor text that names it.
    pub source: String,
}

/// `[sender]`: facts about the sender.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// The response timeout, in ms. Default 10 000 (see `timeout_source`).
    #[serde(default)]
    pub timeout_ms: Option<Spanned<u64>>,
    /// Where the timeout comes from.
    #[serde(default)]
    pub timeout_source: Option<String>,
}

/// `[events]`: what deliveries carry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Documented event types.
    #[serde(default)]
    pub types: Vec<String>,
    /// A realistic event in the vendor's shape, with the markers `@ID@`,
    /// `@TYPE@`, `@TOKEN@` and `@BLOCK@` the harness fills per delivery.
    pub sample: Spanned<String>,
}

/// `[ordering]`: events carry a sequence number that must not go backwards.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ordering {
    /// How strongly the vendor asks for it.
    pub level: LevelName,
    /// JSON pointer to the key events are ordered per (a token id).
    pub key_pointer: Spanned<String>,
    /// JSON pointer to the sequence number (a block number).
    pub sequence_pointer: Spanned<String>,
}

/// `[[handshake]]`: a request that is not an event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// What kind.
    pub kind: Spanned<HandshakeKind>,
    /// The handshake's name in case ids (`<scheme>.handshake.<name>`):
    /// 1–40 of `a-z`, `0-9`, `-`. Absent: the one `echo-field` handshake of
    /// the `echo` family (`<scheme>.echo.*`).
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// JSON pointer to the member that marks the handshake.
    #[serde(default)]
    pub when_pointer: Option<Spanned<String>>,
    /// A header that marks the handshake (one of `[[headers]]` whose value
    /// is `{type}`: the handshake is sent with `when_value` as its type).
    #[serde(default)]
    pub when_header: Option<Spanned<String>>,
    /// The value of `when_pointer` (or `when_header`) that marks it. A JSON
    /// string matches by its text, a number or boolean by its JSON spelling.
    #[serde(default)]
    pub when_value: Option<String>,
    /// The request body, JSON with the marker `@ID@` (a fresh event id).
    /// The `when_pointer` member is added when the body lacks it, and the
    /// `reply_pointer` member is set to a fresh value. Default `{}`.
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    /// `echo-field`: JSON pointer to the value to answer with.
    #[serde(default)]
    pub reply_pointer: Option<Spanned<String>>,
    /// `ping-pong`: the reply body, JSON, compared as a JSON value
    /// (absent: the body is not checked).
    #[serde(default)]
    pub reply_body: Option<Spanned<String>>,
    /// Reply content types that are all valid (empty: any).
    #[serde(default)]
    pub content_types: Vec<Spanned<String>>,
    /// The expected status: a code, or `"2xx"` (any success). Default 200;
    /// required for `invalid-signature-probe`.
    #[serde(default)]
    pub status: Option<Spanned<HandshakeStatus>>,
    /// Whether the handshake request carries a valid proof. Default `true`.
    #[serde(default = "yes")]
    pub signed: bool,
    /// Where the provider documents the handshake.
    #[serde(default)]
    pub source: Option<String>,
}

/// `handshake.status`: a status code or a class.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum HandshakeStatus {
    /// Exactly this code.
    Code(u16),
    /// A class; only `"2xx"` is defined.
    Class(String),
}

/// `handshake.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HandshakeKind {
    /// Answer with exactly the value at `reply_pointer`.
    EchoField,
    /// Answer with `status` (and `reply_body`, when given).
    PingPong,
    /// The sender probes with an invalid proof; answer exactly `status`.
    InvalidSignatureProbe,
}

/// `[vendor_code]`: how the vendor's documented receiver code reads proofs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorCode {
    /// How it decodes the proof. Default `exact`.
    #[serde(default)]
    pub proof_reading: ProofReadingName,
    /// The vendor code this is read from.
    #[serde(default)]
    pub quote: Option<String>,
}

/// `vendor_code.proof_reading`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProofReadingName {
    /// Compared as written (or no receiver code shown).
    #[default]
    Exact,
    /// Node's `Buffer.from(x, "hex")`.
    NodeHex,
    /// The `elliptic` package's hex reading.
    EllipticHex,
    /// Node's lenient base64 decoder.
    NodeBase64,
    /// `parseInt(pair, 16)` over every two hex characters (discord-interactions).
    ParseIntPairs,
}

fn yes() -> bool {
    true
}
