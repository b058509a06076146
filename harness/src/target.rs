//! Transports: how a delivery reaches the receiver under test.
//!
//! The runner talks to a [`Target`]; [`HttpTarget`] sends over HTTP(S) with
//! a per-request timeout, a bounded response read and no redirect
//! following. Whatever the receiver does (hang, reset, redirect, answer
//! gigabytes), a send ends with a [`Response`] or a [`TransportError`],
//! never a panic or a hang.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::delivery::{Delivery, NameCase};
use crate::error::CaCertProblem;
use crate::Error;

/// The most response-body bytes kept per answer to a delivery (the rest is
/// discarded).
pub const MAX_RESPONSE_BODY: usize = 64 * 1024;

/// The most bytes of a `Content-Type` answer header kept.
pub const MAX_CONTENT_TYPE: usize = 256;

/// The start of a `Content-Type` value, as text.
fn content_type(v: &[u8]) -> String {
    String::from_utf8_lossy(v.get(..MAX_CONTENT_TYPE).unwrap_or(v)).into_owned()
}

/// How one delivery is sent: what [`Target::send`] does by default, and what
/// the runner asks for in the few places that need something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// The most response-body bytes kept (the effects oracle's answer grows
    /// with every run of a long-lived receiver, so it is read further).
    pub body_limit: usize,
    /// Whether an idle connection of an earlier delivery may carry this
    /// one. Off by default: every delivery gets its own connection, so a
    /// receiver that closes connections after answering (legal without
    /// `Connection: close`) is never blamed for the harness's reuse. The
    /// timing check turns it on (thousands of forged deliveries; connection
    /// set-up would only add noise) and a delivery that fails on a reused
    /// connection is sent again once on a fresh one.
    pub reuse_connection: bool,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            body_limit: MAX_RESPONSE_BODY,
            reuse_connection: false,
        }
    }
}

/// What the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The start of the body (at most [`MAX_RESPONSE_BODY`] bytes).
    pub body: Vec<u8>,
    /// Whether the body was longer than what was kept.
    pub body_truncated: bool,
    /// The `Location` header of a redirect, if any.
    pub location: Option<String>,
    /// The `Content-Type` header, if any (at most [`MAX_CONTENT_TYPE`]
    /// bytes of it, read lossily as UTF-8).
    pub content_type: Option<String>,
    /// The response headers, in order: the first [`MAX_KEPT_HEADERS`], each
    /// value cut to [`MAX_CONTENT_TYPE`] bytes (for the reports).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Time from sending the request to the end of the (bounded) body.
    pub latency: Duration,
}

/// Response headers kept for the reports.
pub const MAX_KEPT_HEADERS: usize = 40;

/// The first [`MAX_KEPT_HEADERS`] of `h`, values cut to [`MAX_CONTENT_TYPE`].
fn kept_headers(h: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    h.iter()
        .take(MAX_KEPT_HEADERS)
        .map(|(n, v)| {
            let v = v.as_bytes();
            (
                n.as_str().to_owned(),
                v.get(..MAX_CONTENT_TYPE).unwrap_or(v).to_vec(),
            )
        })
        .collect()
}

/// Why a delivery got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No complete answer within the timeout.
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// The connection could not be made (refused, unreachable, DNS, or no
    /// answer to the connection attempt within the connect timeout).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The request could not be built from the delivery (e.g. a header
    /// name that HTTP cannot carry).
    #[error("request could not be built: {0}")]
    Build(String),
    /// The connection failed after it was made (reset, TLS, protocol).
    #[error("connection failed: {0}")]
    Connection(String),
    /// The receiver closed the connection while the body was still being
    /// sent, without an answer the client could read (typically: a body
    /// refused as too large without reading it).
    #[error("the receiver closed the connection during the upload: {0}")]
    ClosedDuringUpload(String),
}

/// A boxed future, as returned by [`Target::send`].
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Response, TransportError>> + Send + 'a>>;

