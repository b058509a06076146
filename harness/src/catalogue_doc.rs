//! The case catalogue as a document: every case of the given schemes with
//! its id, level, requirement (the case title) and reference, rendered as
//! Markdown (one section per family, in the order of docs/spec.md §3) or
//! as JSON. `hookspec cases` prints it; `docs/cases.md` is the checked-in
//! Markdown of every scheme, kept current by `tests/cases_doc.rs`.
//!
//! The listing uses [`listing_options`]: the options of a run with the
//! timing case gated (`hookspec run --timing --timing-gate`, the in-process
//! `Suite::timing`). Options change what a case sends, never which cases
//! exist (the timing case aside), their ids, titles or references.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::cases::{self, Case, CatalogueOptions, Family};
use crate::scheme::{Level, Scheme};

/// The families in the order of docs/spec.md §3 (idempotency and ordering
/// share §3.6; timing, §3.9, comes before robustness, §3.10).
pub const FAMILY_ORDER: [Family; 13] = [
    Family::Accept,
    Family::Reject,
    Family::List,
    Family::Status,
    Family::Echo,
    Family::Handshake,
    Family::Freshness,
    Family::Idempotency,
    Family::Ordering,
    Family::Rotation,
    Family::Latency,
    Family::Timing,
    Family::Robustness,
];

/// The docs/spec.md section a family's requirements and rationale are in:
/// its number, its heading and the heading's anchor. `tests/cases_doc.rs`
/// checks each against the headings of docs/spec.md.
pub fn spec_section(family: Family) -> (&'static str, &'static str, &'static str) {
    match family {
        Family::Accept => (
            "3.1",
            "Valid deliveries are accepted",
            "31-valid-deliveries-are-accepted",
        ),
        Family::Reject => ("3.2", "Forgeries are rejected", "32-forgeries-are-rejected"),
        Family::Status => (
            "3.3",
            "Documented status codes",
            "33-documented-status-codes",
        ),
        Family::Echo | Family::Handshake => (
            "3.4",
            "Echo and other handshakes",
            "34-echo-and-other-handshakes",
        ),
        Family::Freshness => ("3.5", "Freshness and replay", "35-freshness-and-replay"),
        Family::Idempotency | Family::Ordering => (
            "3.6",
            "Duplicates and ordering",
            "36-duplicates-and-ordering",
        ),
        Family::Rotation => ("3.7", "Key rotation", "37-key-rotation"),
        Family::Latency => ("3.8", "Responsiveness", "38-responsiveness"),
        Family::Timing => ("3.9", "Timing behaviour", "39-timing-behaviour"),
        Family::Robustness => ("3.10", "Robustness", "310-robustness"),
        Family::List => ("3.11", "Signature lists", "311-signature-lists"),
    }
}

/// The catalogue options the listing uses for `scheme`: the default
/// timestamp window ([`crate::verify::DEFAULT_TOLERANCE_S`]), the scheme's
/// own sender timeout (as `hookspec run` uses), and the timing case at
/// `MUST` (the catalogue lowers it to `MAY` for the asymmetric schemes; a
/// run over HTTP without `--timing-gate` reports it as `MAY` for every
/// scheme).
pub fn listing_options(scheme: &Scheme) -> CatalogueOptions {
    CatalogueOptions {
        tolerance_s: crate::verify::DEFAULT_TOLERANCE_S,
        timing: Some(Level::Must),
        timeout: Duration::from_millis(scheme.sender_timeout_ms),
    }
}

/// Every case of `schemes`, scheme by scheme, in catalogue order.
pub fn listing(schemes: &[&Scheme]) -> Vec<(&'static str, Case)> {
    schemes
        .iter()
        .flat_map(|s| {
            let id = s.id;
            cases::catalogue(s, &listing_options(s))
                .into_iter()
                .map(move |c| (id, c))
        })
        .collect()
}

/// One case in the JSON listing.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    id: &'a str,
    scheme: &'a str,
    family: &'static str,
    level: &'static str,
    title: &'a str,
    reference: &'a str,
}

