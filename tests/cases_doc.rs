//! `docs/cases.md`, the case catalogue as a document, is what the catalogue
//! says today:
//!
//! - `docs_cases_md_is_current`: regenerating it
//!   ([`hookspec::catalogue_doc::markdown`] over every scheme, what
//!   `hookspec cases` prints) gives the checked-in bytes.
//!   `HOOKSPEC_BLESS=1 cargo test --test cases_doc` rewrites the file.
//! - `every_case_id_appears_exactly_once`: every case id of every scheme
//!   (timing case included) is in it once, and it lists no other.
//! - `every_link_into_the_spec_names_a_heading`: each family's section of
//!   docs/spec.md and every `spec.md#anchor` link is a heading there (the
//!   `docs/spec.md §N.M` citations are checked by `tests/spec.rs`).
//! - `json_lists_the_same_cases`: the JSON form has the same cases and
//!   fields.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hookspec::cases::{self, CatalogueOptions};
use hookspec::catalogue_doc::{self, FAMILY_ORDER};
use hookspec::describe::registry::builtins as schemes;

const REGENERATE: &str = "HOOKSPEC_BLESS=1 cargo test --test cases_doc";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases_md() -> PathBuf {
    root().join("docs/cases.md")
}

/// Whether this run rewrites docs/cases.md.
fn blessing() -> bool {
    std::env::var("HOOKSPEC_BLESS").as_deref() == Ok("1")
}

/// docs/cases.md as checked in; with `HOOKSPEC_BLESS=1`, first rewritten
/// (once, whichever test gets here first) from the catalogue.
fn checked_in() -> String {
    static BLESS: std::sync::Once = std::sync::Once::new();
    let path = cases_md();
    if blessing() {
        BLESS.call_once(|| {
            let fresh = catalogue_doc::markdown(schemes());
            if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
                std::fs::write(&path, &fresh).unwrap();
                eprintln!("HOOKSPEC_BLESS: rewrote {}", path.display());
            }
        });
    }
    read(&path)
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}; regenerate with: {REGENERATE}", path.display()))
}

#[test]
fn docs_cases_md_is_current() {
    let fresh = catalogue_doc::markdown(schemes());
    let checked_in = checked_in();
    if checked_in == fresh {
        return;
    }
    let first = checked_in
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| checked_in.lines().count().min(fresh.lines().count()));
    panic!(
        "docs/cases.md is stale: run `{REGENERATE}`\n\
         first difference at line {}:\n  checked in: {}\n  generated:  {}",
        first + 1,
        checked_in.lines().nth(first).unwrap_or("(end of file)"),
        fresh.lines().nth(first).unwrap_or("(end of file)"),
    );
}

#[test]
fn every_case_id_appears_exactly_once() {
    let text = checked_in();
    // Every case of every scheme: the listing's (timing included) and the
    // default catalogue's (a subset).
    let mut ids = BTreeSet::new();
    for s in schemes() {
        for opts in [
            catalogue_doc::listing_options(s),
            CatalogueOptions::default(),
        ] {
            ids.extend(cases::catalogue(s, &opts).into_iter().map(|c| c.id));
        }
    }
    assert!(ids.len() > 250, "only {} case ids", ids.len());
    let timing = ids.iter().filter(|id| id.contains(".timing.")).count();
    assert_eq!(timing, schemes().len(), "one timing case per scheme");
    let mut wrong = Vec::new();
    for id in &ids {
        // In backquotes, so that an id that is a prefix of another one
        // (`….proof` and `….proof-prefix`) is not counted twice.
        let n = text.matches(&format!("`{id}`")).count();
        if n != 1 {
            wrong.push(format!("{id}: {n} times"));
        }
    }
    assert!(
        wrong.is_empty(),
        "case ids not listed exactly once in docs/cases.md (regenerate with: {REGENERATE}):\n{}",
        wrong.join("\n")
    );
    // And no row for a case that no longer exists.
    let listed: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| id.matches('.').count() >= 2)
        .map(str::to_owned)
        .collect();
    let extra: Vec<&String> = listed.difference(&ids).collect();
    assert!(
        extra.is_empty(),
        "docs/cases.md lists cases the catalogue does not have: {extra:?}; regenerate with: {REGENERATE}"
    );
}

/// The headings of docs/spec.md: `(number, title)`, and GitHub's anchor
/// for each (lowercase, spaces to `-`, punctuation other than `-`/`_`
/// dropped).
fn spec_headings() -> (BTreeMap<String, String>, BTreeSet<String>) {
    let text = read(&root().join("docs/spec.md"));
    let mut numbered = BTreeMap::new();
    let mut anchors = BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with('#')) {
        let heading = line.trim_start_matches('#').trim();
        let anchor: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        anchors.insert(anchor);
        if let Some((number, title)) = heading.split_once(' ') {
            numbered.insert(number.trim_end_matches('.').to_owned(), title.to_owned());
        }
    }
    (numbered, anchors)
}

#[test]
fn every_link_into_the_spec_names_a_heading() {
    let (numbered, anchors) = spec_headings();
    for family in FAMILY_ORDER {
        let (number, heading, anchor) = catalogue_doc::spec_section(family);
        assert_eq!(
            numbered.get(number).map(String::as_str),
            Some(heading),
            "{family}: docs/spec.md has no heading `§{number} {heading}`; \
             update catalogue_doc::spec_section"
        );
        assert!(anchors.contains(anchor), "{family}: no anchor #{anchor}");
    }
    let text = checked_in();
    let links: Vec<&str> = text
        .match_indices("](spec.md")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest[..rest.find(')').unwrap()].trim_start_matches('#')
        })
        .collect();
    assert!(
        links.len() >= FAMILY_ORDER.len(),
        "only {} links",
        links.len()
    );
    let broken: Vec<&&str> = links
        .iter()
        .filter(|a| !a.is_empty() && !anchors.contains(**a))
        .collect();
    assert!(
        broken.is_empty(),
        "docs/cases.md links to anchors docs/spec.md does not have: {broken:?}"
    );
}

#[test]
fn json_lists_the_same_cases() {
    let json: serde_json::Value = serde_json::from_str(&catalogue_doc::json(schemes())).unwrap();
    let entries = json.as_array().unwrap();
    let listing = catalogue_doc::listing(schemes());
    assert_eq!(entries.len(), listing.len());
    for (e, (scheme, case)) in entries.iter().zip(&listing) {
        assert_eq!(e["id"], case.id.as_str());
        assert_eq!(e["scheme"], *scheme);
        assert_eq!(e["family"], case.family.as_str());
        assert_eq!(e["level"], case.level.as_str());
        assert_eq!(e["title"], case.title.as_str());
        assert_eq!(e["reference"], case.reference.as_str());
        assert_eq!(e.as_object().unwrap().len(), 6, "{e}");
    }
}
