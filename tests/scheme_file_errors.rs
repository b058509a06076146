//! Malformed scheme files through the real binary (issue 12): on every
//! command that takes `--scheme-file` (`run`, `serve`, `sign`, `keys`,
//! `cases`, `vectors`, `demo`), a bad file is exit 2 with
//! `hookspec: error: <path>:<line>:<column>: what is wrong; how to fix it`
//! on stderr, no panic, nothing on stdout, nothing sent, nothing written.
//! `HOOKSPEC_SCHEME_FILE` naming a bad file is the same, and a missing file
//! is exit 2 naming the path.
//!
//! Every child process is waited for with a bound (and killed past it); the
//! only network is a loopback listener that must receive nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hookspec");

/// How long a command that should fail at once may take before it is
/// killed and reported (it would be a server that started, or a hang).
const BOUND: Duration = Duration::from_secs(60);

/// A valid scheme file (Acme-like: `t=<ts>,v1=<base64 HMAC-SHA512>`, a hex
/// secret) that the rows below edit. Line numbers in the table refer to it.
const BASE: &str = r#"id = "acme-errors"
summary = "X-Acme-Signature: t=<ts>,v1=<base64 HMAC-SHA512>"
reference = "tests/scheme_file_errors.rs"

[credential]
kind = "shared-secret"
secret_decoding = "hex"
test_secret = "8f3c2a9be17d4c05a6e2b9d0f41c7a3e"

[proof]
carrier = "header"
header = "X-Acme-Signature"
syntax = "kv-list"
pair_separator = ","
key_separator = "="
accept = ["v1"]

[signature]
algorithm = "hmac-sha512"
message = "{param:t}:{body}"
encoding = "base64"

[timestamp]
from = "param"
name = "t"
past_tolerance_s = 300
future_tolerance_s = 300

[body]
format = "json"

[idempotency]
pointer = "/id"

[events]
sample = '{"id":"@ID@","type":"@TYPE@"}'
"#;

/// A body envelope (`{"event": …, "sig": …}`) with a form body.
const ENVELOPE_IN_A_FORM: &str = r#"id = "acme-envelope"
summary = "body {event, sig}"
reference = "tests/scheme_file_errors.rs"

[credential]
kind = "shared-secret"

[proof]
carrier = "body-envelope"
event_member = "event"
signature_member = "sig"

[signature]
algorithm = "hmac-sha256"
message = "{event}"
encoding = "hex"

[body]
format = "form"

[idempotency]
header = "X-Acme-Delivery"

[events]
sample = 'id=@ID@'
"#;

/// A public-key scheme whose test key files do not exist.
const MISSING_KEY_FILES: &str = r#"id = "acme-keys"
summary = "X-Acme-Signature: base64 Ed25519 over the body"
reference = "tests/scheme_file_errors.rs"

[credential]
kind = "ed25519-public-keys"

[[credential.test_keys]]
name = "acme-1"
private = "no-such-dir/acme-1.pem"
public = "no-such-dir/acme-1.pub.pem"
roles = ["signing"]

[proof]
carrier = "header"
header = "X-Acme-Signature"

[signature]
algorithm = "ed25519"
message = "{body}"
encoding = "base64"

[idempotency]
pointer = "/id"

[events]
sample = '{"id":"@ID@"}'
"#;

