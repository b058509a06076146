//! The reference receiver against valid, forged, duplicate, stale, rotated
//! and malformed deliveries, for every scheme.
//!
//! Most tests drive the `Router` in-process (`tower::ServiceExt::oneshot`);
//! those about the wire (garbage headers hyper must parse, `serve`, the key
//! server) use loopback TCP on ephemeral ports. Every network wait is
//! bounded.

// Test helpers outside #[test] functions: clippy.toml's allow-*-in-tests
// does not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::Router;
use hookspec::keys::test_keys;
use hookspec::keys::{RoleKeys, SigningKey, Trust};
use hookspec::keyserver::{self, PublishedKeys};
use hookspec::receiver::{self, Clock, Receiver, ReceiverConfig, TrustSource};
use hookspec::scheme::{Carrier, EventId, ExtraHeader};
use hookspec::sign::{sign, KeyPlacement, Payload};
use hookspec::{Delivery, SchemeId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

const NOW: i64 = 1_700_000_000;
const URL: &str = "http://receiver.test/hooks/in?tenant=7";
const LIMIT: Duration = Duration::from_secs(20);

async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, fut)
        .await
        .expect("the test took too long")
}

/// The scheme's own signing key: its test secret decoded as it says
/// (`whsec_…`, hex), or its checked-in signing pair.
fn key(id: SchemeId) -> SigningKey {
    RoleKeys::of(id.scheme()).unwrap().signing
}

fn config(id: SchemeId) -> ReceiverConfig {
    let mut c = ReceiverConfig::new(id, TrustSource::Static(key(id).trust()));
    c.clock = Clock::Fixed(NOW);
    c
}

fn receiver(id: SchemeId) -> Router {
    Receiver::new(config(id)).unwrap().router()
}

/// The event JSON for `scheme`, carrying `event_id` where the scheme's rule
/// looks for it (the `event` member for `smartasset`).
fn event(id: SchemeId, event_id: &str) -> Vec<u8> {
    match id.as_str() {
        "blockmark" => format!(
            r#"{{"event":"issued_certificate.created","data":{{"slug":"{event_id}","name_on_certificate":"Zoë Ünal","custom_fields":{{}}}}}}"#
        ),
        "certifylize" => r#"{"type":"edu.credential.issued","createdAt":"2026-01-15T12:34:56.000Z","data":{"credentialId":"markerxyz","status":"ACTIVE"}}"#.to_owned(),
        "smartasset" => smartasset_event(event_id, "756328716", 28_644_254),
        "blink-apikey" | "blink-signature" | "cometh" => format!(
            r#"{{"id":"{event_id}","type":"ORDER_LISTED","note":"markerxyz","amount":12345678901234567890}}"#
        ),
        // The providers: the description's sample event, markers filled,
        // with a `note` member holding the marker `tamper` flips.
        _ => sample_event(id, event_id),
    }
    .into_bytes()
}

