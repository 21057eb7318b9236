// The AzureML extension's in-cluster behaviour (include/amlk8s/local/azureml_agent.hpp): the seed's
// four deployment scenarios, each HealthCheck failure of contracts/arm-extensions.md §2.10, update
// reconciliation, delete with namespace azureml terminating (§3 item 10), driven through
// arm_api::handle and through control_plane.
#include "arm_test_support.hpp"

#include <amlk8s/local/azureml_agent.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/kube/api_server.hpp>
#include <amlk8s/local/test_ca.hpp>
#include <amlk8s/model/azureml_components.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <unistd.h>

namespace azureml_agent_test {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;
namespace res = kube::resources;
using amlk8s::local::cluster_kind;  // not the SDK's amlk8s::cluster_kind

constexpr std::string_view extensions_type = "Microsoft.KubernetesConfiguration/extensions";

std::string b64(std::string_view in) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(table[(v >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

std::string meta_str(const boost::json::object& o, std::string_view key) {
  const auto& m = o.at("metadata").as_object();
  return m.contains(key) ? str(m.at(key)) : std::string{};
}

std::string label_of(const boost::json::object& o, std::string_view key) {
  const auto& m = o.at("metadata").as_object();
  if (!m.contains("labels")) return {};
  const auto& l = m.at("labels").as_object();
  return l.contains(key) ? str(l.at(key)) : std::string{};
}

std::set<std::string> names(const std::vector<boost::json::object>& objects) {
  std::set<std::string> out;
  for (const auto& o : objects) out.insert(meta_str(o, "name"));
  return out;
}

// A Deployment nobody's Helm release owns.
boost::json::object plain_deployment(std::string_view name, std::string_view ns) {
  auto o = boost::json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{},)"
                              R"("spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},)"
                              R"("spec":{"containers":[{"name":"x","image":"x"}]}}}})")
               .as_object();
  o["metadata"] = boost::json::object{{"name", name}, {"namespace", ns}};
  return o;
}

// ARM plus one Kubernetes API per cluster, with the agent attached, as control_plane wires them.
struct agent_bench {
  explicit agent_bench(arm_options options = {}) : b(std::move(options)) {
    attach_azureml_agent(*b.arm, [this](const cluster_spec& c) -> std::shared_ptr<kube::api_server> {
      const auto it = apis.find(c.name);
      return it == apis.end() ? nullptr : it->second;
    });
  }

  /// A cluster with one pool per entry of `pools` (count, labels).
  std::string add_cluster(cluster_kind kind, const std::string& name,
                          const std::vector<std::pair<int, std::map<std::string, std::string>>>& pools,
                          std::optional<bool> load_balancer = std::nullopt) {
    cluster_spec spec;
    spec.kind = kind;
    spec.subscription = arm_bench::sub();
    spec.resource_group = "rg1";
    spec.name = name;
    spec.load_balancer = load_balancer;
    auto api = std::make_shared<kube::api_server>();
    int p = 0;
    for (const auto& [count, labels] : pools) {
      node_pool pool{"pool" + std::to_string(p), count, "Standard_D4s_v3", 4000, 16LL << 30, 0, labels, {}, "User"};
      spec.node_pools.push_back(pool);
      for (int i = 0; i < count; ++i) {
        kube::node_spec node;
        node.name = name + "-pool" + std::to_string(p) + "-" + std::to_string(i);
        node.labels = labels;
        api->add_node(node);
      }
      ++p;
    }
    apis[name] = api;
    b.arm->add_cluster(spec);
    return arm_id(spec);
  }

  static std::string extension_path(const std::string& cluster_id, std::string_view name) {
    return cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions/" + std::string(name);
  }

  http::response put_extension(const std::string& cluster_id, std::string_view name, boost::json::object settings,
                               boost::json::object protected_settings = {},
                               std::string_view type = "microsoft.azureml.kubernetes") {
    boost::json::object props{{"extensionType", type},
                              {"autoUpgradeMinorVersion", true},
                              {"releaseTrain", "stable"},
                              {"scope", {{"cluster", {{"releaseNamespace", "azureml"}}}}},
                              {"configurationSettings", std::move(settings)}};
    if (!protected_settings.empty()) props["configurationProtectedSettings"] = std::move(protected_settings);
    boost::json::object body{{"identity", {{"type", "SystemAssigned"}}}, {"properties", std::move(props)}};
    return b.call(verb::put, extension_path(cluster_id, name), boost::json::serialize(body));
  }

  /// The async status of the operation a write started.
  boost::json::object operation(const http::response& res) {
    return arm_bench::json(b.follow(std::string(*res.headers.get("Azure-AsyncOperation"))));
  }

