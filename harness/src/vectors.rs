//! Portable, Wycheproof-style test vectors.
//!
//! One JSON file per scheme (`vectors/<scheme>.json`) lists concrete HTTP
//! requests (method, URL, headers, body), the receiver's clock (`now`), the
//! key material the receiver trusts (per group) and the verdict a correct
//! receiver must reach: `valid` (accept), `invalid` (reject) or `acceptable`
//! (either; the note of the test's flag says why).
//!
//! The files are *generated* by [`generate`] from rules over the scheme
//! description (no per-vendor table: any scheme the engine can sign gets
//! vectors) and checked in; `tests/vectors.rs` fails when they drift
//! (regenerate with `HOOKSPEC_BLESS=1 cargo test --test vectors`).
//!
//! **tcIds are stable.** Every rule has a stable key, and the scheme's
//! tcId ledger (`[vectors] ledger`, `vectors/<scheme>.ids`) gives each key
//! its published id; a key the ledger does not know gets a fresh id above
//! every used and retired one. An id is never reused: when a test goes,
//! its id becomes a `retired` line of the ledger ([`retired_tc_ids`]).
//! `vectors/README.md` has the details.
//!
//! Reading side: [`load`] is total (a malformed file is an [`Error`], never a
//! panic), [`TestGroup::trust`] and [`VectorTest::delivery`] turn a vector
//! back into the library's types and [`check`] runs the verifier on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::delivery::Delivery;
use crate::error::VectorProblem;
use crate::keys::{self, Trust};
use crate::scheme::{CredentialKind, SchemeId};
use crate::verify::{self, Policy, Rejection, Verified};
use crate::Error;

mod generator;
mod json;
pub(crate) mod ledger;

pub use generator::FIXED_NOW;

/// The version of the file format described in this module.
pub const SCHEMA_VERSION: u32 = 1;

/// The largest vector file [`load`] reads (the checked-in files are well
/// under 1 MiB).
pub const MAX_VECTOR_FILE_BYTES: u64 = 16 << 20;

/// Ids that were used by a case that no longer exists. They must never be
/// given to a new case (a receiver's expected-failure list may name them).
///
/// They come from the scheme's tcId ledger (`retired` lines; see
/// `vectors/README.md`).
pub fn retired_tc_ids(scheme: SchemeId) -> &'static [u32] {
    scheme.scheme().vectors.retired
}

/// One vector file: every test of one scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorFile {
    /// The scheme id (`certifylize`, …).
    pub scheme: String,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The number of tests over all groups.
    pub number_of_tests: usize,
    /// Free-text lines: what the file is, how it was made, the key warning.
    pub header: Vec<String>,
    /// What each flag used by a test means.
    pub notes: BTreeMap<String, Note>,
    /// Tests grouped by the key material the receiver trusts.
    pub test_groups: Vec<TestGroup>,
}

/// The meaning of one flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Note {
    /// The kind of bug a receiver failing such a test has.
    pub bug_type: BugType,
    /// What the flag means and why the result is what it is.
    pub description: String,
}

/// The kind of bug a failing receiver has (Wycheproof's idea, webhook terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum BugType {
    /// Accepting it lets an attacker deliver events.
    AuthBypass,
    /// Rejecting it breaks legitimate deliveries.
    Functionality,
    /// An unusual but legitimate input.
    EdgeCase,
    /// A malformed proof or envelope; must be refused without a crash.
    MalformedInput,
    /// Freshness: stale or future timestamps.
    Replay,
    /// A proof made with another algorithm or primitive.
    WrongPrimitive,
    /// A second encoding of a valid signature.
    Malleability,
}

/// The key material of a group, and the tests that use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestGroup {
    /// Shared secret (HMAC key or API key) as the scheme hands it out
    /// (decoded as its `secret_decoding` says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Published Ed25519 public keys, 64 hex digits each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_keys: Option<Vec<String>>,
    /// Published RSA public key, SPKI PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_pem: Option<String>,
    /// Accepted clock difference in seconds (`blink-signature` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<u64>,
    /// The tests.
    pub tests: Vec<VectorTest>,
}

