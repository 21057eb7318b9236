// kube::client end to end over HTTPS against the local control plane, with the kubeconfig the
// control plane writes, loaded by kube::kubeconfig (contracts/kubernetes.md §2.5-§2.7, §3).
#include <amlk8s/kube/client.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace kube_client_test {

using namespace amlk8s;

local::cluster_spec small_cluster(const std::string& subscription) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = subscription;
  c.resource_group = "ml-rg";
  c.name = "dev-aks";
  c.location = "eastus";
  c.kubernetes_version = "1.30.6";
  c.node_pools.push_back({"system", 2, "", 4000, 16LL << 30, 0, {}, {}, "System"});
  c.node_pools.push_back({"gpu", 1, "", 8000, 64LL << 30, 1, {{"accelerator", "nvidia"}}, {}, "User"});
  return c;
}

struct KubeClientAgainstControlPlane : ::testing::Test {
  local::control_plane plane;
  kube::cluster_config config;

  void SetUp() override {
    plane.azure().arm().add_cluster(small_cluster(plane.endpoints().subscription_id));
    config = kube::kubeconfig::load_file(plane.kubeconfig_path("dev-aks")).resolve();
  }
};

boost::json::value config_map(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"app", "amlk8s-test"}}}}},
          {"data", {{"key", value}}}};
}

}  // namespace kube_client_test

