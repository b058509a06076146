//! Bad input from the user (issue 11, points 9–13 and 15) is a clear exit
//! 2 at start, never a panic, a lost report or an unbounded read. One test
//! per class; each would fail on the code before the fix.
//!
//! Network only on 127.0.0.1, every wait bounded, every child killed at
//! the end of its test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hookspec");

/// Every child gets this long; a hang is a failure, not a stuck test.
const LIMIT: Duration = Duration::from_secs(60);

/// What a bounded run of the binary gave.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Kills the child when the test ends, whatever happens.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn drain(r: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(mut r) = r {
            let _ = r.read_to_end(&mut s);
        }
        String::from_utf8_lossy(&s).into_owned()
    })
}

/// Waits for the child at most [`LIMIT`]; kills it and fails the test
/// otherwise.
fn wait_bounded(child: &mut Killed) -> ExitStatus {
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "hookspec did not end within {LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `cmd` (set its stdio: an inherited stdin would wait on the
/// terminal), bounded.
fn run_cmd(cmd: &mut Command) -> Ran {
    let mut child = Killed(cmd.env("NO_COLOR", "1").spawn().expect("start hookspec"));
    let out = drain(child.0.stdout.take());
    let err = drain(child.0.stderr.take());
    let status = wait_bounded(&mut child);
    let ran = Ran {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "hookspec panicked:\n{}",
        ran.stderr
    );
    ran
}

/// `hookspec run --scheme certifylize --secret s3cret --url URL` and `extra`.
fn run_certifylize(url: &str, extra: &[&str]) -> Ran {
    let mut args = vec![
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        "s3cret",
        "--url",
        url,
    ];
    args.extend_from_slice(extra);
    hookspec(&args)
}

fn hookspec(args: &[&str]) -> Ran {
    run_cmd(
        Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
}

/// A loopback listener that counts the connections made to it: a run
/// refused at start must not have sent anything.
struct Counter {
    url: String,
    count: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Counter {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (count, stop) = (count.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok(_) => {
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Counter {
            url,
            count,
            stop,
            thread: Some(thread),
        }
    }

    fn https_url(&self) -> String {
        self.url.replacen("http://", "https://", 1)
    }

    fn connections(&self) -> usize {
        // Give a connection in flight the time to be accepted.
        std::thread::sleep(Duration::from_millis(50));
        self.count.load(Ordering::Relaxed)
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A scratch directory for one test, removed at its end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hookspec-cli-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, content: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p.to_str().unwrap().to_owned()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn assert_usage_error(ran: &Ran, what: &str, needles: &[&str]) {
    assert_eq!(ran.code, Some(2), "{what}: stderr:\n{}", ran.stderr);
    for n in needles {
        assert!(
            ran.stderr.contains(n),
            "{what}: `{n}` missing from stderr:\n{}",
            ran.stderr
        );
    }
}

/// Point 10: every numeric option has a range, checked when the arguments
/// are parsed; out of range and `u64::MAX` are exit 2 naming the option
/// and the range (before: capacity-overflow and instant-overflow panics,
/// an allocation abort after the whole run).
#[test]
fn numeric_options_out_of_range_exit_2_naming_option_and_range() {
    let max = u64::MAX.to_string();
    let run = |opt: &str, v: &str| -> Vec<String> {
        let mut a: Vec<String> = [
            "run",
            "--scheme",
            "certifylize",
            "--secret",
            "s3cret",
            "--url",
            "http://127.0.0.1:9/",
        ]
        .map(String::from)
        .to_vec();
        if opt == "--timing-samples" {
            a.push("--timing".into());
        }
        a.push(opt.into());
        a.push(v.into());
        a
    };
    let serve = |v: &str| -> Vec<String> {
        [
            "serve",
            "--scheme",
            "certifylize",
            "--secret",
            "s3cret",
            "--addr",
            "127.0.0.1:0",
            "--tolerance",
            v,
        ]
        .map(String::from)
        .to_vec()
    };
    let sign = |v: &str| -> Vec<String> {
        [
            "sign",
            "--scheme",
            "blink-signature",
            "--secret",
            "s3cret",
            "--url",
            "http://127.0.0.1:9/",
            "--body",
            "-",
            "--timestamp",
            v,
        ]
        .map(String::from)
        .to_vec()
    };
    let huge = "99999999999999999999999";
    let mut table: Vec<(Vec<String>, &str, &str)> = Vec::new();
    for (opt, range, low) in [
        ("--timing-samples", "1..=1000000", Some("0")),
        ("--rotation-window", "0..=3600", None),
        ("--timeout-ms", "1..=600000", Some("0")),
        ("--tolerance", "3..=31536000", Some("2")),
    ] {
        let mut values = vec![max.as_str(), huge, "-1", "ten"];
        values.extend(low);
        for v in values {
            table.push((run(opt, v), opt, range));
        }
    }
    table.push((
        run("--timing-samples", "1000000000000"),
        "--timing-samples",
        "1..=1000000",
    ));
    table.push((
        run("--rotation-window", "3601"),
        "--rotation-window",
        "0..=3600",
    ));
    for v in [max.as_str(), "31536001", "-1"] {
        table.push((serve(v), "--tolerance", "0..=31536000"));
    }
    for v in [max.as_str(), "253402300800000", "-1"] {
        table.push((sign(v), "--timestamp", "0..=253402300799999"));
    }
    for (args, opt, range) in &table {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = hookspec(&args);
        assert_usage_error(&ran, &format!("{args:?}"), &[opt, range]);
    }

    // The bounds themselves are accepted.
    let ran = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--timing",
        "--timing-samples",
        "1000000",
        "--rotation-window",
        "3600",
        "--timeout-ms",
        "600000",
        "--tolerance",
        "31536000",
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let mut child = Killed(
        Command::new(BIN)
            .args(sign("253402300799999").iter().map(String::as_str))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    drop(child.0.stdin.take());
    let out = drain(child.0.stdout.take());
    let err = drain(child.0.stderr.take());
    let status = wait_bounded(&mut child);
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.success(), "{err}");
    assert!(out.contains("ts=253402300799999;"), "{out}");
}

/// Point 12: every file the user names is read bounded; `/dev/zero` as
/// any of them is exit 2 at once, naming the option (before: 2 GiB read
/// for the secret, more for the others).
#[test]
fn files_the_user_names_are_read_bounded() {
    let base = [
        "run",
        "--scheme",
        "certifylize",
        "--secret",
        "s3cret",
        "--url",
        "http://127.0.0.1:9/",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "run",
                "--scheme",
                "certifylize",
                "--url",
                "http://127.0.0.1:9/",
                "--secret-file",
                "/dev/zero",
            ],
            "--secret-file",
        ),
        (
            vec![
                "serve",
                "--scheme",
                "certifylize",
                "--addr",
                "127.0.0.1:0",
                "--secret-file",
                "/dev/zero",
            ],
            "--secret-file",
        ),
        (
            vec![
                "sign",
                "--scheme",
                "cometh",
                "--url",
                "http://127.0.0.1:9/",
                "--body",
                "-",
                "--key-file",
                "/dev/zero",
            ],
            "--key-file",
        ),
        (
            vec![
                "sign",
                "--scheme",
                "certifylize",
                "--secret",
                "s3cret",
                "--url",
                "http://127.0.0.1:9/",
                "--body",
                "/dev/zero",
            ],
            "--body",
        ),
        (
            [&base[..], &["--expect-failures", "/dev/zero"]].concat(),
            "--expect-failures",
        ),
        (
            [&base[..], &["--ca-cert", "/dev/zero"]].concat(),
            "--ca-cert",
        ),
    ];
    for (args, opt) in cases {
        let ran = hookspec(&args);
        assert_usage_error(
            &ran,
            &format!("{args:?}"),
            &[opt, "/dev/zero", "larger than"],
        );
    }
    // The body from stdin too.
    let ran = run_cmd(
        Command::new(BIN)
            .args([
                "sign",
                "--scheme",
                "certifylize",
                "--secret",
                "s3cret",
                "--url",
                "http://127.0.0.1:9/",
                "--body",
                "-",
            ])
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    assert_usage_error(&ran, "--body - < /dev/zero", &["--body", "16 MiB"]);
}

/// Point 9: `--output` is checked before anything is sent: a directory or
/// a path in a missing directory is exit 2 at once, and the listener got
/// no connection (before: the whole run, then the report was lost).
#[test]
fn output_path_is_checked_before_anything_is_sent() {
    let scratch = Scratch::new("output");
    let counter = Counter::start();
    let dir = scratch.0.to_str().unwrap().to_owned();
    let missing = scratch.path("no-such-dir/report.json");
    for (output, needle) in [
        (dir.as_str(), "is a directory"),
        (missing.as_str(), "does not exist"),
    ] {
        let ran = run_certifylize(&counter.url, &["--output", output]);
        assert_usage_error(&ran, output, &["--output", output, needle]);
        assert_eq!(counter.connections(), 0, "{output}: something was sent");
    }

    // vectors --dir: a file where the directory should be.
    let file = scratch.file("not-a-dir", b"x");
    let ran = hookspec(&["vectors", "--dir", &file]);
    assert_usage_error(&ran, "vectors --dir FILE", &["--dir", &file]);

    // An existing report survives a run that ends before it has a new one.
    let old = scratch.file("report.json", b"the previous report\n");
    let ran = run_certifylize(
        &counter.url,
        &["--key-server-addr", "127.0.0.1:0", "--output", &old],
    );
    assert_usage_error(&ran, "--key-server-addr", &["--key-server-addr"]);
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        "the previous report\n"
    );
    // A report file the run created and never wrote is not left behind.
    let fresh = scratch.path("fresh.json");
    let ran = run_certifylize(
        &counter.url,
        &["--key-server-addr", "127.0.0.1:0", "--output", &fresh],
    );
    assert_eq!(ran.code, Some(2));
    assert!(!Path::new(&fresh).exists());
    assert_eq!(counter.connections(), 0);
}

/// Point 9, the other half: a report that cannot be written at the end
/// is not lost: it goes to stdout, with exit 2 and a message.
#[test]
fn a_report_that_cannot_be_written_goes_to_stdout() {
    // Bind and drop: nobody listens there, so the run ends at once (3).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ran = run_certifylize(
        &format!("http://127.0.0.1:{port}/hook"),
        &["--format", "json", "--output", "/dev/full"],
    );
    assert_usage_error(
        &ran,
        "--output /dev/full",
        &["--output /dev/full", "stdout"],
    );
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(report["scheme"], "certifylize", "{}", ran.stdout);
}

/// Point 13: `--ca-cert` is checked at start; a file that is not PEM, a
/// broken PEM, a PEM without a certificate and a block that is not X.509
/// are exit 2 naming the option and the file, with nothing sent (before:
/// accepted, then "could not be reached" / "HTTP client: builder error").
#[test]
fn ca_cert_is_checked_at_start() {
    let scratch = Scratch::new("ca");
    let counter = Counter::start();
    let url = counter.https_url();
    let key_pem = rcgen::KeyPair::generate().unwrap().serialize_pem();
    for (name, content, needle) in [
        (
            "text.pem",
            &b"just some text\n"[..],
            "not PEM: no `-----BEGIN CERTIFICATE-----` line",
        ),
        ("empty.pem", b"", "the file is empty"),
        (
            "binary.der",
            b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00",
            "binary data",
        ),
        (
            "broken.pem",
            b"-----BEGIN CERTIFICATE-----\nMIIB!!!not base64\n-----END CERTIFICATE-----\n",
            "broken PEM",
        ),
        (
            "unterminated.pem",
            b"-----BEGIN CERTIFICATE-----\nMIIB\n",
            "broken PEM",
        ),
        (
            "key.pem",
            key_pem.as_bytes(),
            "no PEM CERTIFICATE block; found",
        ),
        (
            "notx509.pem",
            b"-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
            "CERTIFICATE block 1 is not an X.509 certificate",
        ),
    ] {
        let path = scratch.file(name, content);
        let ran = run_certifylize(&url, &["--ca-cert", &path]);
        assert_usage_error(&ran, name, &["--ca-cert", &path, needle]);
        assert_eq!(counter.connections(), 0, "{name}: something was sent");
    }
    let missing = scratch.path("missing.pem");
    let ran = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--ca-cert",
        &missing,
    ]);
    assert_usage_error(&ran, "missing", &["--ca-cert", &missing]);

    // A real certificate (and a bundle of two) is accepted.
    let a = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let b = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).unwrap();
    let bundle = format!("{}{}", a.cert.pem(), b.cert.pem());
    let good = scratch.file("bundle.pem", bundle.as_bytes());
    let ran = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--ca-cert",
        &good,
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}

