//! The reference receiver agrees with every portable vector: each vector's
//! request is replayed against a fresh receiver (in-process, the same
//! router `hookspec serve` runs) configured with the vector group's keys,
//! tolerance and the vector's clock. `valid` ⇒ 2xx, `invalid` ⇒ 4xx,
//! `acceptable` ⇒ either; never 5xx. One named test per vector.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request};
use hookspec::receiver::{self, Clock, ReceiverConfig, TrustSource};
use hookspec::vectors::{self, Expected, TestGroup, VectorTest};
use hookspec::SchemeId;
use libtest_mimic::{Arguments, Failed, Trial};
use tower::ServiceExt;

fn replay(scheme: SchemeId, group: &TestGroup, test: &VectorTest) -> Result<(), Failed> {
    let delivery = test.delivery().map_err(|e| format!("vector: {e}"))?;
    let url = url::Url::parse(&delivery.url).map_err(|e| format!("vector URL: {e}"))?;
    let mut config = ReceiverConfig::new(scheme, TrustSource::Static(group.trust(scheme)?));
    config.clock = Clock::Fixed(test.now);
    config.tolerance_s = group.policy(test).tolerance_s;
    config.public_base_url = Some(url.origin().ascii_serialization());
    let app = receiver::router(config)?;

    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let mut req = Request::builder()
        .method(delivery.method.as_str())
        .uri(path)
        .body(Body::from(delivery.body.clone()))
        .map_err(|e| format!("request: {e}"))?;
    let host = url.host_str().unwrap_or("localhost").to_owned();
    req.headers_mut().insert(
        "host",
        HeaderValue::from_str(&host).map_err(|e| e.to_string())?,
    );
    for (name, value) in &delivery.headers {
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let v = HeaderValue::from_bytes(value).map_err(|e| e.to_string())?;
        req.headers_mut().append(n, v);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let resp = rt
        .block_on(app.oneshot(req))
        .map_err(|e| format!("router: {e}"))?;
    let status = resp.status().as_u16();
    let body = rt
        .block_on(axum::body::to_bytes(resp.into_body(), 64 * 1024))
        .unwrap_or_default();
    let ok = match (test.result, status) {
        (_, 500..=599) => false,
        (Expected::Valid, s) => (200..300).contains(&s),
        (Expected::Invalid, s) => (400..500).contains(&s),
        (Expected::Acceptable, s) => (200..300).contains(&s) || (400..500).contains(&s),
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "the reference receiver answered {status} ({}) to a `{:?}` vector\n{}",
        String::from_utf8_lossy(&body),
        test.result,
        serde_json::to_string_pretty(test).unwrap_or_default()
    )
    .into())
}

fn main() {
    let args = Arguments::from_args();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut trials = Vec::new();
    for scheme in SchemeId::builtins() {
        let file = vectors::load(vectors::path_for(&dir, scheme))
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        for (group, test) in file.tests() {
            let (group, test) = (group.clone(), test.clone());
            trials.push(Trial::test(
                format!("{scheme}::{}", test.name()),
                move || replay(scheme, &group, &test),
            ));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
