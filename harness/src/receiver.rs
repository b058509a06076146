//! A correct reference receiver for every scheme.
//!
//! [`Receiver`] (or [`router`]) is an [`axum::Router`] that behaves as a
//! careful implementation of a webhook endpoint should, built from a
//! [`ReceiverConfig`]. The harness runs its cases against it to check
//! itself, and users can read it as an executable statement of what
//! hookspec expects. It serves over TCP with [`serve`] or in-process as a
//! `tower::Service`.
//!
//! # Behaviour
//!
//! Requests are handled in this order; the first step that fails decides
//! the answer. Every error answer is a small JSON object
//! `{"ok": false, "error": "<reason>"}`.
//!
//! 1. **Method.** `GET /_effects` is the effects oracle (below). Any other
//!    path is the webhook: `POST` only; every other method is answered
//!    `405 Method Not Allowed` with `Allow: POST`.
//! 2. **Content-Encoding.** The signature covers the bytes as sent, and
//!    none of the vendors compress; a `Content-Encoding` other than
//!    `identity` is answered `415 Unsupported Media Type`.
//! 3. **Body.** Read raw and bounded: a `Content-Length` above
//!    [`ReceiverConfig::max_body`] or a body that grows past it is answered
//!    `413 Payload Too Large`; a body that takes longer than
//!    [`ReceiverConfig::body_timeout`] to arrive, `408 Request Timeout`.
//!    `Content-Type` is not checked (the vendors send `application/json`
//!    but the body is what is verified and parsed).
//! 4. **Authentication**, with [`crate::verify::verify`] over a
//!    [`Delivery`] carrying the URL the sender signed
//!    ([`ReceiverConfig::public_base_url`], or `http://<Host>`, followed by
//!    the request's path and query) and every header field as received
//!    (repeated fields kept, so that a repeated signature header is
//!    refused rather than guessed at). A rejection is answered with
//!    [`Rejection::status`]: `certifylize` 400 for a missing signature and
//!    401 for an invalid one; `blockmark` 400; 400 for a `smartasset` body
//!    that is not the `{"event","signature"}` envelope; 401 otherwise. For
//!    the asymmetric schemes with [`TrustSource::KeyServer`], keys are
//!    fetched from the provider routes (see [`crate::keyserver`]) and
//!    cached for `cache_ttl`; a signature that does not match the cached
//!    keys triggers one refetch (at most one per `refetch_interval`) and one
//!    retry, as a real receiver does after a key rotation. Expired keys
//!    stay in use while the provider cannot be reached. When no key can be
//!    obtained at all the answer is `503 Service Unavailable` (that is the
//!    provider's fault, not the sender's); after a failed fetch, the next
//!    one waits for `refetch_interval`.
//! 5. **JSON.** A body that is not JSON is answered 400 and has no effect.
//! 6. **Echo handshake** (`blockmark`): `{"event":"endpoint.verify",
//!    "secret":"<nonce>"}` is answered `200` with exactly the nonce as a
//!    `text/plain` body (with `X-Content-Type-Options: nosniff`); a
//!    non-string secret is 400. The handshake is not an event: it is not
//!    recorded. It is only reached after step 4, so a nonce is never
//!    reflected without a valid token. The scheme's named handshakes
//!    (`[[handshake]]` with a `name`: Slack-style echoes, pings) are
//!    answered here too, from the description: an echo with the value in
//!    the first valid content type, a ping with its status and reply; they
//!    are not recorded either.
//! 7. **Event id** by the scheme's rule ([`crate::verify::event_id`]); a
//!    delivery without one cannot be deduplicated and is answered 400.
//! 8. **Deduplication and ordering**, in one atomic step: an id already
//!    processed is answered `200` (`"outcome":"duplicate"`) and not
//!    processed again; for schemes with [`Scheme::block_ordering`]
//!    (`smartasset`), an event whose block number is lower than the highest
//!    one processed for the same token is answered `200`
//!    (`"outcome":"stale"`) and not processed. An event without a token or
//!    block number is processed without the ordering check. Otherwise the
//!    event is processed: its id is appended to the effects and the answer
//!    is `200` with `{"ok":true,"eventId":…,"outcome":"processed"}`.
//!
//! No input a sender can send is answered with 5xx, and the handler does no
//! work but the verification itself.
//!
//! # Effects oracle
//!
//! `GET /_effects` ([`EFFECTS_PATH`]) answers
//! `{"processed": ["<event id>", ...]}` in processing order (docs/spec.md
//! §2.2). [`Receiver::processed`] gives the same list in-process. The list is
//! kept in memory for the receiver's lifetime.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub use crate::body::DRAIN_LIMIT;
use crate::body::{drain, read_body, BodyError};
use crate::delivery::Delivery;
use crate::keys::Trust;
use crate::scheme::{CredentialKind, KeyDocument, KeyMethod, KeyRoute, Scheme, SchemeId};
use crate::verify::{self, Policy, Rejection, Verified};
use crate::Error;

