"""Scenario 3: an AKS cluster for production training and inference, HTTPS with your certificate.

az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes --config
  enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer sslCname=<cname>
  --config-protected sslCertPemFile=<cert> sslKeyPemFile=<key> --cluster-type managedClusters --scope cluster
"""

import sys

import amlk8s
from _common import install_and_verify, local_azure, pem_files

with local_azure() as (plane, client):
    cluster = plane.add_cluster("aks-prod", cluster_type="managedClusters", nodes=4)
    cert, key = pem_files("ml.contoso.com")
    settings = amlk8s.AzureMLSettings.from_key_values(
        ["enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
         "sslCname=ml.contoso.com"],
        [f"sslCertPemFile={cert}", f"sslKeyPemFile={key}"])
    sys.exit(install_and_verify(plane, client, cluster, "aks-prod", settings))
