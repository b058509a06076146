//! The seven providers in the test receiver, each written from the
//! provider's documentation the way a careful user would (raw body,
//! constant-time comparison, any entry of a signature list may match,
//! the provider's window), independent of hookspec's verifier. The
//! list, timestamp-header and redelivery defects live here.

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{now_unix, single, App, Defect, Refusal, TOLERANCE_S};

/// The provider ids this file implements.
pub const PROVIDERS: [&str; 7] = [
    "standard-webhooks",
    "svix",
    "stripe",
    "github",
    "slack",
    "shopify",
    "discord",
];

/// The header a provider's proof travels in (lowercase).
pub fn proof_header(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "standard-webhooks" => "webhook-signature",
        "svix" => "svix-signature",
        "stripe" => "stripe-signature",
        "github" => "x-hub-signature-256",
        "slack" => "x-slack-signature",
        "shopify" => "x-shopify-hmac-sha256",
        "discord" => "x-signature-ed25519",
        _ => return None,
    })
}

/// Where a provider's idempotency key is: a header, or a JSON pointer.
pub fn event_id_source(scheme: &str) -> Option<Result<&'static str, &'static str>> {
    Some(match scheme {
        "standard-webhooks" => Ok("webhook-id"),
        "svix" => Ok("svix-id"),
        "github" => Ok("x-github-delivery"),
        "shopify" => Ok("x-shopify-event-id"),
        "stripe" | "discord" => Err("/id"),
        "slack" => Err("/event_id"),
        _ => return None,
    })
}

