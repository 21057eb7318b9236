#!/usr/bin/env bash
# Compares the amlk8s HTTP client with wrk and with Python (requests, and azure-core when it is
# installed) against one loopback server in one run: builds a release tree, starts
# bench/http_bench_server, runs the amlk8s driver and wrk with the same connection count and duration
# (alternating, several rounds, median reported), then the Python loops, and prints requests/s and ratios.
#
# usage: bench/compare_http.sh [--connections N] [--duration SECONDS] [--rounds N] [--server-threads N]
#                              [--build-dir DIR] [--jobs N]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
connections=16
duration=5
rounds=3
server_threads=1
build="$root/build-release"
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "wrk is missing: install the Debian package 'wrk'" >&2
    exit 1
  fi
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAMLK8S_BUILD_TESTS=OFF \
  -DAMLK8S_BUILD_EXAMPLES=OFF -DAMLK8S_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" -j "$jobs" --target http_bench_server http_bench_client >/dev/null

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$build/bench/http_bench_server" --threads "$server_threads" >"$tmp/url" 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 100); do [ -s "$tmp/url" ] && break; sleep 0.1; done
[ -s "$tmp/url" ] || { echo "the bench server did not start" >&2; exit 1; }
path="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1/providers/Microsoft.KubernetesConfiguration/extensions/azureml?api-version=2023-05-01"
url="$(head -1 "$tmp/url")$path"

amlk8s_rps() {
  "$build/bench/http_bench_client" --url "$url" --connections "$1" --duration "$duration" | sed -n 's/.*rps=\([0-9]*\).*/\1/p'
}
wrk_rps() {
  wrk -t1 -c"$1" -d"${duration}s" "$url" | awk '/Requests\/sec/ { printf "%d\n", $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$tmp/amlk8s"
: >"$tmp/wrk"
for round in $(seq "$rounds"); do
  amlk8s_rps "$connections" >>"$tmp/amlk8s"
  wrk_rps "$connections" >>"$tmp/wrk"
done
amlk8s=$(median <"$tmp/amlk8s")
wrk=$(median <"$tmp/wrk")
amlk8s_one=$(amlk8s_rps 1)

python_loop() {
  python3 - "$url" "$duration" "$1" <<'EOF'
import sys, time
url, duration, kind = sys.argv[1], float(sys.argv[2]), sys.argv[3]
if kind == "requests":
    import requests
    session = requests.Session()
    def get():
        r = session.get(url)
        r.content
        return r.status_code
else:
    try:
        from azure.core import PipelineClient
        from azure.core.rest import HttpRequest
    except ImportError:
        print("n/a")
        sys.exit(0)
    client = PipelineClient(base_url=url)
    def get():
        r = client.send_request(HttpRequest("GET", url))
        r.read()
        return r.status_code
get()
n, start = 0, time.monotonic()
while time.monotonic() - start < duration:
    if get() != 200:
        sys.exit("unexpected status")
    n += 1
print(int(n / (time.monotonic() - start)))
EOF
}
requests_rps=$(python_loop requests)
azure_core_rps=$(python_loop azure-core)

ratio() { if [ "$2" = "n/a" ] || [ "$1" = "n/a" ]; then echo "-"; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
echo
echo "GET of an ARM extension body over keep-alive to $(head -1 "$tmp/url") ($duration s each; server threads: $server_threads; median of $rounds rounds for wrk and amlk8s)"
printf '%-34s %12s %14s %12s\n' "client" "connections" "requests/s" "vs wrk"
printf '%-34s %12s %14s %12s\n' "wrk -t1" "$connections" "$wrk" "1.00"
printf '%-34s %12s %14s %12s\n' "amlk8s::http::client" "$connections" "$amlk8s" "$(ratio "$amlk8s" "$wrk")"
printf '%-34s %12s %14s %12s\n' "amlk8s::http::client" "1" "$amlk8s_one" "$(ratio "$amlk8s_one" "$wrk")"
printf '%-34s %12s %14s %12s\n' "python requests.Session loop" "1" "$requests_rps" "$(ratio "$requests_rps" "$wrk")"
printf '%-34s %12s %14s %12s\n' "python azure-core PipelineClient" "1" "$azure_core_rps" "$(ratio "$azure_core_rps" "$wrk")"
echo
echo "amlk8s / wrk: $(ratio "$amlk8s" "$wrk") (target >= 0.80); amlk8s (1 connection) / python requests: $(ratio "$amlk8s_one" "$requests_rps")"