/// Something deliveries can be sent to.
pub trait Target: Send + Sync {
    /// Sends one delivery and waits for the answer (bounded in time), with
    /// the default [`SendOptions`].
    fn send<'a>(&'a self, delivery: &'a Delivery) -> SendFuture<'a> {
        self.send_with(delivery, SendOptions::default())
    }
    /// Sends one delivery as `options` say.
    fn send_with<'a>(&'a self, delivery: &'a Delivery, options: SendOptions) -> SendFuture<'a>;
    /// The webhook URL deliveries are addressed to (and, for schemes that
    /// sign the URL, the URL that is signed).
    fn url(&self) -> &str;
    /// Whether the receiver sees header names as spelled on the wire
    /// ([`Delivery::name_case`]). An in-process service does not: its
    /// `http::HeaderMap` has no letter case, so cases about the spelling
    /// are skipped there.
    fn spells_header_names(&self) -> bool {
        true
    }
}

/// TLS settings for HTTPS targets.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Extra trusted CA certificate (PEM), for a private CA.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// Accept any certificate (self-signed staging hosts). Never in production.
    pub insecure: bool,
}

impl TlsOptions {
    /// Reads `--ca-cert FILE` (at most [`crate::input::MAX_CA_FILE`]
    /// bytes) and checks it at once: it must hold at least one PEM
    /// `CERTIFICATE` block, and every such block must be an X.509
    /// certificate. Otherwise [`Error::CaCert`] says what the file holds.
    pub fn with_ca_file(mut self, path: &Path) -> Result<Self, Error> {
        let pem = crate::input::read_file(path, crate::input::MAX_CA_FILE, "a CA certificate")?;
        ca_certificates(&pem).map_err(|problem| Error::CaCert {
            path: Some(path.to_path_buf()),
            problem,
        })?;
        self.ca_cert_pem = Some(pem);
        Ok(self)
    }
}

/// The longest a connection attempt may take before the target is taken
/// as unreachable. It is also at most half the request timeout, so that a
/// connection that is never made (a port that drops connection attempts)
/// is reported as such, never as a slow answer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The certificates of a PEM CA file, each checked by building a client
/// that trusts it; the error says what was found instead.
fn ca_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, CaCertProblem> {
    use rustls_pki_types::pem::{PemObject, SectionKind};
    let labels: Vec<String> = pem
        .split(|b| *b == b'\n')
        .filter_map(|line| line.strip_prefix(b"-----BEGIN "))
        .map(|rest| {
            let end = rest.iter().position(|b| *b == b'-').unwrap_or(rest.len());
            String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned()
        })
        .collect();
    if labels.is_empty() {
        let printable = pem
            .iter()
            .take(64)
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
        return Err(if pem.is_empty() {
            CaCertProblem::Empty
        } else if printable {
            let first = String::from_utf8_lossy(pem.get(..40).unwrap_or(pem));
            let first = first.lines().next().unwrap_or_default().trim();
            CaCertProblem::NotPem {
                starts_with: first.to_owned(),
            }
        } else {
            CaCertProblem::Binary
        });
    }
    let mut certs = Vec::new();
    for (i, section) in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem).enumerate() {
        let (kind, der) = section.map_err(|source| CaCertProblem::BrokenPem {
            block: i + 1,
            source,
        })?;
        if kind != SectionKind::Certificate {
            continue;
        }
        let cert =
            reqwest::Certificate::from_der(&der).map_err(|source| CaCertProblem::Certificate {
                block: certs.len() + 1,
                source,
            })?;
        // rustls parses a trust anchor when the client is built: build
        // one now, so a bad block is named here and not as a "builder
        // error" at the first send.
        reqwest::Client::builder()
            .add_root_certificate(cert.clone())
            .build()
            .map_err(|source| CaCertProblem::NotX509 {
                block: certs.len() + 1,
                source,
            })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(CaCertProblem::NoCertificate { found: labels });
    }
    Ok(certs)
}

