//! Unit tests of the catalogue and of the builders.

use super::*;
use crate::delivery::Delivery;
use crate::describe::registry::builtins as schemes;
use crate::keys::test_keys::TEST_SECRET;
use crate::keys::{RoleKeys, SigningKey};
use crate::payload::EventFactory;
use crate::scheme::CredentialKind;
use crate::verify::{verify, Policy};

fn keys(scheme: &Scheme) -> (SigningKey, SigningKey) {
    let k = RoleKeys::of(scheme).unwrap();
    match scheme.credential {
        CredentialKind::SharedSecret => (k.signing, SigningKey::Secret(b"another-secret".to_vec())),
        _ => (k.signing, k.unknown),
    }
}

#[test]
fn ids_are_unique_and_well_formed() {
    for s in schemes() {
        let cases = catalogue(s, &CatalogueOptions::default());
        let mut ids: Vec<_> = cases.iter().map(|c| c.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{}: duplicate case ids", s.id);
        for id in ids {
            assert!(id.starts_with(&format!("{}.", s.id)), "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{id}"
            );
        }
    }
}

fn blink_context<'a>(key: &'a SigningKey, events: &'a EventFactory, now: i64) -> BuildContext<'a> {
    BuildContext {
        scheme: crate::describe::registry::scheme("blink-signature").unwrap(),
        key,
        wrong_key: key,
        url: "http://127.0.0.1:8080/hook",
        now,
        events,
    }
}

/// The hex HMAC of `<ts>.<url>.<body>`, computed here with `hmac`
/// directly rather than through `sign`.
fn blink_sig(ts: &str, url: &str, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(TEST_SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}.{url}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn blink_header(d: &Delivery) -> String {
    let v = d.header_values("X-BLINK-SIGNATURE").collect::<Vec<_>>();
    assert_eq!(v.len(), 1, "{d:?}");
    String::from_utf8(v[0].to_vec()).unwrap()
}

#[test]
fn timestamp_forms_are_signed_as_written() {
    let key = SigningKey::Secret(TEST_SECRET.into());
    let events = EventFactory::new("t");
    let now = 1_700_000_000;
    let ctx = blink_context(&key, &events, now);
    let texts: Vec<String> = TimestampForm::ALL.iter().map(|f| f.text(now)).collect();
    assert_eq!(
        texts,
        [
            "-1700000000",
            "1700000000.0",
            "1.7e9",
            "1700000000abc",
            "99999999999999999999"
        ]
    );
    for form in TimestampForm::ALL {
        let d = ctx.build(&Build::TimestampForm(form)).unwrap().delivery;
        let ts = form.text(now);
        let sig = blink_sig(&ts, ctx.url, &d.body);
        assert_eq!(blink_header(&d), format!("ts={ts};sig1={sig}"), "{form:?}");
    }
}

#[test]
fn the_gzip_body_decompresses_to_the_signed_delivery() {
    use std::io::Read;
    let key = SigningKey::Secret(TEST_SECRET.into());
    let events = EventFactory::new("t");
    let ctx = blink_context(&key, &events, 1_700_000_000);
    let d = ctx.build(&Build::GzipBody).unwrap().delivery;
    assert_eq!(
        d.header_values("content-encoding").collect::<Vec<_>>(),
        [b"gzip"]
    );
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&d.body[..])
        .read_to_end(&mut plain)
        .unwrap();
    let mut inflated = d.clone();
    inflated.body = plain;
    inflated.remove_header("content-encoding");
    let policy = Policy::at(1_700_000_000);
    assert!(verify(ctx.scheme, &key.trust(), &inflated, &policy).is_ok());
    assert!(verify(ctx.scheme, &key.trust(), &d, &policy).is_err());
}

#[test]
fn the_exponent_form_is_the_same_value() {
    for now in [1_700_000_000i64, 1_763_856_123, 1_000_000_000, 7, 10, -25] {
        let text = TimestampForm::Exponent.text(now);
        assert!(text.contains('e'), "{text}");
        assert_eq!(text.parse::<f64>().unwrap(), now as f64, "{text}");
    }
}

#[test]
fn header_shapes_and_the_appended_timestamp_carry_valid_signatures() {
    let key = SigningKey::Secret(TEST_SECRET.into());
    let events = EventFactory::new("t");
    let now = 1_700_000_000;
    let ctx = blink_context(&key, &events, now);
    for (sh, want) in [
        (HeaderShape::Reordered, "sig1={sig};ts=1700000000"),
        (HeaderShape::Whitespace, "ts = 1700000000 ; sig1 = {sig}"),
        (
            HeaderShape::ExtraParameter,
            "ts=1700000000;sig1={sig};ext=1",
        ),
    ] {
        let d = ctx.build(&Build::HeaderShape(sh)).unwrap().delivery;
        let sig = blink_sig("1700000000", ctx.url, &d.body);
        assert_eq!(blink_header(&d), want.replace("{sig}", &sig), "{sh:?}");
    }
    let d = ctx
        .build(&Build::FreshTimestampAppended(-302))
        .unwrap()
        .delivery;
    let stale = blink_sig("1699999698", ctx.url, &d.body);
    assert_eq!(
        blink_header(&d),
        format!("ts=1699999698;sig1={stale};ts=1700000000")
    );
}

/// The reject cases that report accepting as information (the vendor's
/// documented verification accepts them, and they are no forgery): the
/// audit of issue 11 against tests/vendor/*.mjs.
#[test]
fn reject_cases_the_vendors_own_code_accepts_are_information() {
    for (s, want) in [
        (
            crate::describe::registry::scheme("blockmark").unwrap(),
            &["proof-one-char-long"][..],
        ),
        (
            crate::describe::registry::scheme("certifylize").unwrap(),
            &["proof-one-char-long"][..],
        ),
        (
            crate::describe::registry::scheme("blink-apikey").unwrap(),
            &[][..],
        ),
        (
            crate::describe::registry::scheme("blink-signature").unwrap(),
            &[][..],
        ),
        (
            crate::describe::registry::scheme("smartasset").unwrap(),
            &["non-ascii-proof"][..],
        ),
        (
            crate::describe::registry::scheme("cometh").unwrap(),
            &[
                "non-ascii-proof",
                "proof-one-char-short",
                "proof-one-char-long",
                "body-byte-appended",
            ][..],
        ),
    ] {
        let got: Vec<String> = catalogue(s, &CatalogueOptions::default())
            .into_iter()
            .filter(|c| {
                c.family == Family::Reject
                    && matches!(
                        c.action,
                        Action::Single {
                            expect: Expect::NoServerError,
                            ..
                        }
                    )
            })
            .map(|c| {
                c.id.trim_start_matches(&format!("{}.reject.", s.id))
                    .to_owned()
            })
            .collect();
        assert_eq!(got, want, "{}", s.id);
    }
}

/// Every built delivery is judged by our own verifier as the case
/// expects: the catalogue's deliveries are what they claim to be.
#[test]
fn built_deliveries_verify_as_the_case_expects() {
    for s in schemes() {
        let (key, wrong) = keys(s);
        let events = EventFactory::new("t");
        let now = 1_700_000_000;
        let ctx = BuildContext {
            scheme: s,
            key: &key,
            wrong_key: &wrong,
            url: "http://127.0.0.1:8080/hook",
            now,
            events: &events,
        };
        let policy = Policy::at(now);
        for case in catalogue(s, &CatalogueOptions::default()) {
            let Action::Single { build, expect } = &case.action else {
                continue;
            };
            let built = ctx
                .build(build)
                .unwrap_or_else(|e| panic!("{}: {e}", case.id));
            let verdict = verify(s, &key.trust(), &built.delivery, &policy);
            match expect {
                Expect::Accept => assert!(verdict.is_ok(), "{}: {verdict:?}", case.id),
                Expect::Reject | Expect::Status(_) => {
                    assert!(verdict.is_err(), "{} verified", case.id)
                }
                _ => {}
            }
        }
    }
}