/// `id`'s sample event (`[events] sample`) with `@ID@` and `@TYPE@` filled
/// and `"note":"markerxyz"` as its first member.
fn sample_event(id: SchemeId, event_id: &str) -> String {
    let s = id.scheme();
    let filled = s
        .sample_event
        .replace("@ID@", event_id)
        .replace("@TYPE@", s.event_types.first().copied().unwrap_or("ping"));
    assert!(
        filled.starts_with('{') && !filled.contains("@ID@") && !filled.contains("@TYPE@"),
        "{id}: {filled}"
    );
    format!(r#"{{"note":"markerxyz",{}"#, &filled[1..])
}

fn smartasset_event(event_id: &str, token: &str, block: u64) -> String {
    format!(
        r#"{{"name":"smartAssetContract.Hydrated","tokenId":"{token}","chainId":77,"blocknumber":{block},"raw":{{"id":"{event_id}","event":"Transfer","note":"markerxyz"}}}}"#
    )
}

fn signed_with(id: SchemeId, key: &SigningKey, event: &[u8], event_id: &str, ts: i64) -> Delivery {
    let mut p = Payload::new(URL, event, ts);
    // Schemes that send the event id or type in headers (certifylize, and
    // providers such as svix or github) get them from the payload.
    let s = id.scheme();
    if s.extra_headers
        .iter()
        .any(|h| matches!(h, ExtraHeader::EventId(_) | ExtraHeader::EventType(_)))
    {
        p.event_id = Some(event_id.to_owned());
        p.event_type = s.event_types.first().map(|t| (*t).to_owned());
    }
    sign(id.scheme(), key, &p).unwrap()
}

fn signed(id: SchemeId, event_id: &str) -> Delivery {
    signed_with(id, &key(id), &event(id, event_id), event_id, NOW)
}

fn to_request(d: &Delivery) -> Request<Body> {
    let url = url::Url::parse(&d.url).unwrap();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let mut b = Request::builder()
        .method(d.method.as_str())
        .uri(target)
        .header("host", host);
    for (n, v) in &d.headers {
        b = b.header(n.as_str(), HeaderValue::from_bytes(v).unwrap());
    }
    b.body(Body::from(d.body.clone())).unwrap()
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let resp = bounded(app.clone().oneshot(req)).await.unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, ct, body.to_vec())
}

async fn send(app: &Router, d: &Delivery) -> StatusCode {
    call(app, to_request(d)).await.0
}

async fn effects(app: &Router) -> Vec<String> {
    let req = Request::get(receiver::EFFECTS_PATH)
        .body(Body::empty())
        .unwrap();
    let (status, ct, body) = call(app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "application/json");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    serde_json::from_value(v["processed"].clone()).unwrap()
}

/// The header carrying the proof, for schemes that use one.
fn proof_header(id: SchemeId) -> Option<&'static str> {
    match id.as_str() {
        "blockmark" => Some("X-Token"),
        "certifylize" => Some("X-Certifylize-Signature"),
        "blink-apikey" => Some("BLINK-API-KEY"),
        "blink-signature" => Some("X-BLINK-SIGNATURE"),
        "cometh" => Some("x-cometh-indexer-signature"),
        "smartasset" => None,
        // The providers: the header the description names.
        _ => match id.scheme().carrier {
            Carrier::Header { name, .. }
            | Carrier::TimestampedHeader { name, .. }
            | Carrier::VersionedList { name, .. } => Some(name),
            Carrier::QueryOrHeader { header, .. } => Some(header),
            Carrier::BodyEnvelope { .. } => None,
        },
    }
}

fn invalid_status(id: SchemeId) -> StatusCode {
    match id.as_str() {
        "blockmark" => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    }
}

#[tokio::test]
async fn valid_deliveries_are_processed_for_every_scheme() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let d = signed(id, "evt-1");
        assert_eq!(send(&app, &d).await, StatusCode::OK, "{id}");
        assert_eq!(effects(&app).await, ["evt-1"], "{id}");
    }
    let r = Receiver::new(config("cometh".parse::<SchemeId>().unwrap())).unwrap();
    let d = signed("cometh".parse::<SchemeId>().unwrap(), "in-process");
    assert_eq!(send(&r.router(), &d).await, StatusCode::OK);
    assert_eq!(r.processed(), ["in-process"]);
}

#[tokio::test]
async fn api_key_in_the_query_is_accepted() {
    let id = "blink-apikey".parse::<SchemeId>().unwrap();
    let app = receiver(id);
    let mut p = Payload::new(URL, event(id, "q-1"), NOW);
    p.key_placement = KeyPlacement::Query;
    let d = sign(id.scheme(), &key(id), &p).unwrap();
    assert!(d.url.contains("apikey="));
    assert_eq!(send(&app, &d).await, StatusCode::OK);
    assert_eq!(effects(&app).await, ["q-1"]);
}

