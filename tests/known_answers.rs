//! The providers' published known-answer vectors, verbatim, with their
//! source (`../shared/spec/providers.md` §17, where each was recomputed with
//! Python's `hmac` and Node's `crypto`): each verifies under the built-in
//! scheme, and hookspec's signer reproduces it byte for byte. One named test
//! per vector.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use hookspec::delivery::Delivery;
use hookspec::keys::{SigningKey, Trust};
use hookspec::sign::{sign, Payload};
use hookspec::verify::{verify, Policy};
use hookspec::SchemeId;

struct Vector {
    scheme: &'static str,
    secret: &'static str,
    /// Event id, for schemes that sign it.
    id: Option<&'static str>,
    timestamp: i64,
    body: &'static str,
    /// The proof header and its published value.
    header: (&'static str, &'static str),
    source: &'static str,
}

fn check(v: &Vector) {
    let id: SchemeId = v.scheme.parse().unwrap();
    let s = id.scheme();
    let key = s.shared_key(v.secret.as_bytes()).unwrap();
    let mut p = Payload::new(
        "https://receiver.example/hook",
        v.body.as_bytes().to_vec(),
        v.timestamp,
    );
    p.event_id = v.id.map(str::to_owned);
    let signed = sign(s, &SigningKey::Secret(key.clone()), &p).unwrap();
    let value = signed
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(v.header.0))
        .map(|(_, v)| String::from_utf8(v.clone()).unwrap());
    assert_eq!(
        value.as_deref(),
        Some(v.header.1),
        "{} ({})",
        v.scheme,
        v.source
    );
    // The published request, as the provider sends it, verifies.
    let mut d = Delivery::post("https://receiver.example/hook", v.body.as_bytes().to_vec());
    for (n, val) in &signed.headers {
        if !n.eq_ignore_ascii_case(v.header.0) {
            d.push_header(n, val.clone());
        }
    }
    d.push_header(v.header.0, v.header.1);
    let got = verify(s, &Trust::Secret(key), &d, &Policy::at(v.timestamp + 1));
    assert!(got.is_ok(), "{} ({}): {got:?}", v.scheme, v.source);
}

#[test]
fn standard_webhooks_all_libraries() {
    check(&Vector {
        scheme: "standard-webhooks",
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
        timestamp: 1_614_265_330,
        body: r#"{"test": 2432232314}"#,
        header: (
            "webhook-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        source: "standard-webhooks libraries/javascript/src/webhook.test.ts (all 8 libraries)",
    });
}

#[test]
fn standard_webhooks_rust_library() {
    check(&Vector {
        scheme: "standard-webhooks",
        secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        id: Some("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"),
        timestamp: 1_649_367_553,
        body: r#"{"email":"test@example.com","username":"test_user"}"#,
        header: (
            "webhook-signature",
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        ),
        source: "standard-webhooks libraries/rust/src/lib.rs test_sign",
    });
}

#[test]
fn svix_same_vector_under_svix_headers() {
    check(&Vector {
        scheme: "svix",
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
        timestamp: 1_614_265_330,
        body: r#"{"test": 2432232314}"#,
        header: (
            "svix-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        source: "svix server test_generate_msg_headers_with_signing_key",
    });
}

#[test]
fn github_docs() {
    check(&Vector {
        scheme: "github",
        secret: "It's a Secret to Everybody",
        id: None,
        timestamp: 0,
        body: "Hello, World!",
        header: (
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
        source: "github/docs validating-webhook-deliveries.md",
    });
}

#[test]
fn github_octokit() {
    check(&Vector {
        scheme: "github",
        secret: "mysecret",
        id: None,
        timestamp: 0,
        body: r#"{"foo":"bar"}"#,
        header: (
            "X-Hub-Signature-256",
            "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",
        ),
        source: "octokit/webhooks-methods.js test/common.ts",
    });
}

#[test]
fn slack_docs() {
    check(&Vector {
        scheme: "slack",
        secret: "8f742231b10e8888abcd99yyyzzz85a5",
        id: None,
        timestamp: 1_531_420_618,
        body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        header: (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
        source: "api.slack.com verifying-requests-from-slack; slack_sdk tests/slack_sdk/signature/test_signature_verifier.py",
    });
}
