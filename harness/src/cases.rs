//! The case catalogue: every check the harness makes, with a stable id, a
//! level and a reference, derived from a scheme's description.
//!
//! Case ids are `<scheme>.<family>.<name>`. They never depend on a position
//! in a list, so baselines (`--expect-failures`) and filters stay valid as
//! the catalogue grows. A case is data: what to send ([`Build`] or a
//! multi-step [`Action`]) and what a correct receiver does ([`Expect`]).

use std::fmt;

use rsa::{Pkcs1v15Sign, Pss};
use sha2::{Digest, Sha256};

use crate::delivery::Delivery;
use crate::keys::SigningKey;
use crate::payload::{BodyKind, Event, EventFactory};
use crate::scheme::{
    Algorithm, Carrier, CredentialKind, Encoding, Level, Message, ProofReading, Scheme,
};
use crate::sign::{self, KeyPlacement, Payload};
use crate::Error;

/// The case families of the specification, docs/spec.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Family {
    /// §3.1 valid deliveries are accepted.
    Accept,
    /// §3.2 forgeries and malformations are rejected with 4xx.
    Reject,
    /// §3.3 the documented status codes.
    Status,
    /// §3.4 the echo handshake.
    Echo,
    /// §3.5 timestamp window and replay.
    Freshness,
    /// §3.6 a redelivered event is processed once.
    Idempotency,
    /// §3.6 stale (lower block number) events are ignored.
    Ordering,
    /// §3.7 key rotation.
    Rotation,
    /// §3.8 answers within the sender's timeout.
    Latency,
    /// §3.10 no 5xx, no hang on odd requests.
    Robustness,
    /// §3.9 rejection time does not depend on how much of the proof is right.
    Timing,
}

impl Family {
    /// The name used in case ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Accept => "accept",
            Family::Reject => "reject",
            Family::Status => "status",
            Family::Echo => "echo",
            Family::Freshness => "freshness",
            Family::Idempotency => "idempotency",
            Family::Ordering => "ordering",
            Family::Rotation => "rotation",
            Family::Latency => "latency",
            Family::Robustness => "robustness",
            Family::Timing => "timing",
        }
    }

    fn section(self) -> &'static str {
        match self {
            Family::Accept => "3.1",
            Family::Reject => "3.2",
            Family::Status => "3.3",
            Family::Echo => "3.4",
            Family::Freshness => "3.5",
            Family::Idempotency | Family::Ordering => "3.6",
            Family::Rotation => "3.7",
            Family::Latency => "3.8",
            Family::Robustness => "3.10",
            Family::Timing => "3.9",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the encoded proof is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofEdit {
    /// Only the first half of the valid proof (CVE-2024-21491 accepted a prefix).
    HalfPrefix,
    /// The valid proof minus its last character.
    OneCharShort,
    /// The valid proof minus its last byte (two hex digits / four base64 chars).
    OneByteShort,
    /// The valid proof plus one character.
    OneCharLong,
    /// The first character replaced by one outside the encoding's alphabet.
    BadAlphabet,
    /// The proof in uppercase (for a key: a different key).
    Uppercase,
    /// A non-ASCII character inside the proof.
    NonAscii,
    /// The proof removed, the header (or member) kept, empty.
    Empty,
}

/// How the signed bytes are changed after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEdit {
    /// One letter changed.
    FlipByte,
    /// A newline appended.
    AppendByte,
    /// The last byte removed.
    TruncateByte,
    /// A space inserted after the first colon.
    Whitespace,
    /// The first two members swapped.
    KeyOrder,
}

/// Which part of the signed URL differs from the URL posted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlEdit {
    /// Another path.
    Path,
    /// An extra query parameter.
    Query,
    /// Another host.
    Host,
    /// Another port.
    Port,
}

/// A signed timestamp written in a form other than canonical decimal
/// seconds, with the signature computed over exactly that text (so only
/// the receiver's reading of the timestamp is tested). Parsing such a
/// value with `parse().unwrap()` is a classic 5xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampForm {
    /// `-<now>`.
    Negative,
    /// `<now>.0`.
    Decimal,
    /// `<now>` in exponent notation (`1.7e9` style, the same value).
    Exponent,
    /// `<now>` followed by letters.
    TrailingJunk,
    /// A 20-digit number, beyond `i64` and `u64`.
    BeyondI64,
}

impl TimestampForm {
    /// Every form.
    pub const ALL: [TimestampForm; 5] = [
        TimestampForm::Negative,
        TimestampForm::Decimal,
        TimestampForm::Exponent,
        TimestampForm::TrailingJunk,
        TimestampForm::BeyondI64,
    ];

    /// The name used in case ids.
    pub fn name(self) -> &'static str {
        match self {
            TimestampForm::Negative => "negative",
            TimestampForm::Decimal => "decimal",
            TimestampForm::Exponent => "exponent",
            TimestampForm::TrailingJunk => "trailing-junk",
            TimestampForm::BeyondI64 => "beyond-i64",
        }
    }

    /// What the form is, for a case title.
    pub fn describe(self) -> &'static str {
        match self {
            TimestampForm::Negative => "negative (`-<now>`)",
            TimestampForm::Decimal => "with a decimal part (`<now>.0`)",
            TimestampForm::Exponent => "in exponent notation (`1.7e9` style)",
            TimestampForm::TrailingJunk => "with trailing letters (`<now>abc`)",
            TimestampForm::BeyondI64 => "of 20 digits (beyond 64-bit integers)",
        }
    }

    /// The timestamp text for the time `now` (unix seconds).
    pub fn text(self, now: i64) -> String {
        match self {
            TimestampForm::Negative => format!("-{now}"),
            TimestampForm::Decimal => format!("{now}.0"),
            TimestampForm::Exponent => {
                // d.ddd…e<n>: the same value, as a float parser reads it.
                let digits = now.unsigned_abs().to_string();
                let (first, rest) = digits.split_at(1);
                let rest = rest.trim_end_matches('0');
                let sign = if now < 0 { "-" } else { "" };
                let point = if rest.is_empty() { "" } else { "." };
                format!("{sign}{first}{point}{rest}e{}", digits.len() - 1)
            }
            TimestampForm::TrailingJunk => format!("{now}abc"),
            TimestampForm::BeyondI64 => "99999999999999999999".to_owned(),
        }
    }
}

/// The timestamped signature header in another shape, its signature valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderShape {
    /// The signature parameter first, then the timestamp.
    Reordered,
    /// Spaces around `;` and `=`.
    Whitespace,
    /// An unknown parameter after the documented ones.
    ExtraParameter,
}

impl HeaderShape {
    /// Every shape.
    pub const ALL: [HeaderShape; 3] = [
        HeaderShape::Reordered,
        HeaderShape::Whitespace,
        HeaderShape::ExtraParameter,
    ];

    /// The name used in case ids.
    pub fn name(self) -> &'static str {
        match self {
            HeaderShape::Reordered => "reordered",
            HeaderShape::Whitespace => "whitespace",
            HeaderShape::ExtraParameter => "extra-parameter",
        }
    }

    /// What the shape is, for a case title.
    pub fn describe(self) -> &'static str {
        match self {
            HeaderShape::Reordered => "with its parameters reordered",
            HeaderShape::Whitespace => "with spaces around `;` and `=`",
            HeaderShape::ExtraParameter => "with an unknown extra parameter",
        }
    }

    /// The header value, from its keys, timestamp text and encoded proof.
    pub fn value(self, ts_key: &str, ts: &str, sig_key: &str, sig: &str) -> String {
        match self {
            HeaderShape::Reordered => format!("{sig_key}={sig};{ts_key}={ts}"),
            HeaderShape::Whitespace => format!("{ts_key} = {ts} ; {sig_key} = {sig}"),
            HeaderShape::ExtraParameter => format!("{ts_key}={ts};{sig_key}={sig};ext=1"),
        }
    }
}

