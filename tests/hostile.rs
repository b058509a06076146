//! Hostile and broken receivers, oracles and networks (issue 11): each
//! class of problem a user hit has a receiver here that shows it, and a test
//! that the verdict is still the receiver's, honest, bounded and secret-free.
//!
//! Everything listens on 127.0.0.1 (raw sockets, wiremock, the reference
//! receiver); every run is bounded by its timeouts and an outer
//! `tokio::time::timeout`; every listener ends with its test's runtime.
//! No assertion is about elapsed time: bounded work is shown by counting
//! what reached the receiver.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hookspec::demo::{start_reference, LocalReceiver};
use hookspec::redact::{is_hostile, Redactor};
use hookspec::report;
use hookspec::runner::{
    KeyPublisher, Outcome, RunConfig, RunReport, Runner, Selection, MAX_CONSECUTIVE_NO_ANSWER,
};
use hookspec::scheme::SecretDecoding;
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::SchemeId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------
// Raw loopback servers

/// A loopback listener whose connections are handled by `handle`, counting
/// the connections it accepted.
struct Raw {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

async fn raw<F, Fut>(handle: F) -> Raw
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(s));
        }
    });
    Raw { addr, accepted }
}

/// Reads one HTTP/1.1 request: its head (at most 64 KiB) and its
/// `Content-Length` body. `None` when the peer closed first.
async fn read_request(s: &mut TcpStream) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = buf[..head_end].to_vec();
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

/// Never answers: reads, then holds the connection open.
async fn never_answers(mut s: TcpStream) {
    let _ = read_request(&mut s).await;
    tokio::time::sleep(Duration::from_secs(120)).await;
}

/// Forwards one request per connection to `upstream` and answers with its
/// response **without** `Connection: close`, then closes the connection a
/// moment later — legal HTTP/1.1, and the case where a client that reuses
/// idle connections sends its next request into a closing socket.
async fn closing_proxy(upstream: SocketAddr) -> Raw {
    raw(move |mut s| async move {
        let Some((head, body)) = read_request(&mut s).await else {
            return;
        };
        let Ok(mut up) = TcpStream::connect(upstream).await else {
            return;
        };
        // Ask the upstream to close, so its response ends at EOF.
        let mut fwd = head[..head.len() - 2].to_vec();
        fwd.extend_from_slice(b"Connection: close\r\n\r\n");
        fwd.extend_from_slice(&body);
        if up.write_all(&fwd).await.is_err() {
            return;
        }
        let mut resp = Vec::new();
        if up.read_to_end(&mut resp).await.is_err() {
            return;
        }
        let split = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(resp.len(), |p| p + 2);
        let head: String = String::from_utf8_lossy(&resp[..split])
            .split_inclusive("\r\n")
            .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
            .collect();
        let mut out = head.into_bytes();
        out.extend_from_slice(&resp[split..]);
        let _ = s.write_all(&out).await;
        let _ = s.flush().await;
        // Long enough for a pooling client to pick this connection for the
        // next delivery, short enough to close under it.
        tokio::time::sleep(Duration::from_millis(3)).await;
    })
    .await
}

// ---------------------------------------------------------------------------
// Runs

fn config(scheme: SchemeId, timeout_ms: u64, include: &[&str]) -> RunConfig {
    let mut c = RunConfig::new(scheme, Some(secret_text(scheme).into_bytes())).unwrap();
    c.timeout = Duration::from_millis(timeout_ms);
    c.settle = Duration::from_millis(300);
    c.rotation_window = Duration::from_secs(3);
    c.selection = Selection {
        include: include.iter().map(|s| (*s).to_owned()).collect(),
        exclude: vec!["robustness.slow-upload".into()],
    };
    c
}

async fn run_with(
    config: &RunConfig,
    url: &str,
    effects: Option<&str>,
    keys: Option<&dyn KeyPublisher>,
) -> RunReport {
    let target = HttpTarget::new(url, config.timeout, &TlsOptions::default()).unwrap();
    let oracle =
        effects.map(|u| HttpTarget::new(u, config.timeout, &TlsOptions::default()).unwrap());
    let runner = Runner::new(config, &target).with_services(
        oracle.as_ref().map(|o| o as &dyn hookspec::target::Target),
        keys,
    );
    tokio::time::timeout(Duration::from_secs(180), runner.run())
        .await
        .expect("the run must end by itself")
}

