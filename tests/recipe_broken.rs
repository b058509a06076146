//! The linked `cargo test` recipe (`hookspec::testing::Suite::linked`) run
//! against broken receivers of `tests/support`: exactly the expected case
//! ids fail, and the same receiver without its defect passes everything.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::runner::Outcome;
use hookspec::testing::Suite;
use hookspec::SchemeId;
use support::Defect;

/// Runs the recipe in-process; returns the ids that did not pass.
fn not_passing(scheme: SchemeId, defect: Defect) -> BTreeSet<String> {
    let report = Suite::linked(scheme, move |env| {
        support::router(scheme, defect, env.key_server_url())
    })
    .path(format!("/hooks/{scheme}"))
    .secret(TEST_SECRET)
    .effects_path("/_effects")
    .strict(true)
    .configure(|c| {
        c.rotation_window = Duration::from_secs(3);
        c.settle = Duration::from_millis(300);
    })
    .run_blocking()
    .unwrap();
    assert!(report.unreachable.is_none());
    report
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(|r| format!("{} {}", r.outcome.as_str(), r.case.id))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn accepting_a_signature_prefix_fails_exactly_the_prefix_cases() {
    assert_eq!(
        not_passing(
            "certifylize".parse::<SchemeId>().unwrap(),
            Defect::AcceptsSignaturePrefix
        ),
        set(&[
            "FAIL certifylize.reject.proof-one-byte-short",
            "FAIL certifylize.reject.proof-prefix"
        ])
    );
}

#[test]
fn ignoring_the_prefix_fails_exactly_the_prefix_cases() {
    assert_eq!(
        not_passing(
            "certifylize".parse::<SchemeId>().unwrap(),
            Defect::IgnoresPrefix
        ),
        set(&[
            "FAIL certifylize.reject.missing-prefix",
            "FAIL certifylize.reject.wrong-prefix-sha1"
        ])
    );
}

#[test]
fn echoing_without_a_token_fails_exactly_that_case() {
    assert_eq!(
        not_passing(
            "blockmark".parse::<SchemeId>().unwrap(),
            Defect::EchoWithoutToken
        ),
        set(&["FAIL blockmark.echo.requires-valid-token"])
    );
}

#[test]
fn trusting_only_the_first_key_fails_exactly_the_rotation() {
    assert_eq!(
        not_passing(
            "smartasset".parse::<SchemeId>().unwrap(),
            Defect::TrustsFirstKeyOnly
        ),
        set(&["FAIL smartasset.rotation.new-key-accepted"])
    );
}

#[test]
fn wrong_status_codes_only_warn() {
    assert_eq!(
        not_passing(
            "certifylize".parse::<SchemeId>().unwrap(),
            Defect::WrongStatusCodes
        ),
        set(&[
            "WARN certifylize.status.invalid-proof",
            "WARN certifylize.status.missing-proof"
        ])
    );
}

#[test]
fn without_its_defect_the_receiver_passes_everything() {
    for scheme in [
        "certifylize".parse::<SchemeId>().unwrap(),
        "blockmark".parse::<SchemeId>().unwrap(),
        "smartasset".parse::<SchemeId>().unwrap(),
    ] {
        assert_eq!(
            not_passing(scheme, Defect::None),
            BTreeSet::new(),
            "{scheme}"
        );
    }
}
