//! Total, bounded decoders for the encodings proofs travel in.
//!
//! Every function returns an error value on malformed input and never
//! panics. Inputs longer than [`MAX_ENCODED_LEN`] are refused before any
//! work is done.

use base64::Engine as _;

/// The longest encoded proof accepted (an RSA-4096 signature in base64 is
/// 684 characters; anything much longer is not a signature).
pub const MAX_ENCODED_LEN: usize = 2048;

/// Why a proof could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Nothing to decode.
    #[error("empty value")]
    Empty,
    /// Longer than [`MAX_ENCODED_LEN`].
    #[error("value of {0} bytes exceeds the {MAX_ENCODED_LEN}-byte limit")]
    TooLong(usize),
    /// Hex with an odd number of digits.
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
    /// A character outside the alphabet, at this byte offset.
    #[error("invalid character at offset {0}")]
    InvalidCharacter(usize),
    /// Base64 that is not canonical standard base64 with padding.
    #[error("invalid base64: {0}")]
    Base64(String),
}

fn check_len(s: &[u8]) -> Result<(), DecodeError> {
    if s.is_empty() {
        return Err(DecodeError::Empty);
    }
    if s.len() > MAX_ENCODED_LEN {
        return Err(DecodeError::TooLong(s.len()));
    }
    Ok(())
}

/// The value of each byte as a hex digit, or `0xff`.
// Evaluated at compile time: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
static HEX_DIGITS: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

fn nibble(c: u8) -> u8 {
    HEX_DIGITS.get(usize::from(c)).copied().unwrap_or(0xff)
}

/// Decodes hexadecimal digits (either case, as Node's `Buffer.from(x, "hex")`
/// accepts; no whitespace, no `0x`).
pub fn decode_hex(s: &[u8]) -> Result<Vec<u8>, DecodeError> {
    check_len(s)?;
    let mut out = vec![0u8; s.len() / 2];
    decode_hex_into(s, &mut out)?;
    Ok(out)
}

/// [`decode_hex`] into a buffer, which must be exactly half as long as `s`
/// when `s` is well-formed (otherwise: [`DecodeError::OddLength`]).
fn decode_hex_into(s: &[u8], out: &mut [u8]) -> Result<(), DecodeError> {
    check_len(s)?;
    if s.len() % 2 != 0 || out.len() * 2 != s.len() {
        return Err(DecodeError::OddLength(s.len()));
    }
    // Decode without branching on each digit, then look for the first bad
    // byte only if there is one.
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        if let [hi, lo] = pair {
            let (h, l) = (nibble(*hi), nibble(*lo));
            bad |= h | l;
            *o = h << 4 | (l & 0x0f);
        }
    }
    if bad & 0xf0 != 0 {
        let at = s.iter().position(|c| nibble(*c) == 0xff).unwrap_or(0);
        return Err(DecodeError::InvalidCharacter(at));
    }
    Ok(())
}

/// Decodes exactly 64 hex digits (an HMAC-SHA256 tag), branch-free: the
/// fixed sizes let the compiler vectorize it. `None` if any byte is not a
/// hex digit (then [`decode_hex`] says which).
pub fn decode_hex_32(s: &[u8; 64]) -> Option<[u8; 32]> {
    let mut nibbles = [0u8; 64];
    let mut bad = false;
    for (v, &c) in nibbles.iter_mut().zip(s) {
        let digit = c.wrapping_sub(b'0');
        let letter = (c | 0x20).wrapping_sub(b'a');
        let (is_digit, is_letter) = (digit < 10, letter < 6);
        *v = if is_digit {
            digit
        } else {
            letter.wrapping_add(10)
        };
        bad |= !(is_digit | is_letter);
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(nibbles.chunks_exact(2)) {
        if let [hi, lo] = pair {
            *o = hi << 4 | lo;
        }
    }
    (!bad).then_some(out)
}

/// Lowercase hexadecimal.
pub fn encode_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes canonical standard base64 with padding (RFC 4648 §4).
pub fn decode_base64(s: &[u8]) -> Result<Vec<u8>, DecodeError> {
    check_len(s)?;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| DecodeError::Base64(e.to_string()))
}

/// Marks a byte that is no standard-alphabet base64 character in
/// [`BASE64_VALUES`]: above the 24 bits four characters make, and still
/// there after [`base64_group`] shifts it.
const NOT_BASE64: u32 = 1 << 24;

/// The value of each byte as a standard-alphabet base64 character, or
/// [`NOT_BASE64`].
// Evaluated at compile time: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
static BASE64_VALUES: [u32; 256] = {
    let mut t = [NOT_BASE64; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u32;
        i += 1;
    }
    t
};

