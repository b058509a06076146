//! The key itself in a query parameter or a header (`query-or-header`):
//! where it may travel, where it must not count, and conflicting copies.

use super::super::{Gen, FIXED_NOW, WRONG_SECRET};
use super::{case, Case};
use crate::delivery::Delivery;
use crate::error::GeneratorProblem;
use crate::keys::RoleKeys;
use crate::scheme::Carrier;
use crate::sign::{self, KeyPlacement, Payload};
use crate::vectors::Expected::{Acceptable as A, Invalid as I, Valid as V};
use crate::Error;

/// The standard event posted to `url?query`.
fn query(g: &Gen, tc: u32, q: &str) -> Delivery {
    let mut d = Delivery::post(format!("{}?{q}", g.url), g.ev(tc));
    d.push_header("Content-Type", "application/json");
    d
}

/// The standard event with the key header once per value.
fn header(g: &Gen, tc: u32, name: &str, values: &[&str]) -> Delivery {
    let mut d = Delivery::post(g.url.clone(), g.ev(tc));
    for v in values {
        d.push_header(name, *v);
    }
    d.push_header("Content-Type", "application/json");
    d
}

/// A near miss of a parameter name (`apikey` → `api_key`).
fn near_miss(name: &str) -> String {
    match name.strip_suffix("key") {
        Some(head) if !head.is_empty() && !head.ends_with('_') => format!("{head}_key"),
        _ => format!("{name}_"),
    }
}

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let Carrier::QueryOrHeader {
        query: q,
        header: h,
    } = g.scheme.carrier
    else {
        return;
    };
    let key = g.secret_text;
    placements(out, q, h, key);
    wrong(out, q, h, key);
    if let Some(decoy) = g.bodies.data.decoy_scheme {
        out.push(case(
            "apikey.decoy",
            I,
            &["ApiKeyPlacement"],
            format!("a `{decoy}` proof instead of the key"),
            move |g, tc| {
                let other =
                    crate::describe::registry::scheme(decoy).ok_or_else(|| Error::Generator {
                        problem: GeneratorProblem::NoScheme {
                            id: decoy.to_string(),
                        },
                    })?;
                let name = other
                    .carrier
                    .header_name()
                    .ok_or_else(|| Error::Generator {
                        problem: GeneratorProblem::NoProofHeader {
                            scheme: decoy.to_string(),
                        },
                    })?;
                let signed = sign::sign(
                    other,
                    &RoleKeys::of(other)?.signing,
                    &Payload::new(g.url.clone(), g.ev(tc), FIXED_NOW),
                )?;
                let mut d = header(g, tc, h, &[]);
                for v in signed.header_values(name) {
                    d.push_header(name, v.to_vec());
                }
                Ok(d)
            },
        ));
    }
}

/// Where the key may travel.
fn placements(out: &mut Vec<Case>, q: &'static str, h: &'static str, key: &'static str) {
    let p = &["ApiKeyPlacement"];
    out.push(case(
        "apikey.header",
        V,
        p,
        format!("key in the {h} header"),
        |g, tc| g.signed(tc, g.ev(tc)),
    ));
    out.push(case(
        "apikey.query",
        V,
        p,
        format!("key in the {q} query parameter"),
        |g, tc| {
            let mut pl = g.payload(tc, 0, g.ev(tc));
            pl.key_placement = KeyPlacement::Query;
            sign::sign(g.scheme, &g.primary, &pl)
        },
    ));
    out.push(case(
        "apikey.percent-encoded",
        V,
        &["PercentEncoding"],
        "key in the query, first character percent-encoded",
        move |g, tc| {
            let mut chars = key.chars();
            let first = chars
                .next()
                .map(|c| format!("%{:02X}", c as u32))
                .unwrap_or_default();
            Ok(query(g, tc, &format!("{q}={first}{}", chars.as_str())))
        },
    ));
    out.push(case(
        "apikey.query-after-others",
        V,
        p,
        "key in the query after other parameters",
        move |g, tc| Ok(query(g, tc, &format!("source=hookspec&env=test&{q}={key}"))),
    ));
    out.push(case(
        "apikey.same-twice",
        A,
        &["SameKeyTwice"],
        "same key in the query and the header",
        move |g, tc| {
            let mut d = query(g, tc, &format!("{q}={key}"));
            d.push_header(h, key);
            Ok(d)
        },
    ));
    let alt = near_miss(q);
    out.push(case(
        "apikey.other-query-name",
        I,
        p,
        format!("key under another query name ({alt})"),
        move |g, tc| Ok(query(g, tc, &format!("{alt}={key}"))),
    ));
    out.push(case(
        "apikey.in-body",
        I,
        p,
        "key in the JSON body only",
        move |g, tc| {
            let mut d = header(g, tc, h, &[]);
            d.body = g
                .bodies
                .body(tc, 0, &format!("\"{q}\":\"{key}\""))
                .into_bytes();
            Ok(d)
        },
    ));
}

/// Wrong, empty, changed and conflicting keys.
fn wrong(out: &mut Vec<Case>, q: &'static str, h: &'static str, key: &'static str) {
    let w = WRONG_SECRET;
    out.push(case(
        "apikey.empty-query",
        I,
        &["EmptySignature"],
        format!("empty {q} query parameter"),
        move |g, tc| Ok(query(g, tc, &format!("{q}="))),
    ));
    out.push(case(
        "apikey.wrong-query",
        I,
        &["WrongKey"],
        "wrong key in the query",
        move |g, tc| Ok(query(g, tc, &format!("{q}={w}"))),
    ));
    let upper = key.to_ascii_uppercase();
    if upper != key {
        let u = upper.clone();
        out.push(case(
            "apikey.header-upper",
            I,
            &["ApiKeyCase"],
            "key in uppercase in the header",
            move |g, tc| Ok(header(g, tc, h, &[&u])),
        ));
        out.push(case(
            "apikey.query-upper",
            I,
            &["ApiKeyCase"],
            "key in uppercase in the query",
            move |g, tc| Ok(query(g, tc, &format!("{q}={upper}"))),
        ));
    }
    out.push(case(
        "apikey.query-nul",
        I,
        &["ExtendedSignature"],
        "key followed by %00 in the query",
        move |g, tc| Ok(query(g, tc, &format!("{q}={key}%00"))),
    ));
    let c = &["ConflictingKeys"];
    out.push(case(
        "apikey.conflict-header-right",
        I,
        c,
        "right key in the header, wrong key in the query",
        move |g, tc| {
            let mut d = query(g, tc, &format!("{q}={w}"));
            d.push_header(h, key);
            Ok(d)
        },
    ));
    out.push(case(
        "apikey.conflict-query-right",
        I,
        c,
        "right key in the query, wrong key in the header",
        move |g, tc| {
            let mut d = query(g, tc, &format!("{q}={key}"));
            d.push_header(h, w);
            Ok(d)
        },
    ));
    out.push(case(
        "apikey.query-twice",
        I,
        c,
        format!("{q} parameter twice: right then wrong"),
        move |g, tc| Ok(query(g, tc, &format!("{q}={key}&{q}={w}"))),
    ));
    out.push(case(
        "apikey.header-twice",
        I,
        &["DuplicateHeader"],
        format!("{h} twice: right then wrong"),
        move |g, tc| Ok(header(g, tc, h, &[key, w])),
    ));
}
