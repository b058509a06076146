//! A small, test-only webhook receiver with one switchable bug at a time.
//!
//! This is deliberately a *second* implementation, independent of
//! `hookspec::receiver`: written per scheme, the way a user would write an
//! endpoint (axum, the raw body as `Bytes`, `hmac_sha256` + `subtle` for the
//! comparison, keys fetched from the provider routes and cached), reusing only
//! small hookspec helpers (HMAC, key parsing, the key server, the runner).
//!
//! With [`Defect::None`] it passes the whole suite, strict, for the schemes it
//! covers (`blockmark`, `certifylize`, `blink-signature`, `smartasset`,
//! `cometh`, and `acme`, the custom scheme of `tests/schemes/acme.toml`);
//! each other [`Defect`] changes exactly one behaviour, so a run against it
//! shows which cases catch that bug.

#![allow(dead_code)]

pub mod providers;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use hmac::{Hmac, Mac};
use hookspec::keys::test_keys::TEST_SECRET;
use hookspec::keyserver::{self, KeyServerHandle, PublishedKeys};
use hookspec::report;
use hookspec::runner::{Outcome, RunConfig, RunReport, Runner};
use hookspec::sign::hmac_sha256;
use hookspec::target::{HttpTarget, TlsOptions};
use hookspec::SchemeId;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

/// One bug at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defect {
    /// A correct receiver.
    None,
    /// Never verifies anything.
    AcceptsEverything,
    /// `headers.get(SIG).unwrap().to_str().unwrap()`: a missing or
    /// non-ASCII signature header is a 500.
    ErrorOnMissingHeader,
    /// `serde_json::from_slice(body).unwrap()` after verifying: a validly
    /// signed body that is not JSON is a 500.
    ErrorOnNonJson,
    /// `serde_json::from_slice(body).unwrap()` *before* verifying: any body
    /// that is not JSON, forged or not, is a 500.
    ParsesJsonFirst,
    /// Anything but `Content-Type: application/json` is a 500 (the body
    /// parser left nothing to read).
    ErrorOnOtherContentType,
    /// A catch-all route whose non-POST branch is a 500.
    ErrorOnOtherMethods,
    /// A body limit whose error is mapped to 500 instead of 413.
    ErrorOnLargeBody,
    /// Check-then-insert deduplication with an `await` in between (a
    /// database round trip): concurrent copies are all processed.
    DedupeRace,
    /// Verifies `serde_json::to_vec(&serde_json::from_slice::<Value>(body))`
    /// instead of the raw body (sorted keys, no whitespace).
    VerifiesReserializedJson,
    /// Compares only as many bytes as the sender provided (CVE-2024-21491).
    AcceptsSignaturePrefix,
    /// `blockmark`: answers the echo handshake with a fixed string.
    HardCodedEcho,
    /// `blockmark`: answers the echo handshake before checking the token.
    EchoWithoutToken,
    /// Processes every authenticated delivery, duplicates included.
    NoDedupe,
    /// Processes (records) a delivery whose signature is wrong, then answers 4xx.
    ProcessesForgeries,
    /// `blink-signature`, `acme`: no timestamp window.
    IgnoresTimestamp,
    /// `blink-signature`: HMAC over `ts.body` (the URL left out).
    SignsWithoutUrl,
    /// `blink-signature`: HMAC over `ts.<url without its query>.body`.
    SignsUrlWithoutQuery,
    /// Asymmetric schemes: uses only the first published key.
    TrustsFirstKeyOnly,
    /// Asymmetric schemes: fetches the keys once, at startup.
    NeverRefetchesKeys,
    /// Asymmetric schemes: refetches after a mismatch, but never lets
    /// cached keys expire (a removed key stays trusted).
    KeysNeverExpire,
    /// Calls something slow before answering: `certifylize` for the event
    /// type `edu.api_key.revoked`, the other schemes for bodies above 32 KiB.
    SlowEventType,
    /// Every rejection is answered 403.
    WrongStatusCodes,
    /// `smartasset`: a lower block number is processed like any event.
    IgnoresBlockOrdering,
    /// Valid deliveries are answered `303 See Other` to a thank-you page.
    RedirectsValid,
    /// `certifylize`: a byte-by-byte comparison that returns at the first
    /// difference, exaggerated (1 ms per matching byte) so any timing test
    /// would see it.
    EarlyExitCompare,
    /// `certifylize`: accepts a missing `sha256=` prefix and any other
    /// `<algorithm>=` prefix (only the hex after `=` is checked).
    IgnoresPrefix,
    /// `blink-signature` (`acme`): reads `ts=…;sig1=…` (`t=…,v1=…`) by
    /// position and unwraps (`split` into exactly two parts, `strip_prefix`,
    /// then `parse::<u64>()`): any other shape or timestamp is a 500.
    UnwrapsSignatureHeader,
    /// `blink-signature`, `acme`: lets parameters repeat, verifies the
    /// signature with the first timestamp and checks the window on the last.
    WindowOnLastTimestamp,
    /// Stores each event under its id with a unique constraint: another
    /// body for a known id fails the insert, answered 500.
    ErrorOnIdConflict,
    /// A body-parsing middleware whose "unsupported encoding" error is
    /// answered 500: any `Content-Encoding` is a 500.
    ErrorOnContentEncoding,
    /// Reads the body with a half-second deadline and answers 500 when it
    /// passes (instead of 408).
    ErrorOnSlowBody,
    /// Decodes hex with a lowercase-only table and unwraps: an uppercase
    /// digit in a signature is a 500.
    ErrorOnUppercaseHex,
    /// Verifies and processes the first piece of the body that arrives
    /// (`req.on('data', …)` handled once): a body sent in pieces fails.
    ReadsFirstChunkOnly,
    /// Signature lists: only the first entry is checked.
    FirstListEntryOnly,
    /// Signature lists: an entry of any version counts (`v2,…`, `v0=…`).
    IgnoresListVersion,
    /// A timestamp in a header of its own read as
    /// `headers.get(..).unwrap().to_str().unwrap().parse::<i64>().unwrap()`.
    UnwrapsTimestampHeader,
    /// Signature lists: each entry unpacked as `(version, signature) =
    /// entry.split(",")` with no handler for the error (as a receiver on
    /// Standard Webhooks' Python package that catches only its documented
    /// exception), and the signature base64-decoded the same way: an entry
    /// without its comma, an empty one, or one that is no base64 is a 500.
    UnwrapsListEntry,
    /// A replay cache keyed by the signature header instead of
    /// deduplicating by event id: a redelivery (signed anew) is processed
    /// again.
    DedupesBySignature,
}