/// Point 11: a closed stdout pipe (`| head`) ends output quietly and keeps
/// the exit code; before, `println!` panicked.
#[test]
fn a_closed_stdout_pipe_is_quiet() {
    // `run --list | head -1`: read one line, close the pipe.
    let spawn = |args: &[&str]| {
        Killed(
            Command::new(BIN)
                .args(args)
                .env("NO_COLOR", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        )
    };
    let finish = |mut child: Killed| -> (Option<i32>, String) {
        let err = drain(child.0.stderr.take());
        let status = wait_bounded(&mut child);
        (status.code(), err.join().unwrap())
    };

    let mut child = spawn(&["run", "--scheme", "certifylize", "--list"]);
    drop(child.0.stdin.take());
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("certifylize."), "{first}");
    let (code, err) = finish(child);
    assert_eq!((code, err.as_str()), (Some(0), ""));

    // The pipe closed before the first line is written (every write of
    // the listing fails, not only the tail).
    for args in [
        &["run", "--scheme", "certifylize", "--list"][..],
        &["schemes"],
        &["keys", "--scheme", "cometh"],
        &["--help"],
    ] {
        let mut child = spawn(args);
        drop(child.0.stdin.take());
        drop(child.0.stdout.take());
        let (code, err) = finish(child);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
        assert_eq!(code, Some(0), "{args:?}: {err}");
    }

    // Output larger than the pipe buffer, cut after one line: `sign` of a
    // 1 MiB body (one write that fails half-way).
    let scratch = Scratch::new("pipe");
    let body = scratch.file("body.json", &vec![b'x'; 1 << 20]);
    let mut child = spawn(&[
        "sign",
        "--scheme",
        "certifylize",
        "--secret",
        "s3cret",
        "--url",
        "http://127.0.0.1:9/",
        "--body",
        &body,
        "--format",
        "http",
    ]);
    drop(child.0.stdin.take());
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("POST "), "{first}");
    let (code, err) = finish(child);
    assert_eq!((code, err.as_str()), (Some(0), ""));
}

