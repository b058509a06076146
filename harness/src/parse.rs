//! Total parsers for the header syntaxes the schemes use.
//!
//! Every parser takes the raw header bytes (which may be anything a sender,
//! or an attacker, put on the wire), returns a typed error on malformed
//! input and never panics. Sizes are bounded by [`MAX_HEADER_LEN`].

use crate::encoding::{self, DecodeError};

/// The longest header value a parser looks at.
pub const MAX_HEADER_LEN: usize = 4096;

/// Why a header value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The value is empty (or only whitespace).
    #[error("empty value")]
    Empty,
    /// The value is longer than [`MAX_HEADER_LEN`].
    #[error("value of {0} bytes exceeds the {MAX_HEADER_LEN}-byte limit")]
    TooLong(usize),
    /// The value contains bytes that are not visible ASCII.
    #[error("value contains non-ASCII or control bytes")]
    NotAscii,
    /// The value does not start with the required prefix.
    #[error("value does not start with `{0}`")]
    MissingPrefix(&'static str),
    /// A required parameter is absent.
    #[error("parameter `{0}` is missing")]
    MissingParameter(&'static str),
    /// A parameter appears more than once.
    #[error("parameter `{0}` appears more than once")]
    RepeatedParameter(String),
    /// A `key=value` item has no `=`.
    #[error("item `{0}` is not of the form key=value")]
    NotKeyValue(String),
    /// The timestamp is not a canonical decimal number of seconds.
    #[error("timestamp `{0}` is not canonical decimal unix seconds")]
    BadTimestamp(String),
    /// The proof could not be decoded.
    #[error("signature: {0}")]
    Decode(#[from] DecodeError),
}

/// Checks the bounds every header value must meet and returns it as text:
/// at most [`MAX_HEADER_LEN`] bytes, only visible ASCII, spaces and tabs,
/// and something left after trimming spaces and tabs at both ends.
pub fn visible_ascii(value: &[u8]) -> Result<&str, ParseError> {
    if value.len() > MAX_HEADER_LEN {
        return Err(ParseError::TooLong(value.len()));
    }
    // One pass without early exit (the common case is a valid value).
    let mut visible = true;
    for &b in value {
        visible &= (b.wrapping_sub(0x20) < 0x5f) | (b == b'\t');
    }
    if !visible {
        return Err(ParseError::NotAscii);
    }
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = value.iter().position(|b| !blank(b));
    let end = value.iter().rposition(|b| !blank(b));
    let trimmed = match (start, end) {
        (Some(s), Some(e)) => value.get(s..=e).unwrap_or_default(),
        _ => return Err(ParseError::Empty),
    };
    // Only ASCII is left, which is UTF-8.
    std::str::from_utf8(trimmed).map_err(|_| ParseError::NotAscii)
}

/// Parses `<prefix><encoded proof>`; the prefix is compared exactly (the
/// seeds compare it with `startsWith`, case-sensitively).
pub fn prefixed<'a>(value: &'a [u8], prefix: &'static str) -> Result<&'a str, ParseError> {
    let text = visible_ascii(value)?;
    let rest = text
        .strip_prefix(prefix)
        .ok_or(ParseError::MissingPrefix(prefix))?;
    if rest.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(rest)
}

/// The fast path of [`prefixed`] followed by hex decoding, for the common
/// case of an HMAC-SHA256 tag: exactly `<prefix><64 hex digits>`, no
/// whitespace. `None` for anything else (the caller then takes the general
/// path, which also produces the error).
///
/// Whatever it accepts, [`prefixed`] + [`encoding::decode_hex`] accept with
/// the same bytes (checked by a unit test and by the `parse_prefixed` fuzz
/// target). The prefix must be visible ASCII without spaces, as every
/// scheme's is (a test checks).
pub(crate) fn prefixed_hex32(value: &[u8], prefix: &'static str) -> Option<[u8; 32]> {
    prefixed_tag32(value, prefix, |rest| {
        encoding::decode_hex_32(rest.try_into().ok()?)
    })
}

/// [`prefixed_hex32`] for any fixed-size tag decoder: `<prefix><tag>`
/// exactly, the tag decoded by `decode` (`None` if it does not decode).
///
/// `decode` must accept only visible ASCII without spaces (the hex and
/// base64 alphabets, `=`): then nothing is trimmed or refused by
/// [`prefixed`], and `Some` here means [`prefixed`] returns the same text
/// `decode` read. The prefix must be visible ASCII without spaces, as
/// every scheme's is (a test checks).
pub(crate) fn prefixed_tag32(
    value: &[u8],
    prefix: &'static str,
    decode: impl FnOnce(&[u8]) -> Option<[u8; 32]>,
) -> Option<[u8; 32]> {
    debug_assert!(prefix.bytes().all(|b| b.is_ascii_graphic()));
    decode(after(value, prefix.as_bytes())?)
}

/// The syntax of a key/value list that carries a timestamp and a proof
/// (`ts=<ts>;sig1=<proof>`, `t=<ts>,v1=<proof>`): its keys and its
/// one-byte separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvList {
    /// Key of the timestamp.
    pub ts_key: &'static str,
    /// Key of the proof.
    pub sig_key: &'static str,
    /// Between pairs (`;`, `,`).
    pub pair: u8,
    /// Between a key and its value (`=`).
    pub kv: u8,
}

impl KvList {
    /// `k1=v1;k2=v2…` in this list's separators.
    pub fn join(&self, pairs: &[(&str, &str)]) -> String {
        let (p, k) = (char::from(self.pair), char::from(self.kv));
        pairs
            .iter()
            .map(|(key, v)| format!("{key}{k}{v}"))
            .collect::<Vec<_>>()
            .join(&p.to_string())
    }
}

/// A parsed `ts=<unix seconds>;sig1=<hex>` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampedSignature {
    /// Unix seconds.
    pub timestamp: i64,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

impl TimestampedSignature {
    /// The canonical header value (`ts=<ts>;sig1=<lowercase hex>`).
    pub fn to_header(&self, list: &KvList) -> String {
        list.join(&[
            (list.ts_key, &self.timestamp.to_string()),
            (list.sig_key, &encoding::encode_hex(&self.signature)),
        ])
    }
}

/// Parses a canonical decimal timestamp: ASCII digits only, no sign, no
/// leading zero (except `0` itself), no fraction or exponent, within `i64`.
///
/// Non-canonical forms are refused rather than interpreted, because the
/// timestamp is signed as text: two spellings of one number are two
/// different signed messages.
pub fn canonical_timestamp(s: &str) -> Result<i64, ParseError> {
    let bad = || ParseError::BadTimestamp(s.chars().take(40).collect());
    let digits_only = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = s.len() > 1 && s.starts_with('0');
    if !digits_only || leading_zero {
        return Err(bad());
    }
    s.parse::<i64>().map_err(|_| bad())
}

/// The fast path of [`canonical_timestamp`], on bytes: 1 to 18 ASCII
/// digits without a leading zero (so within `i64`), read in one
/// branch-free pass. `None` for anything else, including canonical
/// 19-digit values: the caller then takes [`canonical_timestamp`], which
/// also produces the error. Whatever it accepts, [`canonical_timestamp`]
/// accepts with the same value (the `parse_timestamped` fuzz function
/// asserts it).
pub(crate) fn short_canonical_timestamp(text: &[u8]) -> Option<i64> {
    if text.len() > 18 || matches!(text, [] | [b'0', _, ..]) {
        return None;
    }
    // Wrapping: on a non-digit the number is garbage and thrown away.
    let (digits, timestamp) = text.iter().fold((true, 0i64), |(ok, n), b| {
        let d = b.wrapping_sub(b'0');
        (ok & (d < 10), n.wrapping_mul(10).wrapping_add(i64::from(d)))
    });
    digits.then_some(timestamp)
}

/// Parses `ts=<ts>;sig1=<hex>` (keys as given). Items may come in any order
/// and carry optional whitespace around `;` and `=`; unknown keys are
/// ignored; a repeated known key is an error (never guessed at).
pub fn timestamped(value: &[u8], list: &KvList) -> Result<TimestampedSignature, ParseError> {
    let parts = timestamped_parts(value, list)?;
    Ok(TimestampedSignature {
        timestamp: parts.timestamp,
        signature: encoding::decode_hex(parts.signature)?,
    })
}

/// The pieces of a `ts=<ts>;sig1=<hex>` header value, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampedParts<'a> {
    /// Unix seconds.
    pub timestamp: i64,
    /// The timestamp as written: canonical decimal, so exactly
    /// `timestamp.to_string()`, the bytes a scheme signs.
    pub timestamp_text: &'a [u8],
    /// The signature's text, trimmed, not yet decoded.
    pub signature: &'a [u8],
}

