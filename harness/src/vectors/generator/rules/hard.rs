//! Hard bodies (valid, signed as sent) and, for `JSON.stringify` schemes,
//! events that are not in that form.

use super::super::bodies::{Hard, NonCanon};
use super::super::edits::differ;
use super::super::Gen;
use super::{case, Case};
use crate::scheme::Carrier;
use crate::vectors::Expected::{Acceptable as A, Valid as V};

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let s = g.scheme;
    let list: &[Hard] = if s.canonical_json {
        &Hard::CANONICAL
    } else {
        &Hard::RAW
    };
    for &h in list {
        out.push(case(
            h.key(),
            V,
            &[h.flag()],
            h.comment(),
            move |g, tc| match h {
                Hard::Large => g.large(tc, &|body| g.signed(tc, body)),
                _ => g.signed(tc, g.bodies.hard(tc, h)),
            },
        ));
    }
    if !s.canonical_json {
        return;
    }
    for nc in NonCanon::ALL {
        out.push(case(
            nc.key(),
            A,
            &["NonCanonicalJson"],
            nc.comment(),
            move |g, tc| {
                let (sent, canonical) = g.bodies.non_canonical(tc, nc);
                differ(&sent, &canonical)?;
                g.forged(tc, canonical.as_bytes(), sent.as_bytes())
            },
        ));
    }
    let what = if matches!(s.carrier, Carrier::BodyEnvelope { .. }) {
        "event"
    } else {
        "body"
    };
    out.push(case(
        "non-canonical.signed-raw",
        A,
        &["NonCanonicalJsonSignedRaw"],
        format!("pretty-printed {what}, signed as sent"),
        |g, tc| g.signed(tc, g.bodies.pretty(&g.ev(tc))),
    ));
}
