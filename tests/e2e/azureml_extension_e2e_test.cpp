// The AzureML extension end to end, as a user runs it: a session signed in to the local control
// plane over HTTPS, the seed's four deployment scenarios created through azureml_client, verified
// through each cluster's Kubernetes API, plus the documented failure, update, delete and preflight.
#include <amlk8s/kube/resource.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/test_ca.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace amlk8s::azureml_e2e_test {

using model::azureml_settings;
using strings = std::vector<std::string>;

local::cluster_spec cluster(local::cluster_kind kind, std::string name, int nodes, int gpus = 0) {
  local::cluster_spec c;
  c.kind = kind;
  c.subscription = "00000000-0000-4000-8000-00000000d001";
  c.resource_group = "ml-rg";
  c.name = std::move(name);
  c.location = "EastUS";
  c.kubernetes_version = "1.30.6";
  c.distribution = kind == local::cluster_kind::aks ? "aks" : "k3s";
  local::node_pool pool;
  pool.name = "pool";
  pool.count = nodes;
  pool.vm_size = gpus > 0 ? "Standard_NC6s_v3" : "Standard_D4s_v3";
  pool.cpu_millicores = 4000;
  pool.memory_bytes = 16LL << 30;
  pool.gpus = gpus;
  c.node_pools.push_back(pool);
  return c;
}

resource_id id_of(const local::cluster_spec& c) {
  return resource_id::parse(local::arm_id(c));
}

class AzuremlExtensionEndToEnd : public ::testing::Test {
 protected:
  AzuremlExtensionEndToEnd()
      : plane([] {
          local::control_plane_options o;
          o.lro_delay = std::chrono::milliseconds(60);
          o.min_retry_after = std::chrono::seconds(0);
          return o;
        }()),
        session(model::session::from_endpoints_json(plane.endpoints().to_json())) {}

