"""Shared plumbing of the scenario examples: start the local control plane, print a report, fail loudly."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import amlk8s


@contextlib.contextmanager
def local_azure():
    """The embedded control plane and a client signed in to it."""
    with amlk8s.local.ControlPlane(lro_delay=0.05) as plane:
        yield plane, amlk8s.Client.from_endpoints(plane.endpoints)


def pem_files(cname: str) -> tuple[str, str]:
    """A certificate for `cname` and its key, written to a temporary folder (a stand-in for your own)."""
    cert, key = amlk8s.local.TestCA().issue_server_certificate([cname])
    folder = Path(tempfile.mkdtemp(prefix="amlk8s-example-"))
    (folder / "cert.pem").write_text(cert)
    (folder / "key.pem").write_text(key)
    return str(folder / "cert.pem"), str(folder / "key.pem")


def install_and_verify(plane, client, cluster, cluster_name: str, settings: amlk8s.AzureMLSettings) -> int:
    """What a user does: preflight, dry run, create, verify. Returns the process exit code."""
    kubeconfig = plane.kubeconfig_path(cluster_name)
    for warning in settings.warnings:
        print("warning:", warning)
    preflight = client.azureml.preflight(cluster, settings, kubeconfig=kubeconfig, production=False)
    print(preflight)
    plan = client.azureml.plan_create(cluster, settings)
    print("request that will be sent:")
    print(plan.dry_run())
    extension = client.azureml.begin_create(cluster, "azureml", settings).result()
    print("provisioningState:", extension.provisioning_state)
    report = client.azureml.verify(cluster, "azureml", kubeconfig=kubeconfig)
    print(report)
    if not (preflight.ok and extension.succeeded and report.ok):
        print("FAILED", file=sys.stderr)
        return 1
    return 0