/// [`timestamped`] without decoding the signature: the timestamp and the
/// signature's text (trimmed, still hex). Errors are [`timestamped`]'s,
/// except those of the hex decoding, which is left to the caller.
pub fn timestamped_parts<'a>(
    value: &'a [u8],
    list: &KvList,
) -> Result<TimestampedParts<'a>, ParseError> {
    let mut sig: Option<&[u8]> = None;
    let timestamp_text = scan_list(value, list, |k, v| {
        if sig.replace(v).is_some() {
            return Err(ParseError::RepeatedParameter(as_text(k)));
        }
        Ok(())
    })?;
    let signature = sig.ok_or(ParseError::MissingParameter(list.sig_key))?;
    let timestamp = canonical_timestamp(std::str::from_utf8(timestamp_text).unwrap_or_default())?;
    Ok(TimestampedParts {
        timestamp,
        timestamp_text,
        signature,
    })
}

/// The most proof values [`timestamped_all`] reads from one header.
pub const MAX_LIST_PROOFS: usize = 16;

/// A list with a repeatable proof key, parsed: the timestamp, its text and
/// every proof value, in order.
pub type TimestampedAll<'a> = (i64, &'a [u8], Vec<&'a [u8]>);

/// [`timestamped_parts`] for a list whose proof key may repeat
/// (`t=…,v1=<a>,v1=<b>`): the timestamp (which must not repeat) and every
/// proof value, in order (at most [`MAX_LIST_PROOFS`]).
pub fn timestamped_all<'a>(
    value: &'a [u8],
    list: &KvList,
) -> Result<TimestampedAll<'a>, ParseError> {
    let mut sigs = Vec::new();
    let timestamp_text = scan_list(value, list, |k, v| {
        if sigs.len() == MAX_LIST_PROOFS {
            return Err(ParseError::RepeatedParameter(format!(
                "{} (more than {MAX_LIST_PROOFS} times)",
                as_text(k)
            )));
        }
        sigs.push(v);
        Ok(())
    })?;
    if sigs.is_empty() {
        return Err(ParseError::MissingParameter(list.sig_key));
    }
    let timestamp = canonical_timestamp(std::str::from_utf8(timestamp_text).unwrap_or_default())?;
    Ok((timestamp, timestamp_text, sigs))
}

