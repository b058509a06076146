//! The rule families: each looks at the scheme description and adds the
//! cases that apply to it, each under a stable rule key.
//!
//! | family | applies when |
//! |---|---|
//! | [`events`] | always: basic deliveries, event types, header-name case, echo handshakes, bodies that are not JSON |
//! | [`hard`] | JSON bodies: hard bodies (free-form or `JSON.stringify` form) and non-canonical events |
//! | [`content`] | the proof covers the body or event: body edits, re-serialized signatures; or it does not |
//! | [`proof`] | a proof: missing, empty, duplicated, edited per encoding (hex, base64, text), prefixes |
//! | [`primitive`] | the algorithm family: other HMAC hashes, RSA variants, Ed25519 malleation, wrong and rotated keys |
//! | [`timestamp`] | a signed timestamp (a key/value header, or a header of its own): windows, spellings, list syntax, signed URLs, the header missing |
//! | [`list`] | a list of signatures: any counted entry may match, shortened or uncounted ones never do |
//! | [`apikey`] | the key itself in a query parameter or header |
//! | [`envelope`] | a body envelope |

mod apikey;
mod content;
mod envelope;
mod events;
mod hard;
mod list;
mod primitive;
mod proof;
mod timestamp;

use super::{Gen, GroupKind, FIXED_NOW};
use crate::delivery::Delivery;
use crate::vectors::Expected;
use crate::Error;

type Build = Box<dyn Fn(&Gen, u32) -> Result<Delivery, Error>>;

/// One candidate test: a rule applied to the scheme.
pub(super) struct Case {
    /// The rule's stable key (unique per scheme).
    pub(super) key: String,
    pub(super) group: GroupKind,
    /// The rule's own comment (a ledger may pin the published one).
    pub(super) comment: String,
    pub(super) flags: Vec<&'static str>,
    pub(super) result: Expected,
    pub(super) now: i64,
    pub(super) build: Build,
}

impl Case {
    pub(super) fn group(mut self, group: GroupKind) -> Self {
        self.group = group;
        self
    }
}

/// A case built by `build(gen, tc)`.
pub(super) fn case(
    key: impl Into<String>,
    result: Expected,
    flags: &[&'static str],
    comment: impl Into<String>,
    build: impl Fn(&Gen, u32) -> Result<Delivery, Error> + 'static,
) -> Case {
    Case {
        key: key.into(),
        group: GroupKind::Main,
        comment: comment.into(),
        flags: flags.to_vec(),
        result,
        now: FIXED_NOW,
        build: Box::new(build),
    }
}

/// A case that takes the valid encoded proof of the standard event and
/// rewrites it with `edit` (the proof is placed as the scheme places it).
pub(super) fn edit(
    key: impl Into<String>,
    result: Expected,
    flags: &[&'static str],
    comment: impl Into<String>,
    edit: impl Fn(String) -> String + 'static,
) -> Case {
    case(key, result, flags, comment, move |g, tc| {
        let text = g.valid_text(tc)?;
        g.with_text(tc, &edit(text))
    })
}

/// A case whose proof header value is `value(gen, valid text)`, verbatim
/// ([`Gen::rewrite_header`]).
pub(super) fn raw_header(
    key: impl Into<String>,
    result: Expected,
    flags: &[&'static str],
    comment: impl Into<String>,
    value: impl Fn(&Gen, String) -> Result<Vec<u8>, Error> + 'static,
) -> Case {
    case(key, result, flags, comment, move |g, tc| {
        let text = g.valid_text(tc)?;
        g.rewrite_header(tc, None, value(g, text)?)
    })
}

/// Every case the rules make for the scheme of `g`, in rule order.
pub(super) fn catalogue(g: &Gen) -> Vec<Case> {
    let mut out = Vec::new();
    events::cases(g, &mut out);
    hard::cases(g, &mut out);
    content::cases(g, &mut out);
    proof::cases(g, &mut out);
    primitive::cases(g, &mut out);
    timestamp::cases(g, &mut out);
    apikey::cases(g, &mut out);
    envelope::cases(g, &mut out);
    list::cases(g, &mut out);
    out
}
