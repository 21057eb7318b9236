#!/usr/bin/env python3
"""The Python side of bench/compare_fleet.sh: the same fleet operation as bench/fleet_extensions.cpp
with the Python management SDK, in a ThreadPoolExecutor of --concurrency workers.

For every cluster: GET the cluster through the management client's ARM pipeline (the same read the
C++ side makes to build its request), then extensions.begin_create(...).result() with the body the
C++ side sent to that cluster (--bodies, written by fleet_extensions --bodies-out), as an
azure.mgmt.kubernetesconfiguration Extension model. Polling: a Retry-After is honoured, otherwise
--polling-interval seconds (azure-core reads "Retry-After: 0" as no advice, so 0 here polls at once,
as the C++ poller does for Retry-After: 0).

Needs: azure-mgmt-kubernetesconfiguration, azure-identity, azure-mgmt-core. Talks only to the
endpoints of the ready line (loopback). The last line of output is one JSON object with the results.
"""
import argparse
import itertools
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ARM_SCOPE = "https://management.azure.com/.default"
# What the C++ SDK uses to GET a cluster (src/arm/api_versions.cpp).
CLUSTER_API_VERSIONS = {"microsoft.containerservice": "2022-11-01", "microsoft.kubernetes": "2021-10-01"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", required=True, help="the ready line of amlk8s-local serve ('-': stdin)")
    parser.add_argument("--clusters-file", required=True, help="one cluster resource id per line")
    parser.add_argument("--bodies", required=True, help="JSON object: cluster id -> extension PUT body")
    parser.add_argument("--extension", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--polling-interval", type=float, default=1.0)
    args = parser.parse_args()

    ready = sys.stdin.readline() if args.endpoints == "-" else open(args.endpoints).readline()
    ep = json.loads(ready)
    if ep.get("ca_file"):
        # MSAL's own session and the management client both read it.
        os.environ["REQUESTS_CA_BUNDLE"] = ep["ca_file"]
    clusters = [line.strip() for line in open(args.clusters_file) if line.strip()]
    with open(args.bodies) as f:
        bodies = {k.lower(): v for k, v in json.load(f).items()}

    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from azure.core.rest import HttpRequest
    from azure.identity import ClientSecretCredential
    from azure.mgmt.kubernetesconfiguration import SourceControlConfigurationClient
    from azure.mgmt.kubernetesconfiguration.models import Extension

    counter = itertools.count()

    class CountingTransport(RequestsTransport):
        """Counts what goes on the wire for ARM (retries and polls included)."""

        def send(self, request, **kwargs):
            next(counter)
            return super().send(request, **kwargs)

    # One keep-alive pool sized for the workers (requests' default keeps 10 connections per host).
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=args.concurrency)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    transport = CountingTransport(session=session, session_owner=False, connection_verify=ep.get("ca_file") or True)

    credential = ClientSecretCredential(
        ep["tenant_id"], ep["client_id"], ep["client_secret"],
        authority=ep["authority_host"], disable_instance_discovery=True)
    client = SourceControlConfigurationClient(
        credential, ep["subscription_id"], base_url=ep["arm_endpoint"], credential_scopes=[ARM_SCOPE],
        transport=transport, polling_interval=args.polling_interval)
    pipeline = client._client  # the client's ARM pipeline (auth, retries, the transport above)

    def one(cluster_id):
        start = time.perf_counter()
        parts = cluster_id.strip("/").split("/")
        # subscriptions/{s}/resourceGroups/{rg}/providers/{rp}/{type}/{name}
        group, rp, kind, name = parts[3], parts[5], parts[6], parts[7]
        response = pipeline.send_request(HttpRequest(
            "GET", f"{ep['arm_endpoint']}{cluster_id}?api-version={CLUSTER_API_VERSIONS[rp.lower()]}"))
        response.raise_for_status()
        cluster = response.json()
        if not cluster.get("location"):
            raise RuntimeError(f"{cluster_id}: the cluster has no location")
        extension = Extension.from_dict(bodies[cluster_id.lower()])
        poller = client.extensions.begin_create(group, rp, kind, name, args.extension, extension,
                                                polling_interval=args.polling_interval)
        result = poller.result()
        if (result.provisioning_state or "").lower() != "succeeded":
            raise RuntimeError(f"{cluster_id}: ended {result.provisioning_state}")
        return (time.perf_counter() - start) * 1000.0

    latencies, failures, first_failure = [], 0, None
    lock = threading.Lock()

    def run(cluster_id):
        nonlocal failures, first_failure
        try:
            ms = one(cluster_id)
            with lock:
                latencies.append(ms)
        except Exception as e:  # counted, the first one shown
            with lock:
                failures += 1
                if first_failure is None:
                    first_failure = f"{cluster_id}: {type(e).__name__}: {e}"

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(run, clusters))
    wall = time.perf_counter() - start

    def percentile(values, p):
        if not values:
            return 0.0
        values = sorted(values)
        return values[min(int(p * (len(values) - 1) + 0.5), len(values) - 1)]

    if first_failure:
        print("first failure:", first_failure, file=sys.stderr)
    print(json.dumps({
        "side": "python", "clusters": len(clusters), "succeeded": len(latencies), "failures": failures,
        "concurrency": args.concurrency, "wall_s": wall, "ops_per_s": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
        "requests": next(counter),
    }))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