async fn reference(scheme: SchemeId, config: &RunConfig) -> LocalReceiver {
    start_reference(
        scheme,
        secret_text(scheme).as_bytes(),
        std::slice::from_ref(&config.key),
    )
    .await
    .unwrap()
}

fn outcomes(r: &RunReport) -> BTreeMap<String, Outcome> {
    r.results
        .iter()
        .map(|c| (c.case.id.clone(), c.outcome))
        .collect()
}

fn exit(r: &RunReport) -> u8 {
    report::verdict(r, true, None).exit_code
}

/// A secret no test output may contain.
const SECRET: &str = "hookspec-DISTINCT-secret-7f3a9c";
/// A URL password no test output may contain.
const PASSWORD: &str = "pw-DISTINCT-41b2";

// ---------------------------------------------------------------------------
// 2. A receiver that closes connections without `Connection: close`

#[tokio::test(flavor = "multi_thread")]
async fn closing_connections_changes_no_verdict_in_20_runs() {
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let c = config(scheme, 3000, &[]);
    let local = reference(scheme, &c).await;
    let direct = run_with(&c, &local.webhook_url, Some(&local.effects_url), None).await;
    assert_eq!(exit(&direct), 0, "{}", report::human(&direct, false));
    let upstream: SocketAddr = local.webhook_url[7..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let proxy = closing_proxy(upstream).await;
    let path = |u: &str| u.splitn(4, '/').nth(3).unwrap().to_owned();
    let url = format!("http://{}/{}", proxy.addr, path(&local.webhook_url));
    let effects = format!("http://{}/{}", proxy.addr, path(&local.effects_url));
    for run in 1..=20 {
        let r = run_with(&c, &url, Some(&effects), None).await;
        assert_eq!(
            outcomes(&r),
            outcomes(&direct),
            "run {run} through the closing proxy:\n{}",
            report::human(&r, false)
        );
        assert_eq!(exit(&r), 0);
    }
    assert!(
        proxy.accepted.load(Ordering::SeqCst) > 20 * 40,
        "every delivery went through the proxy"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn timing_through_a_closing_receiver_loses_no_pair() {
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let mut c = config(scheme, 3000, &["timing"]);
    c.timing = Some(hookspec::runner::TimingRun {
        config: hookspec::timing::TimingConfig::with_samples(300),
        gate: false,
        in_process: false,
        progress: false,
    });
    let local = reference(scheme, &c).await;
    let upstream: SocketAddr = local.webhook_url[7..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let proxy = closing_proxy(upstream).await;
    let url = format!("http://{}/webhooks/{scheme}", proxy.addr);
    let r = run_with(&c, &url, None, None).await;
    let t = r.results[0].timing.as_ref().expect("a timing report");
    let tr = t.transport.as_ref().unwrap();
    assert_eq!(tr.failed, 0, "{:?}", tr.first_error);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}

// ---------------------------------------------------------------------------
// 3. An effects oracle the user asked for that cannot be used

/// Runs with `effects` as the oracle: the run must be refused (exit 2) for
/// a reason containing `why`, before anything reached the receiver.
async fn assert_refused_by_oracle(effects: &str, why: &str) {
    let receiver = raw(|mut s| async move {
        let _ = read_request(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
            .await;
    })
    .await;
    let c = config(
        "certifylize".parse::<SchemeId>().unwrap(),
        500,
        &["accept.plain"],
    );
    let r = run_with(
        &c,
        &format!("http://{}/hook", receiver.addr),
        Some(effects),
        None,
    )
    .await;
    let refused = r.refused.as_deref().unwrap_or_default();
    assert!(refused.contains(why), "{why}: {:?}", r.refused);
    assert!(r.results.is_empty());
    assert_eq!(exit(&r), 2);
    assert_eq!(
        receiver.accepted.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oracle_that_is_down_refuses_the_run() {
    let closed = closed_port();
    assert_refused_by_oracle(&format!("http://{closed}/_effects"), "could not connect").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oracle_that_hangs_refuses_the_run() {
    let oracle = raw(never_answers).await;
    assert_refused_by_oracle(&format!("http://{}/_effects", oracle.addr), "no answer").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oracle_answering_invalid_json_refuses_the_run() {
    let oracle = raw(|mut s| async move {
        let _ = read_request(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nnot json!")
            .await;
    })
    .await;
    let url = format!("http://{}/_effects", oracle.addr);
    assert_refused_by_oracle(&url, "not {\"processed\"").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oracle_answer_of_several_mebibytes_is_read() {
    // A long-lived receiver's list: the real ids plus 3 MiB of earlier runs'.
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let c = config(scheme, 3000, &["accept.", "idempotency."]);
    let local = reference(scheme, &c).await;
    let real = local.effects_url.clone();
    let oracle = raw(move |mut s| {
        let real = real.clone();
        async move {
            let _ = read_request(&mut s).await;
            let now: serde_json::Value =
                serde_json::from_slice(&reqwest::get(&real).await.unwrap().bytes().await.unwrap())
                    .unwrap();
            let mut ids: Vec<serde_json::Value> = (0..80_000)
                .map(|i| format!("dlv_earlier_run_{i:016}_padding_padding").into())
                .collect();
            ids.extend(now["processed"].as_array().unwrap().iter().cloned());
            let body = serde_json::json!({ "processed": ids }).to_string();
            assert!(body.len() > 3 * 1024 * 1024);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(body.as_bytes()).await;
        }
    })
    .await;
    let r = run_with(
        &c,
        &local.webhook_url,
        Some(&format!("http://{}/", oracle.addr)),
        None,
    )
    .await;
    assert_eq!(exit(&r), 0, "{}", report::human(&r, false));
    assert_eq!(report::Summary::of(&r).skipped, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oracle_that_dies_during_the_run_fails_it() {
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let c = config(scheme, 1000, &["accept.plain"]);
    let local = reference(scheme, &c).await;
    // Answers the first read (before the run), then 500.
    let reads = Arc::new(AtomicUsize::new(0));
    let seen = reads.clone();
    let oracle = raw(move |mut s| {
        let seen = seen.clone();
        async move {
            let _ = read_request(&mut s).await;
            let answer: &[u8] = if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                b"HTTP/1.1 200 OK\r\ncontent-length: 16\r\n\r\n{\"processed\":[]}"
            } else {
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n"
            };
            let _ = s.write_all(answer).await;
        }
    })
    .await;
    let r = run_with(
        &c,
        &local.webhook_url,
        Some(&format!("http://{}/", oracle.addr)),
        None,
    )
    .await;
    assert!(r.refused.is_none());
    assert_eq!(r.incomplete.len(), 1, "{:?}", r.incomplete);
    assert!(
        r.incomplete[0].contains("answered 500"),
        "{:?}",
        r.incomplete
    );
    let plain = &r.results[0];
    let effect = plain
        .checks
        .iter()
        .find(|c| c.part.as_str() == "effect")
        .unwrap();
    assert_eq!(effect.passed, Some(false), "{effect:?}");
    // Fails even without --strict, and in every format.
    assert_eq!(report::verdict(&r, false, None).exit_code, 1);
    assert!(report::human(&r, false).contains("incomplete run (fails)"));
    assert!(report::junit(&r, false)
        .unwrap()
        .contains("certifylize.run.complete"));
    assert_eq!(report::json(&r)["incomplete"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------
// 4. Every valid delivery refused the same way: one diagnosis

#[tokio::test(flavor = "multi_thread")]
async fn every_valid_delivery_refused_is_diagnosed_once() {
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let c = config(scheme, 2000, &["accept."]);
    // The receiver trusts another secret (or cached keys of an earlier run).
    let local = start_reference(scheme, b"the-receivers-other-secret", &[])
        .await
        .unwrap();
    let r = run_with(&c, &local.webhook_url, None, None).await;
    let d = r.diagnosis.as_deref().expect("a diagnosis");
    assert!(
        d.contains("every valid delivery") && d.contains("secret"),
        "{d}"
    );
    let human = report::human(&r, false);
    assert_eq!(human.matches("diagnosis:").count(), 1, "{human}");
    assert!(!human.contains("verify the raw body"), "{human}");
    assert_eq!(report::json(&r)["diagnosis"].as_str(), Some(d));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_path_is_diagnosed_as_such() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let c = config(
        "certifylize".parse::<SchemeId>().unwrap(),
        2000,
        &["accept."],
    );
    let r = run_with(&c, &format!("{}/wrong", server.uri()), None, None).await;
    let d = r.diagnosis.as_deref().unwrap();
    assert!(
        d.contains("(404)") && d.contains("(1) the URL or path"),
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_refusing_one_body_kind_gets_no_diagnosis() {
    // Only the case's own hint: one refusal is the case's, not the setup's.
    let scheme = "certifylize".parse::<SchemeId>().unwrap();
    let c = config(scheme, 2000, &[]);
    let local = reference(scheme, &c).await;
    let r = run_with(&c, &local.webhook_url, Some(&local.effects_url), None).await;
    assert!(r.diagnosis.is_none());
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let mut one = config(scheme, 2000, &["accept.plain"]);
    one.selection.include = vec!["accept.plain".into()];
    let r = run_with(&one, &format!("{}/hook", server.uri()), None, None).await;
    assert!(r.diagnosis.is_none(), "a single refusal is the case's own");
    assert!(r.results[0].detail.contains("verify the raw body"));
}

// ---------------------------------------------------------------------------
// 7. Failure budgets: a receiver that never answers

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_stops_after_a_few_deliveries_without_an_answer() {
    let receiver = raw(never_answers).await;
    let c = config("certifylize".parse::<SchemeId>().unwrap(), 200, &[]);
    let r = run_with(&c, &format!("http://{}/hook", receiver.addr), None, None).await;
    let sent = receiver.accepted.load(Ordering::SeqCst);
    assert!(
        sent <= MAX_CONSECUTIVE_NO_ANSWER + 1,
        "{sent} deliveries were sent"
    );
    assert!(r.unreachable.is_none(), "it connected: not unreachable");
    assert!(
        r.incomplete[0].contains("in a row got no answer"),
        "{:?}",
        r.incomplete
    );
    let not_run = r
        .results
        .iter()
        .filter(|c| c.detail.starts_with("not run"))
        .count();
    assert!(not_run > 30, "{not_run}");
    assert_eq!(report::verdict(&r, false, None).exit_code, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn timing_stops_after_a_few_pairs_without_an_answer() {
    let receiver = raw(never_answers).await;
    let mut c = config("certifylize".parse::<SchemeId>().unwrap(), 100, &["timing"]);
    c.timing = Some(hookspec::runner::TimingRun {
        config: hookspec::timing::TimingConfig::with_samples(200),
        gate: false,
        in_process: false,
        progress: false,
    });
    let r = run_with(&c, &format!("http://{}/hook", receiver.addr), None, None).await;
    let sent = receiver.accepted.load(Ordering::SeqCst);
    // Two pairs, each delivery tried once more on a fresh connection.
    assert!(sent <= 8, "{sent} deliveries were sent");
    assert_eq!(r.results.len(), 1);
    assert!(
        r.incomplete[0].contains("stopped answering"),
        "{:?}",
        r.incomplete
    );
    // Advisory (MAY) over HTTP, yet a run that could not measure fails.
    assert_eq!(report::verdict(&r, false, None).exit_code, 1);
}

// ---------------------------------------------------------------------------
// 8. A port that drops connection attempts

/// A listener whose accept queue is full: the kernel drops further SYNs
/// (what a firewall DROP rule looks like from the client).
fn syn_dropping_port() -> (socket2::Socket, Vec<std::net::TcpStream>, SocketAddr) {
    use socket2::{Domain, Socket, Type};
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    sock.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    sock.listen(0).unwrap();
    let addr = sock.local_addr().unwrap().as_socket().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => return (sock, held, addr),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_port_dropping_connection_attempts_is_unreachable() {
    let (_sock, _held, addr) = syn_dropping_port();
    let c = config("certifylize".parse::<SchemeId>().unwrap(), 500, &[]);
    let r = run_with(&c, &format!("http://{addr}/hook"), None, None).await;
    let why = r
        .unreachable
        .as_deref()
        .unwrap_or_else(|| panic!("unreachable: {}", report::human(&r, false)));
    assert!(why.contains("could not connect"), "{why}");
    assert!(r.results.len() <= 1, "the run stops at the first delivery");
    assert_eq!(exit(&r), 3);
}

// ---------------------------------------------------------------------------
// 5, 6, 14. Nothing secret and nothing hostile leaves the process

/// Echoes the whole request (head and body) back, with a redirect to the
/// same URL plus `/` whose `Location` carries C1 and bidi controls.
async fn echo_and_redirect(mut s: TcpStream) {
    let Some((head, body)) = read_request(&mut s).await else {
        return;
    };
    let text = String::from_utf8_lossy(&head).into_owned();
    let target = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let host = text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("host:")
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_default();
    let mut echo = head.clone();
    echo.extend_from_slice(&body);
    echo.extend_from_slice("\u{9b}31m\u{202e}\x1b[2J".as_bytes());
    let mut out = format!(
        "HTTP/1.1 302 Found\r\nlocation: http://{host}{target}/\u{9b}\u{202e}\r\ncontent-length: {}\r\n\r\n",
        echo.len()
    )
    .into_bytes();
    out.extend_from_slice(&echo);
    let _ = s.write_all(&out).await;
}

/// Resets every connection after reading a little.
async fn resets(mut s: TcpStream) {
    let mut buf = [0u8; 64];
    let _ = s.read(&mut buf).await;
}

fn with_password(url: &str) -> String {
    url.replacen("http://", &format!("http://user:{PASSWORD}@"), 1)
}

/// Renders `r` in every format, through the redaction layer the command
/// line uses, and checks that no secret and no hostile character is there.
/// [`SECRET`] as `scheme` takes a secret: the text itself, or its bytes
/// encoded as the scheme decodes them (`whsec_` + base64, hex), so that
/// the key bytes are always [`SECRET`]'s.
fn secret_text(scheme: SchemeId) -> String {
    use base64::Engine as _;
    match scheme.scheme().secret_decoding {
        SecretDecoding::Hex => hex::encode(SECRET),
        SecretDecoding::WhsecBase64 => format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(SECRET)
        ),
        // UTF-8, and any decoding added later: the text as is.
        _ => SECRET.to_owned(),
    }
}

fn assert_clean(r: &RunReport, what: &str) {
    let configured = secret_text(r.scheme);
    let redactor = Redactor::new()
        .secret(configured.as_bytes())
        .url(&with_password("http://h/"));
    let shown = redactor.report(r);
    let outputs = [
        ("human", report::human(&shown, false)),
        (
            "json",
            serde_json::to_string_pretty(&report::json(&shown)).unwrap(),
        ),
        ("junit", report::junit(&shown, true).unwrap()),
        ("markdown", report::markdown(&shown, true)),
        ("html", hookspec::html_report::html(&shown, true)),
        // Every exchange, with the curl command of each failing case.
        ("human -vv", report::human_verbose(&shown, false, 2)),
    ];
    for (format, text) in outputs {
        // The key bytes (which hold DISTINCT) and the configured text.
        for needle in [SECRET, PASSWORD, "DISTINCT", configured.as_str()] {
            assert!(
                !text.contains(needle),
                "{what} {format}: `{needle}` leaked:\n{text}"
            );
        }
        if format == "human" {
            let bad: Vec<char> = text
                .chars()
                .filter(|&c| is_hostile(c) && c != '\n')
                .collect();
            assert!(
                bad.is_empty(),
                "{what} human: hostile characters {bad:?}:\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_or_password_in_any_report_of_any_scheme_or_failure() {
    let echo = raw(echo_and_redirect).await;
    let reset = raw(resets).await;
    let closed = closed_port();
    for scheme in SchemeId::builtins() {
        let c = config(scheme, 1000, &[]);
        let local = reference(scheme, &c).await;
        let keys = local
            .key_server
            .as_ref()
            .map(|k| k.state().as_ref() as &dyn KeyPublisher);
        // A correct receiver, the URL with a password.
        let ok = run_with(
            &c,
            &with_password(&local.webhook_url),
            Some(&local.effects_url),
            keys,
        )
        .await;
        assert_eq!(
            exit(&ok),
            0,
            "{scheme}: a password in the URL must not break the run:\n{}",
            report::human(&ok, false)
        );
        assert!(!ok.target.contains(PASSWORD));
        assert_clean(&ok, &format!("{scheme} reference"));
        // A receiver echoing every request and redirecting to it,
        // connection-level failures, and an unreachable target.
        for (what, url) in [
            ("echo+redirect", format!("http://{}/hook?x=1", echo.addr)),
            ("resets", format!("http://{}/hook", reset.addr)),
            ("unreachable", format!("http://{closed}/hook")),
        ] {
            let r = run_with(&c, &with_password(&url), None, None).await;
            match what {
                "echo+redirect" => assert!(
                    r.results.iter().any(|c| c.detail.contains("redirect")),
                    "{scheme}"
                ),
                "unreachable" => assert!(r.unreachable.is_some(), "{scheme}"),
                _ => {}
            }
            assert_clean(&r, &format!("{scheme} {what}"));
        }
    }
}

#[test]
fn the_command_line_prints_no_secret_on_any_stream() {
    let echo_port = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let addr = rt.block_on(async { raw(echo_and_redirect).await.addr });
        // Keep the runtime (and its listener) alive for the commands below.
        std::mem::forget(rt);
        addr
    };
    let closed = closed_port();
    for target in [echo_port, closed] {
        for format in ["human", "json", "junit"] {
            let url = format!("http://user:{PASSWORD}@{target}/hook");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookspec"))
                .args([
                    "run",
                    "--scheme",
                    "blink-apikey",
                    "--url",
                    &url,
                    "--secret",
                    SECRET,
                    "--timeout-ms",
                    "1000",
                    "--exclude",
                    "slow-upload",
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            let all = [out.stdout, out.stderr].concat();
            let text = String::from_utf8_lossy(&all);
            assert!(matches!(out.status.code(), Some(1 | 3)), "{format}: {text}");
            for needle in [SECRET, PASSWORD, "DISTINCT"] {
                assert!(
                    !text.contains(needle),
                    "{format} {target}: `{needle}` leaked:\n{text}"
                );
            }
            assert!(
                !text.contains('\u{9b}') && !text.contains('\u{202e}'),
                "{format}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_cached_from_an_earlier_rotation_are_diagnosed() {
    // The key server (and so the receiver) still publishes the key an
    // earlier run rotated to: every valid delivery is refused.
    let scheme = "smartasset".parse::<SchemeId>().unwrap();
    let c = config(scheme, 2000, &["accept."]);
    let rotated = c.rotation_key.clone().unwrap();
    let local = start_reference(scheme, b"", &[rotated]).await.unwrap();
    let r = run_with(&c, &local.webhook_url, None, None).await;
    let d = r.diagnosis.as_deref().expect("a diagnosis");
    assert!(d.contains("caches keys from an earlier run"), "{d}");
    assert!(!report::human(&r, false).contains("verify the raw body"));
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// `hookspec run --scheme certifylize --secret SECRET --timeout-ms 1000
/// --url` followed by `rest` (the URL first).
fn cli_run(rest: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        SECRET,
        "--timeout-ms",
        "1000",
        "--url",
    ];
    args.extend_from_slice(rest);
    cli(&args)
}

/// Runs the binary; `(exit code, stdout + stderr)`.
fn cli(args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
    (out.status.code(), text)
}

#[test]
fn the_command_line_refuses_a_dead_oracle_before_sending() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let receiver = rt.block_on(raw(never_answers));
    let closed = closed_port();
    let (code, text) = cli_run(&[
        &format!("http://{}/hook", receiver.addr),
        "--effects-url",
        &format!("http://{closed}/_effects"),
        "--strict",
    ]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("--effects-url") && text.contains("could not connect"),
        "{text}"
    );
    assert_eq!(
        receiver.accepted.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
}

#[test]
fn the_command_line_says_unreachable_for_a_port_dropping_connection_attempts() {
    let (_sock, _held, addr) = syn_dropping_port();
    let (code, text) = cli_run(&[&format!("http://{addr}/hook")]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("could not be reached"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_configuration_out_of_bounds_is_refused_not_a_panic() {
    // The command line bounds its options when it parses them; the library
    // refuses the same out-of-range settings before sending anything.
    let receiver = raw(never_answers).await;
    let url = format!("http://{}/hook", receiver.addr);
    let mut c = config("blink-signature".parse::<SchemeId>().unwrap(), 500, &[]);
    c.tolerance_s = u64::MAX;
    let r = run_with(&c, &url, None, None).await;
    assert!(
        r.refused.as_deref().unwrap().contains("--tolerance"),
        "{:?}",
        r.refused
    );
    let mut c = config("smartasset".parse::<SchemeId>().unwrap(), 500, &[]);
    c.rotation_window = Duration::MAX;
    let r = run_with(&c, &url, None, None).await;
    assert!(
        r.refused.as_deref().unwrap().contains("--rotation-window"),
        "{:?}",
        r.refused
    );
    assert_eq!((exit(&r), receiver.accepted.load(Ordering::SeqCst)), (2, 0));
}

/// Rejects every certifylize delivery, 2 ms *slower* when the first byte of
/// the signature is wrong: a difference no early exit produces, so the
/// timing check cannot decide.
async fn slower_on_first_byte(mut s: TcpStream) {
    loop {
        let Some((head, body)) = read_request(&mut s).await else {
            return;
        };
        let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let sent = text
            .lines()
            .find_map(|l| l.strip_prefix("x-certifylize-signature: sha256="))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        let want = hex::encode(hookspec::sign::hmac_sha256(SECRET.as_bytes(), &body));
        if sent.get(..2) != want.get(..2) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let answer = b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";
        if s.write_all(answer).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timing_gate_that_cannot_decide_fails_the_run() {
    let receiver = raw(slower_on_first_byte).await;
    let mut c = config(
        "certifylize".parse::<SchemeId>().unwrap(),
        2000,
        &["timing"],
    );
    let timing = |gate| hookspec::runner::TimingRun {
        config: hookspec::timing::TimingConfig {
            samples: 120,
            warmup: 10,
            ..hookspec::timing::TimingConfig::default()
        },
        gate,
        in_process: false,
        progress: false,
    };
    c.timing = Some(timing(true));
    let url = format!("http://{}/hook", receiver.addr);
    let r = run_with(&c, &url, None, None).await;
    let t = r.results[0].timing.as_ref().unwrap();
    assert_eq!(t.decision, hookspec::timing::Decision::Inconclusive, "{t}");
    assert!(
        r.incomplete[0].contains("could not decide"),
        "{:?}",
        r.incomplete
    );
    assert_eq!(report::verdict(&r, false, None).exit_code, 1);
    // Advisory (no gate): reported, the exit code unaffected.
    c.timing = Some(timing(false));
    let r = run_with(&c, &url, None, None).await;
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    assert_eq!(report::verdict(&r, true, None).exit_code, 0);
}

#[test]
fn secrets_in_arguments_that_do_not_parse_are_not_printed() {
    // A secret that looks like an option, and a password typed raw (its
    // `/` makes the URL unparseable): the messages quote neither.
    let (code, text) = cli(&["run", "--scheme", "certifylize", "--secret", "--DISTINCT-x"]);
    assert_eq!(code, Some(2), "{text}");
    let (code2, text2) = cli(&[
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        SECRET,
        "--url",
        &format!("http://user:ab/{PASSWORD}@127.0.0.1:9/hook"),
    ]);
    assert_eq!(code2, Some(2), "{text2}");
    for t in [&text, &text2] {
        for needle in ["DISTINCT", PASSWORD] {
            assert!(!t.contains(needle), "`{needle}` leaked:\n{t}");
        }
    }
}

#[test]
fn a_refused_run_still_writes_its_report() {
    // An earlier green report at the same path must not stand for this run.
    let dir = std::env::temp_dir().join(format!("hookspec-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.xml");
    std::fs::write(&out, "<testsuites tests=\"1\" failures=\"0\"/>").unwrap();
    let closed = closed_port();
    let (code, text) = cli_run(&[
        &format!("http://{closed}/hook"),
        "--effects-url",
        &format!("http://{closed}/_effects"),
        "--format",
        "junit",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{text}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(
        xml.contains("certifylize.run.complete") && xml.contains("refused"),
        "{xml}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
