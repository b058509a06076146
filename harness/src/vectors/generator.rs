//! The case tables and the deterministic generator behind `vectors/*.json`.
//!
//! Each scheme has one table of [`Case`]s. A case carries its **explicit,
//! stable tcId** (a literal, never a position), its expected result, flags,
//! a short comment and a function that builds the request with the library's
//! own signing steps ([`crate::sign`]), changing one step for forgeries.
//! Nothing here depends on the clock or on an unseeded RNG: the same source
//! always gives the same bytes.

use hmac::{Hmac, Mac};
use rand_chacha::rand_core::SeedableRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256, Sha512};

use super::json;
use super::{
    retired_tc_ids, BugType, Expected, Note, Request, TestGroup, VectorFile, VectorTest,
    SCHEMA_VERSION,
};
use crate::delivery::Delivery;
use crate::encoding;
use crate::keys::test_keys::{self, TEST_SECRET};
use crate::keys::RoleKeys;
use crate::keys::{self, SigningKey};
use crate::scheme::{Carrier, Scheme, SchemeId};
use crate::sign::{self, KeyPlacement, Payload};
use crate::Error;

/// The receiver clock of every vector (2023-11-14T22:13:20Z), unix seconds.
pub const FIXED_NOW: i64 = 1_700_000_000;

/// A second secret, for "signed with the wrong secret" cases. Test-only.
const WRONG_SECRET: &str = "hookspec-wrong-secret-not-for-production";

/// The size of the large-body cases, in bytes (the whole request body).
const LARGE_BODY: usize = 64 * 1024;

/// The seed of the RNG used for randomized signatures (RSA-PSS).
const RNG_SEED: u64 = 0x686f_6f6b_7370_6563; // "hookspec"

type Build = Box<dyn Fn(&Gen, u32) -> Result<Delivery, Error>>;

/// One test case of a scheme's table.
struct Case {
    tc: u32,
    group: usize,
    comment: String,
    flags: Vec<&'static str>,
    result: Expected,
    now: i64,
    build: Build,
}

impl Case {
    fn group(mut self, group: usize) -> Self {
        self.group = group;
        self
    }
}

