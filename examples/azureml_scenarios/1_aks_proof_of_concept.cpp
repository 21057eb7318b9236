// Scenario 1 of the seed's CLI examples: an AKS cluster in Azure for a quick proof of concept that
// runs all kinds of ML workload (training jobs, online and batch endpoints).
//
//   az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes
//     --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer
//              allowInsecureConnections=True InferenceRouterHA=False
//     --cluster-type managedClusters --cluster-name aks-poc --resource-group ml-rg --scope cluster
//
// On a two-node AKS cluster: HTTP inference through an Azure load balancer, one router replica.
#include "scenario.hpp"

int main() {
  return scenario::run({
      .title = "scenario 1: AKS proof of concept, training and inference (2 nodes)",
      .cluster = scenario::make_cluster(amlk8s::local::cluster_kind::aks, "aks-poc", 2),
      .settings =
          [](const scenario::temp_folder&) {
            // As typed on the seed's command line (InferenceRouterHA with a capital I).
            return amlk8s::model::azureml_settings::from_key_values(
                scenario::strings{"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
                                  "allowInsecureConnections=True", "InferenceRouterHA=False"});
          },
      .production = false,
  });
}
