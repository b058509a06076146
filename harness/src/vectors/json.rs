//! Small, token-preserving rewrites of JSON text, used to build bodies that
//! differ from a signed one only in formatting.
//!
//! They work on the text (strings are copied verbatim, escapes included), so
//! numbers and escapes keep their spelling: only whitespace or key order
//! changes. Input is assumed to be valid JSON made by the generator.

use std::fmt::Write as _;

/// Re-indents compact JSON: one member per line, `indent` per level,
/// `newline` between lines, one space after `:`. Empty `{}` and `[]` stay
/// on one line.
pub(crate) fn reindent(compact: &str, indent: &str, newline: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let line = |out: &mut String, depth: usize| {
        out.push_str(newline);
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    out.push(c);
                    depth += 1;
                    line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes every whitespace character outside strings.
pub(crate) fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

/// Compact JSON with object keys sorted (byte order), as many non-JS
/// serializers produce. Numbers and strings are re-serialized by
/// `serde_json`.
pub(crate) fn sorted(json: &str) -> Result<String, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_str(json)?;
    let mut out = String::new();
    write_sorted(&v, &mut out)?;
    Ok(out)
}

fn write_sorted(v: &serde_json::Value, out: &mut String) -> Result<(), serde_json::Error> {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k)?);
                out.push(':');
                if let Some(item) = map.get(k) {
                    write_sorted(item, out)?;
                }
            }
            out.push('}');
        }
        other => out.push_str(&serde_json::to_string(other)?),
    }
    Ok(())
}

/// Escapes every non-ASCII character as `\uXXXX` (UTF-16 surrogate pairs
/// above U+FFFF), as ASCII-only serializers (Python's default) do. In JSON
/// text non-ASCII characters only occur inside strings, so this is a pure
/// re-spelling.
pub(crate) fn ascii_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_keep_tokens() {
        let c = r#"{"a":[1,{}],"b":{"c":"x, y: {z}","d":[]},"e":"q\"}"}"#;
        let p = reindent(c, "  ", "\n");
        assert!(p.contains("\n  \"a\": [\n    1,\n    {}\n  ],"));
        assert_eq!(compact(&p), c);
        assert_eq!(compact(&reindent(c, "\t", "\r\n")), c);
        assert_eq!(
            sorted(r#"{"b":1,"a":{"d":2,"c":3}}"#).ok().as_deref(),
            Some(r#"{"a":{"c":3,"d":2},"b":1}"#)
        );
        assert_eq!(
            ascii_escaped("{\"é\":\"🎓\"}"),
            r#"{"\u00e9":"\ud83c\udf93"}"#
        );
    }
}
