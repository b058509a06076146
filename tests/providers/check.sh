#!/usr/bin/env bash
# The providers' official libraries against hookspec (issue 13, point 5):
# installs each provider's official verification package into a scratch
# directory, wraps it in a minimal receiver (tests/providers/*.mjs, *.py,
# written as a good engineer would with that library) and runs the whole
# suite against it, strict. A correct receiver on the official library must
# pass with no failure and no warning; any difference is printed.
#
# Usage: tests/providers/check.sh [HOOKSPEC_BINARY]
# Needs node + npm and python3 + pip, and the package registries. Without a
# registry the step says so and skips (exit 0); a receiver that fails the
# suite is exit 1.
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/hookspec}
[ -x "$bin" ] || { echo "providers: $bin not built (cargo build first)"; exit 2; }
scratch=${HOOKSPEC_PROVIDERS_DIR:-target/provider-libs}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)

npm_pkgs="standardwebhooks@1.1.1 svix@1.99.1 stripe@23.1.0 @octokit/webhooks-methods@6.0.0"
py_pkgs="slack_sdk==3.48.0"
echo "providers: installing $npm_pkgs; $py_pkgs into $scratch"
if ! (cd "$scratch" && [ -f package.json ] || echo '{"private":true,"type":"module"}' > package.json) \
   || ! (cd "$scratch" && timeout 300 npm install --silent --no-audit --no-fund $npm_pkgs >/dev/null 2>&1); then
    echo "providers: SKIP: npm could not install the official packages (no registry?)"
    exit 0
fi
if ! timeout 300 python3 -m pip install -q --target "$scratch/py" $py_pkgs >/dev/null 2>&1; then
    echo "providers: SKIP: pip could not install slack_sdk (no registry?)"
    exit 0
fi
cp tests/providers/*.mjs tests/providers/*.py "$scratch/"

# id | receiver | secret
providers=(
  "standard-webhooks|standard-webhooks.mjs|whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  "svix|svix.mjs|whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
  "stripe|stripe.mjs|whsec_hookspec_provider_check"
  "github|github.mjs|It's a Secret to Everybody"
  "slack|slack.py|8f742231b10e8888abcd99yyyzzz85a5"
)
failed=0
summary=()
for entry in "${providers[@]}"; do
    IFS='|' read -r id receiver secret <<<"$entry"
    # A free loopback port (asked of the kernel, not guessed).
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    log="$scratch/$id.log"
    case $receiver in
        *.mjs) (cd "$scratch" && SECRET=$secret PORT=$port exec timeout 300 node "$receiver") >"$log" 2>&1 & ;;
        *.py) (cd "$scratch" && SECRET=$secret PORT=$port PYTHONPATH="$scratch/py" exec timeout 300 python3 "$receiver") >"$log" 2>&1 & ;;
    esac
    pid=$!
    # Up to 60 s for the receiver to listen (a cold start loads the package).
    ready=0
    for _ in $(seq 600); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ready=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ "$ready" -ne 1 ]; then
        failed=1
        summary+=("$id (official library): the receiver did not start; its output:")
        sed "s/^/  $id: /" "$log"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        continue
    fi
    out=$(SECRET=$secret timeout 240 "$bin" run --scheme "$id" --url "http://127.0.0.1:$port/hook" \
        --effects-url "http://127.0.0.1:$port/_effects" --secret-env SECRET --strict 2>&1)
    rc=$?
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed' | tail -1)
    if [ "$rc" -eq 0 ]; then
        summary+=("$id (official library): exit 0, $line")
    else
        failed=1
        summary+=("$id (official library): exit $rc, $line")
        printf '%s\n' "$out" | grep -Ev '^PASS' | sed "s/^/  $id: /"
    fi
done
printf 'providers: %s\n' "${summary[@]}"
exit $failed
