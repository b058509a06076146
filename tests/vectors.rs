//! The checked-in vectors (`vectors/*.json`):
//!
//! - `regenerate::<scheme>`: regenerating in memory gives the same bytes as
//!   the checked-in file, and no tcId disappeared without being retired.
//!   `HOOKSPEC_BLESS=1 cargo test --test vectors` rewrites the files.
//! - `schema::<scheme>`: numberOfTests, unique tcIds, at least 40 tests, a
//!   note for every flag, unique event ids and unique requests.
//! - `<scheme>::tc<id>_<comment>`: one trial per vector: the library's
//!   verifier agrees with `result` (`acceptable`: either verdict).

// Test code: clippy.toml allows these inside #[test] functions, and the
// helpers of this test crate get the same allowance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hookspec::vectors::{self, Expected, VectorFile};
use hookspec::SchemeId;
use libtest_mimic::{Arguments, Failed, Trial};

const REGENERATE: &str = "HOOKSPEC_BLESS=1 cargo test --test vectors";
const MIN_TESTS: usize = 40;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// tcIds of `old` that are neither in `new` nor retired.
fn vanished(scheme: SchemeId, old: &VectorFile, new: &VectorFile) -> Vec<u32> {
    let now: BTreeSet<u32> = new.tests().map(|(_, t)| t.tc_id).collect();
    old.tests()
        .map(|(_, t)| t.tc_id)
        .filter(|id| !now.contains(id) && !vectors::retired_tc_ids(scheme).contains(id))
        .collect()
}

fn bless() -> Result<(), String> {
    let dir = dir();
    for scheme in SchemeId::builtins() {
        let new = vectors::generate(scheme).map_err(|e| e.to_string())?;
        if let Ok(old) = vectors::load(vectors::path_for(&dir, scheme)) {
            let gone = vanished(scheme, &old, &new);
            if !gone.is_empty() {
                return Err(format!(
                    "{scheme}: tcIds {gone:?} would disappear; retire them \
                     (`retired <tcId>` lines in vectors/{scheme}.ids) before regenerating"
                ));
            }
        }
    }
    for path in vectors::write_all(&dir).map_err(|e| e.to_string())? {
        eprintln!("blessed {}", path.display());
    }
    Ok(())
}

fn regenerate(scheme: SchemeId) -> Result<(), Failed> {
    let path = vectors::path_for(&dir(), scheme);
    let generated = vectors::generate(scheme).map_err(|e| e.to_string())?;
    let text = vectors::to_json(&generated);
    let on_disk = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e}\nregenerate with: {REGENERATE}", path.display()))?;
    if let Ok(old) = vectors::from_json(on_disk.as_bytes(), "checked-in file") {
        let gone = vanished(scheme, &old, &generated);
        if !gone.is_empty() {
            return Err(format!(
                "{scheme}: tcIds {gone:?} are in the checked-in file but no longer generated; \
                 tcIds are stable: restore the cases or retire the ids \
                 (`retired <tcId>` lines in vectors/{scheme}.ids)"
            )
            .into());
        }
    }
    if on_disk != text {
        let line = on_disk
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "the end".to_owned(), |n| format!("line {}", n + 1));
        return Err(format!(
            "{} differs from the generator's output (first difference at {line}).\n\
             If the change is intended, regenerate with:\n    {REGENERATE}",
            path.display()
        )
        .into());
    }
    Ok(())
}

fn schema(file: &VectorFile) -> Result<(), Failed> {
    let scheme = file.scheme_id().map_err(|e| e.to_string())?;
    file.validate().map_err(|e| e.to_string())?;
    let n = file.tests().count();
    if n != file.number_of_tests {
        return Err(format!("numberOfTests {} != {n}", file.number_of_tests).into());
    }
    if n < MIN_TESTS {
        return Err(format!("{n} tests; at least {MIN_TESTS} per scheme").into());
    }
    let mut ids = BTreeSet::new();
    let mut event_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut requests: BTreeMap<String, u32> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (_, t) in file.tests() {
        if !ids.insert(t.tc_id) {
            return Err(format!("tcId {} is not unique", t.tc_id).into());
        }
        if vectors::retired_tc_ids(scheme).contains(&t.tc_id) {
            return Err(format!("tcId {} is retired and must not be reused", t.tc_id).into());
        }
        if !names.insert(t.name()) {
            return Err(format!("test name {} is not unique", t.name()).into());
        }
        if t.flags.is_empty() {
            return Err(format!("tcId {} has no flag", t.tc_id).into());
        }
        for f in &t.flags {
            if !file.notes.contains_key(f) {
                return Err(format!("tcId {}: flag {f} has no note", t.tc_id).into());
            }
        }
        let d = t.delivery().map_err(|e| e.to_string())?;
        if let Some(id) = hookspec::verify::event_id(scheme.scheme(), &d) {
            if let Some(other) = event_ids.insert(id.clone(), t.tc_id) {
                return Err(format!(
                    "tcId {} and {other} share the event id {id}: every delivery has its own",
                    t.tc_id
                )
                .into());
            }
        }
        let wire = serde_json::to_string(&t.request).map_err(|e| e.to_string())?;
        if let Some(other) = requests.insert(wire, t.tc_id) {
            return Err(format!("tcId {} and {other} send identical requests", t.tc_id).into());
        }
    }
    let used: BTreeSet<&String> = file.tests().flat_map(|(_, t)| &t.flags).collect();
    if let Some(unused) = file.notes.keys().find(|k| !used.contains(k)) {
        return Err(format!("note {unused} is not used by any test").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    if std::env::var("HOOKSPEC_BLESS").as_deref() == Ok("1") {
        if let Err(e) = bless() {
            eprintln!("HOOKSPEC_BLESS: {e}");
            std::process::exit(1);
        }
    }
    let mut trials = Vec::new();
    for scheme in SchemeId::builtins() {
        trials.push(Trial::test(format!("regenerate::{scheme}"), move || {
            regenerate(scheme)
        }));
        let path = vectors::path_for(&dir(), scheme);
        let file = match vectors::load(&path) {
            Ok(f) => f,
            Err(e) => {
                let msg = format!("{}: {e}\nregenerate with: {REGENERATE}", path.display());
                trials.push(Trial::test(format!("load::{scheme}"), move || {
                    Err(msg.into())
                }));
                continue;
            }
        };
        let f = file.clone();
        trials.push(Trial::test(format!("schema::{scheme}"), move || schema(&f)));
        for group in &file.test_groups {
            for test in &group.tests {
                let (group, test) = (group.clone(), test.clone());
                let name = format!("{scheme}::{}", test.name());
                trials.push(Trial::test(name, move || {
                    let verdict = vectors::check(scheme, &group, &test);
                    if test.result.allows(verdict.is_ok()) {
                        return Ok(());
                    }
                    let mut shown = group.clone();
                    shown.tests = vec![test.clone()];
                    let text = serde_json::to_string_pretty(&shown).unwrap_or_default();
                    let want = match test.result {
                        Expected::Valid => "accept",
                        Expected::Invalid => "reject",
                        Expected::Acceptable => "either",
                    };
                    Err(format!(
                        "expected {want}, verifier said {verdict:?}\nvector (with its group):\n{text}"
                    )
                    .into())
                }));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
