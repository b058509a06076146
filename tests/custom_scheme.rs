//! A custom scheme end to end (issue 12, point 7): `tests/schemes/acme.toml`
//! is none of the built-ins (`X-Acme-Signature: t=<ts>,v1=<base64
//! HMAC-SHA512 of "<ts>:<body>">`, the secret handed out as hex), and
//!
//! - on the command line, `hookspec serve --scheme-file` passes
//!   `hookspec run --scheme-file --strict`; `cases` lists the scheme's
//!   cases; `sign` prints a request whose signature an HMAC-SHA512 computed
//!   here (not hookspec's) verifies, and which `serve` accepts;
//! - in process, `Suite::linked_with_scheme` passes strict against an Acme
//!   receiver written here from the description alone;
//! - the test receiver of `tests/support` (Acme written by hand there too)
//!   passes strict without a defect, and each defect switched on is caught
//!   by the expected case ids.
//!
//! Every server is on loopback, every child process is killed at the end
//! of its test, every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use hookspec::runner::{Outcome, RunReport};
use hookspec::testing::Suite;
use hookspec::SchemeId;
use sha2::Sha512;
use support::{assert_defect, exit_codes, not_passed, outcome, Defect};

use Outcome::{Fail, Pass, Warn};

const BIN: &str = env!("CARGO_BIN_EXE_hookspec");

/// The scheme file, by absolute path.
fn acme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemes/acme.toml")
}

/// The path as a string, for command lines.
fn acme_arg() -> String {
    acme_path().display().to_string()
}

