//! [`to_scheme`]: a loaded, valid description as the engine's [`Scheme`].
//!
//! The engine runs every description the format can express except the
//! shapes listed in `docs/scheme-format.md` ("Not run yet"): those are
//! refused here, with a location, instead of being run wrongly.

use std::ops::Range;

use toml::Spanned;

use super::error::DescribeError;
use super::location::Location;
use super::model::{
    AlgorithmName, CarrierKind, CredentialKind as CredentialName, EncodingName, HexAccept, HexCase,
    HttpMethod, KeyDocument as KeyDocumentName, KeyRole, LevelName, ProofReadingName, SchemeFile,
    SecretDecoding as SecretDecodingName, Syntax, TimestampFormat, TimestampFrom,
    TimestampReadingName,
};
use super::registry::Files;

mod handshake;
use super::template::{self, Part, Placeholder};
use crate::keys::test_keys::TEST_SECRET;
use crate::keys::SigningKey;
use crate::scheme::{
    Algorithm, BlockOrdering, Carrier, CredentialKind, Encoding, EventId, ExtraHeader, HeaderReads,
    KeyDocument, KeyMethod, KeyRoute, LedgerEntry, Level, Message, MessagePart, ProofReading,
    RetryHeader, RetryValue, Scheme, SecretDecoding, Statuses, TestKeyPair, TestKeys,
    TimestampReading, TimestampRule, TimestampSource, VectorData, DEFAULT_SENDER_TIMEOUT_MS,
};
use crate::verify::DEFAULT_TOLERANCE_S;

