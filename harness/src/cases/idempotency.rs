//! The `idempotency` family, docs/spec.md §3.6: a redelivered event —
//! one after the other or concurrently — is acknowledged every time and
//! processed once.

use super::{Action, Catalogue, Family};
use crate::scheme::Level;

/// Adds the `idempotency` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    let scheme = c.scheme;
    if let Some(level) = scheme.idempotency {
        c.add(
            Family::Idempotency,
            "duplicate-processed-once",
            level,
            "the same delivery twice: both 2xx, processed once",
            Action::Duplicate {
                copies: 2,
                concurrent: false,
            },
        );
        c.add(
            Family::Idempotency,
            "concurrent-duplicates",
            level,
            "8 copies of one delivery at once: all 2xx, processed once",
            Action::Duplicate {
                copies: 8,
                concurrent: true,
            },
        );
    }
    if let Some(level) = scheme.idempotency {
        // A redelivery is a new request: a scheme that signs a timestamp
        // signs it anew, and some senders mark it. Without either it is
        // byte for byte the duplicate above.
        if scheme.signs_timestamp() || !scheme.retry_headers.is_empty() {
            let markers: Vec<String> = scheme
                .retry_headers
                .iter()
                .map(|h| format!("`{}: {}`", h.name, h.value_for(1)))
                .collect();
            let how = match (scheme.signs_timestamp(), markers.is_empty()) {
                (true, true) => "signed anew a second later".to_owned(),
                (true, false) => {
                    format!("signed anew a second later, with {}", markers.join(" and "))
                }
                (false, _) => format!("with {}", markers.join(" and ")),
            };
            c.add(
                Family::Idempotency,
                "redelivery-processed-once",
                level,
                &format!("an event, then the same event redelivered as the sender does ({how}): both 2xx, processed once"),
                Action::Redelivery,
            );
        }
    }
    if scheme.idempotency.is_some() {
        c.add(
            Family::Idempotency,
            "same-id-other-body",
            Level::Must,
            "a validly signed other body under an id already delivered is not answered 5xx (accepting, ignoring or refusing it: reported as information)",
            Action::SameIdOtherBody,
        );
    }
}