/// The Acme scheme, registered from its file (once per process; loading
/// the same file again returns the same handle).
fn acme() -> SchemeId {
    hookspec::describe::register_file(&acme_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// The test secret as Acme hands it out: hex (the file's `test_secret`).
fn secret_hex() -> &'static str {
    acme().scheme().test_secret
}

// ---------------------------------------------------------------------------
// The command line.

fn hookspec(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("HOOKSPEC_SCHEME_FILE")
        .output()
        .expect("run hookspec")
}

/// A `hookspec serve --scheme-file acme.toml` child on an ephemeral loopback
/// port; killed on drop.
struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--scheme-file",
            &acme_arg(),
            "--secret",
            secret_hex(),
            "--addr",
            "127.0.0.1:0",
        ])
        .env("NO_COLOR", "1")
        .env_remove("HOOKSPEC_SCHEME_FILE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hookspec serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Keeps reading to the end, so the server never writes into a
        // closed pipe.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let addr = rest.split('/').next().unwrap_or_default().to_owned();
                let _ = tx.send(addr);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(addr) => Served { child, addr },
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hookspec serve did not print its address");
        }
    }
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The case ids `hookspec cases --scheme-file acme.toml` lists.
fn listed_cases() -> Vec<String> {
    let out = hookspec(&["cases", "--scheme-file", &acme_arg(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn cli_cases_lists_the_acme_cases() {
    let ids = listed_cases();
    assert!(ids.len() > 50, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("acme.")), "{ids:?}");
    // What the description asks for shows in the catalogue: its event
    // types, its timestamp window and key/value list, its statuses, its
    // idempotency key.
    for id in [
        "acme.accept.event-type.invoice.paid",
        "acme.accept.event-type.invoice.voided",
        "acme.reject.timestamp-edited",
        "acme.reject.signature-parameter-missing",
        "acme.reject.proof-bad-alphabet",
        "acme.status.missing-proof",
        "acme.status.invalid-proof",
        "acme.freshness.reject-stale",
        "acme.freshness.stale-signature-fresh-timestamp-appended",
        "acme.idempotency.duplicate-processed-once",
        "acme.robustness.signature-header-reordered",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    // `--scheme acme` names the loaded file's scheme.
    let out = hookspec(&[
        "run",
        "--scheme-file",
        &acme_arg(),
        "--scheme",
        "acme",
        "--list",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("acme.reject.timestamp-edited"), "{text}");
}

#[test]
fn cli_serve_with_the_scheme_file_passes_run_with_it_strict() {
    let served = serve();
    let url = format!("http://{}/hooks/acme", served.addr);
    let effects = format!("http://{}/_effects", served.addr);
    let out = hookspec(&[
        "run",
        "--scheme-file",
        &acme_arg(),
        "--url",
        &url,
        "--effects-url",
        &effects,
        "--secret",
        secret_hex(),
        "--strict",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["scheme"], "acme");
    assert_eq!(report["summary"]["failed"], 0, "{report:#}");
    assert_eq!(report["summary"]["warned"], 0, "{report:#}");
    assert_eq!(report["summary"]["skipped"], 0, "{report:#}");
    let cases = report["cases"].as_array().unwrap();
    let mut ran = Vec::new();
    for c in cases {
        let id = c["id"].as_str().unwrap();
        assert!(id.starts_with("acme."), "{id}");
        assert_eq!(c["outcome"], "pass", "{id}: {}", c["detail"]);
        ran.push(id.to_owned());
    }
    // Every listed case ran, but the timing case (only with --timing).
    let not_run: Vec<String> = listed_cases()
        .into_iter()
        .filter(|id| !ran.contains(id))
        .collect();
    assert_eq!(not_run, ["acme.timing.first-vs-last-byte"]);
}

/// The `X-Acme-Signature` header of a `hookspec sign` curl command.
fn signature_header(curl: &str) -> String {
    let start = curl
        .find("X-Acme-Signature: ")
        .unwrap_or_else(|| panic!("no X-Acme-Signature in\n{curl}"));
    let rest = &curl[start + "X-Acme-Signature: ".len()..];
    rest[..rest.find('\'').unwrap()].to_owned()
}

/// HMAC-SHA512 of `<t>:<body>` under the hex secret, base64: computed here
/// with the `hmac`, `sha2`, `hex` and `base64` crates, not by hookspec.
fn independent_signature(t: &str, body: &[u8]) -> String {
    let key = hex::decode(secret_hex()).unwrap();
    let mut mac = Hmac::<Sha512>::new_from_slice(&key).unwrap();
    mac.update(t.as_bytes());
    mac.update(b":");
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookspec-acme-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cli_sign_prints_a_signature_an_independent_hmac_sha512_verifies() {
    let dir = temp_dir("sign");
    let body = br#"{"id":"evt_1","type":"invoice.paid","data":{"amount":4200}}"#;
    let file = dir.join("body.json");
    std::fs::write(&file, body).unwrap();
    let out = hookspec(&[
        "sign",
        "--scheme-file",
        &acme_arg(),
        "--url",
        "http://127.0.0.1:9/hooks/acme",
        "--secret",
        secret_hex(),
        "--body",
        file.to_str().unwrap(),
        "--timestamp",
        "1767225600",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let curl = String::from_utf8(out.stdout).unwrap();
    let header = signature_header(&curl);
    // The shape: `t=<ts>,v1=<base64>`, nothing else.
    let pairs: Vec<(&str, &str)> = header
        .split(',')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    assert_eq!(pairs.len(), 2, "{header}");
    assert_eq!(pairs[0], ("t", "1767225600"), "{header}");
    assert_eq!(pairs[1].0, "v1", "{header}");
    let proof = header.strip_prefix("t=1767225600,v1=").unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(proof)
            .unwrap()
            .len(),
        64,
        "an HMAC-SHA512 is 64 bytes: {header}"
    );
    assert_eq!(proof, independent_signature("1767225600", body), "{curl}");
    // Another body or timestamp is another signature.
    assert_ne!(proof, independent_signature("1767225601", body));
    let _ = std::fs::remove_dir_all(&dir);
}

fn sh(script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .output()
        .expect("run bash")
}

fn status_of(curl_output: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(curl_output);
    let line = text.lines().next().unwrap_or_default();
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in curl output: {text}"))
}

#[test]
fn cli_signed_curl_is_accepted_by_serve_and_a_changed_byte_is_refused() {
    let served = serve();
    let dir = temp_dir("curl");
    let file = dir.join("body.json");
    std::fs::write(
        &file,
        r#"{"id":"evt_cli_1","type":"invoice.paid","note":"it's here"}"#,
    )
    .unwrap();
    let url = format!("http://{}/hooks/acme", served.addr);
    let out = hookspec(&[
        "sign",
        "--scheme-file",
        &acme_arg(),
        "--url",
        &url,
        "--secret",
        secret_hex(),
        "--body",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let cmd = String::from_utf8(out.stdout).unwrap();
    let cmd = cmd.replacen("curl ", "curl --max-time 20 ", 1);
    let ok = sh(&cmd);
    let status = status_of(&ok.stdout);
    assert!((200..300).contains(&status), "answered {status} to\n{cmd}");
    let tampered = cmd.replacen("it'\\''s here", "it'\\''s hero", 1);
    assert_ne!(tampered, cmd, "the body was not found in\n{cmd}");
    let status = status_of(&sh(&tampered).stdout);
    assert_eq!(status, 401, "a changed body");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// The in-process recipe, against an Acme receiver written from the
// description: what a user of hookspec::testing writes.

/// An Acme webhook endpoint, written as its documentation describes it.
mod acme_receiver {
    use super::*;

    pub struct App {
        /// The key bytes (the hex secret, decoded).
        pub key: Vec<u8>,
        pub seen: Mutex<HashSet<String>>,
        pub processed: Mutex<Vec<String>>,
    }

    pub fn router(secret_hex: &str) -> Router {
        let app = Arc::new(App {
            key: hex::decode(secret_hex).expect("the Acme secret is hex"),
            seen: Mutex::new(HashSet::new()),
            processed: Mutex::new(Vec::new()),
        });
        Router::new()
            .route("/webhooks/acme", post(webhook))
            .route("/_effects", get(effects))
            .with_state(app)
    }

    fn now() -> i64 {
        let s = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        i64::try_from(s).unwrap()
    }

    /// Why a request is refused: 400 without a signature, 401 with a bad one.
    fn verify(key: &[u8], headers: &HeaderMap, body: &[u8]) -> Result<(), StatusCode> {
        let mut values = headers.get_all("x-acme-signature").iter();
        let value = match (values.next(), values.next()) {
            (None, _) => return Err(StatusCode::BAD_REQUEST),
            (Some(v), None) => v.to_str().map_err(|_| StatusCode::UNAUTHORIZED)?,
            (Some(_), Some(_)) => return Err(StatusCode::UNAUTHORIZED),
        };
        let (mut t, mut proofs) = (None, Vec::new());
        for pair in value.split(',') {
            let (k, v) = pair.split_once('=').ok_or(StatusCode::UNAUTHORIZED)?;
            match k.trim() {
                // One timestamp: a second one is a forgery attempt.
                "t" if t.is_none() => t = Some(v.trim()),
                "t" => return Err(StatusCode::UNAUTHORIZED),
                "v1" => proofs.push(v.trim()),
                _ => {} // other keys are ignored
            }
        }
        let t = t.ok_or(StatusCode::UNAUTHORIZED)?;
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StatusCode::UNAUTHORIZED);
        }
        let ts: i64 = t.parse().map_err(|_| StatusCode::UNAUTHORIZED)?;
        let mut mac = Hmac::<Sha512>::new_from_slice(key).map_err(|_| StatusCode::UNAUTHORIZED)?;
        mac.update(t.as_bytes());
        mac.update(b":");
        mac.update(body);
        let verified = proofs.iter().any(|p| {
            base64::engine::general_purpose::STANDARD
                .decode(p)
                .is_ok_and(|sig| mac.clone().verify_slice(&sig).is_ok()) // constant time
        });
        if !verified || (now() - ts).abs() > 300 {
            return Err(StatusCode::UNAUTHORIZED);
        }
        Ok(())
    }

    async fn webhook(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
        if let Err(status) = verify(&app.key, &headers, &body) {
            return status;
        }
        let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) else {
            return StatusCode::BAD_REQUEST;
        };
        let Some(id) = event.pointer("/id").and_then(|v| v.as_str()) else {
            return StatusCode::BAD_REQUEST;
        };
        if app.seen.lock().unwrap().insert(id.to_owned()) {
            app.processed.lock().unwrap().push(id.to_owned());
        }
        StatusCode::OK
    }

    async fn effects(State(app): State<Arc<App>>) -> axum::Json<serde_json::Value> {
        let processed = app.processed.lock().unwrap().clone();
        axum::Json(serde_json::json!({ "processed": processed }))
    }
}

fn linked_acme_suite() -> Suite {
    Suite::linked_with_scheme(acme_path(), |env| {
        // The key the suite signs with is the hex secret, decoded.
        assert_eq!(env.secret(), hex::decode(secret_hex()).unwrap());
        acme_receiver::router(secret_hex())
    })
    .secret(secret_hex())
    .effects_path("/_effects")
    .strict(true)
}

#[test]
fn linked_recipe_with_a_hand_written_acme_receiver_passes_strict() {
    let trials = linked_acme_suite().trials();
    assert!(trials.len() > 50);
    assert!(trials.iter().all(|t| t.name().starts_with("acme.")));
    // In-process, only the header-letter-case case is left out (with why).
    let ignored: Vec<_> = trials
        .iter()
        .filter(|t| t.has_ignored_flag())
        .map(|t| (t.name().to_owned(), t.kind().to_owned()))
        .collect();
    assert_eq!(
        ignored,
        [(
            "acme.accept.header-names-title-case".to_owned(),
            "header names have no letter case in-process".to_owned()
        )]
    );
    let report = linked_acme_suite().run_blocking().unwrap();
    assert_eq!(report.scheme, acme());
    assert!(report.refused.is_none() && report.unreachable.is_none());
    assert!(report.incomplete.is_empty(), "{:?}", report.incomplete);
    let bad = not_passed(&report);
    assert!(bad.is_empty(), "not everything passed:\n{}", bad.join("\n"));
    assert_eq!(exit_codes(&report), (0, 0));
}

// ---------------------------------------------------------------------------
// The test receiver of tests/support: Acme by hand, one defect at a time.

async fn run(defect: Defect) -> RunReport {
    support::run(&support::config(acme()), defect).await
}

fn detail<'r>(report: &'r RunReport, id: &str) -> &'r str {
    let id = format!("acme.{id}");
    report
        .results
        .iter()
        .find(|r| r.case.id == id)
        .map(|r| r.detail.as_str())
        .unwrap_or_else(|| panic!("no case `{id}`"))
}

#[tokio::test]
async fn test_receiver_without_defect_passes_every_case_strict() {
    let report = run(Defect::None).await;
    let bad = not_passed(&report);
    assert!(bad.is_empty(), "not everything passed:\n{}", bad.join("\n"));
    assert_eq!(exit_codes(&report), (0, 0));
    assert!(report
        .results
        .iter()
        .all(|r| r.case.id.starts_with("acme.")));
}

#[tokio::test]
async fn defect_accepts_a_missing_signature() {
    let d = Defect::AcceptsEverything;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("reject.missing-proof", Fail),
            ("reject.empty-proof", Fail),
            ("reject.wrong-key", Fail),
            ("reject.signature-parameter-missing", Fail),
            ("reject.timestamp-edited", Fail),
            ("status.missing-proof", Warn),
            ("status.invalid-proof", Warn),
            ("freshness.reject-stale", Warn),
        ],
        &["reject", "status", "freshness"],
    );
    // A truncated body is no JSON: even this receiver refuses it.
    assert_eq!(outcome(&report, "acme.reject.body-truncated"), Pass);
    assert_eq!(exit_codes(&report), (1, 1));
}

#[tokio::test]
async fn defect_answers_500_to_a_missing_signature() {
    let d = Defect::ErrorOnMissingHeader;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("reject.missing-proof", Fail),
            ("reject.non-ascii-proof", Fail),
            ("status.missing-proof", Warn),
            ("reject.empty-proof", Pass),
            ("status.invalid-proof", Pass),
        ],
        &["reject", "status"],
    );
    let why = detail(&report, "reject.missing-proof");
    assert!(why.contains("500"), "{why}");
    assert_eq!(exit_codes(&report), (1, 1));
}

#[tokio::test]
async fn defect_verifies_the_reserialized_body() {
    let d = Defect::VerifiesReserializedJson;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("accept.plain", Fail),
            ("accept.whitespace", Fail),
            ("accept.key-order", Fail),
            ("reject.signature-over-reserialized-json", Fail),
            ("freshness.accept-recent-past", Warn),
            ("idempotency.same-id-other-body", Fail),
            ("robustness.body-1mib", Fail),
        ],
        &["accept", "reject", "freshness", "idempotency", "robustness"],
    );
    assert_eq!(exit_codes(&report), (1, 1));
}