fn as_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Walks a key/value list: returns the (single) timestamp value and hands
/// every proof value to `on_sig`; other keys are ignored.
fn scan_list<'a>(
    value: &'a [u8],
    list: &KvList,
    mut on_sig: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), ParseError>,
) -> Result<&'a [u8], ParseError> {
    let text = visible_ascii(value)?.as_bytes();
    // Byte-wise (the text is ASCII): cheaper than `str` patterns, and this
    // runs on every delivery.
    fn trim(b: &[u8]) -> &[u8] {
        let start = b.iter().position(|c| *c != b' ' && *c != b'\t');
        let end = b.iter().rposition(|c| *c != b' ' && *c != b'\t');
        match (start, end) {
            (Some(s), Some(e)) => b.get(s..=e).unwrap_or_default(),
            _ => &[],
        }
    }
    let mut ts: Option<&[u8]> = None;
    for item in text.split(|c| *c == list.pair) {
        let item = trim(item);
        if item.is_empty() {
            continue;
        }
        let Some(eq) = item.iter().position(|c| *c == list.kv) else {
            return Err(ParseError::NotKeyValue(as_text(
                item.get(..40).unwrap_or(item),
            )));
        };
        let (k, v) = (
            trim(item.get(..eq).unwrap_or_default()),
            trim(item.get(eq + 1..).unwrap_or_default()),
        );
        if k == list.ts_key.as_bytes() {
            if ts.replace(v).is_some() {
                return Err(ParseError::RepeatedParameter(as_text(k)));
            }
        } else if k == list.sig_key.as_bytes() {
            on_sig(k, v)?;
        }
    }
    ts.ok_or(ParseError::MissingParameter(list.ts_key))
}

