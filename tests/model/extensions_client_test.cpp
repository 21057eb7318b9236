// clusters_client, providers_client and extensions_client end to end over HTTPS against the local
// control plane: long-running create, get, list across pages, update (and the protected-settings
// rule), delete twice, and a missing cluster told apart from a missing extension.
#include <amlk8s/arm/client.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/model/cluster.hpp>
#include <amlk8s/model/extension.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace amlk8s_model_extensions_client_test {

using namespace amlk8s;
using namespace std::chrono_literals;

// The session signs in as a user would; its ARM client is what the model clients take.
struct sdk {
  explicit sdk(const local::control_plane_endpoints& ep)
      : session(model::session::from_endpoints_json(ep.to_json())), arm(session->arm()) {}
  std::unique_ptr<model::session> session;
  arm::client& arm;
};

local::control_plane_options plane_options() {
  local::control_plane_options o;
  o.lro_delay = 30ms;
  o.min_retry_after = 0s;
  o.page_size = 2;
  return o;
}

local::cluster_spec aks_cluster(const std::string& subscription, const std::string& name) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = subscription;
  c.resource_group = "ml-rg";
  c.name = name;
  c.location = "eastus";
  c.node_pools.push_back(local::node_pool{"system", 2, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
  c.node_pools.push_back(local::node_pool{"gpu", 1, "Standard_NC6s_v3", 6000, 112LL << 30, 1, {}, {}, "User"});
  return c;
}

model::extension_spec spec_with_secret() {
  model::extension_spec s;
  s.extension_type = "Microsoft.AzureML.Kubernetes";
  s.release_train = "stable";
  s.scope = model::extension_scope{true, "azureml", {}};
  s.configuration_settings = {{"enableTraining", "True"}, {"installVolcano", "true"}};
  s.configuration_protected_settings.emplace("sslKeyPemFile", secret_string("-----BEGIN PRIVATE KEY-----abc"));
  return s;
}

class ExtensionsClientE2e : public ::testing::Test {
 protected:
  ExtensionsClientE2e()
      : plane(plane_options()),
        client(plane.endpoints()),
        aks(cluster_id(cluster_kind::aks, plane.endpoints().subscription_id, "ml-rg", "aks1")) {
    plane.azure().arm().add_cluster(aks_cluster(plane.endpoints().subscription_id, "aks1"));
  }

  local::control_plane plane;
  sdk client;
  resource_id aks;
};

TEST_F(ExtensionsClientE2e, ClusterInfoAndProviderRegistration) {
  model::clusters_client clusters(client.arm);
  const auto info = clusters.get(aks);
  EXPECT_EQ(info.kind, cluster_kind::aks);
  EXPECT_EQ(info.id, aks);
  EXPECT_EQ(info.location, "eastus");
  EXPECT_EQ(info.node_count, 3);
  EXPECT_EQ(info.agent_pools.size(), 2u);
  EXPECT_EQ(info.identity_type, "SystemAssigned");
  EXPECT_FALSE(info.uses_service_principal());

  // Arc: node count and distribution as the agent reports them; an SP-based AKS cluster.
  auto arc_spec = aks_cluster(plane.endpoints().subscription_id, "arc1");
  arc_spec.kind = local::cluster_kind::arc;
  arc_spec.distribution = "openshift";
  plane.azure().arm().add_cluster(arc_spec);
  const auto arc = clusters.get(cluster_id(cluster_kind::arc, plane.endpoints().subscription_id, "ml-rg", "arc1"));
  EXPECT_TRUE(arc.is_openshift());
  EXPECT_TRUE(arc.node_count.has_value());
  auto sp_spec = aks_cluster(plane.endpoints().subscription_id, "aks-sp");
  sp_spec.identity = local::identity_kind::service_principal;
  plane.azure().arm().add_cluster(sp_spec);
  EXPECT_TRUE(clusters.get(cluster_id(cluster_kind::aks, plane.endpoints().subscription_id, "ml-rg", "aks-sp"))
                  .uses_service_principal());

  // Async form with a future; a missing cluster names the cluster.
  diagnostics diag;
  const auto missing = cluster_id(cluster_kind::aks, plane.endpoints().subscription_id, "ml-rg", "nope");
  auto f = clusters.async_get(missing, diag, boost::asio::use_future);
  try {
    (void)f.get();
    FAIL() << "expected not_found";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), errc::not_found);
  }
  EXPECT_NE(diag.client_message.find(missing.to_string()), std::string::npos) << diag.client_message;

  model::providers_client providers(client.arm);
  const auto& sub = plane.endpoints().subscription_id;
  EXPECT_TRUE(providers.get(sub, model::kubernetes_configuration_provider).registered());
  plane.azure().arm().set_provider_registered(sub, model::kubernetes_configuration_provider, false);
  const auto before = providers.get(sub, model::kubernetes_configuration_provider);
  EXPECT_FALSE(before.registered());
  EXPECT_EQ(before.registration_state, "NotRegistered");
  const auto reg = providers.register_provider(sub, model::kubernetes_configuration_provider);
  EXPECT_EQ(reg.registration_state, "Registering");
}

