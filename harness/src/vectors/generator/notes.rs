//! What each flag means: the `notes` of a vector file. Texts that name a
//! header, a parameter or a layout take it from the description.

use crate::error::GeneratorProblem;
use crate::scheme::{Carrier, Encoding, MessagePart, Scheme};
use crate::vectors::{BugType, Note};
use crate::Error;

/// The signed message as a layout, `<ts>.<url>.<body>`.
fn layout(s: &Scheme) -> String {
    s.message
        .parts
        .iter()
        .map(|p| match p {
            MessagePart::Literal(l) => (*l).to_owned(),
            MessagePart::Timestamp => "<ts>".into(),
            MessagePart::Url => "<url>".into(),
            MessagePart::Body => "<body>".into(),
            MessagePart::Event => "<event>".into(),
            MessagePart::Header(h) => format!("<{h}>"),
        })
        .collect()
}

/// What the proof is called: a proof over nothing is a static token.
fn noun(s: &Scheme) -> &'static str {
    if s.message.is_empty() && s.encoding != Encoding::Text {
        "token"
    } else {
        "proof"
    }
}

/// Where an API key may travel.
fn places(s: &Scheme) -> String {
    match s.carrier {
        Carrier::QueryOrHeader { query, header } => format!("`?{query}=` or in `{header}`"),
        other => other
            .header_name()
            .map_or_else(|| "the documented place".to_owned(), |h| format!("`{h}`")),
    }
}

/// `ts=…;sig1=…` in the scheme's list syntax.
fn list_shape(s: &Scheme) -> String {
    s.carrier.kv_list().map_or_else(String::new, |l| {
        l.join(&[(l.ts_key, "…"), (l.sig_key, "…")])
    })
}

/// `` `ts` or `sig1` ``.
fn list_keys(s: &Scheme) -> String {
    s.carrier.kv_list().map_or_else(String::new, |l| {
        format!("`{}` or `{}`", l.ts_key, l.sig_key)
    })
}

/// `{"event":{…},"signature":"<hex>"}`.
fn envelope_shape(s: &Scheme) -> String {
    let enc = match s.encoding {
        Encoding::Hex => "hex",
        Encoding::Base64 | Encoding::Base64Url => "base64",
        Encoding::Text => "key",
    };
    match s.carrier {
        Carrier::BodyEnvelope {
            event_field,
            signature_field,
        } => format!("{{\"{event_field}\":{{…}},\"{signature_field}\":\"<{enc}>\"}}"),
        _ => String::new(),
    }
}

