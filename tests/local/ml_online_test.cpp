// Kubernetes online endpoints and deployments through the control plane's HTTP surface
// (contracts/aml-workspace-and-auth.md §2.4–2.6; contracts/kubernetes.md §1.4, §4.4): endpoint and
// deployment checks, the inference operator's pods and scheduling, keys and tokens, and the
// scoring route with its traffic split.
#include "ml_test_support.hpp"

#include <amlk8s/model/workload_labels.hpp>

#include <gtest/gtest.h>

#include <set>

namespace ml_online_test {

using namespace amlk8s;
using namespace amlk8s::local;
using namespace amlk8s::local::testing;
using namespace std::chrono_literals;
using http::verb;
namespace labels = model::workload_labels;

boost::json::object json(const http::response& res) { return boost::json::parse(res.body).as_object(); }
std::string code_of(const http::response& res) { return str(json(res).at("error").at("code")); }

// A workspace with a 3-node CPU cluster (4 CPU, 16 GiB each) attached as compute `k8s` in namespace
// `ml`, instance types `cpusmall` and `gpu1`, a registered model `m:1`, and endpoint `ep1` (Key).
struct online : ::testing::Test {
  online() : p("online") {
    cluster = p.add_cluster("aks1", {ml_plane::cpu_pool()});
    EXPECT_EQ(ml_plane::state_of(p.install_extension(cluster, ml_plane::training_and_inference())), "Succeeded");
    p.add_instance_type("aks1", "cpusmall",
                        R"({"resources":{"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"cpu":"1","memory":"2Gi"}}})");
    p.add_instance_type("aks1", "gpu1",
                        R"({"resources":{"requests":{"cpu":"1","memory":"4Gi"},"limits":{"cpu":"2","memory":"8Gi","nvidia.com/gpu":1}}})");
    EXPECT_EQ(p.send(verb::post, "/k8s/aks1/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ml"}})",
                     {}, p.token)
                  .status,
              201);
    compute = p.attach("k8s", cluster, "ml");
    EXPECT_EQ(ml_plane::state_of(p.get(compute)), "Succeeded");
    auto res = p.arm(verb::put, p.workspace + "/models/m/versions/1",
                     R"({"properties":{"modelUri":"azureml://datastores/workspaceblobstore/paths/m/1","description":"a model"}})");
    EXPECT_EQ(res.status, 201) << res.body;
    model = str(json(res).at("id"));
    endpoint = p.workspace + "/onlineEndpoints/ep1";
    res = put_endpoint("ep1", "Key");
    EXPECT_EQ(res.status, 201) << res.body;
    EXPECT_EQ(ml_plane::state_of(p.get(endpoint)), "Succeeded");
  }

  http::response put_endpoint(const std::string& name, const std::string& mode, const std::string& traffic = "{}") {
    return p.arm(verb::put, p.workspace + "/onlineEndpoints/" + name,
                 R"({"location":"eastus","properties":{"authMode":")" + mode + R"(","compute":")" + compute +
                     R"(","traffic":)" + traffic + "}}");
  }

  /// PUTs deployment `name` of `ep` and returns the PUT's answer.
  http::response put_deployment(const std::string& name, const std::string& instance_type, int capacity = 1,
                                const std::string& ep = "ep1") {
    std::string props = R"("endpointComputeType":"Kubernetes","model":")" + model + R"(")";
    if (!instance_type.empty()) props += R"(,"instanceType":")" + instance_type + R"(")";
    return p.arm(verb::put, p.workspace + "/onlineEndpoints/" + ep + "/deployments/" + name,
                 R"({"location":"eastus","sku":{"name":"Default","capacity":)" + std::to_string(capacity) +
                     R"(},"properties":{)" + props + "}}");
  }

  std::string deployment_state(const std::string& name, const std::string& ep = "ep1") {
    return ml_plane::state_of(p.get(p.workspace + "/onlineEndpoints/" + ep + "/deployments/" + name));
  }

  boost::json::array pods_of(const std::string& deployment, const std::string& ep = "ep1") {
    return p.pods("aks1", "ml",
                  std::string(labels::endpoint) + "=" + ep + "," + std::string(labels::deployment) + "=" + deployment);
  }

  std::string key(std::string_view which = "primaryKey") {
    const auto res = p.arm(verb::post, endpoint + "/listKeys");
    EXPECT_EQ(res.status, 200) << res.body;
    return str(json(res).at(which));
  }

  std::string scoring_uri(const std::string& ep = "ep1") {
    return str(p.get(p.workspace + "/onlineEndpoints/" + ep).at("properties").at("scoringUri"));
  }

  http::response score(const std::string& credential, const std::string& body = R"({"data":[1,2]})",
                       std::optional<std::string> deployment = std::nullopt, const std::string& ep = "ep1") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (deployment) headers.emplace_back("azureml-model-deployment", *deployment);
    return p.send(verb::post, scoring_uri(ep), body, headers, credential);
  }

  void set_traffic(const std::string& traffic) {
    const auto res = put_endpoint("ep1", "Key", traffic);
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_EQ(ml_plane::state_of(p.get(endpoint)), "Succeeded");
  }

  ml_plane p;
  std::string cluster;
  std::string compute;
  std::string model;
  std::string endpoint;
};

