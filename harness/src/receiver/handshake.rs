//! The reference receiver's answers to the scheme's named handshakes
//! (`[[handshake]]` with a `name`), reached only after the request's proof
//! verified: an echo answered with the value in the first valid content
//! type, a ping answered with its status and reply. A handshake is not an
//! event: it is never recorded.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::scheme::{set_string_at, HandshakeKind, HandshakeStatus, Scheme};

use super::reject;

/// The answer to a verified request that is one of the scheme's named
/// handshakes; `None` for any other request.
pub(super) fn answer(
    scheme: &Scheme,
    headers: &[(String, Vec<u8>)],
    json: &serde_json::Value,
) -> Option<Response> {
    let h = scheme
        .handshakes
        .iter()
        .find(|h| h.kind != HandshakeKind::Probe && h.mark.matches(headers, json))?;
    let status = match h.status {
        HandshakeStatus::Exactly(c) => StatusCode::from_u16(c).unwrap_or(StatusCode::OK),
        HandshakeStatus::Success => StatusCode::OK,
    };
    let first_type = h.content_types.first().copied();
    Some(match h.kind {
        HandshakeKind::Echo { reply_pointer } => {
            let Some(value) = json.pointer(reply_pointer).and_then(|v| v.as_str()) else {
                return Some(reject(
                    StatusCode::BAD_REQUEST,
                    "the handshake has no string value to echo",
                ));
            };
            echo(
                status,
                first_type.unwrap_or("text/plain"),
                reply_pointer,
                value,
            )
        }
        HandshakeKind::Reply { body: Some(body) } => typed(
            status,
            first_type.unwrap_or("application/json"),
            body.as_bytes().to_vec(),
        ),
        HandshakeKind::Reply { body: None } | HandshakeKind::Probe => {
            if status == StatusCode::NO_CONTENT {
                status.into_response()
            } else {
                typed(status, "application/json", br#"{"ok":true}"#.to_vec())
            }
        }
    })
}

/// `value` in the form `media` gives it.
fn echo(status: StatusCode, media: &str, pointer: &str, value: &str) -> Response {
    match media {
        "application/x-www-form-urlencoded" => {
            let member = pointer.rsplit('/').next().unwrap_or_default();
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(member, value)
                .finish();
            typed(status, media, body.into_bytes())
        }
        "application/json" => {
            let mut json = serde_json::Value::Object(serde_json::Map::new());
            set_string_at(&mut json, pointer, value);
            typed(status, media, json.to_string().into_bytes())
        }
        _ => typed(
            status,
            "text/plain; charset=utf-8",
            value.as_bytes().to_vec(),
        ),
    }
}

/// `body` answered with `status`, of Content-Type `media`, never sniffed.
fn typed(status: StatusCode, media: &str, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}
