"""Scenario 1: an AKS cluster for a quick proof of concept, training and inference over HTTP.

az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes --config
  enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer
  allowInsecureConnections=True InferenceRouterHA=False --cluster-type managedClusters --scope cluster
"""

import sys

import amlk8s
from _common import install_and_verify, local_azure

with local_azure() as (plane, client):
    cluster = plane.add_cluster("aks-poc", cluster_type="managedClusters", nodes=2)
    settings = amlk8s.AzureMLSettings.from_key_values([
        "enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
        "allowInsecureConnections=True", "InferenceRouterHA=False"])
    sys.exit(install_and_verify(plane, client, cluster, "aks-poc", settings))