impl Defect {
    /// Every defect, [`Defect::None`] first.
    pub const ALL: [Defect; 39] = [
        Defect::None,
        Defect::AcceptsEverything,
        Defect::ErrorOnMissingHeader,
        Defect::ErrorOnNonJson,
        Defect::ParsesJsonFirst,
        Defect::ErrorOnOtherContentType,
        Defect::ErrorOnOtherMethods,
        Defect::ErrorOnLargeBody,
        Defect::DedupeRace,
        Defect::VerifiesReserializedJson,
        Defect::AcceptsSignaturePrefix,
        Defect::HardCodedEcho,
        Defect::EchoWithoutToken,
        Defect::NoDedupe,
        Defect::ProcessesForgeries,
        Defect::IgnoresTimestamp,
        Defect::SignsWithoutUrl,
        Defect::SignsUrlWithoutQuery,
        Defect::TrustsFirstKeyOnly,
        Defect::NeverRefetchesKeys,
        Defect::KeysNeverExpire,
        Defect::SlowEventType,
        Defect::WrongStatusCodes,
        Defect::IgnoresBlockOrdering,
        Defect::RedirectsValid,
        Defect::EarlyExitCompare,
        Defect::IgnoresPrefix,
        Defect::UnwrapsSignatureHeader,
        Defect::WindowOnLastTimestamp,
        Defect::ErrorOnIdConflict,
        Defect::ErrorOnContentEncoding,
        Defect::ErrorOnSlowBody,
        Defect::ReadsFirstChunkOnly,
        Defect::ErrorOnUppercaseHex,
        Defect::FirstListEntryOnly,
        Defect::IgnoresListVersion,
        Defect::UnwrapsTimestampHeader,
        Defect::DedupesBySignature,
        Defect::UnwrapsListEntry,
    ];
}

/// How long [`Defect::SlowEventType`] takes to answer.
pub const SLOW: Duration = Duration::from_millis(2500);
/// The sender timeout used against [`Defect::SlowEventType`].
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(1000);
/// How long fetched keys are used.
const KEY_TTL: Duration = Duration::from_millis(800);
/// The signature window for `blink-signature` and `acme`.
const TOLERANCE_S: i64 = 300;

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Published keys, as the receiver uses them.
#[derive(Clone)]
enum Keys {
    Ed25519(Vec<ed25519_dalek::VerifyingKey>),
    Rsa(Vec<RsaPublicKey>),
}

/// Keys fetched from the provider and cached for a while.
struct KeyCache {
    url: String,
    client: reqwest::Client,
    cached: Mutex<Option<(Keys, Instant)>>,
}

