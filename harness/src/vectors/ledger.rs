//! The tcId ledger of a scheme (`vectors/<scheme>.ids`, named by the
//! scheme file's `[vectors] ledger`): which rule got which published tcId.
//!
//! One entry a line, `#` starts a comment line:
//!
//! ```text
//! 17 proof.missing X-Token missing     # tcId, rule key, published comment
//! 21 hex.upper                         # tcId and key: the rule's own comment
//! - body.append-space                  # the rule is left out of this scheme
//! retired 40 what the test was         # a published tcId that is gone
//! ```
//!
//! `vectors/README.md` explains how the generator uses it.

use std::collections::BTreeSet;

/// One `<tcId|-> <key> [comment]` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The rule key.
    pub key: String,
    /// Its tcId, or `None` for `-`.
    pub tc_id: Option<u32>,
    /// The published comment, if given.
    pub comment: Option<String>,
}

/// A parsed ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// The entries, in file order.
    pub lines: Vec<Line>,
    /// Retired tcIds.
    pub retired: Vec<u32>,
}

fn word(rest: &str) -> (&str, &str) {
    let rest = rest.trim_start();
    match rest.split_once(char::is_whitespace) {
        Some((w, tail)) => (w, tail.trim()),
        None => (rest, ""),
    }
}

fn number(w: &str, line: usize) -> Result<u32, String> {
    w.parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("line {line}: `{w}` is not a tcId (a number from 1)"))
}

/// Parses a ledger; an error names the line.
pub fn parse(text: &str) -> Result<Ledger, String> {
    let mut out = Ledger::default();
    let (mut keys, mut ids) = (BTreeSet::new(), BTreeSet::new());
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (first, rest) = word(line);
        if first == "retired" {
            let (id, _reason) = word(rest);
            let id = number(id, n)?;
            if !ids.insert(id) {
                return Err(format!("line {n}: tcId {id} appears twice"));
            }
            out.retired.push(id);
            continue;
        }
        let tc_id = if first == "-" {
            None
        } else {
            Some(number(first, n)?)
        };
        let (key, comment) = word(rest);
        if key.is_empty() {
            return Err(format!("line {n}: a rule key is missing"));
        }
        if !keys.insert(key.to_owned()) {
            return Err(format!("line {n}: rule `{key}` appears twice"));
        }
        if let Some(id) = tc_id {
            if !ids.insert(id) {
                return Err(format!("line {n}: tcId {id} appears twice"));
            }
        }
        out.lines.push(Line {
            key: key.to_owned(),
            tc_id,
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_duplicates() {
        let l = parse("# c\n3 a.b the comment\n- c.d\nretired 7 gone\n\n4 e.f\n").unwrap();
        assert_eq!(l.lines.len(), 3);
        assert_eq!(l.lines[0].comment.as_deref(), Some("the comment"));
        assert_eq!(l.lines[1].tc_id, None);
        assert_eq!(l.retired, vec![7]);
        assert!(parse("1 a\n1 b\n").is_err());
        assert!(parse("1 a\n2 a\n").is_err());
        assert!(parse("1 a\nretired 1\n").is_err());
        assert!(parse("x a\n").is_err());
        assert!(parse("0 a\n").is_err());
        assert!(parse("5\n").is_err());
    }
}
