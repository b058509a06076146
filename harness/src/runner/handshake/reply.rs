//! A handshake's answer against the description: the content type among
//! the valid ones, the echoed value in the form that content type gives
//! it, a JSON reply compared as a JSON value, and markup never reflected as
//! HTML.

use crate::scheme::{Handshake, HandshakeKind};
use crate::target::Response;

use super::super::judge::snippet;
use super::super::{Check, Part};

/// The answer's media type: the `Content-Type` before any parameter,
/// trimmed, lowercase.
fn media_type(resp: &Response) -> Option<String> {
    let ct = resp.content_type.as_deref()?;
    let media = ct.split(';').next().unwrap_or_default().trim();
    Some(media.to_ascii_lowercase())
}

/// Judges the reply of an answered handshake `h` whose echoed value (for
/// an echo) was `value`; also says in which form it was answered.
pub(super) fn judge(h: &Handshake, resp: &Response, value: &str) -> (Check, Option<String>) {
    let media = media_type(resp);
    let shown = media.clone().unwrap_or_else(|| "no Content-Type".into());
    if !h.content_types.is_empty()
        && !media
            .as_deref()
            .is_some_and(|m| h.content_types.contains(&m))
    {
        let check = Check {
            part: Part::Body,
            passed: Some(false),
            expected: format!("a Content-Type among {}", h.content_types.join(", ")),
            actual: format!("{shown}: body `{}`", snippet(&resp.body)),
            required: true,
        };
        return (check, None);
    }
    let (ok, expected) = match h.kind {
        HandshakeKind::Echo { reply_pointer } => (
            echoed(resp, media.as_deref(), reply_pointer, value),
            format!("exactly `{value}`, in the form its Content-Type gives it"),
        ),
        HandshakeKind::Reply { body: Some(want) } => (
            same_json(&resp.body, want),
            format!("the JSON value `{want}`"),
        ),
        HandshakeKind::Reply { body: None } | HandshakeKind::Probe => {
            return (
                Check {
                    part: Part::Body,
                    passed: Some(true),
                    expected: "any body".into(),
                    actual: shown,
                    required: true,
                },
                None,
            )
        }
    };
    let check = Check {
        part: Part::Body,
        passed: Some(ok),
        expected,
        actual: format!("{shown}: body `{}`", snippet(&resp.body)),
        required: true,
    };
    (check, Some(shown))
}

/// Whether the answer carries exactly `value`: a form body with the
/// pointer's last member set to it, a JSON document that is the string or
/// holds it at the pointer, or else the body itself (surrounding
/// whitespace tolerated).
fn echoed(resp: &Response, media: Option<&str>, pointer: &str, value: &str) -> bool {
    let member = pointer.rsplit('/').next().unwrap_or_default();
    match media {
        Some("application/x-www-form-urlencoded") => {
            url::form_urlencoded::parse(&resp.body).any(|(k, v)| k == member && v == value)
        }
        Some("application/json") => match serde_json::from_slice::<serde_json::Value>(&resp.body) {
            Ok(serde_json::Value::String(s)) => s == value,
            Ok(json) => json.pointer(pointer).and_then(serde_json::Value::as_str) == Some(value),
            Err(_) => false,
        },
        _ => String::from_utf8_lossy(&resp.body).trim() == value,
    }
}

/// Whether `body` is JSON equal, as a value, to `want`.
fn same_json(body: &[u8], want: &str) -> bool {
    match (
        serde_json::from_slice::<serde_json::Value>(body),
        serde_json::from_str::<serde_json::Value>(want),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The markup case: the answer does not carry `markup` as HTML (a
/// `text/html` or `application/xhtml+xml` Content-Type, or none, which a
/// browser sniffs).
pub(super) fn not_html(resp: &Response, markup: &str) -> Check {
    let media = media_type(resp);
    let reflected = String::from_utf8_lossy(&resp.body).contains(markup);
    let html = match media.as_deref() {
        None => true,
        Some(m) => m == "text/html" || m == "application/xhtml+xml",
    };
    let shown = media.unwrap_or_else(|| "no Content-Type".into());
    Check {
        part: Part::Body,
        passed: Some(!(reflected && html)),
        expected: "the markup is not reflected as HTML".into(),
        actual: if reflected {
            format!(
                "{} with the markup reflected: `{}`",
                shown,
                snippet(&resp.body)
            )
        } else {
            format!(
                "answered {} ({shown}); the markup is not reflected",
                resp.status
            )
        },
        required: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{HandshakeMark, HandshakeStatus};
    use std::time::Duration;

    fn resp(content_type: Option<&str>, body: &str) -> Response {
        Response {
            status: 200,
            body: body.as_bytes().to_vec(),
            body_truncated: false,
            location: None,
            content_type: content_type.map(str::to_owned),
            headers: Vec::new(),
            latency: Duration::ZERO,
        }
    }

    const ECHO: Handshake = Handshake {
        name: "verify",
        kind: HandshakeKind::Echo {
            reply_pointer: "/challenge",
        },
        mark: HandshakeMark::None,
        body: "{}",
        content_types: &[
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json",
        ],
        status: HandshakeStatus::Exactly(200),
        source: "",
    };

    #[test]
    fn every_allowed_form_of_the_value_passes() {
        for (ct, body) in [
            ("text/plain", "a b&c"),
            ("text/plain; charset=utf-8", " a b&c\n"),
            ("application/x-www-form-urlencoded", "challenge=a+b%26c"),
            ("application/json", r#"{"challenge":"a b&c"}"#),
            ("Application/JSON", r#""a b&c""#),
        ] {
            let (check, _) = judge(&ECHO, &resp(Some(ct), body), "a b&c");
            assert_eq!(check.passed, Some(true), "{ct} {body}");
        }
    }

    #[test]
    fn other_types_and_other_values_fail() {
        for (ct, body) in [
            (Some("text/html"), "a"),
            (None, "a"),
            (Some("text/plain"), "b"),
            (Some("application/json"), r#"{"challenge":"b"}"#),
            (Some("application/json"), "a"),
            (Some("application/x-www-form-urlencoded"), "other=a"),
        ] {
            let (check, _) = judge(&ECHO, &resp(ct, body), "a");
            assert_eq!(check.passed, Some(false), "{ct:?} {body}");
        }
    }

    #[test]
    fn a_json_reply_is_compared_as_a_value() {
        let ping = Handshake {
            kind: HandshakeKind::Reply {
                body: Some(r#"{"type":1}"#),
            },
            content_types: &["application/json"],
            ..ECHO
        };
        for (body, ok) in [
            (r#"{"type":1}"#, true),
            (r#"{ "type" : 1 }"#, true),
            ("", false),
            (r#"{"type":"1"}"#, false),
        ] {
            let (check, _) = judge(&ping, &resp(Some("application/json"), body), "");
            assert_eq!(check.passed, Some(ok), "{body}");
        }
    }

    #[test]
    fn markup_fails_only_when_reflected_as_html() {
        let m = "<script>x</script>";
        assert_eq!(not_html(&resp(Some("text/html"), m), m).passed, Some(false));
        assert_eq!(not_html(&resp(None, m), m).passed, Some(false));
        assert_eq!(not_html(&resp(Some("text/plain"), m), m).passed, Some(true));
        assert_eq!(
            not_html(&resp(Some("text/html"), "<p>no</p>"), m).passed,
            Some(true)
        );
    }
}
