//! The engine runs the shapes the big providers use, described by scheme
//! files only: a versioned signature list with any-of semantics, a timestamp
//! in a header of its own, a signed message made of header values, a
//! `whsec_` secret, fixed headers, a repeatable key/value proof and a
//! one-sided window. Checked against published known-answer vectors
//! (`../shared/spec/providers.md` §17: Standard Webhooks' own test vectors).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use hookspec::delivery::Delivery;
use hookspec::describe::{self, Files};
use hookspec::keys::{SigningKey, Trust};
use hookspec::sign::{sign, Payload};
use hookspec::verify::{verify, Policy};
use hookspec::SchemeId;

const LISTED: &str = r#"id = "shape-versioned-list"
summary = "webhook-signature: v1,<base64 HMAC-SHA256> list; webhook-id, webhook-timestamp"
reference = "tests/engine_shapes.rs (the Standard Webhooks shape)"

[credential]
kind = "shared-secret"
secret_decoding = "whsec-base64"

[proof]
carrier = "header"
header = "webhook-signature"
syntax = "versioned-list"
list_separator = " "
version_separator = ","
accept = ["v1"]

[signature]
algorithm = "hmac-sha256"
message = "{header:webhook-id}.{header:webhook-timestamp}.{body}"
encoding = "base64"

[timestamp]
from = "header"
name = "webhook-timestamp"
past_tolerance_s = 300
future_tolerance_s = 300

[idempotency]
header = "webhook-id"

[[headers]]
name = "webhook-id"
value = "{id}"

[[headers]]
name = "X-Shape-Version"
value = "2024-01"

[events]
sample = '{"type":"@TYPE@","data":{"n":1}}'
"#;

fn listed() -> SchemeId {
    describe::register(LISTED, "listed.toml", &Files::Builtin).unwrap_or_else(|e| panic!("{e}"))
}

fn delivery(id: &str, ts: &str, body: &str, sig: &str) -> Delivery {
    let mut d = Delivery::post("https://receiver.example/hook", body.as_bytes().to_vec());
    d.push_header("webhook-id", id);
    d.push_header("webhook-timestamp", ts);
    d.push_header("webhook-signature", sig);
    d
}

fn trust(id: SchemeId, secret: &str) -> Trust {
    Trust::Secret(id.scheme().shared_key(secret.as_bytes()).unwrap())
}

/// Standard Webhooks' published vectors verify (stdwh-1, stdwh-2).
#[test]
fn standard_webhooks_known_answers_verify() {
    let id = listed();
    for (secret, msg, ts, body, sig) in [
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            r#"{"test": 2432232314}"#,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        (
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            "1649367553",
            r#"{"email":"test@example.com","username":"test_user"}"#,
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        ),
    ] {
        let now: i64 = ts.parse().unwrap();
        let d = delivery(msg, ts, body, sig);
        let got = verify(id.scheme(), &trust(id, secret), &d, &Policy::at(now + 10));
        assert_eq!(got.map(|v| v.event_id), Ok(Some(msg.to_owned())), "{msg}");
        // Our signer produces the same bytes.
        let mut p = Payload::new(d.url.clone(), body.as_bytes().to_vec(), now);
        p.event_id = Some(msg.to_owned());
        let key = SigningKey::Secret(id.scheme().shared_key(secret.as_bytes()).unwrap());
        let signed = sign(id.scheme(), &key, &p).unwrap();
        let value = |n: &str| {
            signed
                .headers
                .iter()
                .find(|(h, _)| h == n)
                .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
        };
        assert_eq!(value("webhook-signature").as_deref(), Some(sig));
        assert_eq!(value("webhook-timestamp").as_deref(), Some(ts));
        assert_eq!(value("webhook-id").as_deref(), Some(msg));
        assert_eq!(value("X-Shape-Version").as_deref(), Some("2024-01"));
    }
}