fn case(
    tc: u32,
    result: Expected,
    flags: &[&'static str],
    comment: &str,
    build: impl Fn(&Gen, u32) -> Result<Delivery, Error> + 'static,
) -> Case {
    Case {
        tc,
        group: 0,
        comment: comment.to_owned(),
        flags: flags.to_vec(),
        result,
        now: FIXED_NOW,
        build: Box::new(build),
    }
}

/// A case that takes the valid encoded proof of the standard event and
/// rewrites it with `edit`.
fn edit(
    tc: u32,
    result: Expected,
    flags: &[&'static str],
    comment: &str,
    edit: impl Fn(String) -> String + 'static,
) -> Case {
    case(tc, result, flags, comment, move |g, tc| {
        let text = g.valid_text(tc)?;
        g.with_text(tc, &edit(text))
    })
}

/// A case whose proof header is replaced by `value(valid_text)`, verbatim
/// (prefix included).
fn raw_header(
    tc: u32,
    result: Expected,
    flags: &[&'static str],
    comment: &str,
    value: impl Fn(&Gen, String) -> Result<Vec<u8>, Error> + 'static,
) -> Case {
    case(tc, result, flags, comment, move |g, tc| {
        let text = g.valid_text(tc)?;
        let mut d = g.with_text(tc, &text)?;
        d.set_header(g.proof_header()?, value(g, text)?);
        Ok(d)
    })
}

// ---------------------------------------------------------------------------
// Text edits (total: they work on chars, never index).

fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn drop_last(s: &str) -> String {
    head(s, s.chars().count().saturating_sub(1))
}

fn replace_at(s: &str, at: usize, with: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i == at {
                with.to_owned()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Changes the last hex digit to another hex digit.
fn flip_last_hex(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i + 1 == n {
                if c == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                c
            }
        })
        .collect()
}

fn mixed_case(s: &str) -> String {
    let mut upper = true;
    s.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                upper = !upper;
                if upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    encoding::encode_hex(bytes)
}

fn b64(bytes: &[u8]) -> String {
    encoding::encode_base64(bytes)
}

fn hmac_sha1(key: &[u8], msg: &[u8]) -> Result<Vec<u8>, Error> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).map_err(|e| Error::Key(e.to_string()))?;
    m.update(msg);
    Ok(m.finalize().into_bytes().to_vec())
}

fn hmac_sha512(key: &[u8], msg: &[u8]) -> Result<Vec<u8>, Error> {
    let mut m = Hmac::<Sha512>::new_from_slice(key).map_err(|e| Error::Key(e.to_string()))?;
    m.update(msg);
    Ok(m.finalize().into_bytes().to_vec())
}

/// Replaces the single occurrence of `from` in `s` (an error if absent).
fn replace_once(s: &str, from: &str, to: &str) -> Result<String, Error> {
    if !s.contains(from) {
        return Err(Error::Vector(format!("generator: `{from}` not found")));
    }
    Ok(s.replacen(from, to, 1))
}

fn differ(a: &str, b: &str) -> Result<(), Error> {
    if a == b {
        return Err(Error::Vector(
            "generator: a rewritten body is identical to the original".into(),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Bodies.

/// A body a naive receiver may re-serialize differently; each kind is valid
/// JSON and, for the raw-body schemes, signed exactly as sent.
#[derive(Debug, Clone, Copy)]
enum Hard {
    Pretty,
    PrettyCrlf,
    NonAsciiRaw,
    NonAsciiEscaped,
    Emoji,
    EmojiRaw,
    LineSeparators,
    EscapedSlash,
    EscapedLt,
    SlashLtRaw,
    CrlfInString,
    ControlChars,
    BigInteger,
    JsBigInteger,
    OnePointZero,
    NegativeZero,
    Exponent,
    JsNumbers,
    EmptyContainers,
    KeyOrder,
    JsKeyOrder,
    Large,
}

impl Hard {
    fn comment(self) -> &'static str {
        match self {
            Hard::Pretty => "pretty-printed body (LF, two-space indent)",
            Hard::PrettyCrlf => "pretty-printed body with CRLF line ends and tabs",
            Hard::NonAsciiRaw => "non-ASCII text as raw UTF-8",
            Hard::NonAsciiEscaped => "non-ASCII text as \\u escapes",
            Hard::Emoji => "emoji, raw and as an escaped surrogate pair",
            Hard::EmojiRaw => "emoji with ZWJ sequence and flag, raw UTF-8",
            Hard::LineSeparators => "raw U+2028 and U+2029 inside a string",
            Hard::EscapedSlash => "escaped slashes \\/",
            Hard::EscapedLt => "HTML characters escaped as \\u003c \\u003e \\u0026",
            Hard::SlashLtRaw => "raw / < > & in strings",
            Hard::CrlfInString => "CRLF inside a string",
            Hard::ControlChars => "control characters, quote and backslash escapes",
            Hard::BigInteger => "integers beyond 2^53 and beyond i64",
            Hard::JsBigInteger => "integer above 2^53 in JavaScript's spelling",
            Hard::OnePointZero => "numbers 1.0 and 2.50",
            Hard::NegativeZero => "numbers -0 and -0.0",
            Hard::Exponent => "numbers 1e21, 1E-7 and 2e+3",
            Hard::JsNumbers => "numbers 1e+21, 1e-7, 0.1, -1.5 in JavaScript's spelling",
            Hard::EmptyContainers => "empty objects and arrays",
            Hard::KeyOrder => "keys in non-alphabetical order",
            Hard::JsKeyOrder => "non-alphabetical keys, integer-like keys first",
            Hard::Large => "64 KiB body",
        }
    }

    /// Members added to the standard event (a JSON fragment).
    fn extra(self) -> &'static str {
        match self {
            Hard::NonAsciiRaw => "\"note\":\"Zoë Ångström — Müller, 東京, Καλημέρα\"",
            Hard::NonAsciiEscaped => {
                r#""note":"Zo\u00eb \u00c5ngstr\u00f6m \u2014 M\u00fcller, \u6771\u4eac""#
            }
            Hard::Emoji => "\"emoji\":\"🎓✅👩🏽‍🎓🇩🇪\",\"emojiEscaped\":\"\\ud83c\\udf93\"",
            Hard::EmojiRaw => "\"emoji\":\"🎓✅👩🏽‍🎓🇩🇪\"",
            Hard::LineSeparators => "\"note\":\"line\u{2028}separator\u{2029}paragraph\"",
            Hard::EscapedSlash => r#""url":"https:\/\/receiver.example\/certs\/1""#,
            Hard::EscapedLt => r#""html":"\u003cb\u003ebold\u003c\/b\u003e \u0026 \u003e""#,
            Hard::SlashLtRaw => {
                r#""url":"https://receiver.example/certs/1","html":"<b>bold</b> & >""#
            }
            Hard::CrlfInString => r#""text":"line one\r\nline two\r\n""#,
            Hard::ControlChars => {
                r#""ctl":"tab\tbell\u0007esc\u001bnul\u0000","quote":"say \"hi\" \\ bye""#
            }
            Hard::BigInteger => r#""serial":12345678901234567890,"below":-9223372036854775809"#,
            Hard::JsBigInteger => r#""serial":1152921504606847000"#,
            Hard::OnePointZero => r#""score":1.0,"ratio":2.50"#,
            Hard::NegativeZero => r#""delta":-0,"delta2":-0.0"#,
            Hard::Exponent => r#""huge":1e21,"tiny":1E-7,"plus":2e+3"#,
            Hard::JsNumbers => {
                r#""huge":1e+21,"tiny":1e-7,"frac":0.1,"neg":-1.5,"big":123456789012345680000"#
            }
            Hard::EmptyContainers => r#""extra_fields":{},"tags":[],"nested":{"a":[],"b":{}}"#,
            Hard::KeyOrder => r#""zulu":1,"alpha":2,"mike":{"z":true,"a":false,"10":0,"9":1}"#,
            Hard::JsKeyOrder => r#""zulu":1,"alpha":2,"mike":{"9":1,"10":0,"z":true,"a":false}"#,
            Hard::Pretty | Hard::PrettyCrlf | Hard::Large => "",
        }
    }

    fn flags(self) -> &'static [&'static str] {
        match self {
            Hard::Large => &["LargeBody"],
            _ => &["HardBody"],
        }
    }
}

/// A valid delivery carrying a hard body.
fn hard(tc: u32, h: Hard) -> Case {
    case(
        tc,
        Expected::Valid,
        h.flags(),
        h.comment(),
        move |g, tc| match h {
            Hard::Large => g.large(tc, &|body| g.signed(tc, body)),
            _ => g.signed(tc, g.hard_body(tc, h)),
        },
    )
}

/// An event whose sent form differs from `JSON.stringify(JSON.parse(sent))`
/// (the `canonical` form), for the JSON.stringify schemes.
#[derive(Debug, Clone, Copy)]
enum NonCanon {
    Pretty,
    EscapedSlash,
    EscapedNonAscii,
    OnePointZero,
    BigInteger,
    IntegerKey,
}

impl NonCanon {
    fn comment(self) -> &'static str {
        match self {
            NonCanon::Pretty => "pretty-printed event, signature over its JSON.stringify form",
            NonCanon::EscapedSlash => "\\/ in the event, signature over the JSON.stringify form",
            NonCanon::EscapedNonAscii => {
                "\\u00e9 escapes in the event, signature over the JSON.stringify form"
            }
            NonCanon::OnePointZero => "1.0 in the event, signature over the JSON.stringify form",
            NonCanon::BigInteger => {
                "12345678901234567890 in the event, signature over the JSON.stringify form"
            }
            NonCanon::IntegerKey => {
                "integer-like key after a string key, signature over the JSON.stringify form"
            }
        }
    }

    /// (sent fragment, JSON.stringify's fragment)
    fn fragments(self) -> (&'static str, &'static str) {
        match self {
            NonCanon::Pretty => ("", ""),
            NonCanon::EscapedSlash => (
                r#""url":"https:\/\/receiver.example\/certs\/1""#,
                r#""url":"https://receiver.example/certs/1""#,
            ),
            NonCanon::EscapedNonAscii => (
                r#""note":"caf\u00e9 \u2014 na\u00efve""#,
                "\"note\":\"café — naïve\"",
            ),
            NonCanon::OnePointZero => (r#""score":1.0"#, r#""score":1"#),
            NonCanon::BigInteger => (
                r#""serial":12345678901234567890"#,
                r#""serial":12345678901234567000"#,
            ),
            NonCanon::IntegerKey => (r#""map":{"zulu":1,"7":2}"#, r#""map":{"7":2,"zulu":1}"#),
        }
    }
}

fn non_canonical(tc: u32, nc: NonCanon) -> Case {
    case(
        tc,
        Expected::Acceptable,
        &["NonCanonicalJson"],
        nc.comment(),
        move |g, tc| {
            let (sent, canonical) = g.non_canonical(tc, nc);
            differ(&sent, &canonical)?;
            g.forged(tc, canonical.as_bytes(), sent.as_bytes())
        },
    )
}

const BLOCKMARK_TEMPLATE: &str = r#"{"event":"@TYPE@","data":{"slug":"@ID@","name_on_certificate":"Ada Example","has_name_mismatch":false,"is_issued_to_thing":false,"start_time":"2023-09-01T09:00:00.000000+02:00","finish_time":"2026-09-01T09:00:00.000000+02:00","timestamp":"2023-11-14T22:13:20.000000Z","status":"Active","hidden":false,"is_test":true,"is_archived":false,"is_adopted":null,"bespoke_id":null,"template":{"slug":"9b2f4c1e-8d3a-4e6b-a7c5-1f0e2d3c4b5a","name":"hookspec sample template"},"is_to_guardian":false,"is_self_certified":false,"custom_fields":{},"custom_notes":{}@EXTRA@}}"#;

const CERTIFYLIZE_TEMPLATE: &str = r#"{"type":"@TYPE@","createdAt":"2023-11-14T22:13:20.000Z","data":{"credentialId":"@ID@","verifyId":"3e9a61c0d27b48f5a1c6e0b9d4f27a83c5e1b60d9f4a2c7e","status":"ACTIVE","recipientEmail":"ada@example.org"@EXTRA@}}"#;

const BLINK_TEMPLATE: &str = r#"{"id":"@ID@","event":"incident.created","source":"hookspec","data":{"ticket":"INC-1042","priority":"high","summary":"Disk usage above 90%"@EXTRA@}}"#;

const SMARTASSET_TEMPLATE: &str = r#"{"name":"@TYPE@","tokenId":"@TOKEN@","chainId":77,"network":"testnet","blocknumber":@BLOCK@,"raw":{"address":"0x5a1B0c9dE2f3A4b5C6d7E8f9a0B1c2D3e4F5a6B7","blockHash":"0x6c2f0e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e","blockNumber":@BLOCK@,"logIndex":0,"removed":false,"transactionHash":"0x1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d","transactionIndex":0,"transactionLogIndex":"0x0","id":"@ID@","returnValues":{"0":"0x1111111111111111111111111111111111111111","1":"0x2222222222222222222222222222222222222222","2":"@TOKEN@","_from":"0x1111111111111111111111111111111111111111","_to":"0x2222222222222222222222222222222222222222","_tokenId":"@TOKEN@"},"event":"Transfer","signature":"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","raw":{"data":"0x","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"]}},"issuer":"0x1111111111111111111111111111111111111111","owner":"0x2222222222222222222222222222222222222222","previousOwner":"0x1111111111111111111111111111111111111111"@EXTRA@}"#;

const COMETH_TEMPLATE: &str = r#"{"id":"@ID@","type":"@TYPE@","chainId":137,"collectionAddress":"0x7e3B5c1D9a2F4e6B8c0D1f3A5b7C9e1D3f5A7b9C","order":{"id":"ord_@TC@","direction":"SELL","tokenAddress":"0x7e3B5c1D9a2F4e6B8c0D1f3A5b7C9e1D3f5A7b9C","tokenId":"42","tokenQuantity":"1","erc20Token":"0x0000000000000000000000000000000000000000","totalPrice":"1500000000000000000","maker":"0x3aA1b2C3d4E5f6A7b8C9d0E1f2A3b4C5d6E7f8A9","status":"@STATUS@"@EXTRA@},"createdAt":"2023-11-14T22:13:20.000Z"}"#;

// ---------------------------------------------------------------------------
// The generator's state.

/// TEMPORARY (engine switch in progress): the per-vendor tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seed {
    Blockmark,
    Certifylize,
    BlinkApiKey,
    BlinkSignature,
    Smartasset,
    Cometh,
}

fn seed(id: SchemeId) -> Result<Seed, Error> {
    Ok(match id.as_str() {
        "blockmark" => Seed::Blockmark,
        "certifylize" => Seed::Certifylize,
        "blink-apikey" => Seed::BlinkApiKey,
        "blink-signature" => Seed::BlinkSignature,
        "smartasset" => Seed::Smartasset,
        "cometh" => Seed::Cometh,
        other => return Err(Error::Vector(format!("no vector table for `{other}` yet"))),
    })
}

struct Gen {
    seed: Seed,
    scheme: &'static Scheme,
    url: String,
    secret: SigningKey,
    wrong_secret: SigningKey,
    sa1: SigningKey,
    sa2: SigningKey,
    sa_unpublished: SigningKey,
    cometh1: SigningKey,
    cometh2: SigningKey,
}

impl Gen {
    fn new(id: SchemeId) -> Result<Self, Error> {
        let role = |name: &str| -> Result<RoleKeys, Error> {
            RoleKeys::of(name.parse::<SchemeId>()?.scheme())
        };
        let (sa, co) = (role("smartasset")?, role("cometh")?);
        Ok(Gen {
            seed: seed(id)?,
            scheme: id.scheme(),
            url: format!("https://receiver.example/webhooks/{id}"),
            secret: SigningKey::Secret(TEST_SECRET.as_bytes().to_vec()),
            wrong_secret: SigningKey::Secret(WRONG_SECRET.as_bytes().to_vec()),
            sa1: sa.signing,
            sa2: sa
                .rotation
                .ok_or_else(|| Error::Key("no rotation key".into()))?,
            sa_unpublished: sa.unknown,
            cometh1: co.signing,
            cometh2: co.unknown,
        })
    }

    fn primary(&self) -> &SigningKey {
        match self.seed {
            Seed::Smartasset => &self.sa1,
            Seed::Cometh => &self.cometh1,
            _ => &self.secret,
        }
    }

    fn wrong_key(&self) -> &SigningKey {
        match self.seed {
            Seed::Smartasset => &self.sa_unpublished,
            Seed::Cometh => &self.cometh2,
            _ => &self.wrong_secret,
        }
    }

    /// The delivery's event id (unique per test).
    fn event_id(&self, tc: u32) -> String {
        match self.seed {
            Seed::Blockmark => format!("b10c4a2e-0000-4000-8000-{tc:012}"),
            Seed::Certifylize => format!("dlv_hookspec_{tc:04}"),
            Seed::Smartasset => format!("log_hookspec_{tc:04}"),
            _ => format!("evt_hookspec_{tc:04}"),
        }
    }

    /// Event type `ty` of this scheme. The list is pinned here, not read
    /// from [`crate::scheme::Scheme::event_types`], so that editing a scheme description
    /// can never silently change a published vector.
    fn type_name(&self, ty: usize) -> &'static str {
        let pinned: &[&'static str] = match self.seed {
            Seed::Blockmark => &["issued_certificate.created", "issued_certificate.updated"],
            Seed::Certifylize => &[
                "edu.credential.issued",
                "edu.credential.updated",
                "edu.credential.revoked",
                "edu.api_key.created",
                "edu.api_key.revoked",
            ],
            Seed::Smartasset => &["smartAssetContract.Hydrated", "Transfer"],
            Seed::Cometh => &["ORDER_LISTED", "ORDER_CANCELLED", "ORDER_FILLED"],
            _ => &[],
        };
        pinned.get(ty).copied().unwrap_or("")
    }

    /// The standard event of test `tc`, documented type `ty`, with `extra`
    /// members appended to the innermost data object. Compact and equal to
    /// its own `JSON.stringify(JSON.parse(..))`.
    fn body(&self, tc: u32, ty: usize, extra: &str) -> String {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(",{extra}")
        };
        let (template, id) = match self.seed {
            Seed::Blockmark => (BLOCKMARK_TEMPLATE, self.event_id(tc)),
            Seed::Certifylize => (CERTIFYLIZE_TEMPLATE, format!("cred_hookspec_{tc:04}")),
            Seed::BlinkApiKey | Seed::BlinkSignature => (BLINK_TEMPLATE, self.event_id(tc)),
            Seed::Smartasset => (SMARTASSET_TEMPLATE, self.event_id(tc)),
            Seed::Cometh => (COMETH_TEMPLATE, self.event_id(tc)),
        };
        let status = match ty {
            1 => "CANCELLED",
            2 => "FILLED",
            _ => "OPEN",
        };
        template
            .replace("@TYPE@", self.type_name(ty))
            .replace("@ID@", &id)
            .replace("@TC@", &format!("{tc:04}"))
            .replace("@TOKEN@", &format!("75632{tc:04}"))
            .replace("@BLOCK@", &(28_644_000 + tc).to_string())
            .replace("@STATUS@", status)
            .replace("@EXTRA@", &extra)
    }

    fn ev(&self, tc: u32) -> String {
        self.body(tc, 0, "")
    }

    fn pretty(&self, json: &str) -> String {
        json::reindent(json, "  ", "\n")
    }

    fn hard_body(&self, tc: u32, h: Hard) -> String {
        match h {
            Hard::Pretty => self.pretty(&self.ev(tc)),
            Hard::PrettyCrlf => json::reindent(&self.ev(tc), "\t", "\r\n"),
            _ => self.body(tc, 0, h.extra()),
        }
    }

    /// (sent, JSON.stringify(JSON.parse(sent)))
    fn non_canonical(&self, tc: u32, nc: NonCanon) -> (String, String) {
        match nc {
            NonCanon::Pretty => (self.pretty(&self.ev(tc)), self.ev(tc)),
            _ => {
                let (sent, canonical) = nc.fragments();
                (self.body(tc, 0, sent), self.body(tc, 0, canonical))
            }
        }
    }

    /// One byte of the body changed (inside a string value, so the JSON
    /// stays valid).
    fn tamper(&self, body: &str) -> Result<String, Error> {
        let (from, to) = match self.seed {
            Seed::Blockmark => ("\"Active\"", "\"Activd\""),
            Seed::Certifylize => ("\"ACTIVE\"", "\"ACTIVD\""),
            Seed::BlinkApiKey | Seed::BlinkSignature => ("\"high\"", "\"higi\""),
            Seed::Smartasset => ("\"testnet\"", "\"testneu\""),
            Seed::Cometh => ("\"SELL\"", "\"SELM\""),
        };
        replace_once(body, from, to)
    }

    fn payload(&self, tc: u32, ty: usize, event: impl Into<Vec<u8>>) -> Payload {
        let mut p = Payload::new(self.url.clone(), event, FIXED_NOW);
        if self.seed == Seed::Certifylize {
            p.event_id = Some(self.event_id(tc));
            p.event_type = Some(self.type_name(ty).to_owned());
        }
        p
    }

    /// The encoded proof of `p` under `key`.
    fn text_for(&self, key: &SigningKey, p: &Payload) -> Result<String, Error> {
        let ts = p.timestamp.to_string();
        let message = sign::signed_message(self.scheme, &ts, &p.url, &p.event);
        let raw = sign::proof(self.scheme, key, &message)?;
        Ok(sign::encode_proof(self.scheme, &raw))
    }

    fn place(&self, p: &Payload, text: &str) -> Result<Delivery, Error> {
        sign::place_proof(self.scheme, p, text)
    }

    /// A valid delivery of `event` (type 0) signed with the primary key.
    fn signed(&self, tc: u32, event: impl Into<Vec<u8>>) -> Result<Delivery, Error> {
        self.signed_by(self.primary(), tc, 0, event)
    }

    fn signed_by(
        &self,
        key: &SigningKey,
        tc: u32,
        ty: usize,
        event: impl Into<Vec<u8>>,
    ) -> Result<Delivery, Error> {
        sign::sign(self.scheme, key, &self.payload(tc, ty, event))
    }

    /// The proof of `signed`, delivered with the event `sent`.
    fn forged(&self, tc: u32, signed: &[u8], sent: &[u8]) -> Result<Delivery, Error> {
        let text = self.text_for(self.primary(), &self.payload(tc, 0, signed))?;
        self.place(&self.payload(tc, 0, sent), &text)
    }

    /// The valid encoded proof of the standard event of `tc`.
    fn valid_text(&self, tc: u32) -> Result<String, Error> {
        self.text_for(self.primary(), &self.payload(tc, 0, self.ev(tc)))
    }

    /// The standard event of `tc` with the encoded proof `text`.
    fn with_text(&self, tc: u32, text: &str) -> Result<Delivery, Error> {
        self.place(&self.payload(tc, 0, self.ev(tc)), text)
    }

    fn proof_header(&self) -> Result<&'static str, Error> {
        match self.scheme.carrier {
            Carrier::Header { name, .. }
            | Carrier::TimestampedHeader { name, .. }
            | Carrier::VersionedList { name, .. } => Ok(name),
            Carrier::QueryOrHeader { header, .. } => Ok(header),
            Carrier::BodyEnvelope { .. } => Err(Error::Vector(
                "generator: this scheme has no proof header".into(),
            )),
        }
    }

    /// A 64 KiB delivery: `build` is called with the standard event padded
    /// so that the final body is exactly [`LARGE_BODY`] bytes.
    fn large(
        &self,
        tc: u32,
        build: &dyn Fn(String) -> Result<Delivery, Error>,
    ) -> Result<Delivery, Error> {
        let padded = |n: usize| {
            let pad: String = "hookspec 64 KiB padding. "
                .chars()
                .cycle()
                .take(n)
                .collect();
            self.body(tc, 0, &format!("\"padding\":\"{pad}\""))
        };
        let first = build(padded(0))?;
        let n = LARGE_BODY
            .checked_sub(first.body.len())
            .ok_or_else(|| Error::Vector("generator: base body above 64 KiB".into()))?;
        let d = build(padded(n))?;
        if d.body.len() != LARGE_BODY {
            return Err(Error::Vector(
                "generator: large body has the wrong size".into(),
            ));
        }
        Ok(d)
    }

    // -- blink-signature ----------------------------------------------------

    /// Hex HMAC-SHA256 of `ts.url.body` under `key`.
    fn blink_sig(&self, key: &str, ts: &str, url: &str, body: &[u8]) -> String {
        let mut m = Vec::new();
        m.extend_from_slice(ts.as_bytes());
        m.push(b'.');
        m.extend_from_slice(url.as_bytes());
        m.push(b'.');
        m.extend_from_slice(body);
        hex(&sign::hmac_sha256(key.as_bytes(), &m))
    }

    /// A blink-signature delivery of the standard event with a hand-made
    /// header value, posted to `url`.
    fn blink_raw(&self, tc: u32, url: &str, header: String) -> Delivery {
        let mut d = Delivery::post(url, self.ev(tc));
        d.push_header("X-BLINK-SIGNATURE", header);
        d.push_header("Content-Type", "application/json");
        d
    }

    /// Signed over `signed_ts`, sent with `ts=sent_ts`.
    fn blink_ts(&self, tc: u32, signed_ts: &str, sent_ts: &str) -> Delivery {
        let sig = self.blink_sig(TEST_SECRET, signed_ts, &self.url, self.ev(tc).as_bytes());
        self.blink_raw(tc, &self.url, format!("ts={sent_ts};sig1={sig}"))
    }

    /// Signed over `signed_url`, posted to `sent_url`.
    fn blink_url(&self, tc: u32, signed_url: &str, sent_url: &str) -> Delivery {
        let ts = FIXED_NOW.to_string();
        let sig = self.blink_sig(TEST_SECRET, &ts, signed_url, self.ev(tc).as_bytes());
        self.blink_raw(tc, sent_url, format!("ts={ts};sig1={sig}"))
    }

    // -- blink-apikey -------------------------------------------------------

    fn apikey_url(&self, query: &str) -> String {
        format!("{}?{query}", self.url)
    }

    fn apikey_query(&self, tc: u32, query: &str) -> Delivery {
        let mut d = Delivery::post(self.apikey_url(query), self.ev(tc));
        d.push_header("Content-Type", "application/json");
        d
    }

    fn apikey_header(&self, tc: u32, values: &[&str]) -> Delivery {
        let mut d = Delivery::post(self.url.clone(), self.ev(tc));
        for v in values {
            d.push_header("BLINK-API-KEY", *v);
        }
        d.push_header("Content-Type", "application/json");
        d
    }

    // -- smartasset ---------------------------------------------------------

    fn ed25519_sig(&self, key: &SigningKey, event: &str) -> Result<Vec<u8>, Error> {
        sign::proof(self.scheme, key, event.as_bytes())
    }

    fn smartasset_body(&self, body: String) -> Delivery {
        let mut d = Delivery::post(self.url.clone(), body);
        d.push_header("Content-Type", "application/json");
        d
    }

    // -- cometh -------------------------------------------------------------

    fn rsa_key(&self) -> Result<&rsa::RsaPrivateKey, Error> {
        match self.primary() {
            SigningKey::Rsa(k) => Ok(k),
            _ => Err(Error::Vector("generator: not an RSA scheme".into())),
        }
    }
}