  boost::json::object extension(const std::string& cluster_id, std::string_view name) {
    return arm_bench::json(b.call(verb::get, extension_path(cluster_id, name)));
  }

  kube::api_server& api(const std::string& name) { return *apis.at(name); }

  arm_bench b;
  std::map<std::string, std::shared_ptr<kube::api_server>> apis;
};

std::set<std::string> expected_names(const boost::json::object& settings, amlk8s::cluster_kind kind, std::string_view ext,
                                     model::workload_kind workload) {
  std::map<std::string, std::string> flat;
  for (const auto& [k, v] : settings) flat[std::string(k)] = str(v);
  std::set<std::string> out;
  for (const auto& c : model::expected_components(model::selection_from_settings(flat, kind), ext))
    if (c.kind == workload) out.insert(c.name);
  return out;
}

// Every component of `ext` is a ready workload whose pods run on `nodes` (all nodes when empty).
void expect_installed(kube::api_server& api, const boost::json::object& settings, amlk8s::cluster_kind kind,
                      const std::string& ext, std::size_t node_count) {
  EXPECT_EQ(names(api.list(res::deployments, "azureml")), expected_names(settings, kind, ext, model::workload_kind::deployment));
  EXPECT_EQ(names(api.list(res::daemonsets, "azureml")), expected_names(settings, kind, ext, model::workload_kind::daemonset));
  EXPECT_EQ(names(api.list(res::statefulsets, "azureml")), expected_names(settings, kind, ext, model::workload_kind::statefulset));
  for (const auto& d : api.list(res::deployments, "azureml")) {
    SCOPED_TRACE(meta_str(d, "name"));
    EXPECT_EQ(label_of(d, "app.kubernetes.io/managed-by"), "Helm");
    EXPECT_EQ(label_of(d, "app.kubernetes.io/instance"), ext);
    const auto replicas = d.at("spec").at("replicas").as_int64();
    EXPECT_EQ(d.at("status").at("readyReplicas").as_int64(), replicas);
    EXPECT_EQ(d.at("status").at("availableReplicas").as_int64(), replicas);
    const auto& tmpl = d.at("spec").at("template").as_object();
    EXPECT_TRUE(tmpl.at("spec").at("containers").at(0).at("resources").at("requests").as_object().contains("cpu"));
    const auto pods = api.list(res::pods, "azureml", "app.kubernetes.io/name=" + meta_str(d, "name"));
    EXPECT_EQ(static_cast<std::int64_t>(pods.size()), replicas);
  }
  for (const auto& ds : api.list(res::daemonsets, "azureml")) {
    SCOPED_TRACE(meta_str(ds, "name"));
    EXPECT_EQ(ds.at("status").at("numberReady").as_int64(), static_cast<std::int64_t>(node_count));
    EXPECT_EQ(ds.at("status").at("desiredNumberScheduled").as_int64(), static_cast<std::int64_t>(node_count));
    const auto pods = api.list(res::pods, "azureml", "app.kubernetes.io/name=" + meta_str(ds, "name"));
    EXPECT_EQ(pods.size(), node_count);
    std::set<std::string> nodes;
    for (const auto& p : pods) nodes.insert(str(p.at("spec").at("nodeName")));
    EXPECT_EQ(nodes.size(), node_count);
    EXPECT_EQ(str(pods.at(0).at("metadata").at("ownerReferences").at(0).at("uid")), meta_str(ds, "uid"));
  }
  for (const auto& sts : api.list(res::statefulsets, "azureml"))
    EXPECT_EQ(sts.at("status").at("readyReplicas").as_int64(), sts.at("spec").at("replicas").as_int64());
  std::set<std::string> node_names;
  for (const auto& n : api.list(res::nodes)) node_names.insert(meta_str(n, "name"));
  for (const auto& p : api.list(res::pods, "azureml")) {
    SCOPED_TRACE(meta_str(p, "name"));
    EXPECT_EQ(str(p.at("status").at("phase")), "Running");
    EXPECT_TRUE(node_names.contains(str(p.at("spec").at("nodeName"))));
    bool ready = false;
    for (const auto& c : p.at("status").at("conditions").as_array())
      if (str(c.at("type")) == "Ready") ready = str(c.at("status")) == "True";
    EXPECT_TRUE(ready);
    EXPECT_FALSE(p.at("metadata").at("ownerReferences").as_array().empty());
  }
}

std::string report(kube::api_server& api, std::string_view hook) {
  const auto cm = api.get(res::configmaps, "azureml", "arcml-healthcheck");
  if (!cm) return {};
  const auto& data = cm->at("data").as_object();
  const auto key = "reports-" + std::string(hook);
  return data.contains(key) ? str(data.at(key)) : std::string{};
}

