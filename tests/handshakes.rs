//! The handshake family (docs/spec.md §3.4) can fail, and does not
//! false-alarm: small receivers written from the providers' documentation
//! (`tests/handshakes/receiver.rs`, independent of hookspec's engine) run
//! the whole suite of `slack`, `github` and `discord`.
//!
//! - Correct receivers of every documented answer shape pass strict, with
//!   no warning: Slack's challenge as `text/plain`, form-encoded and JSON;
//!   GitHub's `ping` answered 200 and 204; Discord's PONG compact and with
//!   spaces.
//! - Each defect fails exactly the expected ids, and everything else
//!   passes.
//! - The description format refuses bad handshake values with located
//!   errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "handshakes/receiver.rs"]
mod receiver;
mod support;

use std::time::Duration;

use hookspec::keys::test_keys::{self, Role};
use hookspec::report;
use hookspec::runner::{Outcome, RunConfig, RunReport, Runner};
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::SchemeId;
use receiver::{Defect, Provider, Reply};
use support::{assert_exactly, not_passed};

use Outcome::{Fail, Warn};

/// The HMAC secret the Slack and GitHub receivers are configured with.
const SECRET: &[u8] = b"handshake-receivers-secret";

fn scheme(provider: Provider) -> SchemeId {
    match provider {
        Provider::Slack => "slack",
        Provider::GitHub => "github",
        Provider::Discord => "discord",
    }
    .parse()
    .unwrap()
}

/// Runs the whole suite of the provider's scheme against a receiver that
/// answers handshakes with `reply` and has `defect`.
async fn run(provider: Provider, reply: Reply, defect: Defect) -> RunReport {
    let id = scheme(provider);
    let (secret, public) = match provider {
        Provider::Discord => {
            let pair = test_keys::pair("discord", Role::Signing).expect("discord test key");
            (None, Some(pair.public_pem))
        }
        _ => (Some(SECRET.to_vec()), None),
    };
    let mut config = RunConfig::new(id, secret).unwrap();
    config.settle = Duration::from_millis(500);
    let app = receiver::router(provider, reply, defect, SECRET, public);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let target = HttpTarget::new(
        &format!("http://{addr}/hooks/{id}"),
        config.timeout,
        &TlsOptions::default(),
    )
    .unwrap();
    let effects = HttpTarget::new(
        &format!("http://{addr}/_effects"),
        Duration::from_secs(5),
        &TlsOptions::default(),
    )
    .unwrap();
    let report = Runner::new(&config, &target)
        .with_effects(&effects)
        .run()
        .await;
    server.abort();
    assert!(report.unreachable.is_none(), "{:?}", report.unreachable);
    assert!(report.incomplete.is_empty(), "{:?}", report.incomplete);
    report
}

/// Passes strict: every case passed, exit 0 with and without `--strict`.
fn assert_passes_strict(report: &RunReport, what: &str) {
    let bad = not_passed(report);
    assert!(
        bad.is_empty(),
        "{what}: not everything passed:\n{}",
        bad.join("\n")
    );
    for strict in [false, true] {
        assert_eq!(report::verdict(report, strict, None).exit_code, 0, "{what}");
    }
    let handshakes = report
        .results
        .iter()
        .filter(|r| r.case.family.as_str() == "handshake")
        .count();
    assert!(handshakes > 0, "{what}: no handshake case ran");
}

/// The detail of case `id` (without the scheme).
fn detail<'r>(report: &'r RunReport, id: &str) -> &'r str {
    let id = format!("{}.{id}", report.scheme);
    let r = report.results.iter().find(|r| r.case.id == id);
    r.map(|r| r.detail.as_str())
        .unwrap_or_else(|| panic!("no case `{id}`"))
}

// ---------------------------------------------------------------------------
// Correct receivers: every documented shape passes strict, no warning.

#[tokio::test]
async fn slack_answering_text_form_or_json_passes_strict() {
    for (reply, form) in [
        (Reply::SlackText, "text/plain"),
        (Reply::SlackForm, "application/x-www-form-urlencoded"),
        (Reply::SlackJson, "application/json"),
    ] {
        let report = run(Provider::Slack, reply, Defect::None).await;
        assert_passes_strict(&report, &format!("slack {reply:?}"));
        assert_eq!(
            detail(&report, "handshake.url-verification"),
            format!("answered {form}")
        );
    }
}

