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

    /// A private key is neither an Ed25519 nor an RSA key in PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`). The key itself is never repeated.
    #[error("not an Ed25519 or RSA PKCS#8 private key: give one in PEM (`-----BEGIN PRIVATE KEY-----`): {source}")]
    PrivateKeyPem {
        /// The PKCS#8 parser's error (for the RSA attempt, the last one
        /// tried).
        #[source]
        source: rsa::pkcs8::Error,
    },

    /// An Ed25519 public key given in hex is not hex.
    #[error("Ed25519 public key hex: give 64 hex digits: {source}")]
    Ed25519PublicKeyHex {
        /// The decoder's error.
        #[source]
        source: crate::encoding::DecodeError,
    },

    /// An Ed25519 public key given in hex has the wrong length.
    #[error("an Ed25519 public key is 32 bytes (64 hex digits); the one given is {bytes} bytes")]
    Ed25519PublicKeyLength {
        /// The length given, in bytes.
        bytes: usize,
    },

    /// 32 bytes that are not an Ed25519 public key (not a curve point).
    #[error("not a valid Ed25519 public key: {source}")]
    Ed25519PublicKey {
        /// The key parser's error.
        #[source]
        source: ed25519_dalek::SignatureError,
    },

    /// An RSA public key is not SubjectPublicKeyInfo PEM.
    #[error("not an RSA public key in SPKI PEM (`-----BEGIN PUBLIC KEY-----`): {source}")]
    RsaPublicKeyPem {
        /// The SPKI parser's error.
        #[source]
        source: rsa::pkcs8::spki::Error,
    },

    /// A public key could not be written as SPKI PEM.
    #[error("a public key could not be written as SPKI PEM: {source}")]
    PublicKeyPem {
        /// The encoder's error.
        #[source]
        source: rsa::pkcs8::spki::Error,
    },

    /// A scheme description names no test key with a role that is needed
    /// (`credential.test_keys`).
    #[error("scheme `{scheme}` names no test key with the role `{role}` (credential.test_keys)")]
    NoTestKey {
        /// The scheme.
        scheme: String,
        /// The role (`signing`, `unknown`).
        role: &'static str,
    },

    /// A key of one kind was used with an algorithm that needs another
    /// (e.g. an Ed25519 key for an HMAC scheme). Only the key's kind is
    /// named, never the key.
    #[error("scheme `{scheme}` signs with {algorithm:?}; a key of kind {given:?} does not fit")]
    KeyDoesNotFitAlgorithm {
        /// The scheme.
        scheme: String,
        /// The algorithm the scheme signs with.
        algorithm: crate::scheme::Algorithm,
        /// The kind of key given.
        given: crate::scheme::CredentialKind,
    },

    /// An RSA signature could not be computed (e.g. a modulus too small for
    /// the digest).
    #[error("RSA signing failed: {source}")]
    RsaSigning {
        /// The signer's error.
        #[source]
        source: rsa::Error,
    },

    /// The timing test edits the first and last byte of a proof, and this
    /// proof is shorter than two bytes.
    #[error("timing: the proof must be at least 2 bytes long; this one is {len}")]
    TimingProofTooShort {
        /// The proof's length, in bytes.
        len: usize,
    },

    /// The timing test of an API-key scheme edits the key's first and last
    /// characters within their class, so both must be ASCII.
    #[error("timing: the API key must start and end with ASCII characters")]
    TimingApiKeyNotAscii,

    /// A shared-secret scheme was asked for without the receiver's secret.
    #[error("scheme `{scheme}` needs the receiver's secret ({give_with})")]
    MissingSecret {
        /// The scheme.
        scheme: String,
        /// How a secret is given where the run was set up
        /// (`--secret, --secret-env or --secret-file`).
        give_with: &'static str,
    },

    /// The shared secret is empty: no receiver may accept one, so neither
    /// a run nor the reference receiver starts with it.
    #[error(
        "the shared secret is empty: no receiver may accept an empty secret (it must fail closed)"
    )]
    EmptySecret,

    /// The shared secret is too short to be found and redacted in test
    /// output (see [`crate::redact::MIN_SECRET_LEN`]).
    #[error("the secret is shorter than {min} bytes: too short to be kept out of test output (and too short for any receiver to accept)")]
    SecretTooShort {
        /// The shortest secret accepted, in bytes.
        min: usize,
    },

    /// A public-key scheme's receiver was given an empty key set.
    #[error("no {algorithm} public key given")]
    MissingPublicKey {
        /// The key type (`Ed25519`, `RSA`).
        algorithm: &'static str,
    },

    /// The trusted key material is of another kind than the scheme uses
    /// (e.g. a shared secret for an Ed25519 scheme).
    #[error("the scheme needs a credential of kind {needed:?}; the one given is {given:?}")]
    CredentialMismatch {
        /// The kind the scheme uses.
        needed: crate::scheme::CredentialKind,
        /// The kind given.
        given: crate::scheme::CredentialKind,
    },

    /// A key server was asked for a scheme whose receivers share a secret
    /// (there are no keys to publish).
    #[error("scheme `{scheme}` uses a shared secret; it has no key server")]
    NoKeyServer {
        /// The scheme.
        scheme: String,
    },

    /// Keys were to be fetched for a scheme whose description names no
    /// route publishing them (`credential.key_routes`).
    #[error("scheme `{scheme}` names no route that publishes its keys (credential.key_routes); give the keys instead")]
    NoKeyRoute {
        /// The scheme.
        scheme: String,
    },

    /// A URL does not parse. The URL itself is not repeated: its
    /// user-info may hold a password.
    #[error("{what} is not a valid URL: {source}")]
    InvalidUrl {
        /// Which URL (`the URL given`, `the key server URL`).
        what: &'static str,
        /// The parser's error.
        #[source]
        source: url::ParseError,
    },

    /// A URL has no host, so it cannot be sent to, nor given another host
    /// or port.
    #[error("{what} has no host: give an http:// or https:// URL")]
    UrlWithoutHost {
        /// Which URL (`the delivery's URL`).
        what: &'static str,
    },

    /// A receiver URL whose scheme is neither `http` nor `https`.
    #[error("`{url}`: only http:// and https:// receivers can be tested")]
    UnsupportedUrlScheme {
        /// The URL, without its user-info.
        url: String,
    },

    /// The HTTP client could not be built (e.g. the TLS backend refused a
    /// CA certificate).
    #[error("HTTP client: {source}")]
    HttpClient {
        /// The client builder's error.
        #[source]
        source: reqwest::Error,
    },

    /// A scheme's sample event (`sample` in the description) is not JSON,
    /// so a case that re-serializes the body cannot be built.
    #[error("scheme `{scheme}`: the sample event is not JSON: {source}")]
    SampleNotJson {
        /// The scheme.
        scheme: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },

    /// A body could not be gzip-compressed.
    #[error("gzip: {source}")]
    Gzip {
        /// The compressor's error.
        #[source]
        source: std::io::Error,
    },

    /// A case needs the echo handshake (a challenge the receiver must
    /// answer), which the scheme does not describe.
    #[error("scheme `{scheme}` has no echo handshake")]
    NoEchoHandshake {
        /// The scheme.
        scheme: String,
    },

    /// A case names a handshake the scheme does not describe.
    #[error("scheme `{scheme}` has no handshake `{handshake}`")]
    NoSuchHandshake {
        /// The scheme.
        scheme: String,
        /// The handshake asked for.
        handshake: String,
    },

    /// A handshake's body must be edited (a member set) but is not JSON.
    #[error("handshake `{handshake}`: its body is not JSON: {source}")]
    HandshakeBody {
        /// The handshake.
        handshake: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },

    /// A case needs the scheme's deliveries to carry an event id, and the
    /// scheme's do not.
    #[error("scheme `{scheme}`: its deliveries carry no event id")]
    NoEventId {
        /// The scheme.
        scheme: String,
    },

    /// A timing setting is outside what the statistics accept.
    #[error("timing: {setting} must {}", .setting.requirement())]
    InvalidTiming {
        /// The setting.
        setting: crate::timing::TimingSetting,
    },

    /// A line of an expected-failures file has no `# reason`.
    #[error("expected-failures line {line}: `{text}` has no reason; write `<case id>  # <why it fails for now>`")]
    ExpectedFailureWithoutReason {
        /// The line number, from 1.
        line: usize,
        /// The line's text.
        text: String,
    },

    /// A line of an expected-failures file has an empty case id or reason,
    /// or a case id with white space in it.
    #[error("expected-failures line {line}: write `<case id>  # <reason>`")]
    MalformedExpectedFailure {
        /// The line number, from 1.
        line: usize,
    },

    /// The JUnit XML report could not be written.
    #[error("JUnit serialization: {source}")]
    Junit {
        /// The serializer's error.
        #[source]
        source: quick_junit::SerializeError,
    },

    /// A part of a delivery is not UTF-8, so it cannot be written as a
    /// shell command.
    #[error("{part} is not UTF-8: use --format http")]
    NotUtf8ForShell {
        /// The part (`the body`, `header NAME`).
        part: String,
        /// The decoder's error.
        #[source]
        source: std::str::Utf8Error,
    },

    /// A part of a delivery holds a NUL byte, which no shell argument can
    /// carry.
    #[error("{part} contains a NUL byte, which a shell argument cannot carry: use --format http")]
    NulForShell {
        /// The part (`the body`, `header NAME`).
        part: String,
    },

    /// The external receiver of [`crate::testing::Suite::from_env`] is not
    /// configured: `HOOKSPEC_URL` is not set.
    #[error("set HOOKSPEC_URL, HOOKSPEC_SCHEME and HOOKSPEC_SECRET (optionally HOOKSPEC_EFFECTS_URL, HOOKSPEC_KEY_SERVER_ADDR, HOOKSPEC_STRICT=1) to run against an external receiver")]
    ExternalReceiverNotConfigured,

    /// `HOOKSPEC_URL` is set, but no scheme is named.
    #[error("HOOKSPEC_URL is set but neither HOOKSPEC_SCHEME nor HOOKSPEC_SCHEME_FILE is")]
    ExternalSchemeNotNamed,

    /// `HOOKSPEC_SCHEME` names another scheme than `HOOKSPEC_SCHEME_FILE`
    /// describes.
    #[error("HOOKSPEC_SCHEME is `{named}` but the scheme of HOOKSPEC_SCHEME_FILE is `{file}`")]
    ExternalSchemeMismatch {
        /// The scheme `HOOKSPEC_SCHEME` names.
        named: String,
        /// The scheme of the file.
        file: String,
    },

    /// An environment variable of [`crate::testing::Suite::from_env`] has a
    /// value that cannot be used.
    #[error("{name}: {source}")]
    EnvVar {
        /// The variable (`HOOKSPEC_KEY_SERVER_ADDR`).
        name: &'static str,
        /// Why its value cannot be used.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

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
    #[error("invalid test vector: {}{problem}", tc_prefix(*.tc_id))]
    Vector {
        /// The test (`tcId`) the problem is in, when it is in one.
        tc_id: Option<u32>,
        /// What breaks the schema.
        #[source]
        problem: VectorProblem,
    },

    /// The vector generator could not build a scheme's file: a bug in a
    /// rule or in the scheme's vector ledger, not in the user's input.
    #[error("generator: {problem}")]
    Generator {
        /// What went wrong.
        #[source]
        problem: GeneratorProblem,
    },

    /// The vector generator could not build one test.
    #[error("generator: {scheme} tcId {tc_id} ({rule}): {source}")]
    GeneratorCase {
        /// The scheme.
        scheme: String,
        /// The test's id.
        tc_id: u32,
        /// The rule's key.
        rule: String,
        /// Why the test could not be built.
        #[source]
        source: Box<Error>,
    },

    /// A server (reference receiver, key server) could not bind its
    /// address.
    #[error("{server}: cannot bind {addr}: {source}")]
    Bind {
        /// The server (`key server`, `receiver`).
        server: &'static str,
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The socket's error.
        #[source]
        source: std::io::Error,
    },

    /// A server's listening socket did not tell its local address.
    #[error("{server}: cannot read the listening address: {source}")]
    LocalAddr {
        /// The server (`key server`, `receiver`).
        server: &'static str,
        /// The socket's error.
        #[source]
        source: std::io::Error,
    },

    /// A server stopped with an error while serving.
    #[error("{server}: {source}")]
    Serve {
        /// The server (`key server`, `receiver`).
        server: &'static str,
        /// The server's error.
        #[source]
        source: std::io::Error,
    },

    /// A server's task panicked or was cancelled.
    #[error("{server} task: {source}")]
    ServerTask {
        /// The server (`key server`).
        server: &'static str,
        /// The task's error.
        #[source]
        source: tokio::task::JoinError,
    },

    /// The Tokio runtime a blocking run needs could not be started.
    #[error("cannot start the Tokio runtime: {source}")]
    Runtime {
        /// The runtime builder's error.
        #[source]
        source: std::io::Error,
    },

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
        #[source]
        problem: CaCertProblem,
    },
}