/// A receiver reached over HTTP(S).
#[derive(Debug, Clone)]
pub struct HttpTarget {
    /// A fresh connection per delivery ([`SendOptions::reuse_connection`] off).
    client: reqwest::Client,
    /// The same, spelling HTTP/1 header names in Title-Case
    /// ([`NameCase::Title`]).
    title_case: reqwest::Client,
    /// Keeps idle connections for the next delivery.
    pooled: reqwest::Client,
    /// The URL without its user-info: what deliveries are addressed (and
    /// signed) to, what the receiver sees, what reports show.
    url: String,
    /// The user-info of the URL given, sent as HTTP Basic credentials.
    basic_auth: Option<(String, Option<String>)>,
    timeout: Duration,
}

impl HttpTarget {
    /// A target at `url` with a per-request `timeout`.
    /// A user-info in the URL (`http://user:password@host/`) is sent as
    /// HTTP Basic credentials and is never part of [`Target::url`].
    pub fn new(url: &str, timeout: Duration, tls: &TlsOptions) -> Result<Self, Error> {
        // A URL that does not parse is not echoed: its user-info may hold
        // a password the redaction layer cannot find in it.
        let mut parsed = url::Url::parse(url).map_err(|source| Error::InvalidUrl {
            what: "the URL given",
            source,
        })?;
        let basic_auth = if parsed.username().is_empty() && parsed.password().is_none() {
            None
        } else {
            let decode = |s: &str| {
                String::from_utf8_lossy(&crate::redact::percent_decode(s.as_bytes())).into_owned()
            };
            let auth = (decode(parsed.username()), parsed.password().map(decode));
            // Cannot fail for http(s) URLs, which have a host.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            Some(auth)
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::UnsupportedUrlScheme {
                url: parsed.to_string(),
            });
        }
        let certs = match &tls.ca_cert_pem {
            Some(pem) => ca_certificates(pem).map_err(|problem| Error::CaCert {
                path: None,
                problem,
            })?,
            None => Vec::new(),
        };
        let build = |title_case: bool, pool: bool| {
            let mut builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .timeout(timeout)
                .connect_timeout((timeout / 2).clamp(Duration::from_millis(1), CONNECT_TIMEOUT))
                .pool_max_idle_per_host(if pool { 16 } else { 0 })
                .danger_accept_invalid_certs(tls.insecure);
            for cert in &certs {
                builder = builder.add_root_certificate(cert.clone());
            }
            if title_case {
                builder = builder.http1_title_case_headers();
            }
            builder
                .build()
                .map_err(|source| Error::HttpClient { source })
        };
        let client = build(false, false)?;
        let title_case = build(true, false)?;
        let pooled = build(false, true)?;
        // The URL as given, less its user-info; `Url` would add a `/` to
        // an empty path, which a signed URL must not gain.
        let url = if basic_auth.is_some() {
            let text = parsed.to_string();
            let added_slash = parsed.path() == "/"
                && parsed.query().is_none()
                && parsed.fragment().is_none()
                && !url.ends_with('/');
            match text.strip_suffix('/') {
                Some(t) if added_slash => t.to_owned(),
                _ => text,
            }
        } else {
            url.to_owned()
        };
        Ok(HttpTarget {
            client,
            title_case,
            pooled,
            url,
            basic_auth,
            timeout,
        })
    }

    async fn send_inner(
        &self,
        d: &Delivery,
        options: SendOptions,
    ) -> Result<Response, TransportError> {
        if options.reuse_connection && d.name_case == NameCase::Lower && d.trickle.is_none() {
            match self.send_on(&self.pooled, d, options.body_limit).await {
                // The receiver may have closed the idle connection as the
                // request went out on it: once more, on a fresh one.
                Err(TransportError::Connection(_) | TransportError::ClosedDuringUpload(_)) => {}
                other => return other,
            }
        }
        let client = match d.name_case {
            NameCase::Lower => &self.client,
            NameCase::Title => &self.title_case,
        };
        self.send_on(client, d, options.body_limit).await
    }

    async fn send_on(
        &self,
        client: &reqwest::Client,
        d: &Delivery,
        body_limit: usize,
    ) -> Result<Response, TransportError> {
        let method = reqwest::Method::from_bytes(d.method.as_bytes())
            .map_err(|e| TransportError::Build(format!("method `{}`: {e}", d.method)))?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &d.headers {
            let n = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| TransportError::Build(format!("header name `{name}`: {e}")))?;
            let v = reqwest::header::HeaderValue::from_bytes(value)
                .map_err(|e| TransportError::Build(format!("value of `{name}`: {e}")))?;
            headers.append(n, v);
        }
        let started = Instant::now();
        let timeout_ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
        let classify = |e: reqwest::Error| {
            // A connect timeout is both: it is a connection that was never
            // made (the receiver is unreachable), not a slow answer.
            if e.is_connect() {
                TransportError::Connect(error_chain(&e))
            } else if e.is_timeout() {
                TransportError::Timeout(timeout_ms)
            } else if e.is_builder() {
                TransportError::Build(error_chain(&e))
            } else if error_chain(&e).contains("error writing a body") {
                // hyper's wording for a failed request-body write.
                TransportError::ClosedDuringUpload(error_chain(&e))
            } else {
                TransportError::Connection(error_chain(&e))
            }
        };
        let body = match d.trickle {
            None => reqwest::Body::from(d.body.clone()),
            Some(t) => {
                // A length-delimited body, as senders send it, not chunked.
                headers.insert(
                    reqwest::header::CONTENT_LENGTH,
                    reqwest::header::HeaderValue::from(d.body.len()),
                );
                reqwest::Body::wrap_stream(t.stream(d.body.clone()))
            }
        };
        let mut request = client.request(method, &d.url).headers(headers).body(body);
        if let Some((user, password)) = &self.basic_auth {
            request = request.basic_auth(user, password.as_ref());
        }
        let mut resp = request.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| content_type(v.as_bytes()));
        let headers = kept_headers(resp.headers());
        let mut body = Vec::new();
        let mut body_truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            let room = body_limit.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                body_truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            body,
            body_truncated,
            location,
            content_type,
            headers,
            latency: started.elapsed(),
        })
    }
}

