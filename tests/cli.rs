//! The `hookspec` binary as a user runs it: `schemes`, `keys`, `sign` piped
//! into a shell against `serve`, `run` and `demo` exit codes and reports.
//! Every server is on loopback and every child process is killed at the end
//! of its test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::SchemeId;

const BIN: &str = env!("CARGO_BIN_EXE_hookspec");

fn hookspec(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run hookspec")
}

/// A `hookspec serve` child on an ephemeral loopback port; killed on drop.
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

fn serve(scheme: SchemeId) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--scheme",
            scheme.as_str(),
            "--addr",
            "127.0.0.1:0",
            "--secret",
            scheme.scheme().test_secret,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hookspec serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let addr = rest.split('/').next().unwrap_or_default().to_owned();
                let _ = tx.send(addr);
                break;
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("hookspec serve did not print its address");
    Served { child, addr }
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
fn schemes_lists_the_six_ids() {
    let out = hookspec(&["schemes"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for id in SchemeId::builtins() {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(id.as_str())),
            "{id} missing from:\n{text}"
        );
    }
}

#[test]
fn keys_prints_the_test_public_keys() {
    let pem = hookspec(&["keys", "--scheme", "cometh"]);
    assert!(pem.status.success());
    assert!(String::from_utf8_lossy(&pem.stdout).starts_with("-----BEGIN PUBLIC KEY-----"));
    let hex = hookspec(&["keys", "--scheme", "smartasset", "--format", "hex"]);
    assert!(hex.status.success());
    assert_eq!(String::from_utf8_lossy(&hex.stdout).trim().len(), 64);
    let none = hookspec(&["keys", "--scheme", "certifylize"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("shared secret"));
}

/// The acceptance test of `sign`: its curl command, pasted into a shell,
/// is accepted by `serve` of the same scheme, and rejected with one byte of
/// the body changed.
#[test]
fn signed_curl_commands_are_accepted_and_a_changed_byte_is_rejected() {
    let dir = std::env::temp_dir().join(format!("hookspec-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for scheme in SchemeId::builtins() {
        let served = serve(scheme);
        // The scheme's sample event, with a quote for the shell to carry.
        let s = scheme.scheme();
        let sample = s
            .sample_event
            .replace("@ID@", "cli-1")
            .replace(
                "@TYPE@",
                s.event_types.first().copied().unwrap_or("test.event"),
            )
            .replace("@TOKEN@", "7")
            .replace("@BLOCK@", "5");
        let body = format!(
            "{},\"note\":\"it's here\"}}",
            sample.strip_suffix('}').unwrap()
        );
        let file = dir.join(format!("{scheme}.json"));
        std::fs::write(&file, &body).unwrap();
        let url = format!("http://{}/hooks/{scheme}?tenant=1", served.addr);
        let out = hookspec(&[
            "sign",
            "--scheme",
            scheme.as_str(),
            "--url",
            &url,
            "--secret",
            scheme.scheme().test_secret,
            "--body",
            file.to_str().unwrap(),
            "--event-id",
            "dlv-cli-1",
        ]);
        assert!(
            out.status.success(),
            "{scheme}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cmd = String::from_utf8(out.stdout).unwrap();
        assert!(cmd.contains("curl"), "{cmd}");

        let ok = sh(&cmd);
        assert!(
            ok.status.success(),
            "{scheme}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let status = status_of(&ok.stdout);
        assert!(
            (200..300).contains(&status),
            "{scheme}: answered {status} to\n{cmd}\n{}",
            String::from_utf8_lossy(&ok.stdout)
        );

        if scheme.as_str() == "blockmark" || scheme.as_str() == "blink-apikey" {
            // Their token does not cover the body: nothing to tamper with.
            continue;
        }
        let tampered = cmd.replacen("it'\\''s here", "it'\\''s hero", 1);
        assert_ne!(tampered, cmd, "{scheme}: the body was not found in\n{cmd}");
        let bad = sh(&tampered);
        let status = status_of(&bad.stdout);
        assert!(
            (400..500).contains(&status),
            "{scheme}: answered {status} to a changed body"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sign_http_format_is_a_raw_request() {
    let out = Command::new(BIN)
        .args([
            "sign",
            "--scheme",
            "certifylize",
            "--url",
            "http://127.0.0.1:9/h",
            "--secret",
            "s",
            "--body",
            "-",
            "--format",
            "http",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"{\"a\":1}")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("POST /h HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"),
        "{text}"
    );
    assert!(text.contains("X-Certifylize-Signature: sha256="));
    assert!(text.ends_with("\r\n\r\n{\"a\":1}"));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for (args, needle) in [
        (
            vec!["run", "--scheme", "nope", "--url", "http://127.0.0.1:9/"],
            "unknown scheme",
        ),
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--url",
                "http://127.0.0.1:9/",
            ],
            "needs the receiver's secret",
        ),
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--url",
                "ftp://x/",
                "--secret",
                "s3cret",
            ],
            "only http:// and https://",
        ),
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--url",
                "http://[::1/",
                "--secret",
                "s3cret",
            ],
            "the URL given is not a valid URL: invalid IPv6 address\n",
        ),
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--url",
                "http://127.0.0.1:9/",
                "--secret-env",
                "HOOKSPEC_SURELY_UNSET_VAR",
            ],
            "is not set",
        ),
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--list",
                "--filter",
                "no-such-case",
            ],
            "select no case",
        ),
        (
            vec![
                "sign",
                "--scheme",
                "certifylize",
                "--url",
                "http://h/",
                "--body",
                "/nonexistent/file",
                "--secret",
                "s3cret",
            ],
            "/nonexistent/file",
        ),
    ] {
        let out = hookspec(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        // A cause the message already names is not repeated.
        assert!(
            !err.contains("file or directory (os error 2): No such"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn list_prints_cases_without_sending() {
    let out = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--filter",
        "*.reject.*",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("certifylize.reject.proof-prefix"));
    assert!(!text.contains("certifylize.accept."));
}

#[test]
fn cases_prints_the_checked_in_catalogue() {
    let out = hookspec(&["cases"]);
    assert!(out.status.success(), "{out:?}");
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cases.md")).unwrap();
    assert!(
        String::from_utf8(out.stdout).unwrap() == md,
        "`hookspec cases` differs from docs/cases.md: run `HOOKSPEC_BLESS=1 cargo test --test cases_doc`"
    );

    let out = hookspec(&["cases", "--scheme", "cometh", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = json.as_array().unwrap();
    assert!(entries.len() > 30, "{} cometh cases", entries.len());
    assert!(entries
        .iter()
        .all(|e| e["scheme"] == "cometh" && e["id"].as_str().unwrap().starts_with("cometh.")));

    let out = hookspec(&["cases", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unreachable_target_exits_3() {
    // Bind and drop to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        "s3cret",
        "--url",
        &format!("http://127.0.0.1:{port}/hook"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be reached"));
}

#[test]
fn run_against_serve_passes_strict_and_writes_reports() {
    let served = serve("certifylize".parse::<SchemeId>().unwrap());
    let dir = std::env::temp_dir().join(format!("hookspec-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("http://{}/hooks/certifylize", served.addr);
    let effects = format!("http://{}/_effects", served.addr);
    let json_path = dir.join("report.json");
    let out = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        TEST_SECRET,
        "--url",
        &url,
        "--effects-url",
        &effects,
        "--strict",
        "--format",
        "json",
        "--output",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["summary"]["warned"], 0);
    assert_eq!(report["summary"]["skipped"], 0);

    // A baseline that lists a passing case: the run fails and names it.
    let baseline = dir.join("known.txt");
    std::fs::write(
        &baseline,
        "# known failures\ncertifylize.reject.proof-prefix  # fixed upstream soon\n",
    )
    .unwrap();
    let out = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        TEST_SECRET,
        "--url",
        &url,
        "--filter",
        "reject.proof",
        "--expect-failures",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "newly passing (remove it from --expect-failures): certifylize.reject.proof-prefix"
    ));

    // A baseline entry without a reason is a usage error.
    std::fs::write(&baseline, "certifylize.reject.proof-prefix\n").unwrap();
    let out = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        TEST_SECRET,
        "--url",
        &url,
        "--expect-failures",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no reason"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_passes_every_scheme_strict() {
    let out = hookspec(&["demo", "--scheme", "all"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        !text.contains("FAIL") && !text.contains("WARN") && !text.contains("SKIP"),
        "{text}"
    );
    assert_eq!(
        text.matches(" 0 failed, 0 warned, 0 skipped").count(),
        SchemeId::builtins().len()
    );
}