/// What is wrong with a CA certificate to trust ([`Error::CaCert`]).
///
/// The enum is `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaCertProblem {
    /// The PEM is empty.
    #[error("not PEM: the file is empty")]
    Empty,

    /// Text without any `-----BEGIN ` line.
    #[error("not PEM: no `-----BEGIN CERTIFICATE-----` line (it starts with `{starts_with}`)")]
    NotPem {
        /// The start of its first line (at most 40 bytes, lossily
        /// decoded).
        starts_with: String,
    },

    /// Binary data, most likely a DER certificate.
    #[error("not PEM: binary data (a DER certificate? convert it with `openssl x509 -inform der -in FILE -out FILE.pem`)")]
    Binary,

    /// A PEM block does not parse (bad base64, no `END` line, …).
    #[error("broken PEM (block {block}): {source}")]
    BrokenPem {
        /// The block, counting every PEM block from 1.
        block: usize,
        /// The PEM parser's error.
        #[source]
        source: rustls_pki_types::pem::Error,
    },

    /// A `CERTIFICATE` block is refused by the HTTP client.
    #[error("CERTIFICATE block {block}: {source}")]
    Certificate {
        /// The block, counting `CERTIFICATE` blocks from 1.
        block: usize,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },

    /// A `CERTIFICATE` block holds something that is not an X.509
    /// certificate (the TLS backend refuses it as a trust anchor).
    #[error("CERTIFICATE block {block} is not an X.509 certificate: {source}")]
    NotX509 {
        /// The block, counting `CERTIFICATE` blocks from 1.
        block: usize,
        /// The client builder's error (its causes say why).
        #[source]
        source: reqwest::Error,
    },

    /// PEM without any `CERTIFICATE` block (e.g. a private key).
    #[error("no PEM CERTIFICATE block; found: {}", .found.join(", "))]
    NoCertificate {
        /// The labels of the blocks found (`PRIVATE KEY`).
        found: Vec<String>,
    },
}