/// Base64 characters joined into the bits they stand for, first character
/// highest: below `1 << 6 * chars.len()` if every one is in the alphabet,
/// and with a bit at or above 24 set if any is not.
fn base64_group(chars: &[u8]) -> u64 {
    chars.iter().fold(0, |bits, c| {
        let value = BASE64_VALUES
            .get(usize::from(*c))
            .copied()
            .unwrap_or(NOT_BASE64);
        bits << 6 | u64::from(value)
    })
}

/// Decodes the one spelling of a 32-byte value (an HMAC-SHA256 tag) in
/// canonical padded standard base64: 43 alphabet characters, the last of
/// them with its low two bits clear (the 256th bit ends mid-character), then
/// one `=`. `None` for anything else: the caller then takes
/// [`decode_base64`], which gives the error (or decodes what is not a
/// 32-byte value).
///
/// It exists because this runs on every delivery of a base64 scheme:
/// [`decode_base64`] goes through the `base64` engine and a `Vec`, which cost
/// more than the rest of the parsing. Fixed sizes, one table lookup per
/// character, and one check at the end (a character outside the alphabet
/// leaves a bit above its group's 24). It accepts exactly the 44-character
/// inputs that [`decode_base64`] decodes to 32 bytes, with the same bytes
/// (the `decode_base64` fuzz function asserts it; a property test runs it on
/// near misses). The proof is public: this need not be constant time.
pub fn decode_base64_32(s: &[u8; 44]) -> Option<[u8; 32]> {
    let [groups @ .., x, y, z, pad] = s;
    let mut out = [0u8; 32];
    let mut seen = 0u64;
    let (head, tail) = out.split_at_mut(30);
    for (o, g) in head.chunks_exact_mut(3).zip(groups.chunks_exact(4)) {
        let bits = base64_group(g);
        seen |= bits;
        if let ([o0, o1, o2], [.., b0, b1, b2]) = (o, bits.to_be_bytes()) {
            (*o0, *o1, *o2) = (b0, b1, b2);
        }
    }
    // The last three characters carry 18 bits: 16 of the tag, then two
    // that canonical base64 leaves zero.
    let bits = base64_group(&[*x, *y, *z]) << 6;
    seen |= bits;
    let [.., b0, b1, after] = bits.to_be_bytes();
    if let [o0, o1] = tail {
        (*o0, *o1) = (b0, b1);
    }
    (seen >> 24 == 0 && after == 0 && *pad == b'=').then_some(out)
}

/// Standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes URL-safe base64 (RFC 4648 §5), with or without padding.
pub fn decode_base64url(s: &[u8]) -> Result<Vec<u8>, DecodeError> {
    check_len(s)?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine
        .decode(s)
        .map_err(|e| DecodeError::Base64(e.to_string()))
}

/// URL-safe base64 without padding.
pub fn encode_base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_total() {
        assert_eq!(decode_hex(b"00ff").as_deref(), Ok(&[0u8, 255][..]));
        assert_eq!(decode_hex(b"00FF").as_deref(), Ok(&[0u8, 255][..]));
        assert_eq!(decode_hex(b""), Err(DecodeError::Empty));
        assert_eq!(decode_hex(b"abc"), Err(DecodeError::OddLength(3)));
        assert_eq!(decode_hex(b"zz"), Err(DecodeError::InvalidCharacter(0)));
        assert_eq!(decode_hex(b"0g"), Err(DecodeError::InvalidCharacter(1)));
        assert_eq!(
            decode_hex("é".as_bytes()),
            Err(DecodeError::InvalidCharacter(0))
        );
        let long = vec![b'a'; MAX_ENCODED_LEN + 2];
        assert_eq!(
            decode_hex(&long),
            Err(DecodeError::TooLong(MAX_ENCODED_LEN + 2))
        );
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(decode_base64(b"AAE=").as_deref(), Ok(&[0u8, 1][..]));
        assert!(decode_base64(b"AAE").is_err());
        assert!(decode_base64(b"A_E=").is_err());
        assert!(decode_base64(b"AA E=").is_err());
        assert_eq!(decode_base64(b""), Err(DecodeError::Empty));
    }

    #[test]
    fn base64url_takes_either_padding() {
        assert_eq!(decode_base64url(b"A_8").as_deref(), Ok(&[3u8, 255][..]));
        assert_eq!(decode_base64url(b"A_8=").as_deref(), Ok(&[3u8, 255][..]));
        assert!(decode_base64url(b"A/8=").is_err());
        assert_eq!(encode_base64url(&[3, 255]), "A_8");
    }
}