/// One delivery, described.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Build {
    /// A valid delivery.
    Valid {
        /// The body variation.
        kind: BodyKind,
        /// The event type (default: the scheme's first).
        event_type: Option<&'static str>,
        /// Where an API key goes.
        placement: KeyPlacement,
    },
    /// A valid delivery whose header names go on the wire in Title-Case
    /// ([`crate::delivery::NameCase::Title`]).
    TitleCaseNames,
    /// A valid delivery whose body is sent slowly, in pieces.
    SlowUpload(crate::delivery::Trickle),
    /// The proof removed entirely.
    DropProof,
    /// Two proof headers with conflicting (forged) values.
    RepeatedProof,
    /// Signed with a key the receiver must not trust.
    WrongKey,
    /// The encoded proof edited.
    Proof(ProofEdit),
    /// The header prefix replaced (`""`: none).
    Prefix(&'static str),
    /// The signed bytes changed after signing.
    Body(BodyEdit),
    /// The proof of another event sent with this one.
    OtherBody,
    /// The proof computed over a re-serialization (sorted keys) of the body.
    Reserialized,
    /// The proof computed over another URL.
    OtherUrl(UrlEdit),
    /// A valid delivery posted to (and signed for) an edited URL.
    ValidAtUrl(UrlEdit),
    /// Signed at `now + offset` seconds.
    Timestamp(i64),
    /// Signed in milliseconds instead of seconds.
    TimestampMillis,
    /// The timestamp changed after signing.
    TimestampEdited,
    /// The timestamped header without its signature parameter.
    MissingSigParameter,
    /// A valid delivery whose timestamp is written in another form, the
    /// signature computed over that text.
    TimestampForm(TimestampForm),
    /// A valid delivery with its timestamped header in another shape.
    HeaderShape(HeaderShape),
    /// Signed at `now + offset` seconds (outside the window), with a second,
    /// current timestamp parameter appended: `ts=<stale>;sig1=<valid>;ts=<now>`.
    /// A receiver that checks the signature with one occurrence and the
    /// window with the other accepts a replay.
    FreshTimestampAppended(i64),
    /// RSA-PSS (SHA-256) instead of PKCS#1 v1.5.
    RsaPss,
    /// PKCS#1 v1.5 with SHA-1 instead of SHA-256.
    RsaSha1,
    /// A valid delivery sent with another method.
    Method(&'static str),
    /// A valid delivery with another `Content-Type`.
    ContentType(&'static str),
    /// A valid delivery whose body is sent gzip-compressed with
    /// `Content-Encoding: gzip` (the proof is over the uncompressed body).
    GzipBody,
    /// A validly signed body that is not JSON.
    NotJson,
    /// A validly signed body that is not UTF-8.
    NotUtf8,
}

/// What a correct receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expect {
    /// 2xx, and (with the oracle) processed exactly once.
    Accept,
    /// 4xx, and (with the oracle) never processed.
    Reject,
    /// Exactly this status (the vendor documents it).
    Status(u16),
    /// Anything but 5xx, 3xx or no answer; never processed unless 2xx.
    NoServerError,
    /// 2xx, or 413 (reported as information), never 5xx.
    AcceptOrTooLarge,
    /// 2xx, or 408 (reported as information), never 5xx: a slow upload.
    AcceptOrRequestTimeout,
}

/// A key-rotation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationStep {
    /// Publish old and new key, sign with the new one: must be accepted.
    NewKeyAccepted,
    /// Publish only the new key, sign with the old one: must be rejected.
    RemovedKeyRejected,
}

/// What a case does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send one delivery and judge the answer.
    Single {
        /// What to send.
        build: Build,
        /// What a correct receiver does.
        expect: Expect,
    },
    /// The echo handshake with a fresh nonce.
    Echo {
        /// Whether only the exact nonce passes (a JSON-quoted one fails).
        exact: bool,
    },
    /// The echo request without a valid token: must not be echoed.
    EchoWithoutToken,
    /// The same delivery `copies` times, in a row or at once.
    Duplicate {
        /// How many copies.
        copies: usize,
        /// Sent concurrently.
        concurrent: bool,
    },
    /// A valid delivery, then another validly signed body with the same
    /// event id: the vendors document nothing, so what the receiver does is
    /// reported as information; only a 5xx (or no answer) fails.
    SameIdOtherBody,
    /// A higher block number, then a lower one for the same token.
    LowerBlockIgnored,
    /// An identical signed request sent twice.
    Replay,
    /// A key-rotation step (needs the key server).
    Rotation(RotationStep),
    /// Every answer of the run within the sender timeout.
    Latency,
    /// Rejection time of a proof wrong in its first byte vs one wrong only
    /// in its last byte (constant-time comparison).
    Timing,
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Stable id, `<scheme>.<family>.<name>`.
    pub id: String,
    /// How strongly the behaviour is required.
    pub level: Level,
    /// The family.
    pub family: Family,
    /// Where the requirement comes from.
    pub reference: String,
    /// What is sent and what is expected, in a sentence.
    pub title: String,
    /// What the case does.
    pub action: Action,
}

/// Options that shape the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueOptions {
    /// The timestamp window, in seconds.
    pub tolerance_s: u64,
    /// Include the timing case, at this level (`MUST` where it gates the
    /// run, `MAY` where it is advisory). `None`: no timing case.
    pub timing: Option<Level>,
    /// The sender's per-request timeout: the slow upload takes a quarter
    /// of it, at most [`SLOW_UPLOAD`].
    pub timeout: std::time::Duration,
}

/// How long the slow-upload case spreads the body over (less with a
/// short sender timeout).
pub const SLOW_UPLOAD: std::time::Duration = std::time::Duration::from_secs(1);

impl Default for CatalogueOptions {
    fn default() -> Self {
        CatalogueOptions {
            tolerance_s: crate::verify::DEFAULT_TOLERANCE_S,
            timing: None,
            timeout: std::time::Duration::from_millis(crate::scheme::DEFAULT_SENDER_TIMEOUT_MS),
        }
    }
}

struct Catalogue<'s> {
    scheme: &'s Scheme,
    cases: Vec<Case>,
}

