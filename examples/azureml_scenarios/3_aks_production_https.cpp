// Scenario 3 of the seed's CLI examples: an AKS cluster in Azure for production training and
// inference, with an Azure public load balancer and HTTPS.
//
//   az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes
//     --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer
//              sslCname=ml.contoso.com
//     --config-protected sslCertPemFile=cert.pem sslKeyPemFile=key.pem
//     --cluster-type managedClusters --cluster-name aks-prod --resource-group ml-rg --scope cluster
//
// On a four-node AKS cluster (more than three: the production defaults, a highly available
// router). The certificate and key are issued at run time by a throwaway CA.
#include "scenario.hpp"

int main() {
  return scenario::run({
      .title = "scenario 3: AKS production, training and HTTPS inference (4 nodes)",
      .cluster = scenario::make_cluster(amlk8s::local::cluster_kind::aks, "aks-prod", 4),
      .settings =
          [](const scenario::temp_folder& folder) {
            const std::string cname = "ml.contoso.com";
            const auto pem = scenario::issue_pem_files(folder, cname);
            return amlk8s::model::azureml_settings::from_key_values(
                scenario::strings{"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
                                  "sslCname=" + cname},
                scenario::strings{"sslCertPemFile=" + pem.certificate.string(), "sslKeyPemFile=" + pem.key.string()});
          },
  });
}
