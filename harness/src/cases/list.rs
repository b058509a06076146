//! The `list` family, docs/spec.md §3.11: a proof header that carries a
//! list of signatures (`v1,<a> v1,<b>`, or `t=…,v1=<a>,v1=<b>`) is accepted
//! when any entry of a version that counts is valid — whatever stands
//! before or after it — and never on a signature that is cut short or
//! filed under a version that does not count.

use super::{Build, Catalogue, Expect, Family, ListEdit};
use crate::scheme::{Carrier, Level};

/// Adds the `list` cases, for schemes whose proof header is a list.
pub(super) fn add(c: &mut Catalogue<'_>) {
    if !c.scheme.carrier.is_signature_list() {
        return;
    }
    use ListEdit as L;
    let other = other_version_text(c.scheme.carrier);
    let accepted = [
        (
            "wrong-entry-before-valid",
            L::WrongBeforeValid,
            "a wrong (well-formed) entry before the valid one is accepted (2xx): any entry may match",
        ),
        (
            "wrong-entry-after-valid",
            L::WrongAfterValid,
            "a wrong (well-formed) entry after the valid one is accepted (2xx): any entry may match",
        ),
        (
            "rotated-secrets",
            L::RotatedSecrets,
            "two entries signed with other secrets, then the valid one (a secret rotation) is accepted (2xx)",
        ),
    ];
    for (name, edit, title) in accepted {
        c.single(
            Family::List,
            name,
            Level::Must,
            title,
            Build::List(edit),
            Expect::Accept,
        );
    }
    c.single(
        Family::List,
        "eight-characters",
        Level::Must,
        "an entry with only the first 8 characters of the valid signature is rejected (CVE-2024-21491)",
        Build::List(L::EightCharacters),
        Expect::Reject,
    );
    c.single(
        Family::List,
        "other-version-only",
        Level::Must,
        &format!("the valid signature filed under a version that does not count ({other}) is rejected: only the scheme's versions count"),
        Build::List(L::OtherVersionOnly),
        Expect::Reject,
    );
    let malformed = [
        (
            "malformed-no-separator",
            L::MalformedNoSeparator,
            "an entry without its version separator",
        ),
        (
            "malformed-double-separator",
            L::MalformedDoubleSeparator,
            "a doubled list separator",
        ),
        (
            "malformed-encoding",
            L::MalformedEncoding,
            "an entry that is not in the signature's encoding",
        ),
    ];
    for (name, edit, what) in malformed {
        c.single(
            Family::List,
            name,
            Level::Must,
            &format!("{what} before the valid entry is not answered 5xx; accepting (any valid entry matches) or refusing (some official libraries refuse the whole header) both pass, reported as information"),
            Build::List(edit),
            Expect::NoServerError,
        );
    }
}

/// How the case titles write a version that does not count.
fn other_version_text(carrier: Carrier) -> String {
    let sep = match carrier {
        Carrier::VersionedList {
            version_separator, ..
        } => version_separator,
        Carrier::TimestampedHeader { key_separator, .. } => key_separator,
        _ => "",
    };
    format!("`{}{sep}…`", carrier.uncounted_version())
}
