//! # hookspec
//!
//! A conformance test harness for webhook *receivers*. hookspec plays the
//! webhook sender: it signs valid, forged, malformed, duplicate, stale and
//! rotated-key deliveries for every scheme it knows and reports what the
//! receiver under test got wrong.
//!
//! The library is organised in small modules with one job each:
//!
//! - [`scheme`]: the six schemes as *descriptions* (where the proof lives,
//!   which bytes are signed, algorithm, encoding, statuses, event-id rule).
//! - [`describe`]: schemes as files: the TOML scheme format, its loader
//!   (errors with `path:line:column`) and the built-in files `schemes/*.toml`.
//! - [`delivery`]: the request model shared by signer, verifier and transport.
//! - [`encoding`] and [`parse`]: total, bounded decoders and header parsers.
//! - [`keys`]: key material (the checked-in test keys and user-supplied keys).
//! - [`sign`]: one engine that turns a description and a key into a delivery.
//! - [`verify`]: one engine that checks a delivery against trusted keys.
//! - [`vectors`]: the portable, Wycheproof-style test vectors.
//! - [`jsjson`]: JavaScript's `JSON.stringify(JSON.parse(text))`, for the
//!   schemes that sign `JSON.stringify(event)`.
//! - [`fuzzing`]: the fuzz targets as library functions (cargo-fuzz calls
//!   them; `tests/fuzz_corpus.rs` replays their corpora on stable).
//! - [`receiver`]: a correct reference receiver for every scheme.
//! - [`keyserver`]: emulation of the providers' public-key routes.
//! - [`redact`]: the one layer every outgoing text passes through (secrets
//!   out, terminal-hostile characters escaped).
//! - [`input`]: bounded reads of the files a user names.
//! - [`timing`]: the constant-time check (first vs last byte wrong), with
//!   dudect and robust paired statistics.

pub mod cases;
pub mod delivery;
pub mod demo;
pub mod describe;
pub mod encoding;
pub mod error;
pub mod fuzzing;
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
pub mod testing;
pub mod timing;
pub mod vectors;
pub mod verify;

pub use delivery::Delivery;
pub use error::Error;
pub use scheme::{Scheme, SchemeId};

/// The crate version, as reported in machine-readable outputs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