/// One test: a request and the verdict a correct receiver reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorTest {
    /// Stable id, unique in the file.
    pub tc_id: u32,
    /// What the test is about (short).
    pub comment: String,
    /// Flags, each explained in the file's notes.
    pub flags: Vec<String>,
    /// The request as the sender puts it on the wire.
    pub request: Request,
    /// The receiver's clock, unix seconds.
    pub now: i64,
    /// The expected verdict.
    pub result: Expected,
}

/// An HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Request {
    /// HTTP method.
    pub method: String,
    /// Full URL including the query (fictional host; never contacted).
    pub url: String,
    /// Header fields in order, `[name, value]`; a name may repeat.
    pub headers: Vec<(String, String)>,
    /// The body, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in standard base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// The verdict a correct receiver reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// Must be accepted.
    Valid,
    /// Must be rejected.
    Invalid,
    /// Either is correct (see the flag's note).
    Acceptable,
}

impl Expected {
    /// Whether `accepted` is a correct verdict for this expectation.
    pub fn allows(self, accepted: bool) -> bool {
        match self {
            Expected::Valid => accepted,
            Expected::Invalid => !accepted,
            Expected::Acceptable => true,
        }
    }
}

impl Request {
    /// Builds the wire form of a delivery (bodies that are not UTF-8 go to
    /// `bodyBase64`). Header values must be UTF-8 text.
    pub fn from_delivery(d: &Delivery) -> Result<Self, Error> {
        let headers = d
            .headers
            .iter()
            .map(|(n, v)| {
                String::from_utf8(v.clone())
                    .map(|v| (n.clone(), v))
                    .map_err(|_| Error::Vector {
                        tc_id: None,
                        problem: VectorProblem::HeaderNotUtf8 { name: n.clone() },
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (body, body_base64) = match String::from_utf8(d.body.clone()) {
            Ok(s) => (Some(s), None),
            Err(_) => (None, Some(crate::encoding::encode_base64(&d.body))),
        };
        Ok(Request {
            method: d.method.clone(),
            url: d.url.clone(),
            headers,
            body,
            body_base64,
        })
    }

    /// The raw body bytes.
    pub fn body_bytes(&self) -> Result<Vec<u8>, Error> {
        self.body().map_err(|problem| Error::Vector {
            tc_id: None,
            problem,
        })
    }

    fn body(&self) -> Result<Vec<u8>, VectorProblem> {
        match (&self.body, &self.body_base64) {
            (Some(b), None) => Ok(b.as_bytes().to_vec()),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|source| VectorProblem::BodyBase64 { source }),
            _ => Err(VectorProblem::BodyAndBodyBase64),
        }
    }
}

impl VectorTest {
    /// The request as a [`Delivery`].
    pub fn delivery(&self) -> Result<Delivery, Error> {
        Ok(Delivery {
            method: self.request.method.clone(),
            url: self.request.url.clone(),
            headers: self
                .request
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.as_bytes().to_vec()))
                .collect(),
            body: self.request.body().map_err(|problem| Error::Vector {
                tc_id: Some(self.tc_id),
                problem,
            })?,
            name_case: crate::delivery::NameCase::Lower,
            trickle: None,
        })
    }

    /// A name for test runners: `tc17_truncated_signature`.
    pub fn name(&self) -> String {
        format!("tc{}_{}", self.tc_id, slug(&self.comment))
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('_').to_owned()
}

impl TestGroup {
    /// What a receiver configured for this group trusts.
    pub fn trust(&self, scheme: SchemeId) -> Result<Trust, Error> {
        let kind = scheme.scheme().credential;
        match (kind, &self.secret, &self.public_keys, &self.public_key_pem) {
            (CredentialKind::SharedSecret, Some(s), None, None) => {
                scheme.scheme().shared_key(s.as_bytes()).map(Trust::Secret)
            }
            (CredentialKind::Ed25519PublicKeys, None, Some(keys), None) => keys
                .iter()
                .map(|k| keys::ed25519_from_hex(k))
                .collect::<Result<Vec<_>, _>>()
                .map(Trust::Ed25519),
            (CredentialKind::RsaPublicKey, None, None, Some(pem)) => {
                keys::rsa_from_spki_pem(pem).map(|k| Trust::Rsa(vec![k]))
            }
            _ => Err(Error::Vector {
                tc_id: None,
                problem: VectorProblem::GroupCredential {
                    scheme: scheme.to_string(),
                    member: match kind {
                        CredentialKind::SharedSecret => "`secret`",
                        CredentialKind::Ed25519PublicKeys => "`publicKeys`",
                        CredentialKind::RsaPublicKey => "`publicKeyPem`",
                    },
                },
            }),
        }
    }

    /// The receiver's policy for `test` in this group.
    pub fn policy(&self, test: &VectorTest) -> Policy {
        Policy {
            now: test.now,
            tolerance_s: self.tolerance.unwrap_or(verify::DEFAULT_TOLERANCE_S),
        }
    }
}

impl VectorFile {
    /// The scheme this file is for.
    pub fn scheme_id(&self) -> Result<SchemeId, Error> {
        self.scheme.parse()
    }

    /// Every test with its group.
    pub fn tests(&self) -> impl Iterator<Item = (&TestGroup, &VectorTest)> {
        self.test_groups
            .iter()
            .flat_map(|g| g.tests.iter().map(move |t| (g, t)))
    }

    /// Checks the file against the schema: known scheme and version,
    /// `numberOfTests`, unique ids, a note for every flag, key material that
    /// fits the scheme, decodable bodies.
    pub fn validate(&self) -> Result<(), Error> {
        let scheme = self.scheme_id()?;
        if self.schema_version != SCHEMA_VERSION {
            return Err(invalid(VectorProblem::SchemaVersion {
                found: self.schema_version,
                expected: SCHEMA_VERSION,
            }));
        }
        let count = self.tests().count();
        if count != self.number_of_tests {
            return Err(invalid(VectorProblem::NumberOfTests {
                declared: self.number_of_tests,
                found: count,
            }));
        }
        let mut ids = BTreeSet::new();
        for group in &self.test_groups {
            group.trust(scheme)?;
            if group.tolerance.is_some() && !scheme.scheme().message.signs_timestamp() {
                return Err(invalid(VectorProblem::ToleranceNotTimestamped {
                    scheme: scheme.to_string(),
                }));
            }
            for t in &group.tests {
                let at = |problem| Error::Vector {
                    tc_id: Some(t.tc_id),
                    problem,
                };
                if !ids.insert(t.tc_id) {
                    return Err(at(VectorProblem::DuplicateTcId));
                }
                if let Some(f) = t.flags.iter().find(|f| !self.notes.contains_key(*f)) {
                    return Err(at(VectorProblem::FlagWithoutNote { flag: f.clone() }));
                }
                t.request.body().map_err(at)?;
            }
        }
        Ok(())
    }
}

fn invalid(problem: VectorProblem) -> Error {
    Error::Vector {
        tc_id: None,
        problem,
    }
}

/// The deterministic vector file of `scheme`.
pub fn generate(scheme: SchemeId) -> Result<VectorFile, Error> {
    generator::generate(scheme)
}

/// The file's canonical text: pretty JSON (two-space indent) and a final
/// newline. Stable: the same file always gives the same bytes.
pub fn to_json(file: &VectorFile) -> String {
    match serde_json::to_string_pretty(file) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Serializing these plain structs cannot fail (string keys only).
        Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
    }
}

/// Parses a vector file from text and validates it.
pub fn from_json(text: &[u8], what: &str) -> Result<VectorFile, Error> {
    let file: VectorFile = serde_json::from_slice(text).map_err(|source| Error::Json {
        what: what.to_owned(),
        source,
    })?;
    file.validate()?;
    Ok(file)
}

/// Reads and validates a vector file (at most [`MAX_VECTOR_FILE_BYTES`]).
pub fn load(path: impl AsRef<Path>) -> Result<VectorFile, Error> {
    use std::io::Read as _;
    let path = path.as_ref();
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut text = Vec::new();
    f.take(MAX_VECTOR_FILE_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| Error::io(path, e))?;
    if text.len() as u64 > MAX_VECTOR_FILE_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit: MAX_VECTOR_FILE_BYTES,
            what: "a vector file",
        });
    }
    from_json(&text, &path.display().to_string())
}