/// One entry of a versioned list (`v1,<proof>`): its version and proof text.
pub type VersionedEntry<'a> = (&'a [u8], &'a [u8]);

/// Splits a versioned list (`v1,<b64> v2,<b64>`) into its entries, at most
/// [`MAX_LIST_PROOFS`]; empty items (doubled separators) are skipped, an
/// entry without the version separator is an error.
pub fn versioned_list<'a>(
    value: &'a [u8],
    list_separator: &str,
    version_separator: &str,
) -> Result<Vec<VersionedEntry<'a>>, ParseError> {
    let mut out = Vec::new();
    scan_versioned(
        value,
        list_separator,
        version_separator,
        |version, proof| {
            out.push((version, proof));
        },
    )?;
    Ok(out)
}

/// [`versioned_list`] without collecting: hands each entry, in order, to
/// `on_entry`, and returns [`versioned_list`]'s errors (an error found
/// after some entries were handed over still fails the whole list). The
/// verifier decodes the proofs as they come instead of allocating a list.
///
/// One-byte separators (every scheme's) are searched for byte by byte,
/// which is cheaper than `str` patterns; longer ones take the `str` split,
/// with the same result.
pub fn scan_versioned<'a>(
    value: &'a [u8],
    list_separator: &str,
    version_separator: &str,
    mut on_entry: impl FnMut(&'a [u8], &'a [u8]),
) -> Result<(), ParseError> {
    let text = visible_ascii(value)?;
    let mut count = 0;
    let mut entry = |item: &'a [u8], split: Option<VersionedEntry<'a>>| {
        let Some((version, proof)) = split else {
            return Err(ParseError::NotKeyValue(as_text(
                item.get(..40).unwrap_or(item),
            )));
        };
        if count == MAX_LIST_PROOFS {
            return Err(ParseError::RepeatedParameter(format!(
                "more than {MAX_LIST_PROOFS} entries"
            )));
        }
        count += 1;
        on_entry(version, proof);
        Ok(())
    };
    match (list_separator.as_bytes(), version_separator.as_bytes()) {
        (&[list], &[version]) => {
            for item in text.as_bytes().split(|b| *b == list) {
                if !item.is_empty() {
                    entry(item, split_at_byte(item, version))?;
                }
            }
        }
        _ => {
            for item in text.split(list_separator).filter(|i| !i.is_empty()) {
                let split = item
                    .split_once(version_separator)
                    .map(|(v, p)| (v.as_bytes(), p.as_bytes()));
                entry(item.as_bytes(), split)?;
            }
        }
    }
    if count == 0 {
        return Err(ParseError::Empty);
    }
    Ok(())
}

/// `split_once` at the first `separator` byte.
fn split_at_byte(item: &[u8], separator: u8) -> Option<(&[u8], &[u8])> {
    let at = item.iter().position(|b| *b == separator)?;
    let (head, rest) = item.split_at_checked(at)?;
    Some((head, rest.get(1..)?))
}

