//! The HTML report (`--format html`, issue 14 point 3).
//!
//! A real run with failures and a timing case (the test receiver of
//! `support` with `Defect::ErrorOnMissingHeader`, `certifylize`, without
//! an effects oracle so that some cases are SKIP, and a short timing
//! measurement over loopback) rendered as HTML and checked:
//!
//! - here: it parses (the page is polyglot markup: well-formed XML too, so
//!   `roxmltree` parses it strictly), every case is there with its outcome,
//!   the failures are marked, the timing charts are drawn, nothing refers
//!   to anything outside the file, and what a receiver sends is escaped
//!   (a receiver answering `<script>alert(1)</script>`);
//! - in headless Chromium (`tests/html/check.mjs`, playwright-core): no
//!   console error, no page error, no request; the filters work with and
//!   without JavaScript; screenshots under `target/tmp/html-report/`;
//! - with the W3C Nu HTML Checker (`vnu.jar --errors-only`): no error.
//!
//! The last two need `node`, `/usr/bin/chromium` (or `CHROMIUM`), `java`
//! and the npm packages `playwright-core` and `vnu-jar` in
//! `target/html-tools` (or `HOOKSPEC_HTML_TOOLS_DIR`); `.ci/run` installs
//! them. Without them each test says SKIP and why on the terminal (past
//! the test harness's capture) and passes — except in CI
//! (`CI=true`) once `.ci/run` has said the tools are installed
//! (`HOOKSPEC_HTML_TOOLS=installed`): then a missing tool fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use hookspec::html_report;
use hookspec::report::{self, Verdict};
use hookspec::runner::{Outcome, RunReport, Runner, TimingRun};
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::timing::TimingConfig;
use hookspec::SchemeId;
use serde_json::{json, Value};
use support::Defect;

const TIMING_CASE: &str = "certifylize.timing.first-vs-last-byte";

struct Shared {
    report: RunReport,
    json: Value,
    html: String,
    path: PathBuf,
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// One run of the whole `certifylize` suite plus a short timing case
/// against a receiver that answers a delivery without a signature 500
/// (FAIL and, strict, WARN), rendered once for
/// every test of this file (and written to `target/tmp/html-report/`).
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let mut config = support::config("certifylize".parse::<SchemeId>().unwrap());
        config.timing = Some(TimingRun {
            config: TimingConfig {
                samples: 300,
                warmup: 20,
                bootstrap: 200,
                ..TimingConfig::default()
            },
            gate: false,
            in_process: false,
            progress: false,
        });
        // No effects oracle: the cases that need one are SKIP, so the page
        // shows every outcome.
        let report = runtime().block_on(async {
            let receiver = support::start(&config, Defect::ErrorOnMissingHeader).await;
            let target =
                HttpTarget::new(&receiver.url, config.timeout, &TlsOptions::default()).unwrap();
            Runner::new(&config, &target).run().await
        });
        let summary = report::Summary::of(&report);
        let _ = writeln!(std::io::stderr(), "html_report: the run: {summary:?}");
        let html = html_report::html(&report, true);
        let path = artifacts().join("report.html");
        std::fs::write(&path, &html).unwrap();
        let mut out = std::io::stderr();
        let _ = writeln!(
            out,
            "html_report: {} ({} bytes, {} cases)",
            path.display(),
            html.len(),
            report.results.len()
        );
        Shared {
            json: report::json(&report),
            report,
            html,
            path,
        }
    })
}

fn parse(html: &str) -> roxmltree::Document<'_> {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(html, opt)
        .unwrap_or_else(|e| panic!("the HTML report is not well-formed: {e}"))
}

