//! Emulation of the providers' public-key routes.
//!
//! An asymmetric scheme's provider publishes its public keys over HTTP, and
//! a receiver fetches (and may cache) them. To test such a receiver,
//! hookspec plays the provider: it runs this small server and the receiver
//! under test is configured with its [base URL](KeyServerHandle::base_url).
//!
//! The routes are the description's (`[[credential.key_routes]]`, as
//! [`Scheme::key_routes`]): each has a method, a path and a document kind
//! (docs/spec.md §2.3, "Key server"):
//!
//! | document | answer |
//! |---|---|
//! | [`KeyDocument::HexKeyListJson`] | `{"<member>": ["<hex Ed25519 key>", ...]}`, every published key |
//! | [`KeyDocument::SpkiPem`] | the first published key of the scheme's kind as SPKI PEM text; 404 when none is published |
//! | [`KeyDocument::CheckSignatureJson`] | `{"event": …, "signature": "<hex>"}` → `{"valid": bool, "publicKey": "<hex>" \| null}` |
//!
//! A server started for a scheme ([`start_for`], [`start_publishing`])
//! serves that scheme's routes; [`start`] serves the routes of every
//! built-in scheme (the first description to name a method and path
//! serves it). Any other path is answered 404, another method on a
//! route's path 405.
//!
//! An SPKI PEM route carries one key, as the vendors' routes do: the first
//! published key of the scheme's kind. A rotation of such a scheme
//! therefore *replaces* the key.
//!
//! The published set can be changed during a run ([`KeyServerHandle::publish`]);
//! the change applies from the next request on. Every answer carries
//! `Cache-Control: no-store`, so only a receiver's own cache delays a
//! rotation.
//!
//! A signature check verifies Ed25519 over the exact bytes of the `event`
//! member as sent (the convention that the signed message is the compact
//! `JSON.stringify(event)`; a caller sends the event compact). Its body is
//! bounded ([`MAX_CHECK_BODY`], 413 above); a body that is not a JSON object
//! with an `event` member and a string `signature` is answered 400; a
//! signature string that is not 64 bytes of hex is simply not valid
//! (`{"valid": false, "publicKey": null}`). No input is answered with 5xx.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use ed25519_dalek::VerifyingKey;
use rsa::RsaPublicKey;

use crate::keys::{self, SigningKey, Trust};
use crate::scheme::{CredentialKind, KeyDocument, KeyMethod, KeyRoute, Scheme};
use crate::Error;

/// The path of the first built-in key route serving a document of a kind,
/// found in the built-in descriptions when displayed (empty when no
/// built-in has one).
///
/// For callers written before the routes came from the descriptions (the
/// test helpers); new code takes the route from the scheme
/// ([`Scheme::key_route`], [`Scheme::key_routes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinRoute {
    document: KeyDocument,
    kind: CredentialKind,
}

impl BuiltinRoute {
    /// The route, if a built-in description names one.
    pub fn route(self) -> Option<&'static KeyRoute> {
        crate::describe::registry::builtins()
            .iter()
            .filter(|s| s.credential == self.kind)
            .flat_map(|s| s.key_routes.iter())
            .find(|r| r.document == self.document)
    }

    /// The route's path (empty when no built-in names one).
    pub fn path(self) -> &'static str {
        self.route().map_or("", |r| r.path)
    }
}

impl fmt::Display for BuiltinRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// The built-in route publishing Ed25519 keys as a hex list.
pub const ED25519_ROUTE: BuiltinRoute = BuiltinRoute {
    document: KeyDocument::HexKeyListJson,
    kind: CredentialKind::Ed25519PublicKeys,
};
/// The built-in route publishing an RSA key as SPKI PEM.
pub const RSA_ROUTE: BuiltinRoute = BuiltinRoute {
    document: KeyDocument::SpkiPem,
    kind: CredentialKind::RsaPublicKey,
};
/// The built-in route checking an Ed25519 signature on the provider's side.
pub const CHECK_ROUTE: BuiltinRoute = BuiltinRoute {
    document: KeyDocument::CheckSignatureJson,
    kind: CredentialKind::Ed25519PublicKeys,
};
/// The largest body a signature-check route reads.
pub const MAX_CHECK_BODY: usize = 1 << 20;

/// How long reading a signature-check body may take.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`KeyServerHandle::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The keys the emulated provider publishes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishedKeys {
    /// Ed25519 keys (a hex list route serves all of them).
    pub ed25519: Vec<VerifyingKey>,
    /// RSA keys; an SPKI PEM route of an RSA scheme serves the first.
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

