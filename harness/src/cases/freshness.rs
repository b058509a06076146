//! The `freshness` family, docs/spec.md §3.5: a signed timestamp inside
//! the window is accepted, one outside it (or in milliseconds) is rejected,
//! and a replayed request is refused or processed once.

use super::{Action, Build, Catalogue, Expect, Family};
use crate::scheme::{Carrier, Level};

/// Adds the `freshness` cases for a window of `tolerance_s` seconds.
pub(super) fn add(c: &mut Catalogue<'_>, tolerance_s: u64) {
    use Build as B;
    let scheme = c.scheme;
    if scheme.signs_timestamp() {
        let tol = i64::try_from(tolerance_s).unwrap_or(i64::MAX / 2);
        let (past, future) = scheme
            .timestamp
            .map_or((true, true), |t| (t.checks_past, t.checks_future));
        // A side the provider's own verification does not check: a
        // receiver using it accepts, which is no failure (docs/spec.md
        // §3.5); only a 5xx fails.
        let side = |checked: bool, t: &str, side: &str| {
            if checked {
                (Expect::Reject, t.to_owned())
            } else {
                (
                    Expect::NoServerError,
                    format!("a timestamp outside the window ({side}) is not answered 5xx; refusing or accepting both pass, accepting is reported as information: the provider's verification does not check the {side} side"),
                )
            }
        };
        let (stale, stale_t) = side(
            past,
            "a timestamp just outside the window (past) is rejected",
            "past",
        );
        let (ahead, ahead_t) = side(
            future,
            "a timestamp just outside the window (future) is rejected",
            "future",
        );
        let (millis, millis_t) = side(
            future,
            "a timestamp in milliseconds (far future as seconds) is rejected",
            "future",
        );
        // Two seconds of margin absorb clock rounding and transit time.
        for (name, offset, expect, t) in [
            (
                "accept-recent-past",
                -tol + 2,
                Expect::Accept,
                "a timestamp just inside the window (past) is accepted",
            ),
            (
                "accept-near-future",
                tol - 2,
                Expect::Accept,
                "a timestamp just inside the window (future) is accepted",
            ),
            ("reject-stale", -tol - 2, stale, stale_t.as_str()),
            ("reject-future", tol + 2, ahead, ahead_t.as_str()),
        ] {
            c.single(
                Family::Freshness,
                name,
                Level::Should,
                t,
                B::Timestamp(offset),
                expect,
            );
        }
        c.single(
            Family::Freshness,
            "reject-milliseconds",
            Level::Should,
            &millis_t,
            B::TimestampMillis,
            millis,
        );
        c.add(
            Family::Freshness,
            "replay",
            Level::Should,
            "an identical signed request sent twice is refused (4xx) or processed once",
            Action::Replay,
        );
        if let (Carrier::TimestampedHeader { ts_key, .. }, true) = (scheme.carrier, past) {
            c.single(
                Family::Freshness,
                "stale-signature-fresh-timestamp-appended",
                Level::Should,
                &format!("a stale signed `{ts_key}` with a current `{ts_key}` appended is rejected (the window applies to the signed timestamp)"),
                B::FreshTimestampAppended(-tol - 2),
                Expect::Reject,
            );
        }
    }
}