/// `'static` copies of a description's strings, for [`Scheme`]'s
/// `&'static str` fields.
///
/// **This leaks** on purpose: a description is interned for the life of
/// the process, once per scheme file ([`super::registry`] registers each
/// text once). Do not call [`to_scheme`] in a loop (the fuzz target checks
/// files with [`super::load`], which keeps nothing).
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
    fn bad<T>(&self, span: Range<usize>, what: String, fix: &str) -> Result<T, DescribeError> {
        Err(DescribeError::BadValue {
            at: Location::at(self.origin, self.text, span.start),
            what,
            fix: fix.to_owned(),
        })
    }
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
/// are the file's name and text, for error locations; test key paths are
/// read from `files`). Leaks its strings (interned once per registered file; see the module note).
pub fn to_scheme(
    file: &SchemeFile,
    origin: &str,
    text: &str,
    files: &Files<'_>,
) -> Result<Scheme, DescribeError> {
    let cx = Cx { origin, text };
    let c = &file.credential;
    let credential = match c.kind.get_ref() {
        CredentialName::SharedSecret => CredentialKind::SharedSecret,
        CredentialName::Ed25519PublicKeys => CredentialKind::Ed25519PublicKeys,
        CredentialName::RsaPublicKey => CredentialKind::RsaPublicKey,
    };
    let secret_decoding = match c.secret_decoding.as_ref().map(|d| *d.get_ref()) {
        None | Some(SecretDecodingName::Utf8) => SecretDecoding::Utf8,
        Some(SecretDecodingName::Hex) => SecretDecoding::Hex,
        Some(SecretDecodingName::WhsecBase64) => SecretDecoding::WhsecBase64,
    };
    // Without a test secret of its own, a scheme tests with hookspec's, in
    // the form the scheme's secrets take (the key bytes stay the same).
    let test_secret = match (&c.test_secret, secret_decoding) {
        (Some(t), _) => s(t),
        (None, SecretDecoding::Utf8) => TEST_SECRET,
        (None, SecretDecoding::Hex) => leak(&crate::encoding::encode_hex(TEST_SECRET.as_bytes())),
        (None, SecretDecoding::WhsecBase64) => leak(&format!(
            "whsec_{}",
            crate::encoding::encode_base64(TEST_SECRET.as_bytes())
        )),
    };
    let test_keys = test_keys(&cx, file, files, credential)?;
    let key_routes = key_routes(&cx, file, credential)?;
    let carrier = carrier(&cx, file)?;
    let message = message(&cx, file, &carrier)?;
    let sig = &file.signature;
    let algorithm = match sig.algorithm.get_ref() {
        AlgorithmName::HmacSha1 => Algorithm::HmacSha1,
        AlgorithmName::HmacSha256 => Algorithm::HmacSha256,
        AlgorithmName::HmacSha512 => Algorithm::HmacSha512,
        AlgorithmName::Ed25519 => Algorithm::Ed25519,
        AlgorithmName::RsaPkcs1v15Sha256 => Algorithm::RsaPkcs1v15Sha256,
        AlgorithmName::Key => Algorithm::SharedKey,
    };
    let encoding = encoding(&cx, sig)?;
    let i = &file.idempotency;
    let event_id = match (&i.header, &i.pointer) {
        (Some(h), _) => EventId::Header(s(h)),
        (None, Some(p)) => EventId::BodyPointer(s(p)),
        (None, None) => return cx.no(file.id.span(), "a scheme without an idempotency key"),
    };
    if !i.repeats_on_redelivery {
        return cx.no(file.id.span(), "idempotency keys that change on redelivery");
    }
    let mut retry_headers = Vec::new();
    for h in &i.retry_headers {
        let parts = template::parse(h.value.get_ref()).unwrap_or_default();
        let value = match parts.as_slice() {
            [Part::Placeholder(Placeholder::Attempt, _)] => RetryValue::Attempt,
            [Part::Literal(v)] => RetryValue::Fixed(leak(v)),
            _ => {
                return cx.no(
                    h.value.span(),
                    "retry header values other than exactly \"{attempt}\" or literal text",
                )
            }
        };
        retry_headers.push(RetryHeader {
            name: leak(&h.name),
            value,
        });
    }
    let mut extra = Vec::new();
    for h in &file.headers {
        let parts = template::parse(h.value.get_ref()).unwrap_or_default();
        let name = leak(&h.name);
        match parts.as_slice() {
            [Part::Placeholder(Placeholder::Id, _)] => extra.push(ExtraHeader::EventId(name)),
            [Part::Placeholder(Placeholder::Type, _)] => extra.push(ExtraHeader::EventType(name)),
            [Part::Literal(v)] => extra.push(ExtraHeader::Fixed(name, leak(v))),
            _ => {
                return cx.no(
                    h.value.span(),
                    "header values other than exactly \"{id}\", \"{type}\" or literal text",
                )
            }
        }
    }
    let (echo, handshakes) = handshake::handshakes(&cx, file)?;
    let timestamp = file.timestamp.as_ref().map(|t| {
        let t = t.get_ref();
        TimestampRule {
            source: match t.from.get_ref() {
                TimestampFrom::Header => TimestampSource::Header(s(&t.name)),
                TimestampFrom::Param | TimestampFrom::Body => TimestampSource::ListKey,
            },
            checks_past: t.past_tolerance_s.is_some(),
            checks_future: t.future_tolerance_s.is_some(),
            library_reading: match t.library_reading {
                TimestampReadingName::Canonical => TimestampReading::Canonical,
                TimestampReadingName::ParseInt => TimestampReading::ParseInt,
                TimestampReadingName::Numeric => TimestampReading::Numeric,
            },
        }
    });
    let reads = HeaderReads::of(&carrier, &message, timestamp.as_ref());
    Ok(Scheme {
        id: s(&file.id),
        reads,
        timestamp,
        summary: leak(&file.summary),
        reference: leak(&file.reference),
        credential,
        secret_decoding,
        test_secret,
        test_keys,
        key_routes,
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
        handshakes,
        idempotency: i.dedupe.map(level),
        retry_headers: leak_slice(retry_headers),
        canonical_json: file.body.canonical_json(),
        proof_reading: match file.vendor_code.proof_reading {
            ProofReadingName::Exact => ProofReading::Exact,
            ProofReadingName::NodeHex => ProofReading::NodeHex,
            ProofReadingName::EllipticHex => ProofReading::EllipticHex,
            ProofReadingName::NodeBase64 => ProofReading::NodeBase64,
            ProofReadingName::ParseIntPairs => ProofReading::ParseIntPairs,
        },
        sample_event: s(&file.events.sample),
        vectors: vector_data(&cx, file, files)?,
    })
}