impl KeyCache {
    async fn fetch(&self, scheme: SchemeId, defect: Defect) -> Option<Keys> {
        let resp = self.client.get(&self.url).send().await.ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let text = resp.text().await.ok()?;
        let keys = match scheme.as_str() {
            "smartasset" => {
                let v: Value = serde_json::from_str(&text).ok()?;
                let mut keys: Vec<_> = v
                    .get("publicKeys")?
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|h| hookspec::keys::ed25519_from_hex(h).ok())
                    .collect();
                if defect == Defect::TrustsFirstKeyOnly {
                    keys.truncate(1);
                }
                Keys::Ed25519(keys)
            }
            _ => Keys::Rsa(vec![hookspec::keys::rsa_from_spki_pem(&text).ok()?]),
        };
        *self.cached.lock().unwrap() = Some((keys.clone(), Instant::now()));
        Some(keys)
    }

    /// The cached keys while fresh (and, if `expires` is false, forever).
    fn cached(&self, expires: bool) -> Option<Keys> {
        match &*self.cached.lock().unwrap() {
            Some((k, at)) if !expires || at.elapsed() < KEY_TTL => Some(k.clone()),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Effects {
    processed: Vec<String>,
    seen: HashSet<String>,
    /// The body stored under each id ([`Defect::ErrorOnIdConflict`]).
    bodies: HashMap<String, Bytes>,
    latest_block: HashMap<String, u64>,
}

struct App {
    scheme: SchemeId,
    defect: Defect,
    secret: Vec<u8>,
    keys: Option<KeyCache>,
    /// Discord's application public key (configured, never fetched).
    discord_key: Option<ed25519_dalek::VerifyingKey>,
    effects: Mutex<Effects>,
}

/// Why a delivery is refused.
enum Refusal {
    /// No signature (certifylize: 400).
    Missing,
    /// A signature that does not verify (certifylize: 401).
    Invalid,
    /// Not the documented body.
    BadBody,
    /// The stand-in for an unwrapped `None`: an internal error.
    Crash,
}

fn single<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Refusal> {
    let mut all = headers.get_all(name).iter();
    match (all.next(), all.next()) {
        (None, _) => Err(Refusal::Missing),
        (Some(v), None) => v.to_str().map(str::trim).map_err(|_| Refusal::Invalid),
        (Some(_), Some(_)) => Err(Refusal::Invalid),
    }
}

impl App {
    /// HMAC comparison, the usual way (or one of the broken ways).
    /// A hex signature decoded (`Invalid` if it is not hex).
    fn decode_hex(&self, s: &str) -> Result<Vec<u8>, Refusal> {
        if self.defect == Defect::ErrorOnUppercaseHex
            && s.bytes().any(|b| (b'A'..=b'F').contains(&b))
        {
            return Err(Refusal::Crash);
        }
        hex::decode(s).map_err(|_| Refusal::Invalid)
    }

    async fn hmac_matches(&self, message: &[u8], provided_hex: &str) -> Result<bool, Refusal> {
        let provided = match self.decode_hex(provided_hex) {
            Ok(p) => p,
            Err(Refusal::Crash) => return Err(Refusal::Crash),
            Err(_) => return Ok(false),
        };
        let expected = hmac_sha256(&self.secret, message);
        Ok(self.compare(&expected, &provided).await)
    }

    /// Compares a computed MAC with the provided one, the usual way
    /// (constant time) or one of the broken ways.
    async fn compare(&self, expected: &[u8], provided: &[u8]) -> bool {
        match self.defect {
            Defect::AcceptsSignaturePrefix => {
                !provided.is_empty()
                    && provided.len() <= expected.len()
                    && expected.get(..provided.len()) == Some(provided)
            }
            Defect::EarlyExitCompare => {
                if provided.len() != expected.len() {
                    return false;
                }
                for (a, b) in expected.iter().zip(provided) {
                    if a != b {
                        return false;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                true
            }
            _ => bool::from(expected.ct_eq(provided)),
        }
    }

    /// `acme` (tests/schemes/acme.toml), written from its description:
    /// `X-Acme-Signature: t=<unix s>,v1=<base64 HMAC-SHA512 of "<t>:<raw
    /// body>">` under the hex secret, a ±300 s window, any `v1` that
    /// verifies is enough, other keys are ignored.
    async fn acme(&self, headers: &HeaderMap, body: &Bytes) -> Result<(), Refusal> {
        let value = match single(headers, "x-acme-signature") {
            Err(Refusal::Missing) if self.defect == Defect::ErrorOnMissingHeader => {
                // `headers.get(..).unwrap()`
                return Err(Refusal::Crash);
            }
            Err(Refusal::Invalid)
                if self.defect == Defect::ErrorOnMissingHeader
                    && headers
                        .get("x-acme-signature")
                        .is_some_and(|v| v.to_str().is_err()) =>
            {
                // `.to_str().unwrap()`
                return Err(Refusal::Crash);
            }
            other => other?,
        };
        if value.is_empty() {
            return Err(Refusal::Missing);
        }
        let (ts, proofs, window_ts) = if self.defect == Defect::UnwrapsSignatureHeader {
            let parts: Vec<&str> = value.split(',').collect();
            let [ts, sig] = parts[..] else {
                return Err(Refusal::Crash);
            };
            let (Some(ts), Some(sig)) = (ts.strip_prefix("t="), sig.strip_prefix("v1=")) else {
                return Err(Refusal::Crash);
            };
            if ts.parse::<u64>().is_err() {
                return Err(Refusal::Crash);
            }
            (ts, vec![sig], ts)
        } else {
            let (mut ts, mut last_ts, mut proofs) = (None, None, Vec::new());
            for item in value.split(',') {
                let Some((k, v)) = item.split_once('=') else {
                    return Err(Refusal::Invalid);
                };
                match k.trim() {
                    "t" => {
                        last_ts = Some(v.trim());
                        if ts.is_some() && self.defect == Defect::WindowOnLastTimestamp {
                            continue;
                        }
                        if ts.replace(v.trim()).is_some() {
                            return Err(Refusal::Invalid);
                        }
                    }
                    "v1" => proofs.push(v.trim()),
                    _ => continue,
                }
            }
            let (Some(ts), Some(last_ts)) = (ts, last_ts) else {
                return Err(Refusal::Invalid);
            };
            if proofs.is_empty() {
                return Err(Refusal::Invalid);
            }
            (ts, proofs, last_ts)
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(ts) || !digits(window_ts) {
            return Err(Refusal::Invalid);
        }
        let mut mac = Hmac::<Sha512>::new_from_slice(&self.secret).map_err(|_| Refusal::Crash)?;
        mac.update(ts.as_bytes());
        mac.update(b":");
        mac.update(&self.signed_body(body)?);
        let expected = mac.finalize().into_bytes();
        use base64::Engine as _;
        let mut verified = false;
        for proof in proofs {
            let Ok(provided) = base64::engine::general_purpose::STANDARD.decode(proof) else {
                continue;
            };
            verified |= self.compare(&expected, &provided).await;
        }
        if !verified {
            return Err(Refusal::Invalid);
        }
        let ts: i64 = window_ts.parse().map_err(|_| Refusal::Invalid)?;
        if self.defect != Defect::IgnoresTimestamp && (ts - now_unix()).abs() > TOLERANCE_S {
            return Err(Refusal::Invalid);
        }
        Ok(())
    }

    /// The bytes the sender signed the body as.
    fn signed_body(&self, body: &Bytes) -> Result<Vec<u8>, Refusal> {
        if self.defect == Defect::VerifiesReserializedJson {
            let v: Value = serde_json::from_slice(body).map_err(|_| Refusal::BadBody)?;
            return serde_json::to_vec(&v).map_err(|_| Refusal::BadBody);
        }
        Ok(body.to_vec())
    }

    async fn authenticate(
        &self,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<(), Refusal> {
        match self.scheme.as_str() {
            "blockmark" => {
                let token = single(headers, "x-token")?;
                if token.is_empty() {
                    return Err(Refusal::Missing);
                }
                if self.hmac_matches(b"", token).await? {
                    Ok(())
                } else {
                    Err(Refusal::Invalid)
                }
            }
            "certifylize" => {
                let value = match single(headers, "x-certifylize-signature") {
                    Err(Refusal::Missing) if self.defect == Defect::ErrorOnMissingHeader => {
                        return Err(Refusal::Crash)
                    }
                    Err(Refusal::Invalid)
                        if self.defect == Defect::ErrorOnMissingHeader
                            && headers
                                .get("x-certifylize-signature")
                                .is_some_and(|v| v.to_str().is_err()) =>
                    {
                        return Err(Refusal::Crash)
                    }
                    other => other?,
                };
                let sig = if self.defect == Defect::IgnoresPrefix {
                    value.rsplit_once('=').map_or(value, |(_, s)| s)
                } else {
                    value.strip_prefix("sha256=").ok_or(Refusal::Invalid)?
                };
                if sig.is_empty() {
                    return Err(Refusal::Missing);
                }
                if self.hmac_matches(&self.signed_body(body)?, sig).await? {
                    Ok(())
                } else {
                    Err(Refusal::Invalid)
                }
            }
            "blink-signature" => {
                let value = single(headers, "x-blink-signature")?;
                let (ts, sig, window_ts) = if self.defect == Defect::UnwrapsSignatureHeader {
                    // `let [ts, sig] = parts[..] else { panic!() }` and friends.
                    let parts: Vec<&str> = value.split(';').collect();
                    let [ts, sig] = parts[..] else {
                        return Err(Refusal::Crash);
                    };
                    let (Some(ts), Some(sig)) = (ts.strip_prefix("ts="), sig.strip_prefix("sig1="))
                    else {
                        return Err(Refusal::Crash);
                    };
                    if ts.parse::<u64>().is_err() {
                        return Err(Refusal::Crash);
                    }
                    (ts, sig, ts)
                } else {
                    let (mut ts, mut sig, mut last_ts) = (None, None, None);
                    for item in value.split(';') {
                        let Some((k, v)) = item.split_once('=') else {
                            return Err(Refusal::Invalid);
                        };
                        let slot = match k.trim() {
                            "ts" => {
                                last_ts = Some(v.trim());
                                &mut ts
                            }
                            "sig1" => &mut sig,
                            _ => continue,
                        };
                        if slot.is_some() && self.defect == Defect::WindowOnLastTimestamp {
                            continue;
                        }
                        if slot.replace(v.trim()).is_some() {
                            return Err(Refusal::Invalid);
                        }
                    }
                    let (Some(ts), Some(sig), Some(last_ts)) = (ts, sig, last_ts) else {
                        return Err(Refusal::Missing);
                    };
                    (ts, sig, last_ts)
                };
                let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                if !digits(ts) || !digits(window_ts) {
                    return Err(Refusal::Invalid);
                }
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("localhost");
                let path = match self.defect {
                    Defect::SignsUrlWithoutQuery => uri.path(),
                    _ => uri.path_and_query().map_or("/", |p| p.as_str()),
                };
                let mut message = format!("{ts}.").into_bytes();
                if self.defect != Defect::SignsWithoutUrl {
                    message.extend_from_slice(format!("http://{host}{path}.").as_bytes());
                }
                message.extend_from_slice(body);
                if !self.hmac_matches(&message, sig).await? {
                    return Err(Refusal::Invalid);
                }
                let ts: i64 = window_ts.parse().map_err(|_| Refusal::Invalid)?;
                if self.defect != Defect::IgnoresTimestamp && (ts - now_unix()).abs() > TOLERANCE_S
                {
                    return Err(Refusal::Invalid);
                }
                Ok(())
            }
            "smartasset" => {
                #[derive(serde::Deserialize)]
                struct Envelope<'a> {
                    #[serde(borrow)]
                    event: &'a serde_json::value::RawValue,
                    signature: Option<String>,
                }
                let env: Envelope<'_> =
                    serde_json::from_slice(body).map_err(|_| Refusal::BadBody)?;
                let sig = env.signature.ok_or(Refusal::Missing)?;
                let sig = self.decode_hex(&sig)?;
                let sig =
                    ed25519_dalek::Signature::from_slice(&sig).map_err(|_| Refusal::Invalid)?;
                let message = env.event.get().as_bytes();
                let ok = |keys: &Keys| match keys {
                    Keys::Ed25519(ks) => ks.iter().any(|k| k.verify_strict(message, &sig).is_ok()),
                    Keys::Rsa(_) => false,
                };
                self.with_keys(ok).await
            }
            "cometh" => {
                let sig = single(headers, "x-cometh-indexer-signature")?;
                if sig.is_empty() {
                    return Err(Refusal::Missing);
                }
                use base64::Engine as _;
                let sig = base64::engine::general_purpose::STANDARD
                    .decode(sig)
                    .map_err(|_| Refusal::Invalid)?;
                let digest = Sha256::digest(self.signed_body(body)?);
                let ok = |keys: &Keys| match keys {
                    Keys::Rsa(ks) => ks.iter().any(|k| {
                        k.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &sig)
                            .is_ok()
                    }),
                    Keys::Ed25519(_) => false,
                };
                self.with_keys(ok).await
            }
            "acme" => self.acme(headers, body).await,
            id if providers::PROVIDERS.contains(&id) => self.provider(headers, body).await,
            other => panic!("the test receiver does not implement {other}"),
        }
    }

    /// Verifies with the cached keys; on a mismatch, refetches once and
    /// retries (a rotation), unless the defect says otherwise.
    async fn with_keys(&self, ok: impl Fn(&Keys) -> bool) -> Result<(), Refusal> {
        let Some(cache) = &self.keys else {
            return Err(Refusal::Invalid);
        };
        let never_refetch = self.defect == Defect::NeverRefetchesKeys;
        let expires = self.defect != Defect::KeysNeverExpire && !never_refetch;
        let mut fetched = false;
        let keys = match cache.cached(expires) {
            Some(k) => k,
            None => {
                fetched = true;
                cache
                    .fetch(self.scheme, self.defect)
                    .await
                    .ok_or(Refusal::Invalid)?
            }
        };
        if ok(&keys) {
            return Ok(());
        }
        if !fetched && !never_refetch {
            if let Some(keys) = cache.fetch(self.scheme, self.defect).await {
                if ok(&keys) {
                    return Ok(());
                }
            }
        }
        Err(Refusal::Invalid)
    }

    fn status(&self, r: &Refusal) -> StatusCode {
        if self.defect == Defect::WrongStatusCodes {
            return StatusCode::FORBIDDEN;
        }
        match (r, self.scheme.as_str()) {
            (Refusal::Crash, _) => StatusCode::INTERNAL_SERVER_ERROR,
            (_, "blockmark") | (Refusal::BadBody, _) => StatusCode::BAD_REQUEST,
            (Refusal::Missing, "certifylize" | "acme") => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    fn event_id(&self, headers: &HeaderMap, json: &Value) -> Option<String> {
        let pointer = match providers::event_id_source(self.scheme.as_str()) {
            Some(Ok(header)) => {
                return single(headers, header)
                    .ok()
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            }
            Some(Err(pointer)) => pointer,
            None => self.seed_event_pointer(),
        };
        if pointer.is_empty() {
            return single(headers, "x-certifylize-delivery-id")
                .ok()
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
        }
        match json.pointer(pointer)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Where the seed schemes keep their event ids (`""`: certifylize's header).
    fn seed_event_pointer(&self) -> &'static str {
        match self.scheme.as_str() {
            "certifylize" => "",
            "blockmark" => "/data/slug",
            "smartasset" => "/event/raw/id",
            _ => "/id",
        }
    }

    /// Records an event unless it is a duplicate or out of order; returns
    /// whether it was processed.
    async fn process(&self, id: &str, dedupe_key: &str, json: &Value) -> bool {
        let racy = self.defect == Defect::DedupeRace;
        if racy {
            let seen = self.effects.lock().unwrap().seen.contains(id);
            tokio::time::sleep(Duration::from_millis(20)).await;
            if seen {
                return false;
            }
        }
        let mut fx = self.effects.lock().unwrap();
        let dedupe = !racy && self.defect != Defect::NoDedupe;
        if dedupe && fx.seen.contains(dedupe_key) {
            return false;
        }
        if self.scheme == "smartasset".parse::<SchemeId>().unwrap()
            && self.defect != Defect::IgnoresBlockOrdering
        {
            let token = json.pointer("/event/tokenId").and_then(Value::as_str);
            let block = json.pointer("/event/blocknumber").and_then(Value::as_u64);
            if let (Some(token), Some(block)) = (token, block) {
                let latest = fx.latest_block.entry(token.to_owned()).or_insert(block);
                if block < *latest {
                    return false;
                }
                *latest = block;
            }
        }
        fx.seen.insert(dedupe_key.to_owned());
        fx.processed.push(id.to_owned());
        true
    }
}

fn echo_nonce(scheme: SchemeId, body: &[u8]) -> Option<String> {
    if scheme != "blockmark".parse::<SchemeId>().unwrap() {
        return None;
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    if v.get("event")?.as_str()? != "endpoint.verify" {
        return None;
    }
    v.get("secret")?.as_str().map(str::to_owned)
}

fn plain(status: StatusCode, text: impl Into<String>) -> Response {
    let mut r = (status, text.into()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn webhook(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return if app.defect == Defect::ErrorOnOtherMethods {
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "TypeError: body is undefined",
            )
        } else {
            plain(StatusCode::METHOD_NOT_ALLOWED, "POST only")
        };
    }
    if app.defect == Defect::ErrorOnContentEncoding
        && headers.contains_key(header::CONTENT_ENCODING)
    {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UnsupportedMediaTypeError: unsupported content encoding",
        );
    }
    if app.defect == Defect::ParsesJsonFirst && serde_json::from_slice::<Value>(&body).is_err() {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "SyntaxError");
    }
    if app.defect == Defect::ErrorOnLargeBody && body.len() > 512 * 1024 {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "PayloadTooLargeError");
    }
    if app.defect == Defect::ErrorOnOtherContentType
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            != Some("application/json")
    {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "TypeError: body is empty",
        );
    }
    // The echo handshake answered before the token is checked (the bug).
    if app.defect == Defect::EchoWithoutToken {
        if let Some(nonce) = echo_nonce(app.scheme, &body) {
            return plain(StatusCode::OK, nonce);
        }
    }
    if app.defect != Defect::AcceptsEverything {
        if let Err(refusal) = app.authenticate(&uri, &headers, &body).await {
            if app.defect == Defect::ProcessesForgeries {
                // "Enqueue first, check later": the job runs whatever the answer.
                let json = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
                if let Some(id) = app.event_id(&headers, &json) {
                    app.effects.lock().unwrap().processed.push(id);
                }
            }
            return plain(app.status(&refusal), "refused");
        }
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        if app.defect == Defect::ErrorOnNonJson {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "SyntaxError");
        }
        return plain(StatusCode::BAD_REQUEST, "not JSON");
    };
    if let Some(nonce) = echo_nonce(app.scheme, &body) {
        return if app.defect == Defect::HardCodedEcho {
            plain(StatusCode::OK, "3b1f7c2e9a0d4e6f8a1b2c3d4e5f6a7b")
        } else {
            plain(StatusCode::OK, nonce)
        };
    }
    if let Some((status, ctype, body)) =
        providers::handshake_reply(app.scheme.as_str(), &headers, &json)
    {
        let mut r = (status, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
        return r;
    }
    let Some(id) = app.event_id(&headers, &json) else {
        return plain(StatusCode::BAD_REQUEST, "no event id");
    };
    let slow = match app.scheme.as_str() {
        "certifylize" => {
            single(&headers, "x-certifylize-event-type").ok() == Some("edu.api_key.revoked")
        }
        _ => body.len() > 32 * 1024,
    };
    if app.defect == Defect::SlowEventType && slow {
        // A synchronous call to something slow before acknowledging.
        tokio::time::sleep(SLOW).await;
    }
    if app.defect == Defect::ErrorOnIdConflict {
        let mut fx = app.effects.lock().unwrap();
        if fx.bodies.get(&id).is_some_and(|stored| *stored != body) {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "duplicate key value violates unique constraint",
            );
        }
        fx.bodies.insert(id.clone(), body.clone());
    }
    let dedupe_key = match providers::proof_header(app.scheme.as_str()) {
        Some(name) if app.defect == Defect::DedupesBySignature => {
            single(&headers, name).unwrap_or_default().to_owned()
        }
        _ => id.clone(),
    };
    app.process(&id, &dedupe_key, &json).await;
    if app.defect == Defect::RedirectsValid {
        let mut r = StatusCode::SEE_OTHER.into_response();
        r.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static("/thanks"));
        return r;
    }
    plain(StatusCode::OK, "ok")
}

async fn effects(State(app): State<Arc<App>>) -> Response {
    let processed = app.effects.lock().unwrap().processed.clone();
    let body = serde_json::json!({ "processed": processed }).to_string();
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A running test receiver (and, for the asymmetric schemes, the key
/// server it trusts). Stops when dropped.
pub struct Running {
    /// The webhook URL.
    pub url: String,
    /// The effects oracle URL.
    pub effects_url: String,
    /// The provider's key server (asymmetric schemes).
    pub key_server: Option<KeyServerHandle>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// Starts the test receiver for `scheme` with `defect`, trusting the keys of
/// `config` (the shared test secret, or a key server publishing
/// `config.key`).
pub async fn start(config: &RunConfig, defect: Defect) -> Running {
    let scheme = config.scheme;
    let (keys, key_server) = match scheme.as_str() {
        "smartasset" | "cometh" => {
            let ks = keyserver::start(
                loopback(),
                PublishedKeys::from_signing_keys(std::slice::from_ref(&config.key)),
            )
            .await
            .expect("key server");
            let route = if scheme == "smartasset".parse::<SchemeId>().unwrap() {
                keyserver::ED25519_ROUTE
            } else {
                keyserver::RSA_ROUTE
            };
            let cache = KeyCache {
                url: format!("{}{route}", ks.base_url()),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(2))
                    .no_proxy()
                    .build()
                    .expect("client"),
                cached: Mutex::new(None),
            };
            if defect == Defect::NeverRefetchesKeys {
                cache
                    .fetch(scheme, defect)
                    .await
                    .expect("startup key fetch");
            }
            (Some(cache), Some(ks))
        }
        _ => (None, None),
    };
    let router = app_router(scheme, defect, keys);
    let listener = tokio::net::TcpListener::bind(loopback())
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Running {
        url: format!("http://{addr}/hooks/{scheme}"),
        effects_url: format!("http://{addr}/_effects"),
        key_server,
        task,
    }
}

fn app_router(scheme: SchemeId, defect: Defect, keys: Option<KeyCache>) -> Router {
    let app = Arc::new(App {
        scheme,
        defect,
        secret: secret_key(scheme),
        keys,
        discord_key: match scheme.as_str() {
            "discord" => match hookspec::keys::RoleKeys::of(scheme.scheme()) {
                Ok(k) => match k.signing {
                    hookspec::keys::SigningKey::Ed25519(sk) => Some(sk.verifying_key()),
                    _ => None,
                },
                Err(_) => None,
            },
            _ => None,
        },
        effects: Mutex::new(Effects::default()),
    });
    Router::new()
        .route("/_effects", get(effects))
        .route("/hooks/{scheme}", any(webhook))
        .layer(axum::middleware::from_fn_with_state(defect, read_body))
        .with_state(app)
}

/// How the receiver reads a request body before the handler sees it: all
/// of it (correct), or with one of the body-reading defects.
async fn read_body(
    State(defect): State<Defect>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use http_body_util::BodyExt;
    let (parts, mut body) = req.into_parts();
    let bytes = match defect {
        Defect::ErrorOnSlowBody => {
            match tokio::time::timeout(Duration::from_millis(500), body.collect()).await {
                Ok(Ok(b)) => b.to_bytes(),
                Ok(Err(_)) => return plain(StatusCode::BAD_REQUEST, "bad body"),
                Err(_) => {
                    return plain(StatusCode::INTERNAL_SERVER_ERROR, "Error: request aborted")
                }
            }
        }
        Defect::ReadsFirstChunkOnly => loop {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        break data;
                    }
                }
                Some(Err(_)) => return plain(StatusCode::BAD_REQUEST, "bad body"),
                None => break Bytes::new(),
            }
        },
        _ => match body.collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => return plain(StatusCode::BAD_REQUEST, "bad body"),
        },
    };
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// The test receiver as an in-process `Router` (for the linked recipe of
/// `hookspec::testing`): webhook at `/hooks/<scheme>`, oracle at
/// `/_effects`, keys (asymmetric schemes) from `key_server_url`. With
/// `NeverRefetchesKeys` the first fetch happens on the first delivery.
#[allow(dead_code)] // used by some of the test crates that include this module
pub fn router(scheme: SchemeId, defect: Defect, key_server_url: Option<&str>) -> Router {
    let keys = key_server_url.map(|base| {
        let route = if scheme == "smartasset".parse::<SchemeId>().unwrap() {
            keyserver::ED25519_ROUTE
        } else {
            keyserver::RSA_ROUTE
        };
        KeyCache {
            url: format!("{base}{route}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .no_proxy()
                .build()
                .expect("client"),
            cached: Mutex::new(None),
        }
    });
    app_router(scheme, defect, keys)
}

/// The shared secret the test receiver trusts, as the vendor hands it out:
/// hookspec's test secret, or the scheme file's own `test_secret` (acme's
/// is hex).
pub fn secret_text(scheme: SchemeId) -> &'static str {
    match scheme.as_str() {
        "acme" => scheme.scheme().test_secret,
        id if providers::PROVIDERS.contains(&id) => scheme.scheme().test_secret,
        _ => TEST_SECRET,
    }
}

/// The key bytes of [`secret_text`], decoded the way the receiver's own
/// configuration code would (acme: hex).
fn secret_key(scheme: SchemeId) -> Vec<u8> {
    match scheme.as_str() {
        "acme" => hex::decode(secret_text(scheme)).expect("acme's test secret is hex"),
        id => providers::secret_bytes(id, secret_text(scheme)),
    }
}

/// A run configuration with the vendor defaults made fast for tests.
pub fn config(scheme: SchemeId) -> RunConfig {
    let mut c =
        RunConfig::new(scheme, Some(secret_text(scheme).as_bytes().to_vec())).expect("config");
    c.rotation_window = Duration::from_secs(3);
    c.settle = Duration::from_millis(300);
    c
}

/// Runs the suite for `config` against the test receiver with `defect`.
pub async fn run(config: &RunConfig, defect: Defect) -> RunReport {
    run_at(config, defect, "").await
}

/// Like [`run`], with `suffix` (e.g. `?tenant=1`) appended to the webhook URL.
pub async fn run_at(config: &RunConfig, defect: Defect, suffix: &str) -> RunReport {
    let receiver = start(config, defect).await;
    let url = format!("{}{suffix}", receiver.url);
    let target = HttpTarget::new(&url, config.timeout, &TlsOptions::default()).expect("target");
    let effects = HttpTarget::new(
        &receiver.effects_url,
        Duration::from_secs(5),
        &TlsOptions::default(),
    )
    .expect("effects");
    let mut runner = Runner::new(config, &target).with_effects(&effects);
    if let Some(ks) = &receiver.key_server {
        runner = runner.with_key_server(ks.state().as_ref());
    }
    let report = runner.run().await;
    assert!(
        report.unreachable.is_none(),
        "{defect:?}: {:?}",
        report.unreachable
    );
    report
}

/// Exit code without and with `--strict`.
pub fn exit_codes(report: &RunReport) -> (u8, u8) {
    (
        report::verdict(report, false, None).exit_code,
        report::verdict(report, true, None).exit_code,
    )
}

/// Exactly `expected` (ids without the scheme prefix) did not pass, each
/// with its outcome; everything else passed. `what` names the run.
pub fn assert_exactly(report: &RunReport, what: &str, expected: &[(&str, Outcome)]) {
    let scheme = report.scheme;
    let mut got: Vec<(String, Outcome)> = report
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(|r| (r.case.id.clone(), r.outcome))
        .collect();
    let mut want: Vec<(String, Outcome)> = expected
        .iter()
        .map(|(id, o)| (format!("{scheme}.{id}"), *o))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        want,
        "{scheme} {what}: not the expected cases; not passed:\n{}",
        not_passed(report).join("\n")
    );
}