/// Point 11: stdout on a full device is exit 2 with a message (before: a
/// panic); stderr that cannot be written is no panic either.
#[test]
fn write_errors_on_stdout_are_exit_2_and_on_stderr_no_panic() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        &["run", "--scheme", "certifylize", "--list"][..],
        &["schemes"],
        &["keys", "--scheme", "cometh"],
        &["keys", "--scheme", "smartasset", "--format", "hex"],
        &["--help"],
        &["--version"],
    ] {
        let ran = run_cmd(
            Command::new(BIN)
                .args(args)
                .stdin(Stdio::null())
                .stdout(full())
                .stderr(Stdio::piped()),
        );
        assert_usage_error(
            &ran,
            &format!("{args:?} > /dev/full"),
            &["hookspec: error: writing stdout", "No space left"],
        );
    }

    // stderr on /dev/full: the exit code is the command's own (a panic is
    // 101), and stdout is still written.
    for (args, code) in [
        (&["keys", "--scheme", "cometh"][..], 0),
        (&["run", "--scheme", "nope", "--list"], 2),
        (
            &[
                "run",
                "--scheme",
                "certifylize",
                "--secret-file",
                "/nonexistent/secret",
                "--list",
            ],
            2,
        ),
    ] {
        let ran = run_cmd(
            Command::new(BIN)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(full()),
        );
        assert_eq!(ran.code, Some(code), "{args:?} 2> /dev/full");
    }
}