impl Catalogue<'_> {
    fn add(&mut self, family: Family, name: &str, level: Level, title: &str, action: Action) {
        self.cases.push(Case {
            id: format!("{}.{}.{}", self.scheme.id, family.as_str(), name),
            level,
            family,
            reference: format!(
                "{}; docs/spec.md §{}",
                self.scheme.reference,
                family.section()
            ),
            title: title.to_owned(),
            action,
        });
    }

    fn single(
        &mut self,
        family: Family,
        name: &str,
        level: Level,
        title: &str,
        build: Build,
        expect: Expect,
    ) {
        self.add(family, name, level, title, Action::Single { build, expect });
    }

    /// A delivery whose encoded proof is edited: rejected (MUST), unless
    /// the vendor's documented verification reads the edited proof back
    /// into the valid one ([`vendor_reading_restores`]). Then it is no
    /// forgery, and the vendor's own code accepts it: either answer
    /// passes, accepting is reported as information, only 5xx (or no
    /// answer) fails.
    fn proof_edit(&mut self, name: &str, what: &str, verdict: &str, edit: ProofEdit) {
        let s = self.scheme;
        if vendor_reading_restores(s.proof_reading, edit) {
            let title = format!(
                "{what} is not answered 5xx; refusing it (4xx) or accepting it both pass, accepting is reported as information: the vendor's own code reads the proof with {}, gets the whole valid proof back and accepts it, and that is no forgery",
                s.proof_reading.describe()
            );
            self.single(
                Family::Reject,
                name,
                Level::Must,
                &title,
                Build::Proof(edit),
                Expect::NoServerError,
            );
        } else {
            self.reject(name, &format!("{what} is {verdict}"), Build::Proof(edit));
        }
    }

    fn reject(&mut self, name: &str, title: &str, build: Build) {
        self.single(
            Family::Reject,
            name,
            Level::Must,
            title,
            build,
            Expect::Reject,
        );
    }
}

