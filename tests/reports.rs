//! The report formats of docs/spec.md §4, checked on real runs: the JSON
//! shape, the JUnit XML parsed back, the human lines, and the exit-code
//! rules (strict, baselines).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use hookspec::demo::run_demo;
use hookspec::report::{self, Baseline};
use hookspec::runner::{Outcome, RunReport};
use hookspec::SchemeId;

async fn certifylize_run() -> RunReport {
    tokio::time::timeout(
        Duration::from_secs(60),
        run_demo("certifylize".parse::<SchemeId>().unwrap(), |_| {}),
    )
    .await
    .expect("run took too long")
    .expect("demo run")
}

/// A report with one MUST failure, one SHOULD warning and one skip, made by
/// editing a real run's verdicts (the formats are what is tested here).
fn mixed(mut r: RunReport) -> RunReport {
    let set = |r: &mut RunReport, id: &str, o: Outcome, detail: &str| {
        let c = r.results.iter_mut().find(|c| c.case.id == id).unwrap();
        c.outcome = o;
        c.detail = detail.to_owned();
        if let Some(ch) = c.checks.first_mut() {
            ch.passed = match o {
                Outcome::Skip => None,
                Outcome::Pass => Some(true),
                _ => Some(false),
            };
        }
    };
    set(
        &mut r,
        "certifylize.reject.proof-prefix",
        Outcome::Fail,
        "status: answered 200 (accepted) <&> \"quoted\"",
    );
    set(
        &mut r,
        "certifylize.status.invalid-proof",
        Outcome::Warn,
        "status: answered 403; expected exactly 401",
    );
    set(
        &mut r,
        "certifylize.idempotency.duplicate-processed-once",
        Outcome::Skip,
        "not checked: no effects oracle",
    );
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn json_report_has_the_documented_shape() {
    let r = mixed(certifylize_run().await);
    let v = report::json(&r);
    for key in ["tool", "version", "scheme", "target", "summary", "cases"] {
        assert!(v.get(key).is_some(), "missing `{key}` in {v}");
    }
    assert_eq!(v["tool"], "hookspec");
    assert_eq!(v["scheme"], "certifylize");
    let s = &v["summary"];
    for key in ["passed", "failed", "warned", "skipped"] {
        assert!(s[key].is_u64(), "summary.{key}");
    }
    assert_eq!(s["failed"], 1);
    assert_eq!(s["warned"], 1);
    assert_eq!(s["skipped"], 1);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), r.results.len());
    for c in cases {
        for key in ["id", "level", "outcome", "detail", "reference"] {
            assert!(c[key].is_string(), "case.{key} in {c}");
        }
        assert!(["MUST", "SHOULD", "MAY"].contains(&c["level"].as_str().unwrap()));
        assert!(["pass", "fail", "warn", "skip"].contains(&c["outcome"].as_str().unwrap()));
        assert!(c["checks"].is_array());
    }
    let failed = cases.iter().find(|c| c["outcome"] == "fail").unwrap();
    assert_eq!(failed["id"], "certifylize.reject.proof-prefix");
    // Round trip through text (ids and outcomes survive).
    let text = serde_json::to_string(&v).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["cases"][0]["id"], v["cases"][0]["id"]);
    assert_eq!(back["summary"], v["summary"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_report_parses_back_with_failures_and_skips() {
    let r = mixed(certifylize_run().await);
    for strict in [false, true] {
        let xml = report::junit(&r, strict).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let cases: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), r.results.len());
        for c in &cases {
            assert!(c.attribute("name").unwrap().starts_with("certifylize."));
            assert!(c.attribute("classname").is_some());
        }
        let failing: Vec<&str> = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .map(|c| c.attribute("name").unwrap())
            .collect();
        let mut expected = vec!["certifylize.reject.proof-prefix"];
        if strict {
            expected.push("certifylize.status.invalid-proof");
        }
        assert_eq!(failing, expected, "strict={strict}");
        let failure = cases
            .iter()
            .find(|c| c.attribute("name") == Some("certifylize.reject.proof-prefix"))
            .unwrap()
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert!(failure
            .attribute("message")
            .unwrap()
            .contains("<&> \"quoted\""));
        assert_eq!(failure.attribute("type"), Some("MUST"));
        let skipped = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
            .count();
        assert_eq!(skipped, 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn human_report_has_a_line_per_case_and_expect_actual() {
    let r = mixed(certifylize_run().await);
    let text = report::human(&r, false);
    for c in &r.results {
        assert!(
            text.lines().any(|l| l.contains(&c.case.id)),
            "{}",
            c.case.id
        );
    }
    assert!(text.contains("FAIL MUST   certifylize.reject.proof-prefix"));
    assert!(text.contains("expect: [status]"));
    assert!(text.contains("actual: [status]"));
    assert!(text.contains("1 failed, 1 warned, 1 skipped"));
    assert!(!text.contains('\x1b'));
    assert!(report::human(&r, true).contains("\x1b[31mFAIL"));
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_follow_strictness_and_baselines() {
    let clean = certifylize_run().await;
    assert_eq!(report::verdict(&clean, true, None).exit_code, 0);

    let mut warn_only = clean.clone();
    let w = warn_only
        .results
        .iter_mut()
        .find(|c| c.case.id == "certifylize.status.invalid-proof")
        .unwrap();
    w.outcome = Outcome::Warn;
    assert_eq!(report::verdict(&warn_only, false, None).exit_code, 0);
    assert_eq!(report::verdict(&warn_only, true, None).exit_code, 1);

    let r = mixed(clean);
    let v = report::verdict(&r, false, None);
    assert_eq!(v.exit_code, 1);
    assert_eq!(
        v.newly_failing,
        vec!["certifylize.reject.proof-prefix".to_owned()]
    );

    let exact = Baseline::parse("certifylize.reject.proof-prefix # upstream bug 12\n").unwrap();
    assert_eq!(report::verdict(&r, false, Some(&exact)).exit_code, 0);
    let stale = Baseline::parse(
        "certifylize.reject.proof-prefix # bug 12\ncertifylize.reject.wrong-key # fixed since\n",
    )
    .unwrap();
    let v = report::verdict(&r, false, Some(&stale));
    assert_eq!(v.exit_code, 1);
    assert_eq!(
        v.newly_passing,
        vec!["certifylize.reject.wrong-key".to_owned()]
    );
    assert!(Baseline::parse("certifylize.reject.wrong-key\n").is_err());

    let mut unreachable = r.clone();
    unreachable.unreachable = Some("refused".into());
    assert_eq!(report::verdict(&unreachable, false, None).exit_code, 3);
}