/// Point 15: `--expect-failures` ids are checked against the catalogue
/// built with the run's options: the timing id is a case with `--timing`
/// (before: "is not a case", exit 2), and without `--timing` the message
/// names the option that adds it.
#[test]
fn expect_failures_are_checked_against_the_runs_own_catalogue() {
    let scratch = Scratch::new("baseline");
    let baseline = scratch.file(
        "known.txt",
        b"certifylize.timing.first-vs-last-byte  # known: compares with ==\n",
    );
    let with = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--timing",
        "--expect-failures",
        &baseline,
    ]);
    assert_eq!(with.code, Some(0), "{}", with.stderr);
    assert!(with
        .stdout
        .contains("certifylize.timing.first-vs-last-byte"));

    let counter = Counter::start();
    let without = run_certifylize(&counter.url, &["--expect-failures", &baseline]);
    assert_usage_error(
        &without,
        "without --timing",
        &[
            "--expect-failures",
            "certifylize.timing.first-vs-last-byte",
            "only with --timing",
        ],
    );
    assert_eq!(counter.connections(), 0);

    // An id of no catalogue at all is still "not a case"; --filter does
    // not hide ids from the check.
    let other = scratch.file("other.txt", b"certifylize.no-such-case  # ?\n");
    let ran = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--expect-failures",
        &other,
    ]);
    assert_usage_error(&ran, "unknown id", &["is not a case of scheme"]);
    let filtered = scratch.file(
        "filtered.txt",
        b"certifylize.reject.proof-prefix  # known\n",
    );
    let ran = hookspec(&[
        "run",
        "--scheme",
        "certifylize",
        "--list",
        "--filter",
        "accept",
        "--expect-failures",
        &filtered,
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}
