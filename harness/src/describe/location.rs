//! Byte offsets to `line:column`, and the location every error carries.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Where in a scheme file something is: the file's name as the user gave
/// it, and a 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's name or path, as given to [`crate::describe::load`].
    pub origin: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` of `text` (clamped to the text; an
    /// offset inside a multi-byte character counts as that character).
    pub fn at(origin: &str, text: &str, offset: usize) -> Self {
        let bytes = text.as_bytes();
        let mut end = offset.min(bytes.len());
        // Inside a multi-byte character: back to its first byte.
        while end > 0 && bytes.get(end).is_some_and(|&b| (b & 0xC0) == 0x80) {
            end -= 1;
        }
        let before = bytes.get(..end).unwrap_or_default();
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            // Count characters: every byte that does not continue one.
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        Location {
            origin: Arc::from(origin),
            line,
            column,
        }
    }

    /// The location of the start of `span`, or of the file's start.
    pub fn of_span(origin: &str, text: &str, span: Option<Range<usize>>) -> Self {
        Location::at(origin, text, span.map_or(0, |s| s.start))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Location::at("f", text, 0).to_string(), "f:1:1");
        assert_eq!(Location::at("f", text, 6).to_string(), "f:2:1");
        // `=` after the two-byte `é`: byte 10, column 4.
        assert_eq!(Location::at("f", text, 10).to_string(), "f:2:4");
        assert_eq!(Location::at("f", text, 999).to_string(), "f:3:1");
        // Inside a multi-byte character: that character.
        assert_eq!(Location::at("f", text, 8).column, 2);
    }
}