#[tokio::test]
async fn defect_ignores_the_timestamp_window() {
    let d = Defect::IgnoresTimestamp;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("freshness.reject-stale", Warn),
            ("freshness.reject-future", Warn),
            ("freshness.reject-milliseconds", Warn),
            ("freshness.accept-recent-past", Pass),
            ("reject.timestamp-edited", Pass),
        ],
        &["freshness"],
    );
    // SHOULD: fails the strict run only.
    assert_eq!(exit_codes(&report), (0, 1));
}

#[tokio::test]
async fn defect_accepts_a_truncated_signature() {
    let d = Defect::AcceptsSignaturePrefix;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("reject.proof-prefix", Fail),
            ("reject.proof-one-byte-short", Fail),
            ("reject.proof-one-char-short", Pass),
            ("reject.proof-one-char-long", Pass),
        ],
        &["reject"],
    );
    assert_eq!(exit_codes(&report), (1, 1));
}

#[tokio::test]
async fn defect_processes_duplicates() {
    let d = Defect::NoDedupe;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("idempotency.duplicate-processed-once", Warn),
            ("idempotency.concurrent-duplicates", Warn),
            ("freshness.replay", Warn),
            ("idempotency.same-id-other-body", Pass),
        ],
        &["idempotency", "freshness"],
    );
    let why = detail(&report, "idempotency.duplicate-processed-once");
    assert!(why.contains("processed 2 time(s)"), "{why}");
    assert_eq!(exit_codes(&report), (0, 1));
}

