#!/usr/bin/env bash
# `amlk8s-local serve --faults FILE --log-requests`: the file's faults happen, the admin route
# /_amlk8s/faults changes the plan at run time, one log line per request goes to stderr with no
# secret in it, and a bad plan is refused with exit 2 naming the field.
set -euo pipefail
exe=$1
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/faults.yaml" <<'YAML'
seed: 7
rules:
  - path_prefix: /subscriptions/
    unavailable_fraction: 1
    retry_after_s: 4
    max_hits: 2
YAML
"$exe" serve --http --work-dir "$work/run" --threads 1 --min-retry-after 0 --faults "$work/faults.yaml" \
  --log-requests > "$work/out" 2> "$work/err" &
pid=$!
for _ in $(seq 100); do [ -s "$work/out" ] && break; sleep 0.1; done
line=$(head -n 1 "$work/out")
python3 - "$line" "$work/secrets" <<'PY'
import json, sys, urllib.request, urllib.parse, urllib.error
info = json.loads(sys.argv[1])
base = info["arm_endpoint"]

def call(method, path, body=None, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": info["client_id"],
                               "client_secret": info["client_secret"],
                               "scope": "https://management.azure.com/.default"}).encode()
status, _, body = call("POST", f'/{info["tenant_id"]}/oauth2/v2.0/token', form)
assert status == 200, (status, body)
token = json.loads(body)["access_token"]
with open(sys.argv[2], "w") as f:
    f.write(info["client_secret"] + "\n" + token + "\nsupersecret-sig-value\n")

groups = f'/subscriptions/{info["subscription_id"]}/resourcegroups?api-version=2021-04-01'
# The file's next-2 rule: exactly two 503s with its Retry-After, then normal answers.
seen = [call("GET", groups, token=token) for _ in range(4)]
assert [s for s, _, _ in seen] == [503, 503, 200, 200], [s for s, _, _ in seen]
assert seen[0][1].get("Retry-After") == "4", seen[0][1]
# A secret query value, to look for in the log.
status, _, _ = call("GET", groups + "&sig=supersecret-sig-value", token=token)
assert status == 200, status

# The admin route: a bearer token is required.
status, headers, _ = call("GET", "/_amlk8s/faults")
assert status == 401, status
status, _, body = call("GET", "/_amlk8s/faults", token=token)
assert status == 200, (status, body)
assert json.loads(body)["seed"] == 7, body
# Replace the plan at run time: the next ARM request is throttled once, with Retry-After 9.
plan = {"seed": 3, "rules": [{"path_prefix": "/subscriptions/", "throttle_fraction": 1, "max_hits": 1, "retry_after_s": 9}]}
status, _, body = call("PUT", "/_amlk8s/faults", json.dumps(plan).encode(), token=token)
assert status == 200, (status, body)
got = json.loads(body)
assert got["seed"] == 3 and got["rules"][0]["max_hits"] == 1 and got["rules"][0]["throttle_fraction"] == 1, got
status, headers, _ = call("GET", groups, token=token)
assert status == 429 and headers.get("Retry-After") == "9", (status, headers)
assert call("GET", groups, token=token)[0] == 200
# A bad plan is refused naming the field, and the plan in force stays.
status, _, body = call("PUT", "/_amlk8s/faults", b'{"rules": [{"drop_fraction": 3}]}', token=token)
assert status == 400 and b"rules[0].drop_fraction" in body, (status, body)
assert json.loads(call("GET", "/_amlk8s/faults", token=token)[2])["seed"] == 3
# A plan that fails everything still leaves the admin route reachable; DELETE clears it.
status, _, _ = call("PUT", "/_amlk8s/faults", b'{"rules": [{"server_error_fraction": 1}]}', token=token)
assert status == 200
assert call("GET", groups, token=token)[0] == 500
status, _, _ = call("DELETE", "/_amlk8s/faults", token=token)
assert status == 204, status
assert json.loads(call("GET", "/_amlk8s/faults", token=token)[2])["rules"] == []
assert call("GET", groups, token=token)[0] == 200
print("faults and admin route: ok")
PY
kill -TERM "$pid"
wait "$pid"
pid=
# stdout carries only the ready line.
[ "$(wc -l < "$work/out")" -eq 1 ] || { echo "stdout has more than the ready line:" >&2; cat "$work/out" >&2; exit 1; }
# One line per request on stderr, with method, path, status and duration.
grep -Eq '^POST /[^ ]+/oauth2/v2.0/token 200 [0-9.]+ms$' "$work/err" || { echo "no token request in the log:" >&2; cat "$work/err" >&2; exit 1; }
[ "$(grep -Ec '^GET /subscriptions/[^ ]+/resourcegroups\?api-version=2021-04-01 503 [0-9.]+ms$' "$work/err")" -eq 2 ] ||
  { echo "the log does not show exactly two 503s:" >&2; cat "$work/err" >&2; exit 1; }