// The seed's scenario 2: an Arc cluster for a proof of concept, training only.
TEST(AzuremlAgent, ArcTrainingOnly) {
  agent_bench t;
  const auto arc = t.add_cluster(cluster_kind::arc, "arc1", {{3, {}}});
  const boost::json::object settings{{"enableTraining", "True"}};
  auto res = t.put_extension(arc, "amlext", settings);
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded");
  auto& api = t.api("arc1");
  expect_installed(api, settings, amlk8s::cluster_kind::arc, "amlext", 3);
  const auto deployments = names(api.list(res::deployments, "azureml"));
  EXPECT_TRUE(deployments.contains("relayserver"));
  EXPECT_TRUE(deployments.contains("aml-operator"));
  EXPECT_TRUE(deployments.contains("amlext-kube-state-metrics"));
  EXPECT_FALSE(deployments.contains("azureml-fe-v2"));
  // Deployment -> ReplicaSet -> pods, as the controllers make them.
  const auto gateway = *api.get(res::deployments, "azureml", "gateway");
  const auto pods = api.list(res::pods, "azureml", "app.kubernetes.io/name=gateway");
  ASSERT_EQ(pods.size(), 1u);
  const auto rs = api.list(res::replicasets, "azureml", "app.kubernetes.io/name=gateway");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(str(rs[0].at("metadata").at("ownerReferences").at(0).at("uid")), meta_str(gateway, "uid"));
  EXPECT_EQ(str(pods[0].at("metadata").at("ownerReferences").at(0).at("uid")), meta_str(rs[0], "uid"));
  // The agent reports back; the health check left its report.
  const auto props = t.extension(arc, "amlext").at("properties").as_object();
  EXPECT_EQ(str(props.at("provisioningState")), "Succeeded");
  EXPECT_FALSE(str(props.at("currentVersion")).empty());
  ASSERT_EQ(props.at("statuses").as_array().size(), 1u);
  EXPECT_EQ(str(props.at("statuses").at(0).at("level")), "Information");
  EXPECT_FALSE(props.contains("errorInfo"));
  EXPECT_NE(report(api, "pre-install").find("\"result\":\"Passed\""), std::string::npos) << report(api, "pre-install");
  EXPECT_TRUE(api.get(res::secrets, "azureml", "sh.helm.release.v1.amlext.v1").has_value());
}

// The seed's scenario 1: an AKS cluster with two nodes; the CLI adds inferenceRouterHA=False to the
// user's `InferenceRouterHA=False` (Helm keys are case-sensitive).
TEST(AzuremlAgent, AksSmallClusterTrainingAndInferenceWithoutHa) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{2, {}}});
  const boost::json::object settings{{"enableTraining", "True"},         {"enableInference", "True"},
                                     {"inferenceRouterServiceType", "LoadBalancer"}, {"allowInsecureConnections", "True"},
                                     {"InferenceRouterHA", "False"},     {"inferenceRouterHA", "False"},
                                     {"clusterPurpose", "DevTest"}};
  auto res = t.put_extension(aks, "aml", settings);
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  auto& api = t.api("aks1");
  expect_installed(api, settings, amlk8s::cluster_kind::aks, "aml", 2);
  const auto fe = *api.get(res::deployments, "azureml", "azureml-fe-v2");
  EXPECT_EQ(fe.at("spec").at("replicas").as_int64(), 1);
  EXPECT_FALSE(api.get(res::deployments, "azureml", "relayserver").has_value());  // AKS: no relay

  // The same settings straight through ARM, without the CLI's lower-case key: HA stays on.
  agent_bench raw;
  const auto aks2 = raw.add_cluster(cluster_kind::aks, "aks2", {{2, {}}});
  boost::json::object typed = settings;
  typed.erase("inferenceRouterHA");
  res = raw.put_extension(aks2, "aml", typed);
  const auto op = raw.operation(res);
  EXPECT_EQ(str(op.at("status")), "Failed");
  EXPECT_NE(str(op.at("error").at("message")).find("E40002 INSUFFICIENT_NODE"), std::string::npos);
}

