//! # hookspec
//!
//! A conformance test harness for webhook *receivers*. hookspec plays the
//! webhook sender: it signs valid, forged, malformed, duplicate, stale and
//! rotated-key deliveries for every scheme it knows and reports what the
//! receiver under test got wrong.
//!
//! The library is organised in small modules with one job each, in the
//! order of the flow: describe → sign → send → judge → report.
//!
//! **Describe**
//! - [`scheme`]: what a scheme *is* to the engine (where the proof lives,
//!   which bytes are signed, algorithm, encoding, statuses, event-id rule),
//!   and [`SchemeId`], a handle on a registered description.
//! - [`describe`]: schemes as files: the TOML scheme format, its loader
//!   (errors with `path:line:column`), the conversion into a [`Scheme`] and
//!   the registry of known schemes (the built-in files `schemes/*.toml`,
//!   compiled in, and the files users load). Nothing else names a scheme.
//! - [`payload`]: realistic events and bodies for a scheme.
//! - [`cases`]: the case catalogue, derived from a description.
//!
//! **Sign**
//! - [`keys`]: key material (the checked-in test keys and user-supplied keys).
//! - [`sign`]: one engine that turns a description and a key into a delivery.
//! - [`encoding`] and [`parse`]: total, bounded decoders and header parsers.
//! - [`jsjson`]: JavaScript's `JSON.stringify(JSON.parse(text))`, for the
//!   schemes that sign `JSON.stringify(event)`.
//!
//! **Send**
//! - [`delivery`]: the request model shared by signer, verifier and transport.
//! - [`target`]: how a delivery reaches a receiver (HTTP, or in-process).
//!
//! **Judge**
//! - [`runner`]: sends every case and judges the answers, check by check.
//! - [`timing`]: the constant-time check (first vs last byte wrong), with
//!   dudect and robust paired statistics.
//! - [`verify`]: one engine that checks a delivery against trusted keys
//!   (the receiver side, used by the reference receiver and the vectors).
//!
//! **Report**
//! - [`report`]: human, JSON, JUnit and Markdown reports, the baseline, the
//!   exit code.
//! - [`targets`]: the `run --config` file: many receivers in one run.
//! - [`html_report`]: the HTML report, one self-contained file rendered
//!   from the JSON report (inline CSS, script and SVG charts).
//! - [`render`]: a delivery as a `curl` command or a raw HTTP request.
//! - [`catalogue_doc`]: the case catalogue as a document (`hookspec cases`,
//!   `docs/cases.md`): every case id with its level, requirement and
//!   reference, Markdown or JSON.
//! - [`redact`]: the one layer every outgoing text passes through (secrets
//!   out, terminal-hostile characters escaped).
//!
//! **Around the flow**
//! - [`receiver`]: a correct reference receiver for every scheme.
//! - [`keyserver`]: emulation of the providers' public-key routes.
//! - [`demo`]: the reference receiver and key server on loopback, with the
//!   suite run against them.
//! - [`testing`]: the suite from `cargo test` (linked or over HTTP).
//! - [`vectors`]: the portable, Wycheproof-style test vectors.
//! - [`fuzzing`]: the fuzz targets as library functions (cargo-fuzz calls
//!   them; `tests/fuzz_corpus.rs` replays their corpora on stable).
//! - [`input`]: bounded reads of the files a user names.
//! - [`error`]: the library's error type.
//! - `body` (private): bounded request-body reads for the servers above.

mod body;
pub mod cases;
pub mod catalogue_doc;
pub mod delivery;
pub mod demo;
pub mod describe;
pub mod encoding;
pub mod error;
pub mod fuzzing;
pub mod html_report;
pub mod input;
pub mod jsjson;
pub mod keys;
pub mod keyserver;
pub mod parse;
pub mod payload;
pub mod receiver;
pub mod redact;
pub mod render;
pub mod report;
pub mod runner;
pub mod scheme;
pub mod sign;
pub mod target;
pub mod targets;
pub mod testing;
pub mod timing;
pub mod vectors;
pub mod verify;

pub use delivery::Delivery;
pub use error::Error;
pub use scheme::{Scheme, SchemeId};

/// The crate version, as reported in machine-readable outputs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
