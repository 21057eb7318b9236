#!/usr/bin/env bash
# The fleet benchmark: installs the AzureML extension (enableTraining=True) on every cluster of a
# simulated fleet with bounded concurrency, first with amlk8s (bench/fleet_extensions.cpp: one
# io_context, one thread) and then with the Python management SDK (bench/fleet_extensions.py:
# azure-mgmt-kubernetesconfiguration in a ThreadPoolExecutor of the same size), against the same
# `amlk8s-local serve` on loopback in one run, and prints both and the throughput ratio.
#
# Each operation, on both sides: GET the cluster, PUT the extension (the same body), follow the
# long-running operation to its end. Poll cadence, the same on both sides (--poll S):
#   S = 0: the server finishes operations at once and answers Retry-After: 0; the C++ poller then
#          polls at once, and Python (polling_interval=0, which azure-core uses for Retry-After: 0)
#          too: the run measures the SDKs and the server, no sleeping.
#   S > 0: operations take S seconds (--lro-delay S*1000) and the server answers Retry-After: S
#          (--min-retry-after S); both pollers honour it (their own fallback interval is S too), so
#          each operation is PUT, one poll S seconds later, final GET.
#
# usage: bench/compare_fleet.sh [--clusters N] [--concurrency N] [--poll S] [--server-threads N]
#                               [--build-dir DIR] [--jobs N]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
clusters=1000
concurrency=32
poll=1
server_threads=2
build="$root/build/release"
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --clusters) clusters=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --poll) poll=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) sed -n '2,18p' "$0" >&2; exit 2 ;;
  esac
done

# Build (the release preset's tree by default).
if [ "$build" = "$root/build/release" ]; then
  (cd "$root" && cmake --preset release >/dev/null)
else
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAMLK8S_BUILD_TESTS=OFF \
    -DAMLK8S_BUILD_EXAMPLES=OFF -DAMLK8S_BUILD_BENCHMARKS=ON >/dev/null
fi
cmake --build "$build" -j "$jobs" --target fleet_extensions amlk8s_local_cli >/dev/null

# The Python SDK in a venv of its own (made once).
venv="$build/fleet-venv"
if ! "$venv/bin/python" -c 'import azure.mgmt.kubernetesconfiguration, azure.identity, azure.mgmt.core' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q azure-mgmt-kubernetesconfiguration azure-identity azure-mgmt-core
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The fleet: one AKS cluster in four is an Arc cluster; one node each, to keep the server small.
python3 - "$clusters" >"$tmp/world.json" <<'EOF'
import json, sys
n = int(sys.argv[1])
clusters = []
for i in range(n):
    c = {"name": f"fleet-{i:05d}", "resourceGroup": f"fleet-rg-{i // 250}",
         "nodePools": [{"name": "system", "count": 1, "vmSize": "Standard_D4s_v3", "mode": "System"}]}
    if i % 4 == 3:
        c.update(kind="arc", distribution="k8s")
    else:
        c["kind"] = "aks"
    clusters.append(c)
json.dump({"location": "eastus", "clusters": clusters}, sys.stdout)
EOF

started=$(date +%s.%N)
"$build/src/amlk8s-local" serve --work-dir "$tmp/plane" --clusters "$tmp/world.json" \
  --lro-delay $((poll * 1000)) --min-retry-after "$poll" --threads "$server_threads" \
  >"$tmp/ready" 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 600); do [ -s "$tmp/ready" ] && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
[ -s "$tmp/ready" ] || { echo "amlk8s-local did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }
ready_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

python3 - "$tmp/ready" "$tmp/world.json" >"$tmp/clusters" <<'EOF'
import json, sys
ep = json.loads(open(sys.argv[1]).readline())
for c in json.load(open(sys.argv[2]))["clusters"]:
    rp, kind = ("Microsoft.Kubernetes", "connectedClusters") if c["kind"] == "arc" else ("Microsoft.ContainerService", "managedClusters")
    print(f"/subscriptions/{ep['subscription_id']}/resourceGroups/{c['resourceGroup']}/providers/{rp}/{kind}/{c['name']}")
EOF

rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
rss_ready=$(rss_kib)

set +e
"$build/bench/fleet_extensions" --endpoints "$tmp/ready" --clusters-file "$tmp/clusters" --extension azureml-cpp \
  --concurrency "$concurrency" --poll-ms $((poll * 1000)) --bodies-out "$tmp/bodies.json" >"$tmp/cpp.out"
cpp_rc=$?
"$venv/bin/python" "$root/bench/fleet_extensions.py" --endpoints "$tmp/ready" --clusters-file "$tmp/clusters" \
  --bodies "$tmp/bodies.json" --extension azureml-py --concurrency "$concurrency" --polling-interval "$poll" >"$tmp/py.out"
py_rc=$?
set -e
rss_end=$(rss_kib)
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")

python3 - "$tmp/cpp.out" "$tmp/py.out" <<EOF
import json, sys
def last(path):
    lines = [l for l in open(path) if l.strip().startswith("{")]
    return json.loads(lines[-1]) if lines else None
cpp, py = last(sys.argv[1]), last(sys.argv[2])
print()
print("AzureML extension on $clusters simulated clusters (1 in 4 Arc), $concurrency in flight, poll cadence ${poll} s,"
      " amlk8s-local with $server_threads threads on loopback (ready in ${ready_s} s, RSS ${rss_ready} KiB ready,"
      " ${rss_end} KiB after, peak ${peak} KiB)")
print(f"{'client':<44}{'wall s':>9}{'ops/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'failed':>8}")
rows = [("amlk8s fleet_extensions (1 thread)", cpp), ("python azure-mgmt (ThreadPoolExecutor)", py)]
for name, r in rows:
    if r is None:
        print(f"{name:<44} no result")
        continue
    print(f"{name:<44}{r['wall_s']:>9.2f}{r['ops_per_s']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['requests']:>10}{r['failures']:>8}")
if cpp and py and py["ops_per_s"] > 0:
    print()
    print(f"throughput ratio amlk8s / python: {cpp['ops_per_s'] / py['ops_per_s']:.2f}")
EOF
[ "$cpp_rc" = 0 ] && [ "$py_rc" = 0 ]