// The seed's scenario 3: production AKS with a public load balancer and HTTPS from PEM files.
TEST(AzuremlAgent, AksProductionHttps) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aksprod", {{4, {}}});
  const test_ca ca;
  const auto pair = ca.issue_server_certificate({"scoring.contoso.com"});
  const boost::json::object settings{{"enableTraining", "True"},
                                     {"enableInference", "True"},
                                     {"inferenceRouterServiceType", "LoadBalancer"},
                                     {"sslCname", "scoring.contoso.com"}};
  const boost::json::object secrets{{"sslCertPemFile", "/home/me/cert.pem"},
                                    {"sslKeyPemFile", "/home/me/key.pem"},
                                    {"scoringFe.sslCert", b64(pair.certificate_chain_pem)},
                                    {"scoringFe.sslKey", b64(pair.private_key_pem)}};
  auto res = t.put_extension(aks, "aml", settings, secrets);
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  auto& api = t.api("aksprod");
  expect_installed(api, settings, amlk8s::cluster_kind::aks, "aml", 4);
  EXPECT_EQ(api.get(res::deployments, "azureml", "azureml-fe-v2")->at("spec").at("replicas").as_int64(), 3);
  const auto fe_pods = api.list(res::pods, "azureml", "app.kubernetes.io/name=azureml-fe-v2");
  std::set<std::string> fe_nodes;
  for (const auto& p : fe_pods) fe_nodes.insert(str(p.at("spec").at("nodeName")));
  EXPECT_EQ(fe_nodes.size(), 3u);  // spread
  EXPECT_NE(report(api, "pre-install").find("E40007"), std::string::npos);
}

// The seed's scenario 4: Arc with NodePort, HTTPS from a secret, GPU add-ons, on GPU nodes only.
TEST(AzuremlAgent, ArcNodePortWithGpuAddOnsAndNodeSelector) {
  agent_bench t;
  const auto arc = t.add_cluster(cluster_kind::arc, "arcgpu", {{2, {{"pool", "cpu"}}}, {3, {{"accelerator", "nvidia"}}}});
  auto& api = t.api("arcgpu");
  const test_ca ca;
  const auto pair = ca.issue_server_certificate({"*.contoso.com"});
  api.create(res::secrets, boost::json::object{{"apiVersion", "v1"},
                                               {"kind", "Secret"},
                                               {"metadata", {{"name", "scoring-tls"}, {"namespace", "azureml"}}},
                                               {"data", {{"cert.pem", b64(pair.certificate_chain_pem)},
                                                         {"key.pem", b64(pair.private_key_pem)}}}});
  const boost::json::object settings{{"enableTraining", "True"},
                                     {"enableInference", "True"},
                                     {"inferenceRouterServiceType", "NodePort"},
                                     {"scoringFe.serviceType.nodePort", "True"},
                                     {"sslCname", "ml.contoso.com"},
                                     {"sslSecret", "scoring-tls"},
                                     {"scoringFe.sslSecret", "scoring-tls"},
                                     {"installNvidiaDevicePlugin", "True"},
                                     {"installDcgmExporter", "True"},
                                     {"nodeSelector.accelerator", "nvidia"}};
  auto res = t.put_extension(arc, "amlgpu", settings);
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  expect_installed(api, settings, amlk8s::cluster_kind::arc, "amlgpu", 3);
  const auto ds = names(api.list(res::daemonsets, "azureml"));
  EXPECT_TRUE(ds.contains("nvidia-device-plugin-daemonset"));
  EXPECT_TRUE(ds.contains("amlgpu-dcgm-exporter"));
  for (const auto& p : api.list(res::pods, "azureml")) {
    SCOPED_TRACE(meta_str(p, "name"));
    EXPECT_NE(str(p.at("spec").at("nodeName")).find("-pool1-"), std::string::npos);
    EXPECT_EQ(str(p.at("spec").at("nodeSelector").at("accelerator")), "nvidia");
  }
}

struct failure_case {
  std::string name;
  cluster_kind kind;
  int nodes;
  boost::json::object settings;
  boost::json::object secrets;
  std::string code;
  std::optional<bool> load_balancer = std::nullopt;
};

