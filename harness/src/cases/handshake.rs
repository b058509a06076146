//! The `handshake` family, docs/spec.md §3.4: the scheme's named
//! handshakes (`[[handshake]]` with a `name`), each answered as the
//! description says and never processed as an event. An echo handshake
//! also has a forged twin (an invalid proof: rejected, not echoed) and a
//! forged one whose value holds markup (never reflected as HTML).

use super::{Action, Catalogue, Family, HandshakeProbe};
use crate::scheme::{HandshakeKind, HandshakeMark, Level};

/// Adds the `handshake` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    let noun = c.proof_noun();
    for h in c.scheme.handshakes {
        let what = match h.mark {
            HandshakeMark::Body { pointer, value } => {
                format!("the `{}` handshake (`{pointer}` = `{value}`)", h.name)
            }
            HandshakeMark::EventType { header, value } => {
                format!("the `{}` handshake (`{header}: {value}`)", h.name)
            }
            HandshakeMark::None => "a request".to_owned(),
        };
        let status = h.status.describe();
        let action = |probe| Action::Handshake {
            name: h.name,
            probe,
        };
        match h.kind {
            HandshakeKind::Echo { reply_pointer } => {
                let types = content_types(h.content_types);
                c.add_cited(
                    h.source,
                    Family::Handshake,
                    h.name,
                    Level::Must,
                    &format!("{what} with a valid {noun} and a fresh `{reply_pointer}` is answered {status} with exactly that value{types}, and not processed as an event"),
                    action(HandshakeProbe::Valid),
                );
                c.add_cited(
                    h.source,
                    Family::Handshake,
                    &format!("{}-forged", h.name),
                    Level::Must,
                    &format!("{what} with an invalid {noun} is rejected (4xx), its `{reply_pointer}` not echoed, and not processed"),
                    action(HandshakeProbe::Forged),
                );
                c.add_cited(
                    h.source,
                    Family::Handshake,
                    &format!("{}-markup", h.name),
                    Level::Must,
                    &format!("{what} with an invalid {noun} whose `{reply_pointer}` holds markup does not come back as HTML (`text/html`, or no Content-Type)"),
                    action(HandshakeProbe::Markup),
                );
            }
            HandshakeKind::Reply { body } => {
                let reply = match body {
                    Some(b) => format!(" with the JSON value `{b}`"),
                    None => String::new(),
                };
                let types = content_types(h.content_types);
                c.add_cited(
                    h.source,
                    Family::Handshake,
                    h.name,
                    Level::Must,
                    &format!("{what} with a valid {noun} is answered {status}{reply}{types}, and not processed as an event"),
                    action(HandshakeProbe::Valid),
                );
            }
            HandshakeKind::Probe => {
                c.add_cited(
                    h.source,
                    Family::Handshake,
                    h.name,
                    Level::Must,
                    &format!("the provider's routine probe, a request with an invalid {noun}, is answered {status}, and not processed"),
                    action(HandshakeProbe::Forged),
                );
            }
        }
    }
}

/// ` (as text/plain, …)` for a title; nothing when any type is valid.
fn content_types(types: &[&str]) -> String {
    match types {
        [] => String::new(),
        [one] => format!(" (as `{one}`)"),
        many => format!(
            " (as {}: all valid)",
            many.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
