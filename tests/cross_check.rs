//! Every vector checked by implementations that are not ours:
//!
//! - `tests/xcheck/verify.mjs`: each scheme written from the vendor
//!   documents with Node's built-in `crypto` (two styles for the
//!   JSON.stringify schemes), one verdict per (scheme, tcId, style);
//! - Node confirms that every valid smartasset/cometh event is its own
//!   `JSON.stringify(JSON.parse(x))`;
//! - the `openssl` CLI recomputes the HMAC of every valid HMAC vector.
//!
//! `node` and `openssl` are required: without them these tests fail (CI
//! installs both, see `.ci/`).

// Test code: clippy.toml allows these inside #[test] functions, and the
// helpers of this test crate get the same allowance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use hookspec::vectors::{self, Expected, VectorFile};
use hookspec::SchemeId;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

fn files() -> Vec<VectorFile> {
    SchemeId::builtins()
        .into_iter()
        .map(|s| {
            vectors::load(vectors::path_for(&vectors_dir(), s))
                .unwrap_or_else(|e| panic!("{s}: {e}"))
        })
        .collect()
}

fn tool_missing(tool: &str, e: &std::io::Error) -> ! {
    panic!(
        "`{tool}` could not be run ({e}). The vector cross-checks need it: install it \
         (Debian/Ubuntu: apt-get install {}); CI installs it in .ci/.",
        if tool == "node" { "nodejs" } else { "openssl" }
    )
}

/// (implementation, accepted, reason)
type Verdict = (String, bool, String);

/// (scheme, tcId) -> verdicts, and the canonical-JSON answers.
struct NodeReport {
    verdicts: BTreeMap<(String, u32), Vec<Verdict>>,
    canonical: BTreeMap<(String, u32), bool>,
}

fn node() -> &'static NodeReport {
    static REPORT: OnceLock<NodeReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xcheck/verify.mjs");
        let out = Command::new("node")
            .arg(&script)
            .arg(vectors_dir())
            .output()
            .unwrap_or_else(|e| tool_missing("node", &e));
        assert!(
            out.status.success(),
            "node {} failed: {}\n{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("node output is UTF-8");
        let mut report = NodeReport {
            verdicts: BTreeMap::new(),
            canonical: BTreeMap::new(),
        };
        for line in text.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["verdict", scheme, tc, imp, verdict, why] => {
                    report
                        .verdicts
                        .entry((scheme.to_string(), tc.parse().expect("tcId")))
                        .or_default()
                        .push((imp.to_string(), *verdict == "accept", why.to_string()));
                }
                ["canonical", scheme, tc, ok] => {
                    report
                        .canonical
                        .insert((scheme.to_string(), tc.parse().expect("tcId")), *ok == "ok");
                }
                _ => panic!("unexpected line from verify.mjs: {line:?}"),
            }
        }
        report
    })
}