/// `signature.encoding` (with its hex options).
fn encoding(cx: &Cx<'_>, sig: &super::model::Signature) -> Result<Encoding, DescribeError> {
    Ok(match sig.encoding.get_ref() {
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
        EncodingName::Base64url => Encoding::Base64Url,
    })
}

/// `[vectors]`, defaulted from `[events]`; the ledger file is read and
/// parsed here so that a broken ledger is an error at its field.
fn vector_data(
    cx: &Cx<'_>,
    file: &SchemeFile,
    files: &Files<'_>,
) -> Result<VectorData, DescribeError> {
    let v = file.vectors.clone().unwrap_or_default();
    let body = match &v.body {
        Some(b) if b.get_ref().matches("@EXTRA@").count() != 1 => return cx.bad(
            b.span(),
            "the vectors' `body` needs exactly one `@EXTRA@` marker".into(),
            "put `@EXTRA@` where members may be added, e.g. before the `}` of the innermost object",
        ),
        Some(b) => s(b),
        None => {
            let sample = file.events.sample.get_ref();
            match sample.rfind('}') {
                Some(at) => leak(&format!(
                    "{}@EXTRA@{}",
                    sample.get(..at).unwrap_or_default(),
                    sample.get(at..).unwrap_or_default()
                )),
                None => leak(sample),
            }
        }
    };
    let event_id = leak(v.event_id.as_deref().unwrap_or("evt_hookspec_@TC@"));
    let types = match &v.types {
        Some(t) => t.as_slice(),
        None => file.events.types.as_slice(),
    };
    let tamper = match &v.tamper {
        None => None,
        Some(t) => match t.get_ref().as_slice() {
            [from, to] if !from.is_empty() && from != to => Some((leak(from), leak(to))),
            _ => return cx.bad(
                t.span(),
                "`tamper` is not a pair of different texts".into(),
                "write tamper = [\"<text in the event>\", \"<the same text, one byte changed>\"]",
            ),
        },
    };
    let (ledger, retired) = match &v.ledger {
        None => (&[][..], &[][..]),
        Some(path) => {
            let text = match files.read(cx.origin, path.get_ref()) {
                Ok(t) => t,
                Err(why) => {
                    return cx.bad(
                        path.span(),
                        format!("cannot read the ledger `{}`: {why}", path.get_ref()),
                        "give a path relative to the scheme file",
                    )
                }
            };
            let parsed = match crate::vectors::ledger::parse(&text) {
                Ok(l) => l,
                Err(why) => {
                    return cx.bad(
                        path.span(),
                        format!("ledger `{}`: {why}", path.get_ref()),
                        "see vectors/README.md for the ledger format",
                    )
                }
            };
            let lines = parsed
                .lines
                .iter()
                .map(|l| LedgerEntry {
                    key: leak(&l.key),
                    tc_id: l.tc_id,
                    comment: l.comment.as_deref().map(leak),
                })
                .collect();
            (leak_slice(lines), leak_slice(parsed.retired))
        }
    };
    Ok(VectorData {
        body,
        event_id,
        body_id: v.body_id.as_deref().map_or(event_id, leak),
        types: leak_slice(types.iter().map(|t| leak(t)).collect()),
        type_markers: leak_slice(
            v.type_markers
                .iter()
                .map(|(k, vals)| {
                    (
                        leak(k),
                        leak_slice(vals.iter().map(|x| leak(x)).collect::<Vec<_>>()),
                    )
                })
                .collect(),
        ),
        tamper,
        form_body: leak(
            v.form_body
                .as_deref()
                .unwrap_or("id=@EVENT_ID@&type=@TYPE@"),
        ),
        narrow_window_s: v.narrow_window_s.as_ref().map(|n| *n.get_ref()),
        decoy_scheme: v.decoy_scheme.as_deref().map(leak),
        ledger,
        retired,
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
            let one_byte = |v: &Option<Spanned<String>>| {
                v.as_ref().is_some_and(
                    |v| matches!(v.get_ref().as_bytes(), [b] if b.is_ascii_punctuation()),
                )
            };
            if !one_byte(&p.pair_separator) || !one_byte(&p.key_separator) {
                return cx.no(
                    p.carrier.span(),
                    "key/value list separators other than one punctuation character each",
                );
            }
            match (one_key, ts) {
                (Some(sig), Some(t))
                    if *t.from.get_ref() == TimestampFrom::Param
                        && t.format == TimestampFormat::UnixSeconds =>
                {
                    Carrier::TimestampedHeader {
                        name: text(&p.header),
                        ts_key: s(&t.name),
                        sig_key: leak(sig),
                        pair_separator: text(&p.pair_separator),
                        key_separator: text(&p.key_separator),
                        repeatable: p.repeatable.as_ref().is_some_and(|r| *r.get_ref()),
                    }
                }
                _ => return cx.no(
                    p.carrier.span(),
                    "key/value lists other than one Unix-seconds timestamp key and one proof key",
                ),
            }
        }
        (CarrierKind::Header, Syntax::VersionedList) => {
            let accept = p
                .accept
                .as_ref()
                .map(|a| a.get_ref().iter().map(|v| leak(v)).collect())
                .unwrap_or_default();
            Carrier::VersionedList {
                name: text(&p.header),
                list_separator: text(&p.list_separator),
                version_separator: text(&p.version_separator),
                accept: leak_slice(accept),
            }
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
        let sides = [t.past_tolerance_s, t.future_tolerance_s];
        let in_list = matches!(carrier, Carrier::TimestampedHeader { .. });
        let source_ok = match t.from.get_ref() {
            TimestampFrom::Param => in_list,
            TimestampFrom::Header => !in_list,
            TimestampFrom::Body => false,
        };
        if !source_ok || t.format != TimestampFormat::UnixSeconds {
            return cx.no(
                ts.span(),
                "timestamps other than Unix seconds in a key of the proof's key/value list or in a header of their own",
            );
        }
        // A side without a tolerance is not checked (Discord's libraries
        // check neither: the timestamp is only signed).
        if sides.iter().flatten().any(|s| *s != DEFAULT_TOLERANCE_S) {
            return cx.no(
                ts.span(),
                "timestamp windows other than 300 s (on the sides that are checked)",
            );
        }
    }
    Ok(carrier)
}

fn message(cx: &Cx<'_>, file: &SchemeFile, carrier: &Carrier) -> Result<Message, DescribeError> {
    let Some(m) = &file.signature.message else {
        return Ok(Message { parts: &[] });
    };
    let parsed = template::parse(m.get_ref()).unwrap_or_default();
    let mut parts = Vec::with_capacity(parsed.len());
    for part in &parsed {
        parts.push(match part {
            Part::Literal(l) => MessagePart::Literal(leak(l)),
            Part::Placeholder(p, _) => match (p, carrier) {
                (Placeholder::Body, _) => MessagePart::Body,
                (Placeholder::Url, _) => MessagePart::Url,
                (Placeholder::Event, _) => MessagePart::Event,
                (Placeholder::Timestamp, _) => MessagePart::Timestamp,
                (Placeholder::Param(k), Carrier::TimestampedHeader { ts_key, .. })
                    if k == ts_key =>
                {
                    MessagePart::Timestamp
                }
                (Placeholder::Header(h), _) if sent_header(file, h) => {
                    MessagePart::Header(leak(h))
                }
                (other, _) => {
                    return cx.no(
                        m.span(),
                        &format!("the placeholder `{other}` in a signed message (the engine signs {{body}}, {{event}}, {{url}}, {{timestamp}} and literal text)"),
                    )
                }
            },
        });
    }
    if parts.len() > Message::MAX_PARTS {
        return cx.bad(
            m.span(),
            format!(
                "the message has {} pieces; hookspec signs at most {}",
                parts.len(),
                Message::MAX_PARTS
            ),
            "shorten the template",
        );
    }
    Ok(Message {
        parts: leak_slice(parts),
    })
}

/// Whether hookspec sends header `name` (so it can sign its value): the
/// timestamp's own header, or one of `[[headers]]`.
fn sent_header(file: &SchemeFile, name: &str) -> bool {
    let ts = file.timestamp.as_ref().is_some_and(|t| {
        let t = t.get_ref();
        *t.from.get_ref() == TimestampFrom::Header && t.name.get_ref().eq_ignore_ascii_case(name)
    });
    ts || file
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case(name))
}

