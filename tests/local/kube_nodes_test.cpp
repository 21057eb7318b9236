// Simulated nodes and the object hooks code inside the control plane uses.
#include "kube_test_support.hpp"

namespace {

using namespace kube_test;

TEST(KubeNodes, AddedNodeIsReadyWithEveryNodeInfoField) {
  server s(false);
  auto spec = kube_test::node("aks-gpu-0", {{"agentpool", "gpu"}});
  spec.taints = {{"sku", "gpu", "NoSchedule"}};
  spec.capacity = {{"cpu", "6"}, {"memory", "112Gi"}, {"nvidia.com/gpu", "1"}};
  spec.allocatable = {{"cpu", "5800m"}};
  auto node = s.api.add_node(spec);
  const auto& status = node.at("status").as_object();
  EXPECT_EQ(str(status.at("capacity")), R"({"cpu":"6","memory":"112Gi","ephemeral-storage":"128Gi","pods":"110","nvidia.com/gpu":"1"})");
  EXPECT_EQ(status.at("allocatable").at("cpu"), "5800m");
  EXPECT_EQ(status.at("allocatable").at("nvidia.com/gpu"), "1");
  bool ready = false;
  for (const auto& c : status.at("conditions").as_array())
    if (c.at("type") == "Ready") ready = c.at("status") == "True";
  EXPECT_TRUE(ready);
  const auto& info = status.at("nodeInfo").as_object();
  for (auto key : {"architecture", "bootID", "containerRuntimeVersion", "kernelVersion", "kubeProxyVersion", "kubeletVersion",
                   "machineID", "operatingSystem", "osImage", "systemUUID"})
    EXPECT_TRUE(info.contains(key) && !info.at(key).as_string().empty()) << key;
  EXPECT_EQ(info.at("kubeletVersion"), "v1.30.0");
  EXPECT_EQ(str(node.at("spec").at("taints")), R"([{"key":"sku","effect":"NoSchedule","value":"gpu"}])");
  EXPECT_EQ(node.at("metadata").at("labels").at("kubernetes.io/hostname"), "aks-gpu-0");
  EXPECT_EQ(node.at("metadata").at("labels").at("agentpool"), "gpu");

  // Adding it again replaces it and keeps its identity.
  auto again = s.api.add_node(kube_test::node("aks-gpu-0"));
  EXPECT_EQ(again.at("metadata").at("uid"), node.at("metadata").at("uid"));
  EXPECT_EQ(s.api.list(kube::resources::nodes).size(), 1u);
}

TEST(KubeHooks, CreateGetListRemove) {
  server s;
  auto deployment = boost::json::parse(R"({"metadata":{"name":"aml-operator","namespace":"azureml","labels":{"app":"aml"}},)"
                                       R"("spec":{"selector":{"matchLabels":{"app":"aml"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},)"
                                       R"("status":{"readyReplicas":1}})")
                        .as_object();
  auto created = s.api.create(kube::resources::deployments, deployment);
  EXPECT_EQ(created.at("apiVersion"), "apps/v1");
  EXPECT_EQ(created.at("status").at("readyReplicas"), 1);  // code inside the control plane may set status
  EXPECT_EQ(created.at("spec").at("replicas"), 1);         // defaulted
  ASSERT_TRUE(s.api.get(kube::resources::deployments, "azureml", "aml-operator"));
  EXPECT_FALSE(s.api.get(kube::resources::deployments, "default", "aml-operator"));
  EXPECT_EQ(s.api.list(kube::resources::deployments, "azureml", "app=aml").size(), 1u);
  EXPECT_EQ(s.api.list(kube::resources::deployments, "", "app=other").size(), 0u);
  EXPECT_TRUE(s.api.remove(kube::resources::deployments, "azureml", "aml-operator"));
  EXPECT_FALSE(s.api.remove(kube::resources::deployments, "azureml", "aml-operator"));
}

TEST(KubeHooks, ErrorsCarryTheStatus) {
  server s;
  s.api.create(kube::resources::configmaps, boost::json::parse(R"({"metadata":{"name":"c"}})").as_object());
  try {
    s.api.create(kube::resources::configmaps, boost::json::parse(R"({"metadata":{"name":"c"}})").as_object());
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), amlk8s::errc::conflict);
    EXPECT_EQ(e.diag().http_status, 409);
    EXPECT_EQ(e.diag().service_code, "AlreadyExists");
    EXPECT_EQ(e.diag().service_message, "configmaps \"c\" already exists");
  }
  EXPECT_THROW(s.api.merge_patch(kube::resources::configmaps, "default", "nope", {}), amlk8s::error);
  EXPECT_THROW(s.api.add_node(kube::node_spec{}), amlk8s::error);
  EXPECT_THROW(s.api.list({"example.com", "v1", "things"}), amlk8s::error);
}

TEST(KubeHooks, CreateOrReplaceAndMergePatch) {
  server s;
  auto it = boost::json::parse(instance_type("a")).as_object();
  auto first = s.api.create_or_replace(kube::resources::instancetypes, it);
  it["spec"].as_object().erase("nodeSelector");
  auto second = s.api.create_or_replace(kube::resources::instancetypes, it);
  EXPECT_EQ(second.at("metadata").at("uid"), first.at("metadata").at("uid"));
  EXPECT_FALSE(second.at("spec").as_object().contains("nodeSelector"));
  EXPECT_EQ(second.at("metadata").at("generation"), 2);
  auto patched = s.api.merge_patch(kube::resources::instancetypes, "", "a", boost::json::parse(R"({"metadata":{"labels":{"k":"v"}}})").as_object());
  EXPECT_EQ(patched.at("metadata").at("labels").at("k"), "v");
  auto updated = patched;
  updated["metadata"].as_object()["resourceVersion"] = "1";
  EXPECT_THROW(s.api.update(kube::resources::instancetypes, updated), amlk8s::error);
}

TEST(KubeHooks, ServerMovesWithItsState) {
  server s;
  kube::api_server moved = std::move(s.api);
  EXPECT_EQ(moved.list(kube::resources::namespaces).size(), 5u);
}

}  // namespace
