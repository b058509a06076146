//! The specification the reports cite is the one shipped in the repository
//! (`docs/spec.md`):
//!
//! - `no_source_cites_the_design_note`: no library source names the
//!   internal design note that lives outside the repository;
//! - `every_case_reference_cites_a_section_of_the_spec`: the `§N.M` in the
//!   reference of every case of every scheme (timing case included) is a
//!   heading of `docs/spec.md`;
//! - `every_citation_of_the_spec_names_a_section_that_exists`: the same for
//!   every `docs/spec.md §…` written in the sources, the tests, the READMEs,
//!   the generated case catalogue (`docs/cases.md`), the benches' notes and
//!   the vector files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hookspec::cases::{self, CatalogueOptions};
use hookspec::scheme::Level;
use hookspec::SchemeId;

/// How a reference cites the specification.
const CITATION: &str = "docs/spec.md §";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The section numbers of `docs/spec.md`'s headings (`## 2 …`,
/// `### 3.1 …`; a trailing dot is allowed).
fn spec_sections() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/spec.md")).expect("docs/spec.md");
    text.lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
        .map(|n| n.trim_end_matches('.').to_owned())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect()
}

/// Every section `text` cites as `docs/spec.md §N.M`.
fn cited_sections(text: &str) -> Vec<String> {
    text.match_indices(CITATION)
        .map(|(i, m)| {
            text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
                .trim_end_matches('.')
                .to_owned()
        })
        .collect()
}

/// Text files under `dir` (recursively) with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            files(&path, exts, out);
        } else if path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.contains(&x))
        {
            out.push(path);
        }
    }
}

#[test]
fn no_source_cites_the_design_note() {
    // Spelled in two pieces so that this file does not name it either.
    let note = ["CONFOR", "MANCE.md"].concat();
    let mut sources = Vec::new();
    files(&root().join("harness/src"), &["rs"], &mut sources);
    assert!(sources.len() > 10, "found only {sources:?}");
    let citing: Vec<String> = sources
        .iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains(&note))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        citing.is_empty(),
        "these sources cite the internal design note {note}; cite docs/spec.md instead:\n{}",
        citing.join("\n")
    );
}

#[test]
fn every_case_reference_cites_a_section_of_the_spec() {
    let sections = spec_sections();
    let with_timing = CatalogueOptions {
        timing: Some(Level::Must),
        ..CatalogueOptions::default()
    };
    let mut checked = 0;
    let mut timing_cases = 0;
    for scheme in SchemeId::builtins() {
        for opts in [CatalogueOptions::default(), with_timing] {
            for case in cases::catalogue(scheme.scheme(), &opts) {
                let cited = cited_sections(&case.reference);
                assert_eq!(
                    cited.len(),
                    1,
                    "{}: the reference `{}` must cite one section as `{CITATION}N.M`",
                    case.id,
                    case.reference
                );
                assert!(
                    sections.contains(&cited[0]),
                    "{}: the reference `{}` cites §{}, which is not a heading of docs/spec.md (headings: {sections:?})",
                    case.id,
                    case.reference,
                    cited[0]
                );
                checked += 1;
                if case.family == cases::Family::Timing {
                    timing_cases += 1;
                }
            }
        }
    }
    assert!(checked > 400, "only {checked} cases");
    assert_eq!(
        timing_cases,
        SchemeId::builtins().len(),
        "one timing case per scheme"
    );
}

#[test]
fn every_citation_of_the_spec_names_a_section_that_exists() {
    let sections = spec_sections();
    let root = root();
    let mut paths = vec![root.join("README.md"), root.join("docs/cases.md")];
    files(&root.join("harness/src"), &["rs"], &mut paths);
    files(&root.join("tests"), &["rs", "md"], &mut paths);
    files(&root.join("benches"), &["rs", "md"], &mut paths);
    files(&root.join("vectors"), &["md", "json"], &mut paths);
    let mut missing = Vec::new();
    let mut found = 0;
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // A citation without a number is a template (`§{}` in a format
        // string, this file's own constant), not a citation.
        for s in cited_sections(&text).into_iter().filter(|s| !s.is_empty()) {
            found += 1;
            if !sections.contains(&s) {
                missing.push(format!("{}: §{s}", path.display()));
            }
        }
    }
    assert!(found > 10, "only {found} citations found");
    assert!(
        missing.is_empty(),
        "citations of sections docs/spec.md does not have:\n{}",
        missing.join("\n")
    );
}