/// How a vector file breaks the vector schema ([`Error::Vector`]).
///
/// The enum is `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorProblem {
    /// The file's `schemaVersion` is not the one this hookspec reads.
    #[error("schemaVersion {found} is not supported (expected {expected})")]
    SchemaVersion {
        /// The version in the file.
        found: u32,
        /// The version supported.
        expected: u32,
    },

    /// `numberOfTests` does not count the file's tests.
    #[error("numberOfTests is {declared} but the file has {found} tests")]
    NumberOfTests {
        /// The file's `numberOfTests`.
        declared: usize,
        /// The tests in the file.
        found: usize,
    },

    /// A test group does not give exactly the one key member its scheme's
    /// credential kind uses.
    #[error("a `{scheme}` group needs exactly one of {member}")]
    GroupCredential {
        /// The scheme.
        scheme: String,
        /// The member it needs (`` `secret` ``, `` `publicKeys` ``,
        /// `` `publicKeyPem` ``).
        member: &'static str,
    },

    /// A group sets `tolerance` for a scheme that signs no timestamp.
    #[error("`tolerance` is only meaningful for timestamped schemes, not `{scheme}`")]
    ToleranceNotTimestamped {
        /// The scheme.
        scheme: String,
    },

    /// Two tests have the same `tcId` (the error's `tc_id`).
    #[error("another test has this tcId; give each test its own")]
    DuplicateTcId,

    /// A test names a flag that the file's `notes` do not explain.
    #[error("flag `{flag}` has no note")]
    FlagWithoutNote {
        /// The flag.
        flag: String,
    },

    /// A request has both or neither of `body` and `bodyBase64`.
    #[error("a request has exactly one of `body` and `bodyBase64`")]
    BodyAndBodyBase64,

    /// A request's `bodyBase64` is not base64.
    #[error("bodyBase64: {source}")]
    BodyBase64 {
        /// The decoder's error.
        #[source]
        source: base64::DecodeError,
    },

    /// A header value is not UTF-8, so it cannot be written in a vector
    /// file (which holds header values as text).
    #[error("header `{name}` is not UTF-8 text")]
    HeaderNotUtf8 {
        /// The header's name.
        name: String,
    },
}

