//! Emulation of the providers' public-key routes.
//!
//! The asymmetric schemes (`smartasset`, `cometh`) publish their public keys
//! over HTTP, and a receiver fetches (and may cache) them. To test such a
//! receiver, hookspec plays the provider: it runs this small server and the
//! receiver under test is configured with its [base URL](KeyServerHandle::base_url).
//!
//! Routes (docs/spec.md §2.3, "Key server"):
//!
//! | route | answer |
//! |---|---|
//! | `GET /webhook/getEventSignaturePublicKey` | `{"publicKeys": ["<hex Ed25519 key>", ...]}` (seed 003) |
//! | `GET /webhook/publicKey` | the RSA public key as SPKI PEM text (seed 004); 404 when none is published |
//! | `POST /webhook/checkEventSignature` | `{"event": …, "signature": "<hex>"}` → `{"valid": bool, "publicKey": "<hex>" \| null}` (seed 003, "Option 2") |
//!
//! The RSA route carries one key, as the vendor's route does: the first of
//! [`PublishedKeys::rsa`]. A `cometh` rotation therefore *replaces* the key.
//!
//! The published set can be changed during a run ([`KeyServerHandle::publish`]);
//! the change applies from the next request on. Every answer carries
//! `Cache-Control: no-store`, so only a receiver's own cache delays a
//! rotation.
//!
//! `checkEventSignature` verifies Ed25519 over the exact bytes of the `event`
//! member as sent (the convention that the signed message is the compact
//! `JSON.stringify(event)`; a caller sends the event compact). Its body is
//! bounded ([`MAX_CHECK_BODY`], 413 above); a body that is not a JSON object
//! with an `event` member and a string `signature` is answered 400; a
//! signature string that is not 64 bytes of hex is simply not valid
//! (`{"valid": false, "publicKey": null}`). No input is answered with 5xx.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::VerifyingKey;
use rsa::RsaPublicKey;

use crate::keys::{self, SigningKey, Trust};
use crate::Error;

/// Route publishing the Ed25519 keys (`smartasset`).
pub const ED25519_ROUTE: &str = "/webhook/getEventSignaturePublicKey";
/// Route publishing the RSA key (`cometh`).
pub const RSA_ROUTE: &str = "/webhook/publicKey";
/// Route checking a `smartasset` signature on the provider's side.
pub const CHECK_ROUTE: &str = "/webhook/checkEventSignature";
/// The largest body `checkEventSignature` reads.
pub const MAX_CHECK_BODY: usize = 1 << 20;

/// How long reading a `checkEventSignature` body may take.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`KeyServerHandle::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The keys the emulated provider publishes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishedKeys {
    /// Ed25519 keys, served as hex on [`ED25519_ROUTE`] (all of them).
    pub ed25519: Vec<VerifyingKey>,
    /// RSA keys; the first is served as SPKI PEM on [`RSA_ROUTE`].
    pub rsa: Vec<RsaPublicKey>,
}

impl PublishedKeys {
    /// The public halves of `keys` (shared secrets are skipped: they are
    /// never published).
    pub fn from_signing_keys(keys: &[SigningKey]) -> Self {
        let mut out = PublishedKeys::default();
        for k in keys {
            match k.trust() {
                Trust::Ed25519(v) => out.ed25519.extend(v),
                Trust::Rsa(v) => out.rsa.extend(v),
                _ => {}
            }
        }
        out
    }
}

/// What the routes serve, rendered once per [`KeyServerState::publish`].
#[derive(Debug)]
struct Rendered {
    keys: PublishedKeys,
    ed25519_json: Vec<u8>,
    rsa_pem: Option<String>,
}

impl Rendered {
    fn new(keys: PublishedKeys) -> Result<Self, Error> {
        let hex: Vec<String> = keys
            .ed25519
            .iter()
            .map(|k| hex::encode(k.as_bytes()))
            .collect();
        let ed25519_json = serde_json::to_vec(&serde_json::json!({ "publicKeys": hex }))
            .map_err(|e| Error::Server(format!("rendering the Ed25519 key list: {e}")))?;
        let rsa_pem = keys.rsa.first().map(keys::rsa_to_spki_pem).transpose()?;
        Ok(Rendered {
            keys,
            ed25519_json,
            rsa_pem,
        })
    }
}

/// The key server's shared state: the published keys and a fetch counter.
///
/// Cheap to share (`Arc`); [`router`] serves it, [`start`] wraps it in a
/// running server.
#[derive(Debug)]
pub struct KeyServerState {
    published: RwLock<Arc<Rendered>>,
    fetches: AtomicU64,
}

impl KeyServerState {
    /// A state publishing `keys`.
    pub fn new(keys: PublishedKeys) -> Result<Arc<Self>, Error> {
        Ok(Arc::new(KeyServerState {
            published: RwLock::new(Arc::new(Rendered::new(keys)?)),
            fetches: AtomicU64::new(0),
        }))
    }