mod handshake;

/// The effects oracle's path.
pub const EFFECTS_PATH: &str = "/_effects";
/// The default body limit (256 KiB): a 64 KiB body is accepted, a 1 MiB body
/// is answered 413.
pub const DEFAULT_MAX_BODY: usize = 256 * 1024;
/// The default time a body may take to arrive.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// The default lifetime of fetched keys.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(2);
/// The default minimum interval between two refetches caused by a
/// signature that does not match the cached keys.
pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_millis(500);
/// Timeout for connecting to the key server.
const KEY_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Timeout for a whole key fetch.
const KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest key-route answer read.
const MAX_KEY_RESPONSE: usize = 64 * 1024;

/// The receiver's clock, for timestamped schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed time, in unix seconds (for deterministic tests).
    Fixed(i64),
}

impl Clock {
    /// The current time in unix seconds.
    pub fn now(self) -> i64 {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0),
        }
    }
}

/// Where the receiver's trusted keys come from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TrustSource {
    /// Fixed keys (any scheme).
    Static(Trust),
    /// Fetched from a provider key server (schemes with published keys):
    /// the first route of the description that publishes keys
    /// ([`Scheme::key_route`]) under `base_url`, read as its document says.
    KeyServer {
        /// The provider's base URL, e.g. `http://127.0.0.1:8081`.
        base_url: String,
        /// How long fetched keys are used before they are fetched again.
        cache_ttl: Duration,
        /// Minimum time between two refetches caused by a signature that
        /// does not match the cached keys.
        refetch_interval: Duration,
    },
}

impl TrustSource {
    /// A key server at `base_url` with the default cache lifetime and
    /// refetch interval.
    pub fn key_server(base_url: impl Into<String>) -> Self {
        TrustSource::KeyServer {
            base_url: base_url.into(),
            cache_ttl: DEFAULT_CACHE_TTL,
            refetch_interval: DEFAULT_REFETCH_INTERVAL,
        }
    }
}

/// How to build a [`Receiver`].
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// The scheme the receiver implements.
    pub scheme: SchemeId,
    /// Its keys.
    pub trust: TrustSource,
    /// Accepted clock difference for timestamped schemes, in seconds.
    pub tolerance_s: u64,
    /// The origin the sender signs (`scheme://host[:port]`, optionally with
    /// a path prefix a proxy strips), e.g. `https://receiver.example` behind
    /// a proxy; the request's path and query are appended to it (a trailing
    /// `/` is dropped). `None`: `http://` followed by the request's `Host`
    /// header (`http://localhost` without one).
    pub public_base_url: Option<String>,
    /// The receiver's clock.
    pub clock: Clock,
    /// The largest body accepted; larger ones are answered 413.
    pub max_body: usize,
    /// How long a body may take to arrive; slower ones are answered 408.
    pub body_timeout: Duration,
}

