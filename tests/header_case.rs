//! Header names in another letter case (docs/spec.md §3.1):
//! `accept.header-names-title-case` can fail.
//!
//! The bug (looking a header up by one exact spelling) cannot be written
//! with axum or hyper, whose `HeaderMap` has no letter case, so the receiver
//! here is a minimal HTTP/1.1 server over a raw socket: it reads one request
//! per connection, finds `X-Token` either ignoring case (correct) or only as
//! the lowercase `x-token` that hookspec sends by default (the bug), and
//! checks the `blockmark` token.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::net::SocketAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};
use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::runner::{Outcome, RunConfig, Runner, Selection};
use hookspec::target::{HttpTarget, ServiceTarget, TlsOptions};
use hookspec::SchemeId;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the receiver finds the token header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// `eq_ignore_ascii_case`, as HTTP requires.
    AnyCase,
    /// Only the exact spelling `x-token`.
    LowercaseOnly,
}

const MAX_HEAD: usize = 16 * 1024;

/// Reads one request; answers 200 for a valid token, 400 otherwise.
async fn serve_one(mut stream: TcpStream, lookup: Lookup) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let headers: Vec<(&str, &str)> = head
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n, v.trim()))
        .collect();
    // Framing ignores case (or nothing would work at all); only the token
    // lookup carries the bug.
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let token = headers.iter().find(|(n, _)| match lookup {
        Lookup::AnyCase => n.eq_ignore_ascii_case("x-token"),
        Lookup::LowercaseOnly => *n == "x-token",
    });
    let mut mac = Hmac::<Sha256>::new_from_slice(TEST_SECRET.as_bytes()).unwrap();
    mac.update(b"");
    let expected = mac.finalize().into_bytes();
    let ok = token
        .and_then(|(_, v)| hex::decode(v).ok())
        .is_some_and(|t| bool::from(t.ct_eq(&expected[..])));
    let status = if ok { "200 OK" } else { "400 Bad Request" };
    let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Serves on a free loopback port until the test's runtime ends.
async fn serve(lookup: Lookup) -> String {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve_one(stream, lookup));
        }
    });
    format!("http://{addr}/hook")
}

fn config() -> RunConfig {
    let mut config = RunConfig::new(
        "blockmark".parse::<SchemeId>().unwrap(),
        Some(TEST_SECRET.as_bytes().to_vec()),
    )
    .unwrap();
    config.timeout = Duration::from_secs(5);
    config.selection = Selection {
        include: vec![
            "blockmark.accept.plain".into(),
            "blockmark.accept.header-names-title-case".into(),
        ],
        exclude: Vec::new(),
    };
    config
}

/// The outcomes of the two selected cases against a receiver.
async fn outcomes(lookup: Lookup) -> (Outcome, Outcome) {
    let url = serve(lookup).await;
    let target = HttpTarget::new(&url, Duration::from_secs(5), &TlsOptions::default()).unwrap();
    let report = Runner::new(&config(), &target).run().await;
    let outcome = |id: &str| {
        report
            .results
            .iter()
            .find(|r| r.case.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .outcome
    };
    assert_eq!(report.results.len(), 2, "{:?}", report.results);
    (
        outcome("blockmark.accept.plain"),
        outcome("blockmark.accept.header-names-title-case"),
    )
}

#[tokio::test]
async fn a_receiver_that_ignores_the_case_of_header_names_passes() {
    assert_eq!(
        outcomes(Lookup::AnyCase).await,
        (Outcome::Pass, Outcome::Pass)
    );
}

/// The bug passes every case sent with hookspec's default lowercase names,
/// and fails the Title-Case one.
#[tokio::test]
async fn a_receiver_that_only_finds_the_lowercase_name_fails_the_title_case_delivery() {
    assert_eq!(
        outcomes(Lookup::LowercaseOnly).await,
        (Outcome::Pass, Outcome::Fail)
    );
}

/// In-process, header names have no case: the case is skipped, with its
/// reason, rather than passed without being able to fail.
#[tokio::test]
async fn the_title_case_delivery_is_skipped_in_process() {
    use hookspec::keys::Trust;
    use hookspec::receiver::{self, ReceiverConfig, TrustSource};
    let trust = TrustSource::Static(Trust::Secret(TEST_SECRET.as_bytes().to_vec()));
    let service = receiver::router(ReceiverConfig::new(
        "blockmark".parse::<SchemeId>().unwrap(),
        trust,
    ))
    .unwrap();
    let target =
        ServiceTarget::new(service, "http://receiver.test/hook", Duration::from_secs(5)).unwrap();
    let report = Runner::new(&config(), &target).run().await;
    let r = report
        .results
        .iter()
        .find(|r| r.case.id == "blockmark.accept.header-names-title-case")
        .unwrap();
    assert_eq!(r.outcome, Outcome::Skip, "{}", r.detail);
    assert!(r.detail.contains("no letter case"), "{}", r.detail);
}
