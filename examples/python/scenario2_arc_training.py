"""Scenario 2: an Arc-enabled cluster outside Azure for a quick proof of concept, training only.

az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes --config
  enableTraining=True --cluster-type connectedClusters --scope cluster
"""

import sys

import amlk8s
from _common import install_and_verify, local_azure

with local_azure() as (plane, client):
    cluster = plane.add_cluster("arc-train", cluster_type="connectedClusters", nodes=3)
    settings = amlk8s.AzureMLSettings(enable_training=True)
    sys.exit(install_and_verify(plane, client, cluster, "arc-train", settings))
