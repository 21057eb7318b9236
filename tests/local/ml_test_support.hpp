// A local control plane over plain HTTP on loopback with the calls the workspace-side tests make:
// ARM with a valid bearer token, a cluster's Kubernetes API, the AzureML extension installed,
// instance types created through the Kubernetes API, and requests to any URL the server hands out
// (scoringUri, operation status). Everything goes through the real HTTP surface.
#pragma once

#include "arm_test_support.hpp"

#include <amlk8s/http/client.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace amlk8s::local::testing {

inline const std::string ml_provider = "/providers/Microsoft.MachineLearningServices/workspaces/";

struct ml_plane {
  static control_plane_options plane_options(std::string_view tag) {
    control_plane_options o;
    o.https = false;
    o.min_retry_after = std::chrono::seconds(0);
    o.threads = 2;
    static int counter = 0;
    o.work_dir = std::filesystem::temp_directory_path() /
                 ("amlk8s-ml-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    return o;
  }

  explicit ml_plane(std::string_view tag = "test") : options(plane_options(tag)), cp(options) {
    token = cp.azure().tokens().issue(dev_client_id, "https://management.azure.com");
    base = cp.endpoints().arm_endpoint;
    workspace = arm_bench::rg_path() + ml_provider + "ws1";
    cp.azure().arm().add_workspace({arm_bench::sub(), "rg1", "ws1", "eastus", ""});
  }
  ~ml_plane() {
    cp.stop();
    std::error_code ec;
    std::filesystem::remove_all(options.work_dir, ec);
  }

  /// Any URL on the server (absolute, or a path), with the given bearer credential.
  http::response send(http::verb method, const std::string& url, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}, std::optional<std::string> bearer = {}) {
    http::request req;
    req.method = method;
    req.url = url.starts_with("http") ? url : base + url;
    if (bearer) req.headers.set("Authorization", "Bearer " + *bearer);
    if (!body.empty()) req.headers.set("Content-Type", "application/json");
    for (auto& [k, v] : headers) req.headers.set(k, std::move(v));
    req.body = std::move(body);
    return http.send(std::move(req));
  }

  /// An ARM call; `path` gets api-version.
  http::response arm(http::verb method, std::string path, std::string body = {}) {
    path += (path.find('?') == std::string::npos ? "?" : "&") + std::string("api-version=2025-04-01");
    return send(method, path, std::move(body), {}, token);
  }

  /// The resource's body after its operations are done (a GET settles due operations).
  boost::json::object get(const std::string& path) {
    const auto res = arm(http::verb::get, path);
    EXPECT_EQ(res.status, 200) << path << ": " << res.body;
    return res.status == 200 ? boost::json::parse(res.body).as_object() : boost::json::object{};
  }

  static std::string state_of(const boost::json::object& body) {
    const auto& p = body.at("properties").as_object();
    return p.contains("provisioningState") ? str(p.at("provisioningState")) : std::string{};
  }

  /// The status resource of the long-running operation a PUT or DELETE answered with.
  boost::json::object operation(const http::response& res) {
    const auto url = res.headers.get("Azure-AsyncOperation");
    EXPECT_TRUE(url.has_value());
    if (!url) return {};
    const auto status = send(http::verb::get, std::string(*url), {}, {}, token);
    return boost::json::parse(status.body).as_object();
  }

  /// An AKS cluster with `pools` node pools, each of `count` nodes of the given size.
  std::string add_cluster(const std::string& name, std::vector<node_pool> pools) {
    cluster_spec spec;
    spec.subscription = arm_bench::sub();
    spec.resource_group = "rg1";
    spec.name = name;
    spec.node_pools = std::move(pools);
    return cp.azure().arm().add_cluster(spec);
  }

  static node_pool cpu_pool(int count = 3) { return {"cpu", count, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"}; }

  /// Installs the AzureML extension `name` through ARM with `settings` and waits for it.
  boost::json::object install_extension(const std::string& cluster_id, const std::string& settings,
                                        const std::string& name = "azureml") {
    const auto path = cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name;
    const auto res = arm(http::verb::put, path,
                         R"({"identity":{"type":"SystemAssigned"},"properties":{"extensionType":"Microsoft.AzureML.Kubernetes",)"
                         R"("releaseTrain":"Stable","configurationSettings":)" + settings + "}}");
    EXPECT_EQ(res.status, 201) << res.body;
    return get(path);
  }
  static std::string training_and_inference() {
    return R"({"enableTraining":"True","enableInference":"True","inferenceRouterServiceType":"LoadBalancer",)"
           R"("allowInsecureConnections":"True"})";
  }

  /// Creates an InstanceType through the cluster's Kubernetes API.
  void add_instance_type(const std::string& cluster, const std::string& name, const std::string& spec) {
    const auto res = send(http::verb::post, "/k8s/" + cluster + "/apis/amlarc.azureml.com/v1alpha1/instancetypes",
                          R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"name":")" + name +
                              R"("},"spec":)" + spec + "}",
                          {}, token);
    ASSERT_EQ(res.status, 201) << res.body;
  }

  /// Pods in `ns` of the cluster matching `selector`, through the Kubernetes API.
  boost::json::array pods(const std::string& cluster, const std::string& ns, const std::string& selector) {
    const auto res = send(http::verb::get,
                          "/k8s/" + cluster + "/api/v1/namespaces/" + ns + "/pods?labelSelector=" + detail_encode(selector),
                          {}, {}, token);
    EXPECT_EQ(res.status, 200) << res.body;
    return boost::json::parse(res.body).as_object().at("items").as_array();
  }

  static std::string detail_encode(std::string_view s) {
    std::string out;
    static constexpr char hex[] = "0123456789ABCDEF";
    for (const unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out.push_back(static_cast<char>(c));
      else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
  }

  /// Attaches `cluster_id` as compute `name` in namespace `ns`; returns the compute's path.
  std::string attach(const std::string& name, const std::string& cluster_id, const std::string& ns = "default") {
    const auto path = workspace + "/computes/" + name;
    const auto res = arm(http::verb::put, path,
                         R"({"properties":{"computeType":"Kubernetes","resourceId":")" + cluster_id +
                             R"(","properties":{"namespace":")" + ns + R"("}}})");
    EXPECT_EQ(res.status, 201) << res.body;
    return path;
  }

  control_plane_options options;
  control_plane cp;
  http::client http;
  std::string token;
  std::string base;
  std::string workspace;
};

}  // namespace amlk8s::local::testing
