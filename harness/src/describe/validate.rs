//! The checks the types alone cannot make: combinations of fields,
//! templates, test secrets, pointers, ranges. Each failure points at the
//! field that decides it.

use std::ops::Range;

use base64::Engine as _;
use toml::Spanned;

use super::error::DescribeError;
use super::location::Location;
use super::model::{
    AlgorithmName, BodyFormat, CarrierKind, CredentialKind, EncodingName, HeaderRule, SchemeFile,
    SecretDecoding, Syntax, TimestampFrom,
};
use super::suggest;
use super::template::{self, Part, Placeholder, TemplateError};

mod handshake;

/// Where errors point: the file's name and text.
struct Ctx<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: Range<usize>) -> Location {
        Location::at(self.origin, self.text, span.start)
    }

    fn conflict<T>(&self, s: &Spanned<T>, what: &str, fix: &str) -> DescribeError {
        DescribeError::Conflict {
            at: self.at(s.span()),
            what: what.to_owned(),
            fix: fix.to_owned(),
        }
    }

    fn missing<T>(&self, s: &Spanned<T>, field: &str, because: String) -> DescribeError {
        DescribeError::MissingField {
            at: self.at(s.span()),
            field: field.to_owned(),
            because: Some(because),
        }
    }

    fn bad<T>(&self, s: &Spanned<T>, what: String, fix: &str) -> DescribeError {
        DescribeError::BadValue {
            at: self.at(s.span()),
            what,
            fix: fix.to_owned(),
        }
    }

    /// The location of byte `offset` inside the string value `s` (the
    /// span includes the opening quote; literal and basic strings without
    /// escapes map one to one, which templates are).
    fn inside(&self, s: &Spanned<String>, offset: usize) -> Location {
        let span = s.span();
        let quote = self.text.get(span.clone()).map_or(0, |raw| {
            if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
                3
            } else {
                1
            }
        });
        let start = span.start + quote + offset;
        Location::at(self.origin, self.text, start.min(span.end))
    }
}

/// Checks a deserialized file; the first problem found is the error.
pub fn check(file: &SchemeFile, origin: &str, text: &str) -> Result<(), DescribeError> {
    let cx = Ctx { origin, text };
    check_id(&cx, file)?;
    check_credential(&cx, file)?;
    check_proof(&cx, file)?;
    check_signature(&cx, file)?;
    check_timestamp(&cx, file)?;
    check_message(&cx, file)?;
    check_idempotency(&cx, file)?;
    check_rest(&cx, file)
}

fn check_id(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let id = file.id.get_ref();
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(cx.bad(
            &file.id,
            format!("scheme id `{id}` is not a valid id"),
            "use 1 to 64 lowercase letters, digits and `-`, not starting with `-`",
        ))
    }
}

fn check_credential(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let c = &file.credential;
    let shared = *c.kind.get_ref() == CredentialKind::SharedSecret;
    if shared {
        if let Some(k) = c.test_keys.first() {
            return Err(cx.conflict(
                k,
                "`test_keys` are key files for public-key schemes, and this scheme uses a shared secret",
                "remove `test_keys`, or give a `test_secret`",
            ));
        }
        if let Some(r) = c.key_routes.first() {
            return Err(cx.conflict(
                r,
                "`key_routes` publish public keys, and this scheme uses a shared secret",
                "remove `key_routes`",
            ));
        }
    } else {
        if let Some(d) = &c.secret_decoding {
            return Err(cx.conflict(
                d,
                "`secret_decoding` applies to shared secrets, and this scheme uses public keys",
                "remove `secret_decoding`",
            ));
        }
        if let Some(s) = &c.test_secret {
            return Err(cx.conflict(
                s,
                "`test_secret` applies to shared secrets, and this scheme uses public keys",
                "remove `test_secret` and give `[[credential.test_keys]]`",
            ));
        }
        if c.test_keys.is_empty() {
            return Err(cx.missing(
                &c.kind,
                "test_keys",
                "a public-key scheme needs at least one test key pair to sign with".into(),
            ));
        }
    }
    for k in &c.test_keys {
        let f = k.get_ref();
        if f.name.is_empty() || f.private.is_empty() || f.public.is_empty() || f.roles.is_empty() {
            return Err(cx.bad(
                k,
                "a test key has an empty `name`, `private`, `public` or `roles`".into(),
                "give the key a name, both PEM file paths (relative to the scheme file) and its roles",
            ));
        }
    }
    for r in &c.key_routes {
        if !r.get_ref().path.starts_with('/') {
            return Err(cx.bad(
                r,
                format!(
                    "key route path `{}` does not start with `/`",
                    r.get_ref().path
                ),
                "write the path from the server's root, e.g. `/keys`",
            ));
        }
    }
    if let Some(secret) = &c.test_secret {
        let decoding = c
            .secret_decoding
            .as_ref()
            .map_or(SecretDecoding::Utf8, |d| *d.get_ref());
        check_secret(cx, secret, decoding)?;
    }
    Ok(())
}

