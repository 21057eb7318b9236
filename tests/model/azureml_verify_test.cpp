#include <amlk8s/model/azureml_verify.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace amlk8s::model {
namespace azureml_verify_test {

boost::json::object deployment(std::string name, int replicas, int ready) {
  return boost::json::parse(R"({"metadata":{"name":")" + name + R"("},"spec":{"replicas":)" + std::to_string(replicas) +
                            R"(},"status":{"readyReplicas":)" + std::to_string(ready) + "}}")
      .as_object();
}

boost::json::object daemonset(std::string name, int desired, int ready) {
  return boost::json::parse(R"({"metadata":{"name":")" + name + R"("},"status":{"desiredNumberScheduled":)" +
                            std::to_string(desired) + R"(,"numberReady":)" + std::to_string(ready) + "}}")
      .as_object();
}

std::vector<std::string> ids(const std::vector<preflight_finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.id);
  return out;
}

const resource_id aks = cluster_id(cluster_kind::aks, "sub-a", "rg", "aks1");
const resource_id arc = cluster_id(cluster_kind::arc, "sub-a", "rg", "arc1");

TEST(AzuremlVerify, NamesEveryComponentRunningNotReadyOrMissing) {
  std::vector<component> expected{{"gateway", workload_kind::deployment, 1, ""},
                                  {"azureml-fe-v2", workload_kind::deployment, 3, ""},
                                  {"fluent-bit", workload_kind::daemonset, 0, ""},
                                  {"prometheus-prom-prometheus", workload_kind::statefulset, 1, ""}};
  observed_workloads seen;
  seen.deployments = {deployment("gateway", 1, 1), deployment("azureml-fe-v2", 3, 1)};
  seen.daemonsets = {daemonset("fluent-bit", 3, 3)};
  // A deployment with the statefulset's name does not count: kinds must match.
  seen.deployments.push_back(deployment("prometheus-prom-prometheus", 1, 1));
  auto r = evaluate_components(expected, seen);
  ASSERT_EQ(r.components.size(), 4u);
  EXPECT_EQ(r.components[0].state, component_state::running);
  EXPECT_EQ(r.components[1].state, component_state::not_ready);
  EXPECT_EQ(r.components[1].ready, 1);
  EXPECT_EQ(r.components[1].desired, 3);
  EXPECT_EQ(r.components[2].state, component_state::running);
  EXPECT_EQ(r.components[3].state, component_state::missing);
  EXPECT_FALSE(r.ok());
  const auto text = r.to_string();
  EXPECT_NE(text.find("azureml-fe-v2"), std::string::npos);
  EXPECT_NE(text.find("NotReady"), std::string::npos);
  EXPECT_NE(text.find("Missing"), std::string::npos);
}

TEST(AzuremlVerify, AllRunningWithoutHealthFindingsIsOk) {
  std::vector<component> expected{{"gateway", workload_kind::deployment, 1, ""}};
  observed_workloads seen;
  seen.deployments = {deployment("gateway", 1, 1)};
  seen.health_check_config_map = boost::json::parse(R"({"data":{"reports-pre-install":"all checks passed"}})").as_object();
  auto r = evaluate_components(expected, seen);
  EXPECT_TRUE(r.ok());
  r.provisioning_state = "Failed";
  EXPECT_FALSE(r.ok());
}

TEST(AzuremlVerify, ReadsHealthCheckCodesWithTheirMeaning) {
  auto cm = boost::json::parse(R"({"data":{
      "reports-pre-install":"healthcheck failed: E40002 INSUFFICIENT_NODE inferenceRouterHA needs 3 nodes; again E40002",
      "reports-pre-upgrade":"E40007 bad cert, E49999 something new, XE40001 not a code, E400011 neither"}})")
                .as_object();
  auto fs = read_health_check(cm);
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].phase, "pre-install");
  EXPECT_EQ(fs[0].code, "E40002");
  EXPECT_EQ(fs[0].name, "INSUFFICIENT_NODE");
  EXPECT_NE(fs[0].meaning.find("inferenceRouterHA=False"), std::string::npos);
  EXPECT_EQ(fs[1].phase, "pre-upgrade");
  EXPECT_EQ(fs[1].code, "E40007");
  EXPECT_EQ(fs[2].code, "E49999");
  EXPECT_TRUE(fs[2].name.empty());
}