#[tokio::test]
async fn defect_deduplicates_with_a_race() {
    let d = Defect::DedupeRace;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("idempotency.concurrent-duplicates", Warn),
            ("idempotency.duplicate-processed-once", Pass),
        ],
        &["idempotency"],
    );
    assert_eq!(exit_codes(&report), (0, 1));
}

#[tokio::test]
async fn defect_answers_the_wrong_status_codes() {
    let d = Defect::WrongStatusCodes;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("status.missing-proof", Warn),
            ("status.invalid-proof", Warn),
            ("reject.missing-proof", Pass),
        ],
        &["status"],
    );
    let why = detail(&report, "status.invalid-proof");
    assert!(why.contains("403") && why.contains("401"), "{why}");
    assert_eq!(exit_codes(&report), (0, 1));
}

#[tokio::test]
async fn defect_processes_forgeries_it_refuses() {
    let d = Defect::ProcessesForgeries;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("reject.missing-proof", Fail),
            ("reject.wrong-key", Fail),
            ("reject.timestamp-edited", Fail),
            ("status.invalid-proof", Warn),
            ("freshness.reject-stale", Warn),
            ("robustness.timestamp-negative", Fail),
        ],
        &["reject", "status", "freshness", "robustness"],
    );
    assert_eq!(exit_codes(&report), (1, 1));
}