fn check_secret(
    cx: &Ctx<'_>,
    secret: &Spanned<String>,
    decoding: SecretDecoding,
) -> Result<(), DescribeError> {
    let s = secret.get_ref();
    let fail = |reason: String, fix: &str| DescribeError::BadSecret {
        at: cx.at(secret.span()),
        reason,
        fix: fix.to_owned(),
    };
    match decoding {
        SecretDecoding::Utf8 if s.is_empty() => Err(fail(
            "the test secret is empty".into(),
            "give a non-empty secret",
        )),
        SecretDecoding::Utf8 => Ok(()),
        SecretDecoding::WhsecBase64 => {
            let Some(b64) = s.strip_prefix("whsec_") else {
                return Err(fail(
                    "the test secret does not start with `whsec_` (secret_decoding = \"whsec-base64\")".into(),
                    "write `whsec_` followed by the base64 key, or set secret_decoding = \"utf8\"",
                ));
            };
            match base64::engine::general_purpose::STANDARD.decode(b64) {
                Ok(key) if !key.is_empty() => Ok(()),
                Ok(_) => Err(fail(
                    "the test secret's base64 after `whsec_` is empty".into(),
                    "write the key's base64 after `whsec_`",
                )),
                Err(e) => Err(fail(
                    format!("the test secret's base64 after `whsec_` does not decode ({e})"),
                    "write standard base64 with padding (A-Z a-z 0-9 + /, `=`) after `whsec_`",
                )),
            }
        }
        SecretDecoding::Hex => match hex::decode(s) {
            Ok(key) if !key.is_empty() => Ok(()),
            Ok(_) => Err(fail(
                "the test secret is empty".into(),
                "give the key as hex digits",
            )),
            Err(e) => Err(fail(
                format!("the test secret is not hex ({e})"),
                "write an even number of hex digits, or set secret_decoding = \"utf8\"",
            )),
        },
    }
}

