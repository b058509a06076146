#!/usr/bin/env bash
# The providers' official libraries against hookspec (issue 13, points 5, 6).
# Installs each provider's official verification package (pinned versions)
# into a scratch directory, then:
#  1. vectors: every vector of the seven provider schemes goes through the
#     official library (vectors.mjs; Slack's Python library via
#     vectors_slack.py) at the vector's clock: valid must verify, invalid must
#     not, acceptable is reported. A difference fails the step unless
#     expected-differences.txt lists it with a reason (unused lines fail too).
#  2. correct receivers: all seven libraries wrapped in minimal receivers
#     (tests/providers/<scheme>.mjs|.py, written as a good engineer would);
#     the whole suite, strict, must pass with no failure and no warning.
#  3. receivers with a bug teams really ship (github-unawaited,
#     svix-throws-500, stripe-json-middleware, slack-no-dedupe,
#     shopify-truthy, discord-unawaited, discord-403): the suite
#     must fail or warn exactly the case ids in <receiver>.expected (expect.mjs
#     prints the difference otherwise).
# Every step is bounded by a timeout; receivers listen on kernel-chosen
# loopback ports.
#
# Usage: tests/providers/check.sh [HOOKSPEC_BINARY]
# Needs node + npm and python3 + pip, and the package registries. Without a
# registry the step says so and skips (exit 0); any difference is exit 1.
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/hookspec}
[ -x "$bin" ] || { echo "providers: $bin not built (cargo build first)"; exit 2; }
here=tests/providers
scratch=${HOOKSPEC_PROVIDERS_DIR:-target/provider-libs}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)

# Shopify's official library: @shopify/shopify-api (13.1.0 is the newest
# release for Node 20; 14+ needs Node 22). It wants an app configuration,
# of which webhooks.validate uses only the secret (vectors.mjs and
# shopify.mjs set it up).
npm_pkgs="standardwebhooks@1.1.1 svix@1.99.1 stripe@23.1.0 @octokit/webhooks-methods@6.0.0 discord-interactions@4.4.0 @shopify/shopify-api@13.1.0"
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
cp "$here"/*.mjs "$here"/*.py "$here"/*.expected "$scratch/"
failed=0
summary=()

# 1. Every vector through the official libraries.
echo "providers: the vectors through the official libraries"
vectors=$(pwd)/vectors
differences=$(pwd)/$here/expected-differences.txt
if ! (cd "$scratch" && PYTHONPATH="$scratch/py" timeout 60 python3 vectors_slack.py "$vectors/slack.json" >slack.verdicts); then
    echo "providers: vectors_slack.py failed"
    failed=1
fi
out=$(cd "$scratch" && timeout 180 node vectors.mjs "$vectors" "$differences" slack.verdicts 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^providers vectors:'
[ "$rc" -eq 0 ] || failed=1
mapfile -t vector_lines < <(printf '%s\n' "$out" | grep '^providers vectors:')
[ "${#vector_lines[@]}" -gt 0 ] || vector_lines=("providers vectors: no summary (exit $rc)")

# Starts a receiver on a kernel-chosen loopback port; sets $port and $pid.
start_receiver() { # id receiver secret
    local id=$1 receiver=$2 secret=$3 log="$scratch/$2.log"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    case $receiver in
        *.mjs) (cd "$scratch" && SECRET=$secret PUBLIC_KEY=$public_key PORT=$port exec timeout 300 node "$receiver") >"$log" 2>&1 & ;;
        *.py) (cd "$scratch" && SECRET=$secret PORT=$port PYTHONPATH="$scratch/py" exec timeout 300 python3 "$receiver") >"$log" 2>&1 & ;;
    esac
    pid=$!
    # Up to 60 s for the receiver to listen (a cold start loads the package).
    for _ in $(seq 600); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sed "s/^/  $receiver: /" "$log"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    return 1
}

run_suite() { # id secret [extra hookspec args]; secret "" = a key-pair scheme (Discord)
    local id=$1 secret=$2
    shift 2
    local auth=()
    [ -n "$secret" ] && auth=(--secret-env SECRET)
    SECRET=$secret timeout 240 "$bin" run --scheme "$id" --url "http://127.0.0.1:$port/hook" \
        --effects-url "http://127.0.0.1:$port/_effects" "${auth[@]}" --strict "$@" 2>&1
}

# Discord: the receivers trust hookspec's test public key (hex).
public_key=$("$bin" keys --scheme discord --format hex 2>/dev/null | grep -v '^#' | head -1)
[ -n "$public_key" ] || { echo "providers: $bin keys --scheme discord printed no key"; failed=1; }

# 2. Correct receivers on the official libraries: strict, no failure.
# 3. Receivers with a known bug: exactly the failures in <receiver>.expected.
# id | receiver | secret (none for Discord: PUBLIC_KEY)
providers=(
  "standard-webhooks|standard-webhooks.mjs|whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  "svix|svix.mjs|whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
  "stripe|stripe.mjs|whsec_hookspec_provider_check"
  "github|github.mjs|It's a Secret to Everybody"
  "slack|slack.py|8f742231b10e8888abcd99yyyzzz85a5"
  "shopify|shopify.mjs|hookspec-shopify-provider-check"
  "discord|discord.mjs|"
  "github|github-unawaited.mjs|It's a Secret to Everybody"
  "svix|svix-throws-500.mjs|whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
  "stripe|stripe-json-middleware.mjs|whsec_hookspec_provider_check"
  "slack|slack-no-dedupe.py|8f742231b10e8888abcd99yyyzzz85a5"
  "shopify|shopify-truthy.mjs|hookspec-shopify-provider-check"
  "discord|discord-unawaited.mjs|"
  "discord|discord-403.mjs|"
)
for entry in "${providers[@]}"; do
    IFS='|' read -r id receiver secret <<<"$entry"
    expected=$here/${receiver%.*}.expected
    if [ -f "$expected" ]; then label="$id ($receiver, bug on purpose)"; else label="$id (official library)"; fi
    if ! start_receiver "$id" "$receiver" "$secret"; then
        failed=1
        summary+=("$label: the receiver did not start (its output above)")
        continue
    fi
    if [ -f "$expected" ]; then
        report="$scratch/$receiver.report.json"
        rm -f "$report"
        run_suite "$id" "$secret" --format json --output "$report" >/dev/null
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        out=$(cd "$scratch" && timeout 30 node expect.mjs "$report" "${receiver%.*}.expected")
        rc=$?
        [ "$rc" -eq 0 ] || { failed=1; printf '%s\n' "$out" | sed "s/^/  $receiver: /"; }
        summary+=("$label: $(printf '%s\n' "$out" | head -1 | sed 's/^ *//')")
        continue
    fi
    out=$(run_suite "$id" "$secret")
    rc=$?
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed' | tail -1)
    if [ "$rc" -eq 0 ]; then
        summary+=("$label: exit 0, $line")
    else
        failed=1
        summary+=("$label: exit $rc, $line")
        printf '%s\n' "$out" | grep -Ev '^PASS' | sed "s/^/  $id: /"
    fi
done
printf '%s\n' "${vector_lines[@]}"
printf 'providers: %s\n' "${summary[@]}"
exit $failed