/// A route served, with the kind of key its scheme publishes.
#[derive(Debug, Clone, Copy)]
struct Served {
    route: KeyRoute,
    kind: CredentialKind,
}

/// The routes of `schemes`, each (method, path) once: the first scheme to
/// name it serves it.
fn served_routes<'a>(schemes: impl IntoIterator<Item = &'a Scheme>) -> Vec<Served> {
    let mut out: Vec<Served> = Vec::new();
    for s in schemes {
        for r in s.key_routes {
            let taken = out
                .iter()
                .any(|o| o.route.path == r.path && o.route.method == r.method);
            if !taken {
                out.push(Served {
                    route: *r,
                    kind: s.credential,
                });
            }
        }
    }
    out
}

/// What the routes serve, rendered once per [`KeyServerState::publish`].
#[derive(Debug)]
struct Rendered {
    keys: PublishedKeys,
    /// Per served route (same order): the document, or `None` when there
    /// is nothing to publish (an SPKI route without a key) or the route
    /// renders per request (a signature check).
    documents: Vec<Option<Vec<u8>>>,
}

impl Rendered {
    fn new(keys: PublishedKeys, routes: &[Served]) -> Result<Self, Error> {
        let mut documents = Vec::with_capacity(routes.len());
        for r in routes {
            documents.push(match (r.route.document, r.kind) {
                (KeyDocument::HexKeyListJson, _) => {
                    let hex: Vec<String> = keys
                        .ed25519
                        .iter()
                        .map(|k| hex::encode(k.as_bytes()))
                        .collect();
                    let mut doc = serde_json::Map::new();
                    doc.insert(r.route.member.to_owned(), serde_json::json!(hex));
                    // Display of a Value cannot fail.
                    Some(serde_json::Value::Object(doc).to_string().into_bytes())
                }
                (KeyDocument::SpkiPem, CredentialKind::Ed25519PublicKeys) => keys
                    .ed25519
                    .first()
                    .map(keys::ed25519_to_spki_pem)
                    .transpose()?
                    .map(String::into_bytes),
                (KeyDocument::SpkiPem, _) => keys
                    .rsa
                    .first()
                    .map(keys::rsa_to_spki_pem)
                    .transpose()?
                    .map(String::into_bytes),
                (KeyDocument::CheckSignatureJson, _) => None,
            });
        }
        Ok(Rendered { keys, documents })
    }
}

/// The key server's shared state: the routes, the published keys and a
/// fetch counter.
///
/// Cheap to share (`Arc`); [`router`] serves it, [`start`] wraps it in a
/// running server.
#[derive(Debug)]
pub struct KeyServerState {
    routes: Vec<Served>,
    published: RwLock<Arc<Rendered>>,
    fetches: AtomicU64,
}

impl KeyServerState {
    /// A state serving the routes of every built-in scheme, publishing
    /// `keys`.
    pub fn new(keys: PublishedKeys) -> Result<Arc<Self>, Error> {
        Self::for_schemes(crate::describe::registry::builtins().iter().copied(), keys)
    }

    /// A state serving the routes of `scheme`, publishing `keys`.
    pub fn for_scheme(scheme: &Scheme, keys: PublishedKeys) -> Result<Arc<Self>, Error> {
        Self::for_schemes([scheme], keys)
    }

    /// A state serving the routes of `schemes` (each method and path once,
    /// the first scheme's), publishing `keys`.
    pub fn for_schemes<'a>(
        schemes: impl IntoIterator<Item = &'a Scheme>,
        keys: PublishedKeys,
    ) -> Result<Arc<Self>, Error> {
        let routes = served_routes(schemes);
        Ok(Arc::new(KeyServerState {
            published: RwLock::new(Arc::new(Rendered::new(keys, &routes)?)),
            routes,
            fetches: AtomicU64::new(0),
        }))
    }

    /// The routes served.
    pub fn routes(&self) -> Vec<KeyRoute> {
        self.routes.iter().map(|r| r.route).collect()
    }

    /// Replaces the published keys; the next request sees the new set.
    pub fn publish(&self, keys: PublishedKeys) -> Result<(), Error> {
        let rendered = Arc::new(Rendered::new(keys, &self.routes)?);
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

    /// How many times a route publishing keys (a hex list or an SPKI PEM
    /// document) has been fetched.
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
    Router::new().fallback(serve).with_state(state)
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

fn answers(route: &KeyRoute, method: &Method) -> bool {
    match route.method {
        KeyMethod::Get => method == Method::GET || method == Method::HEAD,
        KeyMethod::Post => method == Method::POST,
    }
}

/// Which served route a request is for.
enum Lookup {
    /// The route at this index.
    Route(usize, Served),
    /// A route's path with another method; the methods it answers.
    WrongMethod(String),
    /// No route has this path.
    NotFound,
}

fn lookup(routes: &[Served], method: &Method, path: &str) -> Lookup {
    let mut allowed: Vec<&str> = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        if r.route.path != path {
            continue;
        }
        if answers(&r.route, method) {
            return Lookup::Route(i, *r);
        }
        allowed.push(r.route.method.as_str());
        if r.route.method == KeyMethod::Get {
            allowed.push("HEAD");
        }
    }
    if allowed.is_empty() {
        Lookup::NotFound
    } else {
        Lookup::WrongMethod(allowed.join(","))
    }
}

