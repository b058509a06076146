//! Bounded reading of request bodies, for the servers hookspec runs (the
//! reference receiver and the key server): at most so many bytes, within
//! so much time, and a too-large body drained far enough that the sender
//! reads the 413.

use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::StatusCode;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// Did not arrive in time.
    Timeout,
    /// The connection failed while reading.
    Broken,
}

impl BodyError {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            BodyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Timeout => StatusCode::REQUEST_TIMEOUT,
            BodyError::Broken => StatusCode::BAD_REQUEST,
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            BodyError::TooLarge => "the body is larger than this receiver accepts",
            BodyError::Timeout => "the body did not arrive in time",
            BodyError::Broken => "the body could not be read",
        }
    }
}

/// How much of a too-large body is read and discarded before the 413 is
/// sent. Answering before the sender has finished writing makes many
/// clients see a broken pipe instead of the 413 (a "lingering close", as
/// nginx does it); past this bound the connection is simply closed.
pub const DRAIN_LIMIT: usize = 8 << 20;

/// Reads and discards at most `bound` bytes of `body` within `timeout`.
pub(crate) async fn drain(body: Body, bound: usize, timeout: Duration) {
    let read = async move {
        let mut body = body;
        let mut seen = 0usize;
        while let Some(Ok(frame)) =
            std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            if let Ok(data) = frame.into_data() {
                seen = seen.saturating_add(data.len());
                if seen > bound {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(timeout, read).await;
}

/// Reads a body, refusing more than `limit` bytes or more than `timeout`.
/// A too-large body is drained up to [`DRAIN_LIMIT`] so that the sender
/// reads the 413.
pub(crate) async fn read_body(
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    if body.size_hint().lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        if body.size_hint().lower() <= u64::try_from(DRAIN_LIMIT).unwrap_or(u64::MAX) {
            drain(body, DRAIN_LIMIT, timeout).await;
        }
        return Err(BodyError::TooLarge);
    }
    let read = async move {
        let mut body = body;
        let mut buf: Vec<u8> = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|_| BodyError::Broken)?;
            if let Ok(data) = frame.into_data() {
                if buf.len().saturating_add(data.len()) > limit {
                    let already = buf.len().saturating_add(data.len());
                    drop(buf);
                    drain(body, DRAIN_LIMIT.saturating_sub(already), timeout).await;
                    return Err(BodyError::TooLarge);
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(buf))
    };
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or(Err(BodyError::Timeout))
}
