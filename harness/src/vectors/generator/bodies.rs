//! The bodies of the vectors: the standard event of a test (from the
//! scheme's `[vectors]` template), the hard bodies a re-serializing
//! receiver would change, and the non-canonical events of the
//! `JSON.stringify` schemes.

use super::edits;
use super::json;
use crate::scheme::VectorData;
use crate::Error;

/// The bodies of one scheme.
pub(in crate::vectors) struct Bodies {
    pub(in crate::vectors) data: VectorData,
}

/// The block number of test `tc`'s event (`@BLOCK@`).
const BLOCK_BASE: u32 = 28_644_000;

impl Bodies {
    /// Fills the markers of a `[vectors]` template for test `tc`, type `ty`.
    fn fill(&self, template: &str, tc: u32, ty: usize) -> String {
        let mut out = template
            .replace("@EVENT_ID@", &self.event_id(tc))
            .replace("@ID@", &self.fill_id(self.data.body_id, tc))
            .replace("@TYPE@", self.type_name(ty))
            .replace("@TC12@", &format!("{tc:012}"))
            .replace("@TC@", &format!("{tc:04}"))
            .replace("@N@", &tc.to_string())
            .replace("@TOKEN@", &format!("75632{tc:04}"))
            .replace("@BLOCK@", &(BLOCK_BASE + tc).to_string());
        for (name, values) in self.data.type_markers {
            let value = values.get(ty).or_else(|| values.first()).copied();
            out = out.replace(&format!("@{name}@"), value.unwrap_or_default());
        }
        out
    }

    fn fill_id(&self, template: &str, tc: u32) -> String {
        template
            .replace("@TC12@", &format!("{tc:012}"))
            .replace("@TC@", &format!("{tc:04}"))
            .replace("@N@", &tc.to_string())
    }

    /// The delivery's event id (unique per test).
    pub(super) fn event_id(&self, tc: u32) -> String {
        self.fill_id(self.data.event_id, tc)
    }

    /// Event type `ty` (empty past the end of the list).
    pub(super) fn type_name(&self, ty: usize) -> &'static str {
        self.data.types.get(ty).copied().unwrap_or("")
    }

    /// The number of event types.
    pub(super) fn type_count(&self) -> usize {
        self.data.types.len()
    }

    /// The standard event of test `tc`, type `ty`, with `extra` members
    /// where the template says `@EXTRA@`.
    pub(super) fn body(&self, tc: u32, ty: usize, extra: &str) -> String {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(",{extra}")
        };
        self.fill(self.data.body, tc, ty).replace("@EXTRA@", &extra)
    }

    /// The standard event of type 0.
    pub(super) fn ev(&self, tc: u32) -> String {
        self.body(tc, 0, "")
    }

    /// The body that is not JSON.
    pub(super) fn form(&self, tc: u32) -> String {
        self.fill(self.data.form_body, tc, 0)
    }

    /// One byte of a body changed (inside a string value).
    pub(super) fn tamper(&self, body: &str) -> Result<String, Error> {
        match self.data.tamper {
            Some((from, to)) => edits::replace_once(body, from, to),
            None => edits::tamper_first_string(body),
        }
    }

    /// `json` re-indented with two spaces and LF.
    pub(super) fn pretty(&self, json: &str) -> String {
        json::reindent(json, "  ", "\n")
    }

    /// Whether `json` is sent pretty-printed already (Stripe's events).
    pub(super) fn is_pretty(&self, json: &str) -> bool {
        self.pretty(json) == json
    }

    /// `json` in the other formatting: pretty-printed, or compact when it
    /// is sent pretty-printed.
    pub(super) fn reformatted(&self, json: &str) -> String {
        if self.is_pretty(json) {
            json::compact(json)
        } else {
            self.pretty(json)
        }
    }

    /// A hard body of test `tc`.
    pub(super) fn hard(&self, tc: u32, h: Hard) -> String {
        match h {
            Hard::Pretty => self.pretty(&self.ev(tc)),
            Hard::PrettyCrlf => json::reindent(&self.ev(tc), "\t", "\r\n"),
            _ => self.body(tc, 0, h.extra()),
        }
    }

    /// (sent, JSON.stringify(JSON.parse(sent)))
    pub(super) fn non_canonical(&self, tc: u32, nc: NonCanon) -> (String, String) {
        match nc {
            NonCanon::Pretty => (self.pretty(&self.ev(tc)), self.ev(tc)),
            _ => {
                let (sent, canonical) = nc.fragments();
                (self.body(tc, 0, sent), self.body(tc, 0, canonical))
            }
        }
    }
}