impl ReceiverConfig {
    /// A configuration with the defaults: tolerance
    /// [`verify::DEFAULT_TOLERANCE_S`], the system clock, `http://<Host>`,
    /// [`DEFAULT_MAX_BODY`] and [`DEFAULT_BODY_TIMEOUT`].
    pub fn new(scheme: SchemeId, trust: TrustSource) -> Self {
        ReceiverConfig {
            scheme,
            trust,
            tolerance_s: verify::DEFAULT_TOLERANCE_S,
            public_base_url: None,
            clock: Clock::System,
            max_body: DEFAULT_MAX_BODY,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

/// What happened to an authenticated event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Processed,
    Duplicate,
    Stale,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Processed => "processed",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
        }
    }
}

/// The side effects: processed ids, in order, and the ordering state.
#[derive(Debug, Default)]
struct Effects {
    seen: HashSet<String>,
    order: Vec<String>,
    latest_block: HashMap<String, u64>,
}

impl Effects {
    /// Check-and-insert, atomic under the caller's lock.
    fn record(&mut self, id: &str, ordering: Option<(String, u64)>) -> Outcome {
        if self.seen.contains(id) {
            return Outcome::Duplicate;
        }
        if let Some((token, block)) = &ordering {
            if self.latest_block.get(token).is_some_and(|b| block < b) {
                return Outcome::Stale;
            }
        }
        self.seen.insert(id.to_owned());
        self.order.push(id.to_owned());
        if let Some((token, block)) = ordering {
            let latest = self.latest_block.entry(token).or_insert(block);
            *latest = (*latest).max(block);
        }
        Outcome::Processed
    }
}

/// Why the keys could not be used.
struct KeysUnavailable(String);

/// Keys fetched from a provider key server, cached.
#[derive(Debug)]
struct KeyCache {
    client: reqwest::Client,
    url: String,
    /// The key route's method, document and JSON member.
    route: KeyRoute,
    kind: CredentialKind,
    ttl: Duration,
    refetch_interval: Duration,
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    keys: Option<(Arc<Trust>, Instant)>,
    last_attempt: Option<Instant>,
    /// When the last fetch failed (cleared by a success).
    last_failure: Option<Instant>,
}

