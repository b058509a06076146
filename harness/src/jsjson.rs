//! JavaScript `JSON.stringify(JSON.parse(text))`, in Rust.
//!
//! The `smartasset` and `cometh` senders sign `JSON.stringify(event)`; a
//! receiver written in JavaScript that re-serializes a parsed body produces
//! exactly these bytes. [`stringify()`] computes them for a JSON text with the
//! semantics of V8's `JSON.parse` followed by `JSON.stringify`:
//!
//! - **Numbers** are IEEE-754 doubles (correctly rounded; `1e400` overflows
//!   to `Infinity`, which `JSON.stringify` writes as `null`) and are written
//!   with ECMAScript's `Number::toString` (the `ryu-js` crate): `1.0` → `1`,
//!   `-0` → `0`, `1e21` → `1e+21`, `2^53 + 1` → `9007199254740992`.
//! - **Objects**: the last of several members with the same key wins, but
//!   keeps the position of the first. Keys that are array indices
//!   (`"0"`..`"4294967294"` in canonical form) come first in ascending
//!   numeric order, then the other keys in insertion order.
//! - **Strings** are sequences of UTF-16 code units (so `"\ud800"` is a
//!   valid lone surrogate) and are written with `"` `\\` `\b` `\f` `\n`
//!   `\r` `\t` escaped, other control characters as `\u00xx`, lone
//!   surrogates as `\udxxx` (lowercase hex, as well-formed `JSON.stringify`
//!   does since ES2019), and everything else, U+2028/U+2029 included, as raw
//!   UTF-8. `\/` and `\u0041` are re-spelled `/` and `A`.
//! - **Grammar** is JSON.parse's: whitespace is only space, tab, LF and CR
//!   (a byte-order mark is an error), no trailing commas, no comments, no
//!   leading zeros, no raw control characters in strings.
//!
//! The input must be UTF-8 (a receiver that decodes a body lossily would
//! parse a different text). Work is bounded by [`MAX_INPUT_LEN`] and
//! [`MAX_DEPTH`]; every function here returns an error instead of
//! panicking.

use std::collections::HashMap;

/// The longest JSON text accepted, in bytes.
pub const MAX_INPUT_LEN: usize = 8 << 20;

/// The deepest nesting of arrays and objects accepted (`serde_json` stops at
/// 128, so every text `serde_json` parses is within this bound).
pub const MAX_DEPTH: usize = 256;

/// Why a text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsJsonError {
    /// Longer than [`MAX_INPUT_LEN`].
    #[error("JSON text of {0} bytes exceeds the {MAX_INPUT_LEN}-byte limit")]
    TooLarge(usize),
    /// Not UTF-8; the offset of the first invalid byte.
    #[error("JSON text is not UTF-8 (byte {0})")]
    NotUtf8(usize),
    /// Nested deeper than [`MAX_DEPTH`]; the offset of the bracket.
    #[error("JSON text nests deeper than {MAX_DEPTH} levels (byte {0})")]
    TooDeep(usize),
    /// A syntax error: what was expected, and where.
    #[error("JSON syntax error at byte {offset}: expected {expected}")]
    Syntax {
        /// Byte offset of the unexpected input.
        offset: usize,
        /// What the grammar allows there.
        expected: &'static str,
    },
}

/// A JavaScript string: UTF-16 code units, possibly with lone surrogates.
pub type JsString = Vec<u16>;

/// A value as `JSON.parse` builds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A double (may be infinite after overflow; never NaN).
    Number(f64),
    /// A string.
    String(JsString),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in JavaScript property order (array-index keys
    /// ascending first, then insertion order), keys unique.
    Object(Vec<(JsString, Value)>),
}

