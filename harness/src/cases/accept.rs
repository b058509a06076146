//! The `accept` family, docs/spec.md §3.1: a validly signed delivery —
//! every body kind, every documented event type, every way of carrying the
//! proof — is accepted (2xx) and processed exactly once.

use super::{valid, Build, Catalogue, Expect, Family, UrlEdit};
use crate::payload::BodyKind;
use crate::scheme::{Carrier, Level};
use crate::sign::KeyPlacement;

/// Adds the `accept` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    use Build as B;
    let scheme = c.scheme;
    for kind in BodyKind::ALL {
        if kind == BodyKind::Large1m || (scheme.canonical_json && !kind.is_js_canonical()) {
            continue;
        }
        c.single(
            Family::Accept,
            kind.name(),
            Level::Must,
            &format!(
                "a valid delivery with a {} body is accepted (2xx) and processed",
                kind.name()
            ),
            valid(kind),
            Expect::Accept,
        );
    }
    for t in scheme.event_types {
        c.single(
            Family::Accept,
            &format!("event-type.{}", id_safe(t)),
            Level::Must,
            &format!("a valid `{t}` event is accepted (2xx) and processed"),
            B::Valid {
                kind: BodyKind::Plain,
                event_type: Some(t),
                placement: KeyPlacement::Header,
            },
            Expect::Accept,
        );
    }
    if scheme.message.signs_url() {
        c.single(
            Family::Accept,
            "url-with-query",
            Level::Must,
            "a valid delivery to the webhook URL with a query is accepted (the signed URL includes the query)",
            B::ValidAtUrl(UrlEdit::Query),
            Expect::Accept,
        );
    }
    if let Some(name) = scheme.carrier.header_name() {
        c.single(
            Family::Accept,
            "header-names-title-case",
            Level::Must,
            &format!("a valid delivery whose header names are sent in Title-Case (`{}`, as many senders write them; hookspec otherwise sends lowercase) is accepted: header names are case-insensitive", title_case(name)),
            B::TitleCaseNames,
            Expect::Accept,
        );
    }
    if let Carrier::QueryOrHeader { query, header } = scheme.carrier {
        c.single(
            Family::Accept,
            "key-in-query",
            Level::Must,
            &format!("the key in `?{query}=` is accepted"),
            B::Valid {
                kind: BodyKind::Plain,
                event_type: None,
                placement: KeyPlacement::Query,
            },
            Expect::Accept,
        );
        c.single(
            Family::Accept,
            "key-in-header",
            Level::Must,
            &format!("the key in `{header}` is accepted"),
            valid(BodyKind::Plain),
            Expect::Accept,
        );
    }
}

/// `name` as an HTTP/1 Title-Case transport spells it (`x-token` →
/// `X-Token`).
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `text` as a piece of a case id: characters outside `[A-Za-z0-9._-]`
/// become `-` (an event type such as Shopify's `orders/create`).
fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}
