//! Schemes as files: the TOML scheme description format (issue 12).
//!
//! A scheme file says where a delivery's proof travels and how it is
//! written ([`model::Proof`]), which bytes it covers (a template,
//! [`template`]), how it is computed ([`model::Signature`]), the key
//! material ([`model::Credential`]), the timestamp, the idempotency key,
//! the documented statuses, the sender's timeout, handshakes, event types
//! and a sample event. `docs/scheme-format.md` documents every field.
//!
//! [`load`] turns a file into a [`SchemeFile`] or a [`DescribeError`] that
//! reads `path:line:column: what is wrong; how to fix it`, and never
//! panics. [`to_scheme`] turns a loaded file into the engine's
//! [`crate::scheme::Scheme`], and [`registry`] keeps the known ones: the
//! built-in files under `schemes/` (compiled in) and the files users load
//! ([`register_file`]). Nothing in the engine names a scheme: a scheme is
//! its file.
//!
//! One job per file: [`model`] holds the serde structs (the format
//! itself), [`template`] the message and header-value templates,
//! [`validate`] the checks the types cannot make, [`error`] and
//! [`location`] the errors with `path:line:column`, [`suggest`] the
//! did-you-mean, and [`convert`] turns a description into the engine's
//! [`crate::scheme::Scheme`], [`registry`] keeps the known schemes.

pub mod convert;
pub mod error;
pub mod location;
pub mod model;
pub mod registry;
pub mod suggest;
pub mod template;
pub mod validate;

pub use convert::to_scheme;
pub use error::DescribeError;
pub use location::Location;
pub use model::SchemeFile;

pub use registry::{builtin_text as builtin, register, register_file, Files};

/// Loads a scheme file: parses `text` (named `origin` in errors, e.g. its
/// path) and checks it. Total: every input gives a value or an error.
pub fn load(text: &str, origin: &str) -> Result<SchemeFile, DescribeError> {
    let meaningful = text
        .lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#'));
    if !meaningful {
        return Err(DescribeError::Empty {
            at: Location::at(origin, text, 0),
        });
    }
    let file: SchemeFile =
        toml::from_str(text).map_err(|e| DescribeError::from_toml(origin, text, &e))?;
    validate::check(&file, origin, text)?;
    Ok(file)
}

/// [`load`] on bytes: a file that is not UTF-8 is an error at its first
/// invalid byte.
pub fn load_bytes(data: &[u8], origin: &str) -> Result<SchemeFile, DescribeError> {
    match std::str::from_utf8(data) {
        Ok(text) => load(text, origin),
        Err(e) => Err(not_utf8(data, e, origin)),
    }
}

/// The error for scheme file bytes that are not UTF-8 (`e`), located at
/// the first byte that is not.
pub(crate) fn not_utf8(data: &[u8], e: std::str::Utf8Error, origin: &str) -> DescribeError {
    let valid = data.get(..e.valid_up_to()).unwrap_or_default();
    let text = String::from_utf8_lossy(valid);
    DescribeError::NotToml {
        at: Location::at(origin, &text, text.len()),
        message: "the file is not UTF-8".into(),
    }
}