/// The fast path of [`versioned_list`] followed by decoding, for the form
/// senders produce: exactly one entry, `<version><sep><tag>`, of an
/// accepted version, its tag decoded by `decode`. `None` for anything else
/// (the caller then takes the general path, which also produces the error
/// or reads the other entries).
///
/// Whatever it accepts, [`versioned_list`] reads as that one entry: the
/// version is non-empty visible ASCII without either separator, the
/// separators are one byte each, distinct, visible ASCII, and neither
/// alphanumeric nor `+`, `/`, `=` — and `decode` must accept only those
/// (the hex and base64 alphabets, padding), so the tag holds no separator
/// and nothing is trimmed. Checked on arbitrary input by the
/// `parse_versioned` fuzz function.
pub(crate) fn versioned_tag32(
    value: &[u8],
    list_separator: &str,
    version_separator: &str,
    accept: &[&str],
    decode: impl FnOnce(&[u8]) -> Option<[u8; 32]>,
) -> Option<[u8; 32]> {
    let (&[list], &[sep]) = (list_separator.as_bytes(), version_separator.as_bytes()) else {
        return None;
    };
    let outside_tags = |b: u8| {
        (b.is_ascii_graphic() || b == b' ' || b == b'\t')
            && !b.is_ascii_alphanumeric()
            && !matches!(b, b'+' | b'/' | b'=')
    };
    if value.len() > MAX_HEADER_LEN || list == sep || !outside_tags(list) || !outside_tags(sep) {
        return None;
    }
    let (version, tag) = split_at_byte(value, sep)?;
    let known = accept.iter().any(|a| bytes_eq(a.as_bytes(), version));
    let plain = !version.is_empty() && version.iter().all(|b| b.is_ascii_graphic() && *b != list);
    if !(known && plain) {
        return None;
    }
    decode(tag)
}

/// The fast path of [`timestamped_parts`] followed by hex decoding, for
/// the form senders produce: exactly `<ts_key>=<digits>;<sig_key>=<64 hex
/// digits>`, no whitespace, no other item. Returns the parts and the
/// decoded 32-byte tag; `None` for anything else (the caller then takes the
/// general path, which also produces the error).
///
/// Whatever it accepts, [`timestamped_parts`] + [`encoding::decode_hex`]
/// accept with the same result: no whitespace, `;` or `=` can hide in the
/// parts, the timestamp is canonical (no leading zero, at most 18 digits,
/// so within `i64`), and the value is visible ASCII within
/// [`MAX_HEADER_LEN`]. Checked by a unit test here and, on arbitrary input,
/// by the `parse_timestamped` fuzz target. The keys must be distinct ASCII
/// alphanumeric tokens, as every scheme's are (a test checks).
pub(crate) fn timestamped_hex32<'a>(
    value: &'a [u8],
    list: &KvList,
) -> Option<(TimestampedParts<'a>, [u8; 32])> {
    let (ts_key, sig_key, pair, kv) = (list.ts_key, list.sig_key, list.pair, list.kv);
    debug_assert!(fast_path_keys(ts_key, sig_key));
    if value.len() > MAX_HEADER_LEN {
        return None;
    }
    let (ts_key, sig_key) = (ts_key.as_bytes(), sig_key.as_bytes());
    // From the end: the tag, then `;<sig_key>=`, then `<ts_key>=<digits>`.
    let (head, signature) = value.split_at_checked(value.len().checked_sub(64)?)?;
    let tag = encoding::decode_hex_32(signature.try_into().ok()?)?;
    let digits_end = head.len().checked_sub(sig_key.len() + 2)?;
    let (item, separator) = head.split_at_checked(digits_end)?;
    let (key, timestamp_text) = item.split_at_checked(ts_key.len() + 1)?;
    let framed = matches!(key.split_last(), Some((e, k)) if *e == kv && bytes_eq(k, ts_key))
        && matches!(separator, [p, rest @ .., e] if *p == pair && *e == kv && bytes_eq(rest, sig_key));
    if !framed {
        return None;
    }
    let timestamp = short_canonical_timestamp(timestamp_text)?;
    Some((
        TimestampedParts {
            timestamp,
            timestamp_text,
            signature,
        },
        tag,
    ))
}

/// What the fast paths assume of a scheme's keys: distinct, non-empty
/// ASCII alphanumeric tokens (true of every scheme; checked by a test).
fn fast_path_keys(ts_key: &str, sig_key: &str) -> bool {
    let token = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric());
    ts_key != sig_key && token(ts_key) && token(sig_key)
}