/// The cases for a scheme, in run order (rotation last: it changes the
/// published keys).
pub fn catalogue(scheme: &Scheme, opts: &CatalogueOptions) -> Vec<Case> {
    use Build as B;
    let mut c = Catalogue {
        scheme,
        cases: Vec::new(),
    };
    let covers_body = matches!(
        scheme.message,
        Message::RawBody | Message::TimestampUrlBody | Message::EnvelopeEvent
    );
    let valid = |kind| B::Valid {
        kind,
        event_type: None,
        placement: KeyPlacement::Header,
    };

    // §3.1 accept
    for kind in BodyKind::ALL {
        if kind == BodyKind::Large1m || (scheme.canonical_json && !kind.is_js_canonical()) {
            continue;
        }
        c.single(
            Family::Accept,
            kind.name(),
            Level::Must,
            &format!(
                "a valid delivery with a {} body is accepted (2xx) and processed",
                kind.name()
            ),
            valid(kind),
            Expect::Accept,
        );
    }
    for t in scheme.event_types {
        c.single(
            Family::Accept,
            &format!("event-type.{t}"),
            Level::Must,
            &format!("a valid `{t}` event is accepted (2xx) and processed"),
            B::Valid {
                kind: BodyKind::Plain,
                event_type: Some(t),
                placement: KeyPlacement::Header,
            },
            Expect::Accept,
        );
    }
    if scheme.message == Message::TimestampUrlBody {
        c.single(
            Family::Accept,
            "url-with-query",
            Level::Must,
            "a valid delivery to the webhook URL with a query is accepted (the signed URL includes the query)",
            B::ValidAtUrl(UrlEdit::Query),
            Expect::Accept,
        );
    }
    if let Some(name) = scheme.carrier.header_name() {
        c.single(
            Family::Accept,
            "header-names-title-case",
            Level::Must,
            &format!("a valid delivery whose header names are sent in Title-Case (`{}`, as many senders write them; hookspec otherwise sends lowercase) is accepted: header names are case-insensitive", title_case(name)),
            B::TitleCaseNames,
            Expect::Accept,
        );
    }
    if let Carrier::QueryOrHeader { query, header } = scheme.carrier {
        c.single(
            Family::Accept,
            "key-in-query",
            Level::Must,
            &format!("the key in `?{query}=` is accepted"),
            B::Valid {
                kind: BodyKind::Plain,
                event_type: None,
                placement: KeyPlacement::Query,
            },
            Expect::Accept,
        );
        c.single(
            Family::Accept,
            "key-in-header",
            Level::Must,
            &format!("the key in `{header}` is accepted"),
            valid(BodyKind::Plain),
            Expect::Accept,
        );
    }

    // §3.2 reject
    let what = match scheme.algorithm {
        Algorithm::SharedKey => "key",
        _ => "signature",
    };
    c.reject(
        "missing-proof",
        &format!("a delivery without its {what} is rejected (4xx)"),
        B::DropProof,
    );
    c.reject(
        "empty-proof",
        &format!("an empty {what} is rejected (4xx)"),
        B::Proof(ProofEdit::Empty),
    );
    c.reject(
        "wrong-key",
        match scheme.credential {
            CredentialKind::SharedSecret => "a delivery made with another secret is rejected (4xx)",
            _ => "a delivery signed by a key that is not published is rejected (4xx)",
        },
        B::WrongKey,
    );
    c.proof_edit(
        "non-ascii-proof",
        &format!("a {what} with non-ASCII bytes inside"),
        "rejected (4xx, not 5xx)",
        ProofEdit::NonAscii,
    );
    if matches!(
        scheme.carrier,
        Carrier::Header { .. } | Carrier::TimestampedHeader { .. }
    ) {
        c.reject(
            "repeated-proof-header",
            "two conflicting (forged) signature headers are rejected (4xx)",
            B::RepeatedProof,
        );
    }
    c.reject(
        "proof-prefix",
        &format!("the first half of the valid {what} is rejected (CVE-2024-21491)"),
        B::Proof(ProofEdit::HalfPrefix),
    );
    c.proof_edit(
        "proof-one-char-short",
        &format!("the valid {what} minus one character"),
        "rejected",
        ProofEdit::OneCharShort,
    );
    c.proof_edit(
        "proof-one-char-long",
        &format!("the valid {what} plus one character"),
        "rejected",
        ProofEdit::OneCharLong,
    );
    match scheme.encoding {
        Encoding::Hex | Encoding::Base64 => {
            c.reject(
                "proof-one-byte-short",
                "the valid signature minus its last byte is rejected",
                B::Proof(ProofEdit::OneByteShort),
            );
            c.reject(
                "proof-bad-alphabet",
                "a signature with a character outside its encoding is rejected",
                B::Proof(ProofEdit::BadAlphabet),
            );
        }
        Encoding::Text => {
            c.reject(
                "key-other-case",
                "the key in another letter case is rejected (keys are case-sensitive)",
                B::Proof(ProofEdit::Uppercase),
            );
        }
    }
    if let Carrier::Header { prefix, .. } = scheme.carrier {
        if !prefix.is_empty() {
            c.reject(
                "wrong-prefix-sha1",
                "a `sha1=` prefix is rejected",
                B::Prefix("sha1="),
            );
            c.reject(
                "missing-prefix",
                &format!("a signature without its `{prefix}` prefix is rejected"),
                B::Prefix(""),
            );
        }
    }
    if covers_body {
        c.reject(
            "body-byte-flipped",
            "one byte of the signed body changed after signing is rejected",
            B::Body(BodyEdit::FlipByte),
        );
        if scheme.canonical_json && scheme.message == Message::RawBody {
            // The vendor verifies `JSON.stringify` of the parsed body: a
            // trailing newline changes the bytes sent, not the bytes signed.
            c.single(
                Family::Reject,
                "body-byte-appended",
                Level::Must,
                "a newline appended to the body after signing is not answered 5xx; refusing it (4xx) or accepting it both pass, accepting is reported as information: the signed bytes are `JSON.stringify` of the parsed body, which a trailing newline does not change, so the vendor's documented verification accepts it and it is no forgery",
                B::Body(BodyEdit::AppendByte),
                Expect::NoServerError,
            );
        } else if scheme.message != Message::EnvelopeEvent {
            c.reject(
                "body-byte-appended",
                "a byte appended to the body after signing is rejected",
                B::Body(BodyEdit::AppendByte),
            );
        }
        c.reject(
            "body-truncated",
            "the body minus its last byte is rejected",
            B::Body(BodyEdit::TruncateByte),
        );
        if !scheme.canonical_json {
            c.reject(
                "body-whitespace-changed",
                "whitespace added to the body after signing is rejected (verify the raw body)",
                B::Body(BodyEdit::Whitespace),
            );
        }
        c.reject(
            "body-key-order-changed",
            "the body's members reordered after signing are rejected",
            B::Body(BodyEdit::KeyOrder),
        );
        c.reject(
            "signature-of-other-body",
            "the signature of another event is rejected",
            B::OtherBody,
        );
        c.reject("signature-over-reserialized-json", "a signature over re-serialized JSON (sorted keys) is rejected: the raw body is what is signed", B::Reserialized);
    }
    if scheme.message == Message::TimestampUrlBody {
        for (e, name, t) in [
            (UrlEdit::Path, "url-other-path", "another path"),
            (UrlEdit::Query, "url-other-query", "another query"),
            (UrlEdit::Host, "url-other-host", "another host"),
            (UrlEdit::Port, "url-other-port", "another port"),
        ] {
            c.reject(
                name,
                &format!("a signature over the URL with {t} is rejected"),
                B::OtherUrl(e),
            );
        }
        c.reject(
            "timestamp-edited",
            "the timestamp changed after signing is rejected",
            B::TimestampEdited,
        );
        c.reject(
            "signature-parameter-missing",
            "a header with `ts` but no signature parameter is rejected",
            B::MissingSigParameter,
        );
    }
    if scheme.algorithm == Algorithm::RsaPkcs1v15Sha256 {
        c.reject(
            "rsa-pss",
            "an RSA-PSS signature (instead of PKCS#1 v1.5) is rejected",
            B::RsaPss,
        );
        c.reject(
            "rsa-sha1",
            "a PKCS#1 v1.5 SHA-1 signature (instead of SHA-256) is rejected",
            B::RsaSha1,
        );
    }

    // §3.3 statuses
    if let Some(s) = scheme.statuses.missing {
        c.single(
            Family::Status,
            "missing-proof",
            Level::Should,
            &format!("a delivery without its {what} is answered {s}"),
            B::DropProof,
            Expect::Status(s),
        );
    }
    if let Some(s) = scheme.statuses.invalid {
        c.single(
            Family::Status,
            "invalid-proof",
            Level::Should,
            &format!("a delivery with a wrong {what} is answered {s}"),
            B::WrongKey,
            Expect::Status(s),
        );
    }

    // §3.4 echo
    if scheme.echo.is_some() {
        c.add(
            Family::Echo,
            "handshake",
            Level::Must,
            "endpoint.verify with a fresh nonce is answered 200 with the nonce",
            Action::Echo { exact: false },
        );
        c.add(
            Family::Echo,
            "exact-body",
            Level::Should,
            "the echo body is exactly the nonce (not JSON-quoted)",
            Action::Echo { exact: true },
        );
        c.add(
            Family::Echo,
            "requires-valid-token",
            Level::Must,
            "endpoint.verify without a valid token is rejected and not echoed",
            Action::EchoWithoutToken,
        );
    }

    // §3.5 freshness
    if scheme.message == Message::TimestampUrlBody {
        let tol = i64::try_from(opts.tolerance_s).unwrap_or(i64::MAX / 2);
        // Two seconds of margin absorb clock rounding and transit time.
        for (name, offset, expect, t) in [
            (
                "accept-recent-past",
                -tol + 2,
                Expect::Accept,
                "a timestamp just inside the window (past) is accepted",
            ),
            (
                "accept-near-future",
                tol - 2,
                Expect::Accept,
                "a timestamp just inside the window (future) is accepted",
            ),
            (
                "reject-stale",
                -tol - 2,
                Expect::Reject,
                "a timestamp just outside the window (past) is rejected",
            ),
            (
                "reject-future",
                tol + 2,
                Expect::Reject,
                "a timestamp just outside the window (future) is rejected",
            ),
        ] {
            c.single(
                Family::Freshness,
                name,
                Level::Should,
                t,
                B::Timestamp(offset),
                expect,
            );
        }
        c.single(
            Family::Freshness,
            "reject-milliseconds",
            Level::Should,
            "a timestamp in milliseconds (far future as seconds) is rejected",
            B::TimestampMillis,
            Expect::Reject,
        );
        c.add(
            Family::Freshness,
            "replay",
            Level::Should,
            "an identical signed request sent twice is refused (4xx) or processed once",
            Action::Replay,
        );
        if let Carrier::TimestampedHeader { ts_key, .. } = scheme.carrier {
            c.single(
                Family::Freshness,
                "stale-signature-fresh-timestamp-appended",
                Level::Should,
                &format!("a stale signed `{ts_key}` with a current `{ts_key}` appended is rejected (the window applies to the signed timestamp)"),
                B::FreshTimestampAppended(-tol - 2),
                Expect::Reject,
            );
        }
    }

    // §3.6 idempotency and ordering
    if let Some(level) = scheme.idempotency {
        c.add(
            Family::Idempotency,
            "duplicate-processed-once",
            level,
            "the same delivery twice: both 2xx, processed once",
            Action::Duplicate {
                copies: 2,
                concurrent: false,
            },
        );
        c.add(
            Family::Idempotency,
            "concurrent-duplicates",
            level,
            "8 copies of one delivery at once: all 2xx, processed once",
            Action::Duplicate {
                copies: 8,
                concurrent: true,
            },
        );
    }
    if scheme.idempotency.is_some() {
        c.add(
            Family::Idempotency,
            "same-id-other-body",
            Level::Must,
            "a validly signed other body under an id already delivered is not answered 5xx (accepting, ignoring or refusing it: reported as information)",
            Action::SameIdOtherBody,
        );
    }
    if let Some(o) = scheme.block_ordering {
        c.add(Family::Ordering, "lower-block-ignored", o.level, "a lower block number after a higher one for the same token is acknowledged but not processed", Action::LowerBlockIgnored);
    }

    // §3.10 robustness
    c.single(
        Family::Robustness,
        "non-json-body",
        Level::Must,
        "a validly signed body that is not JSON gets 4xx or 2xx without effect, never 5xx",
        B::NotJson,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "non-utf8-body",
        Level::Must,
        "a validly signed body that is not UTF-8 gets 4xx or 2xx without effect, never 5xx",
        B::NotUtf8,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "wrong-content-type",
        Level::Must,
        "a valid delivery sent as text/plain is not answered 5xx",
        B::ContentType("text/plain"),
        Expect::NoServerError,
    );
    if scheme.encoding == Encoding::Hex {
        c.single(
            Family::Robustness,
            "proof-uppercase-hex",
            Level::Must,
            "the valid signature in uppercase hex is accepted or refused (either is acceptable: the seeds' Node `Buffer.from(x, \"hex\")` accepts it), never 5xx",
            B::Proof(ProofEdit::Uppercase),
            Expect::NoServerError,
        );
    }
    let trickle = crate::delivery::Trickle {
        chunks: 9,
        interval: SLOW_UPLOAD.min(opts.timeout / 4) / 8,
    };
    c.single(
        Family::Robustness,
        "slow-upload",
        Level::Must,
        &format!(
            "a valid delivery whose body arrives slowly ({} pieces over {} ms) is accepted, or refused with 408; never another 4xx (read the whole body, however it is split), 5xx or a hang",
            trickle.chunks,
            trickle.duration().as_millis()
        ),
        B::SlowUpload(trickle),
        Expect::AcceptOrRequestTimeout,
    );
    c.single(
        Family::Robustness,
        "content-encoding-gzip",
        Level::Must,
        "a valid delivery sent gzip-compressed (`Content-Encoding: gzip`, signed uncompressed) is not answered 5xx (no vendor compresses: decompressing, or refusing with 415, are both fine)",
        B::GzipBody,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "method-get",
        Level::Must,
        "GET on the webhook URL is not answered 5xx",
        B::Method("GET"),
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "method-put",
        Level::Must,
        "PUT on the webhook URL is not answered 5xx",
        B::Method("PUT"),
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "body-1mib",
        Level::Must,
        "a valid 1 MiB delivery is accepted or refused with 413, never 5xx or a hang",
        valid(BodyKind::Large1m),
        Expect::AcceptOrTooLarge,
    );
    if let Carrier::TimestampedHeader { name, ts_key, .. } = scheme.carrier {
        for form in TimestampForm::ALL {
            c.single(
                Family::Robustness,
                &format!("timestamp-{}", form.name()),
                Level::Must,
                &format!(
                    "`{ts_key}=` {}, signed as written, is not answered 5xx",
                    form.describe()
                ),
                B::TimestampForm(form),
                Expect::NoServerError,
            );
        }
        for shape in HeaderShape::ALL {
            c.single(
                Family::Robustness,
                &format!("signature-header-{}", shape.name()),
                Level::Must,
                &format!(
                    "`{name}` {}, signature valid, is not answered 5xx (accepting or rejecting it are both fine)",
                    shape.describe()
                ),
                B::HeaderShape(shape),
                Expect::NoServerError,
            );
        }
    }

    // §3.9 timing (only when asked for: it sends thousands of requests)
    if let Some(level) = opts.timing {
        // Asymmetric schemes compare nothing secret: a difference there is
        // data-dependent verification code, not a leaked secret. Advisory.
        let level = if scheme.credential == CredentialKind::SharedSecret {
            level
        } else {
            Level::May
        };
        c.add(
            Family::Timing,
            "first-vs-last-byte",
            level,
            &format!("the rejection time of a {what} wrong in its first byte equals that of one wrong only in its last byte (constant-time comparison)"),
            Action::Timing,
        );
    }

    // §3.7 rotation (last: it changes the published keys)
    if scheme.credential != CredentialKind::SharedSecret {
        c.add(Family::Rotation, "new-key-accepted", Level::Must, "after a rotation publishes a new key, a delivery signed with it is accepted (within the retry window)", Action::Rotation(RotationStep::NewKeyAccepted));
        c.add(Family::Rotation, "removed-key-rejected", Level::Should, "after the old key is removed from the published set, a delivery signed with it is rejected (within the retry window)", Action::Rotation(RotationStep::RemovedKeyRejected));
    }

    // §3.8 latency (judged over every answer of the run)
    c.add(
        Family::Latency,
        "within-sender-timeout",
        Level::Must,
        &format!(
            "every answer arrives within the sender timeout ({} ms)",
            scheme.sender_timeout_ms
        ),
        Action::Latency,
    );
    c.cases
}

