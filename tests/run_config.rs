//! One run, many targets (issue 14, point 6): `hookspec run --config FILE`
//! runs each `[[target]]` one after the other and writes one combined
//! report per format in one pass (JUnit: one `<testsuite>` per target;
//! HTML: one page, a frame per target, checked in a browser by
//! `tests/html_report.rs`),
//! exiting with the worst code; a bad file is exit 2 with
//! `path:line:column`, before anything is sent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::path::PathBuf;
use std::process::Command;

use hookspec::SchemeId;
use support::Defect;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("run-config-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn two_targets_one_pass_combined_reports_worst_exit_code() {
    let cert: SchemeId = "certifylize".parse().unwrap();
    let blink: SchemeId = "blink-signature".parse().unwrap();
    let broken = support::start(&support::config(cert), Defect::AcceptsSignaturePrefix).await;
    let fine = support::start(&support::config(blink), Defect::None).await;
    let dir = scratch("two");
    let config = dir.join("hookspec.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[[target]]
name = "payments"
scheme = "certifylize"
url = "{}"
effects_url = "{}"
secret_env = "HOOKSPEC_TEST_SECRET"
exclude = ["robustness.slow-upload"]

[[target]]
name = "alerts"
scheme = "blink-signature"
url = "{}"
effects_url = "{}"
secret_env = "HOOKSPEC_TEST_SECRET"
exclude = ["robustness.slow-upload"]
"#,
            broken.url, broken.effects_url, fine.url, fine.effects_url
        ),
    )
    .unwrap();
    let (junit, json, html) = (
        dir.join("all.xml"),
        dir.join("all.json"),
        dir.join("all.html"),
    );
    let args = vec![
        "run".to_owned(),
        "--config".to_owned(),
        config.display().to_string(),
        "--report".to_owned(),
        format!("junit={}", junit.display()),
        "--report".to_owned(),
        format!("json={}", json.display()),
        "--report".to_owned(),
        format!("html={}", html.display()),
    ];
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_hookspec"))
            .args(&args)
            .env("HOOKSPEC_TEST_SECRET", support::secret_text(cert))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the worst target fails:\n{human}"
    );
    assert!(human.contains("=== target payments ===") && human.contains("=== target alerts ==="));
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(junit.matches("<testsuite ").count(), 2, "{junit}");
    assert!(
        junit.contains("name=\"hookspec.payments\"") && junit.contains("name=\"hookspec.alerts\"")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let targets = json["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0]["report"]["scheme"], "certifylize");
    assert!(targets[0]["report"]["summary"]["failed"].as_u64().unwrap() > 0);
    assert_eq!(targets[1]["report"]["summary"]["failed"], 0);
    // HTML: one page, each target's whole report in its own frame.
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<iframe ").count(), 2, "{html}");
    assert!(html.contains(">payments</a>") && html.contains(">alerts</a>"));
}

#[test]
fn a_bad_config_is_exit_2_with_its_location_and_nothing_is_sent() {
    let dir = scratch("bad");
    let config = dir.join("bad.toml");
    std::fs::write(
        &config,
        "[[target]]\nscheme = \"certifylize\"\nurl = \"http://127.0.0.1:9/x\"\nsecret = \"inline\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args(["run", "--config", config.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:1: unknown field `secret`", config.display())),
        "{err}"
    );
    // A secret that cannot be read: refused before any target is run.
    std::fs::write(
        &config,
        "[[target]]\nscheme = \"certifylize\"\nurl = \"http://127.0.0.1:9/x\"\nsecret_env = \"HOOKSPEC_NO_SUCH_VARIABLE\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args(["run", "--config", config.to_str().unwrap()])
        .env_remove("HOOKSPEC_NO_SUCH_VARIABLE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":1:1") && err.contains("HOOKSPEC_NO_SUCH_VARIABLE"),
        "{err}"
    );
    assert!(!err.contains("hookspec: target"), "nothing ran: {err}");
    // --config with --url is a usage error.
    let out = Command::new(env!("CARGO_BIN_EXE_hookspec"))
        .args([
            "run",
            "--config",
            config.to_str().unwrap(),
            "--url",
            "http://127.0.0.1:9/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