fn check_proof(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let p = &file.proof;
    let carrier = *p.carrier.get_ref();
    let syntax = p.syntax.as_ref().map(|s| *s.get_ref());
    let name_of = |c: CarrierKind| match c {
        CarrierKind::Header => "header",
        CarrierKind::QueryOrHeader => "query-or-header",
        CarrierKind::BodyEnvelope => "body-envelope",
    };
    // Which fields each carrier uses.
    let uses = |field: &str| -> bool {
        match carrier {
            CarrierKind::Header => match field {
                "header" | "syntax" => true,
                "prefix" => syntax == Some(Syntax::Prefixed),
                "pair_separator" | "key_separator" | "repeatable" => syntax == Some(Syntax::KvList),
                "list_separator" | "version_separator" => syntax == Some(Syntax::VersionedList),
                "accept" => matches!(syntax, Some(Syntax::KvList | Syntax::VersionedList)),
                _ => false,
            },
            CarrierKind::QueryOrHeader => matches!(field, "header" | "query"),
            CarrierKind::BodyEnvelope => matches!(field, "event_member" | "signature_member"),
        }
    };
    let why = |field: &str| match (carrier, syntax) {
        (CarrierKind::Header, Some(s))
            if !matches!(field, "query" | "event_member" | "signature_member") =>
        {
            format!(
                "`{field}` does not apply to syntax = \"{}\"",
                syntax_name(s)
            )
        }
        _ => format!(
            "`{field}` does not apply to carrier = \"{}\"",
            name_of(carrier)
        ),
    };
    let strings: [(&str, &Option<Spanned<String>>); 9] = [
        ("header", &p.header),
        ("query", &p.query),
        ("prefix", &p.prefix),
        ("pair_separator", &p.pair_separator),
        ("key_separator", &p.key_separator),
        ("list_separator", &p.list_separator),
        ("version_separator", &p.version_separator),
        ("event_member", &p.event_member),
        ("signature_member", &p.signature_member),
    ];
    for (field, value) in strings {
        match value {
            Some(v) if !uses(field) => {
                return Err(cx.conflict(v, &why(field), &format!("remove `{field}`")))
            }
            Some(v) if v.get_ref().is_empty() => {
                return Err(cx.bad(v, format!("`{field}` is empty"), "give it a value"))
            }
            None if uses(field) && field != "syntax" => {
                let decider = match carrier {
                    CarrierKind::Header if !matches!(field, "header") => p
                        .syntax
                        .as_ref()
                        .map_or_else(|| cx.at(p.carrier.span()), |s| cx.at(s.span())),
                    _ => cx.at(p.carrier.span()),
                };
                return Err(DescribeError::MissingField {
                    at: decider,
                    field: format!("proof.{field}"),
                    because: Some(match (carrier, syntax) {
                        (CarrierKind::Header, Some(s)) if field != "header" => {
                            format!("syntax = \"{}\" needs it", syntax_name(s))
                        }
                        _ => format!("carrier = \"{}\" needs it", name_of(carrier)),
                    }),
                });
            }
            _ => {}
        }
    }
    if let Some(s) = &p.syntax {
        if !uses("syntax") {
            return Err(cx.conflict(s, &why("syntax"), "remove `syntax`"));
        }
    }
    if let Some(r) = &p.repeatable {
        if !uses("repeatable") {
            return Err(cx.conflict(r, &why("repeatable"), "remove `repeatable`"));
        }
    }
    match &p.accept {
        Some(a) if !uses("accept") => {
            return Err(cx.conflict(a, &why("accept"), "remove `accept`"));
        }
        Some(a) if a.get_ref().is_empty() || a.get_ref().iter().any(String::is_empty) => {
            return Err(cx.bad(
                a,
                "`accept` is empty or has an empty entry".into(),
                "list the keys or version tags whose proofs count, e.g. [\"v1\"]",
            ));
        }
        None if uses("accept") => {
            let s = p.syntax.as_ref().map_or(p.carrier.span(), Spanned::span);
            return Err(DescribeError::MissingField {
                at: cx.at(s),
                field: "proof.accept".into(),
                because: Some("a list syntax needs the keys or version tags that count".into()),
            });
        }
        _ => {}
    }
    if carrier == CarrierKind::BodyEnvelope && file.body.format() != BodyFormat::Json {
        let at = file
            .body
            .format
            .as_ref()
            .map_or_else(|| cx.at(p.carrier.span()), |f| cx.at(f.span()));
        return Err(DescribeError::Conflict {
            at,
            what: "a body envelope needs a JSON body, and body.format is not \"json\"".into(),
            fix: "set [body] format = \"json\", or carry the proof in a header".into(),
        });
    }
    if carrier == CarrierKind::QueryOrHeader
        && *file.signature.algorithm.get_ref() != AlgorithmName::Key
    {
        return Err(cx.conflict(
            &p.carrier,
            "carrier = \"query-or-header\" carries the key itself, and signature.algorithm is not \"key\"",
            "set signature.algorithm = \"key\", or carry a computed proof in a header",
        ));
    }
    Ok(())
}

