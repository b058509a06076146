//! The exchange behind a verdict: what a case sent and what came back, as
//! the reports show it (issue 14). Bounded: at most [`MAX_EXCHANGES`] per
//! case (the rest are counted), [`PREVIEW`] bytes of each body shown,
//! [`MAX_HEADERS`] headers of each side. Bytes are shown as text with
//! anything that is not printable UTF-8 escaped (`\xNN`, `\u{…}`), so a
//! receiver's answer can neither break a terminal nor a report format. The
//! texts pass the report's redaction layer like every other text.

use sha2::{Digest, Sha256};

use crate::delivery::Delivery;
use crate::target::{Response, TransportError};

/// Exchanges kept per case; a timing case sends thousands.
pub const MAX_EXCHANGES: usize = 10;
/// Bytes of a body shown.
pub const PREVIEW: usize = 2048;
/// Headers shown per request or response.
pub const MAX_HEADERS: usize = 40;
/// Bytes of a header value shown.
const MAX_HEADER_VALUE: usize = 512;
/// The largest body a `curl` command is made for.
pub const MAX_CURL_BODY: usize = 64 * 1024;

/// A body as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BodyShown {
    /// Its length in bytes (for a response: of what was read, at most
    /// [`crate::target::MAX_RESPONSE_BODY`]).
    pub length: usize,
    /// Whether the body was longer than `length` (responses only).
    pub truncated: bool,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The first [`PREVIEW`] bytes, escaped.
    pub preview: String,
}

impl BodyShown {
    fn of(bytes: &[u8], truncated: bool) -> Self {
        BodyShown {
            length: bytes.len(),
            truncated,
            sha256: hex::encode(Sha256::digest(bytes)),
            preview: shown(bytes.get(..PREVIEW).unwrap_or(bytes)),
        }
    }
}

/// The request as sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SentRequest {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// Every header, in order (names as hookspec writes them).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: BodyShown,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Received {
    /// The status code.
    pub status: u16,
    /// The response headers, in order.
    pub headers: Vec<(String, String)>,
    /// The start of the body.
    pub body: BodyShown,
    /// Milliseconds from sending to the end of the (bounded) body.
    #[serde(rename = "latencyMs")]
    pub latency_ms: f64,
}

/// One request of a case and its answer (or why there was none).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Exchange {
    /// The request.
    pub request: SentRequest,
    /// The answer, if one came.
    pub response: Option<Received>,
    /// Why no answer came.
    pub error: Option<String>,
    /// When a signed timestamp in the request goes stale (unix seconds),
    /// so that re-sending it is refused from then on.
    #[serde(rename = "staleAfter")]
    pub stale_after: Option<i64>,
    /// A shell command that re-sends the request byte for byte (curl),
    /// made by the redaction layer for the cases that did not pass.
    pub curl: Option<String>,
    /// The delivery itself, until the redaction layer turns it into `curl`
    /// and drops it; never serialized.
    #[serde(skip)]
    pub delivery: Option<Delivery>,
    /// The values this request carried where the scheme's key travels as
    /// the proof (edited or not: a key one character short is still
    /// nearly the key): the redaction layer treats them as secrets.
    #[serde(skip)]
    pub key_values: Vec<Vec<u8>>,
}

impl Exchange {
    /// The exchange of `d` and its outcome `r`; a signed timestamp in it
    /// goes stale at `stale_after`.
    pub fn of(
        d: &Delivery,
        r: &Result<Response, TransportError>,
        stale_after: Option<i64>,
    ) -> Self {
        let headers = d
            .headers
            .iter()
            .take(MAX_HEADERS)
            .map(|(n, v)| (shown(n.as_bytes()), header_value(v)))
            .collect();
        let (response, error) = match r {
            Ok(resp) => (
                Some(Received {
                    status: resp.status,
                    headers: resp
                        .headers
                        .iter()
                        .take(MAX_HEADERS)
                        .map(|(n, v)| (shown(n.as_bytes()), header_value(v)))
                        .collect(),
                    body: BodyShown::of(&resp.body, resp.body_truncated),
                    latency_ms: resp.latency.as_secs_f64() * 1000.0,
                }),
                None,
            ),
            Err(e) => (None, Some(e.to_string())),
        };
        Exchange {
            request: SentRequest {
                method: shown(d.method.as_bytes()),
                url: shown(d.url.as_bytes()),
                headers,
                body: BodyShown::of(&d.body, false),
            },
            response,
            error,
            stale_after,
            key_values: Vec::new(),
            curl: None,
            // Re-sending a 1 MiB body from a command line helps nobody.
            delivery: (d.body.len() <= MAX_CURL_BODY).then(|| d.clone()),
        }
    }

    /// The exchange as text, HTTP-like: the request line, headers, body
    /// preview, then the answer.
    pub fn text(&self) -> String {
        let q = &self.request;
        let mut out = format!("> {} {}\n", q.method, q.url);
        for (n, v) in &q.headers {
            out.push_str(&format!("> {n}: {v}\n"));
        }
        out.push_str(&format!(
            "> body: {} bytes, sha256 {}\n",
            q.body.length, q.body.sha256
        ));
        push_preview(&mut out, "> ", &q.body);
        match (&self.response, &self.error) {
            (Some(r), _) => {
                out.push_str(&format!("< {} ({:.1} ms)\n", r.status, r.latency_ms));
                for (n, v) in &r.headers {
                    out.push_str(&format!("< {n}: {v}\n"));
                }
                let more = if r.body.truncated { " (truncated)" } else { "" };
                out.push_str(&format!("< body: {} bytes{more}\n", r.body.length));
                push_preview(&mut out, "< ", &r.body);
            }
            (None, Some(e)) => out.push_str(&format!("< no answer: {e}\n")),
            (None, None) => out.push_str("< no answer\n"),
        }
        out
    }
}

fn push_preview(out: &mut String, mark: &str, body: &BodyShown) {
    if body.preview.is_empty() {
        return;
    }
    let cut = if body.length > PREVIEW { " …" } else { "" };
    out.push_str(&format!("{mark}  {}{cut}\n", body.preview));
}

fn header_value(v: &[u8]) -> String {
    let cut = v.get(..MAX_HEADER_VALUE).unwrap_or(v);
    let mut s = shown(cut);
    if cut.len() < v.len() {
        s.push('…');
    }
    s
}

/// `bytes` as text: printable UTF-8 as is (space, and `\n` kept in
/// bodies as `\n` escapes so a preview stays one line), everything else
/// escaped.
pub fn shown(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() || is_bidi(c) => {
                    out.push_str(&format!("\\u{{{:x}}}", u32::from(c)))
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Unicode bidirectional controls, which can reorder what a terminal shows.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_shown_escaped() {
        assert_eq!(shown(b"a\nb\x00\xff\\"), "a\\nb\\u{0}\\xff\\\\");
        assert_eq!(shown("é\u{202e}x".as_bytes()), "é\\u{202e}x");
    }

    #[test]
    fn an_exchange_is_bounded() {
        let mut d = Delivery::post("http://127.0.0.1:1/h", vec![b'a'; 10_000]);
        d.push_header("X-Long", vec![b'v'; 5_000]);
        let e = Exchange::of(&d, &Err(TransportError::Timeout(5)), None);
        assert_eq!(e.request.body.length, 10_000);
        assert_eq!(e.request.body.preview.len(), PREVIEW);
        assert!(e
            .request
            .headers
            .iter()
            .all(|(_, v)| v.len() <= MAX_HEADER_VALUE + 3));
        assert!(e.text().contains("< no answer: no answer within 5 ms"));
    }
}