fn classes<'a>(n: &roxmltree::Node<'a, '_>) -> Vec<&'a str> {
    n.attribute("class")
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

fn text_of(n: &roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// Nothing in the page refers to anything outside it.
fn assert_self_contained(doc: &roxmltree::Document) {
    let mut scripts = 0;
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(
            !matches!(
                tag,
                "link"
                    | "img"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "audio"
                    | "video"
                    | "source"
                    | "image"
                    | "use"
                    | "base"
                    | "form"
            ),
            "external-resource element <{tag}>"
        );
        if tag == "script" {
            scripts += 1;
        }
        for a in n.attributes() {
            let name = a.name();
            assert!(name != "src" && name != "srcset", "<{tag} {name}=…>");
            if name == "href" {
                assert!(a.value().starts_with('#'), "<{tag} href={:?}>", a.value());
            }
            assert!(
                !a.value().contains("://") && !a.value().contains("url("),
                "<{tag} {name}={:?}>: an address in an attribute",
                a.value()
            );
        }
        if tag == "style" {
            let css = text_of(&n);
            assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
        }
    }
    assert_eq!(scripts, 1, "one inline script, no other");
}

#[test]
fn a_failing_run_with_a_timing_case_renders_every_case() {
    let s = shared();
    let doc = parse(&s.html);
    assert_self_contained(&doc);
    let failing: Vec<&str> = s
        .report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| r.case.id.as_str())
        .collect();
    assert!(!failing.is_empty(), "the defect must make cases fail");
    let timing = s
        .report
        .results
        .iter()
        .find(|r| r.case.id == TIMING_CASE)
        .expect("the timing case ran");
    assert!(timing.timing.is_some(), "{}", timing.detail);

    // Every case, with its outcome; failures marked.
    let verdict = report::verdict(&s.report, true, None);
    for r in &s.report.results {
        let anchor = format!("case-{}", r.case.id);
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(anchor.as_str()))
            .unwrap_or_else(|| panic!("no element for case {}", r.case.id));
        assert_eq!(node.tag_name().name(), "details", "{}", r.case.id);
        let want = match r.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Skip => "skip",
        };
        assert_eq!(node.attribute("data-outcome"), Some(want), "{}", r.case.id);
        assert!(classes(&node).contains(&want), "{}", r.case.id);
        let summary = node.children().find(|c| c.has_tag_name("summary")).unwrap();
        let text = text_of(&summary);
        assert!(text.contains(&r.case.id), "{text}");
        assert!(
            text.contains(&want.to_uppercase()),
            "{}: the badge says {text}",
            r.case.id
        );
        let counted = verdict.newly_failing.contains(&r.case.id);
        assert_eq!(
            classes(&node).contains(&"counted"),
            counted,
            "{}",
            r.case.id
        );
        // The requirement text and the reference are in the case's body.
        let body = text_of(&node);
        assert!(body.contains(&r.case.title), "{}", r.case.id);
        assert!(body.contains(&r.case.reference), "{}", r.case.id);
        for c in r.checks.iter().filter(|c| c.passed == Some(false)) {
            assert!(
                body.contains(&c.expected) && body.contains(&c.actual),
                "{}",
                r.case.id
            );
        }
    }
    // The verdict and the counts.
    let verdict_text = text_of(
        &doc.descendants()
            .find(|n| n.attribute("id") == Some("verdict"))
            .unwrap(),
    );
    assert!(verdict_text.starts_with("Exit 1"), "{verdict_text}");
    // Grouped by family: one section per family, each case in its own.
    for r in &s.report.results {
        let section = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&*format!("case-{}", r.case.id)))
            .and_then(|n| n.ancestors().find(|a| a.has_tag_name("section")))
            .unwrap();
        assert_eq!(
            section.attribute("id"),
            Some(&*format!("family-{}", r.case.family.as_str())),
            "{}",
            r.case.id
        );
    }

    // The charts: latency, and the timing distributions with the estimate.
    let svg = |id: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("svg") && n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no <svg id={id}>"))
    };
    let bars = |n: roxmltree::Node, class: &str| {
        n.descendants()
            .filter(|d| d.has_tag_name("rect") && classes(d).contains(&class))
            .count()
    };
    let latency = svg("latency-histogram");
    assert!(bars(latency, "pass") > 0 && bars(latency, "fail") > 0);
    let anchor = TIMING_CASE;
    let hist = svg(&format!("timing-histogram-{anchor}"));
    assert!(bars(hist, "class-a") > 1 && bars(hist, "class-b") > 1);
    let ecdf = svg(&format!("timing-ecdf-{anchor}"));
    assert_eq!(
        ecdf.descendants()
            .filter(|d| d.has_tag_name("polyline"))
            .count(),
        2
    );
    let diff = svg(&format!("timing-difference-{anchor}"));
    assert!(diff.descendants().any(|d| d.has_tag_name("circle")));
    let t = timing.timing.as_ref().unwrap();
    let section = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(&*format!("timing-{anchor}")))
        .unwrap();
    let text = text_of(&section);
    for want in [
        "Estimated difference (B − A)",
        "95 % confidence interval",
        "Smallest detectable difference",
        &hookspec::timing::fmt_ns(t.median_diff_ns),
        &hookspec::timing::fmt_ns(t.min_detectable_ns),
        &hookspec::timing::fmt_ns(t.ci95_ns.0),
    ] {
        assert!(text.contains(want), "timing section lacks {want:?}: {text}");
    }
    // The histogram in the JSON is bounded and counts every pair.
    let h = t.histogram.as_ref().unwrap();
    assert!(h.a.len() <= hookspec::timing::MAX_HISTOGRAM_BINS);
    assert_eq!(h.a.iter().sum::<usize>() + h.a_below + h.a_above, t.n);
    assert_eq!(
        s.json["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == TIMING_CASE)
            .unwrap()["timing"]["histogram"]["edges_ns"]
            .as_array()
            .unwrap()
            .len(),
        h.a.len() + 1
    );
}

