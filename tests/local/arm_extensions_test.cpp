#include "arm_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;

const std::string aks = arm_bench::rg_path() + "/providers/Microsoft.ContainerService/managedClusters/aks1";
const std::string arc = arm_bench::rg_path() + "/providers/Microsoft.Kubernetes/connectedClusters/arc1";

std::string extension_path(const std::string& cluster, std::string_view name = "azureml") {
  return cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/" + std::string(name);
}

constexpr std::string_view extension_body = R"({
  "identity": {"type": "SystemAssigned"},
  "properties": {
    "extensionType": "microsoft.azureml.kubernetes",
    "autoUpgradeMinorVersion": true,
    "releaseTrain": "stable",
    "scope": {"cluster": {"releaseNamespace": "azureml"}},
    "configurationSettings": {"enableTraining": "True", "enableInference": "False"},
    "configurationProtectedSettings": {"sslKeyPemFile": "-----BEGIN PRIVATE KEY-----secret"}
  }
})";

void add_clusters(arm_bench& b) {
  cluster_spec a;
  a.subscription = arm_bench::sub();
  a.resource_group = "rg1";
  a.name = "aks1";
  a.node_pools.push_back({"system", 3, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
  b.arm->add_cluster(a);
  ASSERT_EQ(b.call(verb::put, arc, R"({"location":"westeurope","identity":{"type":"SystemAssigned"},)"
                                   R"("properties":{"agentPublicKeyCertificate":"","distribution":"k3s"}})")
                .status,
            201);
  b.arm->settle();
}

TEST(ArmExtensions, CreateUnderAksAndArcClusters) {
  arm_bench b;
  add_clusters(b);
  for (const auto& cluster : {aks, arc}) {
    auto res = b.call(verb::put, extension_path(cluster), std::string(extension_body));
    ASSERT_EQ(res.status, 201) << res.body;
    auto body = arm_bench::json(res);
    EXPECT_EQ(str(body.at("type")), "Microsoft.KubernetesConfiguration/extensions");
    EXPECT_EQ(str(body.at("id")), extension_path(cluster));
    EXPECT_EQ(str(body.at("properties").at("provisioningState")), "Creating");
    EXPECT_TRUE(body.at("properties").at("currentVersion").is_null());
    EXPECT_FALSE(body.contains("location"));
    // §1.2: the status resource lives under the extension itself.
    const auto async_url = std::string(*res.headers.get("Azure-AsyncOperation"));
    EXPECT_NE(async_url.find(extension_path(cluster) + "/operations/"), std::string::npos) << async_url;
    const auto op = arm_bench::json(b.follow(async_url));
    EXPECT_EQ(str(op.at("status")), "Succeeded");

    res = b.call(verb::get, extension_path(cluster));
    ASSERT_EQ(res.status, 200);
    body = arm_bench::json(res);
    EXPECT_EQ(str(body.at("properties").at("provisioningState")), "Succeeded");
    EXPECT_EQ(str(body.at("properties").at("configurationSettings").at("enableTraining")), "True");
    EXPECT_EQ(str(body.at("properties").at("scope").at("cluster").at("releaseNamespace")), "azureml");
    EXPECT_FALSE(str(body.at("properties").at("currentVersion")).empty());
    EXPECT_FALSE(str(body.at("identity").at("principalId")).empty());
  }
  const auto list = b.call(verb::get, aks + "/providers/Microsoft.KubernetesConfiguration/extensions");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(arm_bench::json(list).at("value").as_array().size(), 1u);
}

TEST(ArmExtensions, ProtectedSettingsAreNeverReturned) {
  arm_bench b;
  add_clusters(b);
  std::optional<boost::json::object> seen_secrets;
  b.arm->on_change([&](resource_event& e) -> std::optional<operation_failure> {
    if (e.type == "Microsoft.KubernetesConfiguration/extensions") seen_secrets = e.secrets;
    return std::nullopt;
  });
  auto res = b.call(verb::put, extension_path(aks), std::string(extension_body));
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  EXPECT_EQ(res.body.find("configurationProtectedSettings"), std::string::npos);
  res = b.call(verb::get, extension_path(aks));
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  res = b.call(verb::get, aks + "/providers/Microsoft.KubernetesConfiguration/extensions");
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  res = b.call(verb::patch, extension_path(aks),
               R"({"properties":{"configurationProtectedSettings":{"sslCertPemFile":"another-secret"}}})");
  EXPECT_EQ(res.status, 202);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
  EXPECT_EQ(b.arm->get(extension_path(aks))->at("properties").as_object().count("configurationProtectedSettings"), 0u);
  // The Kubernetes side still gets them, in process.
  b.arm->settle();
  ASSERT_TRUE(seen_secrets.has_value());
  // §1.4/§2.8: the PATCH replaced the protected map as a whole.
  const auto& settings = seen_secrets->at("configurationProtectedSettings").as_object();
  EXPECT_FALSE(settings.contains("sslKeyPemFile"));
  EXPECT_EQ(str(settings.at("sslCertPemFile")), "another-secret");
}

TEST(ArmExtensions, PatchReplacesProtectedSettingsAndMergesPublicOnes) {
  arm_bench b;
  add_clusters(b);
  boost::json::object secrets;
  b.arm->on_change([&](resource_event& e) -> std::optional<operation_failure> {
    if (e.type == "Microsoft.KubernetesConfiguration/extensions") {
      const auto* p = e.secrets.if_contains("configurationProtectedSettings");
      secrets = p ? p->as_object() : boost::json::object{};
    }
    return std::nullopt;
  });
  ASSERT_EQ(b.call(verb::put, extension_path(aks),
                   R"({"properties":{"extensionType":"microsoft.flux","configurationSettings":{"a":"1","b":"2"},)"
                   R"("configurationProtectedSettings":{"relayserver.relayConnectionString":"r","servicebus.connectionString":"s"}}})")
                .status,
            201);
  b.arm->settle();
  EXPECT_EQ(secrets.size(), 2u);

  auto res = b.call(verb::patch, extension_path(aks),
                    R"({"properties":{"configurationSettings":{"b":"3"},"configurationProtectedSettings":{"scoringFe.sslKey":"k"}}})");
  ASSERT_EQ(res.status, 202) << res.body;
  b.arm->settle();
  EXPECT_EQ(secrets, (boost::json::object{{"scoringFe.sslKey", "k"}}));  // the relay and bus secrets are gone
  const auto settings = b.arm->get(extension_path(aks))->at("properties").at("configurationSettings").as_object();
  EXPECT_EQ(settings, (boost::json::object{{"a", "1"}, {"b", "3"}}));

  // The same protected map again changes nothing: no operation.
  res = b.call(verb::patch, extension_path(aks), R"({"properties":{"configurationProtectedSettings":{"scoringFe.sslKey":"k"}}})");
  EXPECT_EQ(res.status, 200);
  // An empty map clears them.
  res = b.call(verb::patch, extension_path(aks), R"({"properties":{"configurationProtectedSettings":{}}})");
  EXPECT_EQ(res.status, 202);
  b.arm->settle();
  EXPECT_TRUE(secrets.empty());
}

TEST(ArmExtensions, PatchMergesTheAllowedMembers) {
  arm_options options;
  options.lro_delay = 2s;
  arm_bench b(options);
  add_clusters(b);
  ASSERT_EQ(b.call(verb::put, extension_path(arc), std::string(extension_body)).status, 201);
  b.time->advance(2s);

  // Nothing changes: 200 without an operation (§1.4, §1.8).
  auto res = b.call(verb::patch, extension_path(arc), R"({"properties":{"releaseTrain":"stable"}})");
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.headers.contains("Azure-AsyncOperation"));

  res = b.call(verb::patch, extension_path(arc),
               R"({"properties":{"configurationSettings":{"enableInference":"True","enableTraining":null,"new":"1"},)"
               R"("extensionType":"something.else","autoUpgradeMinorVersion":false,"version":"1.1.50"}})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  auto props = arm_bench::json(res).at("properties").as_object();
  EXPECT_EQ(str(props.at("provisioningState")), "Updating");
  const auto& settings = props.at("configurationSettings").as_object();
  EXPECT_EQ(str(settings.at("enableInference")), "True");
  EXPECT_EQ(str(settings.at("new")), "1");
  EXPECT_FALSE(settings.contains("enableTraining"));
  EXPECT_EQ(str(props.at("extensionType")), "microsoft.azureml.kubernetes");  // not patchable
  b.time->advance(2s);
  props = arm_bench::json(b.call(verb::get, extension_path(arc))).at("properties").as_object();
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  EXPECT_EQ(str(props.at("currentVersion")), "1.1.50");

  // §1.1: since 2023-05-01, a pinned version with auto-upgrade on is rejected.
  res = b.call(verb::patch, extension_path(arc), R"({"properties":{"autoUpgradeMinorVersion":true,"version":"1.1.51"}})");
  EXPECT_EQ(res.status, 400);
}

TEST(ArmExtensions, MissingClusterOrExtension) {
  arm_bench b;
  // A missing cluster: 404 ResourceNotFound naming the cluster (what the CLI reads as "cluster missing").
  auto res = b.call(verb::put, extension_path(aks), std::string(extension_body));
  EXPECT_EQ(res.status, 404);
  auto error = arm_bench::json(res).at("error").as_object();
  EXPECT_EQ(str(error.at("code")), "ResourceNotFound");
  EXPECT_NE(str(error.at("message")).find("Microsoft.ContainerService/managedClusters/aks1"), std::string::npos);
  EXPECT_EQ(b.call(verb::get, extension_path(aks)).status, 404);
  add_clusters(b);
  // A missing extension on an existing cluster has its own code.
  res = b.call(verb::get, extension_path(aks));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "ExtensionNotFound");
  // Extensions attach to clusters only.
  res = b.call(verb::put, arm_bench::rg_path() + "/providers/Microsoft.KubernetesConfiguration/extensions/x",
               std::string(extension_body));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(str(arm_bench::json(res).at("error").at("code")), "InvalidResourceType");
}

TEST(ArmExtensions, DeleteAndForceDeleteAndClusterCascade) {
  arm_options options;
  options.lro_delay = 3s;
  arm_bench b(options);
  add_clusters(b);
  b.time->advance(3s);
  ASSERT_EQ(b.call(verb::put, extension_path(aks), std::string(extension_body)).status, 201);
  ASSERT_EQ(b.call(verb::put, extension_path(arc), std::string(extension_body)).status, 201);
  b.time->advance(3s);
  auto res = b.call(verb::delete_, extension_path(aks));
  ASSERT_EQ(res.status, 202);
  const auto async_url = std::string(*res.headers.get("Azure-AsyncOperation"));
  EXPECT_EQ(str(arm_bench::json(b.follow(async_url)).at("status")), "InProgress");
  // A second DELETE while the first runs answers with the same operation.
  EXPECT_EQ(std::string(*b.call(verb::delete_, extension_path(aks)).headers.get("Azure-AsyncOperation")), async_url);
  b.time->advance(3s);
  EXPECT_EQ(str(arm_bench::json(b.follow(async_url)).at("status")), "Succeeded");
  EXPECT_EQ(b.call(verb::get, extension_path(aks)).status, 404);

  res = b.call(verb::delete_, extension_path(arc) + "?forceDelete=true");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(b.call(verb::get, extension_path(arc)).status, 404);

  // Deleting a cluster takes its extensions with it.
  ASSERT_EQ(b.call(verb::put, extension_path(arc), std::string(extension_body)).status, 201);
  b.time->advance(3s);
  ASSERT_EQ(b.call(verb::delete_, arc).status, 202);
  b.time->advance(3s);
  EXPECT_EQ(b.call(verb::get, extension_path(arc)).status, 404);
  EXPECT_TRUE(b.arm->ids("Microsoft.KubernetesConfiguration/extensions").empty());
}

}  // namespace