/// What building a delivery needs.
#[derive(Debug)]
pub struct BuildContext<'a> {
    /// The scheme.
    pub scheme: &'a Scheme,
    /// The key the receiver trusts.
    pub key: &'a SigningKey,
    /// A key the receiver must not trust.
    pub wrong_key: &'a SigningKey,
    /// The URL deliveries are posted to.
    pub url: &'a str,
    /// The sender's clock, unix seconds.
    pub now: i64,
    /// Event ids.
    pub events: &'a EventFactory,
}

/// A delivery and the id a receiver would process it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The request.
    pub delivery: Delivery,
    /// The event id by the scheme's rule, if the delivery carries one.
    pub event_id: Option<String>,
}

impl BuildContext<'_> {
    /// A payload for `event` at `now`.
    pub fn payload(&self, event: &Event) -> Payload {
        let mut p = Payload::new(self.url, event.json.clone(), self.now);
        p.event_id = Some(event.id.clone());
        p.event_type = Some(event.event_type.clone());
        p
    }

    /// The encoded proof of `payload` under `key`.
    pub fn encoded(&self, key: &SigningKey, payload: &Payload) -> Result<String, Error> {
        self.encoded_at(key, payload, &payload.timestamp.to_string())
    }

    /// [`BuildContext::encoded`] with the timestamp written as `ts`.
    fn encoded_at(&self, key: &SigningKey, payload: &Payload, ts: &str) -> Result<String, Error> {
        let message = sign::signed_message(self.scheme, ts, &payload.url, &payload.event);
        Ok(sign::encode_proof(
            self.scheme,
            &sign::proof(self.scheme, key, &message)?,
        ))
    }

    fn done(&self, delivery: Delivery) -> Built {
        Built {
            event_id: crate::verify::event_id(self.scheme, &delivery),
            delivery,
        }
    }

    /// A valid delivery of a fresh event of `kind`.
    pub fn valid(&self, kind: BodyKind) -> Result<Built, Error> {
        let ev = self.events.event(self.scheme, kind);
        Ok(self.done(sign::sign(self.scheme, self.key, &self.payload(&ev))?))
    }

    /// A valid delivery of another event (another body) that carries the
    /// event id `id`.
    pub fn valid_with_id(&self, kind: BodyKind, id: &str) -> Result<Built, Error> {
        let ev = self.events.event_with_id(self.scheme, kind, id);
        Ok(self.done(sign::sign(self.scheme, self.key, &self.payload(&ev))?))
    }

    /// Builds the delivery `build` describes.
    pub fn build(&self, build: &Build) -> Result<Built, Error> {
        let s = self.scheme;
        let ev = self.events.event(s, BodyKind::Plain);
        let p = self.payload(&ev);
        let place = |p: &Payload, encoded: &str| sign::place_proof(s, p, encoded);
        let d = match build {
            Build::Valid {
                kind,
                event_type,
                placement,
            } => {
                let ev = match event_type {
                    Some(t) => self.events.event_with(s, *kind, t, None, 1000),
                    None => self.events.event(s, *kind),
                };
                let mut p = self.payload(&ev);
                p.key_placement = *placement;
                sign::sign(s, self.key, &p)?
            }
            Build::TitleCaseNames => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.name_case = crate::delivery::NameCase::Title;
                d
            }
            Build::SlowUpload(trickle) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.trickle = Some(*trickle);
                d
            }
            Build::DropProof => drop_proof(s, place(&p, "")?),
            Build::RepeatedProof => {
                let mut d = sign::sign(s, self.wrong_key, &p)?;
                if let Some((name, value)) = proof_header(s, &d) {
                    let mut other = value.clone();
                    other.truncate(other.len().saturating_sub(2));
                    d.push_header(&name, other);
                }
                d
            }
            Build::WrongKey => sign::sign(s, self.wrong_key, &p)?,
            Build::Proof(edit) => {
                let enc = self.encoded(self.key, &p)?;
                let edited = edit_proof(s.encoding, &enc, *edit);
                match edited {
                    EditedProof::Text(t) => place(&p, &t)?,
                    EditedProof::Bytes(b) => {
                        // Non-ASCII bytes: put them in place of a marker.
                        let mut d = place(&p, "\u{1}MARK\u{1}")?;
                        replace_marker(&mut d, b"\x01MARK\x01", &b);
                        d
                    }
                }
            }
            Build::Prefix(prefix) => {
                let enc = self.encoded(self.key, &p)?;
                let mut d = place(&p, &enc)?;
                if let Carrier::Header { name, .. } = s.carrier {
                    d.set_header(name, format!("{prefix}{enc}"));
                }
                d
            }
            Build::Body(edit) => {
                let enc = self.encoded(self.key, &p)?;
                let mut edited = p.clone();
                edited.event = edit_body(&p.event, *edit);
                place(&edited, &enc)?
            }
            Build::OtherBody => {
                let other = self.events.event(s, BodyKind::Plain);
                let enc = self.encoded(self.key, &self.payload(&other))?;
                place(&p, &enc)?
            }
            Build::Reserialized => {
                let v: serde_json::Value = serde_json::from_slice(&p.event)
                    .map_err(|e| Error::Config(format!("sample event is not JSON: {e}")))?;
                let mut re = p.clone();
                re.event = serde_json::to_vec(&v)
                    .map_err(|e| Error::Config(format!("re-serialization: {e}")))?;
                let enc = self.encoded(self.key, &re)?;
                place(&p, &enc)?
            }
            Build::ValidAtUrl(edit) => {
                let mut p = p.clone();
                p.url = edit_url(self.url, *edit)?;
                sign::sign(s, self.key, &p)?
            }
            Build::OtherUrl(edit) => {
                let mut other = p.clone();
                other.url = edit_url(self.url, *edit)?;
                let enc = self.encoded(self.key, &other)?;
                place(&p, &enc)?
            }
            Build::Timestamp(offset) => {
                let mut p = p.clone();
                p.timestamp = self.now.saturating_add(*offset);
                sign::sign(s, self.key, &p)?
            }
            Build::TimestampMillis => {
                let mut p = p.clone();
                p.timestamp = self.now.saturating_mul(1000);
                sign::sign(s, self.key, &p)?
            }
            Build::TimestampEdited => {
                let enc = self.encoded(self.key, &p)?;
                let mut edited = p.clone();
                edited.timestamp = p.timestamp.saturating_sub(1);
                place(&edited, &enc)?
            }
            Build::MissingSigParameter => {
                let mut d = place(&p, "")?;
                if let Carrier::TimestampedHeader { name, ts_key, .. } = s.carrier {
                    d.set_header(name, format!("{ts_key}={}", p.timestamp));
                }
                d
            }
            Build::TimestampForm(form) => {
                let ts = form.text(p.timestamp);
                let enc = self.encoded_at(self.key, &p, &ts)?;
                let mut d = place(&p, &enc)?;
                set_timestamped(s, &mut d, |k| {
                    format!("{}={ts};{}={enc}", k.ts_key, k.sig_key)
                });
                d
            }
            Build::HeaderShape(shape) => {
                let enc = self.encoded(self.key, &p)?;
                let mut d = place(&p, &enc)?;
                let ts = p.timestamp.to_string();
                set_timestamped(s, &mut d, |k| shape.value(k.ts_key, &ts, k.sig_key, &enc));
                d
            }
            Build::FreshTimestampAppended(offset) => {
                let mut stale = p.clone();
                stale.timestamp = p.timestamp.saturating_add(*offset);
                let enc = self.encoded(self.key, &stale)?;
                let mut d = place(&stale, &enc)?;
                set_timestamped(s, &mut d, |k| {
                    format!(
                        "{}={};{}={enc};{}={}",
                        k.ts_key, stale.timestamp, k.sig_key, k.ts_key, p.timestamp
                    )
                });
                d
            }
            Build::RsaPss | Build::RsaSha1 => {
                let SigningKey::Rsa(k) = self.key else {
                    return Err(Error::Key("RSA cases need an RSA key".into()));
                };
                let sig = if *build == Build::RsaPss {
                    let mut rng = rand::thread_rng();
                    k.sign_with_rng(&mut rng, Pss::new::<Sha256>(), &Sha256::digest(&p.event))
                } else {
                    k.sign(
                        Pkcs1v15Sign::new::<sha1::Sha1>(),
                        &sha1::Sha1::digest(&p.event),
                    )
                }
                .map_err(|e| Error::Key(format!("RSA signing: {e}")))?;
                place(&p, &sign::encode_proof(s, &sig))?
            }
            Build::Method(m) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.method = (*m).to_owned();
                d
            }
            Build::ContentType(ct) => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.set_header("Content-Type", *ct);
                d
            }
            Build::GzipBody => {
                let mut d = sign::sign(s, self.key, &p)?;
                d.body = gzip(&d.body)?;
                d.set_header("Content-Encoding", "gzip");
                d
            }
            Build::NotJson | Build::NotUtf8 => {
                let mut p = p.clone();
                p.event = if *build == Build::NotJson {
                    format!("event={} not json", ev.id).into_bytes()
                } else {
                    let mut b = format!("{{\"id\":\"{}\",\"x\":\"", ev.id).into_bytes();
                    b.extend_from_slice(&[0xff, 0xfe, 0xc3]);
                    b.extend_from_slice(b"\"}");
                    b
                };
                sign::sign(s, self.key, &p)?
            }
        };
        Ok(self.done(d))
    }
}

