// The SDK's transport, pipeline, credential and ARM client against the local control plane over
// HTTPS with its generated CA: a token from its Entra-style endpoint, a cluster created through ARM
// (long-running), the cluster's Kubernetes API, and the AzureML extension created and read back.
#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/auth/bearer_authorizer.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace amlk8s;

struct sdk {
  explicit sdk(const local::control_plane_endpoints& ep)
      : transport([&] {
          http::client_options o;
          o.ca_file = ep.ca_file.value_or("");
          return http::client(o);
        }()),
        token_pipeline(transport),
        credential(std::make_shared<auth::client_secret_credential>(
            token_pipeline, ep.tenant_id, ep.client_id, secret_string(ep.client_secret), [&] {
              auth::client_secret_options o;
              o.authority_host = ep.authority_host;
              return o;
            }())),
        authorizer(credential, {"https://management.azure.com/.default"}),
        arm_pipeline(transport, {}, &authorizer),
        arm(arm_pipeline, [&] {
          arm::client_options o;
          o.endpoint = ep.arm_endpoint;
          o.polling.timing.default_delay = std::chrono::milliseconds(20);
          o.polling.timing.max_delay = std::chrono::milliseconds(200);
          return o;
        }()) {}

  http::client transport;
  http::pipeline token_pipeline;
  std::shared_ptr<auth::client_secret_credential> credential;
  auth::bearer_authorizer authorizer;
  http::pipeline arm_pipeline;
  arm::client arm;
};

boost::json::value aks_body() {
  return boost::json::parse(R"({
    "location": "eastus",
    "identity": {"type": "SystemAssigned"},
    "properties": {
      "kubernetesVersion": "1.30.6",
      "agentPoolProfiles": [
        {"name": "system", "count": 1, "vmSize": "Standard_D4s_v3", "mode": "System"},
        {"name": "gpu", "count": 2, "vmSize": "Standard_NC6s_v3", "nodeLabels": {"accelerator": "nvidia"},
         "nodeTaints": ["sku=gpu:NoSchedule"]}
      ]
    }
  })");
}

TEST(SdkAgainstLocalControlPlane, CreatesAClusterAndTheExtensionOverHttps) {
  local::control_plane_options options;
  options.lro_delay = std::chrono::milliseconds(50);
  options.min_retry_after = std::chrono::seconds(0);
  local::control_plane plane(options);
  const auto& ep = plane.endpoints();
  ASSERT_TRUE(ep.ca_file.has_value());
  ASSERT_EQ(ep.arm_endpoint.rfind("https://127.0.0.1:", 0), 0u) << ep.arm_endpoint;

  sdk client(ep);
  const auto cluster = cluster_id(cluster_kind::aks, ep.subscription_id, "ml-rg", "aks-gpu");

  // A long-running PUT, polled through Azure-AsyncOperation to Succeeded.
  auto created = arm::begin(client.arm, arm::request{.method = http::verb::put, .path = cluster.to_string(),
                                                      .body = aks_body()})
                     .wait();
  EXPECT_EQ(created.at("properties").at("provisioningState").as_string(), "Succeeded");

  auto got = client.arm.get(cluster.to_string());
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body.at("name").as_string(), "aks-gpu");

  // The simulated cluster has a Kubernetes API with the declared nodes, and a kubeconfig.
  auto* kube = plane.cluster("aks-gpu");
  ASSERT_NE(kube, nullptr);
  std::ifstream kubeconfig(plane.kubeconfig_path("aks-gpu"));
  std::stringstream text;
  text << kubeconfig.rdbuf();
  EXPECT_NE(text.str().find("certificate-authority-data"), std::string::npos);
  const auto token_pos = text.str().find("token: ");
  ASSERT_NE(token_pos, std::string::npos);
  auto token = text.str().substr(token_pos + 7, text.str().find('\n', token_pos) - token_pos - 7);
  if (token.size() >= 2 && (token.front() == '"' || token.front() == '\'')) token = token.substr(1, token.size() - 2);
  http::request nodes_req;
  nodes_req.url = ep.arm_endpoint + "/k8s/aks-gpu/api/v1/nodes";
  nodes_req.headers.set("Authorization", "Bearer " + token);
  auto nodes = client.transport.send(nodes_req);
  ASSERT_EQ(nodes.status, 200) << nodes.body;
  auto items = boost::json::parse(nodes.body).at("items").as_array();
  EXPECT_EQ(items.size(), 3u);
  int gpu_nodes = 0;
  for (const auto& node : items)
    if (node.at("status").at("capacity").as_object().contains("nvidia.com/gpu")) ++gpu_nodes;
  EXPECT_EQ(gpu_nodes, 2);

  // Without a token the Kubernetes API answers 401.
  nodes_req.headers.erase("Authorization");
  EXPECT_EQ(client.transport.send(nodes_req).status, 401);

  // The AzureML extension, with a protected setting that never comes back.
  const auto extension = cluster_extension_id(cluster, "azureml");
  auto ext = arm::begin(client.arm, arm::request{.method = http::verb::put, .path = extension.to_string(),
                                                  .body = boost::json::parse(R"({
      "properties": {
        "extensionType": "Microsoft.AzureML.Kubernetes",
        "autoUpgradeMinorVersion": true,
        "releaseTrain": "stable",
        "scope": {"cluster": {"releaseNamespace": "azureml"}},
        "configurationSettings": {"enableTraining": "True", "enableInference": "False"},
        "configurationProtectedSettings": {"sslKeyPemFile": "-----BEGIN PRIVATE KEY-----x"}
      }
    })"),
                                                  .body_is_secret = true})
                 .wait();
  EXPECT_EQ(ext.at("properties").at("provisioningState").as_string(), "Succeeded");
  auto shown = client.arm.get(extension.to_string());
  EXPECT_EQ(shown.body.at("properties").at("extensionType").as_string(), "Microsoft.AzureML.Kubernetes");
  EXPECT_EQ(boost::json::serialize(shown.body).find("BEGIN PRIVATE KEY"), std::string::npos);

  // Deleting the cluster removes its Kubernetes API.
  arm::begin(client.arm, arm::request{.method = http::verb::delete_, .path = cluster.to_string()}).wait();
  EXPECT_EQ(plane.cluster("aks-gpu"), nullptr);
  try {
    (void)client.arm.get(cluster.to_string());
    FAIL() << "the cluster should be gone";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
    EXPECT_FALSE(e.diag().request_id.empty() && e.diag().client_request_id.empty()) << e.what();
  }
}

TEST(SdkAgainstLocalControlPlane, WrongSecretIsAnAuthenticationError) {
  local::control_plane plane;
  auto ep = plane.endpoints();
  ep.client_secret = "not-the-secret";
  sdk client(ep);
  try {
    (void)client.arm.get("/subscriptions/" + ep.subscription_id + "/resourceGroups/rg");
    FAIL() << "expected an authentication failure";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(std::string(e.what()).find("not-the-secret"), std::string::npos) << e.what();
  }
}

TEST(SdkAgainstLocalControlPlane, EndpointsLineHasEveryKey) {
  local::control_plane_options options;
  options.https = false;
  local::control_plane plane(options);
  auto line = boost::json::parse(plane.endpoints().to_json()).as_object();
  for (auto key : {"arm_endpoint", "authority_host", "tenant_id", "client_id", "client_secret", "subscription_id",
                   "ca_file", "kubeconfig_dir"})
    EXPECT_TRUE(line.contains(key)) << key;
  EXPECT_TRUE(line.at("ca_file").is_null());
}

}  // namespace