/// Adds `Ed25519 L` to the S half of a signature (the classic malleation).
fn add_l_to_s(sig: &[u8]) -> Result<Vec<u8>, Error> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let (r, s) = (sig.get(..32), sig.get(32..64));
    let (Some(r), Some(s)) = (r, s) else {
        return Err(Error::Vector("generator: not an Ed25519 signature".into()));
    };
    let mut out = r.to_vec();
    let mut carry = 0u16;
    for (a, b) in s.iter().zip(L.iter()) {
        let v = u16::from(*a) + u16::from(*b) + carry;
        out.push((v & 0xff) as u8);
        carry = v >> 8;
    }
    Ok(out)
}

fn rename_header(d: &mut Delivery, to: &str) -> Result<(), Error> {
    let Some(h) = d
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(to))
    else {
        return Err(Error::Vector(format!("generator: no header `{to}`")));
    };
    h.0 = to.to_owned();
    Ok(())
}

// ---------------------------------------------------------------------------
// The tables.

use Expected::{Acceptable as A, Invalid as I, Valid as V};

fn blockmark() -> Vec<Case> {
    vec![
        case(
            1,
            V,
            &["EventType"],
            "issued_certificate.created, pretty-printed",
            |g, tc| g.signed(tc, g.pretty(&g.body(tc, 0, ""))),
        ),
        case(
            2,
            V,
            &["EventType"],
            "issued_certificate.updated",
            |g, tc| g.signed_by(g.primary(), tc, 1, g.body(tc, 1, "")),
        ),
        case(
            3,
            V,
            &["EchoHandshake"],
            "endpoint.verify handshake",
            |g, tc| {
                g.signed(
                    tc,
                    format!(r#"{{"event":"endpoint.verify","secret":"hs-{tc:04}-c1d2e3f4a5b6"}}"#),
                )
            },
        ),
        case(
            4,
            V,
            &["HeaderNameCase"],
            "header name in lowercase (x-token)",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, "x-token")?;
                Ok(d)
            },
        ),
        hard(5, Hard::Pretty),
        hard(6, Hard::PrettyCrlf),
        hard(7, Hard::NonAsciiRaw),
        hard(8, Hard::NonAsciiEscaped),
        hard(9, Hard::Emoji),
        hard(10, Hard::LineSeparators),
        hard(11, Hard::EscapedSlash),
        hard(12, Hard::EscapedLt),
        hard(13, Hard::CrlfInString),
        hard(14, Hard::BigInteger),
        hard(15, Hard::OnePointZero),
        hard(16, Hard::NegativeZero),
        hard(17, Hard::Exponent),
        hard(18, Hard::EmptyContainers),
        hard(19, Hard::KeyOrder),
        hard(20, Hard::Large),
        case(
            21,
            V,
            &["BodyNotAuthenticated"],
            "body changed after the token was made",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.body = g.tamper(&g.ev(tc))?.into_bytes();
                Ok(d)
            },
        ),
        case(22, I, &["MissingSignature"], "X-Token missing", |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.remove_header("X-Token");
            Ok(d)
        }),
        edit(23, I, &["EmptySignature"], "X-Token empty", |_| {
            String::new()
        }),
        case(
            24,
            I,
            &["WrongKey"],
            "token made with another secret",
            |g, tc| g.signed_by(g.wrong_key(), tc, 0, g.ev(tc)),
        ),
        case(
            25,
            I,
            &["TokenOverBody"],
            "token is the HMAC of the body",
            |g, tc| {
                let ev = g.ev(tc);
                let token = hex(&sign::hmac_sha256(TEST_SECRET.as_bytes(), ev.as_bytes()));
                g.with_text(tc, &token)
            },
        ),
        case(
            26,
            I,
            &["EmptySecret"],
            "token made with an empty secret",
            |g, tc| g.with_text(tc, &hex(&sign::hmac_sha256(b"", b""))),
        ),
        edit(
            27,
            I,
            &["WrongKey"],
            "the secret itself as the token",
            |_| TEST_SECRET.to_owned(),
        ),
        edit(
            28,
            I,
            &["SignaturePrefix"],
            "first 16 bytes of the token",
            |t| head(&t, 32),
        ),
        edit(
            29,
            I,
            &["SignaturePrefix"],
            "first byte of the token",
            |t| head(&t, 2),
        ),
        edit(
            30,
            I,
            &["TruncatedSignature"],
            "token one hex digit short",
            |t| drop_last(&t),
        ),
        edit(
            31,
            I,
            &["ExtendedSignature"],
            "token with one extra hex digit",
            |t| format!("{t}0"),
        ),
        edit(
            32,
            I,
            &["ExtendedSignature"],
            "token with one extra byte",
            |t| format!("{t}00"),
        ),
        edit(
            33,
            I,
            &["ExtendedSignature"],
            "token followed by non-hex characters",
            |t| format!("{t}zz"),
        ),
        edit(
            34,
            I,
            &["InvalidHex"],
            "non-hex character in the token",
            |t| replace_at(&t, 10, "g"),
        ),
        edit(35, I, &["InvalidHex"], "token with a 0x prefix", |t| {
            format!("0x{t}")
        }),
        edit(
            36,
            I,
            &["ModifiedSignature"],
            "last hex digit of the token changed",
            |t| flip_last_hex(&t),
        ),
        edit(37, I, &["ModifiedSignature"], "all-zero token", |_| {
            "0".repeat(64)
        }),
        case(
            38,
            I,
            &["DuplicateHeader"],
            "X-Token twice: valid then wrong",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.push_header("X-Token", "0".repeat(64));
                Ok(d)
            },
        ),
        case(
            39,
            I,
            &["DuplicateHeader"],
            "X-Token twice: wrong then valid",
            |g, tc| {
                let text = g.valid_text(tc)?;
                let mut d = g.with_text(tc, &"0".repeat(64))?;
                d.push_header("X-Token", text);
                Ok(d)
            },
        ),
        edit(
            40,
            I,
            &["WrongPrefix"],
            "token with a sha256= prefix",
            |t| format!("sha256={t}"),
        ),
        raw_header(
            41,
            I,
            &["NonAsciiHeader"],
            "non-ASCII characters in X-Token",
            |_, t| Ok(format!("{}é", head(&t, 62)).into_bytes()),
        ),
        case(
            42,
            I,
            &["WrongEncoding"],
            "token in base64 instead of hex",
            |g, tc| g.with_text(tc, &b64(&sign::hmac_sha256(TEST_SECRET.as_bytes(), b""))),
        ),
        case(
            43,
            I,
            &["MissingSignature"],
            "token in Authorization: Bearer",
            |g, tc| {
                let text = g.valid_text(tc)?;
                let mut d = g.with_text(tc, &text)?;
                d.remove_header("X-Token");
                d.push_header("Authorization", format!("Bearer {text}"));
                Ok(d)
            },
        ),
        edit(44, A, &["HexCase"], "token in uppercase hex", |t| {
            t.to_ascii_uppercase()
        }),
        edit(45, A, &["HexCase"], "token in mixed-case hex", |t| {
            mixed_case(&t)
        }),
        case(
            46,
            A,
            &["NotJsonBody"],
            "valid token, body is not JSON",
            |g, tc| {
                g.signed(
                    tc,
                    format!("event=issued_certificate.created&slug={}", g.event_id(tc)),
                )
            },
        ),
    ]
}