/// A receiver whose every answer is markup: nothing of it is markup in
/// the page.
#[test]
fn what_a_receiver_sends_is_escaped() {
    const EVIL: &str = "<script>alert(1)</script>";
    let rt = runtime();
    let report = rt.block_on(async {
        let app = axum::Router::new()
            .fallback(|| async { ([("x-evil", "\"'><img src=x onerror=alert(2)>&amp;")], EVIL) });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut config = support::config("blockmark".parse::<SchemeId>().unwrap());
        config.selection.include = vec!["*.echo.*".into(), "*.reject.wrong-key".into()];
        let url = format!("http://{addr}/hook?q=\"<x>\"");
        let target = HttpTarget::new(&url, config.timeout, &TlsOptions::default()).unwrap();
        let report = Runner::new(&config, &target).run().await;
        server.abort();
        report
    });
    let json = report::json(&report);
    assert!(
        json.to_string().contains("alert(1)"),
        "the receiver's body should reach the report: {json:#}"
    );
    let html = html_report::html(&report, false);
    std::fs::write(artifacts().join("hostile.html"), &html).unwrap();
    assert!(!html.contains(EVIL), "the receiver's markup is in the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<img"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    let doc = parse(&html);
    assert_self_contained(&doc);
}

fn exchange_json() -> Value {
    json!([
        {
            "request": {
                "method": "POST",
                "url": "http://127.0.0.1:1/hook?a=<b>",
                "headers": [["content-type", "application/json"], ["x-sig", "sha256=\"'<>&"]],
                "body": {"length": 4096, "sha256": "ab12", "preview": "{\"a\":\"</pre><script>alert(3)</script>\"}"}
            },
            "response": {
                "status": 403,
                "headers": [["x-answer", "<i>no</i>"]],
                "body": {"length": 25, "preview": "<script>alert(4)</script>", "truncated<": false},
                "latencyMs": 1.5,
                "httpVersion": "<1.1>"
            },
            "error": null,
            "curl": "curl -X POST '<u>'"
        },
        {
            "request": {"method": "POST", "url": "http://127.0.0.1:1/hook", "headers": [], "body": {"length": 0, "sha256": "e3b0", "preview": ""}},
            "response": null,
            "error": "connection reset <by peer>"
        }
    ])
}

fn gate(code: u8) -> Verdict {
    Verdict {
        exit_code: code,
        newly_failing: vec![],
        newly_passing: vec![],
    }
}

/// `exchanges` (added to the JSON by issue 14 point 1) are shown when a
/// case has them, as escaped HTTP-like listings, and nothing is shown
/// when it has none; a field the renderer does not know is shown as JSON.
#[test]
fn exchanges_and_unknown_fields_come_from_the_json() {
    let s = shared();
    let mut base = s.json.clone();
    for c in base["cases"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("exchanges");
    }
    let without = html_report::from_json(&base, &gate(1), false);
    assert!(!without.contains("class=\"http\""));
    assert!(!without.contains("class=\"exchanges\""));

    let mut with = base.clone();
    let first = &mut with["cases"][0];
    first["exchanges"] = exchange_json();
    first["futureField"] = json!({"note": "<u>new</u>"});
    with["futureTopLevel"] = json!("<b>top</b>");
    let html = html_report::from_json(&with, &gate(1), false);
    let doc = parse(&html);
    assert_self_contained(&doc);
    let listings: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pre") && classes(n).contains(&"http"))
        .map(|n| text_of(&n))
        .collect();
    assert_eq!(listings.len(), 2, "{listings:?}");
    let one = &listings[0];
    for want in [
        "→ POST http://127.0.0.1:1/hook?a=<b>",
        "x-sig: sha256=\"'<>&",
        "{\"a\":\"</pre><script>alert(3)</script>\"}",
        "4096 bytes",
        "sha256 ab12",
        "← 403 (1.50 ms)",
        "x-answer: <i>no</i>",
        "<script>alert(4)</script>",
        "[httpVersion: <1.1>]",
        "truncated<: false",
    ] {
        assert!(one.contains(want), "{want:?} not in {one}");
    }
    // The re-send command under its listing, escaped.
    let curls: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("pre") && classes(n).contains(&"curl"))
        .map(|n| text_of(&n))
        .collect();
    assert_eq!(curls, vec!["curl -X POST '<u>'".to_owned()]);
    assert!(listings[1].contains("← no response"));
    assert!(listings[1].contains("error: connection reset <by peer>"));
    assert!(!html.contains("<script>alert"), "unescaped");
    assert!(!html.contains("<i>no</i>") && !html.contains("<u>new") && !html.contains("<b>top"));
    assert!(html.contains("futureField") && html.contains("&lt;u&gt;new&lt;/u&gt;"));
    assert!(html.contains("futureTopLevel") && html.contains("&lt;b&gt;top&lt;/b&gt;"));
}

