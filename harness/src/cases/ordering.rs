//! The `ordering` family, docs/spec.md §3.6: a stale event (a lower block
//! number after a higher one for the same token) is acknowledged but not
//! processed.

use super::{Action, Catalogue, Family};

/// Adds the `ordering` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    let scheme = c.scheme;
    if let Some(o) = scheme.block_ordering {
        c.add(Family::Ordering, "lower-block-ignored", o.level, "a lower block number after a higher one for the same token is acknowledged but not processed", Action::LowerBlockIgnored);
    }
}