#[tokio::test]
async fn github_answering_200_or_204_passes_strict() {
    for status in [200, 204] {
        let report = run(Provider::GitHub, Reply::GitHubStatus(status), Defect::None).await;
        assert_passes_strict(&report, &format!("github {status}"));
    }
}

#[tokio::test]
async fn discord_answering_a_compact_or_spaced_pong_passes_strict() {
    for reply in [Reply::DiscordCompact, Reply::DiscordSpaced] {
        let report = run(Provider::Discord, reply, Defect::None).await;
        assert_passes_strict(&report, &format!("discord {reply:?}"));
    }
}

// ---------------------------------------------------------------------------
// Defects: exactly the expected ids fail.

#[tokio::test]
async fn slack_echoing_the_challenge_before_verifying_as_html() {
    let report = run(
        Provider::Slack,
        Reply::SlackText,
        Defect::EchoBeforeVerifyAsHtml,
    )
    .await;
    assert_exactly(
        &report,
        "echo before verify, as text/html",
        &[
            // The valid handshake is answered, but as text/html.
            ("handshake.url-verification", Fail),
            ("handshake.url-verification-forged", Fail),
            ("handshake.url-verification-markup", Fail),
        ],
    );
    assert!(
        detail(&report, "handshake.url-verification-markup").contains("text/html"),
        "{}",
        detail(&report, "handshake.url-verification-markup")
    );
}

#[tokio::test]
async fn a_handshake_processed_as_an_event_is_caught_by_the_oracle() {
    for (provider, reply) in [
        (Provider::Slack, Reply::SlackJson),
        (Provider::GitHub, Reply::GitHubStatus(200)),
        (Provider::Discord, Reply::DiscordCompact),
    ] {
        let report = run(provider, reply, Defect::ProcessesHandshake).await;
        assert_exactly(
            &report,
            &format!("{provider:?} processes its handshake"),
            &[(
                match provider {
                    Provider::Slack => "handshake.url-verification",
                    _ => "handshake.ping",
                },
                Fail,
            )],
        );
    }
    let report = run(
        Provider::Slack,
        Reply::SlackJson,
        Defect::ProcessesHandshake,
    )
    .await;
    let effect = report
        .results
        .iter()
        .find(|r| r.case.id == "slack.handshake.url-verification")
        .unwrap()
        .checks
        .iter()
        .find(|c| c.part.as_str() == "effect" && c.passed == Some(false))
        .map(|c| c.actual.clone());
    assert_eq!(effect.as_deref(), Some("processed 1 time(s)"));
}

#[tokio::test]
async fn discord_answering_403_instead_of_401() {
    let report = run(
        Provider::Discord,
        Reply::DiscordCompact,
        Defect::Forbidden403,
    )
    .await;
    assert_exactly(
        &report,
        "403 for an invalid signature",
        &[
            ("handshake.invalid-signature-probe", Fail),
            // The same wrong code, where it is a SHOULD of §3.3.
            ("status.missing-proof", Warn),
            ("status.invalid-proof", Warn),
        ],
    );
}

#[tokio::test]
async fn discord_answering_ping_with_an_empty_200_or_text() {
    for reply in [Reply::DiscordEmpty, Reply::DiscordText] {
        let report = run(Provider::Discord, reply, Defect::None).await;
        assert_exactly(
            &report,
            &format!("discord {reply:?}"),
            &[("handshake.ping", Fail)],
        );
    }
}

#[tokio::test]
async fn github_refusing_ping_as_an_unknown_event() {
    for status in [400, 404] {
        let report = run(Provider::GitHub, Reply::GitHubStatus(status), Defect::None).await;
        assert_exactly(
            &report,
            &format!("github ping answered {status}"),
            &[("handshake.ping", Fail)],
        );
    }
}

// ---------------------------------------------------------------------------
// The format: bad handshake values are located errors.

/// `text` with `from` replaced by `to` (which must be there).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the file");
    text.replacen(from, to, 1)
}

/// `bad.toml:<line>:` of the `nth` (from 1) line of `text` holding `needle`.
fn line_of(text: &str, needle: &str, nth: usize) -> String {
    let n = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth - 1)
        .unwrap_or_else(|| panic!("`{needle}` is not in the file {nth} times"))
        .0;
    format!("bad.toml:{}:", n + 1)
}

