//! The harness as a client against hostile or broken receivers (wiremock
//! and raw sockets) and over HTTPS with a generated private CA. Everything
//! listens on loopback; every run is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;
use std::time::Duration;

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::report;
use hookspec::runner::{Outcome, RunConfig, RunReport, Runner, Selection};
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::SchemeId;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(select: &[&str], timeout_ms: u64) -> RunConfig {
    let mut c = RunConfig::new(
        "certifylize".parse::<SchemeId>().unwrap(),
        Some(TEST_SECRET.as_bytes().to_vec()),
    )
    .unwrap();
    c.timeout = Duration::from_millis(timeout_ms);
    c.settle = Duration::from_millis(200);
    c.selection = Selection {
        include: select.iter().map(|s| (*s).to_owned()).collect(),
        exclude: Vec::new(),
    };
    c
}

async fn run(config: &RunConfig, url: &str, tls: &TlsOptions, effects: Option<&str>) -> RunReport {
    let target = HttpTarget::new(url, config.timeout, tls).unwrap();
    let oracle = effects.map(|u| HttpTarget::new(u, config.timeout, tls).unwrap());
    let mut runner = Runner::new(config, &target);
    if let Some(o) = &oracle {
        runner = runner.with_effects(o);
    }
    tokio::time::timeout(Duration::from_secs(120), runner.run())
        .await
        .expect("the run must end by itself")
}

fn outcome(r: &RunReport, id: &str) -> (Outcome, String) {
    let c = r
        .results
        .iter()
        .find(|c| c.case.id == id)
        .unwrap_or_else(|| panic!("no case {id}"));
    (c.outcome, c.detail.clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_answering_500_fails_with_a_hint_and_is_not_unreachable() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let r = run(
        &config(&[], 2000),
        &format!("{}/hook", server.uri()),
        &TlsOptions::default(),
        None,
    )
    .await;
    assert!(r.unreachable.is_none());
    let (o, detail) = outcome(&r, "certifylize.reject.missing-proof");
    assert_eq!(o, Outcome::Fail);
    assert!(
        detail.contains("answered 500") && detail.contains("not crash"),
        "{detail}"
    );
    assert_eq!(outcome(&r, "certifylize.accept.plain").0, Outcome::Fail);
    assert_eq!(report::verdict(&r, false, None).exit_code, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_reported_and_not_followed() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "http://127.0.0.1:9/elsewhere"),
        )
        .mount(&server)
        .await;
    let r = run(
        &config(&["accept.plain"], 2000),
        &format!("{}/hook", server.uri()),
        &TlsOptions::default(),
        None,
    )
    .await;
    let (o, detail) = outcome(&r, "certifylize.accept.plain");
    assert_eq!(o, Outcome::Fail);
    assert!(
        detail.contains("302") && detail.contains("redirect"),
        "{detail}"
    );
    // Not followed: only the mock saw the request.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_receiver_times_out_per_request_and_fails_latency() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let r = run(
        &config(&["accept.plain", "latency"], 200),
        &format!("{}/hook", server.uri()),
        &TlsOptions::default(),
        None,
    )
    .await;
    let (o, detail) = outcome(&r, "certifylize.accept.plain");
    assert_eq!(o, Outcome::Fail);
    assert!(detail.contains("no answer within 200 ms"), "{detail}");
    let (o, detail) = outcome(&r, "certifylize.latency.within-sender-timeout");
    assert_eq!(o, Outcome::Fail, "{detail}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_answer_is_read_bounded() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4 << 20]))
        .mount(&server)
        .await;
    let r = run(
        &config(&["accept.plain"], 5000),
        &format!("{}/hook", server.uri()),
        &TlsOptions::default(),
        None,
    )
    .await;
    assert_eq!(outcome(&r, "certifylize.accept.plain").0, Outcome::Pass);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_oracle_refuses_the_run_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/effects"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>not json</html>"))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = run(
        &config(&["idempotency.duplicate"], 2000),
        &format!("{}/hook", server.uri()),
        &TlsOptions::default(),
        Some(&format!("{}/effects", server.uri())),
    )
    .await;
    let why = r.refused.as_deref().expect("the run is refused");
    assert!(why.contains("not {\"processed\""), "{why}");
    assert!(r.results.is_empty());
    assert_eq!(report::verdict(&r, false, None).exit_code, 2);
    let sent = server.received_requests().await.unwrap();
    assert!(
        sent.iter().all(|q| q.url.path() == "/effects"),
        "nothing but the oracle was asked: {:?}",
        sent.iter()
            .map(|q| q.url.path().to_owned())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_resets_are_reported_per_case() {
    // Accepts, reads a little, and closes without answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                break;
            };
            let mut buf = [0u8; 64];
            let _ = tokio::io::AsyncReadExt::read(&mut s, &mut buf).await;
            drop(s);
        }
    });
    let r = run(
        &config(&["accept.plain", "reject.wrong-key"], 2000),
        &format!("http://{addr}/hook"),
        &TlsOptions::default(),
        None,
    )
    .await;
    task.abort();
    assert!(
        r.unreachable.is_none(),
        "connected, so reachable: {:?}",
        r.unreachable
    );
    let (o, detail) = outcome(&r, "certifylize.accept.plain");
    assert_eq!(o, Outcome::Fail);
    assert!(detail.contains("no answer"), "{detail}");
}

struct Tls {
    ca_pem: String,
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

/// The reference receiver behind TLS, with a leaf certificate for
/// `localhost` issued by a freshly generated CA.
async fn tls_reference() -> Tls {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    use tokio_rustls::rustls;

    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();

    let server_config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let app = hookspec::receiver::router(hookspec::receiver::ReceiverConfig::new(
        "certifylize".parse::<SchemeId>().unwrap(),
        hookspec::receiver::TrustSource::Static(hookspec::keys::Trust::Secret(TEST_SECRET.into())),
    ))
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                break;
            };
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
            });
        }
    });
    Tls {
        ca_pem: ca.pem(),
        port,
        task,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn https_targets_work_with_a_private_ca_or_insecure() {
    let tls = tls_reference().await;
    let url = format!("https://localhost:{}/hooks/certifylize", tls.port);
    let effects = format!("https://localhost:{}/_effects", tls.port);
    let cfg = config(&[], 5000);

    let with_ca = TlsOptions {
        ca_cert_pem: Some(tls.ca_pem.clone().into_bytes()),
        insecure: false,
    };
    let r = run(&cfg, &url, &with_ca, Some(&effects)).await;
    let s = report::Summary::of(&r);
    assert_eq!(
        (s.failed, s.warned, s.skipped),
        (0, 0, 0),
        "{}",
        report::human(&r, false)
    );
    assert_eq!(report::verdict(&r, true, None).exit_code, 0);

    // Without the CA the certificate is unknown: nothing can be sent.
    let r = run(
        &config(&["accept.plain"], 5000),
        &url,
        &TlsOptions::default(),
        None,
    )
    .await;
    let why = r.unreachable.clone().unwrap_or_default();
    assert!(why.to_lowercase().contains("certificate"), "{why}");
    assert_eq!(report::verdict(&r, false, None).exit_code, 3);

    // --insecure accepts it (self-signed staging hosts).
    let insecure = TlsOptions {
        ca_cert_pem: None,
        insecure: true,
    };
    let r = run(
        &config(&["accept.plain", "reject."], 5000),
        &url,
        &insecure,
        None,
    )
    .await;
    assert_eq!(report::verdict(&r, true, None).exit_code, 0);
    tls.task.abort();
}
