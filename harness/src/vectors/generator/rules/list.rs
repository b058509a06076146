//! A signature list (a versioned list, or a key/value list whose signature
//! key repeats): any counted entry may match, whatever stands beside it;
//! a shortened signature or one filed under a version that does not count
//! never does; malformed entries beside the valid one are either.

use super::super::{Gen, FIXED_NOW};
use super::{case, Case};
use crate::error::GeneratorProblem;
use crate::keys::SigningKey;
use crate::scheme::Carrier;
use crate::vectors::Expected::{Acceptable as A, Invalid as I, Valid as V};
use crate::Error;

/// How the list is written: the separator between entries, between an
/// entry's version and its value, the version that counts, and what comes
/// before the entries (`t=<ts>` for a key/value list).
struct Shape {
    list: &'static str,
    version: &'static str,
    counted: &'static str,
    head: Option<String>,
}

impl Shape {
    fn of(carrier: Carrier) -> Option<Shape> {
        match carrier {
            Carrier::VersionedList {
                list_separator,
                version_separator,
                accept,
                ..
            } => Some(Shape {
                list: list_separator,
                version: version_separator,
                counted: accept.first().copied()?,
                head: None,
            }),
            Carrier::TimestampedHeader {
                ts_key,
                sig_key,
                pair_separator,
                key_separator,
                repeatable: true,
                ..
            } => Some(Shape {
                list: pair_separator,
                version: key_separator,
                counted: sig_key,
                head: Some(format!("{ts_key}{key_separator}{FIXED_NOW}")),
            }),
            _ => None,
        }
    }

    /// The header value with these entries.
    fn value(&self, entries: &[String]) -> String {
        self.head
            .iter()
            .chain(entries)
            .cloned()
            .collect::<Vec<_>>()
            .join(self.list)
    }

    /// A counted entry holding `text`.
    fn entry(&self, text: &str) -> String {
        format!("{}{}{text}", self.counted, self.version)
    }
}

/// The encoded proof of `tc`'s delivery under the `i`-th key the receiver
/// does not trust (the wrong secret with `i` appended).
fn other_text(g: &Gen, tc: u32, i: u8) -> Result<String, Error> {
    let key = match &g.wrong {
        SigningKey::Secret(s) => {
            let mut s = s.clone();
            s.push(i);
            SigningKey::Secret(s)
        }
        other => other.clone(),
    };
    g.text_for(&key, &g.payload(tc, 0, g.ev(tc)))
}

/// A rule whose header value `entries(g, shape, tc)` composes.
fn rule(
    key: &'static str,
    result: crate::vectors::Expected,
    flag: &'static str,
    comment: String,
    entries: impl Fn(&Gen, &Shape, u32) -> Result<Vec<String>, Error> + 'static,
) -> Case {
    case(key, result, &[flag], comment, move |g, tc| {
        let shape = Shape::of(g.scheme.carrier).ok_or(Error::Generator {
            problem: GeneratorProblem::NotSignatureList,
        })?;
        let value = shape.value(&entries(g, &shape, tc)?);
        g.rewrite_header(tc, None, value)
    })
}

pub(super) fn cases(g: &Gen, out: &mut Vec<Case>) {
    let Some(shape) = Shape::of(g.scheme.carrier) else {
        return;
    };
    let (v, sep) = (shape.counted, shape.version);
    let other = g.scheme.carrier.uncounted_version();
    out.push(rule(
        "list.wrong-then-valid",
        V,
        "SignatureList",
        format!("{v}{sep}<wrong> then {v}{sep}<valid>"),
        |g, s, tc| {
            Ok(vec![
                s.entry(&other_text(g, tc, 0)?),
                s.entry(&g.valid_text(tc)?),
            ])
        },
    ));
    out.push(rule(
        "list.valid-then-wrong",
        V,
        "SignatureList",
        format!("{v}{sep}<valid> then {v}{sep}<wrong>"),
        |g, s, tc| {
            Ok(vec![
                s.entry(&g.valid_text(tc)?),
                s.entry(&other_text(g, tc, 0)?),
            ])
        },
    ));
    out.push(rule(
        "list.rotation",
        V,
        "SignatureList",
        "two entries signed with other secrets, then the valid one (a secret rotation)".into(),
        |g, s, tc| {
            Ok(vec![
                s.entry(&other_text(g, tc, 1)?),
                s.entry(&other_text(g, tc, 2)?),
                s.entry(&g.valid_text(tc)?),
            ])
        },
    ));
    out.push(rule(
        "list.eight-characters",
        I,
        "SignaturePrefix",
        "only the first 8 characters of the valid signature".into(),
        |g, s, tc| {
            let valid = g.valid_text(tc)?;
            Ok(vec![s.entry(valid.get(..8).unwrap_or(&valid))])
        },
    ));
    let o = other.clone();
    out.push(rule(
        "list.other-version",
        I,
        "UncountedVersion",
        format!("the valid signature as {other}{sep}…, a version that does not count"),
        move |g, s, tc| Ok(vec![format!("{o}{}{}", s.version, g.valid_text(tc)?)]),
    ));
    out.push(rule(
        "list.no-separator-then-valid",
        A,
        "MalformedListEntry",
        format!("an entry without `{sep}`, then the valid one"),
        |g, s, tc| {
            Ok(vec![
                format!("{}{}", s.counted, other_text(g, tc, 0)?),
                s.entry(&g.valid_text(tc)?),
            ])
        },
    ));
    out.push(rule(
        "list.double-separator",
        A,
        "MalformedListEntry",
        "a wrong entry, the list separator doubled, then the valid one".into(),
        |g, s, tc| {
            Ok(vec![
                s.entry(&other_text(g, tc, 0)?),
                String::new(),
                s.entry(&g.valid_text(tc)?),
            ])
        },
    ));
}
