//! `[[handshake]]` as the engine's handshakes: the one unnamed
//! `echo-field` (the `echo` family) and the named ones
//! ([`crate::scheme::Handshake`]).

use super::super::error::DescribeError;
use super::super::model::{self, HandshakeKind as KindName, HandshakeStatus as StatusName};
use super::{leak, leak_slice, s, Cx};
use crate::scheme::{EchoHandshake, Handshake, HandshakeKind, HandshakeMark, HandshakeStatus};

/// The unnamed echo handshake, if any, and the named handshakes.
pub(super) fn handshakes(
    cx: &Cx<'_>,
    file: &model::SchemeFile,
) -> Result<(Option<EchoHandshake>, &'static [Handshake]), DescribeError> {
    let mut echo = None;
    let mut named = Vec::new();
    for h in &file.handshakes {
        if h.name.is_some() {
            named.push(named_handshake(cx, h)?);
        } else {
            echo = Some(unnamed_echo(cx, h)?);
        }
    }
    Ok((echo, leak_slice(named)))
}

/// The `echo` family's handshake: signed, answered 200 in any content type.
fn unnamed_echo(cx: &Cx<'_>, h: &model::Handshake) -> Result<EchoHandshake, DescribeError> {
    let status_200 = match h.status.as_ref().map(|s| s.get_ref()) {
        None | Some(StatusName::Code(200)) => true,
        Some(_) => false,
    };
    let plain = status_200
        && h.signed
        && h.content_types.is_empty()
        && h.body.is_none()
        && h.when_header.is_none();
    match (&h.when_pointer, &h.when_value, &h.reply_pointer) {
        (Some(w), Some(v), Some(r)) if plain => Ok(EchoHandshake {
            event_pointer: s(w),
            event_value: leak(v),
            nonce_pointer: s(r),
        }),
        _ => cx.no(
            h.kind.span(),
            "an unnamed echo-field handshake other than signed, marked by a body member and answered 200 in any content type (give it a `name` for the `handshake` family)",
        ),
    }
}

fn named_handshake(cx: &Cx<'_>, h: &model::Handshake) -> Result<Handshake, DescribeError> {
    let kind = match h.kind.get_ref() {
        KindName::EchoField => HandshakeKind::Echo {
            reply_pointer: h.reply_pointer.as_ref().map_or("", s),
        },
        KindName::PingPong => HandshakeKind::Reply {
            body: h.reply_body.as_ref().map(s),
        },
        KindName::InvalidSignatureProbe => HandshakeKind::Probe,
    };
    if kind != HandshakeKind::Probe && !h.signed {
        return cx.no(
            h.kind.span(),
            "unsigned handshakes (other than the invalid-signature probe)",
        );
    }
    let value = leak(h.when_value.as_deref().unwrap_or_default());
    let mark = match (&h.when_pointer, &h.when_header) {
        (Some(p), _) => HandshakeMark::Body {
            pointer: s(p),
            value,
        },
        (None, Some(header)) => HandshakeMark::EventType {
            header: s(header),
            value,
        },
        (None, None) => HandshakeMark::None,
    };
    let status = match h.status.as_ref().map(|s| s.get_ref()) {
        None => HandshakeStatus::Exactly(200),
        Some(StatusName::Code(c)) => HandshakeStatus::Exactly(*c),
        Some(StatusName::Class(_)) => HandshakeStatus::Success,
    };
    Ok(Handshake {
        name: h.name.as_ref().map_or("", s),
        kind,
        mark,
        body: h.body.as_ref().map_or("{}", s),
        content_types: leak_slice(h.content_types.iter().map(s).collect()),
        status,
        source: leak(h.source.as_deref().unwrap_or_default()),
    })
}
