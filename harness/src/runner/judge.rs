//! Judging: an answer against what a correct receiver does, a case's
//! checks into its outcome, and the run-wide diagnosis.

use std::time::Duration;

use crate::cases::Expect;
use crate::scheme::{CredentialKind, Level, Scheme};
use crate::target::{Response, TransportError};

use super::{CaseResult, Check, Outcome, Part};

/// The hint under a refused valid delivery; left out when the report's
/// [`RunReport::diagnosis`] explains every refusal at once.
pub(super) const RAW_BODY_HINT: &str =
    "; a valid delivery was refused (verify the raw body bytes, exactly as received)";

pub(super) fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "accepted",
        300..=399 => "a redirect (senders do not follow redirects)",
        400..=499 => "rejected",
        500..=599 => "a server error",
        _ => "an unexpected status",
    }
}

pub(super) fn describe(resp: &Result<Response, TransportError>) -> String {
    match resp {
        Ok(r) => {
            let mut s = format!("answered {} ({})", r.status, status_class(r.status));
            if let Some(loc) = &r.location {
                s.push_str(&format!(" to {loc}"));
            }
            s
        }
        Err(e) => format!("no answer: {e}"),
    }
}

/// Judges the status part; also says whether the delivery was accepted.
pub(super) fn judge_status(expect: Expect, r: &Result<Response, TransportError>) -> (Check, bool) {
    let status = r.as_ref().ok().map(|x| x.status);
    let accepted = matches!(status, Some(200..=299));
    let (ok, expected) = match expect {
        Expect::Accept => (accepted, "2xx (accepted)".to_owned()),
        Expect::Reject => (
            matches!(status, Some(400..=499)),
            "4xx (rejected)".to_owned(),
        ),
        Expect::Status(code) => (status == Some(code), format!("exactly {code}")),
        Expect::NoServerError => (
            matches!(status, Some(200..=299 | 400..=499)),
            "2xx or 4xx, never 5xx, a redirect or no answer".to_owned(),
        ),
        Expect::AcceptOrTooLarge => (
            accepted || status == Some(413),
            "2xx, or 413 for a body too large".to_owned(),
        ),
        Expect::AcceptOrRequestTimeout => (
            accepted || status == Some(408),
            "2xx, or 408 for a body that arrived too slowly".to_owned(),
        ),
    };
    let mut actual = describe(r);
    if !ok {
        let hint = match (expect, status) {
            (Expect::Reject | Expect::Status(_), Some(200..=299)) => {
                "; the receiver accepted a delivery it must refuse"
            }
            (_, Some(500..=599)) => "; bad input must get a 4xx, not crash or error the handler",
            (_, Some(300..=399)) => {
                "; senders do not follow redirects: answer at the webhook URL itself"
            }
            (
                Expect::Accept | Expect::AcceptOrTooLarge | Expect::AcceptOrRequestTimeout,
                Some(400..=499),
            ) => RAW_BODY_HINT,
            _ => "",
        };
        actual.push_str(hint);
    }
    (
        Check {
            part: Part::Status,
            passed: Some(ok),
            expected,
            actual,
            required: true,
        },
        accepted,
    )
}

pub(super) fn all_accepted(answers: &[Result<Response, TransportError>]) -> Check {
    let statuses: Vec<String> = answers
        .iter()
        .map(|r| match r {
            Ok(x) => x.status.to_string(),
            Err(e) => format!("({e})"),
        })
        .collect();
    let ok = answers
        .iter()
        .all(|r| matches!(r, Ok(x) if (200..300).contains(&x.status)));
    Check {
        part: Part::Status,
        passed: Some(ok),
        expected:
            "every copy answered 2xx (a redelivery is acknowledged, or the sender retries forever)"
                .into(),
        actual: format!("answered {}", statuses.join(", ")),
        required: true,
    }
}

/// Computes a case's outcome and one-line detail from its checks.
pub(super) fn finish(r: &mut CaseResult) {
    let failed: Vec<&Check> = r
        .checks
        .iter()
        .filter(|c| c.passed == Some(false))
        .collect();
    let skipped: Vec<&Check> = r
        .checks
        .iter()
        .filter(|c| c.passed.is_none() && c.required)
        .collect();
    if let Some(first) = failed.first() {
        r.outcome = if r.case.level == Level::Must {
            Outcome::Fail
        } else {
            Outcome::Warn
        };
        r.detail = format!(
            "{}: {}; expected {}",
            first.part.as_str(),
            first.actual,
            first.expected
        );
    } else if let Some(first) = skipped.first() {
        r.outcome = Outcome::Skip;
        r.detail = first.actual.clone();
    } else {
        r.outcome = Outcome::Pass;
    }
}

/// When every plain valid delivery was refused, the cause is almost never
/// in each case (e.g. the raw body) but in the setup: says so once.
pub(super) fn diagnose(scheme: &Scheme, statuses: &[Option<u16>]) -> Option<String> {
    if statuses.len() < 2 || !statuses.iter().all(|s| matches!(s, Some(400..=499))) {
        return None;
    }
    let mut codes: Vec<u16> = statuses.iter().flatten().copied().collect();
    codes.sort_unstable();
    codes.dedup();
    let list = codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let route = "the URL or path is not the receiver's webhook route";
    let key = match scheme.credential {
        CredentialKind::SharedSecret => {
            "the secret given to hookspec (--secret, --secret-env, --secret-file) is not the one the receiver verifies with"
        }
        _ => {
            "the receiver does not trust the key hookspec signs with: it must fetch keys from hookspec's key server (--key-server-addr) or trust the test key (`hookspec keys`); a receiver that caches keys from an earlier run that rotated them refuses everything until its cache expires or it restarts"
        }
    };
    let causes = if codes.iter().any(|c| matches!(c, 404 | 405)) {
        [route, key]
    } else {
        [key, route]
    };
    let s = format!(
        "every valid delivery ({}) was refused ({list}): the cause is most likely the setup, not each case. Likely causes: (1) {}; (2) {}; (3) something else the receiver requires of every delivery.",
        statuses.len(),
        causes[0],
        causes[1],
    );
    Some(s)
}

pub(super) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text
        .chars()
        .take(80)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > 80 {
        format!("{one_line}…")
    } else {
        one_line
    }
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