/// Slice equality with an inlined byte loop: the slices here are a few
/// bytes long, and a `memcmp` call costs more than comparing them.
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// `value` after `prefix`: `strip_prefix` with an inlined byte loop, since
/// the prefixes here are a few bytes and a `memcmp` call costs more.
fn after<'a>(value: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let (head, rest) = value.split_at_checked(prefix.len())?;
    bytes_eq(head, prefix).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KV: KvList = KvList {
        ts_key: "ts",
        sig_key: "sig1",
        pair: b';',
        kv: b'=',
    };

    #[test]
    fn prefixed_values() {
        assert_eq!(prefixed(b"sha256=ab", "sha256="), Ok("ab"));
        assert_eq!(prefixed(b" sha256=ab ", "sha256="), Ok("ab"));
        assert_eq!(
            prefixed(b"SHA256=ab", "sha256="),
            Err(ParseError::MissingPrefix("sha256="))
        );
        assert_eq!(prefixed(b"sha256=", "sha256="), Err(ParseError::Empty));
        assert_eq!(prefixed(b"", ""), Err(ParseError::Empty));
        assert_eq!(
            prefixed("sha256=é".as_bytes(), "sha256="),
            Err(ParseError::NotAscii)
        );
    }

    #[test]
    fn timestamps_must_be_canonical() {
        assert_eq!(canonical_timestamp("1700000000"), Ok(1_700_000_000));
        assert_eq!(canonical_timestamp("0"), Ok(0));
        for bad in [
            "",
            "+1",
            "01",
            "1.0",
            "1e9",
            "-5",
            "12a",
            "99999999999999999999",
            " 1",
        ] {
            assert!(canonical_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_scheme_meets_the_fast_paths_assumptions() {
        use crate::scheme::{Carrier, SchemeId};
        for id in SchemeId::builtins() {
            match id.scheme().carrier {
                Carrier::Header { prefix, .. } => {
                    assert!(prefix.bytes().all(|b| b.is_ascii_graphic()), "{id}");
                }
                Carrier::TimestampedHeader {
                    ts_key, sig_key, ..
                } => {
                    assert!(fast_path_keys(ts_key, sig_key), "{id}");
                }
                _ => {}
            }
        }
    }

    #[test]
    fn fast_paths_agree_with_the_general_parsers() {
        let tag = "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789";
        let ts_inputs = [
            format!("ts=1700000000;sig1={tag}"),
            "ts=0;sig1=ab".to_owned(),
            format!("ts=999999999999999999;sig1={tag}"),
            format!("ts=1;ts=1;sig1={tag}"),
            format!("ts=1 ;sig1={tag}"),
            format!("ts=1;sig1= {tag}"),
            format!("ts=+1;sig1={tag}"),
            format!("ts=01;sig1={tag}"),
            format!("ts=;sig1={tag}"),
            format!("ts=1a;sig1={tag}"),
            format!("ts=1;sig1={tag};"),
            format!("ts=1;sig1=x{tag}"),
            format!("ts=1;xsig1={tag}"),
            "ts=9999999999999999999;sig1=ab".to_owned(),
            "ts=01;sig1=ab".to_owned(),
            "ts=;sig1=ab".to_owned(),
            "ts=1;sig1=".to_owned(),
            "ts=1;sig1=a b".to_owned(),
            "ts=1;sig1=ab;".to_owned(),
            "ts=1;sig2=ab".to_owned(),
            "ts=1 ;sig1=ab".to_owned(),
            "sig1=ab;ts=1".to_owned(),
            "ts=1;sig1=ab;sig1=cd".to_owned(),
        ];
        let mut fast = 0;
        for v in &ts_inputs {
            let general = timestamped_parts(v.as_bytes(), &KV);
            if let Some((parts, tag)) = timestamped_hex32(v.as_bytes(), &KV) {
                fast += 1;
                assert_eq!(general, Ok(parts), "{v}");
                assert_eq!(encoding::decode_hex(parts.signature), Ok(tag.to_vec()));
            }
            if let Ok(parts) = general {
                assert_eq!(parts.timestamp_text, parts.timestamp.to_string().as_bytes());
            }
        }
        assert_eq!(fast, 2, "the canonical forms take the fast path");

        let hex_inputs = [
            format!("sha256={tag}"),
            format!("sha256={tag} "),
            format!("sha256= {tag}"),
            format!("sha256={}", &tag[1..]),
            format!("sha256={}g", &tag[1..]),
            format!("SHA256={tag}"),
        ];
        for v in &hex_inputs {
            if let Some(bytes) = prefixed_hex32(v.as_bytes(), "sha256=") {
                let general =
                    prefixed(v.as_bytes(), "sha256=").map(|r| encoding::decode_hex(r.as_bytes()));
                assert_eq!(general, Ok(Ok(bytes.to_vec())), "{v}");
            }
        }
        assert!(prefixed_hex32(hex_inputs[0].as_bytes(), "sha256=").is_some());
        assert!(prefixed_hex32(hex_inputs[1].as_bytes(), "sha256=").is_none());
        assert!(prefixed_hex32(tag.as_bytes(), "").is_some());
    }

    #[test]
    fn the_senders_forms_take_the_list_and_timestamp_fast_paths() {
        let tag = [0x5au8; 32];
        let b64 = encoding::encode_base64(&tag);
        let base64 = |t: &[u8]| encoding::decode_base64_32(t.try_into().ok()?);
        let fast = |v: &str, list: &str, sep: &str| {
            versioned_tag32(v.as_bytes(), list, sep, &["v1"], base64)
        };
        assert_eq!(fast(&format!("v1,{b64}"), " ", ","), Some(tag));
        assert_eq!(fast(&format!("v1 {b64}"), ",", " "), Some(tag));
        for (v, list, sep) in [
            (format!("v1,{b64}"), "  ", ","),
            (format!("v1,{b64}"), "+", ","),
            (format!("v1={b64}"), " ", "="),
            (format!("v1,{b64}"), ",", ","),
            (format!(" v1,{b64}"), " ", ","),
            (format!("v1,{b64} "), " ", ","),
            (format!("v2,{b64}"), " ", ","),
            (format!(",{b64}"), " ", ","),
            (format!("v1,{b64} v1,{b64}"), " ", ","),
            (format!("v1,,{b64}"), " ", ","),
        ] {
            assert_eq!(fast(&v, list, sep), None, "{v:?} {list:?} {sep:?}");
        }
        assert_eq!(
            short_canonical_timestamp(b"1700000000"),
            Some(1_700_000_000)
        );
        assert_eq!(short_canonical_timestamp(b"0"), Some(0));
        for refused in [&b""[..], b"01", b"+1", b"1 ", b"1234567890123456789"] {
            assert_eq!(short_canonical_timestamp(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn versioned_lists_keep_their_errors() {
        assert_eq!(versioned_list(b"  ", " ", ","), Err(ParseError::Empty));
        assert_eq!(
            versioned_list(b"v1,a  v2,b", " ", ","),
            Ok(vec![(&b"v1"[..], &b"a"[..]), (b"v2", b"b")])
        );
        assert_eq!(
            versioned_list(b"v1,a v2", " ", ","),
            Err(ParseError::NotKeyValue("v2".into()))
        );
        let many = vec!["v1,a"; MAX_LIST_PROOFS + 1].join(" ");
        assert!(matches!(
            versioned_list(many.as_bytes(), " ", ","),
            Err(ParseError::RepeatedParameter(_))
        ));
        assert_eq!(
            versioned_list("v1,é".as_bytes(), " ", ","),
            Err(ParseError::NotAscii)
        );
    }

    #[test]
    fn timestamped_header() {
        let ok = timestamped(b"ts=10;sig1=abcd", &KV);
        assert_eq!(
            ok,
            Ok(TimestampedSignature {
                timestamp: 10,
                signature: vec![0xab, 0xcd]
            })
        );
        assert_eq!(timestamped(b" sig1 = abcd ; ts = 10 ; v=2", &KV), ok);
        assert_eq!(
            timestamped(b"ts=10", &KV),
            Err(ParseError::MissingParameter("sig1"))
        );
        assert_eq!(
            timestamped(b"ts=10;ts=11;sig1=ab", &KV),
            Err(ParseError::RepeatedParameter("ts".into()))
        );
        assert!(matches!(
            timestamped(b"ts10;sig1=ab", &KV),
            Err(ParseError::NotKeyValue(_))
        ));
        assert_eq!(
            ok.map(|t| t.to_header(&KV)).ok().as_deref(),
            Some("ts=10;sig1=abcd")
        );
    }
}