/// The path of `scheme`'s file under `dir`.
pub fn path_for(dir: &Path, scheme: SchemeId) -> PathBuf {
    dir.join(format!("{scheme}.json"))
}

/// Generates one scheme's file into `dir` (created if needed).
pub fn write_one(dir: &Path, scheme: SchemeId) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = path_for(dir, scheme);
    let text = to_json(&generate(scheme)?);
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Generates every scheme's file into `dir` (created if needed).
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    SchemeId::builtins()
        .into_iter()
        .map(|scheme| {
            let path = path_for(dir, scheme);
            let text = to_json(&generate(scheme)?);
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
            Ok(path)
        })
        .collect()
}

/// Runs the library's verifier on one test, as a receiver configured with
/// the group's keys and the test's clock would. A vector that cannot be
/// turned into a request or a key is reported as a malformed rejection.
pub fn check(
    scheme: SchemeId,
    group: &TestGroup,
    test: &VectorTest,
) -> Result<Verified, Rejection> {
    let broken = |e: Error| Rejection::Malformed {
        what: "test vector",
        why: e.to_string(),
    };
    let trust = group.trust(scheme).map_err(broken)?;
    let delivery = test.delivery().map_err(broken)?;
    verify::verify(scheme.scheme(), &trust, &delivery, &group.policy(test))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_identifiers() {
        assert_eq!(
            slug("One byte flipped (after signing)"),
            "one_byte_flipped_after_signing"
        );
        assert_eq!(slug("`SHA256=` prefix"), "sha256_prefix");
    }

    #[test]
    fn load_is_total_on_bad_input() {
        assert!(matches!(from_json(b"", "x"), Err(Error::Json { .. })));
        assert!(matches!(from_json(b"[]", "x"), Err(Error::Json { .. })));
        let bad = br#"{"scheme":"nope","schemaVersion":1,"numberOfTests":0,"header":[],"notes":{},"testGroups":[]}"#;
        assert!(matches!(
            from_json(bad, "x"),
            Err(Error::UnknownScheme { .. })
        ));
        let bad = br#"{"scheme":"cometh","schemaVersion":1,"numberOfTests":1,"header":[],"notes":{},"testGroups":[]}"#;
        assert!(matches!(
            from_json(bad, "x"),
            Err(Error::Vector {
                problem: VectorProblem::NumberOfTests {
                    declared: 1,
                    found: 0
                },
                ..
            })
        ));
        let bad = br#"{"scheme":"cometh","schemaVersion":1,"numberOfTests":0,"header":[],"notes":{},"testGroups":[{"secret":"s","tests":[]}]}"#;
        assert!(matches!(
            from_json(bad, "x"),
            Err(Error::Vector {
                problem: VectorProblem::GroupCredential { .. },
                ..
            })
        ));
        assert!(load("/nonexistent/hookspec.json").is_err());
    }

    #[test]
    fn generated_files_validate_and_round_trip() {
        for id in SchemeId::builtins() {
            let file = generate(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            file.validate().unwrap_or_else(|e| panic!("{id}: {e}"));
            let text = to_json(&file);
            let back = from_json(text.as_bytes(), "round trip").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, file);
        }
    }
}