fn certifylize() -> Vec<Case> {
    let types = |tc: u32, ty: usize, comment: &str| {
        case(tc, V, &["EventType"], comment, move |g, tc| {
            g.signed_by(g.primary(), tc, ty, g.body(tc, ty, ""))
        })
    };
    vec![
        case(
            1,
            V,
            &["EventType"],
            "edu.credential.issued, pretty-printed",
            |g, tc| g.signed(tc, g.pretty(&g.ev(tc))),
        ),
        types(2, 1, "edu.credential.updated"),
        types(3, 2, "edu.credential.revoked"),
        types(4, 3, "edu.api_key.created"),
        types(5, 4, "edu.api_key.revoked"),
        case(
            6,
            V,
            &["HeaderNameCase"],
            "header names in lowercase",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                for (n, _) in &mut d.headers {
                    *n = n.to_ascii_lowercase();
                }
                Ok(d)
            },
        ),
        hard(7, Hard::Pretty),
        hard(8, Hard::PrettyCrlf),
        hard(9, Hard::NonAsciiRaw),
        hard(10, Hard::NonAsciiEscaped),
        hard(11, Hard::Emoji),
        hard(12, Hard::LineSeparators),
        hard(13, Hard::EscapedSlash),
        hard(14, Hard::EscapedLt),
        hard(15, Hard::CrlfInString),
        hard(16, Hard::BigInteger),
        hard(17, Hard::OnePointZero),
        hard(18, Hard::NegativeZero),
        hard(19, Hard::Exponent),
        hard(20, Hard::EmptyContainers),
        hard(21, Hard::KeyOrder),
        hard(22, Hard::Large),
        case(
            23,
            A,
            &["NotJsonBody"],
            "valid signature over an empty body",
            |g, tc| g.signed(tc, Vec::new()),
        ),
        case(
            24,
            A,
            &["NotJsonBody"],
            "valid signature over a body that is not UTF-8",
            |g, tc| g.signed(tc, vec![0xff, 0xfe, b'{', 0x80, b'}', 0xc3]),
        ),
        case(
            25,
            A,
            &["NotJsonBody"],
            "valid signature over a form-encoded body",
            |g, tc| g.signed(tc, format!("type=edu.credential.issued&id=cred_{tc}")),
        ),
        case(
            26,
            I,
            &["MissingSignature"],
            "signature header missing",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.remove_header("X-Certifylize-Signature");
                Ok(d)
            },
        ),
        raw_header(
            27,
            I,
            &["EmptySignature"],
            "signature header empty",
            |_, _| Ok(Vec::new()),
        ),
        edit(
            28,
            I,
            &["EmptySignature"],
            "sha256= with nothing after it",
            |_| String::new(),
        ),
        case(
            29,
            I,
            &["WrongKey"],
            "signed with another secret",
            |g, tc| g.signed_by(g.wrong_key(), tc, 0, g.ev(tc)),
        ),
        case(
            30,
            I,
            &["ModifiedBody"],
            "one byte of the body changed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.tamper(&g.ev(tc))?.as_bytes()),
        ),
        case(
            31,
            I,
            &["ModifiedBody"],
            "newline appended to the body after signing",
            |g, tc| {
                g.forged(
                    tc,
                    g.ev(tc).as_bytes(),
                    format!("{}\n", g.ev(tc)).as_bytes(),
                )
            },
        ),
        case(
            32,
            I,
            &["ModifiedBody"],
            "last byte of the body removed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), drop_last(&g.ev(tc)).as_bytes()),
        ),
        case(
            33,
            I,
            &["ReformattedBody"],
            "body pretty-printed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.pretty(&g.ev(tc)).as_bytes()),
        ),
        case(
            34,
            I,
            &["ReformattedBody"],
            "keys sorted after signing",
            |g, tc| {
                let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
                differ(&sorted, &g.ev(tc))?;
                g.forged(tc, g.ev(tc).as_bytes(), sorted.as_bytes())
            },
        ),
        case(
            35,
            I,
            &["OtherBodySignature"],
            "signature of another delivery's body",
            |g, tc| g.forged(tc, g.body(tc, 1, "").as_bytes(), g.ev(tc).as_bytes()),
        ),
        case(
            36,
            I,
            &["ReserializedSignature"],
            "signature over the compact form of a pretty body",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.pretty(&g.ev(tc)).as_bytes()),
        ),
        case(
            37,
            I,
            &["ReserializedSignature"],
            "signature over the \\u-escaped form of a UTF-8 body",
            |g, tc| {
                let sent = g.hard_body(tc, Hard::NonAsciiRaw);
                g.forged(tc, json::ascii_escaped(&sent).as_bytes(), sent.as_bytes())
            },
        ),
        edit(
            38,
            I,
            &["SignaturePrefix"],
            "first 16 bytes of the signature",
            |t| head(&t, 32),
        ),
        edit(
            39,
            I,
            &["SignaturePrefix"],
            "first byte of the signature",
            |t| head(&t, 2),
        ),
        edit(
            40,
            I,
            &["TruncatedSignature"],
            "signature one hex digit short",
            |t| drop_last(&t),
        ),
        edit(
            41,
            I,
            &["ExtendedSignature"],
            "signature with one extra hex digit",
            |t| format!("{t}0"),
        ),
        edit(
            42,
            I,
            &["ExtendedSignature"],
            "signature with one extra byte",
            |t| format!("{t}00"),
        ),
        edit(
            43,
            I,
            &["ExtendedSignature"],
            "signature followed by non-hex characters",
            |t| format!("{t}zz"),
        ),
        edit(
            44,
            I,
            &["InvalidHex"],
            "non-hex character in the signature",
            |t| replace_at(&t, 10, "g"),
        ),
        edit(
            45,
            I,
            &["ModifiedSignature"],
            "last hex digit of the signature changed",
            |t| flip_last_hex(&t),
        ),
        raw_header(
            46,
            I,
            &["WrongPrefix"],
            "sha1= prefix with an HMAC-SHA1",
            |g, _| {
                let ev = g.ev(46);
                Ok(format!(
                    "sha1={}",
                    hex(&hmac_sha1(TEST_SECRET.as_bytes(), ev.as_bytes())?)
                )
                .into_bytes())
            },
        ),
        raw_header(
            47,
            I,
            &["WrongPrefix"],
            "sha1= prefix with the valid HMAC-SHA256",
            |_, t| Ok(format!("sha1={t}").into_bytes()),
        ),
        raw_header(48, I, &["WrongPrefix"], "no prefix", |_, t| {
            Ok(t.into_bytes())
        }),
        edit(49, I, &["WrongPrefix"], "prefix repeated", |t| {
            format!("sha256={t}")
        }),
        case(
            50,
            I,
            &["WrongAlgorithm"],
            "HMAC-SHA512 under the sha256= prefix",
            |g, tc| {
                g.with_text(
                    tc,
                    &hex(&hmac_sha512(TEST_SECRET.as_bytes(), g.ev(tc).as_bytes())?),
                )
            },
        ),
        case(
            51,
            I,
            &["WrongAlgorithm"],
            "unkeyed SHA-256 of the body",
            |g, tc| g.with_text(tc, &hex(&Sha256::digest(g.ev(tc).as_bytes()))),
        ),
        case(
            52,
            I,
            &["WrongEncoding"],
            "signature in base64 instead of hex",
            |g, tc| {
                g.with_text(
                    tc,
                    &b64(&sign::hmac_sha256(
                        TEST_SECRET.as_bytes(),
                        g.ev(tc).as_bytes(),
                    )),
                )
            },
        ),
        case(
            53,
            I,
            &["DuplicateHeader"],
            "signature header twice: valid then wrong",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.push_header(
                    "X-Certifylize-Signature",
                    format!("sha256={}", "0".repeat(64)),
                );
                Ok(d)
            },
        ),
        case(
            54,
            I,
            &["DuplicateHeader"],
            "signature header twice: wrong then valid",
            |g, tc| {
                let text = g.valid_text(tc)?;
                let mut d = g.with_text(tc, &"0".repeat(64))?;
                d.push_header("X-Certifylize-Signature", format!("sha256={text}"));
                Ok(d)
            },
        ),
        raw_header(
            55,
            I,
            &["NonAsciiHeader"],
            "non-ASCII characters in the signature header",
            |_, t| Ok(format!("sha256={}é", head(&t, 62)).into_bytes()),
        ),
        raw_header(
            56,
            A,
            &["PrefixCase"],
            "SHA256= prefix in uppercase",
            |_, t| Ok(format!("SHA256={t}").into_bytes()),
        ),
        edit(57, A, &["HexCase"], "signature in uppercase hex", |t| {
            t.to_ascii_uppercase()
        }),
        edit(58, A, &["HexCase"], "signature in mixed-case hex", |t| {
            mixed_case(&t)
        }),
    ]
}

fn blink_apikey() -> Vec<Case> {
    vec![
        case(
            1,
            V,
            &["ApiKeyPlacement"],
            "key in the BLINK-API-KEY header",
            |g, tc| g.signed(tc, g.ev(tc)),
        ),
        case(
            2,
            V,
            &["ApiKeyPlacement"],
            "key in the apikey query parameter",
            |g, tc| {
                let mut p = g.payload(tc, 0, g.ev(tc));
                p.key_placement = KeyPlacement::Query;
                sign::sign(g.scheme, g.primary(), &p)
            },
        ),
        case(
            3,
            V,
            &["HeaderNameCase"],
            "header name in lowercase (blink-api-key)",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, "blink-api-key")?;
                Ok(d)
            },
        ),
        case(
            4,
            V,
            &["PercentEncoding"],
            "key in the query, first character percent-encoded",
            |g, tc| {
                let mut chars = TEST_SECRET.chars();
                let first = chars
                    .next()
                    .map(|c| format!("%{:02X}", c as u32))
                    .unwrap_or_default();
                Ok(g.apikey_query(tc, &format!("apikey={first}{}", chars.as_str())))
            },
        ),
        case(
            5,
            V,
            &["ApiKeyPlacement"],
            "key in the query after other parameters",
            |g, tc| {
                Ok(g.apikey_query(
                    tc,
                    &format!("source=hookspec&env=test&apikey={TEST_SECRET}"),
                ))
            },
        ),
        hard(6, Hard::Pretty),
        hard(7, Hard::PrettyCrlf),
        hard(8, Hard::NonAsciiRaw),
        hard(9, Hard::NonAsciiEscaped),
        hard(10, Hard::Emoji),
        hard(11, Hard::LineSeparators),
        hard(12, Hard::EscapedSlash),
        hard(13, Hard::EscapedLt),
        hard(14, Hard::CrlfInString),
        hard(15, Hard::BigInteger),
        hard(16, Hard::OnePointZero),
        hard(17, Hard::NegativeZero),
        hard(18, Hard::Exponent),
        hard(19, Hard::EmptyContainers),
        hard(20, Hard::KeyOrder),
        hard(21, Hard::Large),
        case(
            22,
            V,
            &["BodyNotAuthenticated"],
            "body changed (the key does not cover it)",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.body = g.tamper(&g.ev(tc))?.into_bytes();
                Ok(d)
            },
        ),
        case(
            23,
            A,
            &["NotJsonBody"],
            "valid key, body is not JSON",
            |g, tc| g.signed(tc, format!("id=evt_{tc}&event=incident.created")),
        ),
        case(
            24,
            A,
            &["SameKeyTwice"],
            "same key in the query and the header",
            |g, tc| {
                let mut d = g.apikey_query(tc, &format!("apikey={TEST_SECRET}"));
                d.push_header("BLINK-API-KEY", TEST_SECRET);
                Ok(d)
            },
        ),
        case(25, I, &["MissingSignature"], "no key anywhere", |g, tc| {
            Ok(g.apikey_header(tc, &[]))
        }),
        case(
            26,
            I,
            &["EmptySignature"],
            "empty BLINK-API-KEY header",
            |g, tc| Ok(g.apikey_header(tc, &[""])),
        ),
        case(
            27,
            I,
            &["EmptySignature"],
            "empty apikey query parameter",
            |g, tc| Ok(g.apikey_query(tc, "apikey=")),
        ),
        case(28, I, &["WrongKey"], "wrong key in the header", |g, tc| {
            Ok(g.apikey_header(tc, &[WRONG_SECRET]))
        }),
        case(29, I, &["WrongKey"], "wrong key in the query", |g, tc| {
            Ok(g.apikey_query(tc, &format!("apikey={WRONG_SECRET}")))
        }),
        case(
            30,
            I,
            &["ApiKeyCase"],
            "key in uppercase in the header",
            |g, tc| Ok(g.apikey_header(tc, &[&TEST_SECRET.to_ascii_uppercase()])),
        ),
        case(
            31,
            I,
            &["ApiKeyCase"],
            "key in uppercase in the query",
            |g, tc| Ok(g.apikey_query(tc, &format!("apikey={}", TEST_SECRET.to_ascii_uppercase()))),
        ),
        case(
            32,
            I,
            &["SignaturePrefix"],
            "prefix of the key in the header",
            |g, tc| Ok(g.apikey_header(tc, &[&head(TEST_SECRET, 16)])),
        ),
        case(
            33,
            I,
            &["ExtendedSignature"],
            "key with one extra character in the header",
            |g, tc| Ok(g.apikey_header(tc, &[&format!("{TEST_SECRET}x")])),
        ),
        case(
            34,
            I,
            &["ExtendedSignature"],
            "key followed by %00 in the query",
            |g, tc| Ok(g.apikey_query(tc, &format!("apikey={TEST_SECRET}%00"))),
        ),
        case(
            35,
            I,
            &["ConflictingKeys"],
            "right key in the header, wrong key in the query",
            |g, tc| {
                let mut d = g.apikey_query(tc, &format!("apikey={WRONG_SECRET}"));
                d.push_header("BLINK-API-KEY", TEST_SECRET);
                Ok(d)
            },
        ),
        case(
            36,
            I,
            &["ConflictingKeys"],
            "right key in the query, wrong key in the header",
            |g, tc| {
                let mut d = g.apikey_query(tc, &format!("apikey={TEST_SECRET}"));
                d.push_header("BLINK-API-KEY", WRONG_SECRET);
                Ok(d)
            },
        ),
        case(
            37,
            I,
            &["ConflictingKeys"],
            "apikey parameter twice: right then wrong",
            |g, tc| Ok(g.apikey_query(tc, &format!("apikey={TEST_SECRET}&apikey={WRONG_SECRET}"))),
        ),
        case(
            38,
            I,
            &["DuplicateHeader"],
            "BLINK-API-KEY twice: right then wrong",
            |g, tc| Ok(g.apikey_header(tc, &[TEST_SECRET, WRONG_SECRET])),
        ),
        case(
            39,
            I,
            &["ApiKeyPlacement"],
            "key in Authorization: Bearer",
            |g, tc| {
                let mut d = g.apikey_header(tc, &[]);
                d.push_header("Authorization", format!("Bearer {TEST_SECRET}"));
                Ok(d)
            },
        ),
        case(
            40,
            I,
            &["ApiKeyPlacement"],
            "key under another query name (api_key)",
            |g, tc| Ok(g.apikey_query(tc, &format!("api_key={TEST_SECRET}"))),
        ),
        case(
            41,
            I,
            &["ApiKeyPlacement"],
            "key in the JSON body only",
            |g, tc| {
                let mut d = g.apikey_header(tc, &[]);
                d.body = g
                    .body(tc, 0, &format!("\"apikey\":\"{TEST_SECRET}\""))
                    .into_bytes();
                Ok(d)
            },
        ),
        case(
            42,
            I,
            &["ApiKeyPlacement"],
            "an HMAC signature instead of the key",
            |g, tc| {
                let ts = FIXED_NOW.to_string();
                let sig = g.blink_sig(TEST_SECRET, &ts, &g.url, g.ev(tc).as_bytes());
                let mut d = g.apikey_header(tc, &[]);
                d.push_header("X-BLINK-SIGNATURE", format!("ts={ts};sig1={sig}"));
                Ok(d)
            },
        ),
        case(
            43,
            I,
            &["NonAsciiHeader"],
            "non-ASCII characters in the key header",
            |g, tc| Ok(g.apikey_header(tc, &[&format!("{}é", drop_last(&drop_last(TEST_SECRET)))])),
        ),
    ]
}

