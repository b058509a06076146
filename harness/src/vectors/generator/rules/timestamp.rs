//! A signed timestamp, in a key/value header or in a header of its own:
//! the window's edges, timestamp spellings, and for a key/value header the
//! list's syntax and (when the URL is signed) other URLs and other message
//! layouts; for a header of its own, the header missing or empty.

use super::super::{Gen, GroupKind, FIXED_NOW};
use super::{case, Case};
use crate::delivery::Delivery;
use crate::error::GeneratorProblem;
use crate::parse::KvList;
use crate::scheme::{MessagePart, TimestampReading};
use crate::sign;
use crate::vectors::Expected::{self, Acceptable as A, Invalid as I, Valid as V};
use crate::verify::DEFAULT_TOLERANCE_S;
use crate::Error;

/// A delivery of `tc`'s event posted to `sent_url` whose proof covers
/// `signed_ts` and `signed_url` and whose list says `sent_ts`.
fn signed_over(
    g: &Gen,
    tc: u32,
    (signed_ts, sent_ts): (&str, &str),
    (signed_url, sent_url): (&str, &str),
) -> Result<Delivery, Error> {
    let list = kv(g)?;
    let ev = g.ev(tc);
    let msg = sign::signed_message(g.scheme, signed_ts, signed_url, ev.as_bytes());
    let text = g.encode(&sign::proof(g.scheme, &g.primary, &msg)?);
    let value = list.join(&[(list.ts_key, sent_ts), (list.sig_key, &text)]);
    g.rewrite_header(tc, Some(sent_url), value)
}

/// A delivery of `tc`'s event whose proof covers the timestamp written
/// `signed_ts` and whose timestamp says `sent_ts` (`None`: the timestamp
/// header removed), wherever the scheme carries its timestamp.
fn signed_as(g: &Gen, tc: u32, signed_ts: &str, sent_ts: Option<&str>) -> Result<Delivery, Error> {
    let Some(name) = g.scheme.timestamp_header() else {
        return signed_over(
            g,
            tc,
            (signed_ts, sent_ts.unwrap_or_default()),
            (&g.url, &g.url),
        );
    };
    let p = g.payload(tc, 0, g.ev(tc));
    let msg = sign::payload_message(g.scheme, &p, signed_ts);
    let text = g.encode(&sign::proof(g.scheme, &g.primary, &msg)?);
    let mut d = g.place(&p, &text)?;
    match sent_ts {
        Some(t) => d.set_header(name, t),
        None => d.remove_header(name),
    }
    Ok(d)
}

fn kv(g: &Gen) -> Result<KvList, Error> {
    g.scheme.carrier.kv_list().ok_or(Error::Generator {
        problem: GeneratorProblem::NotKeyValueList,
    })
}

/// Signed at `ts` (the engine's own signing).
fn at(key: String, result: Expected, flag: &'static str, comment: String, ts: i64) -> Case {
    case(key, result, &[flag], comment, move |g, tc| {
        let mut p = g.payload(tc, 0, g.ev(tc));
        p.timestamp = ts;
        sign::sign(g.scheme, &g.primary, &p)
    })
}

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let sides = Sides::of(g);
    let reading = g
        .scheme
        .timestamp
        .map(|t| t.library_reading)
        .unwrap_or_default();
    if let (Some(name), true) = (g.scheme.timestamp_header(), g.scheme.signs_timestamp()) {
        window(g, sides, out);
        spellings(name, sides, reading, out);
        header(name, out);
        return;
    }
    let Some(list) = g.scheme.carrier.kv_list() else {
        return;
    };
    if !g.scheme.message.signs_timestamp() {
        return;
    }
    window(g, sides, out);
    spellings(list.ts_key, sides, reading, out);
    syntax(list, out);
    if g.scheme.message.signs_url() {
        urls(g, out);
    }
    layouts(g, out);
}

/// Which sides of the window the provider's own verification checks
/// (`scheme.timestamp`; both when the description says nothing).
#[derive(Clone, Copy)]
struct Sides {
    past: bool,
    future: bool,
}

impl Sides {
    fn of(g: &Gen) -> Self {
        let (past, future) = g
            .scheme
            .timestamp
            .map_or((true, true), |t| (t.checks_past, t.checks_future));
        Sides { past, future }
    }