// §2.10: each failing check ends the operation like a failed Helm pre-install hook.
TEST(AzuremlAgent, HealthCheckFailuresFailTheInstall) {
  const test_ca ca;
  const auto good = ca.issue_server_certificate({"scoring.contoso.com"});
  const auto other = ca.issue_server_certificate({"other.contoso.com"});
  const boost::json::object inference{{"enableInference", "True"}, {"inferenceRouterServiceType", "NodePort"},
                                      {"allowInsecureConnections", "True"}};
  auto with = [&](boost::json::object extra) {
    auto s = inference;
    for (const auto& [k, v] : extra) s[k] = v;
    return s;
  };
  std::vector<failure_case> cases{
      {"ha-needs-three-nodes", cluster_kind::aks, 2, with({}), {}, "E40002 INSUFFICIENT_NODE", std::nullopt},
      {"ha-counts-selected-nodes", cluster_kind::aks, 5, with({{"nodeSelector.gpu", "yes"}}), {}, "E40002 INSUFFICIENT_NODE", std::nullopt},
      {"arc-has-no-load-balancer", cluster_kind::arc, 3, with({{"inferenceRouterServiceType", "loadBalancer"}}), {},
       "E40001 LOAD_BALANCER_NOT_SUPPORT", std::nullopt},
      {"aks-without-load-balancer", cluster_kind::aks, 3, with({{"inferenceRouterServiceType", "LoadBalancer"}}), {},
       "E40001 LOAD_BALANCER_NOT_SUPPORT", false},
      {"internal-lb-on-arc", cluster_kind::arc, 3, with({{"internalLoadBalancerProvider", "azure"}}), {},
       "E40003 INTERNAL_LOAD_BALANCER_NOT_SUPPORT", std::nullopt},
      {"internal-lb-flag-on-arc", cluster_kind::arc, 3, with({{"scoringFe.serviceType.internalLoadBalancer", "True"}}), {},
       "E40003 INTERNAL_LOAD_BALANCER_NOT_SUPPORT", std::nullopt},
      {"ssl-without-material", cluster_kind::aks, 3, with({{"allowInsecureConnections", "False"}}), {},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-secret-missing", cluster_kind::aks, 3,
       with({{"allowInsecureConnections", "False"}, {"scoringFe.sslSecret", "nope"}, {"sslCname", "scoring.contoso.com"}}), {},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-secret-without-key", cluster_kind::aks, 3,
       with({{"allowInsecureConnections", "False"}, {"sslSecret", "half"}, {"sslCname", "scoring.contoso.com"}}), {},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-cert-not-pem", cluster_kind::aks, 3, with({{"allowInsecureConnections", "False"}, {"sslCname", "scoring.contoso.com"}}),
       {{"scoringFe.sslCert", b64("not a certificate")}, {"scoringFe.sslKey", b64(good.private_key_pem)}},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-cert-not-base64", cluster_kind::aks, 3, with({{"allowInsecureConnections", "False"}, {"sslCname", "scoring.contoso.com"}}),
       {{"scoringFe.sslCert", good.certificate_chain_pem}, {"scoringFe.sslKey", b64(good.private_key_pem)}},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-key-of-another-cert", cluster_kind::aks, 3,
       with({{"allowInsecureConnections", "False"}, {"sslCname", "scoring.contoso.com"}}),
       {{"scoringFe.sslCert", b64(good.certificate_chain_pem)}, {"scoringFe.sslKey", b64(other.private_key_pem)}},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"ssl-cname-mismatch", cluster_kind::aks, 3, with({{"allowInsecureConnections", "False"}, {"sslCname", "ml.fabrikam.com"}}),
       {{"scoringFe.sslCert", b64(good.certificate_chain_pem)}, {"scoringFe.sslKey", b64(good.private_key_pem)}},
       "E40007 INVALID_SSL_SETTING", std::nullopt},
      {"legacy-azureml-fe", cluster_kind::aks, 3, boost::json::object{{"enableTraining", "True"}}, {},
       "E45005 AZUREML_FE_DEPLOYMENT_CONFLICT", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    agent_bench t;
    const auto cluster = t.add_cluster(c.kind, "c1", {{c.nodes, {}}}, c.load_balancer);
    auto& api = t.api("c1");
    if (c.name == "ssl-secret-without-key")
      api.create(res::secrets, boost::json::object{{"apiVersion", "v1"}, {"kind", "Secret"},
                                                   {"metadata", {{"name", "half"}, {"namespace", "azureml"}}},
                                                   {"data", {{"cert.pem", b64(good.certificate_chain_pem)}}}});
    if (c.name == "legacy-azureml-fe") api.create(res::deployments, plain_deployment("azureml-fe", "default"));
    auto res = t.put_extension(cluster, "aml", c.settings, c.secrets);
    ASSERT_EQ(res.status, 201) << res.body;
    const auto op = t.operation(res);
    ASSERT_EQ(str(op.at("status")), "Failed") << boost::json::serialize(op);
    EXPECT_EQ(str(op.at("error").at("code")), "ExtensionOperationFailed");
    const auto message = str(op.at("error").at("message"));
    EXPECT_NE(message.find("pre-install: pod healthcheck failed"), std::string::npos) << message;
    EXPECT_NE(message.find(c.code), std::string::npos) << message;
    EXPECT_NE(message.find("aka.ms/arcmltsg"), std::string::npos);
    const auto props = t.extension(cluster, "aml").at("properties").as_object();
    EXPECT_EQ(str(props.at("provisioningState")), "Failed");
    EXPECT_EQ(str(props.at("errorInfo").at("code")), "ExtensionOperationFailed");
    EXPECT_EQ(str(props.at("statuses").at(0).at("level")), "Error");
    EXPECT_TRUE(props.at("currentVersion").is_null());
    const auto text = report(api, "pre-install");
    EXPECT_NE(text.find("\"result\":\"Failed\""), std::string::npos) << text;
    EXPECT_NE(text.find(c.code.substr(0, 6)), std::string::npos) << text;
    EXPECT_TRUE(api.list(res::deployments, "azureml").empty());
    EXPECT_TRUE(api.list(res::pods, "azureml").empty());
  }
}

TEST(AzuremlAgent, ChecksThatPass) {
  // An Arc cluster declared with a load balancer (MetalLB) takes LoadBalancer; the internal load
  // balancer works on AKS; insecure inference needs no SSL material.
  agent_bench t;
  const auto arc = t.add_cluster(cluster_kind::arc, "arclb", {{3, {}}}, true);
  auto res = t.put_extension(arc, "aml", {{"enableInference", "True"}, {"inferenceRouterServiceType", "LoadBalancer"},
                                          {"allowInsecureConnections", "True"}});
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded");
  const auto aks = t.add_cluster(cluster_kind::aks, "aksilb", {{3, {}}});
  res = t.put_extension(aks, "aml", {{"enableInference", "True"}, {"inferenceRouterServiceType", "LoadBalancer"},
                                     {"internalLoadBalancerProvider", "azure"}, {"allowInsecureConnections", "True"}});
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded");
}

// §3 item 4: an object the chart would own that Helm did not make.
TEST(AzuremlAgent, ForeignObjectBlocksTheInstall) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{3, {}}});
  auto& api = t.api("aks1");
  api.create(res::deployments, plain_deployment("gateway", "azureml"));
  auto res = t.put_extension(aks, "aml", {{"enableTraining", "True"}});
  const auto op = t.operation(res);
  ASSERT_EQ(str(op.at("status")), "Failed");
  EXPECT_NE(str(op.at("error").at("message")).find("cannot be imported into the current release: invalid ownership metadata"),
            std::string::npos);
}