#[tokio::test]
async fn a_64_kib_body_is_accepted() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let mut ev = String::from_utf8(event(id, "big-1")).unwrap();
        ev.insert_str(1, &format!(r#""padding":"{}","#, "x".repeat(64 * 1024)));
        let d = signed_with(id, &key(id), ev.as_bytes(), "big-1", NOW);
        assert!(d.body.len() > 64 * 1024);
        assert_eq!(send(&app, &d).await, StatusCode::OK, "{id}");
        assert_eq!(effects(&app).await, ["big-1"], "{id}");
    }
}

/// Flips one byte of what the proof covers: a body byte for the schemes that
/// sign the body, otherwise (static token, API key) a byte of the token,
/// which is all those schemes authenticate.
fn tamper(id: SchemeId, d: &Delivery) -> Delivery {
    let mut bad = d.clone();
    match id.as_str() {
        "blockmark" | "blink-apikey" => {
            let name = proof_header(id).unwrap();
            let mut v = d.header_values(name).next().unwrap().to_vec();
            v[0] = if v[0] == b'a' { b'b' } else { b'a' };
            bad.set_header(name, v);
        }
        _ => {
            let at = bad.body.windows(9).position(|w| w == b"markerxyz").unwrap();
            bad.body[at] ^= 0x01;
        }
    }
    bad
}

#[tokio::test]
async fn a_flipped_byte_is_rejected_without_effect() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let bad = tamper(id, &signed(id, "evt-x"));
        assert_eq!(send(&app, &bad).await, invalid_status(id), "{id}");
        assert!(effects(&app).await.is_empty(), "{id}");
    }
}

#[tokio::test]
async fn a_missing_proof_is_rejected_with_the_documented_status() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let mut d = signed(id, "evt-m");
        let expected = match id.as_str() {
            "blockmark" | "certifylize" => StatusCode::BAD_REQUEST,
            // The body is not the documented envelope.
            "smartasset" => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNAUTHORIZED,
        };
        match proof_header(id) {
            Some(name) => d.remove_header(name),
            None => d.body = event(id, "evt-m"),
        }
        let (status, ct, body) = call(&app, to_request(&d)).await;
        assert_eq!(status, expected, "{id}");
        assert_eq!(ct, "application/json", "{id}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["ok"], false, "{id}");
        assert!(effects(&app).await.is_empty(), "{id}");
    }
}

#[tokio::test]
async fn an_unpublished_key_is_rejected() {
    for (id, k) in [
        (
            "smartasset".parse::<SchemeId>().unwrap(),
            test_keys::pair("smartasset", test_keys::Role::Unknown).unwrap(),
        ),
        (
            "cometh".parse::<SchemeId>().unwrap(),
            test_keys::pair("cometh", test_keys::Role::Unknown).unwrap(),
        ),
    ] {
        let app = receiver(id);
        let d = signed_with(id, &k.signing_key().unwrap(), &event(id, "e"), "e", NOW);
        assert_eq!(send(&app, &d).await, StatusCode::UNAUTHORIZED, "{id}");
        assert!(effects(&app).await.is_empty());
    }
}

#[tokio::test]
async fn duplicates_are_acknowledged_and_processed_once() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let d = signed(id, "dup-1");
        for _ in 0..3 {
            let (status, _, body) = call(&app, to_request(&d)).await;
            assert_eq!(status, StatusCode::OK, "{id}");
            assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
        }
        assert_eq!(effects(&app).await, ["dup-1"], "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_duplicates_have_one_effect() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let d = signed(id, "conc-1");
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let app = app.clone();
            let req = to_request(&d);
            set.spawn(async move { app.oneshot(req).await.unwrap().status() });
        }
        let statuses = bounded(set.join_all()).await;
        assert!(
            statuses.iter().all(|s| *s == StatusCode::OK),
            "{id}: {statuses:?}"
        );
        assert_eq!(effects(&app).await, ["conc-1"], "{id}");
    }
}

