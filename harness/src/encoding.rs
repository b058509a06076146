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

/// Decodes hexadecimal digits (either case, as Node's `Buffer.from(x, "hex")`
/// accepts; no whitespace, no `0x`).
pub fn decode_hex(s: &[u8]) -> Result<Vec<u8>, DecodeError> {
    check_len(s)?;
    if s.len() % 2 != 0 {
        return Err(DecodeError::OddLength(s.len()));
    }
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    s.chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| match pair {
            [hi, lo] => {
                let h = nibble(*hi).ok_or(DecodeError::InvalidCharacter(2 * i))?;
                let l = nibble(*lo).ok_or(DecodeError::InvalidCharacter(2 * i + 1))?;
                Ok(h << 4 | l)
            }
            _ => Err(DecodeError::OddLength(s.len())),
        })
        .collect()
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

/// Standard base64 with padding.
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
}