TEST(AzuremlAgent, UpdateReconcilesComponents) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{3, {}}});
  auto& api = t.api("aks1");
  auto res = t.put_extension(aks, "aml", {{"enableTraining", "True"}, {"enableInference", "True"},
                                          {"inferenceRouterServiceType", "NodePort"}, {"allowInsecureConnections", "True"}});
  ASSERT_EQ(str(t.operation(res).at("status")), "Succeeded");
  EXPECT_EQ(api.list(res::pods, "azureml", "app.kubernetes.io/name=azureml-fe-v2").size(), 3u);
  const auto fe_uid = meta_str(*api.get(res::deployments, "azureml", "azureml-fe-v2"), "uid");
  ASSERT_TRUE(api.get(res::deployments, "azureml", "aml-operator").has_value());

  // Training off, one router replica, the device plugin on.
  res = t.b.call(verb::patch, agent_bench::extension_path(aks, "aml"),
                 R"({"properties":{"configurationSettings":{"enableTraining":"False","inferenceRouterHA":"False",)"
                 R"("installNvidiaDevicePlugin":"True"}}})");
  ASSERT_EQ(res.status, 202) << res.body;
  ASSERT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  const auto settings = t.extension(aks, "aml").at("properties").at("configurationSettings").as_object();
  EXPECT_EQ(settings.size(), 6u);  // merged by key (enableTraining replaced, two added)
  expect_installed(api, settings, amlk8s::cluster_kind::aks, "aml", 3);
  EXPECT_FALSE(api.get(res::deployments, "azureml", "aml-operator").has_value());
  EXPECT_FALSE(api.get(res::deployments, "azureml", "volcano-scheduler").has_value());
  EXPECT_TRUE(api.list(res::pods, "azureml", "app.kubernetes.io/name=aml-operator").empty());
  EXPECT_TRUE(api.get(res::daemonsets, "azureml", "nvidia-device-plugin-daemonset").has_value());
  const auto fe = *api.get(res::deployments, "azureml", "azureml-fe-v2");
  EXPECT_EQ(meta_str(fe, "uid"), fe_uid);  // scaled, not replaced
  EXPECT_EQ(fe.at("spec").at("replicas").as_int64(), 1);
  EXPECT_EQ(api.list(res::pods, "azureml", "app.kubernetes.io/name=azureml-fe-v2").size(), 1u);
  EXPECT_FALSE(report(api, "pre-upgrade").empty());
  EXPECT_EQ(str(t.extension(aks, "aml").at("properties").at("statuses").at(0).at("code")), "UpgradeSucceeded");
  EXPECT_EQ(label_of(*api.get(res::secrets, "azureml", "sh.helm.release.v1.aml.v1"), "status"), "superseded");
  EXPECT_EQ(label_of(*api.get(res::secrets, "azureml", "sh.helm.release.v1.aml.v2"), "status"), "deployed");

  // A PUT that moves the components to selected nodes replaces their pods.
  res = t.put_extension(aks, "aml", {{"enableInference", "True"}, {"inferenceRouterServiceType", "NodePort"},
                                     {"allowInsecureConnections", "True"}, {"inferenceRouterHA", "False"},
                                     {"nodeSelector.kubernetes.io/hostname", "aks1-pool0-1"}});
  ASSERT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  for (const auto& p : api.list(res::pods, "azureml")) EXPECT_EQ(str(p.at("spec").at("nodeName")), "aks1-pool0-1");
  EXPECT_EQ(api.list(res::pods, "azureml", "app.kubernetes.io/name=fluent-bit").size(), 1u);
  EXPECT_EQ(api.list(res::replicasets, "azureml", "app.kubernetes.io/name=gateway").size(), 1u);

  // A failing pre-upgrade check leaves the release as it was.
  const auto before = names(api.list(res::pods, "azureml"));
  res = t.b.call(verb::patch, agent_bench::extension_path(aks, "aml"),
                 R"({"properties":{"configurationSettings":{"inferenceRouterHA":"True"}}})");
  const auto op = t.operation(res);
  ASSERT_EQ(str(op.at("status")), "Failed");
  EXPECT_NE(str(op.at("error").at("message")).find("pre-upgrade: pod healthcheck failed"), std::string::npos);
  EXPECT_NE(str(op.at("error").at("message")).find("E40002"), std::string::npos);
  EXPECT_EQ(names(api.list(res::pods, "azureml")), before);
  const auto props = t.extension(aks, "aml").at("properties").as_object();
  EXPECT_EQ(str(props.at("provisioningState")), "Failed");
  EXPECT_FALSE(props.at("currentVersion").is_null());
  EXPECT_NE(report(api, "pre-upgrade").find("E40002"), std::string::npos);
}