/// What stopped the vector generator ([`Error::Generator`]): each is a
/// bug in a rule, in a scheme's description or in its vector ledger.
///
/// The enum is `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeneratorProblem {
    /// Two rules make the same key for a scheme.
    #[error("{scheme}: rule key `{key}` made twice")]
    RuleKeyTwice {
        /// The scheme.
        scheme: String,
        /// The rule key.
        key: String,
    },

    /// The scheme's vector ledger names a rule key no rule makes.
    #[error("{scheme}: the ledger names `{key}`, which no rule makes for this scheme; retire its tcId instead")]
    LedgerKeyUnmade {
        /// The scheme.
        scheme: String,
        /// The rule key.
        key: String,
    },

    /// A test would get a retired `tcId`.
    #[error("{scheme}: tcId {tc_id} is retired")]
    RetiredTcId {
        /// The scheme.
        scheme: String,
        /// The retired id.
        tc_id: u32,
    },

    /// A rule puts its test in a group the scheme's file does not have.
    #[error("{scheme} has no group {group}")]
    NoGroup {
        /// The scheme.
        scheme: String,
        /// The group.
        group: String,
    },

    /// A flag has no note to explain it.
    #[error("flag `{flag}` has no note")]
    FlagWithoutNote {
        /// The flag.
        flag: String,
    },

    /// A text edit did not find the text to replace.
    #[error("`{text}` not found")]
    TextNotFound {
        /// The text looked for.
        text: String,
    },

    /// The event has no string value to edit.
    #[error("the event has no string value")]
    NoStringValue,

    /// The event's first string value does not end.
    #[error("unterminated string")]
    UnterminatedString,

    /// The event's first string value has no letter or digit to edit.
    #[error("the first string value has no letter or digit")]
    NoLetterOrDigit,

    /// An edit of the body changed nothing.
    #[error("a rewritten body is identical to the original")]
    BodyUnchanged,

    /// A signature to edit is not 64 bytes long.
    #[error("not an Ed25519 signature ({len} bytes)")]
    NotEd25519Signature {
        /// Its length, in bytes.
        len: usize,
    },

    /// A list rule for a scheme whose proof is not a signature list.
    #[error("not a signature list")]
    NotSignatureList,

    /// A timestamp rule for a scheme whose proof header is not a
    /// key/value list.
    #[error("not a key/value list")]
    NotKeyValueList,

    /// A rotation rule for a scheme without a rotation key.
    #[error("no rotation key")]
    NoRotationKey,

    /// A rule names a scheme that is not built in.
    #[error("no scheme `{id}`")]
    NoScheme {
        /// The id.
        id: String,
    },

    /// A rule needs a proof header, and the scheme has none.
    #[error("`{scheme}` has no proof header")]
    NoProofHeader {
        /// The scheme.
        scheme: String,
    },

    /// A delivery lacks a header a rule edits.
    #[error("no header `{name}`")]
    NoHeader {
        /// The header's name.
        name: String,
    },

    /// The base body is already above the large body's size.
    #[error("base body above 64 KiB")]
    BaseBodyTooLarge,

    /// The large body did not come out at its size.
    #[error("large body has the wrong size ({len} bytes)")]
    LargeBodyWrongSize {
        /// The size it has.
        len: usize,
    },
}

fn tc_prefix(tc_id: Option<u32>) -> String {
    tc_id.map(|t| format!("tcId {t}: ")).unwrap_or_default()
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
