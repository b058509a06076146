//! Replays every fuzz corpus file and every crash artifact through the same
//! `hookspec::fuzzing` function the fuzzer runs, on stable Rust, as part of
//! `cargo test`: a bug a fuzzer once found stays fixed.
//!
//! Inputs live in `fuzz/corpus/<target>/` (minimized corpora) and
//! `fuzz/artifacts/<target>/` (crashes, kept after the fix).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if path.is_file() && !hidden {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn replay(target: &str, min_files: usize) {
    let files = inputs(target);
    assert!(
        files.len() >= min_files,
        "{target}: expected at least {min_files} corpus files, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            // A fuzzer running meanwhile may replace a corpus file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        let outcome = std::panic::catch_unwind(|| hookspec::fuzzing::run_target(target, &data));
        match outcome {
            Ok(true) => {}
            Ok(false) => panic!("unknown fuzz target {target}"),
            Err(e) => {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {why}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {} inputs fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus_directory() {
    for target in hookspec::fuzzing::TARGETS {
        assert!(
            !inputs(target).is_empty(),
            "fuzz/corpus/{target}/ is empty or missing"
        );
    }
}

macro_rules! corpus_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name), 1);
            }
        )*
    };
}

corpus_tests!(
    parse_prefixed,
    parse_timestamped,
    decode_hex,
    decode_base64,
    static_token,
    verify_delivery,
    body_envelope,
    js_stringify,
    vector_file,
    sign_verify,
    scheme_file,
);