TEST(AzuremlAgent, DeleteTerminatesTheNamespace) {
  arm_options options;
  options.lro_delay = 10s;
  agent_bench t(options);
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{3, {}}});
  auto& api = t.api("aks1");
  ASSERT_EQ(t.put_extension(aks, "aml", {{"enableTraining", "True"}}).status, 201);
  t.b.time->advance(10s);
  t.b.arm->settle();
  ASSERT_FALSE(api.list(res::deployments, "azureml").empty());

  auto res = t.b.call(verb::delete_, agent_bench::extension_path(aks, "aml"));
  ASSERT_EQ(res.status, 202);
  // While the uninstall runs: no components, namespace Terminating.
  EXPECT_TRUE(api.list(res::deployments, "azureml").empty());
  EXPECT_TRUE(api.list(res::daemonsets, "azureml").empty());
  EXPECT_TRUE(api.list(res::pods, "azureml").empty());
  auto ns = api.get(res::namespaces, "", "azureml");
  ASSERT_TRUE(ns.has_value());
  EXPECT_FALSE(meta_str(*ns, "deletionTimestamp").empty());
  EXPECT_EQ(str(ns->at("status").at("phase")), "Terminating");
  EXPECT_FALSE(report(api, "pre-delete").empty());
  EXPECT_THROW(api.create(res::configmaps, boost::json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                                               {"metadata", {{"name", "x"}, {"namespace", "azureml"}}}}),
               amlk8s::error);

  // Installing again now fails like the real thing (§3 item 10).
  res = t.put_extension(aks, "aml2", {{"enableTraining", "True"}});
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(str(arm_bench::json(res).at("properties").at("provisioningState")), "Failed");
  auto op = t.operation(res);
  EXPECT_EQ(str(op.at("status")), "Failed");
  EXPECT_NE(str(op.at("error").at("message")).find("unable to create new content in namespace azureml because it is being terminated"),
            std::string::npos)
      << str(op.at("error").at("message"));

  t.b.time->advance(10s);
  t.b.arm->settle();
  EXPECT_FALSE(api.get(res::namespaces, "", "azureml").has_value());
  EXPECT_FALSE(t.b.arm->get(agent_bench::extension_path(aks, "aml")).has_value());
  EXPECT_FALSE(api.get(res::deployments, "azureml", "gateway").has_value());

  // A later install recreates the namespace.
  res = t.put_extension(aks, "aml2", {{"enableTraining", "True"}});
  ASSERT_EQ(res.status, 200) << res.body;
  t.b.time->advance(10s);
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded") << boost::json::serialize(t.operation(res));
  EXPECT_TRUE(api.get(res::namespaces, "", "azureml").has_value());
  expect_installed(api, boost::json::object{{"enableTraining", "True"}}, amlk8s::cluster_kind::aks, "aml2", 3);
  EXPECT_FALSE(report(api, "pre-install").empty());
}

TEST(AzuremlAgent, ForceDeleteRemovesEverythingAtOnce) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{3, {}}});
  auto& api = t.api("aks1");
  auto res = t.put_extension(aks, "aml", {{"enableTraining", "True"}});
  ASSERT_EQ(str(t.operation(res).at("status")), "Succeeded");
  res = t.b.call(verb::delete_, agent_bench::extension_path(aks, "aml") + "?forceDelete=true");
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(api.get(res::namespaces, "", "azureml").has_value());
  EXPECT_TRUE(api.list(res::pods).empty());
}

