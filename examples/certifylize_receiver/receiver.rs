//! A small, idiomatic Certifylize webhook receiver in axum — the starting
//! point to copy. It does what the vendor's guide asks, the way hookspec
//! checks it:
//!
//! - verifies `X-Certifylize-Signature: sha256=<hex>` over the **raw body
//!   bytes** (never re-serialized JSON), comparing in constant time;
//! - answers 400 when the signature is missing, 401 when it is wrong, and
//!   never 5xx for anything a sender can send;
//! - parses the JSON only after the signature is verified;
//! - processes each `X-Certifylize-Delivery-Id` once (redeliveries get 200);
//! - acknowledges fast (real work would be queued);
//! - in its test configuration, exposes `GET /_effects` (the ids it acted
//!   on) so hookspec can check side effects.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Why a delivery was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No usable `sha256=` signature header: 400.
    Missing,
    /// A signature that does not match the raw body: 401.
    Invalid,
}

/// Checks the signature header against the raw body.
pub fn verify_signature(secret: &[u8], headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
    let mut values = headers.get_all("x-certifylize-signature").iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Refusal::Missing); // absent, or repeated (ambiguous)
    };
    let hex_sig = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().strip_prefix("sha256="))
        .filter(|v| !v.is_empty())
        .ok_or(Refusal::Missing)?;
    let provided = hex::decode(hex_sig).map_err(|_| Refusal::Invalid)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Refusal::Invalid)?;
    mac.update(body);
    // `verify_slice` compares in constant time and checks the length.
    mac.verify_slice(&provided).map_err(|_| Refusal::Invalid)
}

/// The receiver's state.
#[derive(Default)]
pub struct AppState {
    secret: Vec<u8>,
    processed: Mutex<(HashSet<String>, Vec<String>)>,
}

/// The routes: `POST /webhooks/certifylize` and `GET /_effects`.
pub fn router(secret: &[u8]) -> Router {
    let state = Arc::new(AppState {
        secret: secret.to_vec(),
        ..AppState::default()
    });
    Router::new()
        .route("/webhooks/certifylize", post(webhook))
        .route("/_effects", get(effects))
        .with_state(state)
}

async fn webhook(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<serde_json::Value>) {
    let reply = |status, ok: bool, msg: &str| {
        (
            status,
            Json(serde_json::json!({ "ok": ok, "message": msg })),
        )
    };
    match verify_signature(&state.secret, &headers, &body) {
        Ok(()) => {}
        Err(Refusal::Missing) => return reply(StatusCode::BAD_REQUEST, false, "missing signature"),
        Err(Refusal::Invalid) => {
            return reply(StatusCode::UNAUTHORIZED, false, "invalid signature")
        }
    }
    // Trustworthy from here on: now parse.
    if serde_json::from_slice::<serde_json::Value>(&body).is_err() {
        return reply(StatusCode::BAD_REQUEST, false, "body is not JSON");
    }
    let Some(id) = headers
        .get("x-certifylize-delivery-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
    else {
        return reply(
            StatusCode::BAD_REQUEST,
            false,
            "missing X-Certifylize-Delivery-Id",
        );
    };
    let mut processed = match state.processed.lock() {
        Ok(p) => p,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !processed.0.insert(id.to_owned()) {
        return reply(StatusCode::OK, true, "duplicate delivery ignored");
    }
    processed.1.push(id.to_owned()); // here: enqueue the real work
    reply(StatusCode::OK, true, "processed")
}

async fn effects(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let processed = match state.processed.lock() {
        Ok(p) => p.1.clone(),
        Err(poisoned) => poisoned.into_inner().1.clone(),
    };
    Json(serde_json::json!({ "processed": processed }))
}