/// Every case that did not pass, as `id OUTCOME: detail` lines.
pub fn not_passed(report: &RunReport) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(|r| format!("{} {}: {}", r.case.id, r.outcome.as_str(), r.detail))
        .collect()
}

/// The outcome of case `id` (panics if the run has no such case).
pub fn outcome(report: &RunReport, id: &str) -> Outcome {
    report
        .results
        .iter()
        .find(|r| r.case.id == id)
        .unwrap_or_else(|| panic!("no case `{id}` in the run"))
        .outcome
}

/// Asserts that a run shows exactly one defect:
///
/// - each `(id, outcome)` in `expected` has that outcome;
/// - every case that did not pass belongs to one of `families` (the
///   defect's families: everything else passes);
/// - at least one case did not pass.
///
/// Ids are given without the scheme prefix (`reject.proof-prefix`).
pub fn assert_defect(
    report: &RunReport,
    defect: Defect,
    expected: &[(&str, Outcome)],
    families: &[&str],
) {
    let scheme = report.scheme;
    let failing = not_passed(report);
    assert!(
        !failing.is_empty(),
        "{scheme} {defect:?}: the suite did not notice the defect"
    );
    for (id, want) in expected {
        let id = format!("{scheme}.{id}");
        let got = outcome(report, &id);
        assert_eq!(
            got,
            *want,
            "{scheme} {defect:?}: `{id}` is {got:?}, expected {want:?}; not passed:\n{}",
            failing.join("\n")
        );
    }
    for r in &report.results {
        if r.outcome == Outcome::Pass {
            continue;
        }
        let family = r.case.family.as_str();
        assert!(
            families.contains(&family),
            "{scheme} {defect:?}: `{}` ({family}) is {:?}, but the defect should only show in {families:?}: {}\nnot passed:\n{}",
            r.case.id,
            r.outcome,
            r.detail,
            failing.join("\n")
        );
    }
}