/// Whether `reading` - how a vendor's documented verification decodes the
/// proof - turns the valid encoded proof with `edit` applied back into
/// exactly the valid proof bytes (so that the vendor's own code accepts
/// the delivery, although it is not the proof as sent).
///
/// - [`ProofEdit::OneCharLong`] appends one digit: Node's hex decoder drops
///   an odd last digit, Node's base64 decoder stops at the `=` padding (and
///   a single extra character is less than a byte anyway); `elliptic` gives
///   an odd-length string a *leading* `0`, which shifts every byte.
/// - [`ProofEdit::OneCharShort`] removes the last character: for base64
///   that is a `=` of padding whenever the proof has any (a 2048-bit RSA
///   signature, 256 bytes, always ends in `==`), which Node does not need;
///   for hex it is a real digit.
/// - [`ProofEdit::NonAscii`] inserts `é` in the middle: Node's base64
///   decoder skips it and `elliptic` drops it; Node's hex decoder stops
///   there, which truncates the proof.
pub fn vendor_reading_restores(reading: ProofReading, edit: ProofEdit) -> bool {
    use ProofReading as R;
    match edit {
        ProofEdit::OneCharLong => matches!(reading, R::NodeHex | R::NodeBase64),
        ProofEdit::OneCharShort => reading == R::NodeBase64,
        ProofEdit::NonAscii => matches!(reading, R::EllipticHex | R::NodeBase64),
        // Both hex readings accept either letter case (for hex schemes this
        // edit is a robustness case anyway; for a text key it is another key).
        ProofEdit::Uppercase => matches!(reading, R::NodeHex | R::EllipticHex),
        ProofEdit::HalfPrefix
        | ProofEdit::OneByteShort
        | ProofEdit::BadAlphabet
        | ProofEdit::Empty => false,
    }
}

/// `name` as an HTTP/1 Title-Case transport spells it (`x-token` →
/// `X-Token`).
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| Error::Config(format!("gzip: {e}")))
}

/// The keys of a timestamped header.
struct TimestampedKeys {
    ts_key: &'static str,
    sig_key: &'static str,
}