/// The error and its causes on one line ("connection refused" is usually
/// two levels down).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

impl Target for HttpTarget {
    fn send_with<'a>(&'a self, delivery: &'a Delivery, options: SendOptions) -> SendFuture<'a> {
        Box::pin(async move {
            // The client timeout covers the body too; this outer bound also
            // covers anything the client might not (and a retry on a fresh
            // connection).
            let bound = self
                .timeout
                .saturating_mul(2)
                .saturating_add(Duration::from_secs(1));
            match tokio::time::timeout(bound, self.send_inner(delivery, options)).await {
                Ok(r) => r,
                Err(_) => Err(TransportError::Timeout(
                    u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
                )),
            }
        })
    }

    fn url(&self) -> &str {
        &self.url
    }
}

/// A receiver linked into the test binary: any `tower::Service` over
/// `http` types (an `axum::Router`, a hyper service), called in-process
/// with no socket. Same cases, same report as [`HttpTarget`].
#[derive(Debug, Clone)]
pub struct ServiceTarget<S> {
    service: S,
    url: String,
    timeout: Duration,
}

impl<S> ServiceTarget<S> {
    /// Deliveries are addressed (and, for schemes that sign the URL,
    /// signed) to `url`, e.g. `http://receiver.test/webhooks`; the request
    /// carries its path and query and a `Host` header with its authority.
    pub fn new(service: S, url: &str, timeout: Duration) -> Result<Self, Error> {
        url::Url::parse(url).map_err(|source| Error::InvalidUrl {
            what: "the URL given",
            source,
        })?;
        Ok(ServiceTarget {
            service,
            url: url.to_owned(),
            timeout,
        })
    }

    /// The same service addressed at another URL (e.g. its effects route).
    pub fn at(&self, url: &str) -> Result<Self, Error>
    where
        S: Clone,
    {
        ServiceTarget::new(self.service.clone(), url, self.timeout)
    }
}