#[tokio::test]
async fn blockmark_echoes_the_nonce_only_after_a_valid_token() {
    let id = "blockmark".parse::<SchemeId>().unwrap();
    let app = receiver(id);
    let nonce = format!("n0nce-{}<b>&\"", rand::random::<u64>());
    let body =
        serde_json::to_vec(&serde_json::json!({"event": "endpoint.verify", "secret": nonce}))
            .unwrap();
    let d = signed_with(id, &key(id), &body, "", NOW);

    let (status, ct, answer) = call(&app, to_request(&d)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, nonce.as_bytes());
    assert!(ct.starts_with("text/plain"), "{ct}");

    for bad in [tamper(id, &d), {
        let mut m = d.clone();
        m.remove_header("X-Token");
        m
    }] {
        let (status, _, answer) = call(&app, to_request(&bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let text = String::from_utf8_lossy(&answer);
        assert!(!text.contains("n0nce"), "the nonce was reflected: {text}");
    }
    // The handshake is not an event.
    assert!(effects(&app).await.is_empty());
}

#[tokio::test]
async fn smartasset_ignores_a_lower_block_number_for_the_same_token() {
    let id = "smartasset".parse::<SchemeId>().unwrap();
    let app = receiver(id);
    let k = key(id);
    let cases = [
        ("a", "7", 100, true),
        ("b", "7", 99, false),
        ("c", "8", 50, true),
        ("d", "7", 100, true),
        ("e", "7", 101, true),
        ("f", "7", 100, false),
    ];
    for (eid, token, block, _) in cases {
        let ev = smartasset_event(eid, token, block);
        let d = signed_with(id, &k, ev.as_bytes(), eid, NOW);
        assert_eq!(send(&app, &d).await, StatusCode::OK, "{eid}");
    }
    let expected: Vec<&str> = cases.iter().filter(|c| c.3).map(|c| c.0).collect();
    assert_eq!(effects(&app).await, expected);
}

#[tokio::test]
async fn blink_signature_refuses_timestamps_outside_the_window() {
    let id = "blink-signature".parse::<SchemeId>().unwrap();
    let app = receiver(id);
    let k = key(id);
    for (n, (ts, ok)) in [
        (NOW - 301, false),
        (NOW + 301, false),
        (NOW - 299, true),
        (NOW + 299, true),
    ]
    .into_iter()
    .enumerate()
    {
        let eid = format!("ts-{n}");
        let d = signed_with(id, &k, &event(id, &eid), &eid, ts);
        let expected = if ok {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(send(&app, &d).await, expected, "ts {ts}");
    }
    assert_eq!(effects(&app).await, ["ts-2", "ts-3"]);
}

#[tokio::test]
async fn blink_signature_checks_the_signed_url() {
    let id = "blink-signature".parse::<SchemeId>().unwrap();
    // Behind a proxy: the sender signs the public URL.
    let mut c = config(id);
    c.public_base_url = Some("https://hooks.example.com/".to_owned());
    let app = Receiver::new(c).unwrap().router();
    let k = key(id);
    let mut p = Payload::new(
        "https://hooks.example.com/hooks/in?tenant=7",
        event(id, "u-1"),
        NOW,
    );
    let d = sign(id.scheme(), &k, &p).unwrap();
    // Delivered to the internal address.
    let mut req = to_request(&d);
    req.headers_mut()
        .insert("host", HeaderValue::from_static("10.0.0.5:8080"));
    assert_eq!(call(&app, req).await.0, StatusCode::OK);

    // Signed for another path: rejected.
    p.url = "https://hooks.example.com/hooks/other?tenant=7".to_owned();
    p.event = event(id, "u-2");
    let mut d = sign(id.scheme(), &k, &p).unwrap();
    d.url = "https://hooks.example.com/hooks/in?tenant=7".to_owned();
    assert_eq!(send(&app, &d).await, StatusCode::UNAUTHORIZED);
    assert_eq!(effects(&app).await, ["u-1"]);
}

#[tokio::test]
async fn a_valid_signature_over_a_non_json_body_is_400_without_effect() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let d = match id.as_str() {
            // The envelope itself must be JSON; a non-JSON event member makes
            // the body non-JSON.
            "smartasset" => {
                let mut d = signed(id, "nj");
                d.body = br#"{"event":not json,"signature":"00"}"#.to_vec();
                d
            }
            _ => signed_with(id, &key(id), b"not json {", "nj", NOW),
        };
        assert_eq!(send(&app, &d).await, StatusCode::BAD_REQUEST, "{id}");
        assert!(effects(&app).await.is_empty(), "{id}");
    }
}

#[tokio::test]
async fn a_delivery_without_an_event_id_is_400() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let ev: &[u8] = match id.as_str() {
            "smartasset" => br#"{"name":"x","tokenId":"1","blocknumber":1,"raw":{}}"#,
            "blockmark" => br#"{"event":"issued_certificate.created","data":{}}"#,
            _ => br#"{"type":"x"}"#,
        };
        let mut d = signed_with(id, &key(id), ev, "", NOW);
        if id == "certifylize".parse::<SchemeId>().unwrap() {
            d.remove_header("X-Certifylize-Delivery-Id");
        }
        // Providers whose event id travels in a header: no such header.
        if let EventId::Header(h) = id.scheme().event_id {
            d.remove_header(h);
        }
        assert_eq!(send(&app, &d).await, StatusCode::BAD_REQUEST, "{id}");
        assert!(effects(&app).await.is_empty(), "{id}");
    }
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = receiver("certifylize".parse::<SchemeId>().unwrap());
    for method in ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] {
        let req = Request::builder()
            .method(method)
            .uri("/hooks/in")
            .body(Body::empty())
            .unwrap();
        let resp = bounded(app.clone().oneshot(req)).await.unwrap();
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(resp.headers()["allow"], "POST");
    }
    let post_effects = Request::post(receiver::EFFECTS_PATH)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        call(&app, post_effects).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn a_1_mib_body_is_413() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let mut ev = String::from_utf8(event(id, "huge")).unwrap();
        ev.insert_str(1, &format!(r#""padding":"{}","#, "x".repeat(1 << 20)));
        let d = signed_with(id, &key(id), ev.as_bytes(), "huge", NOW);
        // Streamed without a length…
        assert_eq!(send(&app, &d).await, StatusCode::PAYLOAD_TOO_LARGE, "{id}");
        // …and announced by Content-Length.
        let mut req = to_request(&d);
        req.headers_mut().insert(
            "content-length",
            HeaderValue::from_str(&d.body.len().to_string()).unwrap(),
        );
        assert_eq!(
            call(&app, req).await.0,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{id}"
        );
        assert!(effects(&app).await.is_empty());
    }
}