fn role(file: &TestKeyFileRef<'_>, r: KeyRole) -> bool {
    file.roles.contains(&r)
}

type TestKeyFileRef<'a> = &'a super::model::TestKeyFile;

fn test_keys(
    cx: &Cx<'_>,
    file: &SchemeFile,
    files: &Files<'_>,
    credential: CredentialKind,
) -> Result<TestKeys, DescribeError> {
    let mut keys = TestKeys::default();
    for entry in &file.credential.test_keys {
        let k = entry.get_ref();
        let read = |rel: &str| match files.read(cx.origin, rel) {
            Ok(t) => Ok(leak(&t)),
            Err(why) => cx.bad(
                entry.span(),
                format!("test key `{}`: cannot read `{rel}`: {why}", k.name),
                "give a path relative to the scheme file",
            ),
        };
        let pair = TestKeyPair {
            name: leak(&k.name),
            private_pem: read(&k.private)?,
            public_pem: read(&k.public)?,
        };
        match SigningKey::from_pkcs8_pem(pair.private_pem) {
            Ok(key) if key.kind() == credential => {}
            Ok(_) => {
                return cx.bad(
                    entry.span(),
                    format!("test key `{}` is not a key of this scheme's kind", k.name),
                    "give a key of the kind `credential.kind` names",
                )
            }
            Err(e) => {
                return cx.bad(
                    entry.span(),
                    format!("test key `{}`: {e}", k.name),
                    "give a PKCS#8 PEM private key",
                )
            }
        }
        let k = &k;
        for (r, slot) in [
            (KeyRole::Signing, &mut keys.signing),
            (KeyRole::Rotation, &mut keys.rotation),
            (KeyRole::Unknown, &mut keys.unknown),
        ] {
            if role(k, r) && slot.is_none() {
                *slot = Some(pair);
            }
        }
    }
    Ok(keys)
}

