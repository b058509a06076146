#!/usr/bin/env bash
# CI fuzz smoke: every target for SECONDS each (default 15), one at a time,
# through run.sh, starting from a 64-file sample of the committed corpus
# (FUZZ_SAMPLE), new inputs to a scratch directory (the corpus is left as
# it is). Fails only on a crash; when fuzzing is impossible here
# (cargo-fuzz cannot be installed, no toolchain builds the targets) it says
# why and succeeds.
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
