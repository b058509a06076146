//! The proof itself: missing, empty, duplicated, with non-ASCII bytes, and
//! edited in the ways its encoding invites (hex, base64, text), its prefix
//! changed.

use super::super::edits::{drop_last, flip_last_hex, head, mixed_case, replace_at, spaced};
use super::super::Gen;
use super::{case, edit, raw_header, Case};
use crate::scheme::{Algorithm, Carrier, Encoding};
use crate::sign;
use crate::vectors::Expected::{Acceptable as A, Invalid as I};

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    presence(g, out);
    match g.scheme.encoding {
        Encoding::Hex => hex(g, out),
        Encoding::Base64 => base64(g, out),
        Encoding::Base64Url => {}
        Encoding::Text => text(g, out),
    }
    if g.scheme.encoding != Encoding::Text {
        raw_bytes(g, out);
    }
    prefix(g, out);
}

/// An all-zero proof of the valid length, encoded.
fn zero_text(g: &Gen) -> String {
    g.encode(&vec![0u8; g.raw_len])
}

/// Missing, empty, duplicated, moved, non-ASCII.
fn presence(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    out.push(edit(
        "proof.empty",
        I,
        &["EmptySignature"],
        format!("{n} empty"),
        |_| String::new(),
    ));
    let carrier = g.scheme.carrier;
    let Some(name) = carrier.header_name() else {
        return;
    };
    out.push(case(
        "proof.missing",
        I,
        &["MissingSignature"],
        format!("{name} missing"),
        move |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.remove_header(name);
            Ok(d)
        },
    ));
    let framed = matches!(carrier, Carrier::Header { prefix, .. } if !prefix.is_empty())
        || matches!(carrier, Carrier::TimestampedHeader { .. });
    if framed {
        out.push(raw_header(
            "header.empty",
            I,
            &["EmptySignature"],
            format!("{name} empty"),
            |_, _| Ok(Vec::new()),
        ));
    }
    let bearer_flag = if matches!(carrier, Carrier::QueryOrHeader { .. }) {
        "ApiKeyPlacement"
    } else {
        "MissingSignature"
    };
    out.push(case(
        "proof.bearer",
        I,
        &[bearer_flag],
        format!("{n} in Authorization: Bearer"),
        move |g, tc| {
            let text = g.valid_text(tc)?;
            let mut d = g.with_text(tc, &text)?;
            d.remove_header(name);
            d.push_header("Authorization", format!("Bearer {text}"));
            Ok(d)
        },
    ));
    if !matches!(carrier, Carrier::QueryOrHeader { .. }) {
        // A list header may be combined into one list (RFC 9110 §5.3):
        // then the valid entry is in it, and the provider's library accepts.
        let (dup, dup_flag) = if carrier.is_signature_list() {
            (A, "DuplicateListHeader")
        } else {
            (I, "DuplicateHeader")
        };
        out.push(case(
            "dup.valid-then-wrong",
            dup,
            &[dup_flag],
            format!("{name} twice: valid then wrong"),
            move |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.push_header(name, g.header_value(tc, &zero_text(g))?);
                Ok(d)
            },
        ));
        out.push(case(
            "dup.wrong-then-valid",
            dup,
            &[dup_flag],
            format!("{name} twice: wrong then valid"),
            move |g, tc| {
                let valid = g.header_value(tc, &g.valid_text(tc)?)?;
                let mut d = g.with_text(tc, &zero_text(g))?;
                d.push_header(name, valid);
                Ok(d)
            },
        ));
    }
    let (key, edit): (&str, fn(&str) -> String) = match g.scheme.encoding {
        Encoding::Base64 | Encoding::Base64Url => ("proof.non-ascii-inside", |t| {
            // A data character, not the padding: lenient decoders skip
            // unknown characters, and skipping padding changes nothing.
            replace_at(t, 10, "é")
        }),
        Encoding::Hex | Encoding::Text => ("proof.non-ascii", |t| {
            format!("{}é", head(t, t.chars().count().saturating_sub(2)))
        }),
    };
    out.push(case(
        key,
        I,
        &["NonAsciiHeader"],
        format!("non-ASCII characters in {name}"),
        move |g, tc| {
            let value = g.header_value(tc, &edit(&g.valid_text(tc)?))?;
            g.rewrite_header(tc, None, value)
        },
    ));
}