/// Every request: the route with its path and method, 405 for a known
/// path with another method, 404 for any other path. Paths are compared
/// exactly, so no description's path can upset the router.
async fn serve(State(state): State<Arc<KeyServerState>>, req: Request) -> Response {
    let (index, served) = match lookup(&state.routes, req.method(), req.uri().path()) {
        Lookup::Route(i, r) => (i, r),
        Lookup::NotFound => return StatusCode::NOT_FOUND.into_response(),
        Lookup::WrongMethod(allow) => {
            let mut r = StatusCode::METHOD_NOT_ALLOWED.into_response();
            if let Ok(v) = HeaderValue::from_str(&allow) {
                r.headers_mut().insert(header::ALLOW, v);
            }
            return r;
        }
    };
    match served.route.document {
        KeyDocument::HexKeyListJson | KeyDocument::SpkiPem => {
            state.fetches.fetch_add(1, Ordering::SeqCst);
            let current = state.current();
            let json_doc = served.route.document == KeyDocument::HexKeyListJson;
            match current.documents.get(index).cloned().flatten() {
                Some(doc) if json_doc => respond(StatusCode::OK, "application/json", doc),
                Some(pem) => respond(StatusCode::OK, "text/plain; charset=utf-8", pem),
                None => error(
                    StatusCode::NOT_FOUND,
                    match served.kind {
                        CredentialKind::RsaPublicKey => "no RSA public key is published",
                        _ => "no public key is published",
                    },
                ),
            }
        }
        KeyDocument::CheckSignatureJson => check_signature(&state, req).await,
    }
}

#[derive(serde::Deserialize)]
struct CheckRequest<'a> {
    #[serde(borrow)]
    event: &'a serde_json::value::RawValue,
    signature: String,
}

async fn check_signature(state: &KeyServerState, req: Request) -> Response {
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
            Ok(Ok(Err(source))) => Err(Error::Serve {
                server: "key server",
                source,
            }),
            Ok(Err(source)) => Err(Error::ServerTask {
                server: "key server",
                source,
            }),
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

/// Binds `addr`, serves the key routes of `scheme` and publishes the
/// public half of `key` (the run's initial state: the key before any
/// rotation).
pub async fn start_publishing(
    addr: SocketAddr,
    scheme: &Scheme,
    key: &SigningKey,
) -> Result<KeyServerHandle, Error> {
    start_for(
        addr,
        scheme,
        PublishedKeys::from_signing_keys(std::slice::from_ref(key)),
    )
    .await
}

/// Binds `addr` (use port 0 for an ephemeral port) and serves the key
/// routes of every built-in scheme for `keys` on the current Tokio runtime.
pub async fn start(addr: SocketAddr, keys: PublishedKeys) -> Result<KeyServerHandle, Error> {
    serve_state(addr, KeyServerState::new(keys)?).await
}

/// Binds `addr` (use port 0 for an ephemeral port) and serves the key
/// routes of `scheme` for `keys` on the current Tokio runtime.
pub async fn start_for(
    addr: SocketAddr,
    scheme: &Scheme,
    keys: PublishedKeys,
) -> Result<KeyServerHandle, Error> {
    serve_state(addr, KeyServerState::for_scheme(scheme, keys)?).await
}

/// Binds `addr` and serves `state`.
pub async fn serve_state(
    addr: SocketAddr,
    state: Arc<KeyServerState>,
) -> Result<KeyServerHandle, Error> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind {
            server: "key server",
            addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::LocalAddr {
        server: "key server",
        source,
    })?;
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