    /// The verdict, flag and comment suffix of a correctly signed
    /// timestamp outside the window on the past (`future == false`) or
    /// future side: invalid when the provider checks that side, else
    /// acceptable (a receiver using the provider's library accepts it).
    fn outside(self, future: bool) -> (Expected, &'static str, &'static str) {
        match (future, if future { self.future } else { self.past }) {
            (false, true) => (I, "StaleTimestamp", ""),
            (true, true) => (I, "FutureTimestamp", ""),
            (false, false) => (
                A,
                "UncheckedPastTimestamp",
                " (the provider's library does not check the past side)",
            ),
            (true, false) => (
                A,
                "UncheckedFutureTimestamp",
                " (the provider's library does not check the future side)",
            ),
        }
    }
}

/// Inside and outside the window (and the narrow window, if any).
fn window(g: &Gen, sides: Sides, out: &mut Vec<Case>) {
    let tol = i64::try_from(DEFAULT_TOLERANCE_S).unwrap_or(i64::MAX);
    let now = FIXED_NOW;
    let (inside, outside) = (tol - 1, tol + 1);
    out.push(at(
        "ts.past-inside".into(),
        V,
        "FreshTimestamp",
        format!("timestamp {inside} s in the past"),
        now - inside,
    ));
    out.push(at(
        "ts.future-inside".into(),
        V,
        "FreshTimestamp",
        format!("timestamp {inside} s in the future"),
        now + inside,
    ));
    let (past_r, past_f, past_c) = sides.outside(false);
    let (future_r, future_f, future_c) = sides.outside(true);
    out.push(at(
        "ts.past-outside".into(),
        past_r,
        past_f,
        format!("timestamp {outside} s in the past{past_c}"),
        now - outside,
    ));
    out.push(at(
        "ts.future-outside".into(),
        future_r,
        future_f,
        format!("timestamp {outside} s in the future{future_c}"),
        now + outside,
    ));
    out.push(at(
        "ts.zero".into(),
        past_r,
        past_f,
        format!("timestamp 0{past_c}"),
        0,
    ));
    out.push(case(
        "ts.modified",
        I,
        &["ModifiedTimestamp"],
        "timestamp changed after signing",
        |g, tc| {
            let (now, later) = (FIXED_NOW.to_string(), (FIXED_NOW + 10).to_string());
            signed_as(g, tc, &now, Some(&later))
        },
    ));
    let Some(n) = g.bodies.data.narrow_window_s else {
        return;
    };
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let (inside, outside) = (n - 1, n + 1);
    let narrow = [
        (
            "ts.narrow.past-inside",
            V,
            "FreshTimestamp",
            format!("timestamp {inside} s in the past, window {n} s"),
            now - inside,
        ),
        (
            "ts.narrow.past-outside",
            past_r,
            past_f,
            format!("timestamp {outside} s in the past, window {n} s{past_c}"),
            now - outside,
        ),
        (
            "ts.narrow.future-outside",
            future_r,
            future_f,
            format!("timestamp {outside} s in the future, window {n} s{future_c}"),
            now + outside,
        ),
    ];
    for (key, result, flag, comment, ts) in narrow {
        out.push(at(key.into(), result, flag, comment, ts).group(GroupKind::Narrow));
    }
}

