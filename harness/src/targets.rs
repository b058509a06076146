//! One run, many targets: the `hookspec run --config FILE` file (TOML),
//! modelled on Autobahn|Testsuite's `fuzzingclient.json`. Each `[[target]]`
//! names a scheme (or a scheme file), a URL, where its secret is (an
//! environment variable or a file: never the secret itself), and
//! optionally the effects oracle, the key server address, filters and
//! expected failures. Paths are relative to the file. Errors carry
//! `path:line:column`, as scheme files' do.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::describe::Location;

/// The largest targets file read.
pub const MAX_TARGETS_FILE: u64 = 1024 * 1024;
/// The most targets one file may list.
pub const MAX_TARGETS: usize = 256;

/// The file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "target")]
    targets: Vec<Spanned<TargetFile>>,
}

/// One `[[target]]`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    name: Option<Spanned<String>>,
    scheme: Option<Spanned<String>>,
    scheme_file: Option<Spanned<String>>,
    url: Spanned<String>,
    secret_env: Option<Spanned<String>>,
    secret_file: Option<Spanned<String>>,
    effects_url: Option<Spanned<String>>,
    key_server_addr: Option<Spanned<String>>,
    #[serde(default)]
    filter: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    expect_failures: Option<Spanned<String>>,
    timeout_ms: Option<Spanned<u64>>,
}

/// One target to run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Target {
    /// A name for the reports (default: the scheme id, then the URL).
    pub name: Option<String>,
    /// A built-in scheme (or the id of `scheme_file`).
    pub scheme: Option<String>,
    /// A scheme description file.
    pub scheme_file: Option<PathBuf>,
    /// The receiver's webhook URL.
    pub url: String,
    /// The environment variable holding the shared secret.
    pub secret_env: Option<String>,
    /// The file holding the shared secret.
    pub secret_file: Option<PathBuf>,
    /// The effects oracle.
    pub effects_url: Option<String>,
    /// Where to bind the provider key server.
    pub key_server_addr: Option<std::net::SocketAddr>,
    /// Run only these cases.
    pub filter: Vec<String>,
    /// Skip these cases.
    pub exclude: Vec<String>,
    /// Known failures file.
    pub expect_failures: Option<PathBuf>,
    /// Per-request timeout.
    pub timeout_ms: Option<u64>,
    /// Where the target is written, for later messages.
    pub at: Location,
}

/// Why a targets file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetsError {
    /// The file could not be read.
    #[error("{path}: {why}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// Not TOML of the expected shape.
    #[error("{at}: {what}")]
    Syntax {
        /// Where.
        at: Location,
        /// What is wrong (the TOML reader's words).
        what: String,
    },
    /// A value the run cannot use.
    #[error("{at}: {what}; {fix}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong.
        what: String,
        /// How to fix it.
        fix: String,
    },
}