/// `t=…,v1=…` read by position and unwrapped: every other shape is a 500.
#[tokio::test]
async fn defect_unwraps_the_signature_header() {
    let d = Defect::UnwrapsSignatureHeader;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("reject.signature-parameter-missing", Fail),
            ("freshness.stale-signature-fresh-timestamp-appended", Warn),
            ("robustness.timestamp-negative", Fail),
            ("robustness.timestamp-decimal", Fail),
            ("robustness.timestamp-exponent", Fail),
            ("robustness.timestamp-trailing-junk", Fail),
            ("robustness.timestamp-beyond-i64", Fail),
            ("robustness.signature-header-reordered", Fail),
            ("robustness.signature-header-whitespace", Fail),
            ("robustness.signature-header-extra-parameter", Fail),
            ("accept.plain", Pass),
        ],
        &["reject", "freshness", "robustness"],
    );
    assert_eq!(exit_codes(&report), (1, 1));
}

/// The signature checked with the first `t`, the window with the last.
#[tokio::test]
async fn defect_checks_the_window_on_another_timestamp_than_the_signed_one() {
    let d = Defect::WindowOnLastTimestamp;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("freshness.stale-signature-fresh-timestamp-appended", Warn),
            ("freshness.reject-stale", Pass),
        ],
        &["freshness"],
    );
    assert_eq!(exit_codes(&report), (0, 1));
}

#[tokio::test]
async fn defect_answers_500_to_another_body_under_a_known_id() {
    let d = Defect::ErrorOnIdConflict;
    let report = run(d).await;
    assert_defect(
        &report,
        d,
        &[
            ("idempotency.same-id-other-body", Fail),
            ("idempotency.duplicate-processed-once", Pass),
        ],
        &["idempotency"],
    );
    assert_eq!(exit_codes(&report), (1, 1));
}