impl KeyCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Claims the right to refetch now, if the last attempt is at least
    /// `refetch_interval` old (or `force`). The lock is released on return.
    fn claim(&self, force: bool) -> bool {
        let mut s = self.lock();
        let now = Instant::now();
        let allowed = force
            || s.last_attempt
                .is_none_or(|t| now.duration_since(t) >= self.refetch_interval);
        if allowed {
            s.last_attempt = Some(now);
        }
        allowed
    }

    /// The keys to verify with, and whether they were fetched just now.
    async fn get(&self) -> Result<(Arc<Trust>, bool), KeysUnavailable> {
        let cached = self.lock().keys.clone();
        match cached {
            Some((keys, at)) if at.elapsed() < self.ttl => Ok((keys, false)),
            Some((stale, _)) => {
                // Expired: refetch (rate-limited); keep using the old keys
                // while the provider cannot be reached.
                if self.claim(false) {
                    match self.refresh().await {
                        Ok(keys) => return Ok((keys, true)),
                        Err(_) => return Ok((stale, false)),
                    }
                }
                Ok((stale, false))
            }
            None => {
                // Nothing to fall back on: try, unless the provider failed
                // within the refetch interval (do not hammer it).
                let failed_recently = self
                    .lock()
                    .last_failure
                    .is_some_and(|t| t.elapsed() < self.refetch_interval);
                if failed_recently {
                    return Err(KeysUnavailable(format!(
                        "fetching {} failed less than {:?} ago",
                        self.url, self.refetch_interval
                    )));
                }
                self.claim(true);
                self.refresh().await.map(|k| (k, true))
            }
        }
    }

    /// Fetches the keys and stores them. No lock is held while fetching.
    async fn refresh(&self) -> Result<Arc<Trust>, KeysUnavailable> {
        match self.fetch().await {
            Ok(keys) => {
                let keys = Arc::new(keys);
                let mut s = self.lock();
                s.keys = Some((keys.clone(), Instant::now()));
                s.last_failure = None;
                Ok(keys)
            }
            Err(why) => {
                self.lock().last_failure = Some(Instant::now());
                Err(KeysUnavailable(why))
            }
        }
    }

    async fn fetch(&self) -> Result<Trust, String> {
        let method = match self.route.method {
            KeyMethod::Get => reqwest::Method::GET,
            KeyMethod::Post => reqwest::Method::POST,
        };
        let mut resp = self
            .client
            .request(method, &self.url)
            .send()
            .await
            .map_err(|e| format!("fetching {}: {e}", self.url))?;
        if !resp.status().is_success() {
            return Err(format!("{} answered {}", self.url, resp.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("reading {}: {e}", self.url))?
        {
            if body.len() + chunk.len() > MAX_KEY_RESPONSE {
                return Err(format!(
                    "{} answered more than {MAX_KEY_RESPONSE} bytes",
                    self.url
                ));
            }
            body.extend_from_slice(&chunk);
        }
        match (self.route.document, self.kind) {
            (KeyDocument::HexKeyListJson, CredentialKind::Ed25519PublicKeys) => {
                parse_ed25519_keys(&body, self.route.member)
            }
            (KeyDocument::SpkiPem, CredentialKind::Ed25519PublicKeys) => {
                parse_ed25519_pem_keys(&body)
            }
            (KeyDocument::SpkiPem, CredentialKind::RsaPublicKey) => parse_rsa_keys(&body),
            (document, kind) => Err(format!(
                "a {document:?} key route does not publish {kind:?} keys"
            )),
        }
        .map_err(|e| format!("{}: {e}", self.url))
    }
}

/// Parses `{"<member>": ["<hex>", ...]}`; entries that are not valid keys
/// are skipped, but at least one must be valid.
fn parse_ed25519_keys(body: &[u8], member: &str) -> Result<Trust, String> {
    let expected = || format!("expected {{\"{member}\": [\"<hex>\", ...]}}");
    let p: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| format!("{}: {e}", expected()))?;
    let Some(serde_json::Value::Array(list)) = p.get(member) else {
        return Err(format!("{}: no `{member}` list", expected()));
    };
    let keys: Vec<_> = list
        .iter()
        .filter_map(|v| v.as_str())
        .filter_map(|s| crate::keys::ed25519_from_hex(s).ok())
        .collect();
    if keys.is_empty() {
        return Err("no valid Ed25519 public key published".into());
    }
    Ok(Trust::Ed25519(keys))
}

/// The SPKI PEM blocks of a key route's answer.
fn pem_blocks(body: &[u8]) -> Result<Vec<&str>, String> {
    const END: &str = "-----END PUBLIC KEY-----";
    let text = std::str::from_utf8(body).map_err(|_| "the PEM is not UTF-8".to_owned())?;
    Ok(text
        .split_inclusive(END)
        .filter(|block| block.contains(END))
        .collect())
}

/// Parses one or more Ed25519 SPKI PEM blocks.
fn parse_ed25519_pem_keys(body: &[u8]) -> Result<Trust, String> {
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let keys: Vec<_> = pem_blocks(body)?
        .into_iter()
        .filter_map(|block| ed25519_dalek::VerifyingKey::from_public_key_pem(block.trim()).ok())
        .collect();
    if keys.is_empty() {
        return Err("no valid Ed25519 SPKI PEM public key published".into());
    }
    Ok(Trust::Ed25519(keys))
}

/// Parses one or more SPKI PEM blocks.
fn parse_rsa_keys(body: &[u8]) -> Result<Trust, String> {
    let keys: Vec<_> = pem_blocks(body)?
        .into_iter()
        .filter_map(|block| crate::keys::rsa_from_spki_pem(block).ok())
        .collect();
    if keys.is_empty() {
        return Err("no valid RSA SPKI PEM public key published".into());
    }
    Ok(Trust::Rsa(keys))
}

