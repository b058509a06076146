//! The `echo` family, docs/spec.md §3.4: an `endpoint.verify` handshake
//! with a valid token is answered 200 with exactly the nonce, and one
//! without a valid token is rejected and not echoed.

use super::{Action, Catalogue, Family};
use crate::scheme::Level;

/// Adds the `echo` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    let scheme = c.scheme;
    if scheme.echo.is_some() {
        c.add(
            Family::Echo,
            "handshake",
            Level::Must,
            "endpoint.verify with a fresh nonce is answered 200 with the nonce",
            Action::Echo { exact: false },
        );
        c.add(
            Family::Echo,
            "exact-body",
            Level::Should,
            "the echo body is exactly the nonce (not JSON-quoted)",
            Action::Echo { exact: true },
        );
        c.add(
            Family::Echo,
            "requires-valid-token",
            Level::Must,
            "endpoint.verify without a valid token is rejected and not echoed",
            Action::EchoWithoutToken,
        );
    }
}
