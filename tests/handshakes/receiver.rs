//! Small receivers for Slack, GitHub and Discord, written from the
//! providers' documentation and independent of hookspec's engine: HMAC-SHA256
//! by hand with `hmac`/`sha2`, Ed25519 with `ed25519-dalek` (only the key
//! material comes from hookspec's checked-in test keys). Each answers its
//! provider's handshake in a chosen [`Reply`] shape, and can carry one
//! handshake [`Defect`]. Everything else is a careful receiver: raw-body
//! verification, Slack's ±300 s window, dedupe by the provider's id, an
//! effects oracle at `/_effects`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use ed25519_dalek::pkcs8::DecodePublicKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The provider a receiver serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Slack,
    GitHub,
    Discord,
}

/// How the handshake is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Slack: the challenge as `text/plain`.
    SlackText,
    /// Slack: `challenge=<value>` as `application/x-www-form-urlencoded`.
    SlackForm,
    /// Slack: `{"challenge":"<value>"}` as `application/json`.
    SlackJson,
    /// GitHub: this status for `ping` (200 and 204 are correct; 400 and
    /// 404 refuse it as an unknown event).
    GitHubStatus(u16),
    /// Discord: `{"type":1}`.
    DiscordCompact,
    /// Discord: `{"type": 1}`, with spaces.
    DiscordSpaced,
    /// Discord: an empty 200.
    DiscordEmpty,
    /// Discord: `pong` as `text/plain`.
    DiscordText,
}

/// A handshake defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    None,
    /// Slack: the challenge is echoed before the signature is checked, as
    /// `text/html` (Express's `res.send(challenge)`).
    EchoBeforeVerifyAsHtml,
    /// The handshake is answered correctly, and also recorded as an event.
    ProcessesHandshake,
    /// Every invalid signature is answered 403 (Discord wants 401).
    Forbidden403,
}

struct App {
    provider: Provider,
    reply: Reply,
    defect: Defect,
    secret: Vec<u8>,
    discord_key: Option<ed25519_dalek::VerifyingKey>,
    processed: Mutex<(Vec<String>, HashSet<String>)>,
}

/// The router: webhook on every path but `/_effects`.
pub fn router(
    provider: Provider,
    reply: Reply,
    defect: Defect,
    secret: &[u8],
    discord_public_pem: Option<&str>,
) -> Router {
    let app = Arc::new(App {
        provider,
        reply,
        defect,
        secret: secret.to_vec(),
        discord_key: discord_public_pem
            .map(|pem| ed25519_dalek::VerifyingKey::from_public_key_pem(pem).expect("key")),
        processed: Mutex::new((Vec::new(), HashSet::new())),
    });
    Router::new()
        .route("/_effects", get(effects))
        .fallback(any(webhook))
        .with_state(app)
}

