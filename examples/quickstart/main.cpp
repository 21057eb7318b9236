// amlk8s quickstart: the seed documents' first scenario on the embedded local control plane.
//
// It starts the local control plane (HTTPS with a generated CA, an Entra-style token endpoint,
// ARM, and a Kubernetes API per simulated cluster), signs in with its development service
// principal, creates an AKS cluster with a GPU node pool, looks at its nodes through the Kubernetes
// API, and deploys the Microsoft.AzureML.Kubernetes extension with training enabled, waiting on
// each long-running operation. No Azure subscription and no cluster are needed.
#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/pager.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/auth/bearer_authorizer.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/quantity.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/core/version.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <boost/json.hpp>

#include <iostream>

namespace {

using namespace amlk8s;

void step(std::string_view text) { std::cout << "\n==> " << text << "\n"; }


}  // namespace

int main() try {
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << " quickstart\n";

  step("start the local control plane (HTTPS, generated CA)");
  local::control_plane_options plane_options;
  plane_options.lro_delay = std::chrono::milliseconds(300);
  plane_options.min_retry_after = std::chrono::seconds(0);
  local::control_plane plane(plane_options);
  const auto& ep = plane.endpoints();
  std::cout << "ARM        " << ep.arm_endpoint << "\nCA         " << ep.ca_file.value_or("(none)") << "\n";

  step("sign in with the development service principal (client secret credential)");
  http::client_options transport_options;
  transport_options.ca_file = ep.ca_file.value_or("");
  http::client transport(transport_options);
  http::pipeline token_pipeline(transport);
  auth::client_secret_options credential_options;
  credential_options.authority_host = ep.authority_host;
  auto credential = std::make_shared<auth::client_secret_credential>(
      token_pipeline, ep.tenant_id, ep.client_id, secret_string(ep.client_secret), credential_options);
  auto token = credential->get_token({"https://management.azure.com/.default"});
  std::cout << "token      " << token.token << " (expires in "
            << std::chrono::duration_cast<std::chrono::minutes>(token.expires_on - std::chrono::system_clock::now()).count()
            << " min)\n";
  auth::bearer_authorizer authorizer(credential, {"https://management.azure.com/.default"});
  http::pipeline arm_pipeline(transport, {}, &authorizer);
  arm::client_options arm_options;
  arm_options.endpoint = ep.arm_endpoint;
  arm_options.polling.timing.default_delay = std::chrono::milliseconds(100);
  arm_options.polling.on_progress = [](std::string_view status, std::chrono::milliseconds elapsed) {
    std::cout << "  ... " << status << " after " << elapsed.count() << " ms\n";
  };
  arm::client arm_client(arm_pipeline, arm_options);

  step("create an AKS cluster with a system pool and a GPU pool (long-running PUT)");
  const auto cluster = cluster_id(cluster_kind::aks, ep.subscription_id, "ml-rg", "aks-gpu");
  std::cout << cluster << "\n";
  auto created = arm::begin(arm_client, arm::request{.method = http::verb::put, .path = cluster.to_string(),
                                              .body = boost::json::parse(R"({
      "location": "eastus",
      "identity": {"type": "SystemAssigned"},
      "properties": {
        "kubernetesVersion": "1.30.6",
        "agentPoolProfiles": [
          {"name": "system", "count": 1, "vmSize": "Standard_D4s_v3", "mode": "System"},
          {"name": "gpu", "count": 2, "vmSize": "Standard_NC6s_v3", "nodeLabels": {"accelerator": "nvidia"}}
        ]
      }
    })")})
                     .wait();
  std::cout << "provisioningState " << created.at("properties").at("provisioningState").as_string().c_str() << "\n";

  step("list its nodes through the simulated cluster's Kubernetes API (kubeconfig written)");
  std::cout << "kubeconfig " << plane.kubeconfig_path("aks-gpu").string() << "\n";
  for (const auto& node : plane.cluster("aks-gpu")->list({"", "v1", "nodes"}, "", "")) {
    const auto& capacity = node.at("status").at("capacity").as_object();
    auto gpu = capacity.contains("nvidia.com/gpu") ? std::string(capacity.at("nvidia.com/gpu").as_string().c_str()) : std::string("0");
    std::cout << "  " << node.at("metadata").at("name").as_string().c_str() << "  cpu="
              << quantity::parse(capacity.at("cpu").as_string().c_str()) << " memory="
              << quantity::parse(capacity.at("memory").as_string().c_str()).with_format(quantity_format::binary_si)
              << " nvidia.com/gpu=" << gpu << "\n";
  }

  step("deploy the AzureML extension with training enabled (long-running PUT)");
  const auto extension = cluster_extension_id(cluster, "azureml");
  std::cout << extension << "\n";
  auto installed = arm::begin(arm_client, arm::request{.method = http::verb::put, .path = extension.to_string(),
                                                .body = boost::json::parse(R"({
      "properties": {
        "extensionType": "Microsoft.AzureML.Kubernetes",
        "autoUpgradeMinorVersion": true,
        "releaseTrain": "stable",
        "scope": {"cluster": {"releaseNamespace": "azureml"}},
        "configurationSettings": {"enableTraining": "True", "enableInference": "False",
                                  "installNvidiaDevicePlugin": "True"}
      }
    })")})
                       .wait();
  std::cout << "provisioningState " << installed.at("properties").at("provisioningState").as_string().c_str() << "\n";

  step("list the cluster's extensions");
  for (const auto& item : arm::pager(arm_client, cluster.to_string() + "/providers/Microsoft.KubernetesConfiguration/extensions").all())
    std::cout << "  " << item.at("name").as_string().c_str() << "  " << item.at("properties").at("extensionType").as_string().c_str()
              << "\n";

  step("bad input is rejected before any network call");
  try {
    (void)quantity::parse("1.5GB", "resources.requests.memory");
  } catch (const amlk8s::error& e) {
    std::cout << e.diag().to_string() << "\n";
  }
  std::cout << "\ndone.\n";
  return 0;
} catch (const amlk8s::error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
