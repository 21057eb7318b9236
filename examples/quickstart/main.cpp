// amlk8s quickstart: the typed building blocks behind every later step.
// It names the AKS cluster and the workspace of the seed documents' scenario as ARM ids, resolves
// an `azureml:` environment reference, and reads an instance type's resources as Kubernetes
// quantities, checking that it fits a Standard_NC6s_v3 node.
#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/quantity.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/core/version.hpp>

#include <iostream>

int main() try {
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << " quickstart\n\n";

  const auto cluster = amlk8s::cluster_id(amlk8s::cluster_kind::aks, "00000000-0000-0000-0000-000000000001",
                                          "ml-rg", "aks-gpu");
  const auto extension = amlk8s::cluster_extension_id(cluster, "azureml");
  const auto workspace = amlk8s::workspace_id("00000000-0000-0000-0000-000000000001", "ml-rg", "ws1");
  const auto compute = amlk8s::compute_id(workspace, "k8s-compute");
  std::cout << "cluster    " << cluster << "\n"
            << "extension  " << extension << "\n"
            << "compute    " << compute << "\n";

  const auto env = amlk8s::azureml_reference::parse("azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:1");
  std::cout << "environment azureml:...:1 -> " << env.to_arm_id(workspace, amlk8s::azureml_asset_type::environments)
            << "\n\n";

  // The seed's custom instance type: 700m CPU, 1500Mi memory, 1 GPU as the limit.
  const auto cpu = amlk8s::quantity::parse("700m");
  const auto memory = amlk8s::quantity::parse("1500Mi");
  const auto gpu = amlk8s::quantity::parse("1");
  // A Standard_NC6s_v3 node: 6 vCPU, 112 GiB, 1 GPU.
  const auto node_cpu = amlk8s::quantity::parse("6");
  const auto node_memory = amlk8s::quantity::parse("112Gi");
  const auto node_gpu = amlk8s::quantity::parse("1");
  std::cout << "instance type requests cpu=" << cpu << " memory=" << memory << " nvidia.com/gpu=" << gpu << "\n"
            << "  (memory " << memory << " == " << amlk8s::quantity::parse("1.46484375Gi") << " by value: "
            << std::boolalpha << (memory == amlk8s::quantity::parse("1.46484375Gi")) << ")\n";
  const bool fits = cpu <= node_cpu && memory <= node_memory && gpu <= node_gpu;
  std::cout << "fits a Standard_NC6s_v3 node (cpu " << node_cpu << ", memory " << node_memory << ", gpu "
            << node_gpu << "): " << (fits ? "yes" : "no") << "\n\n";

  // Bad input is rejected with the field and the fix, before any network call.
  try {
    (void)amlk8s::quantity::parse("1.5GB", "resources.requests.memory");
  } catch (const amlk8s::error& e) {
    std::cout << "rejected as expected: " << e.diag().to_string() << "\n";
  }
  return 0;
} catch (const amlk8s::error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
