//! The case catalogue: every check the harness makes, with a stable id, a
//! level and a reference, derived from a scheme's description.
//!
//! Case ids are `<scheme>.<family>.<name>`. They never depend on a position
//! in a list, so baselines (`--expect-failures`) and filters stay valid as
//! the catalogue grows. A case is data: what to send ([`Build`] or a
//! multi-step [`Action`]) and what a correct receiver does ([`Expect`]).
//!
//! This module holds the case model and [`catalogue`], which calls one
//! function per family, in run order; each family's cases are added by its
//! own file (`accept.rs`, `reject.rs`, …, one per docs/spec.md §3 section),
//! and `build.rs` turns a [`Build`] into a delivery ([`BuildContext`]).

use std::fmt;

use crate::payload::BodyKind;
use crate::scheme::{Algorithm, Level, Scheme};
use crate::sign::KeyPlacement;

mod accept;
mod build;
mod echo;
mod freshness;
mod handshake;
mod idempotency;
mod latency;
mod list;
mod ordering;
mod reject;
mod robustness;
mod rotation;
mod status;
#[cfg(test)]
mod tests;
mod timing;

pub use build::{BuildContext, Built};
pub use reject::vendor_reading_restores;

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
    /// §3.4 the echo handshake (the unnamed `echo-field`).
    Echo,
    /// §3.4 the scheme's named handshakes.
    Handshake,
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
    /// §3.11 a list of signatures in one header: any entry may match.
    List,
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
            Family::Handshake => "handshake",
            Family::Freshness => "freshness",
            Family::Idempotency => "idempotency",
            Family::Ordering => "ordering",
            Family::Rotation => "rotation",
            Family::Latency => "latency",
            Family::Robustness => "robustness",
            Family::Timing => "timing",
            Family::List => "list",
        }
    }

    fn section(self) -> &'static str {
        match self {
            Family::Accept => "3.1",
            Family::Reject => "3.2",
            Family::Status => "3.3",
            Family::Echo | Family::Handshake => "3.4",
            Family::Freshness => "3.5",
            Family::Idempotency | Family::Ordering => "3.6",
            Family::Rotation => "3.7",
            Family::Latency => "3.8",
            Family::Robustness => "3.10",
            Family::Timing => "3.9",
            Family::List => "3.11",
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

/// A list of signatures in the proof header (`v1,<a> v1,<b>`, or
/// `t=…,v1=<a>,v1=<b>`) composed otherwise than the one valid entry a
/// sender writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListEdit {
    /// A well-formed entry signed with another secret, then the valid one.
    WrongBeforeValid,
    /// The valid entry, then a well-formed entry signed with another secret.
    WrongAfterValid,
    /// Two entries signed with other secrets, then the valid one: a sender
    /// in the middle of a secret rotation.
    RotatedSecrets,
    /// Only the first 8 characters of the valid signature
    /// (CVE-2024-21491 compared only as many characters as were sent).
    EightCharacters,
    /// The valid signature under a version that does not count.
    OtherVersionOnly,
    /// An entry without its version separator before the valid one.
    MalformedNoSeparator,
    /// The list separator doubled before the valid entry.
    MalformedDoubleSeparator,
    /// An entry that is not in the signature's encoding before the valid one.
    MalformedEncoding,
}

/// How the timestamp header of a scheme that sends its timestamp in a
/// header of its own is changed after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampHeaderEdit {
    /// The header removed.
    Missing,
    /// The header sent empty.
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
    ///
    /// `list` is `[pair separator, key separator]` of the scheme's list.
    pub fn value(
        self,
        ts_key: &str,
        ts: &str,
        sig_key: &str,
        sig: &str,
        list: [&str; 2],
    ) -> String {
        let [p, k] = list;
        match self {
            HeaderShape::Reordered => format!("{sig_key}{k}{sig}{p}{ts_key}{k}{ts}"),
            HeaderShape::Whitespace => format!("{ts_key} {k} {ts} {p} {sig_key} {k} {sig}"),
            HeaderShape::ExtraParameter => format!("{ts_key}{k}{ts}{p}{sig_key}{k}{sig}{p}ext{k}1"),
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
    /// The timestamp header (a header of its own) changed after signing.
    TimestampHeader(TimestampHeaderEdit),
    /// The proof header's list of signatures composed otherwise.
    List(ListEdit),
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
    /// A valid delivery, then the same event again as the sender redelivers
    /// it: signed anew one second later, with the scheme's retry markers.
    Redelivery,
    /// One of the scheme's named handshakes.
    Handshake {
        /// The handshake's name.
        name: &'static str,
        /// Which request is sent.
        probe: HandshakeProbe,
    },
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

/// Which request a handshake case sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeProbe {
    /// The handshake with a valid proof (a probe's: with an invalid one).
    Valid,
    /// The handshake with an invalid proof.
    Forged,
    /// The handshake with an invalid proof and markup in its echoed value.
    Markup,
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

/// The cases being collected for one scheme: each family file adds its
/// own through [`Catalogue::add`] and [`Catalogue::single`].
struct Catalogue<'s> {
    /// The scheme the cases are for.
    scheme: &'s Scheme,
    /// The cases so far, in run order.
    cases: Vec<Case>,
}

impl Catalogue<'_> {
    /// Adds a case of `family` with the id `<scheme>.<family>.<name>` and
    /// the scheme's reference plus the family's docs/spec.md section.
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

    /// [`Catalogue::add`] with the reference `source` (a provider document)
    /// instead of the scheme's, when `source` is given.
    fn add_cited(
        &mut self,
        source: &str,
        family: Family,
        name: &str,
        level: Level,
        title: &str,
        action: Action,
    ) {
        self.add(family, name, level, title, action);
        if let (false, Some(case)) = (source.is_empty(), self.cases.last_mut()) {
            case.reference = format!("{source}; docs/spec.md §{}", family.section());
        }
    }

    /// Adds a case that sends one delivery, `build`, and expects `expect`.
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

    /// What the scheme's proof is called in titles: `key` for a shared
    /// key, `signature` otherwise.
    fn proof_noun(&self) -> &'static str {
        match self.scheme.algorithm {
            Algorithm::SharedKey => "key",
            _ => "signature",
        }
    }
}

/// A valid delivery of a fresh event of `kind`, its key in the header.
fn valid(kind: BodyKind) -> Build {
    Build::Valid {
        kind,
        event_type: None,
        placement: KeyPlacement::Header,
    }
}

/// The cases for a scheme, in run order (rotation last: it changes the
/// published keys).
pub fn catalogue(scheme: &Scheme, opts: &CatalogueOptions) -> Vec<Case> {
    let mut c = Catalogue {
        scheme,
        cases: Vec::new(),
    };
    accept::add(&mut c);
    reject::add(&mut c);
    list::add(&mut c);
    status::add(&mut c);
    echo::add(&mut c);
    handshake::add(&mut c);
    freshness::add(&mut c, opts.tolerance_s);
    idempotency::add(&mut c);
    ordering::add(&mut c);
    robustness::add(&mut c, opts.timeout);
    // Only when asked for: it sends thousands of requests.
    timing::add(&mut c, opts.timing);
    // Last: it changes the published keys.
    rotation::add(&mut c);
    // Judged over every answer of the run.
    latency::add(&mut c);
    c.cases
}