grep -Eq '^GET /subscriptions/[^ ]+ 429 ' "$work/err" || { echo "no 429 in the log" >&2; exit 1; }
grep -Eq '^PUT /_amlk8s/faults 400 ' "$work/err" || { echo "no refused PUT in the log" >&2; exit 1; }
grep -Eq '^DELETE /_amlk8s/faults 204 ' "$work/err" || { echo "no DELETE in the log" >&2; exit 1; }
grep -Eq 'sig=\*\*\*' "$work/err" || { echo "the secret query value is not shown redacted" >&2; exit 1; }
# No secret: the client secret, the access token, the secret query value.
while IFS= read -r secret; do
  if grep -qF -- "$secret" "$work/err"; then echo "a secret reached the request log" >&2; exit 1; fi
done < "$work/secrets"

# A bad plan file is refused with exit 2, naming the field; nothing is served.
printf 'rules:\n  - path_prefix: /subscriptions/\n    unavailable_fraction: 2\n' > "$work/bad.yaml"
set +e
"$exe" serve --http --work-dir "$work/bad" --faults "$work/bad.yaml" > "$work/bad.out" 2> "$work/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "a bad --faults file exited $rc, not 2" >&2; cat "$work/bad.err" >&2; exit 1; }
grep -q 'rules\[0\].unavailable_fraction' "$work/bad.err" || { echo "the error does not name the field:" >&2; cat "$work/bad.err" >&2; exit 1; }
[ ! -s "$work/bad.out" ] || { echo "a bad plan still printed a ready line" >&2; exit 1; }
set +e
"$exe" serve --http --work-dir "$work/bad2" --fault-rate 1.5 > /dev/null 2> "$work/bad2.err"
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- '--fault-rate' "$work/bad2.err" || { echo "--fault-rate 1.5 was not refused naming the flag" >&2; exit 1; }
# --fault-rate R --seed N: the fraction R of every route answered 429 or 503, nothing else.
"$exe" serve --http --work-dir "$work/rate" --threads 1 --fault-rate 0.5 --seed 3 > "$work/rate.out" &
pid=$!
for _ in $(seq 100); do [ -s "$work/rate.out" ] && break; sleep 0.1; done
python3 - "$(head -n 1 "$work/rate.out")" <<'PY'
import collections, json, sys, urllib.request, urllib.error
info = json.loads(sys.argv[1])
counts = collections.Counter()
for _ in range(60):
    try:
        urllib.request.urlopen(info["arm_endpoint"] + "/common/discovery/instance").read()
        counts[200] += 1
    except urllib.error.HTTPError as e:
        counts[e.code] += 1
        assert e.headers.get("Retry-After") == "1", dict(e.headers)
assert set(counts) <= {200, 429, 503} and counts[429] > 0 and counts[503] > 0 and counts[200] > 0, counts
print("--fault-rate:", dict(counts))
PY
kill -TERM "$pid"
wait "$pid"
pid=
# Documented in --help.
help=$("$exe" --help)
for word in --faults --fault-rate --seed --log-requests /_amlk8s/faults max_hits; do
  grep -qF -- "$word" <<< "$help" || { echo "--help does not mention $word" >&2; exit 1; }
done
echo "serve --faults --log-requests: ok"
