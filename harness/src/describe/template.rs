//! Templates: the signed message (`{id}.{ts}.{body}`) and header values.
//!
//! A template is literal text with placeholders in braces; `{{` and `}}`
//! are a literal brace. Which placeholders a template may use depends on
//! where it is (see [`Placeholder`] and `docs/scheme-format.md`).

use std::fmt;

/// One placeholder of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// `{body}`: the raw request body, byte for byte.
    Body,
    /// `{url}`: the target URL as configured at the sender, query included.
    Url,
    /// `{event}`: the body envelope's event member, exactly as sent.
    Event,
    /// `{timestamp}`: the delivery timestamp, as written where `[timestamp]` says.
    Timestamp,
    /// `{header:Name}`: a request header's value, verbatim.
    Header(String),
    /// `{param:key}`: a value of the proof header's key/value list.
    Param(String),
    /// `{id}`: the event id (header values only).
    Id,
    /// `{type}`: the event type (header values only).
    Type,
    /// `{attempt}`: which redelivery this is, from 1 (retry header values only).
    Attempt,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::Body => f.write_str("{body}"),
            Placeholder::Url => f.write_str("{url}"),
            Placeholder::Event => f.write_str("{event}"),
            Placeholder::Timestamp => f.write_str("{timestamp}"),
            Placeholder::Header(n) => write!(f, "{{header:{n}}}"),
            Placeholder::Param(k) => write!(f, "{{param:{k}}}"),
            Placeholder::Id => f.write_str("{id}"),
            Placeholder::Type => f.write_str("{type}"),
            Placeholder::Attempt => f.write_str("{attempt}"),
        }
    }
}

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text (adjacent literals are merged).
    Literal(String),
    /// A placeholder, and its byte offset in the template text.
    Placeholder(Placeholder, usize),
}

/// Why a template does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{` without its `}`.
    Unclosed {
        /// Byte offset of the `{`.
        at: usize,
    },
    /// A lone `}`.
    StrayClose {
        /// Byte offset of the `}`.
        at: usize,
    },
    /// `{name}` that is no placeholder (or `{header:}` with no name).
    Unknown {
        /// The text between the braces.
        name: String,
        /// Byte offset of the `{`.
        at: usize,
    },
}

/// Every placeholder name, for did-you-mean.
pub const NAMES: [&str; 9] = [
    "body",
    "url",
    "event",
    "timestamp",
    "header:",
    "param:",
    "id",
    "type",
    "attempt",
];

/// Parses `text` into parts.
pub fn parse(text: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
                literal.push('}');
            }
            '}' => return Err(TemplateError::StrayClose { at: i }),
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, n) in chars.by_ref() {
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    name.push(n);
                }
                if !closed {
                    return Err(TemplateError::Unclosed { at: i });
                }
                let p = placeholder(&name).ok_or(TemplateError::Unknown { name, at: i })?;
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(Part::Placeholder(p, i));
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

fn placeholder(name: &str) -> Option<Placeholder> {
    let named = |prefix: &str| {
        name.strip_prefix(prefix)
            .filter(|rest| !rest.is_empty() && !rest.contains(['{', '}']))
            .map(str::to_owned)
    };
    Some(match name {
        "body" => Placeholder::Body,
        "url" => Placeholder::Url,
        "event" => Placeholder::Event,
        "timestamp" => Placeholder::Timestamp,
        "id" => Placeholder::Id,
        "type" => Placeholder::Type,
        "attempt" => Placeholder::Attempt,
        _ => {
            if let Some(h) = named("header:") {
                Placeholder::Header(h)
            } else {
                Placeholder::Param(named("param:")?)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_placeholders_literals_and_escapes() {
        let parts = parse("v0:{header:X-Ts}:{{{body}}}").ok();
        assert_eq!(
            parts,
            Some(vec![
                Part::Literal("v0:".into()),
                Part::Placeholder(Placeholder::Header("X-Ts".into()), 3),
                Part::Literal(":{".into()),
                Part::Placeholder(Placeholder::Body, 19),
                Part::Literal("}".into()),
            ])
        );
        assert_eq!(parse("").ok(), Some(vec![]));
        assert_eq!(parse("{param:ts}").ok().map(|p| p.len()), Some(1));
    }

    #[test]
    fn reports_bad_templates_with_offsets() {
        assert_eq!(
            parse("a{body").err(),
            Some(TemplateError::Unclosed { at: 1 })
        );
        assert_eq!(parse("a}").err(), Some(TemplateError::StrayClose { at: 1 }));
        assert_eq!(
            parse("x{bdy}").err(),
            Some(TemplateError::Unknown {
                name: "bdy".into(),
                at: 1
            })
        );
        assert!(matches!(
            parse("{header:}").err(),
            Some(TemplateError::Unknown { .. })
        ));
    }
}