TEST(AzuremlVerify, AStructuredReportCountsOnlyFailedChecks) {
  boost::json::object report{{"hook", "pre-install"},
                             {"result", "Failed"},
                             {"checks", boost::json::array{{{"code", "E40001"}, {"result", "Passed"}},
                                                           {{"code", "E40002"}, {"result", "Failed"}}}}};
  boost::json::object cm{{"data", {{"reports-pre-install", boost::json::serialize(report)}}}};
  auto fs = read_health_check(cm);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].code, "E40002");
  EXPECT_EQ(fs[0].phase, "pre-install");
}

TEST(AzuremlPreflight, ACleanAksClusterHasNoFindings) {
  preflight_facts f;
  f.cluster = aks;
  f.uses_service_principal = false;
  f.local_accounts_disabled = false;
  f.provider_registered = true;
  f.ready_nodes = 3;
  f.allocatable_cpu_cores = 12;
  f.allocatable_memory_gib = 48;
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  preflight_report r{evaluate_preflight(f, s)};
  EXPECT_TRUE(r.findings.empty()) << r.to_string();
  EXPECT_TRUE(r.ok());
}

TEST(AzuremlPreflight, EveryDocumentedAksLimitationIsAFinding) {
  preflight_facts f;
  f.cluster = aks;
  f.provider_registered = false;
  f.uses_service_principal = true;
  f.local_accounts_disabled = true;
  f.authorized_ip_ranges = {"10.0.0.0/8"};
  f.pod_identity_enabled = true;
  f.workspace_subscription_id = "sub-b";
  f.node_count = 2;
  f.allocatable_cpu_cores = 3.5;
  f.allocatable_memory_gib = 12;
  f.legacy_azureml_fe = {"Deployment/default/azureml-fe"};
  f.azureml_namespace_terminating = true;
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  auto fs = evaluate_preflight(f, s);
  EXPECT_EQ(ids(fs), (std::vector<std::string>{"provider-not-registered", "aks-service-principal",
                                               "aks-local-accounts-disabled", "aks-authorized-ip-ranges",
                                               "aks-pod-identity", "aks-cross-subscription", "inference-router-ha-nodes",
                                               "production-capacity", "legacy-azureml-fe",
                                               "azureml-namespace-terminating"}));
  preflight_report r{fs};
  EXPECT_FALSE(r.ok());
  for (const auto& x : fs) EXPECT_FALSE(x.fix.empty()) << x.id;
  // Turning HA off or not planning production removes those findings.
  s.inference_router_ha = false;
  f.production = false;
  auto fewer = ids(evaluate_preflight(f, s));
  EXPECT_EQ(std::count(fewer.begin(), fewer.end(), "inference-router-ha-nodes"), 0);
  EXPECT_EQ(std::count(fewer.begin(), fewer.end(), "production-capacity"), 0);
}

TEST(AzuremlPreflight, ArcLoadBalancerAndInternalLoadBalancer) {
  preflight_facts f;
  f.cluster = arc;
  f.ready_nodes = 3;
  azureml_settings s;
  s.enable_inference = true;
  s.inference_router_service_type = router_service_type::load_balancer;
  s.internal_load_balancer_provider = "azure";
  auto fs = evaluate_preflight(f, s);
  EXPECT_EQ(ids(fs), (std::vector<std::string>{"load-balancer-unavailable", "internal-load-balancer-not-aks"}));
  EXPECT_EQ(fs[0].severity, finding_severity::warning);  // unknown: a warning
  f.load_balancer_provisioned = false;
  EXPECT_EQ(evaluate_preflight(f, s)[0].severity, finding_severity::error);
  f.load_balancer_provisioned = true;
  s.internal_load_balancer_provider.reset();
  EXPECT_TRUE(evaluate_preflight(f, s).empty());
  // AKS-only checks do not apply to Arc.
  f.uses_service_principal = true;
  f.local_accounts_disabled = true;
  EXPECT_TRUE(evaluate_preflight(f, s).empty());
}

}  // namespace azureml_verify_test
}  // namespace amlk8s::model