    /// Replaces the published keys; the next request sees the new set.
    pub fn publish(&self, keys: PublishedKeys) -> Result<(), Error> {
        let rendered = Arc::new(Rendered::new(keys)?);
        *self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner) = rendered;
        Ok(())
    }

    /// The keys currently published.
    pub fn published(&self) -> PublishedKeys {
        self.current().keys.clone()
    }

    /// How many times a key route ([`ED25519_ROUTE`] or [`RSA_ROUTE`]) has
    /// been fetched.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::SeqCst)
    }

    fn current(&self) -> Arc<Rendered> {
        self.published
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The key routes as an [`axum::Router`], for in-process use or for mounting
/// into another server.
pub fn router(state: Arc<KeyServerState>) -> Router {
    Router::new()
        .route(ED25519_ROUTE, get(ed25519_keys))
        .route(RSA_ROUTE, get(rsa_key))
        .route(CHECK_ROUTE, post(check_signature))
        .with_state(state)
}

fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    // Serializing a `Value` cannot fail; the fallback is never used.
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    respond(status, "application/json", body)
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

async fn ed25519_keys(State(state): State<Arc<KeyServerState>>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    let current = state.current();
    respond(
        StatusCode::OK,
        "application/json",
        current.ed25519_json.clone(),
    )
}

async fn rsa_key(State(state): State<Arc<KeyServerState>>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    match &state.current().rsa_pem {
        Some(pem) => respond(StatusCode::OK, "text/plain; charset=utf-8", pem.clone()),
        None => error(StatusCode::NOT_FOUND, "no RSA public key is published"),
    }
}

#[derive(serde::Deserialize)]
struct CheckRequest<'a> {
    #[serde(borrow)]
    event: &'a serde_json::value::RawValue,
    signature: String,
}

async fn check_signature(State(state): State<Arc<KeyServerState>>, req: Request) -> Response {
    let body = match crate::body::read_body(req.into_body(), MAX_CHECK_BODY, BODY_TIMEOUT).await {
        Ok(b) => b,
        Err(e) => return error(e.status(), e.message()),
    };
    let parsed: CheckRequest<'_> = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("expected {{\"event\": <JSON>, \"signature\": \"<hex>\"}}: {e}"),
            )
        }
    };
    let message = parsed.event.get().as_bytes();
    let matched = crate::encoding::decode_hex(parsed.signature.trim().as_bytes())
        .ok()
        .and_then(|sig| {
            state.current().keys.ed25519.iter().copied().find(|k| {
                crate::verify::check_with(
                    crate::scheme::Algorithm::Ed25519,
                    &Trust::Ed25519(vec![*k]),
                    &[message],
                    &sig,
                )
                .is_ok()
            })
        });
    json(
        StatusCode::OK,
        &serde_json::json!({
            "valid": matched.is_some(),
            "publicKey": matched.map(|k| hex::encode(k.as_bytes())),
        }),
    )
}

/// A running key server. Dropping the handle stops it (gracefully, in the
/// background); [`KeyServerHandle::shutdown`] stops it and waits.
#[derive(Debug)]
pub struct KeyServerHandle {
    addr: SocketAddr,
    state: Arc<KeyServerState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl KeyServerHandle {
    /// `http://<local address>`, the base URL to configure a receiver with.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (to publish from elsewhere, or to mount [`router`]).
    pub fn state(&self) -> &Arc<KeyServerState> {
        &self.state
    }

    /// Replaces the published keys (a rotation); applies from the next
    /// request on.
    pub fn publish(&self, keys: PublishedKeys) -> Result<(), Error> {
        self.state.publish(keys)
    }

    /// How many times the key routes have been fetched.
    pub fn fetch_count(&self) -> u64 {
        self.state.fetch_count()
    }

    /// Stops accepting connections and waits (at most a few seconds) for
    /// open ones to finish.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(Error::Server(format!("key server: {e}"))),
            Ok(Err(e)) => Err(Error::Server(format!("key server task: {e}"))),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Drop for KeyServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` and publishes the public half of `key` (the run's initial
/// state: the key before any rotation).
pub async fn start_publishing(
    addr: SocketAddr,
    key: &SigningKey,
) -> Result<KeyServerHandle, Error> {
    start(
        addr,
        PublishedKeys::from_signing_keys(std::slice::from_ref(key)),
    )
    .await
}

/// Binds `addr` (use port 0 for an ephemeral port) and serves the key
/// routes for `keys` on the current Tokio runtime.
pub async fn start(addr: SocketAddr, keys: PublishedKeys) -> Result<KeyServerHandle, Error> {
    let state = KeyServerState::new(keys)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Server(format!("key server: cannot bind {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Server(format!("key server: {e}")))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_until(listener, router(state.clone()), async move {
        let _ = stopped.await;
    }));
    Ok(KeyServerHandle {
        addr,
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = std::io::Result<()>> + Send {
    let serve = axum::serve(listener, app).with_graceful_shutdown(shutdown);
    std::future::IntoFuture::into_future(serve)
}
