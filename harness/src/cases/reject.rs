//! The `reject` family, docs/spec.md §3.2: a forged or malformed delivery
//! is rejected with a 4xx — never accepted, never answered 5xx — unless the
//! vendor's own documented verification accepts it and it is no forgery.

use super::{BodyEdit, Build, Catalogue, Expect, Family, ProofEdit, TimestampHeaderEdit, UrlEdit};
use crate::scheme::{Algorithm, Carrier, CredentialKind, Encoding, Level, ProofReading};

/// Adds the `reject` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    use Build as B;
    let scheme = c.scheme;
    let covers_body = scheme.message.signs_content();
    let what = c.proof_noun();
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
        Encoding::Hex | Encoding::Base64 | Encoding::Base64Url => {
            c.reject(
                "proof-one-byte-short",
                "the valid signature minus its last byte is rejected",
                B::Proof(ProofEdit::OneByteShort),
            );
            c.proof_edit(
                "proof-bad-alphabet",
                "a signature with a character outside its encoding",
                "rejected",
                ProofEdit::BadAlphabet,
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
        if scheme.canonical_json && scheme.message.is_raw_body() {
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
        } else if !scheme.message.signs_event() {
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
    if scheme.message.signs_url() {
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
    }
    if let Carrier::TimestampedHeader { ts_key, .. } = scheme.carrier {
        c.reject(
            "timestamp-edited",
            "the timestamp changed after signing is rejected",
            B::TimestampEdited,
        );
        c.reject(
            "signature-parameter-missing",
            &format!("a header with `{ts_key}` but no signature parameter is rejected"),
            B::MissingSigParameter,
        );
    }
    if let Some(name) = scheme.timestamp_header() {
        let checked = scheme
            .timestamp
            .is_some_and(|t| t.checks_past || t.checks_future);
        if scheme.signs_timestamp() {
            c.reject(
                "timestamp-edited",
                &format!("`{name}` changed after signing is rejected"),
                B::TimestampEdited,
            );
        }
        if scheme.signs_timestamp() || checked {
            c.reject(
                "timestamp-header-missing",
                &format!("a delivery without its `{name}` header is rejected (4xx, not 5xx)"),
                B::TimestampHeader(TimestampHeaderEdit::Missing),
            );
            c.reject(
                "timestamp-header-empty",
                &format!("an empty `{name}` header is rejected (4xx, not 5xx)"),
                B::TimestampHeader(TimestampHeaderEdit::Empty),
            );
        }
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
}

impl Catalogue<'_> {
    /// A delivery whose encoded proof is edited: rejected (MUST), unless
    /// the vendor's documented verification reads the edited proof back
    /// into the valid one ([`vendor_reading_restores`]). Then it is no
    /// forgery, and the vendor's own code accepts it: either answer
    /// passes, accepting is reported as information, only 5xx (or no
    /// answer) fails.
    fn proof_edit(&mut self, name: &str, what: &str, verdict: &str, edit: ProofEdit) {
        let s = self.scheme;
        if vendor_reading_restores(s.proof_reading, edit) {
            let gets = if s.proof_reading == ProofReading::ParseIntPairs {
                "can get the whole valid proof back and then accepts it"
            } else {
                "gets the whole valid proof back and accepts it"
            };
            let title = format!(
                "{what} is not answered 5xx; refusing it (4xx) or accepting it both pass, accepting is reported as information: the vendor's own code reads the proof with {}, {gets}, and that is no forgery",
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

    /// A `reject` case (MUST): the delivery `build` describes is rejected
    /// with a 4xx.
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
/// - [`ProofReading::ParseIntPairs`] reads a lone last digit as a byte of
///   its own and a pair starting with a non-hex character as 0: the proof
///   one character short, or with its first character replaced, reads as
///   the valid one whenever that byte is 0x00 (an Ed25519 signature's last
///   byte is 0x00 about one time in sixteen). It may or may not: either
///   answer passes.
pub fn vendor_reading_restores(reading: ProofReading, edit: ProofEdit) -> bool {
    use ProofReading as R;
    match edit {
        ProofEdit::OneCharLong => matches!(reading, R::NodeHex | R::NodeBase64),
        ProofEdit::OneCharShort => matches!(reading, R::NodeBase64 | R::ParseIntPairs),
        ProofEdit::BadAlphabet => reading == R::ParseIntPairs,
        ProofEdit::NonAscii => matches!(reading, R::EllipticHex | R::NodeBase64),
        // The hex readings accept either letter case (for hex schemes this
        // edit is a robustness case anyway; for a text key it is another key).
        ProofEdit::Uppercase => matches!(reading, R::NodeHex | R::EllipticHex | R::ParseIntPairs),
        ProofEdit::HalfPrefix | ProofEdit::OneByteShort | ProofEdit::Empty => false,
    }
}