#[tokio::test]
async fn compressed_bodies_are_415() {
    let id = "certifylize".parse::<SchemeId>().unwrap();
    let app = receiver(id);
    let mut d = signed(id, "gz");
    d.push_header("Content-Encoding", "gzip");
    assert_eq!(send(&app, &d).await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(effects(&app).await.is_empty());
}

#[tokio::test]
async fn garbage_headers_are_4xx_never_5xx() {
    for id in SchemeId::builtins() {
        let app = receiver(id);
        let valid = signed(id, "g");
        let name = proof_header(id).unwrap_or("X-Anything");
        let good = valid
            .header_values(name)
            .next()
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        let variants: Vec<Vec<(&str, Vec<u8>)>> = vec![
            vec![(name, b"sha256=\xff\xfe\x80abc".to_vec())],
            vec![(name, "sha256=é😀".as_bytes().to_vec())],
            vec![(name, vec![b'a'; 100 * 1024])],
            vec![(name, good.clone()), (name, good.clone())],
            vec![(name, good.clone()), (name, b"0000".to_vec())],
            vec![(name, b"".to_vec())],
            vec![(name, b"   ".to_vec())],
        ];
        for (n, extra) in variants.into_iter().enumerate() {
            let mut d = valid.clone();
            if proof_header(id).is_some() {
                d.remove_header(name);
            } else {
                // smartasset: garbage next to an untouched, unsigned envelope.
                d.body = event(id, "g");
            }
            for (h, v) in extra {
                d.push_header(h, v);
            }
            let status = send(&app, &d).await;
            if id == "blink-apikey".parse::<SchemeId>().unwrap() && n == 3 {
                // The same key twice is not ambiguous: the verifier only
                // refuses *conflicting* API keys.
                assert_eq!(status, StatusCode::OK, "{id} variant {n}");
            } else {
                assert!(status.is_client_error(), "{id} variant {n}: {status}");
            }
        }
        let expected: &[&str] = if id == "blink-apikey".parse::<SchemeId>().unwrap() {
            &["g"]
        } else {
            &[]
        };
        assert_eq!(effects(&app).await, expected, "{id}");
    }
}

async fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    bounded(async {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        // The server may answer (and close) before reading everything.
        let _ = s.write_all(request).await;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf.windows(2).any(|w| w == b"\r\n") {
                break;
            }
        }
        let line = String::from_utf8_lossy(&buf);
        line.split(' ').nth(1).and_then(|c| c.parse().ok())
    })
    .await
}

