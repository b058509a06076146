//! [`to_scheme`]: a loaded description as today's engine [`Scheme`].
//!
//! This is the bridge of the first step of issue 12: it proves that the
//! format expresses everything the engine uses (`tests/scheme_files.rs`
//! checks that each built-in file converts to a value *equal* to its
//! static), and it refuses, with a location, what the engine cannot run yet
//! (HMAC-SHA512, base64url, a `whsec_` secret, a versioned list…). The
//! engine switch replaces [`Scheme`] with an owned type built from the
//! description, and this module with it.

use std::ops::Range;
use std::str::FromStr;

use toml::Spanned;

use super::error::DescribeError;
use super::location::Location;
use super::model::{
    AlgorithmName, CarrierKind, CredentialKind as CredentialName, EncodingName, HandshakeKind,
    HexAccept, HexCase, LevelName, ProofReadingName, SchemeFile, SecretDecoding, Syntax,
    TimestampFormat, TimestampFrom,
};
use super::template::{self, Part, Placeholder};
use crate::scheme::{
    Algorithm, BlockOrdering, Carrier, CredentialKind, EchoHandshake, Encoding, EventId,
    ExtraHeader, Level, Message, ProofReading, Scheme, SchemeId, Statuses,
    DEFAULT_SENDER_TIMEOUT_MS,
};
use crate::verify::DEFAULT_TOLERANCE_S;

/// `'static` copies of a description's strings, for [`Scheme`]'s
/// `&'static str` fields.
///
/// **This leaks**: every call allocates memory that is never freed. It is
/// meant for a handful of descriptions loaded once per process (the
/// built-ins, a user's scheme file), and it exists only until the engine
/// switch replaces [`Scheme`] with an owned type; do not call
/// [`to_scheme`] in a loop (the fuzz target does not).
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// `'static` copy of a list, see [`leak`].
fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Vec::leak(v)
}

struct Cx<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn no<T>(&self, span: Range<usize>, what: &str) -> Result<T, DescribeError> {
        Err(DescribeError::NotYetSupported {
            at: Location::at(self.origin, self.text, span.start),
            what: what.to_owned(),
        })
    }
}

fn level(l: LevelName) -> Level {
    match l {
        LevelName::Must => Level::Must,
        LevelName::Should => Level::Should,
        LevelName::May => Level::May,
    }
}

fn s(v: &Spanned<String>) -> &'static str {
    leak(v.get_ref())
}