#[derive(Debug)]
enum Keys {
    Static(Arc<Trust>),
    Fetched(KeyCache),
}

#[derive(Debug)]
struct Inner {
    scheme: &'static Scheme,
    keys: Keys,
    tolerance_s: u64,
    public_base_url: Option<String>,
    clock: Clock,
    max_body: usize,
    body_timeout: Duration,
    effects: Mutex<Effects>,
}

/// A reference receiver: its state (effects, key cache) and its routes.
///
/// Cloning is cheap and shares the state.
#[derive(Debug, Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

fn trust_fits(trust: &Trust, kind: CredentialKind) -> Result<(), Error> {
    match (trust, kind) {
        (Trust::Secret(s), CredentialKind::SharedSecret) if s.is_empty() => Err(Error::EmptySecret),
        (Trust::Ed25519(k), CredentialKind::Ed25519PublicKeys) if k.is_empty() => {
            Err(Error::MissingPublicKey {
                algorithm: "Ed25519",
            })
        }
        (Trust::Rsa(k), CredentialKind::RsaPublicKey) if k.is_empty() => {
            Err(Error::MissingPublicKey { algorithm: "RSA" })
        }
        (Trust::Secret(_), CredentialKind::SharedSecret)
        | (Trust::Ed25519(_), CredentialKind::Ed25519PublicKeys)
        | (Trust::Rsa(_), CredentialKind::RsaPublicKey) => Ok(()),
        (t, needed) => Err(Error::CredentialMismatch {
            needed,
            given: match t {
                Trust::Secret(_) => CredentialKind::SharedSecret,
                Trust::Ed25519(_) => CredentialKind::Ed25519PublicKeys,
                Trust::Rsa(_) => CredentialKind::RsaPublicKey,
            },
        }),
    }
}

impl Receiver {
    /// Builds a receiver, checking that the keys fit the scheme (an empty
    /// shared secret is refused: the receiver fails closed).
    pub fn new(config: ReceiverConfig) -> Result<Self, Error> {
        let scheme = config.scheme.scheme();
        let keys = match config.trust {
            TrustSource::Static(trust) => {
                trust_fits(&trust, scheme.credential)?;
                Keys::Static(Arc::new(trust))
            }
            TrustSource::KeyServer {
                base_url,
                cache_ttl,
                refetch_interval,
            } => {
                if scheme.credential == CredentialKind::SharedSecret {
                    return Err(Error::NoKeyServer {
                        scheme: scheme.id.to_owned(),
                    });
                }
                let Some(&route) = scheme.key_route() else {
                    return Err(Error::NoKeyRoute {
                        scheme: scheme.id.to_owned(),
                    });
                };
                let base = base_url.trim_end_matches('/');
                url::Url::parse(base).map_err(|source| Error::InvalidUrl {
                    what: "the key server URL",
                    source,
                })?;
                let client = reqwest::Client::builder()
                    .connect_timeout(KEY_CONNECT_TIMEOUT)
                    .timeout(KEY_FETCH_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .no_proxy()
                    .build()
                    .map_err(|source| Error::HttpClient { source })?;
                Keys::Fetched(KeyCache {
                    client,
                    url: format!("{base}{}", route.path),
                    route,
                    kind: scheme.credential,
                    ttl: cache_ttl,
                    refetch_interval,
                    state: Mutex::new(CacheState::default()),
                })
            }
        };
        let public_base_url = match config.public_base_url {
            Some(u) => {
                let u = u.trim_end_matches('/').to_owned();
                url::Url::parse(&u).map_err(|source| Error::InvalidUrl {
                    what: "the public base URL",
                    source,
                })?;
                Some(u)
            }
            None => None,
        };
        Ok(Receiver {
            inner: Arc::new(Inner {
                scheme,
                keys,
                tolerance_s: config.tolerance_s,
                public_base_url,
                clock: config.clock,
                max_body: config.max_body,
                body_timeout: config.body_timeout,
                effects: Mutex::new(Effects::default()),
            }),
        })
    }

    /// The routes: `GET /_effects` and `POST` on any other path.
    pub fn router(&self) -> Router {
        Router::new()
            .route(EFFECTS_PATH, get(effects))
            .fallback(webhook)
            .with_state(self.inner.clone())
    }

    /// The ids of the events processed so far, in order.
    pub fn processed(&self) -> Vec<String> {
        self.inner.effects().order.clone()
    }
}

impl Inner {
    fn effects(&self) -> std::sync::MutexGuard<'_, Effects> {
        self.effects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Verifies, refetching rotated keys once if needed.
    async fn verify(&self, d: &Delivery) -> Result<Result<Verified, Rejection>, KeysUnavailable> {
        let policy = Policy {
            now: self.clock.now(),
            tolerance_s: self.tolerance_s,
        };
        match &self.keys {
            Keys::Static(trust) => Ok(verify::verify(self.scheme, trust, d, &policy)),
            Keys::Fetched(cache) => {
                let (trust, fresh) = cache.get().await?;
                let first = verify::verify(self.scheme, &trust, d, &policy);
                if matches!(first, Err(Rejection::Mismatch)) && !fresh && cache.claim(false) {
                    if let Ok(trust) = cache.refresh().await {
                        return Ok(verify::verify(self.scheme, &trust, d, &policy));
                    }
                }
                Ok(first)
            }
        }
    }

