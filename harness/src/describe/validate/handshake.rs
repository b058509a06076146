//! `[[handshake]]` checks: names, what marks a handshake, its request
//! body, its reply and status. Each failure points at the field.

use toml::Spanned;

use super::super::error::DescribeError;
use super::super::model::{Handshake, HandshakeKind, HandshakeStatus, SchemeFile};
use super::{check_pointer, Ctx};

/// The longest handshake name.
const MAX_NAME: usize = 40;

/// Checks every `[[handshake]]` of `file`.
pub(super) fn check(cx: &Ctx<'_>, file: &SchemeFile) -> Result<(), DescribeError> {
    let mut names: Vec<&str> = Vec::new();
    let mut unnamed = false;
    for h in &file.handshakes {
        match &h.name {
            Some(n) => {
                check_name(cx, n)?;
                if names.contains(&n.get_ref().as_str()) {
                    return Err(cx.bad(
                        n,
                        format!("two handshakes are named `{}`", n.get_ref()),
                        "give each handshake its own name (case ids are made from it)",
                    ));
                }
                names.push(n.get_ref());
            }
            None if *h.kind.get_ref() != HandshakeKind::EchoField || unnamed => {
                return Err(cx.missing(
                    &h.kind,
                    "name",
                    "only one `echo-field` handshake may go without a name (the `echo` family); every other handshake's cases are named after it".into(),
                ))
            }
            None => unnamed = true,
        }
        check_mark(cx, file, h)?;
        check_body(cx, h)?;
        check_reply(cx, h)?;
        check_status(cx, h)?;
    }
    Ok(())
}

fn check_name(cx: &Ctx<'_>, n: &Spanned<String>) -> Result<(), DescribeError> {
    let name = n.get_ref();
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(cx.bad(
            n,
            format!("handshake name `{name}` is not a valid name"),
            "use 1 to 40 lowercase letters, digits and `-`, not starting with `-`",
        ))
    }
}

/// `when_pointer` / `when_header` and `when_value`.
fn check_mark(cx: &Ctx<'_>, file: &SchemeFile, h: &Handshake) -> Result<(), DescribeError> {
    if let Some(p) = &h.when_pointer {
        check_pointer(cx, p)?;
    }
    if let (Some(_), Some(header)) = (&h.when_pointer, &h.when_header) {
        return Err(cx.conflict(
            header,
            "a handshake is marked by `when_pointer` or by `when_header`, not both",
            "keep one of them",
        ));
    }
    if let Some(header) = &h.when_header {
        let typed = file.headers.iter().any(|r| {
            r.name.eq_ignore_ascii_case(header.get_ref()) && r.value.get_ref() == "{type}"
        });
        if !typed {
            return Err(cx.bad(
                header,
                format!(
                    "`{}` is not one of [[headers]] with the value \"{{type}}\"",
                    header.get_ref()
                ),
                "name a [[headers]] entry whose value is \"{type}\" (the handshake is sent with `when_value` as its type), or mark the handshake with `when_pointer`",
            ));
        }
    }
    let probe = *h.kind.get_ref() == HandshakeKind::InvalidSignatureProbe;
    let marked = h.when_pointer.is_some() || h.when_header.is_some();
    if !probe && (!marked || h.when_value.is_none()) {
        return Err(cx.missing(
            &h.kind,
            "when_pointer` (or `when_header`) and `when_value",
            "this handshake kind is recognised by a body member or a header".into(),
        ));
    }
    Ok(())
}

/// `body`: a JSON object (with `@ID@` read as text) that agrees with
/// `when_pointer`/`when_value`.
fn check_body(cx: &Ctx<'_>, h: &Handshake) -> Result<(), DescribeError> {
    let Some(b) = &h.body else {
        return Ok(());
    };
    let parsed = serde_json::from_str::<serde_json::Value>(&b.get_ref().replace("@ID@", "id"));
    let Ok(value @ serde_json::Value::Object(_)) = parsed else {
        return Err(cx.bad(
            b,
            "the handshake's `body` is not a JSON object".into(),
            "give the request body as a JSON object, e.g. '{\"kind\":\"hello\"}'; `@ID@` inside a string is a fresh event id",
        ));
    };
    if let (Some(p), Some(v)) = (&h.when_pointer, &h.when_value) {
        let agrees = value
            .pointer(p.get_ref())
            .is_none_or(|m| crate::scheme::spelled_as(m, v));
        if !agrees {
            return Err(cx.conflict(
                b,
                &format!(
                    "the body's `{}` is not `when_value` (`{v}`)",
                    p.get_ref()
                ),
                "make the body carry the value that marks the handshake, or leave the member out (it is added)",
            ));
        }
    }
    Ok(())
}

/// `reply_pointer`, `reply_body` and `content_types`, by kind.
fn check_reply(cx: &Ctx<'_>, h: &Handshake) -> Result<(), DescribeError> {
    let kind = *h.kind.get_ref();
    if let Some(p) = &h.reply_pointer {
        check_pointer(cx, p)?;
    }
    if kind == HandshakeKind::EchoField && h.reply_pointer.is_none() {
        return Err(cx.missing(
            &h.kind,
            "reply_pointer",
            "kind = \"echo-field\" echoes a body member".into(),
        ));
    }
    if let Some(r) = &h.reply_body {
        if kind != HandshakeKind::PingPong {
            return Err(cx.conflict(
                r,
                "only a `ping-pong` handshake has a `reply_body`",
                "remove reply_body",
            ));
        }
        if serde_json::from_str::<serde::de::IgnoredAny>(r.get_ref()).is_err() {
            return Err(cx.bad(
                r,
                "`reply_body` is not JSON".into(),
                "give the reply as JSON, e.g. '{\"kind\":\"hello\"}' (it is compared as a JSON value)",
            ));
        }
    }
    for t in &h.content_types {
        let v = t.get_ref();
        let ok = matches!(v.split_once('/'), Some((a, b)) if !a.is_empty() && !b.is_empty())
            && v.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"/.+-".contains(&c));
        if !ok {
            return Err(cx.bad(
                t,
                format!("`{v}` is not a media type"),
                "write a lowercase `type/subtype` without parameters, e.g. \"text/plain\"",
            ));
        }
    }
    Ok(())
}

/// `status`: a code from 100 to 599 or `"2xx"`; the probe's, a 4xx code.
fn check_status(cx: &Ctx<'_>, h: &Handshake) -> Result<(), DescribeError> {
    let probe = *h.kind.get_ref() == HandshakeKind::InvalidSignatureProbe;
    match h.status.as_ref() {
        None if probe => Err(cx.missing(
            &h.kind,
            "status",
            "the probe expects an exact status".into(),
        )),
        None => Ok(()),
        Some(s) => match s.get_ref() {
            HandshakeStatus::Code(c) if !(100..=599).contains(c) => Err(cx.bad(
                s,
                format!("handshake status {c} is not an HTTP status"),
                "give a status from 100 to 599, or \"2xx\"",
            )),
            HandshakeStatus::Code(c) if probe && !(400..=499).contains(c) => Err(cx.bad(
                s,
                format!("the probe's status {c} is not a 4xx"),
                "give the 4xx the provider documents for an invalid signature",
            )),
            HandshakeStatus::Class(c) if c != "2xx" || probe => Err(cx.bad(
                s,
                format!("handshake status \"{c}\" is not a status"),
                "give a code (200) or \"2xx\" (any success; not for the probe)",
            )),
            _ => Ok(()),
        },
    }
}