fn syntax_name(s: Syntax) -> &'static str {
    match s {
        Syntax::Raw => "raw",
        Syntax::Prefixed => "prefixed",
        Syntax::KvList => "kv-list",
        Syntax::VersionedList => "versioned-list",
    }
}

fn check_signature(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let s = &file.signature;
    let alg = *s.algorithm.get_ref();
    let kind = *file.credential.kind.get_ref();
    let needed = match alg {
        AlgorithmName::HmacSha1
        | AlgorithmName::HmacSha256
        | AlgorithmName::HmacSha512
        | AlgorithmName::Key => CredentialKind::SharedSecret,
        AlgorithmName::Ed25519 => CredentialKind::Ed25519PublicKeys,
        AlgorithmName::RsaPkcs1v15Sha256 => CredentialKind::RsaPublicKey,
    };
    if needed != kind {
        let name = match needed {
            CredentialKind::SharedSecret => "shared-secret",
            CredentialKind::Ed25519PublicKeys => "ed25519-public-keys",
            CredentialKind::RsaPublicKey => "rsa-public-key",
        };
        return Err(cx.conflict(
            &s.algorithm,
            "the algorithm does not fit credential.kind",
            &format!("set credential.kind = \"{name}\", or choose an algorithm for the credential"),
        ));
    }
    let enc = *s.encoding.get_ref();
    if (alg == AlgorithmName::Key) != (enc == EncodingName::Text) {
        return Err(cx.conflict(
            &s.encoding,
            "encoding = \"text\" goes with algorithm = \"key\" (the key itself), and only with it",
            "use \"text\" for an API key, and hex, base64 or base64url for a computed proof",
        ));
    }
    if enc != EncodingName::Hex {
        if let Some(h) = &s.hex_case {
            return Err(cx.conflict(
                h,
                "`hex_case` applies to encoding = \"hex\" only",
                "remove it",
            ));
        }
        if let Some(h) = &s.hex_accept {
            return Err(cx.conflict(
                h,
                "`hex_accept` applies to encoding = \"hex\" only",
                "remove it",
            ));
        }
    }
    match (&s.message, alg) {
        (Some(m), AlgorithmName::Key) => Err(cx.conflict(
            m,
            "algorithm = \"key\" signs nothing, and a message is given",
            "remove `message`",
        )),
        (None, AlgorithmName::Key) => Ok(()),
        (None, _) => Err(cx.missing(
            &s.algorithm,
            "signature.message",
            "a computed proof needs the template of the signed message (\"\" for none)".into(),
        )),
        (Some(_), _) => Ok(()),
    }
}

fn check_timestamp(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let Some(ts) = &file.timestamp else {
        return Ok(());
    };
    let t = ts.get_ref();
    if t.name.get_ref().is_empty() {
        return Err(cx.bad(
            &t.name,
            "timestamp.name is empty".into(),
            "give the key, header or pointer",
        ));
    }
    match *t.from.get_ref() {
        TimestampFrom::Param => {
            let kv = file.proof.syntax.as_ref().map(|s| *s.get_ref()) == Some(Syntax::KvList);
            if !kv {
                return Err(cx.conflict(
                    &t.from,
                    "from = \"param\" reads a key of the proof's key/value list, and proof.syntax is not \"kv-list\"",
                    "use from = \"header\", or give the proof syntax = \"kv-list\"",
                ));
            }
        }
        TimestampFrom::Header => {}
        TimestampFrom::Body => {
            if file.body.format() != BodyFormat::Json {
                return Err(cx.conflict(
                    &t.from,
                    "from = \"body\" reads a JSON pointer, and body.format is not \"json\"",
                    "use a header, or a JSON body",
                ));
            }
            check_pointer(cx, &t.name)?;
        }
    }
    Ok(())
}