    /// The URL the sender signed: public origin + path + query.
    fn signed_url(&self, req: &Request) -> String {
        let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let path = if path.starts_with('/') { path } else { "/" };
        let origin = match &self.public_base_url {
            Some(base) => base.clone(),
            None => {
                let host = req
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .filter(|h| !h.is_empty())
                    .or_else(|| req.uri().authority().map(|a| a.as_str()))
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        format!("{origin}{path}")
    }
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    // Serializing a `Value` cannot fail; the fallback is never used.
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn reject(status: StatusCode, reason: &str) -> Response {
    json_response(status, &serde_json::json!({ "ok": false, "error": reason }))
}

async fn effects(State(inner): State<Arc<Inner>>) -> Response {
    let processed = inner.effects().order.clone();
    json_response(
        StatusCode::OK,
        &serde_json::json!({ "processed": processed }),
    )
}

fn content_length_over(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get_all(header::CONTENT_LENGTH)
        .iter()
        .filter_map(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
        .any(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
}

fn encoded(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .any(|v| !v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity"))
}

/// The token and block number of an event, for the ordering rule.
fn ordering_key(scheme: &Scheme, body: &serde_json::Value) -> Option<(String, u64)> {
    let rule = scheme.block_ordering?;
    let token = match body.pointer(rule.token)? {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let block = match body.pointer(rule.block)? {
        serde_json::Value::Number(n) => n.as_u64()?,
        serde_json::Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Some((token, block))
}

/// The nonce to echo, if this is the scheme's handshake.
fn echo_nonce(scheme: &Scheme, body: &serde_json::Value) -> Option<Result<String, ()>> {
    let echo = scheme.echo?;
    if body.pointer(echo.event_pointer)?.as_str()? != echo.event_value {
        return None;
    }
    Some(
        body.pointer(echo.nonce_pointer)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or(()),
    )
}

async fn webhook(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    if req.method() != Method::POST {
        let mut r = reject(StatusCode::METHOD_NOT_ALLOWED, "only POST is accepted");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    if encoded(req.headers()) {
        return reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding is not supported; send the body as signed",
        );
    }
    if content_length_over(req.headers(), inner.max_body) {
        if !content_length_over(req.headers(), DRAIN_LIMIT) {
            drain(req.into_body(), DRAIN_LIMIT, inner.body_timeout).await;
        }
        return reject(StatusCode::PAYLOAD_TOO_LARGE, BodyError::TooLarge.message());
    }
    let url = inner.signed_url(&req);
    let (parts, body) = req.into_parts();
    let body = match read_body(body, inner.max_body, inner.body_timeout).await {
        Ok(b) => b,
        Err(e) => return reject(e.status(), e.message()),
    };
    let delivery = Delivery {
        method: parts.method.as_str().to_owned(),
        url,
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect(),
        body: body.to_vec(),
        name_case: crate::delivery::NameCase::Lower,
        trickle: None,
    };
    let verified = match inner.verify(&delivery).await {
        Ok(Ok(v)) => v,
        Ok(Err(rejection)) => {
            let status = StatusCode::from_u16(rejection.status(inner.scheme))
                .unwrap_or(StatusCode::UNAUTHORIZED);
            return reject(status, &rejection.to_string());
        }
        Err(KeysUnavailable(why)) => {
            return reject(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("the provider's keys are unavailable: {why}"),
            )
        }
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&delivery.body) else {
        return reject(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    if let Some(answer) = handshake::answer(inner.scheme, &delivery.headers, &json) {
        return answer;
    }
    match echo_nonce(inner.scheme, &json) {
        Some(Ok(nonce)) => {
            let mut r = (StatusCode::OK, nonce).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            return r;
        }
        Some(Err(())) => {
            return reject(
                StatusCode::BAD_REQUEST,
                "the verification request has no string secret",
            )
        }
        None => {}
    }
    let Some(id) = verified.event_id else {
        return reject(
            StatusCode::BAD_REQUEST,
            "the delivery has no event id, so it cannot be deduplicated",
        );
    };
    let ordering = ordering_key(inner.scheme, &json);
    let outcome = inner.effects().record(&id, ordering);
    json_response(
        StatusCode::OK,
        &serde_json::json!({ "ok": true, "eventId": id, "outcome": outcome.as_str() }),
    )
}

/// Builds the reference receiver's routes (see [`Receiver`]).
pub fn router(config: ReceiverConfig) -> Result<Router, Error> {
    Ok(Receiver::new(config)?.router())
}

/// Serves a receiver on `listener` until `shutdown` completes, then
/// finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ReceiverConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let app = router(config)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| Error::Serve {
            server: "receiver",
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_dedupe_and_order() {
        let mut e = Effects::default();
        assert_eq!(e.record("a", Some(("t".into(), 5))), Outcome::Processed);
        assert_eq!(e.record("a", Some(("t".into(), 5))), Outcome::Duplicate);
        assert_eq!(e.record("b", Some(("t".into(), 4))), Outcome::Stale);
        assert_eq!(e.record("c", Some(("t".into(), 5))), Outcome::Processed);
        assert_eq!(e.record("d", Some(("u".into(), 1))), Outcome::Processed);
        assert_eq!(e.record("e", None), Outcome::Processed);
        assert_eq!(e.order, ["a", "c", "d", "e"]);
    }

    #[test]
    fn key_documents_parse() {
        assert!(parse_ed25519_keys(b"{}", "publicKeys").is_err());
        assert!(parse_ed25519_keys(br#"{"publicKeys":["zz"]}"#, "publicKeys").is_err());
        assert!(parse_ed25519_keys(br#"{"publicKeys":"00"}"#, "publicKeys").is_err());
        assert!(parse_ed25519_pem_keys(b"").is_err());
        assert!(parse_rsa_keys(b"").is_err());
        assert!(parse_rsa_keys(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn config_is_checked() {
        use crate::scheme::SchemeId;
        let empty = ReceiverConfig::new(
            "certifylize".parse::<SchemeId>().unwrap(),
            TrustSource::Static(Trust::Secret(Vec::new())),
        );
        assert!(Receiver::new(empty).is_err());
        let wrong = ReceiverConfig::new(
            "cometh".parse::<SchemeId>().unwrap(),
            TrustSource::Static(Trust::Secret(b"s".to_vec())),
        );
        assert!(Receiver::new(wrong).is_err());
        let no_server = ReceiverConfig::new(
            "blockmark".parse::<SchemeId>().unwrap(),
            TrustSource::key_server("http://127.0.0.1:1"),
        );
        assert!(Receiver::new(no_server).is_err());
    }
}