/// Builds the `http::Request` a server would see for `d`.
pub fn http_request<B: From<bytes::Bytes>>(
    d: &Delivery,
) -> Result<http::Request<B>, TransportError> {
    let url = url::Url::parse(&d.url)
        .map_err(|e| TransportError::Build(format!("URL `{}`: {e}", d.url)))?;
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let mut builder = http::Request::builder()
        .method(d.method.as_bytes())
        .uri(path);
    if let Some(host) = url.host_str() {
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        builder = builder.header(http::header::HOST, authority);
    }
    let mut req = builder
        .body(B::from(bytes::Bytes::from(d.body.clone())))
        .map_err(|e| TransportError::Build(e.to_string()))?;
    for (name, value) in &d.headers {
        let n = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| TransportError::Build(format!("header name `{name}`: {e}")))?;
        let v = http::HeaderValue::from_bytes(value)
            .map_err(|e| TransportError::Build(format!("value of `{name}`: {e}")))?;
        req.headers_mut().append(n, v);
    }
    Ok(req)
}

/// The body type of linked services: an `axum::Router` takes and returns
/// it; wrap other services with `map_request`/`map_response` (e.g.
/// `axum::body::Body::new(full)`).
pub type LinkedBody = axum::body::Body;

/// A service that can be tested in-process: a `tower::Service` from
/// `http::Request<LinkedBody>` to `http::Response<LinkedBody>` (an
/// `axum::Router` is one).
pub trait LinkedService:
    tower::Service<
        http::Request<LinkedBody>,
        Response = http::Response<LinkedBody>,
        Error: std::fmt::Display,
        Future: Send,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> LinkedService for S where
    S: tower::Service<
            http::Request<LinkedBody>,
            Response = http::Response<LinkedBody>,
            Error: std::fmt::Display,
            Future: Send,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

impl<S: LinkedService> Target for ServiceTarget<S> {
    fn send_with<'a>(&'a self, delivery: &'a Delivery, options: SendOptions) -> SendFuture<'a> {
        Box::pin(async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let mut req = http_request::<LinkedBody>(delivery)?;
            if let Some(t) = delivery.trickle {
                *req.body_mut() = LinkedBody::from_stream(t.stream(delivery.body.clone()));
            }
            let started = Instant::now();
            let timeout_ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
            let call = async {
                let resp = self
                    .service
                    .clone()
                    .oneshot(req)
                    .await
                    .map_err(|e| TransportError::Connection(format!("service error: {e}")))?;
                let (parts, body) = resp.into_parts();
                // Read at most `body_limit` bytes; never the whole of an
                // endless body.
                let mut body = std::pin::pin!(body);
                let mut buf = Vec::new();
                let mut truncated = false;
                while let Some(frame) = body.frame().await {
                    let frame = frame
                        .map_err(|e| TransportError::Connection(format!("response body: {e}")))?;
                    if let Ok(mut data) = frame.into_data() {
                        use bytes::Buf;
                        while data.has_remaining() {
                            let chunk = data.chunk();
                            let room = options.body_limit.saturating_sub(buf.len());
                            let take = chunk.len().min(room);
                            buf.extend_from_slice(chunk.get(..take).unwrap_or_default());
                            if take < chunk.len() {
                                truncated = true;
                                break;
                            }
                            let n = chunk.len();
                            data.advance(n);
                        }
                        if truncated {
                            break;
                        }
                    }
                }
                Ok(Response {
                    status: parts.status.as_u16(),
                    location: parts
                        .headers
                        .get(http::header::LOCATION)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                    content_type: parts
                        .headers
                        .get(http::header::CONTENT_TYPE)
                        .map(|v| content_type(v.as_bytes())),
                    headers: kept_headers(&parts.headers),
                    body: buf,
                    body_truncated: truncated,
                    latency: started.elapsed(),
                })
            };
            tokio::time::timeout(self.timeout, call)
                .await
                .unwrap_or(Err(TransportError::Timeout(timeout_ms)))
        })
    }

    fn url(&self) -> &str {
        &self.url
    }

    fn spells_header_names(&self) -> bool {
        false
    }
}
