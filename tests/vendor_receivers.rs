//! The vendors' own documented verification must pass the suite, strict.
//!
//! `tests/vendor/<scheme>.mjs` is, per scheme, the receiver the vendor
//! document shows (Node, Express-style, Node's built-in `crypto` only),
//! written literally - including the leniency of the Node APIs it uses -
//! minus the documented crashes, plus what any production receiver adds
//! (deduplication by event id, the effects oracle; see each file's header).
//! If such a receiver fails a case, either it departs from the document or
//! the case is a false alarm: what the vendor's own code accepts, without a
//! security hole, may be reported as information, never as a failure.
//!
//! Each test spawns `node` (stdin piped: the receiver exits when the test
//! does; killed on drop), starts the provider key server on loopback for
//! `smartasset`/`cometh`, runs every case with the effects oracle and
//! asserts the strict verdict. `node` is required: without it these tests
//! fail saying so (CI installs it, see `.ci/run`).

// Test code: the helpers of this test crate get the same allowance as
// #[test] functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::keyserver::{self, PublishedKeys};
use hookspec::report;
use hookspec::runner::{Outcome, RunConfig, Runner};
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::SchemeId;

/// How long a receiver may take to print its port.
const STARTUP: Duration = Duration::from_secs(15);
/// A bound on one whole run (rotation waits included).
const RUN: Duration = Duration::from_secs(180);

/// A running `node` receiver; killed (and reaped) on drop.
struct NodeReceiver {
    child: Child,
    port: u16,
}

impl Drop for NodeReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(scheme: SchemeId, key_server: Option<&str>) -> NodeReceiver {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vendor")
        .join(format!("{scheme}.mjs"));
    let mut cmd = Command::new("node");
    cmd.arg(&script)
        .args(["--port", "0", "--secret", TEST_SECRET])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = key_server {
        cmd.args(["--key-server", url]);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "`node` could not be run ({e}). The literal-vendor receivers need it: install it \
             (Debian/Ubuntu: apt-get install nodejs); CI installs it in .ci/run."
        )
    });
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let mut receiver = NodeReceiver { child, port: 0 };
    let line = rx
        .recv_timeout(STARTUP)
        .unwrap_or_else(|_| panic!("{}: no port printed within {STARTUP:?}", script.display()));
    receiver.port = line.trim().parse().unwrap_or_else(|_| {
        panic!(
            "{}: expected the bound port as the first line, got {line:?}",
            script.display()
        )
    });
    receiver
}

fn config(scheme: SchemeId) -> RunConfig {
    let mut c = RunConfig::new(scheme, Some(TEST_SECRET.as_bytes().to_vec())).expect("config");
    // The literal receivers fetch keys on every delivery: a short window is
    // plenty.
    c.rotation_window = Duration::from_secs(3);
    c.settle = Duration::from_millis(300);
    c
}

/// Runs every case of `scheme` against its literal-vendor receiver and
/// asserts the strict verdict.
fn passes_strict(scheme: SchemeId) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let config = config(scheme);
        let key_server = match scheme.as_str() {
            "smartasset" | "cometh" => Some(
                keyserver::start(
                    SocketAddr::from(([127, 0, 0, 1], 0)),
                    PublishedKeys::from_signing_keys(std::slice::from_ref(&config.key)),
                )
                .await
                .expect("key server"),
            ),
            _ => None,
        };
        let receiver = spawn(scheme, key_server.as_ref().map(|k| k.base_url()).as_deref());
        let base = format!("http://127.0.0.1:{}", receiver.port);
        let target = HttpTarget::new(
            &format!("{base}/webhook"),
            config.timeout,
            &TlsOptions::default(),
        )
        .expect("target");
        let effects = HttpTarget::new(
            &format!("{base}/_effects"),
            Duration::from_secs(5),
            &TlsOptions::default(),
        )
        .expect("effects");
        let mut runner = Runner::new(&config, &target).with_effects(&effects);
        if let Some(ks) = &key_server {
            runner = runner.with_key_server(ks.state().as_ref());
        }
        let report = tokio::time::timeout(RUN, runner.run())
            .await
            .unwrap_or_else(|_| panic!("{scheme}: the run took longer than {RUN:?}"));
        drop(receiver);
        assert!(
            report.unreachable.is_none(),
            "{scheme}: receiver unreachable: {:?}",
            report.unreachable
        );
        let not_passed: Vec<String> = report
            .results
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::Pass | Outcome::Skip))
            .map(|r| format!("  {} {}: {}", r.case.id, r.outcome.as_str(), r.detail))
            .collect();
        let skipped: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Skip)
            .map(|r| r.case.id.as_str())
            .collect();
        assert!(
            skipped.is_empty(),
            "{scheme}: cases skipped (oracle or key server not wired?): {skipped:?}"
        );
        let verdict = report::verdict(&report, true, None);
        assert!(
            verdict.exit_code == 0 && not_passed.is_empty(),
            "{scheme}: the vendor's documented verification (tests/vendor/{scheme}.mjs) fails the suite, strict (exit {}):\n{}",
            verdict.exit_code,
            not_passed.join("\n")
        );
    });
}

#[test]
fn blockmark_literal_vendor_receiver_passes_strict() {
    passes_strict("blockmark".parse::<SchemeId>().unwrap());
}

#[test]
fn certifylize_literal_vendor_receiver_passes_strict() {
    passes_strict("certifylize".parse::<SchemeId>().unwrap());
}

#[test]
fn blink_apikey_literal_vendor_receiver_passes_strict() {
    passes_strict("blink-apikey".parse::<SchemeId>().unwrap());
}

#[test]
fn blink_signature_literal_vendor_receiver_passes_strict() {
    passes_strict("blink-signature".parse::<SchemeId>().unwrap());
}

#[test]
fn smartasset_literal_vendor_receiver_passes_strict() {
    passes_strict("smartasset".parse::<SchemeId>().unwrap());
}

#[test]
fn cometh_literal_vendor_receiver_passes_strict() {
    passes_strict("cometh".parse::<SchemeId>().unwrap());
}