TEST_F(online, EndpointNeedsAKubernetesComputeOfItsWorkspace) {
  const auto ws = p.workspace;
  for (const auto& bad : {std::string{}, ws, ws + "/computes/missing", cluster}) {
    const auto res = p.arm(verb::put, ws + "/onlineEndpoints/bad",
                           R"({"properties":{"authMode":"Key","compute":")" + bad + R"("}})");
    ASSERT_EQ(res.status, 400) << bad << ": " << res.body;
    EXPECT_EQ(code_of(res), "BadArgument");
    EXPECT_EQ(str(json(res).at("error").at("target")), "properties.compute");
  }
  auto res = put_endpoint("bad", "Password");
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(json(res).at("error").at("target")), "properties.authMode");
  // authMode is canonicalised; a second endpoint of the same name elsewhere is refused.
  res = put_endpoint("tok", "amltoken");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(str(json(res).at("properties").at("authMode")), "AMLToken");
  p.cp.azure().arm().add_workspace({arm_bench::sub(), "rg1", "ws2", "eastus", ""});
  res = p.arm(verb::put, arm_bench::rg_path() + ml_provider + "ws2/onlineEndpoints/ep1",
              R"({"properties":{"authMode":"Key","compute":")" + compute + R"("}})");
  ASSERT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(code_of(res), "EndpointNameInUse");
  // A compute of another workspace does not do.
  res = p.arm(verb::put, arm_bench::rg_path() + ml_provider + "ws2/onlineEndpoints/other",
              R"({"properties":{"authMode":"Key","compute":")" + compute + R"("}})");
  ASSERT_EQ(res.status, 400) << res.body;
  // Traffic must name deployments that exist and add up to 100.
  res = put_endpoint("ep1", "Key", R"({"nothere":100})");
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(str(json(res).at("error").at("target")), "properties.traffic");
}