/// Reads and checks the targets file at `path`.
pub fn load(path: &Path) -> Result<Vec<Target>, TargetsError> {
    let shown = path.display().to_string();
    let bytes = crate::input::read_file(path, MAX_TARGETS_FILE, "a targets file").map_err(|e| {
        TargetsError::Read {
            path: shown.clone(),
            why: e.to_string(),
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|_| TargetsError::Read {
        path: shown.clone(),
        why: "not UTF-8 text".into(),
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(&shown, &text, &base)
}

/// [`load`] of `text`, named `origin`, with relative paths against `base`.
pub fn parse(origin: &str, text: &str, base: &Path) -> Result<Vec<Target>, TargetsError> {
    let at = |span: Range<usize>| Location::at(origin, text, span.start);
    let file: File = toml::from_str(text).map_err(|e| TargetsError::Syntax {
        at: at(e.span().unwrap_or(0..0)),
        what: e.message().to_owned(),
    })?;
    let bad = |span: Range<usize>, what: String, fix: &str| TargetsError::Invalid {
        at: at(span),
        what,
        fix: fix.to_owned(),
    };
    if file.targets.is_empty() {
        return Err(bad(
            0..0,
            "no [[target]]".into(),
            "list each receiver to test as a [[target]] table (docs/spec.md §4)",
        ));
    }
    if file.targets.len() > MAX_TARGETS {
        return Err(bad(
            0..0,
            format!("{} targets", file.targets.len()),
            &format!("list at most {MAX_TARGETS}"),
        ));
    }
    let path = |s: &Spanned<String>| base.join(s.get_ref());
    let mut out = Vec::new();
    for t in &file.targets {
        let span = t.span();
        let t = t.get_ref();
        if t.scheme.is_none() && t.scheme_file.is_none() {
            return Err(bad(
                span,
                "a target without a scheme".into(),
                "give scheme = \"ID\" (hookspec schemes) or scheme_file = \"PATH\"",
            ));
        }
        if let (Some(_), Some(f)) = (&t.secret_env, &t.secret_file) {
            return Err(bad(
                f.span(),
                "secret_env and secret_file both given".into(),
                "give one of them",
            ));
        }
        let key_server_addr = match &t.key_server_addr {
            Some(a) => Some(a.get_ref().parse().map_err(|_| {
                bad(
                    a.span(),
                    format!("`{}` is not an address", a.get_ref()),
                    "give HOST:PORT with an IP address, e.g. \"127.0.0.1:8931\"",
                )
            })?),
            None => None,
        };
        if let Some(ms) = &t.timeout_ms {
            if !(1..=600_000).contains(ms.get_ref()) {
                return Err(bad(
                    ms.span(),
                    format!("timeout_ms {} is out of range", ms.get_ref()),
                    "give 1..=600000 (milliseconds)",
                ));
            }
        }
        out.push(Target {
            name: t.name.as_ref().map(|n| n.get_ref().clone()),
            scheme: t.scheme.as_ref().map(|s| s.get_ref().clone()),
            scheme_file: t.scheme_file.as_ref().map(path),
            url: t.url.get_ref().clone(),
            secret_env: t.secret_env.as_ref().map(|s| s.get_ref().clone()),
            secret_file: t.secret_file.as_ref().map(path),
            effects_url: t.effects_url.as_ref().map(|s| s.get_ref().clone()),
            key_server_addr,
            filter: t.filter.clone(),
            exclude: t.exclude.clone(),
            expect_failures: t.expect_failures.as_ref().map(path),
            timeout_ms: t.timeout_ms.as_ref().map(|m| *m.get_ref()),
            at: at(span),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_targets_load_with_paths_relative_to_the_file() {
        let text = r#"
[[target]]
scheme = "certifylize"
url = "http://127.0.0.1:3005/hook"
secret_env = "CERT_SECRET"
filter = ["reject"]

[[target]]
name = "acme"
scheme_file = "schemes/acme.toml"
url = "http://127.0.0.1:3006/hook"
secret_file = "secrets/acme"
"#;
        let t = parse("h.toml", text, Path::new("/cfg")).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[1].scheme_file.as_deref(),
            Some(Path::new("/cfg/schemes/acme.toml"))
        );
        assert_eq!(
            t[1].secret_file.as_deref(),
            Some(Path::new("/cfg/secrets/acme"))
        );
        assert_eq!(t[0].filter, vec!["reject".to_owned()]);
    }

    #[test]
    fn bad_files_are_located() {
        let e = parse(
            "h.toml",
            "[[target]]\nurl = \"http://x/\"\nsecret = \"s\"\n",
            Path::new(""),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("h.toml:3:1: unknown field `secret`"), "{e}");
        let e = parse("h.toml", "[[target]]\nurl = \"http://x/\"\n", Path::new(""))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("h.toml:1:1: a target without a scheme"),
            "{e}"
        );
        let e = parse(
            "h.toml",
            "[[target]]\nscheme = \"x\"\nurl = \"u\"\nkey_server_addr = \"localhost:1\"\n",
            Path::new(""),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("h.toml:4:19: `localhost:1` is not an address"),
            "{e}"
        );
    }
}