/// The [`Scheme`] a loaded, valid `file` describes (`origin` and `text`
/// are the file's name and text, for error locations). Leaks its strings:
/// see the note on this module and on `leak`.
pub fn to_scheme(file: &SchemeFile, origin: &str, text: &str) -> Result<Scheme, DescribeError> {
    let cx = Cx { origin, text };
    let id = match SchemeId::from_str(file.id.get_ref()) {
        Ok(id) => id,
        Err(_) => {
            return cx.no(
                file.id.span(),
                "the engine knows only the six built-in scheme ids (blockmark, certifylize, blink-apikey, blink-signature, smartasset, cometh)",
            )
        }
    };
    let c = &file.credential;
    let credential = match c.kind.get_ref() {
        CredentialName::SharedSecret => CredentialKind::SharedSecret,
        CredentialName::Ed25519PublicKeys => CredentialKind::Ed25519PublicKeys,
        CredentialName::RsaPublicKey => CredentialKind::RsaPublicKey,
    };
    if let Some(d) = &c.secret_decoding {
        if *d.get_ref() != SecretDecoding::Utf8 {
            return cx.no(d.span(), "secret decodings other than \"utf8\"");
        }
    }
    let carrier = carrier(&cx, file)?;
    let message = message(&cx, file, &carrier)?;
    let sig = &file.signature;
    let algorithm = match sig.algorithm.get_ref() {
        AlgorithmName::HmacSha256 => Algorithm::HmacSha256,
        AlgorithmName::Ed25519 => Algorithm::Ed25519,
        AlgorithmName::RsaPkcs1v15Sha256 => Algorithm::RsaPkcs1v15Sha256,
        AlgorithmName::Key => Algorithm::SharedKey,
        AlgorithmName::HmacSha1 | AlgorithmName::HmacSha512 => {
            return cx.no(sig.algorithm.span(), "HMAC-SHA1 and HMAC-SHA512")
        }
    };
    let encoding = match sig.encoding.get_ref() {
        EncodingName::Hex => {
            let case = sig
                .hex_case
                .as_ref()
                .map_or(HexCase::Lower, |h| *h.get_ref());
            let accept = sig
                .hex_accept
                .as_ref()
                .map_or(HexAccept::Any, |h| *h.get_ref());
            if case != HexCase::Lower || accept != HexAccept::Any {
                return cx.no(
                    sig.encoding.span(),
                    "hex other than sent lowercase, accepted in either case",
                );
            }
            Encoding::Hex
        }
        EncodingName::Base64 => Encoding::Base64,
        EncodingName::Text => Encoding::Text,
        EncodingName::Base64url => return cx.no(sig.encoding.span(), "base64url"),
    };
    let i = &file.idempotency;
    let event_id = match (&i.header, &i.pointer) {
        (Some(h), _) => EventId::Header(s(h)),
        (None, Some(p)) => EventId::BodyPointer(s(p)),
        (None, None) => return cx.no(file.id.span(), "a scheme without an idempotency key"),
    };
    if !i.repeats_on_redelivery || i.retry_counter_header.is_some() {
        return cx.no(
            file.id.span(),
            "idempotency keys that change on redelivery, and retry-counter headers",
        );
    }
    let mut extra = Vec::new();
    for h in &file.headers {
        let parts = template::parse(h.value.get_ref()).unwrap_or_default();
        let name = leak(&h.name);
        match parts.as_slice() {
            [Part::Placeholder(Placeholder::Id, _)] => extra.push(ExtraHeader::EventId(name)),
            [Part::Placeholder(Placeholder::Type, _)] => extra.push(ExtraHeader::EventType(name)),
            _ => {
                return cx.no(
                    h.value.span(),
                    "header values other than exactly \"{id}\" or \"{type}\"",
                )
            }
        }
    }
    let mut echo = None;
    for h in &file.handshakes {
        let ok = *h.kind.get_ref() == HandshakeKind::EchoField
            && echo.is_none()
            && h.status.unwrap_or(200) == 200
            && h.signed
            && h.content_types.is_empty();
        match (&h.when_pointer, &h.when_value, &h.reply_pointer) {
            (Some(w), Some(v), Some(r)) if ok => {
                echo = Some(EchoHandshake {
                    event_pointer: s(w),
                    event_value: leak(v),
                    nonce_pointer: s(r),
                });
            }
            _ => return cx.no(
                h.kind.span(),
                "handshakes other than one signed echo-field answered 200 with any content type",
            ),
        }
    }
    Ok(Scheme {
        id,
        summary: leak(&file.summary),
        reference: leak(&file.reference),
        credential,
        carrier,
        message,
        algorithm,
        encoding,
        statuses: Statuses {
            missing: file.statuses.missing.as_ref().map(|d| *d.code.get_ref()),
            invalid: file.statuses.invalid.as_ref().map(|d| *d.code.get_ref()),
        },
        event_id,
        extra_headers: leak_slice(extra),
        event_types: leak_slice(file.events.types.iter().map(|t| leak(t)).collect()),
        sender_timeout_ms: file
            .sender
            .timeout_ms
            .as_ref()
            .map_or(DEFAULT_SENDER_TIMEOUT_MS, |t| *t.get_ref()),
        block_ordering: file.ordering.as_ref().map(|o| BlockOrdering {
            level: level(o.level),
            token: s(&o.key_pointer),
            block: s(&o.sequence_pointer),
        }),
        echo,
        idempotency: i.dedupe.map(level),
        canonical_json: file.body.canonical_json(),
        proof_reading: match file.vendor_code.proof_reading {
            ProofReadingName::Exact => ProofReading::Exact,
            ProofReadingName::NodeHex => ProofReading::NodeHex,
            ProofReadingName::EllipticHex => ProofReading::EllipticHex,
            ProofReadingName::NodeBase64 => ProofReading::NodeBase64,
        },
        sample_event: s(&file.events.sample),
    })
}