TEST_F(online, DeploymentChecksItsModel) {
  auto res = p.arm(verb::put, endpoint + "/deployments/x",
                   R"({"properties":{"model":")" + p.workspace + R"(/models/m/versions/9"}})");
  ASSERT_EQ(res.status, 400) << res.body;
  EXPECT_EQ(code_of(res), "BadArgument");
  EXPECT_EQ(str(json(res).at("error").at("target")), "properties.model");
  EXPECT_EQ(p.arm(verb::get, endpoint + "/deployments/x").status, 404);
  // A registry id is taken as it is.
  res = p.arm(verb::put, endpoint + "/deployments/x",
              R"({"properties":{"model":"azureml://registries/azureml/models/m/versions/1","instanceType":"cpusmall"}})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(deployment_state("x"), "Succeeded");
}

TEST_F(online, DeploymentOnAFittingTypeRunsLabelledPods) {
  const auto res = put_deployment("blue", "cpusmall", 2);
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_TRUE(res.headers.contains("Azure-AsyncOperation"));
  EXPECT_EQ(deployment_state("blue"), "Succeeded");
  EXPECT_EQ(str(p.operation(res).at("status")), "Succeeded");
  const auto pods = pods_of("blue");
  ASSERT_EQ(pods.size(), 2u);
  std::set<std::string> names;
  for (const auto& v : pods) {
    const auto& pod = v.as_object();
    names.insert(str(pod.at("metadata").at("name")));
    const auto& l = pod.at("metadata").at("labels").as_object();
    EXPECT_EQ(str(l.at(labels::compute)), "k8s");
    EXPECT_EQ(str(l.at(labels::instance_type)), "cpusmall");
    EXPECT_EQ(str(pod.at("status").at("phase")), "Running");
    EXPECT_FALSE(str(pod.at("spec").at("nodeName")).empty());
    const auto& c = pod.at("spec").at("containers").at(0).as_object();
    EXPECT_EQ(str(c.at("name")), labels::inference_container);
    EXPECT_EQ(str(c.at("resources").at("requests").at("cpu")), "500m");
    EXPECT_EQ(str(c.at("resources").at("limits").at("memory")), "2Gi");
  }
  EXPECT_EQ(names, (std::set<std::string>{labels::deployment_pod_name("ep1", "blue", 0),
                                          labels::deployment_pod_name("ep1", "blue", 1)}));

  // No instanceType: defaultinstancetype.
  ASSERT_EQ(put_deployment("plain", "").status, 201);
  EXPECT_EQ(deployment_state("plain"), "Succeeded");
  const auto plain = pods_of("plain");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(str(plain.at(0).at("metadata").at("labels").at(labels::instance_type)), "defaultinstancetype");
  EXPECT_EQ(str(plain.at(0).at("spec").at("containers").at(0).at("resources").at("requests").at("memory")), "2Gi");

  // A re-PUT with another capacity remakes the pods.
  ASSERT_EQ(put_deployment("blue", "cpusmall", 1).status, 200);
  EXPECT_EQ(deployment_state("blue"), "Succeeded");
  EXPECT_EQ(pods_of("blue").size(), 1u);
}

TEST_F(online, DeploymentThatCannotBeScheduledFails) {
  auto res = put_deployment("gpu", "gpu1");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(deployment_state("gpu"), "Failed");
  const auto op = p.operation(res);
  EXPECT_EQ(str(op.at("status")), "Failed");
  const auto message = str(op.at("error").at("message"));
  EXPECT_EQ(str(op.at("error").at("code")), "DeploymentUnschedulable");
  EXPECT_NE(message.find("0/3 nodes are available: 3 Insufficient nvidia.com/gpu."), std::string::npos) << message;
  const auto pods = pods_of("gpu");
  ASSERT_EQ(pods.size(), 1u);
  const auto& status = pods.at(0).at("status").as_object();
  EXPECT_EQ(str(status.at("phase")), "Pending");
  const auto& cond = status.at("conditions").at(0).as_object();
  EXPECT_EQ(str(cond.at("type")), "PodScheduled");
  EXPECT_EQ(str(cond.at("status")), "False");
  EXPECT_EQ(str(cond.at("reason")), "Unschedulable");
  EXPECT_NE(str(cond.at("message")).find("Insufficient nvidia.com/gpu"), std::string::npos);

  // More instances than the nodes hold: 4 CPU a node, cpusmall requests 500m; 3 nodes minus the
  // extension's own pods cannot take 30.
  res = put_deployment("many", "cpusmall", 30);
  ASSERT_EQ(res.status, 201);
  EXPECT_EQ(deployment_state("many"), "Failed");
  EXPECT_NE(str(p.operation(res).at("error").at("message")).find("Insufficient cpu"), std::string::npos);

  // An instance type the cluster does not have.
  res = put_deployment("odd", "nosuchtype");
  ASSERT_EQ(res.status, 201);
  EXPECT_EQ(deployment_state("odd"), "Failed");
  const auto odd = p.operation(res);
  EXPECT_EQ(str(odd.at("error").at("code")), "InstanceTypeNotFound");
  EXPECT_NE(str(odd.at("error").at("message")).find("cpusmall, gpu1, defaultinstancetype"), std::string::npos);
  EXPECT_TRUE(pods_of("odd").empty());
}

TEST_F(online, ScoringWithKeysAndTheDeploymentHeader) {
  ASSERT_EQ(put_deployment("blue", "cpusmall").status, 201);
  ASSERT_EQ(deployment_state("blue"), "Succeeded");
  set_traffic(R"({"blue":100})");
  const auto uri = scoring_uri();
  EXPECT_EQ(uri, p.base + "/api/v1/endpoint/ep1/score");

  auto res = score(key());
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = json(res);
  EXPECT_EQ(str(body.at("deployment")), "blue");
  EXPECT_EQ(str(body.at("model")), model);
  EXPECT_EQ(str(body.at("instance_type")), "cpusmall");
  EXPECT_EQ(str(body.at("pod")), labels::deployment_pod_name("ep1", "blue", 0));
  EXPECT_EQ(body.at("input"), boost::json::parse(R"({"data":[1,2]})"));
  EXPECT_EQ(res.headers.get("azureml-model-deployment").value_or(""), "blue");
  EXPECT_EQ(score(key("secondaryKey")).status, 200);

  // Wrong, missing credentials; unknown endpoint; a body that is not JSON.
  res = score("not-a-key");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(code_of(res), "Unauthorized");
  EXPECT_EQ(p.send(verb::post, uri, "{}").status, 401);
  res = p.send(verb::post, p.base + "/api/v1/endpoint/nope/score", "{}", {}, key());
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(score(key(), "not json").status, 400);

  // The header picks a deployment regardless of traffic; a deployment without Running pods is 503.
  ASSERT_EQ(put_deployment("green", "cpusmall").status, 201);
  ASSERT_EQ(deployment_state("green"), "Succeeded");
  res = score(key(), "[1]", "green");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(str(json(res).at("deployment")), "green");
  EXPECT_EQ(score(key(), "[1]", "nothere").status, 404);
  ASSERT_EQ(put_deployment("gpu", "gpu1").status, 201);
  ASSERT_EQ(deployment_state("gpu"), "Failed");
  res = score(key(), "[1]", "gpu");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(code_of(res), "NoHealthyUpstream");

  // regenerateKeys: the old primary key stops working.
  const auto old_key = key();
  res = p.arm(verb::post, endpoint + "/regenerateKeys", R"({"keyType":"Primary"})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_NE(key(), old_key);
  EXPECT_EQ(score(old_key).status, 401);
  EXPECT_EQ(score(key()).status, 200);
  res = p.arm(verb::post, endpoint + "/regenerateKeys", R"({"keyType":"Secondary","keyValue":"my-own-secondary-key-1"})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(key("secondaryKey"), "my-own-secondary-key-1");
  EXPECT_EQ(p.arm(verb::post, endpoint + "/regenerateKeys", R"({"keyType":"Tertiary"})").status, 400);
  // A Key endpoint issues no tokens.
  EXPECT_EQ(p.arm(verb::post, endpoint + "/token").status, 400);

  // The swagger document, with the same credentials.
  const auto swagger = str(p.get(endpoint).at("properties").at("swaggerUri"));
  res = p.send(verb::get, swagger, {}, {}, key());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(str(json(res).at("swagger")), "2.0");
  EXPECT_TRUE(json(res).at("paths").as_object().contains("/score"));
  EXPECT_EQ(p.send(verb::get, swagger).status, 401);
}

TEST_F(online, ScoringWithAnAmlToken) {
  ASSERT_EQ(put_endpoint("tok", "AMLToken").status, 201);
  ASSERT_EQ(put_deployment("blue", "cpusmall", 1, "tok").status, 201);
  ASSERT_EQ(deployment_state("blue", "tok"), "Succeeded");
  const auto tok = p.workspace + "/onlineEndpoints/tok";
  EXPECT_EQ(p.arm(verb::post, tok + "/listKeys").status, 400);  // no keys in AMLToken mode
  auto res = p.arm(verb::post, tok + "/token");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto token = json(res);
  const auto access = str(token.at("accessToken"));
  EXPECT_EQ(str(token.at("tokenType")), "Bearer");
  EXPECT_GT(token.at("expiryTimeUtc").to_number<std::int64_t>(), token.at("refreshAfterTimeUtc").to_number<std::int64_t>());

  res = score(access, R"({"x":1})", "blue", "tok");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(str(json(res).at("deployment")), "blue");
  EXPECT_EQ(score(key(), R"({"x":1})", "blue", "tok").status, 401);  // ep1's key is not tok's
  // The token expires with the clock.
  const auto uri = scoring_uri("tok");
  p.cp.azure().time().advance(2h);
  res = p.send(verb::post, uri, R"({"x":1})", {}, access);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(code_of(res), "Unauthorized");
}

TEST_F(online, TrafficSplitsBetweenDeployments) {
  ASSERT_EQ(put_deployment("blue", "cpusmall").status, 201);
  ASSERT_EQ(put_deployment("green", "cpusmall").status, 201);
  ASSERT_EQ(deployment_state("blue"), "Succeeded");
  ASSERT_EQ(deployment_state("green"), "Succeeded");

  // No traffic yet: nothing to route to unless the header names a deployment.
  auto res = score(key());
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(code_of(res), "NoTrafficAllocated");

  EXPECT_EQ(put_endpoint("ep1", "Key", R"({"blue":50,"green":40})").status, 400);  // adds up to 90
  set_traffic(R"({"blue":50,"green":50})");
  std::vector<std::string> seen;
  const auto k = key();
  for (int i = 0; i < 4; ++i) seen.push_back(str(json(score(k)).at("deployment")));
  EXPECT_EQ(seen, (std::vector<std::string>{"blue", "green", "blue", "green"}));

  set_traffic(R"({"blue":75,"green":25})");
  std::map<std::string, int> counts;
  for (int i = 0; i < 8; ++i) ++counts[str(json(score(k)).at("deployment"))];
  EXPECT_EQ(counts["blue"], 6);
  EXPECT_EQ(counts["green"], 2);

  set_traffic(R"({"blue":0,"green":100})");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(str(json(score(k)).at("deployment")), "green");
}

TEST_F(online, PodsGoWithTheirDeploymentEndpointOrCompute) {
  ASSERT_EQ(put_deployment("blue", "cpusmall", 2).status, 201);
  ASSERT_EQ(put_deployment("green", "cpusmall").status, 201);
  ASSERT_EQ(deployment_state("blue"), "Succeeded");
  ASSERT_EQ(deployment_state("green"), "Succeeded");
  ASSERT_EQ(pods_of("blue").size(), 2u);
  set_traffic(R"({"blue":50,"green":50})");

  auto res = p.arm(verb::delete_, endpoint + "/deployments/blue");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(p.arm(verb::get, endpoint + "/deployments/blue").status, 404);
  EXPECT_TRUE(pods_of("blue").empty());
  // The deleted deployment leaves the traffic map; the rest still routes.
  EXPECT_EQ(boost::json::serialize(p.get(endpoint).at("properties").at("traffic")), R"({"green":50})");
  EXPECT_EQ(str(json(score(key())).at("deployment")), "green");
  EXPECT_EQ(pods_of("green").size(), 1u);
  EXPECT_EQ(score(key(), "{}", "blue").status, 404);

  // Deleting the endpoint takes its deployments' pods.
  res = p.arm(verb::delete_, endpoint);
  ASSERT_EQ(res.status, 202);
  EXPECT_EQ(p.arm(verb::get, endpoint).status, 404);
  EXPECT_TRUE(pods_of("green").empty());

  // Detaching the compute takes the pods that ran under it (the cluster stays).
  ASSERT_EQ(put_endpoint("ep2", "Key").status, 201);
  ASSERT_EQ(put_deployment("red", "cpusmall", 1, "ep2").status, 201);
  ASSERT_EQ(deployment_state("red", "ep2"), "Succeeded");
  ASSERT_EQ(pods_of("red", "ep2").size(), 1u);
  res = p.arm(verb::delete_, compute + "?underlyingResourceAction=Detach");
  ASSERT_EQ(res.status, 202);
  EXPECT_EQ(p.arm(verb::get, compute).status, 404);
  EXPECT_TRUE(pods_of("red", "ep2").empty());
  EXPECT_EQ(ml_plane::state_of(p.get(cluster)), "Succeeded");
}

}  // namespace ml_online_test