fn check_pointer(cx: &Ctx<'_>, p: &Spanned<String>) -> Result<(), DescribeError> {
    if p.get_ref().starts_with('/') {
        Ok(())
    } else {
        Err(cx.bad(
            p,
            format!("`{}` is not a JSON pointer", p.get_ref()),
            "write an RFC 6901 pointer starting with `/`, e.g. \"/data/id\"",
        ))
    }
}

fn template_error(
    cx: &Ctx<'_>,
    s: &Spanned<String>,
    e: TemplateError,
    known: &[&str],
) -> DescribeError {
    match e {
        TemplateError::Unclosed { at } => DescribeError::BadTemplate {
            at: cx.inside(s, at),
            reason: "`{` is not closed".into(),
        },
        TemplateError::StrayClose { at } => DescribeError::BadTemplate {
            at: cx.inside(s, at),
            reason: "`}` without its `{`".into(),
        },
        TemplateError::Unknown { name, at } => unknown_placeholder(cx, s, name, at, known),
    }
}

fn unknown_placeholder(
    cx: &Ctx<'_>,
    s: &Spanned<String>,
    name: String,
    at: usize,
    known: &[&str],
) -> DescribeError {
    let head = name.split(':').next().unwrap_or_default();
    let suggestion = if name.contains(':') {
        suggest::closest(&format!("{head}:"), known.iter().copied())
            .map(|k| format!("{k}{}", name.get(head.len() + 1..).unwrap_or_default()))
    } else {
        suggest::closest(&name, known.iter().copied())
    };
    DescribeError::UnknownPlaceholder {
        at: cx.inside(s, at),
        placeholder: name,
        suggestion,
    }
}