TEST_F(ExtensionsClientE2e, CreateGetUpdateDelete) {
  model::extensions_client extensions(client.arm);

  // A long-running create through the async form; then the final body.
  diagnostics diag;
  auto poller = extensions.async_begin_create(aks, "azureml", spec_with_secret(), diag, boost::asio::use_future).get();
  ASSERT_TRUE(poller.valid());
  EXPECT_FALSE(poller.done());  // 201 Creating, with Azure-AsyncOperation
  auto created = model::extension::from_json(poller.wait());
  EXPECT_TRUE(created.succeeded()) << model::to_string(created);
  EXPECT_EQ(created.extension_type, "Microsoft.AzureML.Kubernetes");
  EXPECT_FALSE(created.identity.has_value());  // §2.6: none sent on AKS

  auto got = extensions.get(aks, "azureml");
  EXPECT_EQ(got.id, cluster_extension_id(aks, "azureml"));
  EXPECT_EQ(got.configuration_settings.at("enableTraining"), "True");
  EXPECT_EQ(got.scope, (model::extension_scope{true, "azureml", {}}));
  EXPECT_EQ(boost::json::serialize(got.raw).find("BEGIN PRIVATE KEY"), std::string::npos);
  ASSERT_TRUE(got.current_version.has_value());

  // PATCH: settings merge; a pinned version turns auto-upgrade off.
  model::extension_patch patch;
  patch.configuration_settings = std::map<std::string, std::string>{{"installNvidiaDevicePlugin", "true"}};
  patch.version = "1.1.60";
  auto updated = extensions.update(aks, "azureml", patch);
  EXPECT_TRUE(updated.succeeded());
  EXPECT_EQ(updated.configuration_settings.at("installNvidiaDevicePlugin"), "true");
  EXPECT_EQ(updated.version, "1.1.60");
  EXPECT_EQ(updated.current_version, "1.1.60");
  EXPECT_EQ(updated.auto_upgrade_minor_version, false);

  // Protected settings need the acknowledgment; nothing is sent without it.
  model::extension_patch secrets;
  secrets.configuration_protected_settings = std::map<std::string, secret_string>{};
  secrets.configuration_protected_settings->emplace("sslKeyPemFile", secret_string("-----BEGIN PRIVATE KEY-----new"));
  try {
    (void)extensions.update(aks, "azureml", secrets);
    FAIL() << "expected invalid_argument";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_FALSE(e.diag().validation.empty());
    EXPECT_EQ(e.diag().validation.front().field, "configurationProtectedSettings");
    EXPECT_EQ(std::string(e.what()).find("BEGIN PRIVATE KEY"), std::string::npos);
  }
  secrets.replaces_all_protected_settings = true;
  EXPECT_TRUE(extensions.update(aks, "azureml", secrets).succeeded());

  // Delete twice: the second is a no-op.
  EXPECT_TRUE(extensions.delete_(aks, "azureml"));
  try {
    (void)extensions.get(aks, "azureml");
    FAIL() << "expected not_found";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
    EXPECT_NE(e.diag().client_message.find("extension 'azureml' was not found"), std::string::npos)
        << e.diag().client_message;
  }
  EXPECT_FALSE(extensions.delete_(aks, "azureml"));
  EXPECT_FALSE(extensions.delete_(aks, "azureml", true));
}

