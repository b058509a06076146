//! The library's error type.

use std::path::PathBuf;

/// Everything that can go wrong in the library, outside of a receiver's
/// verdict (a rejected delivery is a [`crate::verify::Rejection`], not an
/// error).
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor
/// releases, so match with a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A scheme id that hookspec does not know (neither built in nor
    /// loaded from a scheme file).
    #[error("unknown scheme `{id}` (known: {}); a scheme of your own is a file: --scheme-file PATH (docs/scheme-format.md)", .known.join(", "))]
    UnknownScheme {
        /// The id asked for.
        id: String,
        /// The ids that are known.
        known: Vec<String>,
    },

    /// A scheme file is invalid; the error says where (`path:line:column`)
    /// and how to fix it.
    #[error(transparent)]
    SchemeFile(#[from] crate::describe::DescribeError),

    /// A shared secret does not decode the way its scheme says secrets are
    /// written.
    #[error("the secret for scheme `{scheme}` must be {expected}")]
    SecretDecoding {
        /// The scheme.
        scheme: String,
        /// The form its secrets take.
        expected: String,
    },

    /// The key material given does not fit the scheme (e.g. an HMAC secret
    /// for an Ed25519 scheme), or could not be parsed.
    #[error("key error: {0}")]
    Key(String),

    /// An argument or configuration value is invalid; the message says what
    /// to fix.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A JSON document (vector file, oracle answer, …) is malformed.
    #[error("invalid JSON in {what}: {source}")]
    Json {
        /// What was being read.
        what: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },

    /// A vector file is well-formed JSON but breaks the vector schema.
    #[error("invalid test vector: {0}")]
    Vector(String),

    /// A server (reference receiver, key server) could not be started.
    #[error("server error: {0}")]
    Server(String),

    /// A number is outside the range hookspec accepts for it (e.g. more
    /// timing samples than [`crate::timing::MAX_SAMPLES`]).
    #[error("{what} is {value}; it must be in {min}..={max}")]
    OutOfRange {
        /// The setting, as the command line spells it (`--timing-samples`).
        what: &'static str,
        /// The value given.
        value: u64,
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },

    /// A file named by the user is larger than hookspec reads for its kind
    /// (see [`crate::input`]): the read stops at the limit, so a device such
    /// as `/dev/zero` or a mistaken path to a large file ends quickly.
    #[error("{}: larger than {}, the most hookspec reads for {what}", .path.display(), crate::input::human_bytes(*.limit))]
    TooLarge {
        /// The file involved.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
        /// What the file was read as (`a shared secret`).
        what: &'static str,
    },

    /// A CA certificate to trust (`--ca-cert`) is unusable: not PEM, a
    /// broken PEM, no `CERTIFICATE` block, or a block that is not an X.509
    /// certificate. The problem says what was found.
    #[error("{}: {problem}", ca_source(.path.as_deref()))]
    CaCert {
        /// The file, when the PEM was read from one
        /// ([`crate::target::TlsOptions::with_ca_file`]).
        path: Option<PathBuf>,
        /// What is wrong, and what was found instead.
        problem: String,
    },
}

fn ca_source(path: Option<&std::path::Path>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "CA certificate (TlsOptions::ca_cert_pem)".into(),
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