/// Replaces a timestamped scheme's header with `value(keys)`; other
/// schemes' deliveries are left alone (these builds are only catalogued
/// for timestamped schemes).
fn set_timestamped(s: &Scheme, d: &mut Delivery, value: impl FnOnce(&TimestampedKeys) -> String) {
    if let Carrier::TimestampedHeader {
        name,
        ts_key,
        sig_key,
    } = s.carrier
    {
        d.set_header(name, value(&TimestampedKeys { ts_key, sig_key }));
    }
}

enum EditedProof {
    Text(String),
    Bytes(Vec<u8>),
}

fn edit_proof(encoding: Encoding, enc: &str, edit: ProofEdit) -> EditedProof {
    let mut chars: Vec<char> = enc.chars().collect();
    match edit {
        ProofEdit::HalfPrefix => chars.truncate(chars.len() / 2),
        ProofEdit::OneCharShort => {
            chars.pop();
        }
        ProofEdit::OneByteShort => {
            let n = match encoding {
                Encoding::Hex => 2,
                Encoding::Base64 => 4,
                Encoding::Text => 1,
            };
            chars.truncate(chars.len().saturating_sub(n));
            if encoding == Encoding::Base64 {
                // Re-encode a shorter signature so the value stays valid base64.
                let raw = crate::encoding::decode_base64(enc.as_bytes()).unwrap_or_default();
                let short = raw.get(..raw.len().saturating_sub(1)).unwrap_or_default();
                return EditedProof::Text(crate::encoding::encode_base64(short));
            }
        }
        ProofEdit::OneCharLong => chars.push(match encoding {
            Encoding::Hex => '0',
            Encoding::Base64 => 'A',
            Encoding::Text => 'x',
        }),
        ProofEdit::BadAlphabet => {
            if let Some(c) = chars.first_mut() {
                *c = match encoding {
                    Encoding::Hex => 'g',
                    Encoding::Base64 => '*',
                    Encoding::Text => ' ',
                };
            }
        }
        ProofEdit::Uppercase => return EditedProof::Text(swap_case(enc)),
        ProofEdit::NonAscii => {
            let mid = enc.len() / 2;
            let mut b = enc.as_bytes().to_vec();
            b.splice(mid..mid, "é".bytes());
            return EditedProof::Bytes(b);
        }
        ProofEdit::Empty => chars.clear(),
    }
    EditedProof::Text(chars.into_iter().collect())
}

fn swap_case(s: &str) -> String {
    let upper = s.to_uppercase();
    if upper != s {
        upper
    } else {
        s.to_lowercase()
    }
}

fn replace_marker(d: &mut Delivery, marker: &[u8], with: &[u8]) {
    let replace = |v: &mut Vec<u8>| {
        if let Some(pos) = v.windows(marker.len()).position(|w| w == marker) {
            v.splice(pos..pos + marker.len(), with.iter().copied());
        }
    };
    for (_, v) in &mut d.headers {
        replace(v);
    }
    replace(&mut d.body);
    // The envelope escapes \u{1}: look for the JSON-escaped marker too.
    let escaped = b"\\u0001MARK\\u0001";
    if let Some(pos) = d.body.windows(escaped.len()).position(|w| w == escaped) {
        d.body
            .splice(pos..pos + escaped.len(), with.iter().copied());
    }
    if let Some(pos) = d.url.find("%01MARK%01") {
        let text = String::from_utf8_lossy(with).into_owned();
        d.url.replace_range(pos..pos + "%01MARK%01".len(), &text);
    }
}

fn proof_header(s: &Scheme, d: &Delivery) -> Option<(String, Vec<u8>)> {
    let name = match s.carrier {
        Carrier::Header { name, .. } | Carrier::TimestampedHeader { name, .. } => name,
        Carrier::QueryOrHeader { header, .. } => header,
        Carrier::BodyEnvelope { .. } => return None,
    };
    d.header_values(name)
        .next()
        .map(|v| (name.to_owned(), v.to_vec()))
}

fn drop_proof(s: &Scheme, mut d: Delivery) -> Delivery {
    match s.carrier {
        Carrier::Header { name, .. } | Carrier::TimestampedHeader { name, .. } => {
            d.remove_header(name)
        }
        Carrier::QueryOrHeader { header, .. } => d.remove_header(header),
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => {
            // Rebuild the body without the signature member.
            if let Ok(serde_json::Value::Object(mut m)) =
                serde_json::from_slice::<serde_json::Value>(&d.body)
            {
                m.remove(signature_field);
                if let Some(ev) = m.remove(event_field) {
                    d.body = format!("{{\"{event_field}\":{ev}}}").into_bytes();
                }
            }
        }
    }
    d
}

fn edit_body(body: &[u8], edit: BodyEdit) -> Vec<u8> {
    let mut b = body.to_vec();
    match edit {
        BodyEdit::FlipByte => {
            // Change the last lowercase letter inside the JSON text.
            if let Some(pos) = b.iter().rposition(u8::is_ascii_lowercase) {
                if let Some(c) = b.get_mut(pos) {
                    *c = if *c == b'z' { b'y' } else { *c + 1 };
                }
            }
        }
        BodyEdit::AppendByte => b.push(b'\n'),
        BodyEdit::TruncateByte => {
            b.pop();
        }
        BodyEdit::Whitespace => {
            if let Some(pos) = b.iter().position(|c| *c == b':') {
                b.insert(pos + 1, b' ');
            }
        }
        BodyEdit::KeyOrder => {
            if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(body) {
                let mut entries: Vec<_> = m.into_iter().collect();
                if entries.len() >= 2 {
                    entries.swap(0, 1);
                }
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k.clone())))
                    .collect();
                b = format!("{{{}}}", parts.join(",")).into_bytes();
            }
        }
    }
    b
}

