"""The embeddable local control plane: ARM, an Entra-style token endpoint and one Kubernetes API per
simulated cluster, on loopback, so that code and tests run with no Azure subscription and no cluster.

    with amlk8s.local.ControlPlane() as plane:
        cluster = plane.add_cluster("aks1", nodes=3)
        client = amlk8s.Client.from_endpoints(plane.endpoints)
"""

from __future__ import annotations

from ._core import local as _local

ControlPlane = _local.ControlPlane
TestCA = _local.TestCA

__all__ = ["ControlPlane", "TestCA"]