/// Any entry may match: a rotation sends the old and the new signature;
/// other versions are ignored; none of the counted version matching is a
/// rejection; so is a wrong id, timestamp or body (all signed).
#[test]
fn any_listed_entry_may_match_and_everything_signed_is_checked() {
    let id = listed();
    let s = id.scheme();
    let t = trust(id, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let (msg, ts, body) = (
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        r#"{"test": 2432232314}"#,
    );
    let good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let at = Policy::at(1_614_265_330);
    let ok = |sig: &str| verify(s, &t, &delivery(msg, ts, body, sig), &at).is_ok();
    assert!(ok(&format!("v1,{other} v1,{good}")));
    assert!(ok(&format!("v1,{good} v1,{other}")));
    assert!(ok(&format!("v2,{other} v1,{good}")));
    assert!(ok(&format!("v1,not-base64 v1,{good}")));
    assert!(!ok(&format!("v2,{good}")), "only v1 entries count");
    assert!(!ok(&format!("v1,{other}")));
    assert!(!ok("v1,"));
    assert!(!ok(""));
    assert!(!ok(&format!("v1,{}", &good[..8])), "eight characters of it");
    let sig = format!("v1,{good}");
    assert!(verify(s, &t, &delivery("msg_other", ts, body, &sig), &at).is_err());
    assert!(verify(s, &t, &delivery(msg, "1614265331", body, &sig), &at).is_err());
    assert!(verify(
        s,
        &t,
        &delivery(msg, ts, r#"{"test":2432232314}"#, &sig),
        &at
    )
    .is_err());
    // The timestamp header: missing, not a number, stale.
    let mut d = delivery(msg, ts, body, &sig);
    d.remove_header("webhook-timestamp");
    assert!(verify(s, &t, &d, &at).is_err());
    assert!(verify(s, &t, &delivery(msg, "16142653x0", body, &sig), &at).is_err());
    assert!(verify(
        s,
        &t,
        &delivery(msg, ts, body, &sig),
        &Policy::at(1_614_265_330 + 301)
    )
    .is_err());
    assert!(verify(
        s,
        &t,
        &delivery(msg, ts, body, &sig),
        &Policy::at(1_614_265_330 - 301)
    )
    .is_err());
}

/// A repeatable key/value proof (`t=…,v1=…,v1=…`) and a window checked
/// only in the past (a provider whose library accepts future timestamps).
#[test]
fn repeatable_list_keys_and_one_sided_windows() {
    let text = r#"id = "shape-repeatable"
summary = "Sig: t=<ts>,v1=<hex>,v1=<hex>"
reference = "tests/engine_shapes.rs (the Stripe shape)"

[credential]
kind = "shared-secret"

[proof]
carrier = "header"
header = "Sig"
syntax = "kv-list"
pair_separator = ","
key_separator = "="
accept = ["v1"]
repeatable = true

[signature]
algorithm = "hmac-sha256"
message = "{param:t}.{body}"
encoding = "hex"

[timestamp]
from = "param"
name = "t"
past_tolerance_s = 300

[idempotency]
pointer = "/id"

[events]
sample = '{"id":"@ID@","type":"@TYPE@"}'
"#;
    let id = describe::register(text, "repeatable.toml", &Files::Builtin)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = id.scheme();
    let key = SigningKey::Secret(b"whsec_test_secret".to_vec());
    let p = Payload::new(
        "https://r.example/h",
        &br#"{"id":"evt_1"}"#[..],
        1_700_000_000,
    );
    let d = sign(s, &key, &p).unwrap();
    let header = String::from_utf8(d.headers[0].1.clone()).unwrap();
    assert!(header.starts_with("t=1700000000,v1="), "{header}");
    let other = format!("v1={}", "0".repeat(64));
    let mut two = d.clone();
    two.set_header("Sig", format!("{header},{other}"));
    let mut first = d.clone();
    first.set_header("Sig", format!("t=1700000000,{other},{}", &header[13..]));
    for (what, d) in [("one", &d), ("valid first", &two), ("valid second", &first)] {
        assert!(
            verify(s, &key.trust(), d, &Policy::at(1_700_000_000)).is_ok(),
            "{what}"
        );
    }
    // Past side checked, future side not (as the description says).
    assert!(verify(s, &key.trust(), &d, &Policy::at(1_700_000_000 + 301)).is_err());
    assert!(verify(s, &key.trust(), &d, &Policy::at(1_700_000_000 - 3600)).is_ok());
}

/// The reference receiver, built from the description, passes the whole
/// suite for the listed shape, strict: the case catalogue, the signer and the
/// verifier agree on a scheme none of the built-ins has.
#[test]
fn the_listed_shape_passes_its_own_suite_strict() {
    let id = listed();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let report = rt.block_on(hookspec::demo::run_demo(id, |_| {})).unwrap();
    let bad: Vec<String> = report
        .results
        .iter()
        .filter(|r| !matches!(r.outcome, hookspec::runner::Outcome::Pass))
        .map(|r| format!("{} {:?}: {}", r.case.id, r.outcome, r.detail))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(hookspec::report::verdict(&report, true, None).exit_code, 0);
}