TEST_F(ExtensionsClientE2e, ListReadsEveryPage) {
  model::extensions_client extensions(client.arm);
  std::vector<arm::poller> pollers;
  for (const auto* name : {"a", "b", "c"}) {
    model::extension_spec s;
    s.extension_type = "microsoft.flux";
    pollers.push_back(extensions.begin_create(aks, name, s));
  }
  for (auto& p : pollers) p.wait();

  const auto all = extensions.list(aks);
  ASSERT_EQ(all.size(), 3u);
  std::vector<std::string> names;
  for (const auto& e : all) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));

  auto pages = extensions.pages(aks);
  auto first = pages.next_page();
  EXPECT_EQ(model::extensions_client::extensions_of(first).size(), 2u);
  EXPECT_FALSE(first.next_link.empty());
  auto second = pages.next_page();
  EXPECT_EQ(model::extensions_client::extensions_of(second).size(), 1u);
  EXPECT_TRUE(pages.done());

  // Async list with a future.
  diagnostics diag;
  EXPECT_EQ(extensions.async_list(aks, diag, boost::asio::use_future).get().size(), 3u);
}

TEST_F(ExtensionsClientE2e, MissingClusterIsToldApartFromMissingExtension) {
  model::extensions_client extensions(client.arm);
  const auto gone = cluster_id(cluster_kind::aks, plane.endpoints().subscription_id, "ml-rg", "not-there");

  auto expect_cluster_missing = [&](auto&& call) {
    try {
      call();
      FAIL() << "expected not_found";
    } catch (const amlk8s::error& e) {
      EXPECT_EQ(e.condition(), errc::not_found);
      EXPECT_NE(e.diag().client_message.find("cluster '" + gone.to_string() + "' was not found"), std::string::npos)
          << e.diag().client_message;
      EXPECT_EQ(e.diag().service_code, "ResourceNotFound");
    }
  };
  expect_cluster_missing([&] { (void)extensions.get(gone, "azureml"); });
  expect_cluster_missing([&] { (void)extensions.list(gone); });
  expect_cluster_missing([&] { (void)extensions.create(gone, "azureml", spec_with_secret()); });
  expect_cluster_missing([&] { (void)extensions.delete_(gone, "azureml"); });
  model::extension_patch p;
  p.release_train = "preview";
  expect_cluster_missing([&] { (void)extensions.update(gone, "azureml", p); });

  try {
    (void)extensions.update(aks, "nope", p);
    FAIL() << "expected not_found";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
    EXPECT_NE(e.diag().client_message.find("extension 'nope' was not found on the cluster"), std::string::npos)
        << e.diag().client_message;
  }
}

TEST_F(ExtensionsClientE2e, ArcExtensionGetsASystemIdentity) {
  auto arc_spec = aks_cluster(plane.endpoints().subscription_id, "arc2");
  arc_spec.kind = local::cluster_kind::arc;
  plane.azure().arm().add_cluster(arc_spec);
  const auto arc = cluster_id(cluster_kind::arc, plane.endpoints().subscription_id, "ml-rg", "arc2");
  model::extensions_client extensions(client.arm);
  model::extension_spec s;
  s.extension_type = "microsoft.flux";
  s.version = "1.8.0";
  const auto e = extensions.create(arc, "flux", s);
  EXPECT_TRUE(e.succeeded());
  EXPECT_EQ(e.auto_upgrade_minor_version, false);
  ASSERT_TRUE(e.identity.has_value()) << boost::json::serialize(e.raw);
  EXPECT_EQ(e.identity->type, "SystemAssigned");
}

}  // namespace amlk8s_model_extensions_client_test