/// Parses a JSON text as `JSON.parse` does.
pub fn parse(json: &[u8]) -> Result<Value, JsJsonError> {
    if json.len() > MAX_INPUT_LEN {
        return Err(JsJsonError::TooLarge(json.len()));
    }
    let text = std::str::from_utf8(json).map_err(|e| JsJsonError::NotUtf8(e.valid_up_to()))?;
    let mut p = Parser {
        text,
        bytes: json,
        pos: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != json.len() {
        return Err(p.err("end of input"));
    }
    Ok(v)
}

/// `JSON.stringify(JSON.parse(json))`.
pub fn stringify(json: &[u8]) -> Result<String, JsJsonError> {
    let v = parse(json)?;
    let mut out = String::with_capacity(json.len());
    v.write(&mut out);
    Ok(out)
}

/// Whether `json` is already in `JSON.stringify` form, i.e. a JavaScript
/// sender could have produced exactly these bytes.
pub fn is_canonical(json: &[u8]) -> bool {
    stringify(json).is_ok_and(|s| s.as_bytes() == json)
}

impl Value {
    /// Appends `JSON.stringify(self)`.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => write_number(*n, out),
            Value::String(s) => write_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// `JSON.stringify(self)` as a new string.
    pub fn to_js_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// ECMAScript `Number::toString`; non-finite numbers are `null` in JSON.
fn write_number(n: f64, out: &mut String) {
    if n.is_finite() {
        let mut buf = ryu_js::Buffer::new();
        out.push_str(buf.format_finite(n));
    } else {
        out.push_str("null");
    }
}

/// `QuoteJSONString` (ECMA-262 §25.5.2.3).
fn write_string(s: &[u16], out: &mut String) {
    out.push('"');
    for unit in char::decode_utf16(s.iter().copied()) {
        match unit {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok('\n') => out.push_str("\\n"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\t') => out.push_str("\\t"),
            Ok(c) if u32::from(c) < 0x20 => push_u_escape(u32::from(c), out),
            Ok(c) => out.push(c),
            Err(lone) => push_u_escape(u32::from(lone.unpaired_surrogate()), out),
        }
    }
    out.push('"');
}

fn push_u_escape(unit: u32, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{unit:04x}");
}

/// Whether a key is an array index: the canonical decimal spelling of an
/// integer in `0..=2^32 - 2`.
pub fn array_index(key: &[u16]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 {
        return None;
    }
    if key.len() > 1 && key.first() == Some(&u16::from(b'0')) {
        return None;
    }
    let mut n: u64 = 0;
    for &u in key {
        let d = u.checked_sub(u16::from(b'0')).filter(|d| *d <= 9)?;
        n = n * 10 + u64::from(d);
    }
    u32::try_from(n).ok().filter(|n| *n != u32::MAX)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, expected: &'static str) -> JsJsonError {
        JsJsonError::Syntax {
            offset: self.pos,
            expected,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8, expected: &'static str) -> Result<(), JsJsonError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(expected))
        }
    }

    fn literal(&mut self, word: &'static str, v: Value) -> Result<Value, JsJsonError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err(word))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsJsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("a JSON value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsJsonError> {
        if depth > MAX_DEPTH {
            Err(JsJsonError::TooDeep(self.pos))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsJsonError> {
        self.enter(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err("`,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsJsonError> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        let mut members: Vec<(JsString, Value)> = Vec::new();
        let mut index: HashMap<JsString, usize> = HashMap::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':', "`:`")?;
            self.skip_ws();
            let v = self.value(depth)?;
            // A repeated key overwrites the value in place (the property
            // keeps the position it was created at).
            match index.get(&key).and_then(|&i| members.get_mut(i)) {
                Some(slot) => slot.1 = v,
                None => {
                    index.insert(key.clone(), members.len());
                    members.push((key, v));
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("`,` or `}`")),
            }
        }
        // OrdinaryOwnPropertyKeys: array indices ascending, then the rest in
        // creation order (a stable sort keeps that order).
        members.sort_by_key(|(k, _)| match array_index(k) {
            Some(i) => (0u8, i),
            None => (1, 0),
        });
        Ok(Value::Object(members))
    }

    fn hex4(&mut self) -> Result<u16, JsJsonError> {
        let mut unit: u16 = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("four hex digits after `\\u`")),
            };
            unit = unit << 4 | u16::from(d);
            self.pos += 1;
        }
        Ok(unit)
    }

    fn string(&mut self) -> Result<JsString, JsJsonError> {
        self.pos += 1; // opening quote
        let mut out: JsString = Vec::new();
        loop {
            // Copy the run of plain characters in one go.
            let start = self.pos;
            while matches!(self.peek(), Some(c) if c >= 0x20 && c != b'"' && c != b'\\') {
                self.pos += 1;
            }
            if let Some(run) = self.text.get(start..self.pos) {
                out.extend(run.encode_utf16());
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let unit = match self.peek() {
                        Some(b'"') => u16::from(b'"'),
                        Some(b'\\') => u16::from(b'\\'),
                        Some(b'/') => u16::from(b'/'),
                        Some(b'b') => 0x08,
                        Some(b'f') => 0x0c,
                        Some(b'n') => u16::from(b'\n'),
                        Some(b'r') => u16::from(b'\r'),
                        Some(b't') => u16::from(b'\t'),
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.hex4()?);
                            continue;
                        }
                        _ => return Err(self.err("an escape (`\"\\/bfnrtu`)")),
                    };
                    self.pos += 1;
                    out.push(unit);
                }
                None => return Err(self.err("`\"` closing the string")),
                Some(_) => return Err(self.err("no raw control character in a string")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsJsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        // Rust's float parsing is correctly rounded (round half to even),
        // like ECMAScript's StringToNumber, and saturates to infinity.
        text.parse::<f64>()
            .map(Value::Number)
            .map_err(|_| JsJsonError::Syntax {
                offset: start,
                expected: "a number",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(json: &str) -> String {
        stringify(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn numbers_are_js_numbers() {
        assert_eq!(s("1.0"), "1");
        assert_eq!(s("-0"), "0");
        assert_eq!(s("-0.0e5"), "0");
        assert_eq!(s("1e21"), "1e+21");
        assert_eq!(s("1e20"), "100000000000000000000");
        assert_eq!(
            s("123456789012345678901234567890"),
            "1.2345678901234568e+29"
        );
        assert_eq!(s("9007199254740993"), "9007199254740992");
        assert_eq!(s("0.000001"), "0.000001");
        assert_eq!(s("0.0000001"), "1e-7");
        assert_eq!(s("1e400"), "null");
        assert_eq!(s("-1e99999999999999999999"), "null");
        assert_eq!(s("1e-400"), "0");
        assert_eq!(s("[1E2,2.50]"), "[100,2.5]");
    }

    #[test]
    fn strings_are_quoted_like_json_stringify() {
        assert_eq!(s(r#""\/\u0041\u00e9""#), "\"/Aé\"");
        assert_eq!(
            s(r#""\b\f\n\r\t\u0001\u001F\"\\""#),
            r#""\b\f\n\r\t\u0001\u001f\"\\""#
        );
        assert_eq!(s(r#""\u2028\u2029""#), "\"\u{2028}\u{2029}\"");
        assert_eq!(s(r#""\uD83C\uDF93""#), "\"🎓\"");
        assert_eq!(s(r#""\uD800x\uDC00""#), r#""\ud800x\udc00""#);
        assert_eq!(s("\"\u{7f}\""), "\"\u{7f}\"");
    }

    #[test]
    fn objects_follow_property_order() {
        assert_eq!(s(r#"{"b":1,"a":2,"b":3}"#), r#"{"b":3,"a":2}"#);
        assert_eq!(
            s(r#"{"b":1,"10":2,"2":3,"01":4,"4294967295":5,"4294967294":6,"-1":7}"#),
            r#"{"2":3,"10":2,"4294967294":6,"b":1,"01":4,"4294967295":5,"-1":7}"#
        );
        assert_eq!(s(r#"{"\u0031":1,"0":2}"#), r#"{"0":2,"1":1}"#);
        assert_eq!(s(" { \"a\" : [ ] , \"b\" : { } } "), r#"{"a":[],"b":{}}"#);
    }

    #[test]
    fn grammar_is_json_parse() {
        for bad in [
            "",
            " ",
            "01",
            "1.",
            ".1",
            "+1",
            "-",
            "1e",
            "1e+",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "'a'",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\u{feff}1",
            "[1]x",
            "tru",
            "nul",
            "NaN",
            "Infinity",
            "\u{a0}1",
            "\"abc",
            "[",
            "{",
        ] {
            assert!(stringify(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert_eq!(stringify(b"\"\xff\""), Err(JsJsonError::NotUtf8(1)));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            stringify(deep.as_bytes()),
            Err(JsJsonError::TooDeep(_))
        ));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(s(&ok), ok);
    }

    #[test]
    fn canonical_forms() {
        assert!(is_canonical(br#"{"a":[1,"x",null,true]}"#));
        assert!(!is_canonical(br#"{"a": 1}"#));
        assert!(!is_canonical(br#"{"b":1,"0":2}"#));
        assert!(!is_canonical(br#""\u00e9""#));
        assert!(array_index(&[u16::from(b'0')]) == Some(0));
        assert!(array_index(&[]).is_none());
    }
}
