//! The `latency` family, docs/spec.md §3.8: every answer of the run
//! arrives within the sender's documented timeout.

use super::{Action, Catalogue, Family};
use crate::scheme::Level;

/// Adds the `latency` case (judged over every answer of the run).
pub(super) fn add(c: &mut Catalogue<'_>) {
    let scheme = c.scheme;
    c.add(
        Family::Latency,
        "within-sender-timeout",
        Level::Must,
        &format!(
            "every answer arrives within the sender timeout ({} ms)",
            scheme.sender_timeout_ms
        ),
        Action::Latency,
    );
}