#[test]
fn the_base_file_is_valid() {
    let file = hookspec::describe::load(BASE, "base.toml").unwrap_or_else(|e| panic!("{e}"));
    hookspec::describe::to_scheme(
        &file,
        "base.toml",
        BASE,
        &hookspec::describe::Files::Builtin,
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

/// `BASE` with `from` replaced by `to` (once; `from` must be there).
fn edit(from: &str, to: &str) -> Vec<u8> {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1).into_bytes()
}

/// One malformed file.
struct Row {
    /// The kind of mistake.
    what: &'static str,
    /// The file's bytes.
    file: Vec<u8>,
    /// The command it is given to (its other arguments: [`args`]).
    command: &'static str,
    /// The expected `line:column`.
    at: &'static str,
    /// A phrase of the message.
    phrase: &'static str,
}

fn rows() -> Vec<Row> {
    let row = |what, file, command, at, phrase| Row {
        what,
        file,
        command,
        at,
        phrase,
    };
    vec![
        row(
            "unknown field, with did-you-mean",
            edit("algorithm = ", "algoritm = "),
            "run",
            "19:1",
            "unknown field `algoritm`; did you mean `algorithm`?",
        ),
        row(
            "missing field",
            edit("reference = \"tests/scheme_file_errors.rs\"\n", ""),
            "serve",
            "1:1",
            "missing field `reference`",
        ),
        row(
            "template placeholder that does not exist",
            edit("{param:t}:{body}", "{param:t}:{bdy}"),
            "sign",
            "20:22",
            "unknown placeholder `{bdy}`; did you mean `{body}`?",
        ),
        row(
            "retry header placeholder that does not exist",
            edit(
                "pointer = \"/id\"\n",
                "pointer = \"/id\"\nretry_headers = [{ name = \"X-Acme-Retry\", value = \"{attemp}\" }]\n",
            ),
            "run",
            "34:52",
            "unknown placeholder `{attemp}`; did you mean `{attempt}`?",
        ),
        row(
            "placeholder with nothing to fill it (no timestamp source)",
            BASE.replacen("{param:t}:{body}", "{timestamp}:{body}", 1)
                .replacen(
                    "[timestamp]\nfrom = \"param\"\nname = \"t\"\npast_tolerance_s = 300\nfuture_tolerance_s = 300\n\n",
                    "",
                    1,
                )
                .into_bytes(),
            "demo",
            "20:12",
            "no timestamp source",
        ),
        row(
            "body envelope without a JSON body",
            ENVELOPE_IN_A_FORM.as_bytes().to_vec(),
            "cases",
            "19:10",
            "a body envelope needs a JSON body",
        ),
        row(
            "hex secret that does not decode",
            edit(
                "8f3c2a9be17d4c05a6e2b9d0f41c7a3e",
                "8f3c2a9be17d4c05a6e2b9d0f41c7a3",
            ),
            "run",
            "8:15",
            "the test secret is not hex",
        ),
        row(
            "whsec_ base64 secret that does not decode",
            edit(
                "secret_decoding = \"hex\"\ntest_secret = \"8f3c2a9be17d4c05a6e2b9d0f41c7a3e\"",
                "secret_decoding = \"whsec-base64\"\ntest_secret = \"whsec_not*base64\"",
            ),
            "keys",
            "8:15",
            "does not decode",
        ),
        row(
            "wrong type",
            edit("past_tolerance_s = 300", "past_tolerance_s = \"5m\""),
            "demo",
            "26:20",
            "wrong type",
        ),
        row(
            "unknown enum value, with did-you-mean",
            edit("encoding = \"base64\"", "encoding = \"base65\""),
            "vectors",
            "21:12",
            "unknown encoding `base65`; did you mean `base64`?",
        ),
        row(
            "not TOML",
            b"{\"id\": \"acme\", \"summary\": \"JSON is not TOML\"}\n".to_vec(),
            "run",
            "1:1",
            "not valid TOML",
        ),
        row(
            "duplicate key",
            edit("encoding = \"base64\"", "encoding = \"base64\"\nencoding = \"hex\""),
            "serve",
            "22:1",
            "duplicate key",
        ),
        row(
            "unreadable test key file",
            MISSING_KEY_FILES.as_bytes().to_vec(),
            "keys",
            "8:1",
            "cannot read `no-such-dir/acme-1.pem`",
        ),
        row(
            "id clashing with a built-in",
            edit("id = \"acme-errors\"", "id = \"certifylize\""),
            "sign",
            "1:6",
            "scheme id `certifylize` is a built-in scheme's",
        ),
        row(
            "a shape the engine cannot run yet (a one-sided window)",
            edit("future_tolerance_s = 300", "future_tolerance_s = 60"),
            "run",
            "23:1",
            "the engine cannot run this yet",
        ),
        row(
            "empty file",
            b"\n# Acme: to be written\n\n".to_vec(),
            "cases",
            "1:1",
            "the scheme file is empty",
        ),
        row(
            "not UTF-8",
            b"id = \"acme\xff\"\n".to_vec(),
            "serve",
            "1:11",
            "not UTF-8",
        ),
    ]
}

/// The arguments of `command` besides `--scheme-file`: everything it needs
/// to go ahead (a URL on `port`, a secret, a body, an output directory).
fn args(command: &str, port: u16, out_dir: &Path) -> Vec<String> {
    let url = format!("http://127.0.0.1:{port}/hooks/acme");
    let v: Vec<&str> = match command {
        "run" => vec!["run", "--url", &url, "--secret", "00112233445566778899"],
        "serve" => vec![
            "serve",
            "--secret",
            "00112233445566778899",
            "--addr",
            "127.0.0.1:0",
        ],
        "sign" => vec![
            "sign",
            "--url",
            &url,
            "--secret",
            "00112233445566778899",
            "--body",
            "-",
        ],
        "vectors" => vec!["vectors", "--dir", out_dir.to_str().unwrap()],
        other => vec![other],
    };
    v.into_iter().map(str::to_owned).collect()
}

/// Exit code (None: killed by a signal), stdout, stderr of `hookspec
/// <args>`, or `Err` if it ran past [`BOUND`] (then it is killed).
fn run_bounded(
    args: &[String],
    env: Option<(&str, &Path)>,
) -> Result<(Option<i32>, String, String), String> {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("HOOKSPEC_SCHEME_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start hookspec");
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = pipe(Box::new(child.stdout.take().unwrap()));
    let err = pipe(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {BOUND:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok((status.code(), out.join().unwrap(), err.join().unwrap()))
}

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hookspec-scheme-errors-{what}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What is wrong with one bad-file run, if anything: exit 2, the located
/// message with a fix, no panic, nothing on stdout.
fn judge(
    result: Result<(Option<i32>, String, String), String>,
    prefix: &str,
    phrase: &str,
) -> Vec<String> {
    let (code, stdout, stderr) = match result {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let mut bad = Vec::new();
    if code != Some(2) {
        bad.push(format!("exit {code:?}, expected 2"));
    }
    if stderr.contains("panicked") {
        bad.push("panicked".into());
    }
    if !stderr.starts_with(prefix) {
        bad.push(format!("stderr does not start with `{prefix}`"));
    }
    if !stderr.contains(phrase) {
        bad.push(format!("stderr does not say `{phrase}`"));
    }
    // After "path:line:column: what", "; how to fix it".
    if !stderr.get(prefix.len()..).is_some_and(|m| m.contains("; ")) {
        bad.push("no fix in the message".into());
    }
    if stderr.lines().count() != 1 {
        bad.push("more than the one error line".into());
    }
    if !stdout.is_empty() {
        bad.push(format!("stdout is not empty: {stdout:?}"));
    }
    if !bad.is_empty() {
        bad.push(format!("stderr: {stderr}"));
    }
    bad
}

/// Nothing connected to the listener.
fn nothing_sent(listener: &TcpListener) -> Option<String> {
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => None,
        Err(e) => Some(format!("listener: {e}")),
        Ok((_, from)) => Some(format!("something was sent (a connection from {from})")),
    }
}

#[test]
fn malformed_scheme_files_are_exit_2_with_path_line_column_on_every_command() {
    let dir = temp_dir("table");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let table = rows();
    assert!(table.len() >= 10);
    let commands: std::collections::BTreeSet<&str> = table.iter().map(|r| r.command).collect();
    for c in ["run", "serve", "sign", "keys", "cases", "vectors", "demo"] {
        assert!(commands.contains(c), "no row on `{c}`");
    }
    let mut failures = Vec::new();
    for (i, row) in table.iter().enumerate() {
        let path = dir.join(format!("row{i:02}.toml"));
        std::fs::write(&path, &row.file).unwrap();
        let out_dir = dir.join(format!("row{i:02}-vectors"));
        let mut argv = args(row.command, port, &out_dir);
        argv.extend(["--scheme-file".to_owned(), path.display().to_string()]);
        let prefix = format!("hookspec: error: {}:{}: ", path.display(), row.at);
        let mut bad = judge(run_bounded(&argv, None), &prefix, row.phrase);
        bad.extend(nothing_sent(&listener));
        if out_dir.exists() {
            bad.push(format!("{} was created", out_dir.display()));
        }
        if !bad.is_empty() {
            failures.push(format!(
                "row {i} ({}, `hookspec {}`):\n  {}",
                row.what,
                row.command,
                bad.join("\n  ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn a_bad_file_in_hookspec_scheme_file_is_exit_2_too() {
    let dir = temp_dir("env");
    let path = dir.join("bad.toml");
    std::fs::write(&path, edit("algorithm = ", "algoritm = ")).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let prefix = format!("hookspec: error: {}:19:1: ", path.display());
    let mut failures = Vec::new();
    // Without --scheme-file on the command line: the variable is the file.
    for command in ["run", "serve", "sign", "keys", "cases", "demo", "schemes"] {
        let argv = args(command, port, &dir.join("vectors"));
        let mut bad = judge(
            run_bounded(&argv, Some(("HOOKSPEC_SCHEME_FILE", &path))),
            &prefix,
            "did you mean `algorithm`?",
        );
        bad.extend(nothing_sent(&listener));
        if !bad.is_empty() {
            failures.push(format!("`hookspec {command}`:\n  {}", bad.join("\n  ")));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_missing_scheme_file_is_exit_2_naming_the_path() {
    let dir = temp_dir("missing");
    let path = dir.join("no-such-scheme.toml");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut failures = Vec::new();
    for command in ["run", "serve", "sign", "keys", "cases", "vectors", "demo"] {
        let mut argv = args(command, port, &dir.join("vectors"));
        argv.extend(["--scheme-file".to_owned(), path.display().to_string()]);
        let mut bad = Vec::new();
        match run_bounded(&argv, None) {
            Err(e) => bad.push(e),
            Ok((code, stdout, stderr)) => {
                if code != Some(2) {
                    bad.push(format!("exit {code:?}, expected 2"));
                }
                let want = format!("hookspec: error: {}", path.display());
                if !stderr.starts_with(&want) {
                    bad.push(format!("stderr does not start with `{want}`: {stderr}"));
                }
                if stderr.contains("panicked") || !stdout.is_empty() {
                    bad.push(format!("stdout {stdout:?}, stderr {stderr:?}"));
                }
            }
        }
        bad.extend(nothing_sent(&listener));
        if !bad.is_empty() {
            failures.push(format!("`hookspec {command}`:\n  {}", bad.join("\n  ")));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
