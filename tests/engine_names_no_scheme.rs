//! Issue 12, "schemes are files": the engine names no scheme. The library
//! (`harness/src/**`) works from the descriptions alone, so its code holds
//! no built-in scheme id, no vendor header, query parameter or key route,
//! and no `SchemeId::<Variant>`. Schemes live in `schemes/`; tests may name
//! them.
//!
//! What is read: every `.rs` file under `harness/src/`, except files named
//! `tests.rs` and everything from a `#[cfg(test)]` line on; comments
//! (`//` lines, trailing `//` comments, `/* … */`) are left out, string
//! literals are kept. The names looked for come from the built-in
//! descriptions themselves (`hookspec::describe::registry::builtins()`:
//! ids, header and query names, key route paths), so the list grows with
//! the schemes, plus a fixed list. Every hit is printed as
//! `path:line: text`.
//!
//! Not read: `schemes/builtin.rs`, the list of built-in files that
//! `describe/registry.rs` `include!`s: it lives in `schemes/`, not in the
//! library.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};

use hookspec::scheme::{Carrier, EventId, ExtraHeader};

/// The one line that names `schemes/`: the `include!` of the built-in list.
const BUILTIN_INCLUDE: &str = r#"include!("../../../schemes/builtin.rs");"#;

/// Names that must not come back, whatever the descriptions say.
const FIXED: &[&str] = &[
    "blockmark",
    "certifylize",
    "blink",
    "smartasset",
    "cometh",
    "x-token",
    "x-certifylize",
    "x-blink-signature",
    "blink-api-key",
    "x-cometh-indexer-signature",
    "getEventSignaturePublicKey",
    "checkEventSignature",
    "/webhook/publicKey",
];

/// Exact phrases of library text that may name a provider: the published
/// notes of the vector files (`harness/src/vectors/generator/notes.rs`)
/// cite a provider as prior art for a bug class (Svix's prefix-comparison
/// CVE, Stripe's tolerant list parser). They tell the engine nothing about
/// how to verify any scheme, and the six original vector files, which must
/// stay byte-identical, publish these very sentences. Each phrase is cut
/// out of a line before the names are looked for, so a name anywhere else
/// on the line still counts.
const CITATIONS: &[&str] = &["(CVE-2024-21491, Svix)", "(Stripe-style)"];

