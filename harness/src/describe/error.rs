//! [`DescribeError`]: everything that can be wrong with a scheme file, each
//! rendered as `path:line:column: what is wrong; how to fix it`.

use std::fmt;

use super::location::Location;
use super::suggest;

/// A scheme file that cannot be used. Every variant carries the
/// [`Location`] it is about; `Display` renders
/// `path:line:column: what is wrong; how to fix it`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DescribeError {
    /// The file is empty (or only comments and blank lines).
    Empty {
        /// The file's start.
        at: Location,
    },
    /// The file is not TOML.
    NotToml {
        /// Where the parser stopped.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// A key appears twice in the same table.
    DuplicateKey {
        /// The second occurrence.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// A field this format does not have.
    UnknownField {
        /// The field.
        at: Location,
        /// Its name.
        field: String,
        /// The fields the table has.
        expected: Box<[String]>,
        /// The known field closest to `field`, if it looks like a typo.
        suggestion: Option<String>,
    },
    /// A field that must be there is not.
    MissingField {
        /// The table that lacks it (or the field that makes it necessary).
        at: Location,
        /// The field's name.
        field: String,
        /// Why it is needed, when that depends on another field.
        because: Option<String>,
    },
    /// A value that is none of the field's allowed values (an unknown
    /// algorithm, encoding, carrier…).
    UnknownValue {
        /// The value.
        at: Location,
        /// The field, when it can be told.
        field: Option<String>,
        /// The value as written.
        value: String,
        /// The allowed values.
        expected: Box<[String]>,
        /// The allowed value closest to `value`, if it looks like a typo.
        suggestion: Option<String>,
    },
    /// A value of the wrong type (a string where a number goes…).
    WrongType {
        /// The value.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// A template placeholder that does not exist, or does not exist there.
    UnknownPlaceholder {
        /// The placeholder's `{`.
        at: Location,
        /// The text between the braces.
        placeholder: String,
        /// The placeholder closest to it, if it looks like a typo.
        suggestion: Option<String>,
    },
    /// A template that does not parse (an unclosed `{`, a lone `}`).
    BadTemplate {
        /// The offending brace.
        at: Location,
        /// What is wrong.
        reason: String,
    },
    /// A placeholder that needs a timestamp in a scheme that has none.
    NoTimestampSource {
        /// The placeholder.
        at: Location,
        /// The placeholder as written.
        placeholder: String,
    },
    /// Fields that cannot work together (a body envelope without a JSON
    /// body, HMAC with public keys, a field of another syntax…).
    Conflict {
        /// The field that conflicts.
        at: Location,
        /// What is wrong.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// A test secret that does not decode as `secret_decoding` says.
    BadSecret {
        /// The secret.
        at: Location,
        /// What is wrong.
        reason: String,
        /// How to fix it.
        fix: String,
    },
    /// A value out of its range or malformed (a status that is no 4xx, a
    /// JSON pointer without its leading `/`, an id with capitals…).
    BadValue {
        /// The value.
        at: Location,
        /// What is wrong.
        what: String,
        /// How to fix it.
        fix: String,
    },
    /// A valid description the engine cannot run yet (it runs the six
    /// built-in schemes' shapes until it is switched onto descriptions).
    NotYetSupported {
        /// The field.
        at: Location,
        /// What the engine lacks.
        what: String,
    },
}

impl DescribeError {
    /// Where the problem is.
    pub fn location(&self) -> &Location {
        match self {
            DescribeError::Empty { at }
            | DescribeError::NotToml { at, .. }
            | DescribeError::DuplicateKey { at, .. }
            | DescribeError::UnknownField { at, .. }
            | DescribeError::MissingField { at, .. }
            | DescribeError::UnknownValue { at, .. }
            | DescribeError::WrongType { at, .. }
            | DescribeError::UnknownPlaceholder { at, .. }
            | DescribeError::BadTemplate { at, .. }
            | DescribeError::NoTimestampSource { at, .. }
            | DescribeError::Conflict { at, .. }
            | DescribeError::BadSecret { at, .. }
            | DescribeError::BadValue { at, .. }
            | DescribeError::NotYetSupported { at, .. } => at,
        }
    }

    /// What is wrong and how to fix it, without the location.
    pub fn message(&self) -> String {
        let hint = |s: &Option<String>| {
            s.as_ref()
                .map_or_else(String::new, |s| format!("did you mean `{s}`? "))
        };
        match self {
            DescribeError::Empty { .. } => {
                "the scheme file is empty; start from an example in docs/scheme-format.md".into()
            }
            DescribeError::NotToml { message, .. } => {
                format!("not valid TOML: {message}; fix the TOML syntax (https://toml.io)")
            }
            DescribeError::DuplicateKey { message, .. } => {
                format!("{message}; keep one of the two")
            }
            DescribeError::UnknownField {
                field,
                expected,
                suggestion,
                ..
            } => format!(
                "unknown field `{field}`; {}this table has {}",
                hint(suggestion),
                list(expected)
            ),
            DescribeError::MissingField { field, because, .. } => match because {
                Some(b) => format!("missing field `{field}` ({b}); add it"),
                None => format!("missing field `{field}`; add it"),
            },
            DescribeError::UnknownValue {
                field,
                value,
                expected,
                suggestion,
                ..
            } => format!(
                "unknown {} `{value}`; {}use one of {}",
                field.as_deref().unwrap_or("value"),
                hint(suggestion),
                list(expected)
            ),
            DescribeError::WrongType { message, .. } => {
                format!("wrong type: {message}; write a value of the expected type")
            }
            DescribeError::UnknownPlaceholder {
                placeholder,
                suggestion,
                ..
            } => format!(
                "unknown placeholder `{{{placeholder}}}`; {}placeholders here are {} (write `{{{{` for a literal brace)",
                suggestion
                    .as_ref()
                    .map_or_else(String::new, |s| format!("did you mean `{{{s}}}`? ")),
                "{body}, {url}, {event}, {timestamp}, {header:Name}, {param:key}"
            ),
            DescribeError::BadTemplate { reason, .. } => {
                format!("bad template: {reason}; write `{{{{` and `}}}}` for literal braces")
            }
            DescribeError::NoTimestampSource { placeholder, .. } => format!(
                "placeholder `{placeholder}` needs a timestamp, but the scheme has no timestamp source; add a [timestamp] table (from, name) or remove the placeholder"
            ),
            DescribeError::Conflict { what, fix, .. }
            | DescribeError::BadSecret {
                reason: what, fix, ..
            }
            | DescribeError::BadValue { what, fix, .. } => format!("{what}; {fix}"),
            DescribeError::NotYetSupported { what, .. } => format!(
                "the engine cannot run this yet: {what}; the description is valid, but hookspec cannot test it: describe the scheme with a shape it runs (docs/scheme-format.md lists them)"
            ),
        }
    }

    /// Builds the error for a message of the `toml` crate (serde's
    /// messages included), at `span` of `text`.
    pub(super) fn from_toml(origin: &str, text: &str, error: &toml::de::Error) -> Self {
        let span = error.span();
        let at = Location::of_span(origin, text, span.clone());
        let message = error.message().trim().to_owned();
        let quoted = backticked(&message);
        if let Some(rest) = message.strip_prefix("unknown field ") {
            let field = quoted.first().cloned().unwrap_or_else(|| rest.to_owned());
            let expected: Box<[String]> = quoted.iter().skip(1).cloned().collect();
            let suggestion = suggest::closest(&field, expected.iter().map(String::as_str));
            return DescribeError::UnknownField {
                at,
                field,
                expected,
                suggestion,
            };
        }
        if let Some(rest) = message.strip_prefix("missing field ") {
            let field = quoted.first().cloned().unwrap_or_else(|| rest.to_owned());
            return DescribeError::MissingField {
                at,
                field,
                because: None,
            };
        }
        if message.starts_with("unknown variant ") {
            let value = quoted.first().cloned().unwrap_or_default();
            let expected: Box<[String]> = quoted.iter().skip(1).cloned().collect();
            let suggestion = suggest::closest(&value, expected.iter().map(String::as_str));
            return DescribeError::UnknownValue {
                at,
                field: span.and_then(|s| key_before(text, s.start)),
                value,
                expected,
                suggestion,
            };
        }
        if message.starts_with("invalid type") || message.starts_with("invalid value") {
            return DescribeError::WrongType { at, message };
        }
        if message.contains("duplicate key") {
            return DescribeError::DuplicateKey { at, message };
        }
        DescribeError::NotToml { at, message }
    }
}

impl fmt::Display for DescribeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message())
    }
}

impl std::error::Error for DescribeError {}

/// `a`, `b` or `c`, as backticked names.
fn list(names: &[String]) -> String {
    match names {
        [] => "no fields".into(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} or `{last}`",
            init.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The backticked words of a serde message, in order.
fn backticked(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The key of a `key = value` whose value starts at byte `start`, read
/// back from the text (for serde messages, which do not name the field).
fn key_before(text: &str, start: usize) -> Option<String> {
    let before = text.get(..start)?;
    let line = before.rsplit('\n').next()?;
    let key = line.trim_end().strip_suffix('=')?.trim();
    let key = key.rsplit(['{', ',']).next()?.trim();
    let key = key.rsplit('.').next()?.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_back_from_the_line() {
        let text = "a = 1\nalgorithm = \"md5\"\nx = { kind = \"y\" }";
        assert_eq!(key_before(text, 18).as_deref(), Some("algorithm"));
        let k = text.find("\"y\"").unwrap_or_default();
        assert_eq!(key_before(text, k).as_deref(), Some("kind"));
        assert_eq!(key_before(text, 0), None);
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list(&[]), "no fields");
        assert_eq!(
            list(&["a".into(), "b".into(), "c".into()]),
            "`a`, `b` or `c`"
        );
    }
}
