//! The `status` family, docs/spec.md §3.3: where a vendor documents its
//! rejection codes, a missing or wrong proof is answered with exactly that
//! code.

use super::{Build, Catalogue, Expect, Family};
use crate::scheme::Level;

/// Adds the `status` cases.
pub(super) fn add(c: &mut Catalogue<'_>) {
    use Build as B;
    let scheme = c.scheme;
    let what = c.proof_noun();
    if let Some(s) = scheme.statuses.missing {
        c.single(
            Family::Status,
            "missing-proof",
            Level::Should,
            &format!("a delivery without its {what} is answered {s}"),
            B::DropProof,
            Expect::Status(s),
        );
    }
    if let Some(s) = scheme.statuses.invalid {
        c.single(
            Family::Status,
            "invalid-proof",
            Level::Should,
            &format!("a delivery with a wrong {what} is answered {s}"),
            B::WrongKey,
            Expect::Status(s),
        );
    }
}
