#!/usr/bin/env bash
# `amlk8s-local serve` prints one JSON line with every endpoint key, serves ARM, and stops on SIGTERM.
set -euo pipefail
exe=$1
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$exe" serve --work-dir "$work" --threads 1 --min-retry-after 0 > "$work/out" &
pid=$!
for _ in $(seq 100); do [ -s "$work/out" ] && break; sleep 0.1; done
line=$(head -n 1 "$work/out")
python3 - "$line" <<'PY'
import json, ssl, sys, urllib.request, urllib.parse
info = json.loads(sys.argv[1])
for key in ("arm_endpoint", "authority_host", "tenant_id", "client_id", "client_secret", "subscription_id", "ca_file", "kubeconfig_dir"):
    assert key in info, key
ctx = ssl.create_default_context(cafile=info["ca_file"])
form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": info["client_id"],
                               "client_secret": info["client_secret"], "scope": "https://management.azure.com/.default"}).encode()
token = json.load(urllib.request.urlopen(f'{info["authority_host"]}/{info["tenant_id"]}/oauth2/v2.0/token', form, context=ctx))["access_token"]
req = urllib.request.Request(f'{info["arm_endpoint"]}/subscriptions/{info["subscription_id"]}/resourcegroups/rg1?api-version=2021-04-01',
                             headers={"Authorization": "Bearer " + token})
try:
    urllib.request.urlopen(req, context=ctx)
except urllib.error.HTTPError as e:
    assert e.code in (200, 404), e.code
print("served:", info["arm_endpoint"])
PY
kill -TERM "$pid"
wait "$pid"
# A bad flag value is refused with a message naming the flag, and nothing is served.
if "$exe" serve --work-dir "$work/bad" --threads many > "$work/bad.out" 2> "$work/bad.err"; then
  echo "serve accepted --threads many" >&2
  exit 1
fi
grep -q -- "--threads" "$work/bad.err" || { echo "the error does not name --threads:" >&2; cat "$work/bad.err" >&2; exit 1; }
# --no-job-processes is documented in --help and accepted.
help=$("$exe" --help)
grep -q -- "--no-job-processes" <<< "$help" || { echo "--help does not mention --no-job-processes" >&2; exit 1; }
"$exe" serve --http --work-dir "$work/sim" --no-job-processes --job-run-time 500 > "$work/sim.out" &
pid=$!
for _ in $(seq 100); do [ -s "$work/sim.out" ] && break; sleep 0.1; done
grep -q arm_endpoint "$work/sim.out" || { echo "serve --no-job-processes printed no endpoints" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid"
