// Scenario 2 of the seed's CLI examples: an Arc-enabled Kubernetes cluster outside Azure for a
// quick proof of concept that runs training jobs only.
//
//   az k8s-extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes
//     --config enableTraining=True
//     --cluster-type connectedClusters --cluster-name arc-train --resource-group ml-rg --scope cluster
//
// On a three-node Arc cluster: the training components and the Azure Relay connection, no router.
#include "scenario.hpp"

int main() {
  return scenario::run({
      .title = "scenario 2: Arc proof of concept, training only (3 nodes)",
      .cluster = scenario::make_cluster(amlk8s::local::cluster_kind::arc, "arc-train", 3),
      .settings =
          [](const scenario::temp_folder&) {
            return amlk8s::model::azureml_settings::from_key_values(scenario::strings{"enableTraining=True"});
          },
      .production = false,
  });
}
