#!/usr/bin/env bash
# CI fuzz smoke: every target for SECONDS each (default 15), one at a time,
# through run.sh, starting from a 64-file sample of the committed corpus
# (FUZZ_SAMPLE), new inputs to a scratch directory (the corpus is left as
# it is). Fails on a crash, or before fuzzing when fuzz/Cargo.lock is
# stale; when fuzzing is impossible here (cargo-fuzz cannot be installed,
# no toolchain builds the targets) it says why and succeeds.
#
#   fuzz/smoke.sh [SECONDS [TARGET...]]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-15}
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' "$here/Cargo.toml" | grep -v '^hookspec-fuzz$')
fi

# fuzz/Cargo.lock must be current: fuzz/ is its own workspace, so a
# dependency added to the main crate (../Cargo.toml) is missing from it
# until someone refreshes it, and the first fuzz run would silently rewrite
# it. `cargo tree --locked` resolves without writing and fails if the lock
# would change. (tests/fuzz_lock.rs runs the same check offline in cargo
# test.) A failure for any other reason (no network, no registry index)
# is reported and the smoke goes on.
fix_lock="(cd fuzz && cargo update --workspace), which keeps every locked version, then commit fuzz/Cargo.lock"
if ! lock_err=$(cargo tree --locked --manifest-path "$here/Cargo.toml" -e normal,build --prefix none 2>&1 >/dev/null); then
    if grep -q -- '--locked' <<<"$lock_err"; then
        printf '%s\n' "$lock_err" | sed 's/^/   /'
        echo "fuzz smoke: FAILED: fuzz/Cargo.lock is stale (it does not lock every dependency of fuzz/Cargo.toml and ../Cargo.toml); fix: $fix_lock"
        exit 1
    fi
    printf '%s\n' "$lock_err" | sed 's/^/   /'
    echo "fuzz smoke: could not check that fuzz/Cargo.lock is current (see above); going on"
fi

export FUZZ_SCRATCH=1
# A 64-file sample of each corpus: loading all of it in an unoptimized build
# takes minutes for the signing targets; cargo test replays every file.
export FUZZ_SAMPLE=${FUZZ_SAMPLE:-64}
failed=()
for t in "${targets[@]}"; do
    echo "== fuzz smoke: $t (${seconds}s)"
    # Unoptimized builds are slow (RSA signing): a generous per-input timeout.
    "$here/run.sh" "$t" "$seconds" -close_fd_mask=1 -timeout=60 2>&1 |
        grep -E '^(run\.sh:|#[0-9]+.*(INITED|DONE)|Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|thread .* panicked|Test unit written)' |
        sed 's/^/   /'
    rc=${PIPESTATUS[0]}
    case $rc in
        0) ;;
        77)
            echo "fuzz smoke: SKIPPED (see the run.sh line above for why); the corpus regression test still runs in cargo test"
            exit 0
            ;;
        *) failed+=("$t (exit $rc)") ;;
    esac
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz smoke: FAILED: ${failed[*]}; crashing inputs are in fuzz/artifacts/"
    exit 1
fi
echo "fuzz smoke: ${#targets[@]} targets ran ${seconds}s each without a crash"