/// The cases of `schemes` as a JSON array of
/// `{id, scheme, family, level, title, reference}`, in catalogue order,
/// pretty-printed, with a final newline.
pub fn json(schemes: &[&Scheme]) -> String {
    let listing = listing(schemes);
    let entries: Vec<Entry<'_>> = listing
        .iter()
        .map(|(scheme, c)| Entry {
            id: &c.id,
            scheme,
            family: c.family.as_str(),
            level: c.level.as_str(),
            title: &c.title,
            reference: &c.reference,
        })
        .collect();
    // Serializing plain strings cannot fail; an empty array if it ever did.
    let mut text = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// Escapes `text` for a Markdown table cell: `|` as `\|` (also inside code
/// spans, where GitHub's tables need it too), line breaks as `<br>`, and
/// `<` outside code spans as `&lt;` (so that a `<placeholder>` is not read
/// as HTML).
pub fn table_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '<' if !in_code => out.push_str("&lt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The cases of `schemes` as Markdown: an introduction, the schemes with
/// their vendor documents, then one section per family (in
/// [`FAMILY_ORDER`], each linking its docs/spec.md section) with a table
/// of case id, level, requirement and reference. `docs/cases.md` is this
/// for every scheme.
pub fn markdown(schemes: &[&Scheme]) -> String {
    let listing = listing(schemes);
    let mut md = String::new();
    // Writing to a String cannot fail: the results are ignored below.
    let _ = writeln!(md, "# hookspec case catalogue\n");
    let _ = writeln!(
        md,
        "<!-- Generated by `hookspec cases --format markdown`{}. Do not edit: \
         docs/cases.md is regenerated by `HOOKSPEC_BLESS=1 cargo test --test cases_doc`. -->\n",
        if schemes.len() == 1 {
            schemes
                .first()
                .map(|s| format!(" --scheme {}", s.id))
                .unwrap_or_default()
        } else {
            String::new()
        }
    );
    md.push_str(
        "Every case hookspec runs against a receiver: its stable id \
         (`<scheme>.<family>.<name>`), its level (MUST, SHOULD or MAY: what failing it \
         does to the exit code, [docs/spec.md §4](spec.md#4-outputs-and-exit-codes)), \
         the requirement it checks (what is sent and what is expected) and its reference, \
         exactly as a report prints it: the vendor document the requirement comes from \
         ([docs/spec.md §1](spec.md#1-scope-and-terms) lists them) and the section of \
         [docs/spec.md](spec.md) that states the requirement with its rationale and the \
         conventions it relies on.\n\n",
    );
    let _ = writeln!(
        md,
        "Listed with the options of `hookspec run --timing --timing-gate`: a {} s \
         timestamp window, each scheme's documented sender timeout, and the timing case \
         (which runs only with `--timing`) at MUST for the shared-secret schemes; over \
         HTTP without `--timing-gate` it is MAY. Options change what a case sends, never \
         its id, requirement or reference.\n",
        crate::verify::DEFAULT_TOLERANCE_S
    );
    md.push_str("| scheme | cases | vendor document |\n|---|---|---|\n");
    for s in schemes {
        let n = listing.iter().filter(|(id, _)| *id == s.id).count();
        let _ = writeln!(
            md,
            "| {} | {n} | {} |",
            table_cell(&format!("`{}`", s.id)),
            table_cell(s.reference)
        );
    }
    for family in FAMILY_ORDER {
        let (number, heading, anchor) = spec_section(family);
        let _ = writeln!(md, "\n## `{family}`: {heading}\n");
        let _ = writeln!(
            md,
            "Requirement and rationale: [docs/spec.md §{number} {heading}](spec.md#{anchor}).\n"
        );
        let rows: Vec<&Case> = listing
            .iter()
            .map(|(_, c)| c)
            .filter(|c| c.family == family)
            .collect();
        if rows.is_empty() {
            md.push_str("No case of these schemes is in this family.\n");
            continue;
        }
        md.push_str("| case id | level | requirement | reference |\n|---|---|---|---|\n");
        for c in rows {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                table_cell(&format!("`{}`", c.id)),
                c.level,
                table_cell(&c.title),
                table_cell(&c.reference)
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_line_breaks() {
        assert_eq!(table_cell("a|b"), "a\\|b");
        assert_eq!(table_cell("`a|b`"), "`a\\|b`");
        assert_eq!(
            table_cell("one\ntwo\r\nthree\rfour"),
            "one<br>two<br>three<br>four"
        );
        assert_eq!(table_cell("<now> `<now>`"), "&lt;now> `<now>`");
    }

    #[test]
    fn every_family_has_a_place_in_the_order() {
        let mut seen = std::collections::BTreeSet::new();
        for s in crate::describe::registry::builtins() {
            for c in cases::catalogue(s, &listing_options(s)) {
                seen.insert(c.family);
            }
        }
        for f in seen {
            assert!(
                FAMILY_ORDER.contains(&f),
                "{f} is missing from FAMILY_ORDER"
            );
        }
    }
}
