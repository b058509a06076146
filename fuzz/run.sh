#!/usr/bin/env bash
# Runs one fuzz target for a bounded time, on whatever toolchain this
# machine has. See fuzz/README.md.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# Order of attempts (the first whose build succeeds runs):
#   1. nightly      `cargo +nightly fuzz run` (AddressSanitizer), if a nightly
#                   toolchain is installed;
#   2. stable-asan  `RUSTC_BOOTSTRAP=1 cargo fuzz run` on the default (stable)
#                   toolchain, AddressSanitizer still linked;
#   3. stable-none  the same with `--sanitizer none`.
# Each mode has its own target directory (fuzz/target/<mode>), so switching
# never rebuilds another mode's artifacts.
#
# Environment:
#   FUZZ_MODE=nightly|stable-asan|stable-none  only try this mode
#   FUZZ_SCRATCH=1         write new inputs to a temporary directory instead
#                          of fuzz/corpus/TARGET (CI smoke runs)
#   FUZZ_SAMPLE=N          with FUZZ_SCRATCH: start from N files of the
#                          corpus instead of all of it
#   FUZZ_INSTALL_TIMEOUT   seconds allowed for `cargo install cargo-fuzz`
#                          (default 900)
#   FUZZ_DEV=1             unoptimized build (`--dev`): builds faster, fuzzes
#                          slower (CI smoke runs)
#
# Exit status: libFuzzer's (0 = no crash within the time; non-zero = a crash,
# the input is in fuzz/artifacts/TARGET/); 77 when fuzzing is impossible here
# (cargo-fuzz cannot be installed, or no mode builds).
set -euo pipefail

usage() { echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]*) usage ;; esac

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if ! grep -q "^name = \"$target\"$" Cargo.toml; then
    echo "run.sh: unknown target '$target'; targets:" >&2
    sed -n 's/^name = "\(.*\)"$/  \1/p' Cargo.toml | grep -v hookspec-fuzz >&2
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    limit=${FUZZ_INSTALL_TIMEOUT:-900}
    echo "run.sh: cargo-fuzz is not installed; installing it (at most ${limit}s)" >&2
    if ! timeout "$limit" cargo install cargo-fuzz --locked; then
        echo "run.sh: SKIP: cargo-fuzz could not be installed" >&2
        exit 77
    fi
fi

modes=()
if [ -n "${FUZZ_MODE:-}" ]; then
    modes=("$FUZZ_MODE")
else
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        modes+=(nightly)
    fi
    modes+=(stable-asan stable-none)
fi

chosen=
for mode in "${modes[@]}"; do
    case $mode in
        nightly) cmd=(cargo +nightly fuzz) envs=() flags=() ;;
        stable-asan) cmd=(cargo fuzz) envs=(RUSTC_BOOTSTRAP=1) flags=() ;;
        stable-none) cmd=(cargo fuzz) envs=(RUSTC_BOOTSTRAP=1) flags=(--sanitizer none) ;;
        *) echo "run.sh: unknown FUZZ_MODE '$mode'" >&2; exit 2 ;;
    esac
    dir=target/$mode
    if [ "${FUZZ_DEV:-0}" = 1 ]; then
        flags+=(--dev)
        dir=$dir-dev
    fi
    flags+=(--target-dir "$dir")
    echo "run.sh: building $target ($mode)" >&2
    if env "${envs[@]}" "${cmd[@]}" build "${flags[@]}" "$target"; then
        chosen=$mode
        break
    fi
    echo "run.sh: the $mode build failed; trying the next mode" >&2
done
if [ -z "$chosen" ]; then
    echo "run.sh: SKIP: no toolchain here can build the fuzz targets" >&2
    exit 77
fi

mkdir -p "corpus/$target" "artifacts/$target"
corpora=("corpus/$target")
if [ "${FUZZ_SCRATCH:-0}" = 1 ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    corpora=("$scratch" "corpus/$target")
    if [ -n "${FUZZ_SAMPLE:-}" ]; then
        # Start from a fixed sample of the corpus (names are content
        # hashes, so the first N sorted are a spread) instead of loading
        # all of it: unoptimized builds replay thousands of signing inputs
        # for minutes. tests/fuzz_corpus.rs replays the whole corpus.
        # (`|| true`: `head` closing the pipe early is not an error.)
        sample=$(find "corpus/$target" -type f | sort | head -n "$FUZZ_SAMPLE" || true)
        while IFS= read -r f; do
            if [ -n "$f" ]; then cp "$f" "$scratch/"; fi
        done <<<"$sample"
        corpora=("$scratch")
    fi
fi
lf=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048)
if [ -f "dict/$target.dict" ]; then
    lf+=(-dict="dict/$target.dict")
fi
echo "run.sh: running $target for ${seconds}s ($chosen)" >&2
exec env "${envs[@]}" "${cmd[@]}" run "${flags[@]}" "$target" "${corpora[@]}" -- "${lf[@]}" "$@"
