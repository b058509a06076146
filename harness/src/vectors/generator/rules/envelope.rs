//! A body envelope `{"<event>": …, "<signature>": "<proof>"}`: other
//! layouts of a valid envelope, and malformed ones.

use super::super::Gen;
use super::{case, Case};
use crate::delivery::Delivery;
use crate::scheme::Carrier;
use crate::vectors::Expected::{self, Acceptable as A, Invalid as I, Valid as V};

type Layout = fn(&str, &str, &str, &str) -> String;

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let Carrier::BodyEnvelope {
        event_field: ef,
        signature_field: sf,
    } = g.scheme.carrier
    else {
        return;
    };
    let q = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    let (qe, qs) = (q(ef), q(sf));
    // (key, result, flag, comment, body from (event member, event,
    // signature member, proof)); member names arrive JSON-quoted.
    let layouts: [(&str, Expected, &'static str, String, Layout); 8] = [
        (
            "envelope.signature-first",
            V,
            "EnvelopeLayout",
            format!("{sf} member before the {ef}"),
            |e, ev, s, sig| format!("{{{s}:\"{sig}\",{e}:{ev}}}"),
        ),
        (
            "envelope.whitespace",
            V,
            "EnvelopeLayout",
            "whitespace around the envelope members".into(),
            |e, ev, s, sig| format!("{{\n  {e} : {ev} ,\n  {s} : \"{sig}\"\n}}\n"),
        ),
        (
            "envelope.extra-member",
            V,
            "EnvelopeLayout",
            "extra member in the envelope".into(),
            |e, ev, s, sig| {
                format!("{{{e}:{ev},{s}:\"{sig}\",\"deliveredAt\":\"2023-11-14T22:13:20.000Z\"}}")
            },
        ),
        (
            "envelope.no-signature",
            I,
            "MissingSignature",
            format!("envelope without {sf}"),
            |e, ev, _, _| format!("{{{e}:{ev}}}"),
        ),
        (
            "envelope.null-signature",
            I,
            "MalformedEnvelope",
            format!("{sf} is null"),
            |e, ev, s, _| format!("{{{e}:{ev},{s}:null}}"),
        ),
        (
            "envelope.no-event",
            I,
            "MalformedEnvelope",
            format!("envelope without {ef}"),
            |_, _, s, sig| format!("{{{s}:\"{sig}\"}}"),
        ),
        (
            "envelope.double-encoded",
            I,
            "MalformedEnvelope",
            format!("{ef} double-encoded as a JSON string"),
            |e, ev, s, sig| {
                format!(
                    "{{{e}:{},{s}:\"{sig}\"}}",
                    serde_json::Value::String(ev.to_owned())
                )
            },
        ),
        (
            "envelope.array",
            I,
            "MalformedEnvelope",
            format!("envelope is an array [{ef}, {sf}]"),
            |_, ev, _, sig| format!("[{ev},\"{sig}\"]"),
        ),
    ];
    for (key, result, flag, comment, body) in layouts {
        let (qe, qs) = (qe.clone(), qs.clone());
        out.push(case(key, result, &[flag], comment, move |g, tc| {
            let ev = g.ev(tc);
            let sig = g.valid_text(tc)?;
            let mut d = Delivery::post(g.url.clone(), body(&qe, &ev, &qs, &sig));
            d.push_header("Content-Type", "application/json");
            Ok(d)
        }));
    }
    out.push(case(
        "envelope.event-array",
        A,
        &["EventNotObject"],
        format!("{ef} is an array, signed as sent"),
        |g, tc| g.signed(tc, format!("[{}]", g.ev(tc))),
    ));
}