  resource_id add(const local::cluster_spec& c) {
    plane.azure().arm().add_cluster(c);
    return id_of(c);
  }
  kube::client k8s(const std::string& name) { return session->kube_from_kubeconfig(plane.kubeconfig_path(name)); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    auto p = std::filesystem::path(plane.endpoints().kubeconfig_dir).parent_path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  static std::vector<std::string> not_running(const model::verification_report& r) {
    std::vector<std::string> out;
    for (const auto& c : r.components)
      if (c.state != model::component_state::running) out.push_back(c.expected.name);
    return out;
  }
  static bool has_component(const model::verification_report& r, std::string_view name) {
    return std::any_of(r.components.begin(), r.components.end(),
                       [&](const model::component_status& c) { return c.expected.name == name; });
  }

  static int desired_of(const model::verification_report& r, std::string_view name) {
    for (const auto& c : r.components)
      if (c.expected.name == name) return c.desired;
    return -1;
  }

  local::control_plane plane;
  std::unique_ptr<model::session> session;
};

TEST_F(AzuremlExtensionEndToEnd, ScenarioAksProofOfConceptOnTwoNodes) {
  const auto c = cluster(local::cluster_kind::aks, "aks-poc", 2);
  const auto id = add(c);
  // The seed's command line, as typed (InferenceRouterHA with a capital I).
  auto settings = azureml_settings::from_key_values(strings{"enableTraining=True", "enableInference=True",
                                                            "inferenceRouterServiceType=LoadBalancer",
                                                            "allowInsecureConnections=True", "InferenceRouterHA=False"});
  auto ext = session->azureml().create(id, "azureml", settings);
  EXPECT_TRUE(ext.succeeded()) << ext.provisioning_state;
  EXPECT_EQ(ext.configuration_settings.at("clusterPurpose"), "DevTest");
  // One Kubernetes client for the whole test, as a program would keep one.
  auto k = k8s(c.name);
  auto report = session->azureml().verify(id, "azureml", k);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_TRUE(not_running(report).empty()) << report.to_string();
  EXPECT_TRUE(has_component(report, "azureml-fe-v2"));
  EXPECT_TRUE(has_component(report, "aml-operator"));
  EXPECT_FALSE(has_component(report, "relayserver"));
  EXPECT_EQ(desired_of(report, "azureml-fe-v2"), 1);
}

TEST_F(AzuremlExtensionEndToEnd, ScenarioArcTrainingOnlyThenInferenceAddedByUpdate) {
  const auto c = cluster(local::cluster_kind::arc, "arc-train", 3);
  const auto id = add(c);
  auto ext = session->azureml().create(id, "ml", azureml_settings::from_key_values(strings{"enableTraining=True"}));
  EXPECT_TRUE(ext.succeeded());
  ASSERT_TRUE(ext.identity.has_value());
  EXPECT_EQ(ext.identity->type, "SystemAssigned");
  auto k = k8s(c.name);
  auto report = session->azureml().verify(id, "ml", k);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_TRUE(has_component(report, "relayserver"));
  EXPECT_TRUE(has_component(report, "volcano-scheduler"));
  EXPECT_FALSE(has_component(report, "azureml-fe-v2"));

  // Add inference: the components are reconciled.
  azureml_settings changes;
  changes.enable_inference = true;
  changes.inference_router_service_type = model::router_service_type::node_port;
  changes.allow_insecure_connections = true;
  changes.install_volcano = false;
  auto updated = session->azureml().update(id, "ml", changes);
  EXPECT_TRUE(updated.succeeded()) << updated.provisioning_state;
  report = session->azureml().verify(id, "ml", k);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_TRUE(has_component(report, "azureml-fe-v2"));
  EXPECT_FALSE(has_component(report, "volcano-scheduler"));
  const auto volcano = k.list(kube::resources::deployments, "azureml", {.field_selector = "metadata.name=volcano-scheduler"});
  EXPECT_TRUE(volcano.items.empty());
}

TEST_F(AzuremlExtensionEndToEnd, ScenarioAksProductionWithHttps) {
  const auto c = cluster(local::cluster_kind::aks, "aks-prod", 4);
  const auto id = add(c);
  local::test_ca ca;
  auto pair = ca.issue_server_certificate({"ml.contoso.com"});
  const auto cert = write("cert.pem", pair.certificate_chain_pem);
  const auto key = write("key.pem", pair.private_key_pem);
  auto settings = azureml_settings::from_key_values(
      strings{"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer",
              "sslCname=ml.contoso.com"},
      strings{"sslCertPemFile=" + cert.string(), "sslKeyPemFile=" + key.string()});
  // The dry run reads the cluster (4 nodes: production defaults) and hides the PEM.
  auto plan = session->azureml().plan_create(id, settings);
  EXPECT_FALSE(plan.configuration_settings.contains("inferenceRouterHA"));
  EXPECT_EQ(plan.dry_run().find(pair.private_key_pem.substr(40, 20)), std::string::npos);
  auto ext = session->azureml().create(id, "azureml", settings);
  EXPECT_TRUE(ext.succeeded());
  EXPECT_TRUE(ext.protected_setting_names.empty() ||
              std::find(ext.protected_setting_names.begin(), ext.protected_setting_names.end(), "scoringFe.sslKey") !=
                  ext.protected_setting_names.end());
  // One Kubernetes client for the whole test, as a program would keep one.
  auto k = k8s(c.name);
  auto report = session->azureml().verify(id, "azureml", k);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_EQ(desired_of(report, "azureml-fe-v2"), 3);
}

TEST_F(AzuremlExtensionEndToEnd, ScenarioArcNodePortWithNvidiaGpus) {
  auto c = cluster(local::cluster_kind::arc, "arc-gpu", 3, 1);
  const auto id = add(c);
  local::test_ca ca;
  auto pair = ca.issue_server_certificate({"ml.fabrikam.com"});
  azureml_settings s;
  s.enable_training = true;
  s.enable_inference = true;
  s.inference_router_service_type = model::router_service_type::node_port;
  s.ssl_cname = "ml.fabrikam.com";
  s.install_nvidia_device_plugin = true;
  s.install_dcgm_exporter = true;
  s.ssl_cert_pem = secret_string(pair.certificate_chain_pem);
  s.ssl_key_pem = secret_string(pair.private_key_pem);
  auto ext = session->azureml().create(id, "azureml", s);
  EXPECT_TRUE(ext.succeeded());
  // One Kubernetes client for the whole test, as a program would keep one.
  auto k = k8s(c.name);
  auto report = session->azureml().verify(id, "azureml", k);
  EXPECT_TRUE(report.ok()) << report.to_string();
  EXPECT_TRUE(has_component(report, "nvidia-device-plugin-daemonset"));
  EXPECT_TRUE(has_component(report, "azureml-dcgm-exporter"));
  for (const auto& comp : report.components) {
    if (comp.expected.kind == model::workload_kind::daemonset) {
      EXPECT_EQ(comp.desired, 3) << comp.expected.name;
    }
  }
}

TEST_F(AzuremlExtensionEndToEnd, HighAvailabilityOnTwoNodesFailsWithTheHealthCheckCode) {
  const auto c = cluster(local::cluster_kind::aks, "aks-small", 2);
  const auto id = add(c);
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = model::router_service_type::load_balancer;
  s.allow_insecure_connections = true;
  s.inference_router_ha = true;  // explicitly on: the CLI's small-cluster default does not apply
  // Preflight says so before anything is written.
  auto k = k8s(c.name);
  auto pre = session->azureml().preflight(id, s, &k);
  EXPECT_FALSE(pre.ok());
  ASSERT_FALSE(pre.findings.empty()) << pre.to_string();
  EXPECT_EQ(pre.findings.front().id, "inference-router-ha-nodes") << pre.to_string();
  try {
    session->azureml().create(id, "azureml", s);
    FAIL() << "the install should fail";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::operation_failed);
    EXPECT_EQ(e.diag().service_code, "ExtensionOperationFailed");
    EXPECT_NE(e.diag().service_message.find("E40002"), std::string::npos) << e.diag().to_string();
  }
  auto report = session->azureml().verify(id, "azureml", k);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.provisioning_state, "Failed");
  ASSERT_FALSE(report.health_checks.empty());
  EXPECT_EQ(report.health_checks.front().code, "E40002");
  EXPECT_EQ(report.health_checks.front().name, "INSUFFICIENT_NODE");
  EXPECT_FALSE(not_running(report).empty());
}

