//! The `rotation` family, docs/spec.md §3.7: after a key rotation, a
//! delivery signed with the newly published key is accepted and one signed
//! with the removed key is rejected (within the retry window).

use super::{Action, Catalogue, Family, RotationStep};
use crate::scheme::{CredentialKind, Level};

/// Adds the `rotation` cases (run last: they change the published keys).
pub(super) fn add(c: &mut Catalogue<'_>) {
    let scheme = c.scheme;
    // Only a provider that publishes its keys can rotate them under a
    // running receiver (a key the receiver is configured with, such as
    // Discord's, changes by reconfiguring it).
    let published = scheme.key_route().is_some() && scheme.test_keys.rotation.is_some();
    if scheme.credential != CredentialKind::SharedSecret && published {
        c.add(Family::Rotation, "new-key-accepted", Level::Must, "after a rotation publishes a new key, a delivery signed with it is accepted (within the retry window)", Action::Rotation(RotationStep::NewKeyAccepted));
        c.add(Family::Rotation, "removed-key-rejected", Level::Should, "after the old key is removed from the published set, a delivery signed with it is rejected (within the retry window)", Action::Rotation(RotationStep::RemovedKeyRejected));
    }
}
