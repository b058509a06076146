//! Valid deliveries of the scheme's own shape: the basic delivery, one per
//! event type, header names in another case, the echo handshake, and
//! bodies that are not JSON.

use super::super::edits::title_case;
use super::super::{rename_header, Gen};
use super::{case, Case};
use crate::scheme::Carrier;
use crate::vectors::Expected::{Acceptable as A, Valid as V};

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let s = g.scheme;
    out.push(case(
        "basic.valid",
        V,
        &["Basic"],
        "signed exactly as the scheme documents",
        |g, tc| g.signed(tc, g.ev(tc)),
    ));
    for ty in 0..g.bodies.type_count() {
        let name = g.bodies.type_name(ty);
        let pretty = ty == 0 && !s.canonical_json;
        let comment = if pretty {
            format!("{name}, pretty-printed")
        } else {
            format!("{name} event")
        };
        out.push(case(
            format!("events.type-{ty}"),
            V,
            &["EventType"],
            comment,
            move |g, tc| {
                let body = g.bodies.body(tc, ty, "");
                let body = if pretty { g.bodies.pretty(&body) } else { body };
                g.signed_by(&g.primary, tc, ty, body)
            },
        ));
    }
    if let Some(echo) = s.echo {
        let member = |p: &'static str| p.strip_prefix('/').filter(|m| !m.contains('/'));
        if let (Some(ev), Some(nonce)) = (member(echo.event_pointer), member(echo.nonce_pointer)) {
            let q = |x: &str| serde_json::Value::String(x.to_owned()).to_string();
            let (ev, value, nonce) = (q(ev), q(echo.event_value), q(nonce));
            out.push(case(
                "events.echo",
                V,
                &["EchoHandshake"],
                format!("{} handshake", echo.event_value),
                move |g, tc| {
                    let nonce_value = q(&format!("hs-{tc:04}-c1d2e3f4a5b6"));
                    g.signed(tc, format!("{{{ev}:{value},{nonce}:{nonce_value}}}"))
                },
            ));
        }
    }
    header_case(g, out);
    if !matches!(s.carrier, Carrier::BodyEnvelope { .. }) {
        out.push(case(
            "not-json.empty",
            A,
            &["NotJsonBody"],
            "valid signature over an empty body",
            |g, tc| g.signed(tc, Vec::new()),
        ));
        out.push(case(
            "not-json.not-utf8",
            A,
            &["NotJsonBody"],
            "valid signature over a body that is not UTF-8",
            |g, tc| g.signed(tc, vec![0xff, 0xfe, b'{', 0x80, b'}', 0xc3]),
        ));
        out.push(case(
            "not-json.form",
            A,
            &["NotJsonBody"],
            "valid signature over a form-encoded body",
            |g, tc| g.signed(tc, g.bodies.form(tc)),
        ));
    }
}

/// Header names in another letter case.
fn header_case(g: &Gen, out: &mut Vec<Case>) {
    let Some(name) = g.scheme.carrier.header_name() else {
        return;
    };
    let lower = name.to_ascii_lowercase();
    if lower != name {
        let to = lower.clone();
        out.push(case(
            "header-case.proof-lower",
            V,
            &["HeaderNameCase"],
            format!("header name in lowercase ({lower})"),
            move |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, &to)?;
                Ok(d)
            },
        ));
    }
    let title = title_case(name);
    if title != name {
        out.push(case(
            "header-case.proof-title",
            V,
            &["HeaderNameCase"],
            format!("header name in another letter case ({title})"),
            move |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, &title)?;
                Ok(d)
            },
        ));
    }
    out.push(case(
        "header-case.all-lower",
        V,
        &["HeaderNameCase"],
        "header names in lowercase",
        |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            for (n, _) in &mut d.headers {
                *n = n.to_ascii_lowercase();
            }
            Ok(d)
        },
    ));
}