TEST_F(AzuremlExtensionEndToEnd, ValidationFailsBeforeAnyRequest) {
  const auto id = add(cluster(local::cluster_kind::aks, "aks-v", 3));
  const auto before = plane.server().stats().requests;
  azureml_settings s;
  s.enable_inference = true;
  try {
    session->azureml().create(id, "azureml", s);
    FAIL();
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    ASSERT_EQ(e.diag().validation.size(), 2u);
    EXPECT_EQ(e.diag().validation[0].field, "configurationSettings.allowInsecureConnections");
  }
  EXPECT_EQ(plane.server().stats().requests, before);
}

TEST_F(AzuremlExtensionEndToEnd, DeleteRemovesTheComponentsAndTheNamespaceTerminatesUntilDone) {
  const auto c = cluster(local::cluster_kind::aks, "aks-del", 3);
  const auto id = add(c);
  azureml_settings s;
  s.enable_training = true;
  session->azureml().create(id, "azureml", s);
  auto k = k8s(c.name);
  auto deletion = session->extensions().begin_delete(id, "azureml");
  EXPECT_TRUE(deletion.found);
  // While the operation runs, the namespace is terminating and holds no components.
  auto ns = k.get(kube::resources::namespaces, "", "azureml");
  EXPECT_EQ(ns.at("status").at("phase"), "Terminating");
  EXPECT_TRUE(k.list(kube::resources::deployments, "azureml").items.empty());
  deletion.poller.wait();
  try {
    k.get(kube::resources::namespaces, "", "azureml");
    FAIL() << "namespace azureml should be gone";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::not_found);
  }
  // A second delete is a no-op; a new install works again.
  EXPECT_FALSE(session->extensions().delete_(id, "azureml"));
  EXPECT_TRUE(session->azureml().create(id, "azureml", s).succeeded());
  EXPECT_TRUE(session->azureml().verify(id, "azureml", k).ok());
}

TEST_F(AzuremlExtensionEndToEnd, PreflightFindsTheDocumentedLimitations) {
  auto c = cluster(local::cluster_kind::aks, "aks-sp", 3);
  c.identity = local::identity_kind::service_principal;
  c.local_accounts = false;
  c.authorized_ip_ranges = {"203.0.113.0/24"};
  const auto id = add(c);
  auto k = k8s(c.name);
  // A legacy AKS v1 inference deployment.
  k.create(kube::resources::deployments, "default", boost::json::parse(R"({
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "azureml-fe", "namespace": "default"},
      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "azureml-fe"}},
               "template": {"metadata": {"labels": {"app": "azureml-fe"}},
                            "spec": {"containers": [{"name": "fe", "image": "fe"}]}}}})"));
  plane.azure().arm().set_provider_registered(std::string(id.subscription_id()), "Microsoft.KubernetesConfiguration", false);
  azureml_settings s;
  s.enable_training = true;
  model::preflight_options o;
  o.workspace_subscription_id = "11111111-1111-4111-8111-111111111111";
  auto report = session->azureml().preflight(id, s, &k, o);
  std::vector<std::string> ids;
  for (const auto& f : report.findings) ids.push_back(f.id);
  EXPECT_EQ(ids, (strings{"provider-not-registered", "aks-service-principal", "aks-local-accounts-disabled",
                          "aks-authorized-ip-ranges", "aks-cross-subscription", "legacy-azureml-fe"}))
      << report.to_string();
  // The capacity seen through the Kubernetes API (3 × 4 vCPU) passes the production minimum.
  EXPECT_FALSE(report.ok());
}

TEST_F(AzuremlExtensionEndToEnd, AsyncFormsComposeOnOneExecutor) {
  const auto c = cluster(local::cluster_kind::arc, "arc-async", 3);
  const auto id = add(c);
  azureml_settings s;
  s.enable_training = true;
  diagnostics diag;
  auto poller = session->azureml()
                    .async_begin_create(id, "azureml", s, {}, diag, boost::asio::use_future)
                    .get();
  auto body = poller.wait();
  EXPECT_EQ(model::extension::from_json(body).provisioning_state, "Succeeded");
  auto k = k8s(c.name);
  auto report = session->azureml().async_verify(id, "azureml", k, diag, boost::asio::use_future).get();
  EXPECT_TRUE(report.ok()) << report.to_string();
}

}  // namespace amlk8s::azureml_e2e_test