async fn effects(State(app): State<Arc<App>>) -> Response {
    let list = app.processed.lock().unwrap().0.clone();
    json(
        StatusCode::OK,
        serde_json::json!({ "processed": list }).to_string(),
    )
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn typed(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// HMAC-SHA256 of `message` under `secret`, checked against the hex
/// `given` in constant time.
fn hmac_ok(secret: &[u8], message: &[u8], given: &str) -> bool {
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(message);
    mac.verify_slice(&given).is_ok()
}

/// Slack: `v0=<hex HMAC(secret, "v0:<ts>:<body>")>`, the timestamp within
/// five minutes of now.
fn slack_ok(app: &App, headers: &HeaderMap, body: &[u8]) -> bool {
    let (Some(ts), Some(sig)) = (
        header_str(headers, "x-slack-request-timestamp"),
        header_str(headers, "x-slack-signature"),
    ) else {
        return false;
    };
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(t) = ts.parse::<i64>() else {
        return false;
    };
    if (now() - t).abs() > 300 {
        return false;
    }
    let Some(hex) = sig.strip_prefix("v0=") else {
        return false;
    };
    let mut message = format!("v0:{ts}:").into_bytes();
    message.extend_from_slice(body);
    hmac_ok(&app.secret, &message, hex)
}

/// GitHub: `sha256=<hex HMAC(secret, body)>`.
fn github_ok(app: &App, headers: &HeaderMap, body: &[u8]) -> bool {
    header_str(headers, "x-hub-signature-256")
        .and_then(|s| s.strip_prefix("sha256="))
        .is_some_and(|hex| hmac_ok(&app.secret, body, hex))
}

/// Discord: Ed25519 over `<timestamp><body>`, hex signature.
fn discord_ok(app: &App, headers: &HeaderMap, body: &[u8]) -> bool {
    let (Some(sig), Some(ts), Some(key)) = (
        header_str(headers, "x-signature-ed25519"),
        header_str(headers, "x-signature-timestamp"),
        app.discord_key.as_ref(),
    ) else {
        return false;
    };
    let Ok(bytes) = hex::decode(sig) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(&bytes) else {
        return false;
    };
    let mut message = ts.as_bytes().to_vec();
    message.extend_from_slice(body);
    key.verify_strict(&message, &sig).is_ok()
}

async fn webhook(State(app): State<Arc<App>>, req: Request) -> Response {
    use http_body_util::BodyExt;
    if req.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")]).into_response();
    }
    let encoded = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes() != b"identity");
    if encoded {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let (parts, body) = req.into_parts();
    let body: Bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let headers = &parts.headers;
    let early = serde_json::from_slice::<serde_json::Value>(&body).ok();
    if app.defect == Defect::EchoBeforeVerifyAsHtml {
        if let Some(j) = &early {
            if j["type"] == "url_verification" {
                let challenge = j["challenge"].as_str().unwrap_or_default().to_owned();
                return typed(StatusCode::OK, "text/html; charset=utf-8", challenge);
            }
        }
    }
    let verified = match app.provider {
        Provider::Slack => slack_ok(&app, headers, &body),
        Provider::GitHub => github_ok(&app, headers, &body),
        Provider::Discord => discord_ok(&app, headers, &body),
    };
    if !verified {
        let status = if app.defect == Defect::Forbidden403 {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        return json(status, r#"{"error":"invalid request signature"}"#.into());
    }
    let Some(event) = early else {
        return json(StatusCode::BAD_REQUEST, r#"{"error":"not JSON"}"#.into());
    };
    let id = match app.provider {
        Provider::Slack => event["event_id"].as_str().map(str::to_owned),
        Provider::GitHub => header_str(headers, "x-github-delivery").map(str::to_owned),
        Provider::Discord => event["id"].as_str().map(str::to_owned),
    };
    if let Some(answer) = handshake(&app, headers, &event) {
        if app.defect == Defect::ProcessesHandshake {
            if let Some(id) = &id {
                record(&app, id);
            }
        }
        return answer;
    }
    let Some(id) = id else {
        return json(StatusCode::BAD_REQUEST, r#"{"error":"no event id"}"#.into());
    };
    record(&app, &id);
    json(StatusCode::OK, r#"{"ok":true}"#.into())
}

/// Records `id` once (a redelivery is acknowledged, not processed again).
fn record(app: &App, id: &str) {
    let mut p = app.processed.lock().unwrap();
    if p.1.insert(id.to_owned()) {
        p.0.push(id.to_owned());
    }
}

/// The answer to a verified handshake, if this is one.
fn handshake(app: &App, headers: &HeaderMap, event: &serde_json::Value) -> Option<Response> {
    match app.provider {
        Provider::Slack if event["type"] == "url_verification" => {
            let challenge = event["challenge"].as_str()?.to_owned();
            Some(match app.reply {
                Reply::SlackForm => {
                    let body = url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("challenge", &challenge)
                        .finish();
                    typed(StatusCode::OK, "application/x-www-form-urlencoded", body)
                }
                Reply::SlackJson => json(
                    StatusCode::OK,
                    serde_json::json!({ "challenge": challenge }).to_string(),
                ),
                _ => typed(StatusCode::OK, "text/plain", challenge),
            })
        }
        Provider::GitHub if header_str(headers, "x-github-event") == Some("ping") => {
            let status = match app.reply {
                Reply::GitHubStatus(s) => StatusCode::from_u16(s).unwrap(),
                _ => StatusCode::OK,
            };
            Some(if status == StatusCode::NO_CONTENT {
                status.into_response()
            } else if status.is_success() {
                json(status, r#"{"ok":true}"#.into())
            } else {
                json(status, r#"{"error":"unknown event: ping"}"#.into())
            })
        }
        Provider::Discord if event["type"] == 1 => Some(match app.reply {
            Reply::DiscordSpaced => json(StatusCode::OK, r#"{"type": 1}"#.into()),
            Reply::DiscordEmpty => StatusCode::OK.into_response(),
            Reply::DiscordText => typed(StatusCode::OK, "text/plain", "pong".into()),
            _ => json(StatusCode::OK, r#"{"type":1}"#.into()),
        }),
        _ => None,
    }
}