/// Every name looked for, lowercase: the fixed list, then what the
/// built-in descriptions name.
fn forbidden() -> Vec<String> {
    let mut names: Vec<String> = FIXED.iter().map(|s| s.to_owned().to_owned()).collect();
    for s in hookspec::describe::registry::builtins() {
        names.push(s.id.to_owned());
        match s.carrier {
            Carrier::Header { name, .. }
            | Carrier::TimestampedHeader { name, .. }
            | Carrier::VersionedList { name, .. } => {
                names.push(name.to_owned());
            }
            // The query parameter's name is a generic word (`apikey`, the
            // rules' own name for the family); the header is the vendor's.
            Carrier::QueryOrHeader { header, .. } => {
                names.push(header.to_owned());
            }
            Carrier::BodyEnvelope { .. } => {}
        }
        for h in s.extra_headers {
            match *h {
                ExtraHeader::EventId(n) | ExtraHeader::EventType(n) => names.push(n.to_owned()),
                // Fixed headers may be generic (`User-Agent`): their values
                // are the vendor's, and no engine code writes them.
                ExtraHeader::Fixed(..) => {}
            }
        }
        if let EventId::Header(n) = s.event_id {
            names.push(n.to_owned());
        }
        for r in s.key_routes {
            names.push(r.path.to_owned());
        }
    }
    let mut names: Vec<String> = names
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Reads Rust source line by line and keeps the code of each line: string
/// and character literals kept, comments dropped. Good enough for this
/// crate's sources (raw strings, escapes, char literals, lifetimes, block
/// comments spanning lines).
#[derive(Default)]
struct Scanner {
    /// Inside a `"…"` string.
    string: bool,
    /// Inside a raw string closed by `"` and this many `#`.
    raw: Option<usize>,
    /// Block comment depth.
    block: usize,
}

impl Scanner {
    fn code(&mut self, line: &str) -> String {
        let c: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < c.len() {
            let at = |k: usize| c.get(i + k).copied();
            if self.block > 0 {
                if at(0) == Some('*') && at(1) == Some('/') {
                    self.block -= 1;
                    i += 2;
                } else if at(0) == Some('/') && at(1) == Some('*') {
                    self.block += 1;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            if let Some(hashes) = self.raw {
                out.push(c[i]);
                if c[i] == '"' && (1..=hashes).all(|k| at(k) == Some('#')) {
                    out.extend(std::iter::repeat_n('#', hashes));
                    i += 1 + hashes;
                    self.raw = None;
                } else {
                    i += 1;
                }
                continue;
            }
            if self.string {
                out.push(c[i]);
                if c[i] == '\\' {
                    if let Some(n) = at(1) {
                        out.push(n);
                    }
                    i += 2;
                    continue;
                }
                if c[i] == '"' {
                    self.string = false;
                }
                i += 1;
                continue;
            }
            match (c[i], at(1)) {
                ('/', Some('/')) => break,
                ('/', Some('*')) => {
                    self.block = 1;
                    i += 2;
                }
                ('"', _) => {
                    self.string = true;
                    out.push('"');
                    i += 1;
                }
                ('r', Some('"' | '#'))
                    if i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_') =>
                {
                    let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
                    if at(1 + hashes) == Some('"') {
                        self.raw = Some(hashes);
                        out.extend(c[i..i + 2 + hashes].iter());
                        i += 2 + hashes;
                    } else {
                        out.push('r');
                        i += 1;
                    }
                }
                ('\'', Some('\\')) => {
                    // An escaped char literal: up to its closing quote.
                    let end = (i + 2..c.len())
                        .find(|&k| c[k] == '\'')
                        .unwrap_or(c.len() - 1);
                    out.extend(c[i..=end].iter());
                    i = end + 1;
                }
                ('\'', Some(_)) if at(2) == Some('\'') => {
                    out.extend(c[i..i + 3].iter());
                    i += 3;
                }
                (ch, _) => {
                    out.push(ch);
                    i += 1;
                }
            }
        }
        out
    }
}

/// A `SchemeId::` followed by a capital letter (a variant or a constant).
fn names_a_variant(code: &str) -> bool {
    code.match_indices("SchemeId::").any(|(at, m)| {
        code[at + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
    })
}

/// The hits in one file's text, as `(line number, line)`.
fn hits_in(text: &str, names: &[String]) -> Vec<(usize, String)> {
    let mut scanner = Scanner::default();
    let mut hits = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        if line.trim() == BUILTIN_INCLUDE {
            continue;
        }
        let mut code = scanner.code(line);
        for c in CITATIONS {
            code = code.replace(c, "");
        }
        let lower = code.to_ascii_lowercase();
        if names.iter().any(|name| lower.contains(name.as_str())) || names_a_variant(&code) {
            hits.push((n + 1, line.trim().to_owned()));
        }
    }
    hits
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs")
            && p.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(p);
        }
    }
}

#[test]
fn the_library_names_no_scheme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = forbidden();
    // The descriptions were read: every built-in's id is looked for.
    let builtins = hookspec::describe::registry::builtins();
    assert!(!builtins.is_empty(), "no built-in scheme loaded");
    for s in builtins {
        assert!(names.contains(&s.id.to_owned()), "{}", s.id);
    }
    let mut files = Vec::new();
    sources(&root.join("harness/src"), &mut files);
    assert!(
        files.len() > 20,
        "harness/src has {} .rs files",
        files.len()
    );
    let mut hits = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let found = hits_in(&text, &names);
        hits.extend(
            found
                .into_iter()
                .map(|(n, line)| format!("{rel}:{n}: {line}")),
        );
    }
    assert!(
        hits.is_empty(),
        "the library names a scheme ({} line(s)); take it from the description \
         (schemes/*.toml) instead:\n{}",
        hits.len(),
        hits.join("\n")
    );
}

#[test]
fn the_scanner_keeps_strings_and_drops_comments() {
    let names = forbidden();
    let hits = |text: &str| hits_in(text, &names).len();
    assert_eq!(hits(r#"let h = "X-Token";"#), 1);
    assert_eq!(hits(r#"let h = r"x-TOKEN";"#), 1);
    assert_eq!(hits(r##"let h = r#"a "quoted" cometh"#;"##), 1);
    assert_eq!(hits("let id = SchemeId::Blockmark;"), 1);
    assert_eq!(hits("let id = SchemeId::builtins();"), 0);
    assert_eq!(hits(r#"let n = "a CVE (CVE-2024-21491, Svix)";"#), 0);
    assert_eq!(hits(r#"let n = "(CVE-2024-21491, Svix) svix-id";"#), 1);
    assert_eq!(hits("// the blockmark token"), 0);
    assert_eq!(hits("/// smartasset's envelope"), 0);
    assert_eq!(hits(r#"let u = "http://h/"; // cometh"#), 0);
    assert_eq!(hits("let c = '\"'; // blink"), 0);
    assert_eq!(hits("fn f<'a>(x: &'a str) {} // blink"), 0);
    assert_eq!(hits("/* smartasset\n still smartasset */ let x = 1;"), 0);
    assert_eq!(hits("let s = \"multi\nline smartasset\";"), 1);
    assert_eq!(hits("#[cfg(test)]\nlet x = \"cometh\";"), 0);
    assert_eq!(hits(&format!("{BUILTIN_INCLUDE}\nlet a = 1;")), 0);
}