#[test]
fn bad_handshake_values_are_located_errors() {
    let slack = hookspec::describe::builtin("slack").unwrap();
    let github = hookspec::describe::builtin("github").unwrap();
    let discord = hookspec::describe::builtin("discord").unwrap();
    let ping_body = r#"body = '{"id":"@ID@","type":1,"#;
    // (what, edited text, the line the error points at and which one of
    // its kind, a phrase of the error)
    let rows: Vec<(&str, String, (&str, usize), &str)> = vec![
        (
            "a name that is no id",
            edit(discord, r#"name = "ping""#, r#"name = "Ping!""#),
            (r#"name = "Ping!""#, 1),
            "is not a valid name",
        ),
        (
            "two handshakes of one name",
            edit(
                discord,
                r#"name = "invalid-signature-probe""#,
                r#"name = "ping""#,
            ),
            (r#"name = "ping""#, 2),
            "two handshakes are named `ping`",
        ),
        (
            "a status class other than 2xx",
            edit(github, r#"status = "2xx""#, r#"status = "3xx""#),
            (r#"status = "3xx""#, 1),
            "is not a status",
        ),
        (
            "a probe status that is no 4xx",
            edit(discord, "status = 401", "status = 200"),
            ("status = 200", 2),
            "is not a 4xx",
        ),
        (
            "a status that is no HTTP status",
            edit(discord, "status = 401", "status = 700"),
            ("status = 700", 1),
            "is not an HTTP status",
        ),
        (
            "when_header naming a header that is not {type}",
            edit(
                github,
                r#"when_header = "X-GitHub-Event""#,
                r#"when_header = "X-GitHub-Hook-ID""#,
            ),
            (r#"when_header = "X-GitHub-Hook-ID""#, 1),
            "is not one of [[headers]]",
        ),
        (
            "a reply_body that is not JSON",
            edit(
                discord,
                r#"reply_body = '{"type":1}'"#,
                "reply_body = '{type:1}'",
            ),
            ("reply_body = '{type:1}'", 1),
            "`reply_body` is not JSON",
        ),
        (
            "a body that is no JSON object",
            edit(discord, ping_body, r#"body = '"#).replacen(
                r#"body = '"application_id""#,
                r#"body = '["application_id""#,
                1,
            ),
            ("body = '", 1),
            "is not a JSON object",
        ),
        (
            "a body that disagrees with when_value",
            edit(discord, ping_body, r#"body = '{"id":"@ID@","type":2,"#),
            (r#"body = '{"id":"@ID@","type":2,"#, 1),
            "is not `when_value`",
        ),
        (
            "a content type with parameters",
            edit(
                slack,
                r#""text/plain", "#,
                r#""text/plain; charset=utf-8", "#,
            ),
            ("content_types = [", 1),
            "is not a media type",
        ),
        (
            "a ping without a name",
            edit(discord, "name = \"ping\"\n", ""),
            ("kind = \"ping-pong\"", 1),
            "`name`",
        ),
    ];
    let mut failures = Vec::new();
    for (what, text, (needle, nth), phrase) in &rows {
        let line = line_of(text, needle, *nth);
        match hookspec::describe::load(text, "bad.toml") {
            Ok(_) => failures.push(format!("{what}: loaded")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.starts_with(&line) || !shown.contains(phrase) || !shown.contains("; ") {
                    failures.push(format!(
                        "{what}:\n  got      {shown}\n  expected {line}…{phrase}…; <fix>"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn an_unsigned_handshake_is_refused_at_its_field() {
    let slack = hookspec::describe::builtin("slack").unwrap();
    let text = edit(
        slack,
        r#"id = "slack""#,
        r#"id = "slack-unsigned-handshake""#,
    );
    let text = edit(&text, "status = 200\n", "status = 200\nsigned = false\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemes");
    let err = hookspec::describe::register(
        &text,
        "slack-unsigned-handshake.toml",
        &hookspec::describe::Files::Dir(&dir),
    )
    .unwrap_err()
    .to_string();
    let line = line_of(&text, r#"kind = "echo-field""#, 1);
    assert!(
        err.starts_with(&format!(
            "slack-unsigned-handshake.toml:{}",
            &line["bad.toml:".len()..]
        )) && err.contains("cannot run this yet")
            && err.contains("unsigned handshakes"),
        "{err}"
    );
}