struct Served {
    addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), hookspec::Error>>,
}

async fn serve(config: ReceiverConfig) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(receiver::serve(listener, config, async move {
        let _ = stopped.await;
    }));
    Served { addr, stop, task }
}

impl Served {
    async fn stop(self) {
        let _ = self.stop.send(());
        bounded(self.task).await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn garbage_on_the_wire_is_4xx_never_5xx() {
    let server = serve(config("certifylize".parse::<SchemeId>().unwrap())).await;
    let body = r#"{"type":"x"}"#;
    let head = |headers: &[u8]| {
        let mut r = format!(
            "POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(headers);
        r.extend_from_slice(b"\r\n");
        r.extend_from_slice(body.as_bytes());
        r
    };
    let mut huge = b"X-Certifylize-Signature: sha256=".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 64 * 1024));
    huge.extend_from_slice(b"\r\n");
    let mut too_huge = b"X-Filler: ".to_vec();
    too_huge.extend(std::iter::repeat_n(b'b', 2 << 20));
    too_huge.extend_from_slice(b"\r\n");
    let requests: Vec<Vec<u8>> = vec![
        head(b"X-Certifylize-Signature: sha256=\xff\xfe\xfd\r\nX-Certifylize-Delivery-Id: \xc3\xa9\r\n"),
        head(b"X-Certifylize-Signature: sha256=00\r\nX-Certifylize-Signature: sha256=11\r\n"),
        head(&huge),
        head(&too_huge),
        head(b"X-Certifylize-Signature: sha256=\x01\x02\r\n"),
        head(b"Bad Header Name: x\r\n"),
        b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n".to_vec(),
        b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n{}".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
    ];
    for (n, req) in requests.iter().enumerate() {
        match raw_http(server.addr, req).await {
            // hyper may close the connection on a malformed request head.
            None => {}
            Some(code) => assert!((400..500).contains(&code), "request {n}: {code}"),
        }
    }
    // Announced too large: answered without waiting for the body.
    assert_eq!(raw_http(server.addr, &requests[6]).await, Some(413));
    server.stop().await;
}

#[tokio::test]
async fn a_slow_upload_is_408_not_a_hang() {
    let mut c = config("certifylize".parse::<SchemeId>().unwrap());
    c.body_timeout = Duration::from_millis(200);
    let server = serve(c).await;
    // Announces 20 bytes, sends 2, then stalls.
    let req = b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n{}";
    assert_eq!(raw_http(server.addr, req).await, Some(408));
    server.stop().await;
}

#[tokio::test]
async fn serve_over_tcp_verifies_the_url_from_the_host_header() {
    let id = "blink-signature".parse::<SchemeId>().unwrap();
    let mut c = config(id);
    c.clock = Clock::System;
    let server = serve(c).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let url = format!("http://{}/hooks/in?tenant=7", server.addr);
    let mut p = Payload::new(&url, event(id, "tcp-1"), now);
    p.key_placement = KeyPlacement::Header;
    let d = sign(id.scheme(), &key(id), &p).unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut req = client.post(&d.url).body(d.body.clone());
    for (n, v) in &d.headers {
        req = req.header(n.as_str(), v.as_slice());
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let fx: serde_json::Value = client
        .get(format!("http://{}{}", server.addr, receiver::EFFECTS_PATH))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(fx, serde_json::json!({"processed": ["tcp-1"]}));
    server.stop().await;
}

fn key_server_config(
    id: SchemeId,
    base_url: String,
    ttl: Duration,
    refetch: Duration,
) -> ReceiverConfig {
    let mut c = ReceiverConfig::new(
        id,
        TrustSource::KeyServer {
            base_url,
            cache_ttl: ttl,
            refetch_interval: refetch,
        },
    );
    c.clock = Clock::Fixed(NOW);
    c
}

#[tokio::test]
async fn key_rotation_through_the_key_server() {
    for (id, k1, k2) in [
        (
            "smartasset".parse::<SchemeId>().unwrap(),
            test_keys::pair("smartasset", test_keys::Role::Signing).unwrap(),
            test_keys::pair("smartasset", test_keys::Role::Rotation).unwrap(),
        ),
        (
            "cometh".parse::<SchemeId>().unwrap(),
            test_keys::pair("cometh", test_keys::Role::Signing).unwrap(),
            test_keys::pair("cometh", test_keys::Role::Unknown).unwrap(),
        ),
    ] {
        let (k1, k2) = (k1.signing_key().unwrap(), k2.signing_key().unwrap());
        let ks = keyserver::start(
            "127.0.0.1:0".parse().unwrap(),
            PublishedKeys::from_signing_keys(std::slice::from_ref(&k1)),
        )
        .await
        .unwrap();
        let ttl = Duration::from_millis(300);
        let app = Receiver::new(key_server_config(id, ks.base_url(), ttl, Duration::ZERO))
            .unwrap()
            .router();
        let deliver = |k: &SigningKey, eid: &str| signed_with(id, k, &event(id, eid), eid, NOW);

        assert_eq!(
            send(&app, &deliver(&k1, "r1")).await,
            StatusCode::OK,
            "{id}"
        );
        assert_eq!(ks.fetch_count(), 1);

        // The new key published beside the old one (cometh's route carries
        // one key: the rotation replaces it).
        let next = match id.as_str() {
            "smartasset" => vec![k1.clone(), k2.clone()],
            _ => vec![k2.clone()],
        };
        ks.publish(PublishedKeys::from_signing_keys(&next)).unwrap();
        // Cached keys do not know k2: refetch and retry.
        assert_eq!(
            send(&app, &deliver(&k2, "r2")).await,
            StatusCode::OK,
            "{id}"
        );
        assert_eq!(ks.fetch_count(), 2);

        // The old key removed: rejected once the cache has expired.
        ks.publish(PublishedKeys::from_signing_keys(std::slice::from_ref(&k2)))
            .unwrap();
        tokio::time::sleep(ttl + Duration::from_millis(100)).await;
        assert_eq!(
            send(&app, &deliver(&k1, "r3")).await,
            StatusCode::UNAUTHORIZED,
            "{id}"
        );
        assert_eq!(
            send(&app, &deliver(&k2, "r4")).await,
            StatusCode::OK,
            "{id}"
        );
        assert_eq!(effects(&app).await, ["r1", "r2", "r4"], "{id}");
        bounded(ks.shutdown()).await.unwrap();
    }
}

#[tokio::test]
async fn refetching_on_a_bad_signature_is_rate_limited() {
    let id = "smartasset".parse::<SchemeId>().unwrap();
    let k1 = test_keys::pair("smartasset", test_keys::Role::Signing)
        .unwrap()
        .signing_key()
        .unwrap();
    let stranger = test_keys::pair("smartasset", test_keys::Role::Unknown)
        .unwrap()
        .signing_key()
        .unwrap();
    let ks = keyserver::start(
        "127.0.0.1:0".parse().unwrap(),
        PublishedKeys::from_signing_keys(std::slice::from_ref(&k1)),
    )
    .await
    .unwrap();
    let app = Receiver::new(key_server_config(
        id,
        ks.base_url(),
        Duration::from_secs(60),
        Duration::from_secs(30),
    ))
    .unwrap()
    .router();
    assert_eq!(
        send(&app, &signed_with(id, &k1, &event(id, "ok"), "ok", NOW)).await,
        StatusCode::OK
    );
    for n in 0..10 {
        let eid = format!("forged-{n}");
        let d = signed_with(id, &stranger, &event(id, &eid), &eid, NOW);
        assert_eq!(send(&app, &d).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        ks.fetch_count(),
        1,
        "forged deliveries must not hammer the provider"
    );
    assert_eq!(effects(&app).await, ["ok"]);
    bounded(ks.shutdown()).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_key_server_is_503_not_a_verdict() {
    // A port that was free a moment ago.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    for id in [
        "smartasset".parse::<SchemeId>().unwrap(),
        "cometh".parse::<SchemeId>().unwrap(),
    ] {
        let app = Receiver::new(key_server_config(
            id,
            format!("http://{addr}"),
            Duration::from_secs(2),
            Duration::from_millis(500),
        ))
        .unwrap()
        .router();
        let d = signed(id, "u");
        // The second attempt is refused without a fetch (failed recently).
        for _ in 0..2 {
            assert_eq!(
                send(&app, &d).await,
                StatusCode::SERVICE_UNAVAILABLE,
                "{id}"
            );
        }
        assert!(effects(&app).await.is_empty());
    }
}

#[test]
fn misconfigurations_are_refused() {
    use hookspec::scheme::CredentialKind;
    use hookspec::Error;
    let refused = |c: ReceiverConfig| match receiver::router(c) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    for (id, trust) in [
        (
            "certifylize".parse::<SchemeId>().unwrap(),
            Trust::Secret(Vec::new()),
        ),
        (
            "smartasset".parse::<SchemeId>().unwrap(),
            Trust::Ed25519(Vec::new()),
        ),
        (
            "cometh".parse::<SchemeId>().unwrap(),
            Trust::Secret(b"x".to_vec()),
        ),
    ] {
        let e = refused(ReceiverConfig::new(id, TrustSource::Static(trust)));
        assert!(
            matches!(
                e,
                Error::EmptySecret
                    | Error::MissingPublicKey {
                        algorithm: "Ed25519"
                    }
                    | Error::CredentialMismatch {
                        given: CredentialKind::SharedSecret,
                        ..
                    }
            ),
            "{id}: {e:?}"
        );
    }
    let e = refused(ReceiverConfig::new(
        "cometh".parse::<SchemeId>().unwrap(),
        TrustSource::key_server("not a url"),
    ));
    assert!(matches!(e, Error::InvalidUrl { .. }), "{e:?}");
    // A URL is not repeated: its user-info may hold a password.
    let e = refused(ReceiverConfig::new(
        "cometh".parse::<SchemeId>().unwrap(),
        TrustSource::key_server("http://user:hunter2@[::1"),
    ));
    assert!(!e.to_string().contains("hunter2"), "{e}");
    let e = refused(ReceiverConfig::new(
        "certifylize".parse::<SchemeId>().unwrap(),
        TrustSource::key_server("http://127.0.0.1:9"),
    ));
    assert!(matches!(e, Error::NoKeyServer { .. }), "{e:?}");
}
