//! Text and byte edits of proofs and bodies. Total: they work on chars,
//! never index, and never panic.

use crate::error::GeneratorProblem;
use crate::Error;

/// The first `n` characters.
pub(super) fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Everything but the last character.
pub(super) fn drop_last(s: &str) -> String {
    head(s, s.chars().count().saturating_sub(1))
}

/// `s` with the character at `at` replaced by `with`.
pub(super) fn replace_at(s: &str, at: usize, with: &str) -> String {
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
pub(super) fn flip_last_hex(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| match (i + 1 == n, c) {
            (true, '0') => '1',
            (true, _) => '0',
            (false, c) => c,
        })
        .collect()
}

/// Alternates the letter case of the letters, starting with lowercase.
pub(super) fn mixed_case(s: &str) -> String {
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

/// A space before every 64th character.
pub(super) fn spaced(s: &str) -> String {
    s.chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let space = (i > 0 && i % 64 == 0).then_some(' ');
            space.into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// `Title-Case` of a header name (each `-`-separated word capitalised).
pub(super) fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Replaces the single occurrence of `from` in `s` (an error if absent).
pub(super) fn replace_once(s: &str, from: &str, to: &str) -> Result<String, Error> {
    if !s.contains(from) {
        return Err(Error::Generator {
            problem: GeneratorProblem::TextNotFound {
                text: from.to_owned(),
            },
        });
    }
    Ok(s.replacen(from, to, 1))
}

/// The last letter of the first string value (`:"…"`, or `: "…"` in a
/// pretty-printed body) changed: a one-byte edit that keeps the JSON valid.
pub(super) fn tamper_first_string(body: &str) -> Result<String, Error> {
    let start = body
        .match_indices(':')
        .find_map(|(i, _)| {
            let after = body.get(i + 1..)?;
            let spaces = after.len() - after.trim_start_matches([' ', '\n']).len();
            after
                .get(spaces..)?
                .starts_with('"')
                .then_some(i + 1 + spaces + 1)
        })
        .ok_or(Error::Generator {
            problem: GeneratorProblem::NoStringValue,
        })?;
    let rest = body.get(start..).unwrap_or_default();
    let end = rest.find('"').ok_or(Error::Generator {
        problem: GeneratorProblem::UnterminatedString,
    })?;
    let value = rest.get(..end).unwrap_or_default();
    let Some((at, c)) = value
        .char_indices()
        .rfind(|(_, c)| c.is_ascii_alphanumeric())
    else {
        return Err(Error::Generator {
            problem: GeneratorProblem::NoLetterOrDigit,
        });
    };
    let to = if c == 'a' { 'b' } else { 'a' };
    let mut out = String::with_capacity(body.len());
    out.push_str(body.get(..start + at).unwrap_or_default());
    out.push(to);
    out.push_str(body.get(start + at + c.len_utf8()..).unwrap_or_default());
    Ok(out)
}

/// An error unless the two differ.
pub(super) fn differ(a: &str, b: &str) -> Result<(), Error> {
    if a == b {
        return Err(Error::Generator {
            problem: GeneratorProblem::BodyUnchanged,
        });
    }
    Ok(())
}

/// Adds Ed25519's group order L to the S half of a signature (the classic
/// malleation).
pub(super) fn add_l_to_s(sig: &[u8]) -> Result<Vec<u8>, Error> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let (r, s) = (sig.get(..32), sig.get(32..64));
    let (Some(r), Some(s)) = (r, s) else {
        return Err(Error::Generator {
            problem: GeneratorProblem::NotEd25519Signature { len: sig.len() },
        });
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

/// Wraps a JSON error of a generated body.
pub(super) fn json_err(e: serde_json::Error) -> Error {
    Error::Json {
        what: "generator body".into(),
        source: e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_total() {
        assert_eq!(head("abc", 5), "abc");
        assert_eq!(drop_last(""), "");
        assert_eq!(flip_last_hex("a0"), "a1");
        assert_eq!(title_case("x-acme-signature"), "X-Acme-Signature");
        assert_eq!(
            tamper_first_string(r#"{"n":1,"a":"high"}"#).unwrap(),
            r#"{"n":1,"a":"higa"}"#
        );
        assert!(tamper_first_string("{}").is_err());
    }
}