/// The key routes, as the key server serves them. Hex key lists and
/// signature checks are Ed25519 documents; an SPKI PEM route serves a key
/// of either kind.
fn key_routes(
    cx: &Cx<'_>,
    file: &SchemeFile,
    credential: CredentialKind,
) -> Result<&'static [KeyRoute], DescribeError> {
    let mut routes = Vec::with_capacity(file.credential.key_routes.len());
    for entry in &file.credential.key_routes {
        let r = entry.get_ref();
        let document = match r.document {
            KeyDocumentName::HexKeyListJson => KeyDocument::HexKeyListJson,
            KeyDocumentName::SpkiPem => KeyDocument::SpkiPem,
            KeyDocumentName::CheckSignatureJson => KeyDocument::CheckSignatureJson,
        };
        if document != KeyDocument::SpkiPem && credential != CredentialKind::Ed25519PublicKeys {
            return cx.no(
                entry.span(),
                "hex key lists and signature checks of keys other than Ed25519",
            );
        }
        routes.push(KeyRoute {
            method: match r.method {
                HttpMethod::Get => KeyMethod::Get,
                HttpMethod::Post => KeyMethod::Post,
            },
            path: leak(&r.path),
            document,
            member: leak(r.member.as_deref().unwrap_or("publicKeys")),
        });
    }
    Ok(leak_slice(routes))
}
