// A test bench for the ARM handlers: a manual clock, a token service and an arm_api, and calls that
// carry a valid bearer token.
#pragma once

#include <amlk8s/local/arm_api.hpp>

#include <boost/json.hpp>

#include <memory>
#include <string>

namespace amlk8s::local::testing {

inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

struct arm_bench {
  explicit arm_bench(arm_options options = {}) {
    options.min_retry_after = std::chrono::seconds(0);
    time = clock::manual();
    tokens = std::make_shared<token_service>(token_options{}, time);
    arm = std::make_unique<arm_api>(std::move(options), tokens);
    token = tokens->issue(dev_client_id, "https://management.azure.com");
  }

  static constexpr std::string_view api_version = "2024-11-01";
  static std::string sub() { return std::string(dev_subscription_id); }
  static std::string rg_path(std::string_view rg = "rg1") { return "/subscriptions/" + sub() + "/resourceGroups/" + std::string(rg); }

  http::request request(http::verb method, std::string path, std::string body = {}, bool with_version = true) const {
    http::request req;
    req.method = method;
    if (with_version) path += (path.find('?') == std::string::npos ? "?" : "&") + std::string("api-version=") + std::string(api_version);
    req.url = "http://127.0.0.1:7000" + path;
    req.headers.set("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
    return req;
  }

  http::response call(http::verb method, std::string path, std::string body = {}) {
    return arm->handle(request(method, std::move(path), std::move(body)));
  }
  /// GET of an absolute URL returned by the server (nextLink, Azure-AsyncOperation, Location).
  http::response follow(std::string_view url) {
    http::request req;
    req.url = std::string(url);
    req.headers.set("Authorization", "Bearer " + token);
    return arm->handle(req);
  }
  static boost::json::object json(const http::response& res) { return boost::json::parse(res.body).as_object(); }

  std::shared_ptr<clock> time;
  std::shared_ptr<token_service> tokens;
  std::unique_ptr<arm_api> arm;
  std::string token;
};

/// An AKS PUT body with one pool.
inline std::string aks_body(std::string_view vm_size = "Standard_D4s_v3", int count = 3) {
  return R"({"location":"East US","identity":{"type":"SystemAssigned"},"properties":{"kubernetesVersion":"1.29.4",)"
         R"("agentPoolProfiles":[{"name":"system","count":)" +
         std::to_string(count) + R"(,"vmSize":")" + std::string(vm_size) +
         R"(","mode":"System","nodeLabels":{"tier":"sys"},"nodeTaints":["CriticalAddonsOnly=true:NoSchedule"]}],)"
         R"("enableRBAC":true,"disableLocalAccounts":true,"apiServerAccessProfile":{"authorizedIPRanges":["10.0.0.0/8"]}}})";
}

}  // namespace amlk8s::local::testing