fn edit_url(url: &str, edit: UrlEdit) -> Result<String, Error> {
    let mut u = url::Url::parse(url).map_err(|e| Error::Config(format!("URL `{url}`: {e}")))?;
    match edit {
        UrlEdit::Path => {
            let p = format!("{}-other", u.path().trim_end_matches('/'));
            u.set_path(&p);
        }
        UrlEdit::Query => {
            u.query_pairs_mut().append_pair("extra", "1");
        }
        UrlEdit::Host => {
            let other = if u.host_str() == Some("attacker.invalid") {
                "other.invalid"
            } else {
                "attacker.invalid"
            };
            u.set_host(Some(other))
                .map_err(|e| Error::Config(format!("URL host: {e}")))?;
        }
        UrlEdit::Port => {
            let port = u.port_or_known_default().unwrap_or(80);
            u.set_port(Some(if port == 65535 { 1 } else { port + 1 }))
                .map_err(|()| Error::Config("URL cannot carry a port".into()))?;
        }
    }
    Ok(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::{TestKey, TEST_SECRET};
    use crate::keys::SigningKey;
    use crate::scheme::{SchemeId, SCHEMES};
    use crate::verify::{verify, Policy};

    fn keys(id: SchemeId) -> (SigningKey, SigningKey) {
        match id {
            SchemeId::Smartasset => (
                TestKey::Smartasset1.signing_key().unwrap(),
                TestKey::SmartassetUnpublished.signing_key().unwrap(),
            ),
            SchemeId::Cometh => (
                TestKey::Cometh1.signing_key().unwrap(),
                TestKey::Cometh2.signing_key().unwrap(),
            ),
            _ => (
                SigningKey::Secret(TEST_SECRET.into()),
                SigningKey::Secret(b"another-secret".to_vec()),
            ),
        }
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        for s in SCHEMES {
            let cases = catalogue(s, &CatalogueOptions::default());
            let mut ids: Vec<_> = cases.iter().map(|c| c.id.as_str()).collect();
            let n = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), n, "{}: duplicate case ids", s.id);
            for id in ids {
                assert!(id.starts_with(&format!("{}.", s.id)), "{id}");
                assert!(
                    id.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                    "{id}"
                );
            }
        }
    }

    fn blink_context<'a>(
        key: &'a SigningKey,
        events: &'a EventFactory,
        now: i64,
    ) -> BuildContext<'a> {
        BuildContext {
            scheme: &crate::scheme::BLINK_SIGNATURE,
            key,
            wrong_key: key,
            url: "http://127.0.0.1:8080/hook",
            now,
            events,
        }
    }

    /// The hex HMAC of `<ts>.<url>.<body>`, computed here with `hmac`
    /// directly rather than through `sign`.
    fn blink_sig(ts: &str, url: &str, body: &[u8]) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(TEST_SECRET.as_bytes()).unwrap();
        mac.update(format!("{ts}.{url}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    fn blink_header(d: &Delivery) -> String {
        let v = d.header_values("X-BLINK-SIGNATURE").collect::<Vec<_>>();
        assert_eq!(v.len(), 1, "{d:?}");
        String::from_utf8(v[0].to_vec()).unwrap()
    }

    #[test]
    fn timestamp_forms_are_signed_as_written() {
        let key = SigningKey::Secret(TEST_SECRET.into());
        let events = EventFactory::new("t");
        let now = 1_700_000_000;
        let ctx = blink_context(&key, &events, now);
        let texts: Vec<String> = TimestampForm::ALL.iter().map(|f| f.text(now)).collect();
        assert_eq!(
            texts,
            [
                "-1700000000",
                "1700000000.0",
                "1.7e9",
                "1700000000abc",
                "99999999999999999999"
            ]
        );
        for form in TimestampForm::ALL {
            let d = ctx.build(&Build::TimestampForm(form)).unwrap().delivery;
            let ts = form.text(now);
            let sig = blink_sig(&ts, ctx.url, &d.body);
            assert_eq!(blink_header(&d), format!("ts={ts};sig1={sig}"), "{form:?}");
        }
    }

    #[test]
    fn the_gzip_body_decompresses_to_the_signed_delivery() {
        use std::io::Read;
        let key = SigningKey::Secret(TEST_SECRET.into());
        let events = EventFactory::new("t");
        let ctx = blink_context(&key, &events, 1_700_000_000);
        let d = ctx.build(&Build::GzipBody).unwrap().delivery;
        assert_eq!(
            d.header_values("content-encoding").collect::<Vec<_>>(),
            [b"gzip"]
        );
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&d.body[..])
            .read_to_end(&mut plain)
            .unwrap();
        let mut inflated = d.clone();
        inflated.body = plain;
        inflated.remove_header("content-encoding");
        let policy = Policy::at(1_700_000_000);
        assert!(verify(ctx.scheme, &key.trust(), &inflated, &policy).is_ok());
        assert!(verify(ctx.scheme, &key.trust(), &d, &policy).is_err());
    }

    #[test]
    fn the_exponent_form_is_the_same_value() {
        for now in [1_700_000_000i64, 1_763_856_123, 1_000_000_000, 7, 10, -25] {
            let text = TimestampForm::Exponent.text(now);
            assert!(text.contains('e'), "{text}");
            assert_eq!(text.parse::<f64>().unwrap(), now as f64, "{text}");
        }
    }

    #[test]
    fn header_shapes_and_the_appended_timestamp_carry_valid_signatures() {
        let key = SigningKey::Secret(TEST_SECRET.into());
        let events = EventFactory::new("t");
        let now = 1_700_000_000;
        let ctx = blink_context(&key, &events, now);
        for (sh, want) in [
            (HeaderShape::Reordered, "sig1={sig};ts=1700000000"),
            (HeaderShape::Whitespace, "ts = 1700000000 ; sig1 = {sig}"),
            (
                HeaderShape::ExtraParameter,
                "ts=1700000000;sig1={sig};ext=1",
            ),
        ] {
            let d = ctx.build(&Build::HeaderShape(sh)).unwrap().delivery;
            let sig = blink_sig("1700000000", ctx.url, &d.body);
            assert_eq!(blink_header(&d), want.replace("{sig}", &sig), "{sh:?}");
        }
        let d = ctx
            .build(&Build::FreshTimestampAppended(-302))
            .unwrap()
            .delivery;
        let stale = blink_sig("1699999698", ctx.url, &d.body);
        assert_eq!(
            blink_header(&d),
            format!("ts=1699999698;sig1={stale};ts=1700000000")
        );
    }

    /// The reject cases that report accepting as information (the vendor's
    /// documented verification accepts them, and they are no forgery): the
    /// audit of issue 11 against tests/vendor/*.mjs.
    #[test]
    fn reject_cases_the_vendors_own_code_accepts_are_information() {
        for (s, want) in [
            (&crate::scheme::BLOCKMARK, &["proof-one-char-long"][..]),
            (&crate::scheme::CERTIFYLIZE, &["proof-one-char-long"][..]),
            (&crate::scheme::BLINK_APIKEY, &[][..]),
            (&crate::scheme::BLINK_SIGNATURE, &[][..]),
            (&crate::scheme::SMARTASSET, &["non-ascii-proof"][..]),
            (
                &crate::scheme::COMETH,
                &[
                    "non-ascii-proof",
                    "proof-one-char-short",
                    "proof-one-char-long",
                    "body-byte-appended",
                ][..],
            ),
        ] {
            let got: Vec<String> = catalogue(s, &CatalogueOptions::default())
                .into_iter()
                .filter(|c| {
                    c.family == Family::Reject
                        && matches!(
                            c.action,
                            Action::Single {
                                expect: Expect::NoServerError,
                                ..
                            }
                        )
                })
                .map(|c| {
                    c.id.trim_start_matches(&format!("{}.reject.", s.id))
                        .to_owned()
                })
                .collect();
            assert_eq!(got, want, "{}", s.id);
        }
    }

    /// Every built delivery is judged by our own verifier as the case
    /// expects: the catalogue's deliveries are what they claim to be.
    #[test]
    fn built_deliveries_verify_as_the_case_expects() {
        for s in SCHEMES {
            let (key, wrong) = keys(s.id);
            let events = EventFactory::new("t");
            let now = 1_700_000_000;
            let ctx = BuildContext {
                scheme: s,
                key: &key,
                wrong_key: &wrong,
                url: "http://127.0.0.1:8080/hook",
                now,
                events: &events,
            };
            let policy = Policy::at(now);
            for case in catalogue(s, &CatalogueOptions::default()) {
                let Action::Single { build, expect } = &case.action else {
                    continue;
                };
                let built = ctx
                    .build(build)
                    .unwrap_or_else(|e| panic!("{}: {e}", case.id));
                let verdict = verify(s, &key.trust(), &built.delivery, &policy);
                match expect {
                    Expect::Accept => assert!(verdict.is_ok(), "{}: {verdict:?}", case.id),
                    Expect::Reject | Expect::Status(_) => {
                        assert!(verdict.is_err(), "{} verified", case.id)
                    }
                    _ => {}
                }
            }
        }
    }
}
