"""Scenario 4: an Arc-enabled cluster anywhere, production training and inference on NVIDIA GPUs,
the router as a NodePort service with HTTPS.

az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes --config
  enableTraining=True enableInference=True inferenceRouterServiceType=NodePort sslCname=<cname>
  installNvidiaDevicePlugin=True installDcgmExporter=True
  --config-protected sslCertPemFile=<cert> sslKeyPemFile=<key> --cluster-type connectedClusters --scope cluster
"""

import sys

import amlk8s
from _common import install_and_verify, local_azure, pem_files

with local_azure() as (plane, client):
    cluster = plane.add_cluster("arc-gpu", cluster_type="connectedClusters", nodes=3, gpus=1)
    cert, key = pem_files("ml.fabrikam.com")
    settings = amlk8s.AzureMLSettings(
        enable_training=True, enable_inference=True, inference_router_service_type="NodePort",
        ssl_cname="ml.fabrikam.com", install_nvidia_device_plugin=True, install_dcgm_exporter=True,
        ssl_cert_pem_file=cert, ssl_key_pem_file=key)
    sys.exit(install_and_verify(plane, client, cluster, "arc-gpu", settings))