/// The note of `flag` for the scheme `s`.
#[rustfmt::skip]
pub(super) fn note(s: &Scheme, flag: &str) -> Result<Note, Error> {
    use BugType::*;
    let js = s.canonical_json;
    let (bug_type, description): (BugType, String) = match flag {
        "Basic" => (Functionality, "A delivery signed exactly as the vendor documents.".into()),
        "EventType" => (Functionality, "A documented event type with a realistic payload; must be accepted.".into()),
        "EchoHandshake" => (Functionality, format!("The {} handshake body with a valid {}; must be accepted (and answered with the nonce).", s.echo.map_or("echo", |e| e.event_value), noun(s))),
        "HeaderNameCase" => (Functionality, "Header names in another letter case. HTTP header names are case-insensitive (RFC 9110 §5.1); the delivery must be accepted.".into()),
        "HardBody" => (Functionality, if js {
            "A body that is its own JSON.stringify(JSON.parse(body)) but contains text a non-JavaScript serializer spells differently (raw non-ASCII, U+2028, control escapes, large or exponent numbers, integer-like keys). A receiver must verify the bytes it received (or reproduce JSON.stringify exactly); one that re-serializes with another library fails.".into()
        } else {
            "A body a receiver that parses and re-serializes before verifying would change (whitespace, escapes, number spellings, key order). The signature covers the raw bytes as received; must be accepted.".into()
        }),
        "LargeBody" => (Functionality, "A 64 KiB body (exactly 65536 bytes); must be accepted.".into()),
        "BodyNotAuthenticated" => (EdgeCase, "The scheme's proof does not depend on the body (a static token or an API key), so a changed body cannot be detected and the delivery must be accepted. This is a property of the vendor's scheme, not of the receiver.".into()),
        "NotJsonBody" => (EdgeCase, "A correct proof over a body that is empty, not JSON or not UTF-8. A receiver may accept it (2xx without side effects) or refuse it (4xx); it must not crash (5xx).".into()),
        "MissingSignature" => (AuthBypass, "The proof is absent (or only present somewhere the scheme does not look); must be rejected.".into()),
        "EmptySignature" => (AuthBypass, "The proof is present but empty; must be rejected.".into()),
        "WrongKey" => (AuthBypass, "Proof made with a key or secret the receiver does not trust; must be rejected.".into()),
        "ModifiedSignature" => (AuthBypass, "A well-formed proof with changed bytes; must be rejected.".into()),
        "ModifiedBody" => (AuthBypass, "The body was changed after signing (one byte changed, appended or removed); must be rejected.".into()),
        "ReformattedBody" => (AuthBypass, "Whitespace or key order of the body changed after signing. The signature covers the bytes as signed; must be rejected.".into()),
        "OtherBodySignature" => (AuthBypass, "A valid signature of a different body; must be rejected.".into()),
        "ReserializedSignature" => (AuthBypass, if js {
            "The signature covers another serialization of the event (sorted keys, \\u escapes, whitespace, a wrapper) than the bytes sent, which are their own JSON.stringify form. Neither a raw-bytes receiver nor a JSON.stringify receiver can reproduce the signed bytes; must be rejected.".into()
        } else {
            "The signature covers a re-serialization of the body (compact, \\u-escaped), not the raw bytes sent; a receiver that verifies the raw body must reject it.".into()
        }),
        "SignaturePrefix" => (AuthBypass, "A prefix of the correct proof. Comparing only the common length accepts it (CVE-2024-21491, Svix); must be rejected.".into()),
        "TruncatedSignature" => (AuthBypass, "The proof is shorter than a full one; must be rejected.".into()),
        "ExtendedSignature" => (AuthBypass, "The correct proof followed by extra characters. Node's Buffer.from(x, 'hex') silently drops a trailing odd digit and stops at the first non-hex character, so code that decodes before comparing accepts it; a correct receiver validates the encoding and the length and must reject it.".into()),
        "InvalidHex" => (MalformedInput, "The proof is not valid hexadecimal; must be rejected (4xx, not 5xx).".into()),
        "InvalidBase64" => (MalformedInput, "The proof contains characters outside the base64 alphabets; must be rejected (even lenient decoders that skip such characters end up with the wrong bytes).".into()),
        "WrongEncoding" => (MalformedInput, "The right bytes in the wrong encoding (base64 for hex or hex for base64); must be rejected.".into()),
        "SignatureLength" => (MalformedInput, "A decoded signature of the wrong length; must be rejected.".into()),
        "WrongPrefix" => (AuthBypass, "The proof's prefix is missing, wrong (sha1=) or repeated; must be rejected.".into()),
        "PrefixCase" => (EdgeCase, "The prefix in another letter case (SHA256=). The vendor's code compares it case-sensitively; a receiver may accept it or reject it.".into()),
        "HexCase" => (EdgeCase, "Upper- or mixed-case hex. The vendor sends lowercase, but Node's hex decoder (used in the vendor's sample) accepts either case; a receiver may accept or reject it. Accepting it is not a weakness: it is the same bytes.".into()),
        "LenientBase64" => (EdgeCase, "The correct signature in a lenient base64 spelling (no padding, URL-safe alphabet, embedded spaces). Node's decoder, which the vendor's sample uses, accepts these; a strict decoder rejects them. Either is allowed.".into()),
        "DuplicateHeader" => (AuthBypass, "The proof header appears twice with different values. Which one counts is ambiguous (and proxies may reorder or join them); must be rejected.".into()),
        "DuplicateListHeader" => (EdgeCase, "The signature-list header twice, one of them valid. HTTP lets a recipient combine repeated field lines into one list (RFC 9110 §5.3), and Node's http module does (joined with \", \"); the provider's library then reads one list with the valid entry in it and accepts. Refusing the ambiguous request is also allowed (but not a 5xx).".into()),
        "NonAsciiHeader" => (MalformedInput, "Non-ASCII bytes in the proof header; must be rejected with 4xx, not a crash.".into()),
        "TokenOverBody" => (AuthBypass, format!("{}'s {n} is the HMAC of {}; an HMAC over the body is not the {n} and must be rejected.", s.id, if s.message.is_empty() { "the empty message (the vendor's code never calls update())".to_owned() } else { format!("`{}`", layout(s)) }, n = noun(s))),
        "EmptySecret" => (AuthBypass, "A token made with an empty secret; only a receiver that is misconfigured with an empty secret (and does not fail closed) accepts it. Must be rejected.".into()),
        "ApiKeyPlacement" => (AuthBypass, format!("The API key travels in {}, and nowhere else; a key in the documented places is accepted (the query value is percent-decoded), a key elsewhere must not count.", places(s))),
        "PercentEncoding" => (Functionality, "The key in the query with percent-encoded characters; after decoding it is the key, and must be accepted.".into()),
        "SameKeyTwice" => (EdgeCase, "The same correct key in the query and in the header. Accepting it is harmless; rejecting the ambiguous request is also allowed.".into()),
        "ApiKeyCase" => (AuthBypass, "The key in another letter case; keys are compared byte for byte, must be rejected.".into()),
        "ConflictingKeys" => (AuthBypass, "Two different keys (query and header, or a repeated parameter), one right; a receiver that checks only one place can be steered. Must be rejected.".into()),
        "SignedUrl" => (Functionality, format!("{} signs the full URL including the query, exactly as posted; must be accepted.", s.id)),
        "OtherUrl" => (AuthBypass, "The signature covers another URL (path, query, host, port or scheme) than the one posted to; must be rejected.".into()),
        "WrongMessage" => (AuthBypass, format!("The signature covers a different message layout than `{}`; must be rejected.", layout(s))),
        "ParameterSyntax" => (EdgeCase, format!("The header's `{}` parameters reordered, spaced, or with an unknown extra parameter. The vendor documents one exact format; a strict parser rejects these, a tolerant one (Stripe-style) accepts them. Either is allowed.", list_shape(s))),
        "MissingParameter" => (AuthBypass, format!("A required parameter of the header ({}) is missing or misnamed; must be rejected.", list_keys(s))),
        "FreshTimestamp" => (Functionality, "A timestamp inside the window (±tolerance, default 300 s); must be accepted.".into()),
        "StaleTimestamp" => (Replay, "A correctly signed timestamp older than the window allows; must be rejected (replay protection).".into()),
        "FutureTimestamp" => (Replay, "A correctly signed timestamp further in the future than the window allows; must be rejected.".into()),
        "UncheckedPastTimestamp" => (EdgeCase, format!("A correctly signed timestamp older than the window, on the side {}'s own verification library does not check (the scheme file's [timestamp] table gives no tolerance for that side). A receiver that uses the library accepts it; a stricter receiver rejects it. Either is allowed (but not a 5xx).", s.id)),
        "UncheckedFutureTimestamp" => (EdgeCase, format!("A correctly signed timestamp further in the future than the window (or in milliseconds, far in the future as seconds), on the side {}'s own verification library does not check (the scheme file's [timestamp] table gives no tolerance for that side). A receiver that uses the library accepts it; a stricter receiver rejects it. Either is allowed (but not a 5xx).", s.id)),
        "ModifiedTimestamp" => (AuthBypass, "The timestamp was changed after signing; must be rejected.".into()),
        "NonCanonicalTimestamp" => (MalformedInput, "A timestamp that is not canonical decimal unix seconds (+, leading zero, fraction, exponent, trailing junk, negative, beyond i64, milliseconds, NaN, empty). Either it is signed in canonical form (so the header's text is not what was signed), or its value is outside the window under any reading, or it is not a number at all (parseInt/Number() leniency lets it through). Must be rejected.".into()),
        "LenientTimestampReading" => (EdgeCase, format!("A non-canonical spelling of the current time (+ts, leading zero, ts.0, trailing letters) in the header, the signature over the canonical value. {}'s official library reads the timestamp as a number (JavaScript's parseInt, or Python's float()) and signs the number it read, so it accepts this; a receiver that insists on canonical digits rejects it. Either is allowed (but not a 5xx).", s.id)),
        "SignatureList" => (Functionality, "The signature header carries several entries, one of them valid (a sender signs with each secret during a rotation). Any counted entry may match, whatever stands before or after it; must be accepted.".into()),
        "UncountedVersion" => (AuthBypass, "The valid signature under a version (or key) the scheme does not count. Only the documented versions count; must be rejected.".into()),
        "MalformedListEntry" => (EdgeCase, "A malformed entry (no version separator, or an empty entry from a doubled separator) before the valid one. The JavaScript libraries skip it and accept; Standard Webhooks' Python library refuses the whole header. Either is allowed (but not a 5xx).".into()),
        "UnreadTimestamp" => (EdgeCase, format!("A timestamp that is no current decimal time, signed exactly as sent. {}'s official library signs the timestamp's text and checks no window, so it never reads the text as a number and accepts it; a receiver that checks freshness rejects it. Either is allowed (but not a 5xx).", s.id)),
        "MissingTimestamp" => (AuthBypass, "The timestamp header is removed or empty after signing: the signed message cannot be rebuilt and freshness cannot be checked; must be rejected (4xx, not 5xx).".into()),
        "NonCanonicalTimestampSigned" => (EdgeCase, "A non-canonical spelling of the current time (+ts, leading zero, ts.0), signed exactly as sent. The HMAC over the header's text is correct and the value is fresh, so a receiver that parses leniently accepts it; one that insists on canonical digits rejects it. Either is allowed.".into()),
        "KeyRotation" => (Functionality, "The group publishes the keys listed; a delivery signed by any published key must be accepted (a rotation publishes the new key beside the old one first).".into()),
        "RemovedKey" => (AuthBypass, "Signed by a key that is no longer published; must be rejected.".into()),
        "UnpublishedKey" => (AuthBypass, "Signed by a key that is not (or not yet) published; must be rejected.".into()),
        "MalformedEnvelope" => (MalformedInput, format!("The body is not the documented {} envelope (member missing or null, event double-encoded as a string, envelope not an object); must be rejected.", envelope_shape(s))),
        "EventNotObject" => (EdgeCase, "The event is a JSON array, validly signed over its JSON.stringify form. The vendor's sample code would accept it; a typed receiver rejects it because an event is an object. Either is allowed (but not a 5xx).".into()),
        "SignatureMalleability" => (Malleability, "An Ed25519 signature with S + L in place of S (RFC 8032 §5.1.7 requires S < L); must be rejected.".into()),
        "WrongAlgorithm" => (WrongPrimitive, "A signature with another algorithm or hash (RSA-PSS, SHA-1, SHA-512, HMAC-SHA512, unkeyed SHA-256) than the scheme's; must be rejected.".into()),
        "EnvelopeLayout" => (Functionality, "The envelope's members in another order, with whitespace between them, or with an extra member. The signature covers the event only, and JSON.parse(body).event is unchanged; must be accepted.".into()),
        "NonCanonicalJson" => (EdgeCase, "The event as sent is not its own JSON.stringify form (whitespace, \\/, \\u00e9, 1.0, a number beyond double precision, an integer-like key after a string key), and the signature covers JSON.stringify(JSON.parse(sent)). A receiver following the vendor's sample (parse, then JSON.stringify) accepts it; a receiver verifying the raw bytes rejects it. Both are allowed; the project's convention is that senders sign and send the compact form, so valid deliveries never look like this.".into()),
        "NonCanonicalJsonSignedRaw" => (EdgeCase, "The event as sent is not its own JSON.stringify form and the signature covers the bytes exactly as sent. A raw-bytes receiver accepts it; a receiver following the vendor's sample (JSON.stringify of the parsed event) rejects it. Both are allowed.".into()),
        other => {
            return Err(Error::Generator {
                problem: GeneratorProblem::FlagWithoutNote {
                    flag: other.to_owned(),
                },
            })
        }
    };
    Ok(Note {
        bug_type,
        description,
    })
}
