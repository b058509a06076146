//! The `timing` family, docs/spec.md §3.9: the time a receiver takes to
//! reject a proof does not depend on how much of it is right
//! (constant-time comparison).

use super::{Action, Catalogue, Family};
use crate::scheme::{CredentialKind, Level};

/// Adds the `timing` case at `timing`'s level, if asked for (it sends
/// thousands of requests).
pub(super) fn add(c: &mut Catalogue<'_>, timing: Option<Level>) {
    let scheme = c.scheme;
    let what = c.proof_noun();
    if let Some(level) = timing {
        // Asymmetric schemes compare nothing secret: a difference there is
        // data-dependent verification code, not a leaked secret. Advisory.
        let level = if scheme.credential == CredentialKind::SharedSecret {
            level
        } else {
            Level::May
        };
        c.add(
            Family::Timing,
            "first-vs-last-byte",
            level,
            &format!("the rejection time of a {what} wrong in its first byte equals that of one wrong only in its last byte (constant-time comparison)"),
            Action::Timing,
        );
    }
}