#[test]
fn node_agrees_with_every_valid_and_invalid_vector() {
    let report = node();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in files() {
        for (_, t) in file.tests() {
            let key = (file.scheme.clone(), t.tc_id);
            let Some(verdicts) = report.verdicts.get(&key) else {
                failures.push(format!(
                    "{}::{}: no verdict from node",
                    file.scheme,
                    t.name()
                ));
                continue;
            };
            for (imp, accepted, why) in verdicts {
                checked += 1;
                if !t.result.allows(*accepted) {
                    failures.push(format!(
                        "{}::{} [{}]: expected {:?}, node ({imp}) {} it: {why}",
                        file.scheme,
                        t.name(),
                        t.comment,
                        t.result,
                        if *accepted { "accepted" } else { "rejected" }
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no verdicts checked");
    assert!(
        failures.is_empty(),
        "{} disagreement(s) between the vectors and the Node implementation:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn node_confirms_valid_signed_events_are_their_own_json_stringify() {
    let report = node();
    let mut failures = Vec::new();
    for file in files() {
        let scheme = file.scheme_id().expect("scheme");
        if !matches!(scheme.as_str(), "smartasset" | "cometh") {
            continue;
        }
        for (_, t) in file.tests().filter(|(_, t)| t.result == Expected::Valid) {
            match report.canonical.get(&(file.scheme.clone(), t.tc_id)) {
                Some(true) => {}
                Some(false) => failures.push(format!(
                    "{scheme}::{}: the signed event is not JSON.stringify(JSON.parse(event))",
                    t.name()
                )),
                None => failures.push(format!("{scheme}::{}: not checked by node", t.name())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `acceptable` JSON-formatting vectors really split the two receiver
/// styles the notes describe (so "acceptable" is not hiding a mistake).
#[test]
fn node_shows_the_split_the_non_canonical_notes_describe() {
    let report = node();
    let mut failures = Vec::new();
    let mut seen = 0;
    for file in files() {
        for (_, t) in file.tests() {
            let want = |imp: &str| -> Option<bool> {
                let reserialize_accepts = t.flags.iter().any(|f| f == "NonCanonicalJson");
                let raw_accepts = t.flags.iter().any(|f| f == "NonCanonicalJsonSignedRaw");
                if !reserialize_accepts && !raw_accepts {
                    return None;
                }
                match imp {
                    "reserialize" => Some(reserialize_accepts),
                    "raw" => Some(raw_accepts),
                    _ => None,
                }
            };
            for (imp, accepted, why) in report
                .verdicts
                .get(&(file.scheme.clone(), t.tc_id))
                .into_iter()
                .flatten()
            {
                if let Some(expected) = want(imp) {
                    seen += 1;
                    if expected != *accepted {
                        failures.push(format!(
                            "{}::{}: the {imp} receiver should {} it ({why})",
                            file.scheme,
                            t.name(),
                            if expected { "accept" } else { "reject" }
                        ));
                    }
                }
            }
            // Our verifier is a raw-bytes receiver.
            if let Some(expected) = want("raw") {
                let group = file
                    .test_groups
                    .iter()
                    .find(|g| g.tests.iter().any(|x| x.tc_id == t.tc_id))
                    .expect("group");
                let ours = vectors::check(file.scheme_id().expect("scheme"), group, t).is_ok();
                if ours != expected {
                    failures.push(format!(
                        "{}::{}: our raw-bytes verifier disagrees",
                        file.scheme,
                        t.name()
                    ));
                }
            }
        }
    }
    assert!(
        seen >= 14,
        "expected the NonCanonicalJson vectors, saw {seen} verdicts"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The vectors the rules make for a scheme file that is no vendor's
/// (`tests/schemes/acme.toml`) agree with a Node verifier written from that
/// file alone.
#[test]
fn node_agrees_with_a_custom_scheme_s_vectors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let id = hookspec::describe::register_file(&root.join("tests/schemes/acme.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("hookspec-xcheck-{}", std::process::id()));
    let path = vectors::write_one(&dir, id).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/xcheck/verify.mjs"))
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| tool_missing("node", &e));
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = vectors::generate(id).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut verdicts = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("verdict\t")) {
        let f: Vec<&str> = line.split('\t').collect();
        verdicts.insert(
            f[2].parse::<u32>().unwrap(),
            (f[4] == "accept", f[5].to_owned()),
        );
    }
    let mut failures = Vec::new();
    for (_, t) in file.tests() {
        match verdicts.get(&t.tc_id) {
            Some((accepted, why)) if !t.result.allows(*accepted) => failures.push(format!(
                "acme::{} [{}]: expected {:?}, node {}: {why}",
                t.name(),
                t.comment,
                t.result,
                if *accepted { "accepted" } else { "rejected" }
            )),
            Some(_) => {}
            None => failures.push(format!("acme::{}: no verdict", t.name())),
        }
    }
    assert!(file.number_of_tests > 50);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn openssl_hmac(secret: &str, message: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", secret])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| tool_missing("openssl", &e));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message)
        .expect("write to openssl");
    let out = child.wait_with_output().expect("openssl output");
    assert!(
        out.status.success(),
        "openssl dgst failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "HMAC-SHA2-256(stdin)= <hex>" (OpenSSL 3) or "(stdin)= <hex>" (1.1).
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[test]
fn openssl_recomputes_every_valid_hmac() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in files() {
        let scheme = file.scheme_id().expect("scheme");
        for group in &file.test_groups {
            let Some(secret) = &group.secret else {
                continue;
            };
            for t in group.tests.iter().filter(|t| t.result == Expected::Valid) {
                let header = |name: &str| {
                    t.request
                        .headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.trim().to_owned())
                };
                let body = t.request.body_bytes().expect("body");
                // (message, the hex the sender put in the request)
                let (message, claimed) = match scheme.as_str() {
                    "blockmark" => (Vec::new(), header("X-Token")),
                    "certifylize" => (
                        body,
                        header("X-Certifylize-Signature")
                            .and_then(|v| v.strip_prefix("sha256=").map(str::to_owned)),
                    ),
                    "blink-signature" => {
                        let h = header("X-BLINK-SIGNATURE").expect("blink header");
                        let param = |k: &str| {
                            h.split(';').find_map(|p| {
                                p.trim().strip_prefix(&format!("{k}=")).map(str::to_owned)
                            })
                        };
                        let ts = param("ts").expect("ts");
                        let mut m = format!("{ts}.{}.", t.request.url).into_bytes();
                        m.extend_from_slice(&body);
                        (m, param("sig1"))
                    }
                    // Providers (providers.md §4, §5): hex HMACs of the
                    // body and of `v0:{ts}:{body}`, the secret's bytes as key.
                    "github" => (
                        body,
                        header("X-Hub-Signature-256")
                            .and_then(|v| v.strip_prefix("sha256=").map(str::to_owned)),
                    ),
                    "slack" => {
                        let ts = header("X-Slack-Request-Timestamp").expect("slack timestamp");
                        let mut m = format!("v0:{ts}:").into_bytes();
                        m.extend_from_slice(&body);
                        (
                            m,
                            header("X-Slack-Signature")
                                .and_then(|v| v.strip_prefix("v0=").map(str::to_owned)),
                        )
                    }
                    // Stripe (§3): `{t}.{body}` keyed with the whole whsec_
                    // string; any one of the v1 entries is the sender's.
                    "stripe" => {
                        let h = header("Stripe-Signature").expect("stripe header");
                        let param = |k: &str| {
                            h.split(',')
                                .filter_map(|p| p.strip_prefix(&format!("{k}=")))
                                .map(str::to_owned)
                                .collect::<Vec<_>>()
                        };
                        let ts = param("t").pop().expect("t");
                        let mut m = format!("{ts}.").into_bytes();
                        m.extend_from_slice(&body);
                        let computed = openssl_hmac(secret, &m);
                        let v1 = param("v1");
                        let found = v1.iter().find(|v| v.eq_ignore_ascii_case(&computed));
                        (m, found.or(v1.first()).cloned())
                    }
                    _ => continue,
                };
                let Some(claimed) = claimed else {
                    failures.push(format!("{scheme}::{}: no signature found", t.name()));
                    continue;
                };
                checked += 1;
                let computed = openssl_hmac(secret, &message);
                if computed != claimed.to_ascii_lowercase() {
                    failures.push(format!(
                        "{scheme}::{}: openssl computes {computed}, the vector carries {claimed}",
                        t.name()
                    ));
                }
            }
        }
    }
    assert!(checked >= 50, "only {checked} HMAC vectors checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