TEST(AzuremlAgent, OtherExtensionTypesChangeNothingInTheCluster) {
  agent_bench t;
  const auto aks = t.add_cluster(cluster_kind::aks, "aks1", {{1, {}}});
  auto& api = t.api("aks1");
  const auto before = api.resource_version();
  auto res = t.put_extension(aks, "flux", {{"enableInference", "True"}}, {}, "microsoft.flux");
  EXPECT_EQ(str(t.operation(res).at("status")), "Succeeded");
  EXPECT_EQ(api.resource_version(), before);
  res = t.b.call(verb::delete_, agent_bench::extension_path(aks, "flux"));
  t.b.arm->settle();
  EXPECT_EQ(api.resource_version(), before);
  EXPECT_TRUE(api.get(res::namespaces, "", "azureml").has_value());
}

TEST(AzuremlAgent, ExtensionTypeComparesCaseInsensitively) {
  resource_event e;
  e.type = std::string(extensions_type);
  e.body = {{"properties", {{"extensionType", "Microsoft.AzureML.Kubernetes"}}}};
  EXPECT_TRUE(is_azureml_extension(e));
  e.body = {{"properties", {{"extensionType", "microsoft.flux"}}}};
  EXPECT_FALSE(is_azureml_extension(e));
}

// Sans I/O: the agent driven with an api_server and an event, no ARM at all.
TEST(AzuremlAgent, RunsWithoutArm) {
  kube::api_server api;
  for (int i = 0; i < 3; ++i) {
    kube::node_spec node;
    node.name = "n" + std::to_string(i);
    api.add_node(node);
  }
  cluster_spec cluster;
  cluster.kind = cluster_kind::arc;
  resource_event e;
  e.kind = change_kind::created;
  e.id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/"
         "Microsoft.KubernetesConfiguration/extensions/ml";
  e.type = std::string(extensions_type);
  e.body = {{"name", "ml"},
            {"properties", {{"extensionType", "microsoft.azureml.kubernetes"}, {"currentVersion", "1.1.60"},
                            {"configurationSettings", {{"enableTraining", "True"}}}}}};
  EXPECT_FALSE(run_azureml_agent(api, cluster, e).has_value());
  EXPECT_EQ(str(e.body.at("properties").at("statuses").at(0).at("code")), "InstallationSucceeded");
  const auto gateway = api.get(res::deployments, "azureml", "gateway");
  ASSERT_TRUE(gateway.has_value());
  EXPECT_EQ(label_of(*gateway, "helm.sh/chart"), "azureml-1.1.60");
  e.kind = change_kind::deleted;
  EXPECT_FALSE(run_azureml_agent(api, cluster, e).has_value());
  EXPECT_FALSE(api.get(res::namespaces, "", "azureml").has_value());
}

// control_plane wires the agent to each cluster's Kubernetes API.
TEST(AzuremlAgent, ControlPlaneInstallsIntoTheClusterApi) {
  control_plane_options o;
  o.https = false;
  o.min_retry_after = 0s;
  o.work_dir = std::filesystem::temp_directory_path() / ("amlk8s-agent-test-" + std::to_string(::getpid()));
  {
    control_plane cp(o);
    cluster_spec spec;
    spec.subscription = arm_bench::sub();
    spec.resource_group = "rg1";
    spec.name = "cpaks";
    spec.node_pools.push_back({"system", 3, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
    const auto id = cp.azure().arm().add_cluster(spec);
    auto token = cp.azure().tokens().issue(dev_client_id, "https://management.azure.com");
    http::request req;
    req.method = verb::put;
    req.url = "http://127.0.0.1:1" + agent_bench::extension_path(id, "aml") + "?api-version=2024-11-01";
    req.headers.set("Authorization", "Bearer " + token);
    req.headers.set("Content-Type", "application/json");
    req.body = R"({"properties":{"extensionType":"Microsoft.AzureML.Kubernetes","configurationSettings":{"enableTraining":"True"}}})";
    ASSERT_EQ(cp.azure().arm().handle(req).status, 201);
    cp.azure().arm().settle();
    auto* api = cp.cluster("cpaks");
    ASSERT_NE(api, nullptr);
    EXPECT_TRUE(api->get(res::deployments, "azureml", "aml-operator").has_value());
    EXPECT_EQ(api->list(res::pods, "azureml", "app.kubernetes.io/name=fluent-bit").size(), 3u);
  }
  std::filesystem::remove_all(o.work_dir);
}

}  // namespace azureml_agent_test