namespace {

using namespace kube_client_test;
namespace resources = amlk8s::kube::resources;

TEST_F(KubeClientAgainstControlPlane, KubeconfigFromTheControlPlaneResolves) {
  EXPECT_EQ(config.server.rfind("https://127.0.0.1:", 0), 0u) << config.server;
  EXPECT_FALSE(config.ca_pem.empty());
  EXPECT_EQ(config.auth, kube::auth_kind::token);
  kube::client client(config);
  auto v = client.version();
  EXPECT_EQ(v.at("gitVersion").as_string(), "v1.30.6");
  auto nodes = client.list(resources::nodes);
  EXPECT_EQ(nodes.items.size(), 3u);
  EXPECT_FALSE(nodes.resource_version.empty());
  auto gpu = client.list(resources::nodes, {}, {.label_selector = "accelerator=nvidia"});
  EXPECT_EQ(gpu.items.size(), 1u);
}

TEST_F(KubeClientAgainstControlPlane, KubeClientConfigMapLifecycle) {
  kube::client client(config);
  auto created = client.create(resources::configmaps, "default", config_map("settings", "one"));
  EXPECT_EQ(created.at("metadata").at("namespace").as_string(), "default");
  EXPECT_FALSE(created.at("metadata").at("resourceVersion").as_string().empty());

  // Creating it again: 409 AlreadyExists.
  try {
    client.create(resources::configmaps, "default", config_map("settings", "two"));
    ADD_FAILURE() << "no conflict";
  } catch (const error& e) {
    EXPECT_EQ(e.condition(), errc::conflict);
    EXPECT_EQ(e.diag().http_status, 409);
    EXPECT_EQ(e.diag().service_code, "AlreadyExists");
  }

  auto got = client.get(resources::configmaps, {}, "settings");  // the context's namespace
  EXPECT_EQ(got.at("data").at("key").as_string(), "one");

  auto patched = client.merge_patch(resources::configmaps, "default", "settings",
                                    {{"data", {{"key", "patched"}, {"extra", "x"}}}});
  EXPECT_EQ(patched.at("data").at("key").as_string(), "patched");
  EXPECT_EQ(patched.at("data").at("extra").as_string(), "x");

  auto replaced_body = patched;
  replaced_body.at("data").as_object().erase("extra");
  auto replaced = client.replace(resources::configmaps, "default", "settings", replaced_body);
  EXPECT_FALSE(replaced.at("data").as_object().contains("extra"));

  client.delete_(resources::configmaps, "default", "settings");

  // Gone: a 404 Status maps to errc::not_found with the server's reason and message.
  try {
    client.get(resources::configmaps, "default", "settings");
    ADD_FAILURE() << "no 404";
  } catch (const error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
    EXPECT_EQ(e.diag().http_status, 404);
    EXPECT_EQ(e.diag().service_code, "NotFound");
    EXPECT_NE(e.diag().service_message.find("\"settings\" not found"), std::string::npos) << e.diag().service_message;
  }
}

TEST_F(KubeClientAgainstControlPlane, KubeClientPagesThroughALimitedList) {
  kube::client client(config);
  for (int i = 0; i < 7; ++i) client.create(resources::configmaps, "azureml", config_map("cm-" + std::to_string(i), "v"));

  kube::list_options o;
  o.label_selector = "app=amlk8s-test";
  o.limit = 3;
  auto first = client.list_page(resources::configmaps, "azureml", o);
  EXPECT_EQ(first.items.size(), 3u);
  ASSERT_FALSE(first.continue_token.empty());
  std::size_t pages = 1;
  std::size_t items = first.items.size();
  o.continue_token = first.continue_token;
  while (!o.continue_token.empty()) {
    auto page = client.list_page(resources::configmaps, "azureml", o);
    items += page.items.size();
    ++pages;
    o.continue_token = page.continue_token;
  }
  EXPECT_EQ(items, 7u);
  EXPECT_EQ(pages, 3u);

  // All pages at once, asynchronously with a future.
  o.continue_token.clear();
  diagnostics diag;
  auto all = client.async_list(resources::configmaps, "azureml", o, diag, boost::asio::use_future).get();
  EXPECT_EQ(all.items.size(), 7u);
  EXPECT_TRUE(all.continue_token.empty());

  // Across namespaces.
  client.create(resources::configmaps, "default", config_map("elsewhere", "v"));
  EXPECT_EQ(client.list(resources::configmaps, kube::all_namespaces, {.label_selector = "app=amlk8s-test"}).items.size(), 8u);
}

TEST_F(KubeClientAgainstControlPlane, KubeClientAsyncErrorsFillDiagnostics) {
  kube::client client(config);
  diagnostics diag;
  std::promise<std::pair<error_code, boost::json::value>> done;
  client.async_get(resources::instancetypes, {}, "missing", diag, [&](error_code ec, boost::json::value v) {
    done.set_value({ec, std::move(v)});
  });
  auto [ec, value] = done.get_future().get();
  EXPECT_EQ(ec, errc::not_found);
  EXPECT_EQ(diag.http_status, 404);
  EXPECT_EQ(diag.service_code, "NotFound");

  // Rejected before sending.
  diagnostics empty_name;
  auto f = client.async_delete(resources::configmaps, "default", "", kube::propagation::background, empty_name,
                               boost::asio::use_future);
  try {
    f.get();
    ADD_FAILURE() << "accepted an empty name";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
  }
  ASSERT_EQ(empty_name.validation.size(), 1u);
  EXPECT_EQ(empty_name.validation[0].field, "name");
}

TEST_F(KubeClientAgainstControlPlane, KubeClientWithAWrongTokenIsUnauthorized) {
  auto wrong = config;
  wrong.token = secret_string("not-the-token");
  kube::client client(wrong);
  try {
    client.list(resources::nodes);
    ADD_FAILURE() << "accepted a wrong token";
  } catch (const error& e) {
    EXPECT_EQ(e.condition(), errc::authentication_failed);
    EXPECT_EQ(std::string(e.what()).find("not-the-token"), std::string::npos);
  }
}

TEST(KubeResource, PathsPerScope) {
  EXPECT_EQ(resources::pods.collection_path("azureml"), "/api/v1/namespaces/azureml/pods");
  EXPECT_EQ(resources::pods.collection_path(""), "/api/v1/pods");
  EXPECT_EQ(resources::nodes.object_path("ignored", "n1"), "/api/v1/nodes/n1");
  EXPECT_EQ(resources::deployments.object_path("azureml", "gateway"), "/apis/apps/v1/namespaces/azureml/deployments/gateway");
  EXPECT_EQ(resources::instancetypes.object_path("", "gpu"), "/apis/amlarc.azureml.com/v1alpha1/instancetypes/gpu");
  EXPECT_EQ(resources::instancetypes.api_version(), "amlarc.azureml.com/v1alpha1");
  EXPECT_EQ(resources::configmaps.api_version(), "v1");
}

}  // namespace
