// Scenario 4 of the seed's CLI examples: an Arc-enabled Kubernetes cluster anywhere for production
// training and inference on NVIDIA GPUs, with a NodePort router service and HTTPS.
//
//   az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes
//     --config enableTraining=True enableInference=True inferenceRouterServiceType=NodePort
//              sslCname=ml.fabrikam.com installNvidiaDevicePlugin=True installDcgmExporter=True
//     --config-protected sslCertPemFile=cert.pem sslKeyPemFile=key.pem
//     --cluster-type connectedClusters --cluster-name arc-gpu --resource-group ml-rg --scope cluster
//
// On a three-node Arc cluster with one NVIDIA GPU per node: the NVIDIA device plugin and the DCGM
// exporter run as daemonsets on every node. The certificate and key are issued at run time.
#include "scenario.hpp"

int main() {
  return scenario::run({
      .title = "scenario 4: Arc production on NVIDIA GPUs, NodePort and HTTPS (3 GPU nodes)",
      .cluster = scenario::make_cluster(amlk8s::local::cluster_kind::arc, "arc-gpu", 3, /*gpus_per_node=*/1),
      .settings =
          [](const scenario::temp_folder& folder) {
            const std::string cname = "ml.fabrikam.com";
            const auto pem = scenario::issue_pem_files(folder, cname);
            return amlk8s::model::azureml_settings::from_key_values(
                scenario::strings{"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=NodePort",
                                  "sslCname=" + cname, "installNvidiaDevicePlugin=True", "installDcgmExporter=True"},
                scenario::strings{"sslCertPemFile=" + pem.certificate.string(), "sslKeyPemFile=" + pem.key.string()});
          },
  });
}