/// A body a naive receiver may re-serialize differently; each kind is valid
/// JSON and signed exactly as sent.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hard {
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
    /// The hard bodies of a scheme whose bodies are free-form JSON.
    pub(super) const RAW: [Hard; 16] = [
        Hard::Pretty,
        Hard::PrettyCrlf,
        Hard::NonAsciiRaw,
        Hard::NonAsciiEscaped,
        Hard::Emoji,
        Hard::LineSeparators,
        Hard::EscapedSlash,
        Hard::EscapedLt,
        Hard::CrlfInString,
        Hard::BigInteger,
        Hard::OnePointZero,
        Hard::NegativeZero,
        Hard::Exponent,
        Hard::EmptyContainers,
        Hard::KeyOrder,
        Hard::Large,
    ];

    /// The hard bodies of a `JSON.stringify` scheme: each is its own
    /// `JSON.stringify(JSON.parse(body))`.
    pub(super) const CANONICAL: [Hard; 11] = [
        Hard::NonAsciiRaw,
        Hard::EmojiRaw,
        Hard::LineSeparators,
        Hard::SlashLtRaw,
        Hard::CrlfInString,
        Hard::ControlChars,
        Hard::JsBigInteger,
        Hard::JsNumbers,
        Hard::EmptyContainers,
        Hard::JsKeyOrder,
        Hard::Large,
    ];

    /// The rule key.
    pub(super) fn key(self) -> &'static str {
        match self {
            Hard::Pretty => "hard.pretty",
            Hard::PrettyCrlf => "hard.pretty-crlf",
            Hard::NonAsciiRaw => "hard.non-ascii-raw",
            Hard::NonAsciiEscaped => "hard.non-ascii-escaped",
            Hard::Emoji => "hard.emoji",
            Hard::EmojiRaw => "hard.emoji-raw",
            Hard::LineSeparators => "hard.line-separators",
            Hard::EscapedSlash => "hard.escaped-slash",
            Hard::EscapedLt => "hard.escaped-lt",
            Hard::SlashLtRaw => "hard.slash-lt-raw",
            Hard::CrlfInString => "hard.crlf-in-string",
            Hard::ControlChars => "hard.control-chars",
            Hard::BigInteger => "hard.big-integer",
            Hard::JsBigInteger => "hard.js-big-integer",
            Hard::OnePointZero => "hard.one-point-zero",
            Hard::NegativeZero => "hard.negative-zero",
            Hard::Exponent => "hard.exponent",
            Hard::JsNumbers => "hard.js-numbers",
            Hard::EmptyContainers => "hard.empty-containers",
            Hard::KeyOrder => "hard.key-order",
            Hard::JsKeyOrder => "hard.js-key-order",
            Hard::Large => "hard.large",
        }
    }

    pub(super) fn comment(self) -> &'static str {
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

    pub(super) fn flag(self) -> &'static str {
        match self {
            Hard::Large => "LargeBody",
            _ => "HardBody",
        }
    }
}

/// An event whose sent form differs from `JSON.stringify(JSON.parse(sent))`
/// (the canonical form), for the `JSON.stringify` schemes.
#[derive(Debug, Clone, Copy)]
pub(super) enum NonCanon {
    Pretty,
    EscapedSlash,
    EscapedNonAscii,
    OnePointZero,
    BigInteger,
    IntegerKey,
}

impl NonCanon {
    pub(super) const ALL: [NonCanon; 6] = [
        NonCanon::Pretty,
        NonCanon::EscapedSlash,
        NonCanon::EscapedNonAscii,
        NonCanon::OnePointZero,
        NonCanon::BigInteger,
        NonCanon::IntegerKey,
    ];

    pub(super) fn key(self) -> &'static str {
        match self {
            NonCanon::Pretty => "non-canonical.pretty",
            NonCanon::EscapedSlash => "non-canonical.escaped-slash",
            NonCanon::EscapedNonAscii => "non-canonical.escaped-non-ascii",
            NonCanon::OnePointZero => "non-canonical.one-point-zero",
            NonCanon::BigInteger => "non-canonical.big-integer",
            NonCanon::IntegerKey => "non-canonical.integer-key",
        }
    }

    pub(super) fn comment(self) -> &'static str {
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