fn carrier(cx: &Cx<'_>, file: &SchemeFile) -> Result<Carrier, DescribeError> {
    let p = &file.proof;
    let text = |v: &Option<Spanned<String>>| v.as_ref().map_or("", s);
    let syntax = p.syntax.as_ref().map_or(Syntax::Raw, |x| *x.get_ref());
    let carrier = match (p.carrier.get_ref(), syntax) {
        (CarrierKind::Header, Syntax::Raw) => Carrier::Header {
            name: text(&p.header),
            prefix: "",
        },
        (CarrierKind::Header, Syntax::Prefixed) => Carrier::Header {
            name: text(&p.header),
            prefix: text(&p.prefix),
        },
        (CarrierKind::Header, Syntax::KvList) => {
            let accept = p.accept.as_ref().map(Spanned::get_ref);
            let ts = file.timestamp.as_ref().map(Spanned::get_ref);
            let one_key = match accept.map(Vec::as_slice) {
                Some([k]) => Some(k),
                _ => None,
            };
            let fits = text(&p.pair_separator) == ";"
                && text(&p.key_separator) == "="
                && !p.repeatable.as_ref().is_some_and(|r| *r.get_ref());
            match (one_key, ts) {
                (Some(sig), Some(t))
                    if fits
                        && *t.from.get_ref() == TimestampFrom::Param
                        && t.format == TimestampFormat::UnixSeconds =>
                {
                    Carrier::TimestampedHeader {
                        name: text(&p.header),
                        ts_key: s(&t.name),
                        sig_key: leak(sig),
                    }
                }
                _ => {
                    return cx.no(
                        p.carrier.span(),
                        "key/value lists other than `ts=<unix s>;sig=<proof>` with one non-repeatable proof key",
                    )
                }
            }
        }
        (CarrierKind::Header, Syntax::VersionedList) => {
            return cx.no(p.carrier.span(), "versioned lists")
        }
        (CarrierKind::QueryOrHeader, _) => Carrier::QueryOrHeader {
            query: text(&p.query),
            header: text(&p.header),
        },
        (CarrierKind::BodyEnvelope, _) => Carrier::BodyEnvelope {
            event_field: text(&p.event_member),
            signature_field: text(&p.signature_member),
        },
    };
    if let Some(ts) = &file.timestamp {
        let t = ts.get_ref();
        let window = (t.past_tolerance_s, t.future_tolerance_s);
        let timestamped = matches!(carrier, Carrier::TimestampedHeader { .. });
        if !timestamped || window != (Some(DEFAULT_TOLERANCE_S), Some(DEFAULT_TOLERANCE_S)) {
            return cx.no(
                ts.span(),
                "timestamps other than a `ts` list key with the ±300 s window",
            );
        }
    }
    Ok(carrier)
}

fn message(cx: &Cx<'_>, file: &SchemeFile, carrier: &Carrier) -> Result<Message, DescribeError> {
    let Some(m) = &file.signature.message else {
        return Ok(Message::None);
    };
    let parts = template::parse(m.get_ref()).unwrap_or_default();
    let is_ts = |p: &Placeholder| match (p, carrier) {
        (Placeholder::Timestamp, _) => true,
        (Placeholder::Param(k), Carrier::TimestampedHeader { ts_key, .. }) => k == ts_key,
        _ => false,
    };
    let dot = |l: &str| l == ".";
    Ok(match parts.as_slice() {
        [] => Message::Empty,
        [Part::Placeholder(Placeholder::Body, _)] => Message::RawBody,
        [Part::Placeholder(Placeholder::Event, _)] => Message::EnvelopeEvent,
        [Part::Placeholder(ts, _), Part::Literal(a), Part::Placeholder(Placeholder::Url, _), Part::Literal(b), Part::Placeholder(Placeholder::Body, _)]
            if is_ts(ts) && dot(a) && dot(b) =>
        {
            Message::TimestampUrlBody
        }
        _ => {
            return cx.no(
                m.span(),
                "messages other than \"\", \"{body}\", \"{event}\" and \"{param:ts}.{url}.{body}\"",
            )
        }
    })
}
