//! The case families the providers brought (issue 13, point 6): signature
//! lists, timestamps in a header of their own, redeliveries with the
//! sender's retry markers. A test receiver written from each provider's
//! documentation (`support/providers.rs`) passes every case strict; with
//! one defect, a run fails **exactly** the listed cases, each with the
//! expected outcome (FAIL for MUST, WARN for SHOULD), and nothing else.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use hookspec::runner::{Outcome, RunReport};
use hookspec::SchemeId;
use support::providers::PROVIDERS;
use support::{assert_exactly, exit_codes, Defect};

use Outcome::{Fail, Warn};

async fn run(scheme: &str, defect: Defect) -> RunReport {
    let scheme: SchemeId = scheme.parse().unwrap();
    support::run(&support::config(scheme), defect).await
}

#[tokio::test]
async fn the_provider_receiver_without_defect_passes_every_case_strict() {
    for scheme in PROVIDERS {
        let report = run(scheme, Defect::None).await;
        assert_exactly(&report, &format!("{:?}", Defect::None), &[]);
        assert_eq!(exit_codes(&report), (0, 0), "{scheme}");
    }
}

/// `const [version, sig] = header.split(' ')[0].split(',')`: only the first
/// entry of the list is looked at, so a sender in the middle of a secret
/// rotation (or any entry before the valid one) is refused.
#[tokio::test]
async fn checks_only_the_first_list_entry() {
    let d = Defect::FirstListEntryOnly;
    for scheme in ["standard-webhooks", "svix", "stripe"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{d:?}"),
            &[
                ("list.wrong-entry-before-valid", Fail),
                ("list.rotated-secrets", Fail),
            ],
        );
        assert_eq!(exit_codes(&report), (1, 1), "{scheme}");
    }
}

/// `(version, signature) = entry.split(",")` and `b64decode(signature)`
/// without a handler: a malformed entry beside the valid one is a 500,
/// which the information cases of the list family still fail (they allow
/// only 2xx or 4xx), and so is every signature that is no base64.
#[tokio::test]
async fn unpacks_each_list_entry_without_a_handler() {
    let d = Defect::UnwrapsListEntry;
    for scheme in ["standard-webhooks", "svix"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{d:?}"),
            &[
                ("list.malformed-no-separator", Fail),
                ("list.malformed-double-separator", Fail),
                ("list.malformed-encoding", Fail),
                ("reject.proof-prefix", Fail),
                ("reject.proof-one-char-short", Fail),
                ("reject.proof-one-char-long", Fail),
                ("reject.proof-bad-alphabet", Fail),
            ],
        );
    }
}

/// Every entry counts whatever its version: the valid signature filed
/// under `v2,` (or Stripe's `v0=`) is accepted.
#[tokio::test]
async fn counts_entries_of_any_version() {
    let d = Defect::IgnoresListVersion;
    for scheme in ["standard-webhooks", "svix", "stripe"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{:?}", d),
            &[("list.other-version-only", Fail)],
        );
    }
}

/// CVE-2024-21491: the comparison stops at the end of what the sender
/// provided, so 8 characters of a signature (or half of it) pass. (Half of
/// a 44-character base64 signature is no valid base64, so the base64
/// providers refuse `reject.proof-prefix` before comparing; 8 characters
/// and the signature one byte short decode.)
#[tokio::test]
async fn accepts_a_signature_cut_short_in_a_list() {
    let d = Defect::AcceptsSignaturePrefix;
    for scheme in ["standard-webhooks", "svix"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{d:?}"),
            &[
                ("list.eight-characters", Fail),
                ("reject.proof-one-byte-short", Fail),
            ],
        );
    }
    let report = run("stripe", d).await;
    assert_exactly(
        &report,
        &format!("{d:?}"),
        &[
            ("list.eight-characters", Fail),
            ("reject.proof-prefix", Fail),
            ("reject.proof-one-byte-short", Fail),
        ],
    );
}

/// `headers.get(ts).unwrap().to_str().unwrap().parse::<i64>().unwrap()`: a
/// missing, empty or odd timestamp header is a 500.
#[tokio::test]
async fn unwraps_the_timestamp_header() {
    let d = Defect::UnwrapsTimestampHeader;
    for scheme in ["standard-webhooks", "svix", "slack", "discord"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{d:?}"),
            &[
                ("reject.timestamp-header-missing", Fail),
                ("reject.timestamp-header-empty", Fail),
                ("robustness.timestamp-decimal", Fail),
                ("robustness.timestamp-exponent", Fail),
                ("robustness.timestamp-trailing-junk", Fail),
                ("robustness.timestamp-beyond-i64", Fail),
            ],
        );
    }
}

/// A replay cache keyed by the signature header, no dedupe by event id:
/// identical copies are caught, but a redelivery — signed anew, with
/// Slack's `X-Slack-Retry-Num` — is processed a second time.
#[tokio::test]
async fn dedupes_by_signature_instead_of_event_id() {
    let d = Defect::DedupesBySignature;
    for scheme in ["slack", "standard-webhooks", "stripe"] {
        let report = run(scheme, d).await;
        assert_exactly(
            &report,
            &format!("{d:?}"),
            &[("idempotency.redelivery-processed-once", Warn)],
        );
        // SHOULD: a warning, which only --strict turns into a failure.
        assert_eq!(exit_codes(&report), (0, 1), "{scheme}");
    }
}

/// No dedupe at all: every duplicate and the redelivery are processed again.
#[tokio::test]
async fn no_dedupe_on_a_provider_with_retry_markers() {
    let d = Defect::NoDedupe;
    let report = run("slack", d).await;
    assert_exactly(
        &report,
        &format!("{d:?}"),
        &[
            ("idempotency.duplicate-processed-once", Warn),
            ("idempotency.concurrent-duplicates", Warn),
            ("idempotency.redelivery-processed-once", Warn),
            ("freshness.replay", Warn),
        ],
    );
}