/// Non-canonical spellings of the timestamp, signed as sent or over the
/// canonical value.
///
/// `t` names the timestamp (its list key, or its header). A provider whose
/// library checks no side of the window never reads the timestamp as a
/// number: every spelling signed as sent verifies there.
fn spellings(t: &'static str, sides: Sides, reading: TimestampReading, out: &mut Vec<Case>) {
    let now = FIXED_NOW;
    let unread = !sides.past && !sides.future;
    let lenient = [
        ("plus", format!("+{now}"), format!("+{t}")),
        (
            "leading-zero",
            format!("0{now}"),
            format!("{t} with a leading zero"),
        ),
        ("fraction", format!("{now}.0"), format!("{t}.0")),
    ];
    for (name, sent, what) in &lenient {
        let s = sent.clone();
        out.push(case(
            format!("ts.as-sent.{name}"),
            A,
            &["NonCanonicalTimestampSigned"],
            format!("{what}, signed as sent"),
            move |g, tc| signed_as(g, tc, &s, Some(&s)),
        ));
    }
    let canonical_signed = [
        ("plus", format!("+{now}"), format!("+{t}")),
        ("leading-zero", format!("0{now}"), "leading zero".to_owned()),
        ("fraction", format!("{now}.0"), format!("{t}.0")),
        ("exponent", "1.7e9".to_owned(), "1.7e9".to_owned()),
        ("junk", format!("{now}abc"), "trailing junk".to_owned()),
    ];
    for (name, sent, what) in canonical_signed {
        // A library that reads the text as a number and signs the number
        // it read verifies these (parseInt reads the exponent as 1).
        let lenient = match reading {
            TimestampReading::ParseInt => name != "exponent",
            TimestampReading::Numeric => true,
            TimestampReading::Canonical => false,
        };
        let (result, flag, why) = if lenient {
            (
                A,
                "LenientTimestampReading",
                " (the provider's library reads it as a number)",
            )
        } else {
            (I, "NonCanonicalTimestamp", "")
        };
        out.push(case(
            format!("ts.canonical-signed.{name}"),
            result,
            &[flag],
            format!("{what}, signed over the canonical {t}{why}"),
            move |g, tc| signed_as(g, tc, &FIXED_NOW.to_string(), Some(&sent)),
        ));
    }
    let invalid = [
        ("junk", format!("{now}abc"), "trailing junk"),
        ("exponent", "1e9".to_owned(), "1e9"),
        ("negative", format!("-{now}"), "negative timestamp"),
        (
            "overflow",
            "99999999999999999999".to_owned(),
            "timestamp beyond i64",
        ),
        (
            "millis",
            format!("{now}000"),
            "milliseconds instead of seconds",
        ),
        ("nan", "NaN".to_owned(), "NaN"),
        ("empty", String::new(), "empty ts"),
    ];
    for (name, sent, what) in invalid {
        let what = if name == "empty" {
            format!("empty {t}")
        } else {
            what.to_owned()
        };
        // Milliseconds are canonical digits whose value, read as seconds,
        // lies far in the future: outside the window only on that side.
        let (result, flag, side) = if unread {
            (
                A,
                "UnreadTimestamp",
                " (the provider's library never reads it as a number)",
            )
        } else if name == "millis" && !sides.future {
            sides.outside(true)
        } else {
            (I, "NonCanonicalTimestamp", "")
        };
        out.push(case(
            format!("ts.as-sent.{name}"),
            result,
            &[flag],
            format!("{what}, signed as sent{side}"),
            move |g, tc| signed_as(g, tc, &sent, Some(&sent)),
        ));
    }
}

/// A timestamp header of its own, removed or emptied after signing.
fn header(name: &'static str, out: &mut Vec<Case>) {
    for (key, sent, what) in [
        ("tsh.missing", None, format!("{name} missing")),
        ("tsh.empty", Some(""), format!("{name} empty")),
    ] {
        out.push(case(
            key,
            I,
            &["MissingTimestamp"],
            format!("{what}, the signature over the current time"),
            move |g, tc| signed_as(g, tc, &FIXED_NOW.to_string(), sent),
        ));
    }
}