fn check_message(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let Some(m) = &file.signature.message else {
        return Ok(());
    };
    let known = ["body", "url", "event", "timestamp", "header:", "param:"];
    let parts = template::parse(m.get_ref()).map_err(|e| template_error(cx, m, e, &known))?;
    let carrier = *file.proof.carrier.get_ref();
    for part in parts {
        let Part::Placeholder(p, at) = part else {
            continue;
        };
        match &p {
            Placeholder::Id | Placeholder::Type | Placeholder::Attempt => {
                let name = p.to_string();
                let name = name.trim_matches(['{', '}']).to_owned();
                return Err(unknown_placeholder(cx, m, name, at, &known));
            }
            Placeholder::Event if carrier != CarrierKind::BodyEnvelope => {
                return Err(DescribeError::Conflict {
                    at: cx.inside(m, at),
                    what: "`{event}` is the body envelope's event member, and proof.carrier is not \"body-envelope\"".into(),
                    fix: "sign `{body}`, or carry the proof in a body envelope".into(),
                });
            }
            Placeholder::Timestamp if file.timestamp.is_none() => {
                return Err(DescribeError::NoTimestampSource {
                    at: cx.inside(m, at),
                    placeholder: p.to_string(),
                });
            }
            Placeholder::Param(key) => {
                let kv = file.proof.syntax.as_ref().map(|s| *s.get_ref()) == Some(Syntax::KvList);
                if !kv {
                    return Err(DescribeError::Conflict {
                        at: cx.inside(m, at),
                        what: format!("`{p}` reads the proof's key/value list, and proof.syntax is not \"kv-list\""),
                        fix: "use `{header:Name}` or `{timestamp}`, or give the proof syntax = \"kv-list\"".into(),
                    });
                }
                let is_proof_key = file
                    .proof
                    .accept
                    .as_ref()
                    .is_some_and(|a| a.get_ref().iter().any(|k| k == key));
                if is_proof_key {
                    return Err(DescribeError::Conflict {
                        at: cx.inside(m, at),
                        what: format!("`{p}` is the proof itself (it is in proof.accept), which cannot sign itself"),
                        fix: "sign another key of the list, e.g. the timestamp".into(),
                    });
                }
                let ts_param = file.timestamp.as_ref().is_some_and(|t| {
                    *t.get_ref().from.get_ref() == TimestampFrom::Param
                        && t.get_ref().name.get_ref() == key
                });
                if !ts_param {
                    return Err(DescribeError::NoTimestampSource {
                        at: cx.inside(m, at),
                        placeholder: format!("{p} (the only list value a sender fills besides the proof is the timestamp: [timestamp] from = \"param\", name = \"{key}\")"),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_idempotency(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let i = &file.idempotency;
    match (&i.header, &i.pointer) {
        (Some(h), Some(_)) => Err(cx.conflict(
            h,
            "the idempotency key is given both as `header` and as `pointer`",
            "keep one",
        )),
        (None, None) => Err(DescribeError::MissingField {
            at: cx.at(file.id.span()),
            field: "idempotency.header` or `idempotency.pointer".into(),
            because: Some("every scheme says where a delivery's idempotency key is".into()),
        }),
        (Some(h), None) if h.get_ref().is_empty() => Err(cx.bad(
            h,
            "idempotency.header is empty".into(),
            "give the header name",
        )),
        (Some(_), None) => Ok(()),
        (None, Some(p)) => {
            check_pointer(cx, p)?;
            if file.body.format() != BodyFormat::Json {
                return Err(cx.conflict(
                    p,
                    "a JSON pointer needs a JSON body, and body.format is not \"json\"",
                    "use idempotency.header, or a JSON body",
                ));
            }
            Ok(())
        }
    }
}

/// Checks that the header value templates `rules` use only the
/// placeholders `known` names (`allowed` says which they are).
fn check_header_values(
    cx: &Ctx<'_>,
    rules: &[HeaderRule],
    known: &[&str],
    allowed: fn(&Placeholder) -> bool,
) -> Result<(), DescribeError> {
    for h in rules {
        let parts = template::parse(h.value.get_ref())
            .map_err(|e| template_error(cx, &h.value, e, known))?;
        for part in parts {
            if let Part::Placeholder(p, at) = part {
                if !allowed(&p) {
                    let name = p.to_string();
                    let name = name.trim_matches(['{', '}']).to_owned();
                    return Err(unknown_placeholder(cx, &h.value, name, at, known));
                }
            }
        }
    }
    Ok(())
}

fn check_rest(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    check_header_values(cx, &file.headers, &["id", "type"], |p| {
        matches!(p, Placeholder::Id | Placeholder::Type)
    })?;
    check_header_values(cx, &file.idempotency.retry_headers, &["attempt"], |p| {
        matches!(p, Placeholder::Attempt)
    })?;
    for s in [&file.statuses.missing, &file.statuses.invalid]
        .into_iter()
        .flatten()
    {
        let code = *s.code.get_ref();
        if !(400..=499).contains(&code) {
            return Err(cx.bad(
                &s.code,
                format!("status {code} is not a rejection status"),
                "give the 4xx status the vendor documents, or remove the entry (any 4xx then passes)",
            ));
        }
    }
    if let Some(t) = &file.sender.timeout_ms {
        if *t.get_ref() == 0 {
            return Err(cx.bad(
                t,
                "sender.timeout_ms is 0".into(),
                "give the timeout in milliseconds",
            ));
        }
    }
    if file.body.canonical_json() && file.body.format() != BodyFormat::Json {
        if let Some(c) = &file.body.canonical_json {
            return Err(cx.conflict(
                c,
                "canonical_json needs a JSON body, and body.format is not \"json\"",
                "remove canonical_json, or set format = \"json\"",
            ));
        }
    }
    if file.body.format() == BodyFormat::Json
        && serde_json::from_str::<serde::de::IgnoredAny>(
            &file.events.sample.get_ref().replace("@BLOCK@", "1"),
        )
        .is_err()
    {
        return Err(cx.bad(
            &file.events.sample,
            "events.sample is not JSON (with @BLOCK@ read as a number)".into(),
            "give a JSON event in the vendor's shape",
        ));
    }
    if let Some(o) = &file.ordering {
        check_pointer(cx, &o.key_pointer)?;
        check_pointer(cx, &o.sequence_pointer)?;
    }
    handshake::check(cx, file)?;
    Ok(())
}