/// A hex edit: rule key, flags, comment, the edit.
type HexEdit = (
    &'static str,
    &'static [&'static str],
    String,
    fn(&str) -> String,
);

fn hex(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    let half = g.raw_len / 2;
    let long = if g.scheme.credential == crate::scheme::CredentialKind::SharedSecret {
        "ExtendedSignature"
    } else {
        "SignatureLength"
    };
    let edits: [HexEdit; 9] = [
        (
            "hex.half",
            &["SignaturePrefix"],
            format!("first {half} bytes of the {n}"),
            |t| head(t, t.chars().count() / 2),
        ),
        (
            "hex.first-byte",
            &["SignaturePrefix"],
            format!("first byte of the {n}"),
            |t| head(t, 2),
        ),
        (
            "hex.drop-digit",
            &["TruncatedSignature"],
            format!("{n} one hex digit short"),
            drop_last,
        ),
        (
            "hex.extra-digit",
            &["ExtendedSignature"],
            format!("{n} with one extra hex digit"),
            |t| format!("{t}0"),
        ),
        (
            "hex.junk",
            &["ExtendedSignature"],
            format!("{n} followed by non-hex characters"),
            |t| format!("{t}zz"),
        ),
        (
            "hex.invalid-char",
            &["InvalidHex"],
            format!("non-hex character in the {n}"),
            |t| replace_at(t, 10, "g"),
        ),
        (
            "hex.0x",
            &["InvalidHex"],
            format!("{n} with a 0x prefix"),
            |t| format!("0x{t}"),
        ),
        (
            "hex.flip-last",
            &["ModifiedSignature"],
            format!("last hex digit of the {n} changed"),
            flip_last_hex,
        ),
        (
            "hex.all-zero",
            &["ModifiedSignature"],
            format!("all-zero {n}"),
            |t| "0".repeat(t.chars().count()),
        ),
    ];
    for (key, flags, comment, f) in edits {
        out.push(edit(key, I, flags, comment, move |t| f(&t)));
    }
    out.push(edit(
        "hex.extra-byte",
        I,
        &[long],
        format!("{n} with one extra byte"),
        |t| format!("{t}00"),
    ));
    out.push(edit(
        "hex.upper",
        A,
        &["HexCase"],
        format!("{n} in uppercase hex"),
        |t| t.to_ascii_uppercase(),
    ));
    out.push(edit(
        "hex.mixed",
        A,
        &["HexCase"],
        format!("{n} in mixed-case hex"),
        |t| mixed_case(&t),
    ));
    out.push(case(
        "encoding.other",
        I,
        &["WrongEncoding"],
        format!("{n} in base64 instead of hex"),
        |g, tc| g.with_text(tc, &crate::encoding::encode_base64(&g.raw_proof(tc)?)),
    ));
}

fn base64(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    let t = &["TruncatedSignature"];
    if g.text_len > 100 {
        out.push(edit(
            "b64.truncate-100",
            I,
            t,
            "base64 truncated to 100 characters",
            |t| head(&t, 100),
        ));
    }
    out.push(edit(
        "b64.drop-data-char",
        I,
        t,
        "last base64 data character removed",
        |t| {
            // Dropping a padding `=` would only make the padding lenient.
            let data = t.trim_end_matches('=');
            let pad = "=".repeat(t.len() - data.len());
            format!("{}{pad}", drop_last(data))
        },
    ));
    out.push(edit(
        "b64.drop-quantum",
        I,
        t,
        "last base64 quantum removed",
        |t| head(&t, t.len().saturating_sub(4)),
    ));
    out.push(edit(
        "b64.invalid-chars",
        I,
        &["InvalidBase64"],
        format!("non-base64 characters inside the {n}"),
        |t| replace_at(&replace_at(&t, 20, "!"), 21, "*"),
    ));
    let l = &["LenientBase64"];
    out.push(edit("b64.unpadded", A, l, "base64 without padding", |t| {
        t.trim_end_matches('=').to_owned()
    }));
    out.push(edit(
        "b64.url-safe",
        A,
        l,
        "URL-safe base64 alphabet",
        |t| t.replace('+', "-").replace('/', "_"),
    ));
    if g.text_len > 64 {
        out.push(edit(
            "b64.spaced",
            A,
            l,
            "base64 with embedded spaces",
            |t| spaced(&t),
        ));
    }
    out.push(case(
        "encoding.other",
        I,
        &["WrongEncoding"],
        format!("{n} in hex instead of base64"),
        |g, tc| g.with_text(tc, &crate::encoding::encode_hex(&g.raw_proof(tc)?)),
    ));
}

