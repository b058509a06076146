//! The vector generator is rules over the description: a scheme file that
//! is none of the built-ins (`tests/schemes/acme.toml`: a `t=…,v1=…` list,
//! base64 HMAC-SHA512 over `{t}:{body}`, a hex secret) gets vectors too,
//! and hookspec's own verifier agrees with every verdict.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeSet;
use std::path::Path;

use hookspec::scheme::SchemeId;
use hookspec::vectors;

fn acme() -> SchemeId {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemes/acme.toml");
    hookspec::describe::register_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_custom_scheme_gets_valid_vectors() {
    let id = acme();
    let file = vectors::generate(id).unwrap_or_else(|e| panic!("{e}"));
    file.validate().unwrap();
    let back = vectors::from_json(vectors::to_json(&file).as_bytes(), "acme").unwrap();
    assert_eq!(back, file);
    // Deterministic.
    assert_eq!(
        vectors::to_json(&vectors::generate(id).unwrap()),
        vectors::to_json(&file)
    );
    // No ledger: ids 1..=n in rule order.
    let ids: BTreeSet<u32> = file.tests().map(|(_, t)| t.tc_id).collect();
    assert_eq!(ids, (1..=file.number_of_tests as u32).collect());
    assert!(vectors::retired_tc_ids(id).is_empty());
    for (group, test) in file.tests() {
        let verdict = vectors::check(id, group, test);
        assert!(
            test.result.allows(verdict.is_ok()),
            "tc{} {} ({:?}): {verdict:?}",
            test.tc_id,
            test.comment,
            test.result
        );
    }
}

#[test]
fn custom_vectors_come_from_the_description() {
    let id = acme();
    let file = vectors::generate(id).unwrap();
    let flags: BTreeSet<&str> = file
        .tests()
        .flat_map(|(_, t)| t.flags.iter().map(String::as_str))
        .collect();
    for f in [
        "Basic",
        "EventType",
        "HardBody",
        "ModifiedBody",
        "StaleTimestamp",
        "FutureTimestamp",
        "NonCanonicalTimestamp",
        "ParameterSyntax",
        "MissingParameter",
        "WrongAlgorithm",
        "LenientBase64",
        "InvalidBase64",
        "DuplicateHeader",
    ] {
        assert!(flags.contains(f), "no {f} vector");
    }
    // The description's header, keys and separators, never a built-in's.
    let valid = file
        .tests()
        .find(|(_, t)| t.flags == ["Basic"])
        .map(|(_, t)| t.clone())
        .unwrap();
    let sig = valid
        .request
        .headers
        .iter()
        .find(|(n, _)| n == "X-Acme-Signature")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(sig.starts_with("t=1700000000,v1="), "{sig}");
    assert_eq!(
        file.test_groups[0].secret.as_deref(),
        Some("8f3c2a9be17d4c05a6e2b9d0f41c7a3e5b6d7e8f90a1b2c3d4e5f60718293a4b")
    );
    // The valid deliveries carry their own event id (the description's
    // pointer, `/id`).
    let mut seen = BTreeSet::new();
    for (_, t) in file.tests() {
        if t.result != vectors::Expected::Valid {
            continue;
        }
        let d = t.delivery().unwrap();
        if let Some(id) = hookspec::verify::event_id(acme().scheme(), &d) {
            assert!(seen.insert(id.clone()), "event id {id} twice");
        }
    }
    assert!(!seen.is_empty());
    assert_eq!(
        vectors::to_json(&file)
            .matches("hookspec-test-secret")
            .count(),
        0,
        "the scheme's own test secret is used"
    );
}

#[test]
#[ignore = "prints the custom scheme's vectors"]
fn print_custom_vectors() {
    let file = vectors::generate(acme()).unwrap();
    println!("{}", vectors::to_json(&file));
}
