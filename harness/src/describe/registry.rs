//! The registry of known schemes: the built-in scheme files (compiled in
//! from `schemes/`) and the scheme files a user loads.
//!
//! A registered description lives for the rest of the process (it is
//! interned: [`crate::scheme::SchemeId`] is a `Copy` handle on it). Loading
//! a file registers it once; loading the same text again returns the same
//! handle, so a test suite may load its file in every test. Parsing and
//! checking alone ([`super::load`]) keep nothing.

use std::path::{Component, Path, PathBuf};
use std::sync::{LazyLock, RwLock};

use super::error::DescribeError;
use super::location::Location;
use crate::scheme::{Scheme, SchemeId};
use crate::Error;

include!("../../../schemes/builtin.rs");

/// The largest scheme file hookspec reads.
pub const MAX_SCHEME_FILE: u64 = 1 << 20;

/// The largest test key file hookspec reads.
pub const MAX_KEY_FILE: u64 = 64 << 10;

/// Where a scheme file's relative paths (test keys) are read from.
pub enum Files<'a> {
    /// The compiled-in files, by path from the repository root; the scheme
    /// file's own path is `origin`.
    Builtin,
    /// The file system, relative to this directory.
    Dir(&'a Path),
}

/// Normalises `a/b/../c` to `a/c` (no file system access).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

impl Files<'_> {
    /// The text of `relative` (a path written in the scheme file `origin`).
    pub(super) fn read(&self, origin: &str, relative: &str) -> Result<String, String> {
        match self {
            Files::Builtin => {
                let dir = Path::new(origin).parent().unwrap_or(Path::new(""));
                let want = normalise(&dir.join(relative));
                BUILTIN_FILES
                    .iter()
                    .find(|(p, _)| Path::new(p) == want)
                    .map(|(_, t)| (*t).to_owned())
                    .ok_or_else(|| format!("no compiled-in file `{}`", want.display()))
            }
            Files::Dir(dir) => {
                let path = dir.join(relative);
                let bytes = crate::input::read_file(&path, MAX_KEY_FILE, "a test key")
                    .map_err(|e| e.to_string())?;
                String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", path.display()))
            }
        }
    }
}

fn intern(scheme: Scheme) -> &'static Scheme {
    Box::leak(Box::new(scheme))
}

static BUILTINS: LazyLock<Vec<&'static Scheme>> = LazyLock::new(|| {
    // A built-in file that does not load is left out here and caught by
    // `tests/scheme_files.rs`, which loads each one and shows its error.
    BUILTIN_SCHEMES
        .iter()
        .filter_map(|(origin, text)| {
            let file = super::load(text, origin).ok()?;
            super::to_scheme(&file, origin, text, &Files::Builtin)
                .ok()
                .map(intern)
        })
        .collect()
});

/// Loaded user schemes, with the text they were loaded from.
static LOADED: RwLock<Vec<(&'static Scheme, String)>> = RwLock::new(Vec::new());

/// The built-in schemes, in documentation order.
pub fn builtins() -> &'static [&'static Scheme] {
    &BUILTINS
}

/// The compiled-in text of the built-in scheme file `id`.
pub fn builtin_text(id: &str) -> Option<&'static str> {
    BUILTIN_SCHEMES
        .iter()
        .find(|(p, _)| Path::new(p).file_stem().and_then(|s| s.to_str()) == Some(id))
        .map(|(_, t)| *t)
}

/// The compiled-in scheme files, `(path from the repository root, text)`.
pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
    BUILTIN_SCHEMES
}

/// Every registered scheme: the built-ins, then the loaded ones in load order.
pub fn all() -> Vec<&'static Scheme> {
    let mut v = builtins().to_vec();
    if let Ok(loaded) = LOADED.read() {
        v.extend(loaded.iter().map(|(s, _)| *s));
    }
    v
}

/// The ids of every registered scheme.
pub fn known_ids() -> Vec<&'static str> {
    all().into_iter().map(|s| s.id).collect()
}

/// A registered scheme's description by id.
pub fn scheme(id: &str) -> Option<&'static Scheme> {
    lookup(id).map(SchemeId::scheme)
}

/// A registered scheme by id.
pub fn lookup(id: &str) -> Option<SchemeId> {
    all().into_iter().find(|s| s.id == id).map(SchemeId::of)
}

impl SchemeId {
    /// The built-in schemes, in documentation order.
    pub fn builtins() -> Vec<SchemeId> {
        builtins().iter().map(|s| SchemeId::of(s)).collect()
    }
}

impl std::str::FromStr for SchemeId {
    type Err = Error;
    /// A registered scheme (built-in or loaded) by its id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        lookup(s).ok_or_else(|| Error::UnknownScheme {
            id: s.to_owned(),
            known: known_ids().into_iter().map(str::to_owned).collect(),
        })
    }
}

/// Loads, checks and registers the scheme file text `text` (named `origin`
/// in errors; relative paths read from `files`). Registering the same text
/// twice returns the first handle; another text under a registered id is an
/// error.
pub fn register(text: &str, origin: &str, files: &Files<'_>) -> Result<SchemeId, DescribeError> {
    let file = super::load(text, origin)?;
    let id = file.id.get_ref().clone();
    let clash = |why: &str| DescribeError::BadValue {
        at: Location::at(origin, text, file.id.span().start),
        what: format!("scheme id `{id}` {why}"),
        fix: "give your scheme an id of its own".into(),
    };
    if builtins().iter().any(|s| s.id == id) {
        return Err(clash("is a built-in scheme's"));
    }
    let mut loaded = LOADED
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((s, t)) = loaded.iter().find(|(s, _)| s.id == id) {
        return if t == text {
            Ok(SchemeId::of(s))
        } else {
            Err(clash("was already loaded from another file"))
        };
    }
    let scheme = intern(super::to_scheme(&file, origin, text, files)?);
    loaded.push((scheme, text.to_owned()));
    Ok(SchemeId::of(scheme))
}

/// Reads (at most [`MAX_SCHEME_FILE`] bytes), checks and registers the
/// scheme file at `path`; test key paths are relative to its directory.
pub fn register_file(path: &Path) -> Result<SchemeId, Error> {
    let bytes = crate::input::read_file(path, MAX_SCHEME_FILE, "a scheme file")?;
    let origin = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|e| super::not_utf8(&bytes, e, &origin))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok(register(text, &origin, &Files::Dir(dir))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load_and_resolve_their_key_files() {
        assert_eq!(builtins().len(), BUILTIN_SCHEMES.len());
        assert!(Files::Builtin
            .read("schemes/x.toml", "../vectors/keys/cometh-1.pem")
            .is_ok());
        assert!(Files::Builtin
            .read("schemes/x.toml", "../vectors/keys/none.pem")
            .is_err());
    }

    #[test]
    fn a_builtin_id_cannot_be_registered_again() {
        let Some(text) = builtin_text("certifylize") else {
            panic!("no certifylize")
        };
        let err = register(text, "mine.toml", &Files::Builtin);
        assert!(
            matches!(err, Err(DescribeError::BadValue { .. })),
            "{err:?}"
        );
    }
}
