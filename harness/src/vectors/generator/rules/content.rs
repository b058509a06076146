//! What the proof covers: a body changed after signing, a signature over
//! another serialization of the event, or (when the proof does not cover
//! the body) a change nobody can detect.

use super::super::bodies::Hard;
use super::super::edits::{differ, json_err};
use super::super::{json, Gen};
use super::{case, Case};
use crate::scheme::Carrier;
use crate::vectors::Expected::{Invalid as I, Valid as V};

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let s = g.scheme;
    if !s.message.signs_content() {
        let n = g.noun();
        out.push(case(
            "body.unauthenticated",
            V,
            &["BodyNotAuthenticated"],
            format!("body changed (the {n} does not cover it)"),
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.body = g.bodies.tamper(&g.ev(tc))?.into_bytes();
                Ok(d)
            },
        ));
        return;
    }
    body_edits(g, out);
    reserialized(g, out);
}

/// The body changed after signing.
fn body_edits(g: &Gen, out: &mut Vec<Case>) {
    let m = &["ModifiedBody"];
    out.push(case(
        "body.tamper",
        I,
        m,
        "one byte of the body changed after signing",
        |g, tc| {
            let ev = g.ev(tc);
            g.forged(tc, ev.as_bytes(), g.bodies.tamper(&ev)?.as_bytes())
        },
    ));
    for (key, byte, comment) in [
        (
            "body.append-newline",
            "\n",
            "newline appended to the body after signing",
        ),
        (
            "body.append-space",
            " ",
            "space appended to the body after signing",
        ),
        (
            "body.append-x",
            "x",
            "byte appended to the body after signing",
        ),
    ] {
        out.push(case(key, I, m, comment, move |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.body.extend_from_slice(byte.as_bytes());
            Ok(d)
        }));
    }
    out.push(case(
        "body.drop-last",
        I,
        m,
        "last byte of the body removed after signing",
        |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.body.pop();
            Ok(d)
        },
    ));
    let r = &["ReformattedBody"];
    // Stripe sends its events pretty-printed: there the other formatting
    // is the compact one (same keys, comments say which).
    let pretty_sent = g.bodies.is_pretty(&g.ev(1));
    if !g.scheme.canonical_json {
        out.push(case(
            "body.pretty-after",
            I,
            r,
            if pretty_sent {
                "pretty-printed body compacted after signing"
            } else {
                "body pretty-printed after signing"
            },
            |g, tc| {
                let ev = g.ev(tc);
                g.forged(tc, ev.as_bytes(), g.bodies.reformatted(&ev).as_bytes())
            },
        ));
    }
    out.push(case(
        "body.sorted-after",
        I,
        r,
        "keys sorted after signing",
        |g, tc| {
            let ev = g.ev(tc);
            let sorted = json::sorted(&ev).map_err(json_err)?;
            differ(&sorted, &ev)?;
            g.forged(tc, ev.as_bytes(), sorted.as_bytes())
        },
    ));
    let o = &["OtherBodySignature"];
    if g.bodies.type_count() > 1 {
        out.push(case(
            "body.other-type",
            I,
            o,
            "signature of another delivery's body",
            |g, tc| {
                let other = g.bodies.body(tc, 1, "");
                g.forged(tc, other.as_bytes(), g.ev(tc).as_bytes())
            },
        ));
    }
    out.push(case(
        "body.other-event",
        I,
        o,
        "signature of another event",
        |g, tc| g.forged(tc, g.ev(tc + 1000).as_bytes(), g.ev(tc).as_bytes()),
    ));
}

/// The signature covers another serialization than the bytes sent.
fn reserialized(g: &Gen, out: &mut Vec<Case>) {
    let f = &["ReserializedSignature"];
    let pretty_sent = g.bodies.is_pretty(&g.ev(1));
    if !g.scheme.canonical_json {
        out.push(case(
            "reserialized.compact-of-pretty",
            I,
            f,
            if pretty_sent {
                "signature over the compact form of the pretty body sent"
            } else {
                "signature over the compact form of a pretty body"
            },
            |g, tc| {
                let ev = g.ev(tc);
                let (signed, sent) = if g.bodies.is_pretty(&ev) {
                    (json::compact(&ev), ev)
                } else {
                    (ev.clone(), g.bodies.pretty(&ev))
                };
                g.forged(tc, signed.as_bytes(), sent.as_bytes())
            },
        ));
    }
    out.push(case(
        "reserialized.escaped-of-utf8",
        I,
        f,
        "signature over the \\u-escaped form of a UTF-8 body",
        |g, tc| {
            let sent = g.bodies.hard(tc, Hard::NonAsciiRaw);
            g.forged(tc, json::ascii_escaped(&sent).as_bytes(), sent.as_bytes())
        },
    ));
    out.push(case(
        "reserialized.sorted",
        I,
        f,
        "signature over the body with sorted keys",
        |g, tc| {
            let ev = g.ev(tc);
            let sorted = json::sorted(&ev).map_err(json_err)?;
            g.forged(tc, sorted.as_bytes(), ev.as_bytes())
        },
    ));
    out.push(case(
        "reserialized.pretty",
        I,
        f,
        if pretty_sent {
            "signature over the compact form of the pretty-printed event"
        } else {
            "signature over the pretty-printed event"
        },
        |g, tc| {
            let ev = g.ev(tc);
            g.forged(tc, g.bodies.reformatted(&ev).as_bytes(), ev.as_bytes())
        },
    ));
    out.push(case(
        "reserialized.newline",
        I,
        f,
        "signature over the body plus a newline",
        |g, tc| {
            let ev = g.ev(tc);
            g.forged(tc, format!("{ev}\n").as_bytes(), ev.as_bytes())
        },
    ));
    if let Carrier::BodyEnvelope { event_field, .. } = g.scheme.carrier {
        let name = serde_json::Value::String(event_field.to_owned()).to_string();
        out.push(case(
            "reserialized.wrapped",
            I,
            f,
            format!("signature over {{{name}:…}} instead of the event"),
            move |g, tc| {
                let ev = g.ev(tc);
                g.forged(tc, format!("{{{name}:{ev}}}").as_bytes(), ev.as_bytes())
            },
        ));
    }
}
