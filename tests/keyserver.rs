//! The provider key-server emulation, over loopback.

// Test helpers outside #[test] functions: clippy.toml's allow-*-in-tests
// does not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use hookspec::keys::test_keys;
use hookspec::keys::{self, SigningKey};
use hookspec::keyserver::{self, PublishedKeys};
use hookspec::scheme::{KeyDocument, TestKeyPair as TestKey};
use hookspec::sign;

const LIMIT: Duration = Duration::from_secs(20);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn json(r: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

fn keys(list: &[TestKey]) -> PublishedKeys {
    let signing: Vec<SigningKey> = list.iter().map(|k| k.signing_key().unwrap()).collect();
    PublishedKeys::from_signing_keys(&signing)
}

/// The path of the scheme's route serving `document`, from its description.
fn route(scheme: &str, document: KeyDocument) -> &'static str {
    hookspec::describe::registry::scheme(scheme)
        .unwrap()
        .key_routes
        .iter()
        .find(|r| r.document == document)
        .unwrap()
        .path
}

fn ed_hex(k: TestKey) -> String {
    keys::test_keys::ed25519_hex(&k.signing_key().unwrap()).unwrap()
}

#[tokio::test]
async fn key_routes_publish_and_rotate() {
    tokio::time::timeout(LIMIT, async {
        let ks = keyserver::start(
            "127.0.0.1:0".parse().unwrap(),
            keys(&[test_keys::pair("smartasset", test_keys::Role::Signing).unwrap(), test_keys::pair("cometh", test_keys::Role::Signing).unwrap()]),
        )
        .await
        .unwrap();
        let c = client();
        let base = ks.base_url();
        assert_eq!(base, format!("http://{}", ks.local_addr()));

        let ed = c
            .get(format!("{base}{}", route("smartasset", KeyDocument::HexKeyListJson)))
            .send()
            .await
            .unwrap();
        assert_eq!(ed.status(), 200);
        assert_eq!(ed.headers()["cache-control"], "no-store");
        let v: serde_json::Value = json(ed).await;
        assert_eq!(
            v,
            serde_json::json!({"publicKeys": [ed_hex(test_keys::pair("smartasset", test_keys::Role::Signing).unwrap())]})
        );

        let pem = c
            .get(format!("{base}{}", route("cometh", KeyDocument::SpkiPem)))
            .send()
            .await
            .unwrap();
        assert_eq!(pem.status(), 200);
        let pem = pem.text().await.unwrap();
        assert_eq!(
            keys::rsa_from_spki_pem(&pem).unwrap(),
            keys::rsa_from_spki_pem(test_keys::pair("cometh", test_keys::Role::Signing).unwrap().public_pem).unwrap()
        );
        assert_eq!(ks.fetch_count(), 2);

        ks.publish(keys(&[test_keys::pair("smartasset", test_keys::Role::Signing).unwrap(), test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap()]))
            .unwrap();
        let v: serde_json::Value = c
            .get(format!("{base}{}", route("smartasset", KeyDocument::HexKeyListJson)))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice(&b).unwrap())
            .unwrap();
        assert_eq!(
            v["publicKeys"],
            serde_json::json!([ed_hex(test_keys::pair("smartasset", test_keys::Role::Signing).unwrap()), ed_hex(test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap())])
        );
        // No RSA key published any more.
        let none = c
            .get(format!("{base}{}", route("cometh", KeyDocument::SpkiPem)))
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 404);
        assert_eq!(ks.fetch_count(), 4);

        // Wrong method, unknown route.
        let post = c
            .post(format!("{base}{}", route("cometh", KeyDocument::SpkiPem)))
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 405);
        let missing = c.get(format!("{base}/nope")).send().await.unwrap();
        assert_eq!(missing.status(), 404);

        let addr = ks.local_addr();
        ks.shutdown().await.unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn check_event_signature() {
    tokio::time::timeout(LIMIT, async {
        let ks = keyserver::start(
            "127.0.0.1:0".parse().unwrap(),
            keys(&[test_keys::pair("smartasset", test_keys::Role::Signing).unwrap(), test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap()]),
        )
        .await
        .unwrap();
        let url = format!("{}{}", ks.base_url(), route("smartasset", KeyDocument::CheckSignatureJson));
        let c = client();
        let event = r#"{"name":"Transfer","tokenId":"1","raw":{"id":"x","note":"é/😀"}}"#;
        let envelope = |k: TestKey, event: &str| {
            let key = k.signing_key().unwrap();
            let p = sign::Payload::new("http://h/", event.as_bytes(), 0);
            sign::sign(hookspec::describe::registry::scheme("smartasset").unwrap(), &key, &p).unwrap().body
        };
        let post = |body: Vec<u8>| c.post(&url).body(body).send();

        let r = post(envelope(test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap(), event)).await.unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = json(r).await;
        assert_eq!(
            v,
            serde_json::json!({"valid": true, "publicKey": ed_hex(test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap())})
        );

        let r = post(envelope(test_keys::pair("smartasset", test_keys::Role::Unknown).unwrap(), event))
            .await
            .unwrap();
        let v: serde_json::Value = json(r).await;
        assert_eq!(v, serde_json::json!({"valid": false, "publicKey": null}));

        // Tampered event: not valid.
        let mut tampered = envelope(test_keys::pair("smartasset", test_keys::Role::Signing).unwrap(), event);
        let at = tampered.iter().position(|b| *b == b'T').unwrap();
        tampered[at] = b't';
        let v: serde_json::Value = json(post(tampered).await.unwrap()).await;
        assert_eq!(v["valid"], false);

        // A signature that is not hex, or not 64 bytes: not valid.
        for sig in ["zz", "00", ""] {
            let body = format!(r#"{{"event":{event},"signature":"{sig}"}}"#);
            let r = post(body.into_bytes()).await.unwrap();
            assert_eq!(r.status(), 200);
            let v: serde_json::Value = json(r).await;
            assert_eq!(v["valid"], false, "{sig}");
        }

        // Malformed requests: 400, never 5xx.
        for body in [
            &b"not json"[..],
            b"{}",
            b"[]",
            br#"{"event":{}}"#,
            br#"{"signature":"00"}"#,
            br#"{"event":{},"signature":5}"#,
            b"\xff\xfe",
            b"",
        ] {
            let r = post(body.to_vec()).await.unwrap();
            assert_eq!(r.status(), 400, "{}", String::from_utf8_lossy(body));
        }
        // Bounded body.
        let huge = vec![b' '; keyserver::MAX_CHECK_BODY + 1];
        let r = post(huge).await;
        if let Ok(r) = r {
            assert_eq!(r.status(), 413);
        }
        // Checking does not count as fetching keys.
        assert_eq!(ks.fetch_count(), 0);
        drop(ks);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    tokio::time::timeout(LIMIT, async {
        let ks = keyserver::start("127.0.0.1:0".parse().unwrap(), PublishedKeys::default())
            .await
            .unwrap();
        let addr = ks.local_addr();
        assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
        drop(ks);
        // Stopping happens in the background: poll for it.
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
}

/// The compatibility constants name the built-in descriptions' routes.
#[test]
fn builtin_route_constants_come_from_the_descriptions() {
    assert_eq!(
        keyserver::ED25519_ROUTE.to_string(),
        route("smartasset", KeyDocument::HexKeyListJson)
    );
    assert_eq!(
        keyserver::RSA_ROUTE.to_string(),
        route("cometh", KeyDocument::SpkiPem)
    );
    assert_eq!(
        keyserver::CHECK_ROUTE.to_string(),
        route("smartasset", KeyDocument::CheckSignatureJson)
    );
}

/// A scheme file's own routes: the key server serves exactly them, and the
/// reference receiver fetches its keys from the route its description names.
#[tokio::test]
async fn routes_come_from_the_description() {
    use hookspec::describe::registry::{self, Files};
    use hookspec::receiver::{Receiver, ReceiverConfig, TrustSource};
    use tower::ServiceExt;

    tokio::time::timeout(LIMIT, async {
        let old_keys = route("smartasset", KeyDocument::HexKeyListJson);
        let old_check = route("smartasset", KeyDocument::CheckSignatureJson);
        let text = registry::builtin_text("smartasset")
            .unwrap()
            .replace("id = \"smartasset\"", "id = \"acme-rotating-keys\"")
            .replace(old_keys, "/v2/keys")
            .replace("member = \"publicKeys\"", "member = \"keys\"")
            .replace(old_check, "/v2/check");
        let schemes = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemes");
        let id = registry::register(&text, "acme.toml", &Files::Dir(&schemes)).unwrap();
        let scheme = id.scheme();
        assert_eq!(scheme.key_route().unwrap().path, "/v2/keys");

        let signing = test_keys::pair("smartasset", test_keys::Role::Signing).unwrap();
        let ks = keyserver::start_for("127.0.0.1:0".parse().unwrap(), scheme, keys(&[signing]))
            .await
            .unwrap();
        let base = ks.base_url();
        let c = client();
        let v = json(c.get(format!("{base}/v2/keys")).send().await.unwrap()).await;
        assert_eq!(v, serde_json::json!({"keys": [ed_hex(signing)]}));
        // Only the description's routes.
        for path in [old_keys, old_check, route("cometh", KeyDocument::SpkiPem)] {
            let r = c.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
        }
        let r = c.get(format!("{base}/v2/check")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["allow"], "POST");
        let r = c.post(format!("{base}/v2/keys")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(ks.fetch_count(), 1);

        // The reference receiver fetches from the description's route.
        let app = Receiver::new(ReceiverConfig::new(id, TrustSource::key_server(&base)))
            .unwrap()
            .router();
        let event = scheme
            .sample_event
            .replace("@ID@", "e1")
            .replace("@TYPE@", "t")
            .replace("@TOKEN@", "1")
            .replace("@BLOCK@", "1");
        let p = sign::Payload::new("http://h/hook", event.into_bytes(), 0);
        let d = sign::sign(scheme, &signing.signing_key().unwrap(), &p).unwrap();
        let req = axum::http::Request::post("/hook")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(d.body))
            .unwrap();
        let resp = app.oneshot(req).await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(ks.fetch_count(), 2);
        ks.shutdown().await.unwrap();
    })
    .await
    .unwrap();
}