/// The key as text (`algorithm = "key"`).
fn text(g: &Gen, out: &mut Vec<Case>) {
    if g.text_len > 16 {
        out.push(edit(
            "text.prefix",
            I,
            &["SignaturePrefix"],
            "prefix of the key",
            |t| head(&t, 16),
        ));
    }
    out.push(edit(
        "text.extra-char",
        I,
        &["ExtendedSignature"],
        "key with one extra character",
        |t| format!("{t}x"),
    ));
}

/// Edits of the raw proof bytes, re-encoded.
fn raw_bytes(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    let raw = |key: &str, flag: &'static str, comment: String, f: fn(&mut Vec<u8>)| {
        case(key, I, &[flag], comment, move |g, tc| {
            let mut raw = g.raw_proof(tc)?;
            f(&mut raw);
            g.with_text(tc, &g.encode(&raw))
        })
    };
    out.push(raw(
        "raw.prepend-zero",
        "SignatureLength",
        format!("zero byte prepended to the {n}"),
        |r| r.insert(0, 0),
    ));
    out.push(raw(
        "raw.drop-byte",
        "SignatureLength",
        format!("last byte of the {n} removed"),
        |r| {
            r.pop();
        },
    ));
    out.push(raw(
        "raw.flip-bit",
        "ModifiedSignature",
        format!("one bit of the {n} flipped"),
        |r| {
            if let Some(b) = r.last_mut() {
                *b ^= 1;
            }
        },
    ));
}

/// The hash an HMAC algorithm names in a prefix (`sha256=`).
pub(super) fn hash_tag(a: Algorithm) -> Option<&'static str> {
    match a {
        Algorithm::HmacSha1 => Some("sha1"),
        Algorithm::HmacSha256 => Some("sha256"),
        Algorithm::HmacSha512 => Some("sha512"),
        _ => None,
    }
}

/// The prefix of a single-proof header: wrong, missing, repeated, or in
/// another case; or one added where the scheme has none.
fn prefix(g: &Gen, out: &mut Vec<Case>) {
    let n = g.noun();
    let Carrier::Header { prefix, .. } = g.scheme.carrier else {
        return;
    };
    let Some(tag) = hash_tag(g.scheme.algorithm) else {
        return;
    };
    let w = &["WrongPrefix"];
    if prefix.is_empty() {
        out.push(edit(
            "prefix.added",
            I,
            w,
            format!("{n} with a {tag}= prefix"),
            move |t| format!("{tag}={t}"),
        ));
        return;
    }
    if tag != "sha1" && prefix.contains(tag) {
        let other = prefix.replace(tag, "sha1");
        out.push(case(
            "prefix.other-alg",
            I,
            w,
            format!("{other} prefix with an HMAC-SHA1"),
            {
                let other = other.clone();
                move |g, tc| {
                    let msg = g.message(tc);
                    let mac = sign::hmac_parts(Algorithm::HmacSha1, g.secret_key()?, &[&msg])
                        .unwrap_or_default();
                    g.rewrite_header(tc, None, format!("{other}{}", g.encode(&mac)))
                }
            },
        ));
        let o = other.clone();
        out.push(raw_header(
            "prefix.other-valid",
            I,
            w,
            format!("{other} prefix with the valid {n}"),
            move |_, t| Ok(format!("{o}{t}").into_bytes()),
        ));
    }
    out.push(raw_header("prefix.none", I, w, "no prefix", |_, t| {
        Ok(t.into_bytes())
    }));
    out.push(edit("prefix.repeated", I, w, "prefix repeated", move |t| {
        format!("{prefix}{t}")
    }));
    let upper = prefix.to_ascii_uppercase();
    if upper != prefix {
        out.push(raw_header(
            "prefix.upper",
            A,
            &["PrefixCase"],
            format!("{upper} prefix in uppercase"),
            move |_, t| Ok(format!("{upper}{t}").into_bytes()),
        ));
    }
}
