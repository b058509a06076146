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
            (
                "reject-stale",
                -tol - 2,
                Expect::Reject,
                "a timestamp just outside the window (past) is rejected",
            ),
            (
                "reject-future",
                tol + 2,
                Expect::Reject,
                "a timestamp just outside the window (future) is rejected",
            ),
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
            "a timestamp in milliseconds (far future as seconds) is rejected",
            B::TimestampMillis,
            Expect::Reject,
        );
        c.add(
            Family::Freshness,
            "replay",
            Level::Should,
            "an identical signed request sent twice is refused (4xx) or processed once",
            Action::Replay,
        );
        if let Carrier::TimestampedHeader { ts_key, .. } = scheme.carrier {
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