fn blink_signature() -> Vec<Case> {
    let now = FIXED_NOW;
    let at = |tc: u32, result: Expected, flags: &'static [&'static str], comment: &str, ts: i64| {
        case(tc, result, flags, comment, move |g, tc| {
            let mut p = g.payload(tc, 0, g.ev(tc));
            p.timestamp = ts;
            sign::sign(g.scheme, g.primary(), &p)
        })
    };
    let ts_case = |tc: u32, result: Expected, comment: &str, signed: String, sent: String| {
        let flags: &'static [&'static str] = if result == A {
            &["NonCanonicalTimestampSigned"]
        } else {
            &["NonCanonicalTimestamp"]
        };
        case(tc, result, flags, comment, move |g, tc| {
            Ok(g.blink_ts(tc, &signed, &sent))
        })
    };
    let header = |tc: u32,
                  result: Expected,
                  flags: &'static [&'static str],
                  comment: &str,
                  value: fn(&str, &str) -> String| {
        case(tc, result, flags, comment, move |g, tc| {
            let ts = FIXED_NOW.to_string();
            let sig = g.blink_sig(TEST_SECRET, &ts, &g.url, g.ev(tc).as_bytes());
            Ok(g.blink_raw(tc, &g.url, value(&ts, &sig)))
        })
    };
    let url = |tc: u32, comment: &str, signed: &'static str, sent: &'static str| {
        case(tc, I, &["OtherUrl"], comment, move |g, tc| {
            Ok(g.blink_url(tc, signed, sent))
        })
    };
    let canonical = now.to_string();
    vec![
        case(
            1,
            V,
            &["Basic"],
            "signed with the current timestamp",
            |g, tc| g.signed(tc, g.ev(tc)),
        ),
        case(
            2,
            V,
            &["SignedUrl"],
            "URL with a query, signed including the query",
            |g, tc| {
                let u = format!("{}?workflow=42&env=prod", g.url);
                Ok(g.blink_url(tc, &u, &u))
            },
        ),
        case(
            3,
            V,
            &["HeaderNameCase"],
            "header name in lowercase",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, "x-blink-signature")?;
                Ok(d)
            },
        ),
        at(
            4,
            V,
            &["FreshTimestamp"],
            "timestamp 299 s in the past",
            now - 299,
        ),
        at(
            5,
            V,
            &["FreshTimestamp"],
            "timestamp 299 s in the future",
            now + 299,
        ),
        hard(6, Hard::Pretty),
        hard(7, Hard::PrettyCrlf),
        hard(8, Hard::NonAsciiRaw),
        hard(9, Hard::NonAsciiEscaped),
        hard(10, Hard::Emoji),
        hard(11, Hard::LineSeparators),
        hard(12, Hard::EscapedSlash),
        hard(13, Hard::EscapedLt),
        hard(14, Hard::CrlfInString),
        hard(15, Hard::BigInteger),
        hard(16, Hard::OnePointZero),
        hard(17, Hard::NegativeZero),
        hard(18, Hard::Exponent),
        hard(19, Hard::EmptyContainers),
        hard(20, Hard::KeyOrder),
        hard(21, Hard::Large),
        case(
            22,
            A,
            &["NotJsonBody"],
            "valid signature over an empty body",
            |g, tc| g.signed(tc, Vec::new()),
        ),
        case(
            23,
            A,
            &["NotJsonBody"],
            "valid signature over a body that is not UTF-8",
            |g, tc| g.signed(tc, vec![0xff, 0xfe, b'{', 0x80, b'}', 0xc3]),
        ),
        header(24, A, &["ParameterSyntax"], "sig1 before ts", |ts, sig| {
            format!("sig1={sig};ts={ts}")
        }),
        header(
            25,
            A,
            &["ParameterSyntax"],
            "whitespace around ; and =",
            |ts, sig| format!("ts = {ts} ; sig1 = {sig}"),
        ),
        header(
            26,
            A,
            &["ParameterSyntax"],
            "unknown extra parameter",
            |ts, sig| format!("ts={ts};sig1={sig};v=1"),
        ),
        header(27, A, &["HexCase"], "sig1 in uppercase hex", |ts, sig| {
            format!("ts={ts};sig1={}", sig.to_ascii_uppercase())
        }),
        ts_case(
            28,
            A,
            "+ts, signed as sent",
            format!("+{now}"),
            format!("+{now}"),
        ),
        ts_case(
            29,
            A,
            "ts with a leading zero, signed as sent",
            format!("0{now}"),
            format!("0{now}"),
        ),
        ts_case(
            30,
            A,
            "ts.0, signed as sent",
            format!("{now}.0"),
            format!("{now}.0"),
        ),
        case(
            31,
            I,
            &["MissingSignature"],
            "X-BLINK-SIGNATURE missing",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.remove_header("X-BLINK-SIGNATURE");
                Ok(d)
            },
        ),
        header(
            32,
            I,
            &["EmptySignature"],
            "X-BLINK-SIGNATURE empty",
            |_, _| String::new(),
        ),
        header(33, I, &["MissingParameter"], "sig1 missing", |ts, _| {
            format!("ts={ts}")
        }),
        header(34, I, &["MissingParameter"], "ts missing", |_, sig| {
            format!("sig1={sig}")
        }),
        header(35, I, &["EmptySignature"], "sig1 empty", |ts, _| {
            format!("ts={ts};sig1=")
        }),
        case(36, I, &["WrongKey"], "signed with another key", |g, tc| {
            g.signed_by(g.wrong_key(), tc, 0, g.ev(tc))
        }),
        case(
            37,
            I,
            &["ModifiedBody"],
            "one byte of the body changed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.tamper(&g.ev(tc))?.as_bytes()),
        ),
        case(
            38,
            I,
            &["ModifiedBody"],
            "byte appended to the body after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), format!("{} ", g.ev(tc)).as_bytes()),
        ),
        case(
            39,
            I,
            &["ModifiedBody"],
            "last byte of the body removed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), drop_last(&g.ev(tc)).as_bytes()),
        ),
        case(
            40,
            I,
            &["ReformattedBody"],
            "body pretty-printed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.pretty(&g.ev(tc)).as_bytes()),
        ),
        case(
            41,
            I,
            &["ReformattedBody"],
            "keys sorted after signing",
            |g, tc| {
                let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
                differ(&sorted, &g.ev(tc))?;
                g.forged(tc, g.ev(tc).as_bytes(), sorted.as_bytes())
            },
        ),
        case(
            42,
            I,
            &["OtherBodySignature"],
            "signature of another body",
            |g, tc| g.forged(tc, g.ev(tc + 1000).as_bytes(), g.ev(tc).as_bytes()),
        ),
        case(
            43,
            I,
            &["ReserializedSignature"],
            "signature over the compact form of a pretty body",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.pretty(&g.ev(tc)).as_bytes()),
        ),
        url(
            44,
            "signed for another path",
            "https://receiver.example/webhooks/other",
            "https://receiver.example/webhooks/blink-signature",
        ),
        url(
            45,
            "signed with a query the request does not have",
            "https://receiver.example/webhooks/blink-signature?workflow=42",
            "https://receiver.example/webhooks/blink-signature",
        ),
        url(
            46,
            "signed without the query the request has",
            "https://receiver.example/webhooks/blink-signature",
            "https://receiver.example/webhooks/blink-signature?workflow=42",
        ),
        url(
            47,
            "signed for another host",
            "https://attacker.example/webhooks/blink-signature",
            "https://receiver.example/webhooks/blink-signature",
        ),
        url(
            48,
            "signed for another port",
            "https://receiver.example:8443/webhooks/blink-signature",
            "https://receiver.example/webhooks/blink-signature",
        ),
        url(
            49,
            "signed for http instead of https",
            "http://receiver.example/webhooks/blink-signature",
            "https://receiver.example/webhooks/blink-signature",
        ),
        case(
            50,
            I,
            &["WrongMessage"],
            "signed over ts.body, URL left out",
            |g, tc| {
                let ts = FIXED_NOW.to_string();
                let m = format!("{ts}.{}", g.ev(tc));
                let sig = hex(&sign::hmac_sha256(TEST_SECRET.as_bytes(), m.as_bytes()));
                Ok(g.blink_raw(tc, &g.url, format!("ts={ts};sig1={sig}")))
            },
        ),
        case(
            51,
            I,
            &["WrongMessage"],
            "signed over the body alone",
            |g, tc| {
                let sig = hex(&sign::hmac_sha256(
                    TEST_SECRET.as_bytes(),
                    g.ev(tc).as_bytes(),
                ));
                Ok(g.blink_raw(tc, &g.url, format!("ts={FIXED_NOW};sig1={sig}")))
            },
        ),
        case(
            52,
            I,
            &["ModifiedTimestamp"],
            "timestamp changed after signing",
            |g, tc| Ok(g.blink_ts(tc, &FIXED_NOW.to_string(), &(FIXED_NOW + 10).to_string())),
        ),
        at(
            53,
            I,
            &["StaleTimestamp"],
            "timestamp 301 s in the past",
            now - 301,
        ),
        at(
            54,
            I,
            &["FutureTimestamp"],
            "timestamp 301 s in the future",
            now + 301,
        ),
        at(55, I, &["StaleTimestamp"], "timestamp 0", 0),
        ts_case(
            56,
            I,
            "+ts, signed over the canonical ts",
            canonical.clone(),
            format!("+{now}"),
        ),
        ts_case(
            57,
            I,
            "leading zero, signed over the canonical ts",
            canonical.clone(),
            format!("0{now}"),
        ),
        ts_case(
            58,
            I,
            "ts.0, signed over the canonical ts",
            canonical.clone(),
            format!("{now}.0"),
        ),
        ts_case(
            59,
            I,
            "1.7e9, signed over the canonical ts",
            canonical.clone(),
            "1.7e9".to_owned(),
        ),
        ts_case(
            60,
            I,
            "trailing junk, signed over the canonical ts",
            canonical.clone(),
            format!("{now}abc"),
        ),
        ts_case(
            61,
            I,
            "trailing junk, signed as sent",
            format!("{now}abc"),
            format!("{now}abc"),
        ),
        ts_case(
            62,
            I,
            "1e9, signed as sent",
            "1e9".to_owned(),
            "1e9".to_owned(),
        ),
        ts_case(
            63,
            I,
            "negative timestamp, signed as sent",
            format!("-{now}"),
            format!("-{now}"),
        ),
        ts_case(
            64,
            I,
            "timestamp beyond i64, signed as sent",
            "99999999999999999999".to_owned(),
            "99999999999999999999".to_owned(),
        ),
        ts_case(
            65,
            I,
            "milliseconds instead of seconds, signed as sent",
            format!("{now}000"),
            format!("{now}000"),
        ),
        ts_case(
            66,
            I,
            "NaN, signed as sent",
            "NaN".to_owned(),
            "NaN".to_owned(),
        ),
        ts_case(
            67,
            I,
            "empty ts, signed as sent",
            String::new(),
            String::new(),
        ),
        header(
            68,
            I,
            &["SignaturePrefix"],
            "first 16 bytes of sig1",
            |ts, sig| format!("ts={ts};sig1={}", head(sig, 32)),
        ),
        header(
            69,
            I,
            &["TruncatedSignature"],
            "sig1 one hex digit short",
            |ts, sig| format!("ts={ts};sig1={}", drop_last(sig)),
        ),
        header(
            70,
            I,
            &["ExtendedSignature"],
            "sig1 with one extra hex digit",
            |ts, sig| format!("ts={ts};sig1={sig}0"),
        ),
        header(
            71,
            I,
            &["ExtendedSignature"],
            "sig1 followed by non-hex characters",
            |ts, sig| format!("ts={ts};sig1={sig}zz"),
        ),
        header(
            72,
            I,
            &["InvalidHex"],
            "non-hex character in sig1",
            |ts, sig| format!("ts={ts};sig1={}", replace_at(sig, 10, "g")),
        ),
        case(
            73,
            I,
            &["DuplicateHeader"],
            "header twice: valid then wrong",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.push_header(
                    "X-BLINK-SIGNATURE",
                    format!("ts={FIXED_NOW};sig1={}", "0".repeat(64)),
                );
                Ok(d)
            },
        ),
        header(
            74,
            I,
            &["NonAsciiHeader"],
            "non-ASCII characters in the header",
            |ts, sig| format!("ts={ts};sig1={}é", head(sig, 62)),
        ),
        header(
            75,
            I,
            &["MissingParameter"],
            "v1= instead of sig1=",
            |ts, sig| format!("ts={ts};v1={sig}"),
        ),
        at(
            76,
            V,
            &["FreshTimestamp"],
            "timestamp 59 s in the past, window 60 s",
            now - 59,
        )
        .group(1),
        at(
            77,
            I,
            &["StaleTimestamp"],
            "timestamp 61 s in the past, window 60 s",
            now - 61,
        )
        .group(1),
        at(
            78,
            I,
            &["FutureTimestamp"],
            "timestamp 61 s in the future, window 60 s",
            now + 61,
        )
        .group(1),
    ]
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Json {
        what: "generator body".into(),
        source: e,
    }
}