/// The key bytes of a provider's secret as handed out: Standard Webhooks
/// and Svix decode the base64 after `whsec_`; the others use the text.
pub fn secret_bytes(scheme: &str, text: &str) -> Vec<u8> {
    match (scheme, text.strip_prefix("whsec_")) {
        ("standard-webhooks" | "svix", Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("the test secret is whsec_ + base64"),
        _ => text.as_bytes().to_vec(),
    }
}

/// A provider's answer to a verified request that is no event: Slack's
/// `url_verification` (the challenge, as text), GitHub's `ping`
/// (acknowledged), Discord's PING (`{"type":1}` as JSON). Never processed.
pub fn handshake_reply(
    scheme: &str,
    headers: &HeaderMap,
    json: &serde_json::Value,
) -> Option<(axum::http::StatusCode, &'static str, String)> {
    use axum::http::StatusCode;
    match scheme {
        "slack" if json.get("type")?.as_str()? == "url_verification" => Some((
            StatusCode::OK,
            "text/plain",
            json.get("challenge")?.as_str()?.to_owned(),
        )),
        "github" if single(headers, "x-github-event").ok()? == "ping" => {
            Some((StatusCode::NO_CONTENT, "text/plain", String::new()))
        }
        "discord" if json.get("type")?.as_u64()? == 1 => Some((
            StatusCode::OK,
            "application/json",
            r#"{"type":1}"#.to_owned(),
        )),
        _ => None,
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

impl App {
    /// Verifies a delivery of one of the [`PROVIDERS`].
    pub(super) async fn provider(&self, headers: &HeaderMap, body: &Bytes) -> Result<(), Refusal> {
        let body = self.signed_body(body)?;
        match self.scheme.as_str() {
            id @ ("standard-webhooks" | "svix") => {
                let prefix = if id == "svix" { "svix" } else { "webhook" };
                let msg_id = single(headers, &format!("{prefix}-id"))?;
                let ts = self.timestamp(headers, &format!("{prefix}-timestamp"))?;
                let list = single(headers, &format!("{prefix}-signature"))?;
                let expected = hmac(
                    &self.secret,
                    &[msg_id.as_bytes(), b".", ts.as_bytes(), b".", &body],
                );
                // Space-separated `v1,<base64>` entries, any one may match.
                let unwraps = self.defect == Defect::UnwrapsListEntry;
                let entries = list.split(' ').filter(|e| unwraps || !e.is_empty());
                let mut ok = false;
                for entry in entries {
                    let Some((version, sig)) = entry.split_once(',') else {
                        if unwraps {
                            // `(version, signature) = entry.split(",")`: the
                            // exception nobody catches.
                            return Err(Refusal::Crash);
                        }
                        continue;
                    };
                    if version == "v1" || self.defect == Defect::IgnoresListVersion {
                        match base64::engine::general_purpose::STANDARD.decode(sig) {
                            Ok(sig) => ok |= self.compare(&expected, &sig).await,
                            // `base64.b64decode(signature)` raising.
                            Err(_) if unwraps => return Err(Refusal::Crash),
                            Err(_) => {}
                        }
                    }
                    if self.defect == Defect::FirstListEntryOnly {
                        break;
                    }
                }
                self.window(ok, &ts, true, true)
            }
            "stripe" => {
                let value = single(headers, "stripe-signature")?;
                let (mut ts, mut sigs) = (None, Vec::new());
                for item in value.split(',') {
                    let Some((k, v)) = item.split_once('=') else {
                        continue;
                    };
                    match k {
                        "t" => ts = Some(v),
                        "v1" => sigs.push(v),
                        _ if self.defect == Defect::IgnoresListVersion => sigs.push(v),
                        _ => {}
                    }
                }
                let ts = ts.ok_or(Refusal::Invalid)?;
                if self.defect == Defect::FirstListEntryOnly {
                    sigs.truncate(1);
                }
                let expected = hmac(&self.secret, &[ts.as_bytes(), b".", &body]);
                let mut ok = false;
                for sig in sigs {
                    if let Ok(sig) = hex::decode(sig) {
                        ok |= self.compare(&expected, &sig).await;
                    }
                }
                // stripe-node checks only the past side.
                self.window(ok, ts, true, false)
            }
            "github" => {
                let value = single(headers, "x-hub-signature-256")?;
                let sig = value.strip_prefix("sha256=").ok_or(Refusal::Invalid)?;
                let sig = hex::decode(sig).map_err(|_| Refusal::Invalid)?;
                let ok = self.compare(&hmac(&self.secret, &[&body]), &sig).await;
                ok.then_some(()).ok_or(Refusal::Invalid)
            }
            "slack" => {
                let ts = self.timestamp(headers, "x-slack-request-timestamp")?;
                let value = single(headers, "x-slack-signature")?;
                let sig = value.strip_prefix("v0=").ok_or(Refusal::Invalid)?;
                let sig = hex::decode(sig).map_err(|_| Refusal::Invalid)?;
                let expected = hmac(&self.secret, &[b"v0:", ts.as_bytes(), b":", &body]);
                let ok = self.compare(&expected, &sig).await;
                self.window(ok, &ts, true, true)
            }
            "shopify" => {
                let value = single(headers, "x-shopify-hmac-sha256")?;
                let sig = base64::engine::general_purpose::STANDARD
                    .decode(value)
                    .map_err(|_| Refusal::Invalid)?;
                let ok = self.compare(&hmac(&self.secret, &[&body]), &sig).await;
                ok.then_some(()).ok_or(Refusal::Invalid)
            }
            "discord" => {
                let ts = self.timestamp(headers, "x-signature-timestamp")?;
                let sig = single(headers, "x-signature-ed25519")?;
                let sig = hex::decode(sig).map_err(|_| Refusal::Invalid)?;
                let sig =
                    ed25519_dalek::Signature::from_slice(&sig).map_err(|_| Refusal::Invalid)?;
                let message = [ts.as_bytes(), &body].concat();
                let ok = self
                    .discord_key
                    .is_some_and(|k| k.verify_strict(&message, &sig).is_ok());
                // Discord's libraries check no window.
                self.window(ok, &ts, false, false)
            }
            other => panic!("not a provider: {other}"),
        }
    }

    /// A timestamp header's text; with [`Defect::UnwrapsTimestampHeader`],
    /// `headers.get(name).unwrap().to_str().unwrap().parse::<i64>().unwrap()`.
    fn timestamp(&self, headers: &HeaderMap, name: &str) -> Result<String, Refusal> {
        if self.defect == Defect::UnwrapsTimestampHeader {
            let text = headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(Refusal::Crash)?;
            text.parse::<i64>().map_err(|_| Refusal::Crash)?;
            return Ok(text.to_owned());
        }
        let text = single(headers, name)?;
        if text.is_empty() {
            return Err(Refusal::Missing);
        }
        Ok(text.to_owned())
    }

    /// `ok` (the signature matched), then the window on the sides checked.
    fn window(&self, ok: bool, ts: &str, past: bool, future: bool) -> Result<(), Refusal> {
        if !ok {
            return Err(Refusal::Invalid);
        }
        if !past && !future {
            return Ok(());
        }
        let ts: i64 = ts.parse().map_err(|_| Refusal::Invalid)?;
        let skew = ts - now_unix();
        if (past && skew < -TOLERANCE_S) || (future && skew > TOLERANCE_S) {
            return Err(Refusal::Invalid);
        }
        Ok(())
    }
}