/// A report with nothing in it (a refused run, hostile or missing fields)
/// still renders a page.
#[test]
fn odd_reports_still_render() {
    for v in [
        json!({}),
        json!({"scheme": 5, "cases": "no", "incomplete": [1, null, "<x>"], "refused": "<why>"}),
        json!({"cases": [{"id": "<a>", "outcome": "<b>", "latencyMs": -1, "timing": {"histogram": {"edges_ns": [1, 0]}}, "checks": [1, {"passed": "x"}], "exchanges": [1, {"request": 2}]}]}),
    ] {
        let html = html_report::from_json(&v, &gate(2), false);
        let doc = parse(&html);
        assert_self_contained(&doc);
        assert!(!html.contains("<a>") && !html.contains("<why>") && !html.contains("<x>"));
    }
}

/// `hookspec run --format html --output FILE` writes the page to the file
/// (and says so on stderr) with the run's exit code; `demo --format html`
/// writes it to stdout.
#[test]
fn the_cli_writes_html_to_output_or_stdout() {
    let scheme: SchemeId = "certifylize".parse().unwrap();
    let config = support::config(scheme);
    let rt = runtime();
    let receiver = rt.block_on(support::start(&config, Defect::AcceptsSignaturePrefix));
    let path = artifacts().join("cli.html");
    let _ = std::fs::remove_file(&path);
    let out = Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args(["run", "--scheme", "certifylize", "--secret"])
        .arg(support::secret_text(scheme))
        .args([
            "--url",
            &receiver.url,
            "--effects-url",
            &receiver.effects_url,
        ])
        .args(["--filter", "reject.proof", "--format", "html", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("report in"), "{stderr}");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let doc = parse(&html);
    assert_self_contained(&doc);
    let prefix = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("case-certifylize.reject.proof-prefix"))
        .unwrap();
    assert_eq!(prefix.attribute("data-outcome"), Some("fail"));
    assert!(
        !html.contains(support::secret_text(scheme)),
        "the secret is in the page"
    );
    drop(receiver);

    let out = Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args(["demo", "--scheme", "certifylize", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    parse(&html);
}

// ------------------------------------------------------ external tools

fn tools_dir() -> PathBuf {
    match std::env::var_os("HOOKSPEC_HTML_TOOLS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .unwrap()
            .join("html-tools"),
    }
}

/// Says SKIP with the reason and how to install what is missing on the
/// terminal (not captured by the test harness), or fails when CI has
/// installed the tools and one is missing.
fn skip(what: &str, why: &str, install: &str) {
    let installed = std::env::var("CI").is_ok_and(|v| v == "true")
        && std::env::var("HOOKSPEC_HTML_TOOLS").is_ok_and(|v| v == "installed");
    assert!(
        !installed,
        "{what}: {why}, although .ci/run installed the tools (HOOKSPEC_HTML_TOOLS=installed)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIP {what}: {why} (to run it: {install}; .ci/run installs it)"
    );
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The browser and the tools directory for a browser check, or `None`
/// after saying why it is skipped ([`skip`]).
fn browser(what: &str) -> Option<(String, PathBuf)> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let tools = tools_dir();
    if !runs("node", "--version") {
        skip(what, "`node` cannot be run", "apt-get install nodejs");
        return None;
    }
    if !Path::new(&chromium).exists() {
        skip(
            what,
            &format!("no browser at {chromium}"),
            "apt-get install chromium, or set CHROMIUM",
        );
        return None;
    }
    if !tools
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        skip(
            what,
            &format!("playwright-core is not installed in {}", tools.display()),
            &format!("npm install --prefix {} playwright-core", tools.display()),
        );
        return None;
    }
    Some((chromium, tools))
}

#[test]
fn renders_in_headless_chromium_without_errors() {
    const WHAT: &str = "html_report browser check";
    let Some((chromium, tools)) = browser(WHAT) else {
        return;
    };
    let s = shared();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html/check.mjs");
    let shots = artifacts().join("screenshot");
    let out = Command::new("timeout")
        .arg("120")
        .arg("node")
        .arg(&script)
        .arg(&s.path)
        .arg(&shots)
        .arg(&tools)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = writeln!(std::io::stderr(), "{}", stdout.trim_end());
    assert!(
        out.status.success(),
        "the browser check failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("html check: "))
        .expect("the check's summary line");
    let result: Value = serde_json::from_str(line).unwrap();
    assert_eq!(result["problems"], json!([]), "{result:#}");
    assert_eq!(result["cases"], json!(s.report.results.len()));
    for shot in ["screenshot-top.png", "screenshot-full.png"] {
        let png = std::fs::read(artifacts().join(shot)).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{shot}");
    }
}

#[test]
fn is_valid_html5_for_the_nu_checker() {
    const WHAT: &str = "html_report HTML5 validation";
    let jar = tools_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !runs("java", "-version") {
        return skip(
            WHAT,
            "`java` cannot be run",
            "apt-get install default-jre-headless",
        );
    }
    if !jar.exists() {
        return skip(
            WHAT,
            &format!("no {}", jar.display()),
            &format!("npm install --prefix {} vnu-jar", tools_dir().display()),
        );
    }
    let s = shared();
    let hostile_and_exchanges = {
        let mut v = s.json.clone();
        v["cases"][0]["exchanges"] = exchange_json();
        let path = artifacts().join("exchanges.html");
        std::fs::write(&path, html_report::from_json(&v, &gate(1), true)).unwrap();
        path
    };
    let out = Command::new("timeout")
        .arg("120")
        .arg("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .arg(&s.path)
        .arg(&hostile_and_exchanges)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = writeln!(
        std::io::stderr(),
        "vnu --errors-only: {}",
        if report.trim().is_empty() {
            "no errors"
        } else {
            report.trim()
        }
    );
    assert!(
        out.status.success() && report.trim().is_empty(),
        "the Nu checker found errors ({}):\n{report}",
        out.status
    );
}

#[test]
fn the_combined_report_of_several_targets_renders_in_chromium() {
    const WHAT: &str = "html_report combined (run --config) browser check";
    let Some((chromium, tools)) = browser(WHAT) else {
        return;
    };
    let s = shared();
    let page = hookspec::html_report::html_many(
        &[
            ("payments".to_owned(), &s.report, None),
            ("alerts <b>".to_owned(), &s.report, None),
        ],
        true,
    );
    assert!(page.contains("alerts &lt;b&gt;") && !page.contains("alerts <b>"));
    assert_eq!(page.matches("<iframe ").count(), 2);
    let path = artifacts().join("many.html");
    std::fs::write(&path, &page).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html/check_many.mjs");
    let out = Command::new("timeout")
        .arg("120")
        .arg("node")
        .arg(&script)
        .arg(&path)
        .arg(artifacts().join("screenshot-many.png"))
        .arg(&tools)
        .arg("2")
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = writeln!(std::io::stderr(), "{}", stdout.trim_end());
    assert!(
        out.status.success(),
        "the combined report's browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
