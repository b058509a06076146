//! The `robustness` family, docs/spec.md §3.10: odd but validly signed
//! requests — bodies, content types, methods, sizes, slow uploads, header
//! shapes — are never answered 5xx and never hang the receiver.

use std::time::Duration;

use super::{
    valid, Build, Catalogue, Expect, Family, HeaderShape, ProofEdit, TimestampForm, SLOW_UPLOAD,
};
use crate::payload::BodyKind;
use crate::scheme::{Carrier, Encoding, Level};

/// Adds the `robustness` cases for a sender timeout of `timeout`.
pub(super) fn add(c: &mut Catalogue<'_>, timeout: Duration) {
    use Build as B;
    let scheme = c.scheme;
    c.single(
        Family::Robustness,
        "non-json-body",
        Level::Must,
        "a validly signed body that is not JSON gets 4xx or 2xx without effect, never 5xx",
        B::NotJson,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "non-utf8-body",
        Level::Must,
        "a validly signed body that is not UTF-8 gets 4xx or 2xx without effect, never 5xx",
        B::NotUtf8,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "wrong-content-type",
        Level::Must,
        "a valid delivery sent as text/plain is not answered 5xx",
        B::ContentType("text/plain"),
        Expect::NoServerError,
    );
    if scheme.encoding == Encoding::Hex {
        c.single(
            Family::Robustness,
            "proof-uppercase-hex",
            Level::Must,
            "the valid signature in uppercase hex is accepted or refused (either is acceptable: the seeds' Node `Buffer.from(x, \"hex\")` accepts it), never 5xx",
            B::Proof(ProofEdit::Uppercase),
            Expect::NoServerError,
        );
    }
    let trickle = crate::delivery::Trickle {
        chunks: 9,
        interval: SLOW_UPLOAD.min(timeout / 4) / 8,
    };
    c.single(
        Family::Robustness,
        "slow-upload",
        Level::Must,
        &format!(
            "a valid delivery whose body arrives slowly ({} pieces over {} ms) is accepted, or refused with 408; never another 4xx (read the whole body, however it is split), 5xx or a hang",
            trickle.chunks,
            trickle.duration().as_millis()
        ),
        B::SlowUpload(trickle),
        Expect::AcceptOrRequestTimeout,
    );
    c.single(
        Family::Robustness,
        "content-encoding-gzip",
        Level::Must,
        "a valid delivery sent gzip-compressed (`Content-Encoding: gzip`, signed uncompressed) is not answered 5xx (no vendor compresses: decompressing, or refusing with 415, are both fine)",
        B::GzipBody,
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "method-get",
        Level::Must,
        "GET on the webhook URL is not answered 5xx",
        B::Method("GET"),
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "method-put",
        Level::Must,
        "PUT on the webhook URL is not answered 5xx",
        B::Method("PUT"),
        Expect::NoServerError,
    );
    c.single(
        Family::Robustness,
        "body-1mib",
        Level::Must,
        "a valid 1 MiB delivery is accepted or refused with 413, never 5xx or a hang",
        valid(BodyKind::Large1m),
        Expect::AcceptOrTooLarge,
    );
    if let Some(name) = scheme.timestamp_header() {
        timestamp_forms(c, &format!("`{name}`"));
    }
    if let Carrier::TimestampedHeader { name, ts_key, .. } = scheme.carrier {
        timestamp_forms(c, &format!("`{ts_key}=`"));
        for shape in HeaderShape::ALL {
            c.single(
                Family::Robustness,
                &format!("signature-header-{}", shape.name()),
                Level::Must,
                &format!(
                    "`{name}` {}, signature valid, is not answered 5xx (accepting or rejecting it are both fine)",
                    shape.describe()
                ),
                B::HeaderShape(shape),
                Expect::NoServerError,
            );
        }
    }
}

/// The odd timestamp spellings, each signed as written (`what` names
/// where the timestamp is written): never a 5xx.
fn timestamp_forms(c: &mut Catalogue<'_>, what: &str) {
    for form in TimestampForm::ALL {
        c.single(
            Family::Robustness,
            &format!("timestamp-{}", form.name()),
            Level::Must,
            &format!(
                "{what} {}, signed as written, is not answered 5xx",
                form.describe()
            ),
            Build::TimestampForm(form),
            Expect::NoServerError,
        );
    }
}