/// The list's syntax: order, whitespace, extra and missing parameters.
fn syntax(list: KvList, out: &mut Vec<Case>) {
    let (t, s) = (list.ts_key, list.sig_key);
    let (pair, kv) = (char::from(list.pair), char::from(list.kv));
    let other_key = if s == "v1" { "v2" } else { "v1" };
    let extra_key = if t == "v" || s == "v" { "x" } else { "v" };
    type Value = Box<dyn Fn(&str, &str) -> String>;
    let rules: [(&str, Expected, &'static str, String, Value); 6] = [
        (
            "kv.reordered",
            A,
            "ParameterSyntax",
            format!("{s} before {t}"),
            Box::new(move |ts, sig| format!("{s}{kv}{sig}{pair}{t}{kv}{ts}")),
        ),
        (
            "kv.spaced",
            A,
            "ParameterSyntax",
            format!("whitespace around {pair} and {kv}"),
            Box::new(move |ts, sig| format!("{t} {kv} {ts} {pair} {s} {kv} {sig}")),
        ),
        (
            "kv.extra-param",
            A,
            "ParameterSyntax",
            "unknown extra parameter".into(),
            Box::new(move |ts, sig| format!("{t}{kv}{ts}{pair}{s}{kv}{sig}{pair}{extra_key}{kv}1")),
        ),
        (
            "kv.no-proof",
            I,
            "MissingParameter",
            format!("{s} missing"),
            Box::new(move |ts, _| format!("{t}{kv}{ts}")),
        ),
        (
            "kv.no-timestamp",
            I,
            "MissingParameter",
            format!("{t} missing"),
            Box::new(move |_, sig| format!("{s}{kv}{sig}")),
        ),
        (
            "kv.other-proof-key",
            I,
            "MissingParameter",
            format!("{other_key}{kv} instead of {s}{kv}"),
            Box::new(move |ts, sig| format!("{t}{kv}{ts}{pair}{other_key}{kv}{sig}")),
        ),
    ];
    for (key, result, flag, comment, value) in rules {
        out.push(case(key, result, &[flag], comment, move |g, tc| {
            let ts = FIXED_NOW.to_string();
            let sig = g.valid_text(tc)?;
            g.rewrite_header(tc, None, value(&ts, &sig))
        }));
    }
}

/// The proof covers another URL than the one posted to.
fn urls(g: &Gen, out: &mut Vec<Case>) {
    let u = g.url.clone();
    out.push(case(
        "url.with-query",
        V,
        &["SignedUrl"],
        "URL with a query, signed including the query",
        |g, tc| {
            let u = format!("{}?workflow=42&env=prod", g.url);
            let now = FIXED_NOW.to_string();
            signed_over(g, tc, (&now, &now), (&u, &u))
        },
    ));
    let other_path = match u.rsplit_once('/') {
        Some((head, _)) => format!("{head}/other"),
        None => format!("{u}/other"),
    };
    let q = format!("{u}?workflow=42");
    let pairs = [
        (
            "url.other-path",
            "signed for another path",
            other_path,
            u.clone(),
        ),
        (
            "url.extra-query",
            "signed with a query the request does not have",
            q.clone(),
            u.clone(),
        ),
        (
            "url.missing-query",
            "signed without the query the request has",
            u.clone(),
            q,
        ),
        (
            "url.other-host",
            "signed for another host",
            u.replacen("://receiver.example", "://attacker.example", 1),
            u.clone(),
        ),
        (
            "url.other-port",
            "signed for another port",
            u.replacen("://receiver.example/", "://receiver.example:8443/", 1),
            u.clone(),
        ),
        (
            "url.http",
            "signed for http instead of https",
            u.replacen("https://", "http://", 1),
            u.clone(),
        ),
    ];
    for (key, comment, signed, sent) in pairs {
        out.push(case(key, I, &["OtherUrl"], comment, move |g, tc| {
            let now = FIXED_NOW.to_string();
            signed_over(g, tc, (&now, &now), (&signed, &sent))
        }));
    }
}

/// A template part as a comment names it.
fn part_name(p: &MessagePart) -> &'static str {
    match p {
        MessagePart::Literal(l) => l,
        MessagePart::Timestamp => "ts",
        MessagePart::Url => "url",
        MessagePart::Body => "body",
        MessagePart::Event => "event",
        MessagePart::Header(h) => h,
    }
}

/// The proof covers another message layout.
fn layouts(g: &Gen, out: &mut Vec<Case>) {
    let parts = g.scheme.message.parts;
    if g.scheme.message.signs_url() {
        // The URL and the literal after it left out.
        let mut kept: Vec<MessagePart> = Vec::new();
        let mut skip = false;
        for p in parts {
            match p {
                MessagePart::Url => skip = true,
                MessagePart::Literal(_) if skip => skip = false,
                other => {
                    skip = false;
                    kept.push(*other);
                }
            }
        }
        let shown: String = kept.iter().map(part_name).collect();
        out.push(case(
            "message.no-url",
            I,
            &["WrongMessage"],
            format!("signed over {shown}, URL left out"),
            move |g, tc| {
                let ts = FIXED_NOW.to_string();
                let ev = g.ev(tc);
                let msg: Vec<u8> = kept
                    .iter()
                    .flat_map(|p| match p {
                        MessagePart::Literal(l) => l.as_bytes().to_vec(),
                        MessagePart::Timestamp => ts.as_bytes().to_vec(),
                        MessagePart::Url => g.url.as_bytes().to_vec(),
                        MessagePart::Body | MessagePart::Event => ev.as_bytes().to_vec(),
                        // Only the timestamp's own header has a value here.
                        MessagePart::Header(h) => {
                            if g.scheme.timestamp_header() == Some(*h) {
                                ts.as_bytes().to_vec()
                            } else {
                                Vec::new()
                            }
                        }
                    })
                    .collect();
                with_proof_over(g, tc, &msg)
            },
        ));
    }
    if g.scheme.message.signs_body() && !g.scheme.message.is_raw_body() {
        out.push(case(
            "message.body-only",
            I,
            &["WrongMessage"],
            "signed over the body alone",
            |g, tc| with_proof_over(g, tc, g.ev(tc).as_bytes()),
        ));
    }
}

/// `tc`'s delivery with a proof over `msg`.
fn with_proof_over(g: &Gen, tc: u32, msg: &[u8]) -> Result<Delivery, Error> {
    let list = kv(g)?;
    let text = g.encode(&sign::proof(g.scheme, &g.primary, msg)?);
    let ts = FIXED_NOW.to_string();
    g.rewrite_header(
        tc,
        None,
        list.join(&[(list.ts_key, &ts), (list.sig_key, &text)]),
    )
}