/// The cases both JSON.stringify schemes share, with their ids.
fn canonical_hard(ids: [(u32, Hard); 11]) -> Vec<Case> {
    ids.into_iter().map(|(tc, h)| hard(tc, h)).collect()
}

fn smartasset() -> Vec<Case> {
    let by = |tc: u32,
              result: Expected,
              flags: &'static [&'static str],
              comment: &str,
              group: usize,
              key: fn(&Gen) -> &SigningKey| {
        case(tc, result, flags, comment, move |g, tc| {
            g.signed_by(key(g), tc, 0, g.ev(tc))
        })
        .group(group)
    };
    let envelope = |tc: u32,
                    result: Expected,
                    flags: &'static [&'static str],
                    comment: &str,
                    body: fn(&str, &str) -> String| {
        case(tc, result, flags, comment, move |g, tc| {
            let ev = g.ev(tc);
            let sig = hex(&g.ed25519_sig(g.primary(), &ev)?);
            Ok(g.smartasset_body(body(&ev, &sig)))
        })
    };
    let mut cases = vec![
        case(
            1,
            V,
            &["EventType"],
            "smartAssetContract.Hydrated event",
            |g, tc| g.signed(tc, g.ev(tc)),
        ),
        case(2, V, &["EventType"], "Transfer event", |g, tc| {
            g.signed_by(g.primary(), tc, 1, g.body(tc, 1, ""))
        }),
    ];
    cases.extend(canonical_hard([
        (3, Hard::NonAsciiRaw),
        (4, Hard::EmojiRaw),
        (5, Hard::LineSeparators),
        (6, Hard::SlashLtRaw),
        (7, Hard::CrlfInString),
        (8, Hard::ControlChars),
        (9, Hard::JsBigInteger),
        (10, Hard::JsNumbers),
        (11, Hard::EmptyContainers),
        (12, Hard::JsKeyOrder),
        (13, Hard::Large),
    ]));
    cases.extend([
        envelope(14, V, &["EnvelopeLayout"], "signature member before the event", |ev, sig| {
            format!(r#"{{"signature":"{sig}","event":{ev}}}"#)
        }),
        envelope(15, V, &["EnvelopeLayout"], "whitespace around the envelope members", |ev, sig| {
            format!("{{\n  \"event\" : {ev} ,\n  \"signature\" : \"{sig}\"\n}}\n")
        }),
        envelope(16, V, &["EnvelopeLayout"], "extra member in the envelope", |ev, sig| {
            format!(r#"{{"event":{ev},"signature":"{sig}","deliveredAt":"2023-11-14T22:13:20.000Z"}}"#)
        }),
        edit(17, A, &["HexCase"], "signature in uppercase hex", |t| t.to_ascii_uppercase()),
        edit(18, A, &["HexCase"], "signature in mixed-case hex", |t| mixed_case(&t)),
        by(19, V, &["KeyRotation"], "keys [k1, k2] published, signed by the new key k2", 1, |g| &g.sa2),
        by(20, V, &["KeyRotation"], "keys [k1, k2] published, signed by the old key k1", 1, |g| &g.sa1),
        by(21, V, &["KeyRotation"], "key [k2] published, signed by k2", 2, |g| &g.sa2),
        by(22, I, &["RemovedKey"], "key [k2] published, signed by the removed key k1", 2, |g| &g.sa1),
        by(23, I, &["UnpublishedKey"], "key [k1] published, signed by k2 before its publication", 0, |g| &g.sa2),
        by(24, I, &["UnpublishedKey"], "keys [k1, k2] published, signed by a key never published", 1, |g| &g.sa_unpublished),
        by(25, I, &["UnpublishedKey"], "key [k1] published, signed by a key never published", 0, |g| &g.sa_unpublished),
        envelope(26, I, &["MissingSignature"], "envelope without signature", |ev, _| {
            format!(r#"{{"event":{ev}}}"#)
        }),
        edit(27, I, &["EmptySignature"], "signature is an empty string", |_| String::new()),
        envelope(28, I, &["MalformedEnvelope"], "signature is null", |ev, _| {
            format!(r#"{{"event":{ev},"signature":null}}"#)
        }),
        envelope(29, I, &["MalformedEnvelope"], "envelope without event", |_, sig| {
            format!(r#"{{"signature":"{sig}"}}"#)
        }),
        envelope(30, I, &["MalformedEnvelope"], "event double-encoded as a JSON string", |ev, sig| {
            format!(
                r#"{{"event":{},"signature":"{sig}"}}"#,
                serde_json::Value::String(ev.to_owned())
            )
        }),
        case(31, A, &["EventNotObject"], "event is an array, signed as sent", |g, tc| {
            g.signed(tc, format!("[{}]", g.ev(tc)))
        }),
        envelope(32, I, &["MalformedEnvelope"], "envelope is an array [event, signature]", |ev, sig| {
            format!(r#"[{ev},"{sig}"]"#)
        }),
        case(33, I, &["ModifiedBody"], "one byte of the event changed after signing", |g, tc| {
            g.forged(tc, g.ev(tc).as_bytes(), g.tamper(&g.ev(tc))?.as_bytes())
        }),
        case(34, I, &["ModifiedBody"], "byte appended to the body after signing", |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.body.push(b'x');
            Ok(d)
        }),
        case(35, I, &["ModifiedBody"], "last byte of the body removed after signing", |g, tc| {
            let mut d = g.signed(tc, g.ev(tc))?;
            d.body.pop();
            Ok(d)
        }),
        case(36, I, &["ReformattedBody"], "keys of the event sorted after signing", |g, tc| {
            let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
            differ(&sorted, &g.ev(tc))?;
            g.forged(tc, g.ev(tc).as_bytes(), sorted.as_bytes())
        }),
        case(37, I, &["OtherBodySignature"], "signature of another event", |g, tc| {
            g.forged(tc, g.ev(tc + 1000).as_bytes(), g.ev(tc).as_bytes())
        }),
        case(38, I, &["ReserializedSignature"], "signature over the event with sorted keys", |g, tc| {
            let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
            g.forged(tc, sorted.as_bytes(), g.ev(tc).as_bytes())
        }),
        case(39, I, &["ReserializedSignature"], "signature over the \\u-escaped event", |g, tc| {
            let sent = g.hard_body(tc, Hard::NonAsciiRaw);
            g.forged(tc, json::ascii_escaped(&sent).as_bytes(), sent.as_bytes())
        }),
        case(40, I, &["ReserializedSignature"], "signature over the pretty-printed event", |g, tc| {
            g.forged(tc, g.pretty(&g.ev(tc)).as_bytes(), g.ev(tc).as_bytes())
        }),
        case(41, I, &["ReserializedSignature"], "signature over {\"event\":…} instead of the event", |g, tc| {
            g.forged(tc, format!(r#"{{"event":{}}}"#, g.ev(tc)).as_bytes(), g.ev(tc).as_bytes())
        }),
        edit(42, I, &["SignaturePrefix"], "first 32 bytes of the signature", |t| head(&t, 64)),
        edit(43, I, &["TruncatedSignature"], "signature one hex digit short", |t| drop_last(&t)),
        edit(44, I, &["ExtendedSignature"], "signature with one extra hex digit", |t| format!("{t}0")),
        edit(45, I, &["SignatureLength"], "signature with one extra byte", |t| format!("{t}00")),
        edit(46, I, &["InvalidHex"], "non-hex character in the signature", |t| replace_at(&t, 10, "g")),
        case(47, I, &["SignatureMalleability"], "S replaced by S + L", |g, tc| {
            let sig = g.ed25519_sig(g.primary(), &g.ev(tc))?;
            g.with_text(tc, &hex(&add_l_to_s(&sig)?))
        }),
        edit(48, I, &["ModifiedSignature"], "last hex digit of the signature changed", |t| {
            flip_last_hex(&t)
        }),
        edit(49, I, &["ModifiedSignature"], "all-zero signature", |_| "0".repeat(128)),
        case(50, I, &["WrongEncoding"], "signature in base64 instead of hex", |g, tc| {
            g.with_text(tc, &b64(&g.ed25519_sig(g.primary(), &g.ev(tc))?))
        }),
        non_canonical(51, NonCanon::Pretty),
        non_canonical(52, NonCanon::EscapedSlash),
        non_canonical(53, NonCanon::EscapedNonAscii),
        non_canonical(54, NonCanon::OnePointZero),
        non_canonical(55, NonCanon::BigInteger),
        non_canonical(56, NonCanon::IntegerKey),
        case(57, A, &["NonCanonicalJsonSignedRaw"], "pretty-printed event, signed as sent", |g, tc| {
            g.signed(tc, g.pretty(&g.ev(tc)))
        }),
    ]);
    cases
}

fn cometh() -> Vec<Case> {
    let rsa =
        |tc: u32, comment: &str, sign: fn(&rsa::RsaPrivateKey, &[u8]) -> Result<Vec<u8>, Error>| {
            case(tc, I, &["WrongAlgorithm"], comment, move |g, tc| {
                g.with_text(tc, &b64(&sign(g.rsa_key()?, g.ev(tc).as_bytes())?))
            })
        };
    let by = |tc: u32,
              result: Expected,
              flags: &'static [&'static str],
              comment: &str,
              group: usize,
              key: fn(&Gen) -> &SigningKey| {
        case(tc, result, flags, comment, move |g, tc| {
            g.signed_by(key(g), tc, 0, g.ev(tc))
        })
        .group(group)
    };
    let types = |tc: u32, ty: usize, comment: &str| {
        case(tc, V, &["EventType"], comment, move |g, tc| {
            g.signed_by(g.primary(), tc, ty, g.body(tc, ty, ""))
        })
    };
    let mut cases = vec![
        types(1, 0, "ORDER_LISTED event"),
        types(2, 1, "ORDER_CANCELLED event"),
        types(3, 2, "ORDER_FILLED event"),
        case(
            4,
            V,
            &["HeaderNameCase"],
            "header name in another letter case",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                rename_header(&mut d, "X-Cometh-Indexer-Signature")?;
                Ok(d)
            },
        ),
    ];
    cases.extend(canonical_hard([
        (5, Hard::NonAsciiRaw),
        (6, Hard::EmojiRaw),
        (7, Hard::LineSeparators),
        (8, Hard::SlashLtRaw),
        (9, Hard::CrlfInString),
        (10, Hard::ControlChars),
        (11, Hard::JsBigInteger),
        (12, Hard::JsNumbers),
        (13, Hard::EmptyContainers),
        (14, Hard::JsKeyOrder),
        (15, Hard::Large),
    ]));
    cases.extend([
        by(
            16,
            V,
            &["KeyRotation"],
            "after rotation to cometh-2, signed by cometh-2",
            1,
            |g| &g.cometh2,
        ),
        by(
            17,
            I,
            &["RemovedKey"],
            "after rotation to cometh-2, signed by the old key",
            1,
            |g| &g.cometh1,
        ),
        by(
            18,
            I,
            &["WrongKey"],
            "signed by a different 2048-bit key",
            0,
            |g| &g.cometh2,
        ),
        case(
            19,
            I,
            &["MissingSignature"],
            "signature header missing",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.remove_header("x-cometh-indexer-signature");
                Ok(d)
            },
        ),
        edit(20, I, &["EmptySignature"], "signature header empty", |_| {
            String::new()
        }),
        rsa(21, "RSA-PSS with SHA-256", |k, m| {
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(RNG_SEED);
            let sk = rsa::pss::SigningKey::<Sha256>::new(k.clone());
            Ok(sk.sign_with_rng(&mut rng, m).to_vec())
        }),
        rsa(22, "PKCS#1 v1.5 with SHA-1", |k, m| {
            k.sign(Pkcs1v15Sign::new::<sha1::Sha1>(), &sha1::Sha1::digest(m))
                .map_err(|e| Error::Key(e.to_string()))
        }),
        rsa(23, "RSA-PSS with SHA-1", |k, m| {
            let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(RNG_SEED);
            let sk = rsa::pss::SigningKey::<sha1::Sha1>::new(k.clone());
            Ok(sk.sign_with_rng(&mut rng, m).to_vec())
        }),
        rsa(24, "PKCS#1 v1.5 with SHA-512", |k, m| {
            k.sign(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(m))
                .map_err(|e| Error::Key(e.to_string()))
        }),
        case(
            25,
            I,
            &["ModifiedBody"],
            "one byte of the body changed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), g.tamper(&g.ev(tc))?.as_bytes()),
        ),
        case(
            26,
            I,
            &["ModifiedBody"],
            "byte appended to the body after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), format!("{}x", g.ev(tc)).as_bytes()),
        ),
        case(
            27,
            I,
            &["ModifiedBody"],
            "last byte of the body removed after signing",
            |g, tc| g.forged(tc, g.ev(tc).as_bytes(), drop_last(&g.ev(tc)).as_bytes()),
        ),
        case(
            28,
            I,
            &["ReformattedBody"],
            "keys sorted after signing",
            |g, tc| {
                let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
                differ(&sorted, &g.ev(tc))?;
                g.forged(tc, g.ev(tc).as_bytes(), sorted.as_bytes())
            },
        ),
        case(
            29,
            I,
            &["OtherBodySignature"],
            "signature of another event",
            |g, tc| g.forged(tc, g.ev(tc + 1000).as_bytes(), g.ev(tc).as_bytes()),
        ),
        case(
            30,
            I,
            &["ReserializedSignature"],
            "signature over the body with sorted keys",
            |g, tc| {
                let sorted = json::sorted(&g.ev(tc)).map_err(json_err)?;
                g.forged(tc, sorted.as_bytes(), g.ev(tc).as_bytes())
            },
        ),
        case(
            31,
            I,
            &["ReserializedSignature"],
            "signature over the \\u-escaped body",
            |g, tc| {
                let sent = g.hard_body(tc, Hard::NonAsciiRaw);
                g.forged(tc, json::ascii_escaped(&sent).as_bytes(), sent.as_bytes())
            },
        ),
        case(
            32,
            I,
            &["ReserializedSignature"],
            "signature over the body plus a newline",
            |g, tc| {
                g.forged(
                    tc,
                    format!("{}\n", g.ev(tc)).as_bytes(),
                    g.ev(tc).as_bytes(),
                )
            },
        ),
        edit(
            33,
            I,
            &["TruncatedSignature"],
            "base64 truncated to 100 characters",
            |t| head(&t, 100),
        ),
        edit(
            34,
            I,
            &["TruncatedSignature"],
            "last base64 data character removed",
            // Dropping a padding `=` would only make the padding lenient.
            |t| format!("{}==", drop_last(t.trim_end_matches('='))),
        ),
        edit(
            35,
            I,
            &["TruncatedSignature"],
            "last base64 quantum removed",
            |t| head(&t, t.len().saturating_sub(4)),
        ),
        edit(
            36,
            I,
            &["InvalidBase64"],
            "non-base64 characters inside the signature",
            |t| replace_at(&replace_at(&t, 20, "!"), 21, "*"),
        ),
        case(
            37,
            I,
            &["WrongEncoding"],
            "signature in hex instead of base64",
            |g, tc| {
                let raw = sign::proof(g.scheme, g.primary(), g.ev(tc).as_bytes())?;
                g.with_text(tc, &hex(&raw))
            },
        ),
        case(
            38,
            I,
            &["SignatureLength"],
            "zero byte prepended to the signature",
            |g, tc| {
                let mut raw = vec![0u8];
                raw.extend(sign::proof(g.scheme, g.primary(), g.ev(tc).as_bytes())?);
                g.with_text(tc, &b64(&raw))
            },
        ),
        case(
            39,
            I,
            &["SignatureLength"],
            "last byte of the signature removed",
            |g, tc| {
                let mut raw = sign::proof(g.scheme, g.primary(), g.ev(tc).as_bytes())?;
                raw.pop();
                g.with_text(tc, &b64(&raw))
            },
        ),
        case(
            40,
            I,
            &["ModifiedSignature"],
            "one bit of the signature flipped",
            |g, tc| {
                let mut raw = sign::proof(g.scheme, g.primary(), g.ev(tc).as_bytes())?;
                if let Some(b) = raw.last_mut() {
                    *b ^= 1;
                }
                g.with_text(tc, &b64(&raw))
            },
        ),
        case(
            41,
            I,
            &["DuplicateHeader"],
            "signature header twice: valid then wrong",
            |g, tc| {
                let mut d = g.signed(tc, g.ev(tc))?;
                d.push_header("x-cometh-indexer-signature", b64(&[0u8; 256]));
                Ok(d)
            },
        ),
        raw_header(
            42,
            I,
            &["NonAsciiHeader"],
            "non-ASCII characters in the signature header",
            // A data character, not the padding: lenient decoders skip
            // unknown characters, and skipping padding changes nothing.
            |_, t| Ok(replace_at(&t, 10, "é").into_bytes()),
        ),
        edit(43, A, &["LenientBase64"], "base64 without padding", |t| {
            t.trim_end_matches('=').to_owned()
        }),
        case(
            44,
            A,
            &["LenientBase64"],
            "URL-safe base64 alphabet",
            |g, tc| {
                let t = g.valid_text(tc)?;
                if !t.contains(['+', '/']) {
                    return Err(Error::Vector("generator: signature has no + or /".into()));
                }
                g.with_text(tc, &t.replace('+', "-").replace('/', "_"))
            },
        ),
        edit(
            45,
            A,
            &["LenientBase64"],
            "base64 with embedded spaces",
            |t| {
                t.chars()
                    .enumerate()
                    .flat_map(|(i, c)| {
                        let space = (i > 0 && i % 64 == 0).then_some(' ');
                        space.into_iter().chain(std::iter::once(c))
                    })
                    .collect()
            },
        ),
        case(
            46,
            A,
            &["NotJsonBody"],
            "valid signature, body is not JSON",
            |g, tc| g.signed(tc, format!("id=evt_{tc}&type=ORDER_LISTED")),
        ),
        case(
            47,
            A,
            &["NotJsonBody"],
            "valid signature, body is not UTF-8",
            |g, tc| g.signed(tc, vec![0xff, 0xfe, b'{', 0x80, b'}', 0xc3]),
        ),
        non_canonical(48, NonCanon::Pretty),
        non_canonical(49, NonCanon::EscapedSlash),
        non_canonical(50, NonCanon::EscapedNonAscii),
        non_canonical(51, NonCanon::OnePointZero),
        non_canonical(52, NonCanon::BigInteger),
        non_canonical(53, NonCanon::IntegerKey),
        case(
            54,
            A,
            &["NonCanonicalJsonSignedRaw"],
            "pretty-printed body, signed as sent",
            |g, tc| g.signed(tc, g.pretty(&g.ev(tc))),
        ),
    ]);
    cases
}

// ---------------------------------------------------------------------------
// Groups, notes, assembly.

fn groups(g: &Gen) -> Result<Vec<TestGroup>, Error> {
    let empty = TestGroup {
        secret: None,
        public_keys: None,
        public_key_pem: None,
        tolerance: None,
        tests: Vec::new(),
    };
    let ed = |keys: &[&SigningKey]| -> Result<Vec<String>, Error> {
        keys.iter()
            .map(|k| {
                test_keys::ed25519_hex(k)
                    .ok_or_else(|| Error::Key("generator: not an Ed25519 key".into()))
            })
            .collect()
    };
    let pem = |k: &SigningKey| -> Result<String, Error> {
        match k {
            SigningKey::Rsa(k) => keys::rsa_to_spki_pem(&k.to_public_key()),
            _ => Err(Error::Key("generator: not an RSA key".into())),
        }
    };
    Ok(match g.seed {
        Seed::Smartasset => vec![
            TestGroup {
                public_keys: Some(ed(&[&g.sa1])?),
                ..empty.clone()
            },
            TestGroup {
                public_keys: Some(ed(&[&g.sa1, &g.sa2])?),
                ..empty.clone()
            },
            TestGroup {
                public_keys: Some(ed(&[&g.sa2])?),
                ..empty
            },
        ],
        Seed::Cometh => vec![
            TestGroup {
                public_key_pem: Some(pem(&g.cometh1)?),
                ..empty.clone()
            },
            TestGroup {
                public_key_pem: Some(pem(&g.cometh2)?),
                ..empty
            },
        ],
        Seed::BlinkSignature => vec![
            TestGroup {
                secret: Some(TEST_SECRET.to_owned()),
                tolerance: Some(crate::verify::DEFAULT_TOLERANCE_S),
                ..empty.clone()
            },
            TestGroup {
                secret: Some(TEST_SECRET.to_owned()),
                tolerance: Some(60),
                ..empty
            },
        ],
        _ => vec![TestGroup {
            secret: Some(TEST_SECRET.to_owned()),
            ..empty
        }],
    })
}

fn note(id: Seed, flag: &str) -> Result<Note, Error> {
    use BugType::*;
    let js = matches!(id, Seed::Smartasset | Seed::Cometh);
    let (bug_type, description): (BugType, String) = match flag {
        "Basic" => (Functionality, "A delivery signed exactly as the vendor documents.".into()),
        "EventType" => (Functionality, "A documented event type with a realistic payload; must be accepted.".into()),
        "EchoHandshake" => (Functionality, "The endpoint.verify handshake body with a valid token; must be accepted (and answered with the nonce).".into()),
        "HeaderNameCase" => (Functionality, "Header names in another letter case. HTTP header names are case-insensitive (RFC 9110 §5.1); the delivery must be accepted.".into()),
        "HardBody" => (Functionality, if js {
            "A body that is its own JSON.stringify(JSON.parse(body)) but contains text a non-JavaScript serializer spells differently (raw non-ASCII, U+2028, control escapes, large or exponent numbers, integer-like keys). A receiver must verify the bytes it received (or reproduce JSON.stringify exactly); one that re-serializes with another library fails.".into()
        } else {
            "A body a receiver that parses and re-serializes before verifying would change (whitespace, escapes, number spellings, key order). The signature covers the raw bytes as received; must be accepted.".into()
        }),
        "LargeBody" => (Functionality, "A 64 KiB body (exactly 65536 bytes); must be accepted.".into()),
        "BodyNotAuthenticated" => (EdgeCase, "The scheme's proof does not depend on the body (a static token or an API key), so a changed body cannot be detected and the delivery must be accepted. This is a property of the vendor's scheme, not of the receiver.".into()),
        "NotJsonBody" => (EdgeCase, "A correct proof over a body that is empty, not JSON or not UTF-8. A receiver may accept it (2xx without side effects) or refuse it (4xx); it must not crash (5xx).".into()),
        "MissingSignature" => (AuthBypass, "The proof is absent (or only present somewhere the scheme does not look); must be rejected.".into()),
        "EmptySignature" => (AuthBypass, "The proof is present but empty; must be rejected.".into()),
        "WrongKey" => (AuthBypass, "Proof made with a key or secret the receiver does not trust; must be rejected.".into()),
        "ModifiedSignature" => (AuthBypass, "A well-formed proof with changed bytes; must be rejected.".into()),
        "ModifiedBody" => (AuthBypass, "The body was changed after signing (one byte changed, appended or removed); must be rejected.".into()),
        "ReformattedBody" => (AuthBypass, "Whitespace or key order of the body changed after signing. The signature covers the bytes as signed; must be rejected.".into()),
        "OtherBodySignature" => (AuthBypass, "A valid signature of a different body; must be rejected.".into()),
        "ReserializedSignature" => (AuthBypass, if js {
            "The signature covers another serialization of the event (sorted keys, \\u escapes, whitespace, a wrapper) than the bytes sent, which are their own JSON.stringify form. Neither a raw-bytes receiver nor a JSON.stringify receiver can reproduce the signed bytes; must be rejected.".into()
        } else {
            "The signature covers a re-serialization of the body (compact, \\u-escaped), not the raw bytes sent; a receiver that verifies the raw body must reject it.".into()
        }),
        "SignaturePrefix" => (AuthBypass, "A prefix of the correct proof. Comparing only the common length accepts it (CVE-2024-21491, Svix); must be rejected.".into()),
        "TruncatedSignature" => (AuthBypass, "The proof is shorter than a full one; must be rejected.".into()),
        "ExtendedSignature" => (AuthBypass, "The correct proof followed by extra characters. Node's Buffer.from(x, 'hex') silently drops a trailing odd digit and stops at the first non-hex character, so code that decodes before comparing accepts it; a correct receiver validates the encoding and the length and must reject it.".into()),
        "InvalidHex" => (MalformedInput, "The proof is not valid hexadecimal; must be rejected (4xx, not 5xx).".into()),
        "InvalidBase64" => (MalformedInput, "The proof contains characters outside the base64 alphabets; must be rejected (even lenient decoders that skip such characters end up with the wrong bytes).".into()),
        "WrongEncoding" => (MalformedInput, "The right bytes in the wrong encoding (base64 for hex or hex for base64); must be rejected.".into()),
        "SignatureLength" => (MalformedInput, "A decoded signature of the wrong length; must be rejected.".into()),
        "WrongPrefix" => (AuthBypass, "The proof's prefix is missing, wrong (sha1=) or repeated; must be rejected.".into()),
        "PrefixCase" => (EdgeCase, "The prefix in another letter case (SHA256=). The vendor's code compares it case-sensitively; a receiver may accept it or reject it.".into()),
        "HexCase" => (EdgeCase, "Upper- or mixed-case hex. The vendor sends lowercase, but Node's hex decoder (used in the vendor's sample) accepts either case; a receiver may accept or reject it. Accepting it is not a weakness: it is the same bytes.".into()),
        "LenientBase64" => (EdgeCase, "The correct signature in a lenient base64 spelling (no padding, URL-safe alphabet, embedded spaces). Node's decoder, which the vendor's sample uses, accepts these; a strict decoder rejects them. Either is allowed.".into()),
        "DuplicateHeader" => (AuthBypass, "The proof header appears twice with different values. Which one counts is ambiguous (and proxies may reorder or join them); must be rejected.".into()),
        "NonAsciiHeader" => (MalformedInput, "Non-ASCII bytes in the proof header; must be rejected with 4xx, not a crash.".into()),
        "TokenOverBody" => (AuthBypass, "blockmark's token is the HMAC of the empty message (the vendor's code never calls update()); an HMAC over the body is not the token and must be rejected.".into()),
        "EmptySecret" => (AuthBypass, "A token made with an empty secret; only a receiver that is misconfigured with an empty secret (and does not fail closed) accepts it. Must be rejected.".into()),
        "ApiKeyPlacement" => (AuthBypass, "The API key travels in `?apikey=` or in `BLINK-API-KEY`, and nowhere else; a key in the documented places is accepted (the query value is percent-decoded), a key elsewhere must not count.".into()),
        "PercentEncoding" => (Functionality, "The key in the query with percent-encoded characters; after decoding it is the key, and must be accepted.".into()),
        "SameKeyTwice" => (EdgeCase, "The same correct key in the query and in the header. Accepting it is harmless; rejecting the ambiguous request is also allowed.".into()),
        "ApiKeyCase" => (AuthBypass, "The key in another letter case; keys are compared byte for byte, must be rejected.".into()),
        "ConflictingKeys" => (AuthBypass, "Two different keys (query and header, or a repeated parameter), one right; a receiver that checks only one place can be steered. Must be rejected.".into()),
        "SignedUrl" => (Functionality, "blink-signature signs the full URL including the query, exactly as posted; must be accepted.".into()),
        "OtherUrl" => (AuthBypass, "The signature covers another URL (path, query, host, port or scheme) than the one posted to; must be rejected.".into()),
        "WrongMessage" => (AuthBypass, "The signature covers a different message layout than `<ts>.<url>.<body>`; must be rejected.".into()),
        "ParameterSyntax" => (EdgeCase, "The header's `ts=…;sig1=…` parameters reordered, spaced, or with an unknown extra parameter. The vendor documents one exact format; a strict parser rejects these, a tolerant one (Stripe-style) accepts them. Either is allowed.".into()),
        "MissingParameter" => (AuthBypass, "A required parameter of the header (`ts` or `sig1`) is missing or misnamed; must be rejected.".into()),
        "FreshTimestamp" => (Functionality, "A timestamp inside the window (±tolerance, default 300 s); must be accepted.".into()),
        "StaleTimestamp" => (Replay, "A correctly signed timestamp older than the window allows; must be rejected (replay protection).".into()),
        "FutureTimestamp" => (Replay, "A correctly signed timestamp further in the future than the window allows; must be rejected.".into()),
        "ModifiedTimestamp" => (AuthBypass, "The timestamp was changed after signing; must be rejected.".into()),
        "NonCanonicalTimestamp" => (MalformedInput, "A timestamp that is not canonical decimal unix seconds (+, leading zero, fraction, exponent, trailing junk, negative, beyond i64, milliseconds, NaN, empty). Either it is signed in canonical form (so the header's text is not what was signed), or its value is outside the window under any reading, or it is not a number at all (parseInt/Number() leniency lets it through). Must be rejected.".into()),
        "NonCanonicalTimestampSigned" => (EdgeCase, "A non-canonical spelling of the current time (+ts, leading zero, ts.0), signed exactly as sent. The HMAC over the header's text is correct and the value is fresh, so a receiver that parses leniently accepts it; one that insists on canonical digits rejects it. Either is allowed.".into()),
        "KeyRotation" => (Functionality, "The group publishes the keys listed; a delivery signed by any published key must be accepted (a rotation publishes the new key beside the old one first).".into()),
        "RemovedKey" => (AuthBypass, "Signed by a key that is no longer published; must be rejected.".into()),
        "UnpublishedKey" => (AuthBypass, "Signed by a key that is not (or not yet) published; must be rejected.".into()),
        "MalformedEnvelope" => (MalformedInput, "The body is not the documented {\"event\":{…},\"signature\":\"<hex>\"} envelope (member missing or null, event double-encoded as a string, envelope not an object); must be rejected.".into()),
        "EventNotObject" => (EdgeCase, "The event is a JSON array, validly signed over its JSON.stringify form. The vendor's sample code would accept it; a typed receiver rejects it because an event is an object. Either is allowed (but not a 5xx).".into()),
        "SignatureMalleability" => (Malleability, "An Ed25519 signature with S + L in place of S (RFC 8032 §5.1.7 requires S < L); must be rejected.".into()),
        "WrongAlgorithm" => (WrongPrimitive, "A signature with another algorithm or hash (RSA-PSS, SHA-1, SHA-512, HMAC-SHA512, unkeyed SHA-256) than the scheme's; must be rejected.".into()),
        "EnvelopeLayout" => (Functionality, "The envelope's members in another order, with whitespace between them, or with an extra member. The signature covers the event only, and JSON.parse(body).event is unchanged; must be accepted.".into()),
        "NonCanonicalJson" => (EdgeCase, "The event as sent is not its own JSON.stringify form (whitespace, \\/, \\u00e9, 1.0, a number beyond double precision, an integer-like key after a string key), and the signature covers JSON.stringify(JSON.parse(sent)). A receiver following the vendor's sample (parse, then JSON.stringify) accepts it; a receiver verifying the raw bytes rejects it. Both are allowed; the project's convention is that senders sign and send the compact form, so valid deliveries never look like this.".into()),
        "NonCanonicalJsonSignedRaw" => (EdgeCase, "The event as sent is not its own JSON.stringify form and the signature covers the bytes exactly as sent. A raw-bytes receiver accepts it; a receiver following the vendor's sample (JSON.stringify of the parsed event) rejects it. Both are allowed.".into()),
        other => return Err(Error::Vector(format!("generator: flag `{other}` has no note"))),
    };
    Ok(Note {
        bug_type,
        description,
    })
}

fn table(id: Seed) -> Vec<Case> {
    match id {
        Seed::Blockmark => blockmark(),
        Seed::Certifylize => certifylize(),
        Seed::BlinkApiKey => blink_apikey(),
        Seed::BlinkSignature => blink_signature(),
        Seed::Smartasset => smartasset(),
        Seed::Cometh => cometh(),
    }
}

pub(super) fn generate(id: SchemeId) -> Result<VectorFile, Error> {
    let g = Gen::new(id)?;
    let mut groups = groups(&g)?;
    let mut notes = std::collections::BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0usize;
    for c in table(g.seed) {
        if !seen.insert(c.tc) {
            return Err(Error::Vector(format!(
                "generator: {id} tcId {} used twice",
                c.tc
            )));
        }
        if retired_tc_ids(id).contains(&c.tc) {
            return Err(Error::Vector(format!(
                "generator: {id} tcId {} is retired",
                c.tc
            )));
        }
        let delivery = (c.build)(&g, c.tc)
            .map_err(|e| Error::Vector(format!("generator: {id} tcId {}: {e}", c.tc)))?;
        for f in &c.flags {
            if !notes.contains_key(*f) {
                notes.insert((*f).to_owned(), note(g.seed, f)?);
            }
        }
        let test = VectorTest {
            tc_id: c.tc,
            comment: c.comment,
            flags: c.flags.iter().map(|f| (*f).to_owned()).collect(),
            request: Request::from_delivery(&delivery)?,
            now: c.now,
            result: c.result,
        };
        let group = groups
            .get_mut(c.group)
            .ok_or_else(|| Error::Vector(format!("generator: {id} has no group {}", c.group)))?;
        group.tests.push(test);
        count += 1;
    }
    for group in &mut groups {
        group.tests.sort_by_key(|t| t.tc_id);
    }
    groups.retain(|g| !g.tests.is_empty());
    Ok(VectorFile {
        scheme: id.to_string(),
        schema_version: SCHEMA_VERSION,
        number_of_tests: count,
        header: vec![
            format!("hookspec test vectors for the `{id}` webhook scheme: {}.", g.scheme.summary),
            format!("Source: {}; conventions: docs/spec.md §2 and vectors/README.md.", g.scheme.reference),
            "Generated by hookspec's vector generator (harness/src/vectors); do not edit by hand. Regenerate with `HOOKSPEC_BLESS=1 cargo test --test vectors`.".into(),
            "TEST-ONLY KEYS: every secret and private key behind these vectors is public (vectors/keys/). Never use them in production.".into(),
            "URLs are fictional (receiver.example, never contacted); `now` is the receiver's clock in unix seconds.".into(),
        ],
        notes,
        test_groups: groups,
    })
}
