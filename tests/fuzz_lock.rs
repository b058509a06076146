//! `fuzz/Cargo.lock` is current.
//!
//! `fuzz/` is its own cargo workspace that depends on the main crate by
//! path, so a dependency added to `Cargo.toml` is missing from
//! `fuzz/Cargo.lock` until someone refreshes it, and the first fuzz run
//! would rewrite the lock behind everyone's back. This test asks cargo to
//! resolve the fuzz workspace with `--locked`: cargo fails, without
//! writing anything, when the lock would have to change. It may fetch the
//! fuzz-only crates from the registry (CI reaches it); a check that cannot
//! be made fails, it never passes unchecked. `fuzz/smoke.sh` runs the same
//! check before the CI fuzz smoke.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;
use std::process::Command;

/// How to refresh the lock, keeping every version already locked.
const FIX: &str = "(cd fuzz && cargo update --workspace), which keeps every locked version, \
                   then commit fuzz/Cargo.lock";

#[test]
fn fuzz_lock_is_current() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["tree", "--locked", "--prefix", "none"])
        .args(["-e", "normal,build"])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("running cargo tree on fuzz/Cargo.toml");
    if output.status.success() {
        return;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Cargo's words when the lock file would have to change.
    assert!(
        !stderr.contains("--locked"),
        "fuzz/Cargo.lock is stale: it does not lock every dependency of fuzz/Cargo.toml \
         and Cargo.toml (a dependency was added to the main crate?). Fix: {FIX}.\n\
         cargo said:\n{stderr}"
    );
    panic!("could not check fuzz/Cargo.lock (cargo tree failed for another reason):\n{stderr}");
}
