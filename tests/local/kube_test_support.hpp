// Helpers for the simulated Kubernetes API tests: requests as kubectl and the Python client send
// them, and a clock the tests move.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/local/kube/api_server.hpp>
#include <amlk8s/local/kube/instance_type_crd.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

namespace kube_test {

namespace kube = amlk8s::local::kube;
using amlk8s::http::verb;

/// contracts/kubernetes.md §2.4: the Accept header kubectl sends for `get`.
inline constexpr const char* table_accept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// A time the tests control: 2024-05-01T10:00:00Z plus whatever they add.
struct test_clock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::system_clock::from_time_t(1714557600));
  void advance(std::chrono::seconds s) { *now += s; }
  std::function<std::chrono::system_clock::time_point()> fn() const {
    auto p = now;
    return [p] { return *p; };
  }
};

inline amlk8s::http::request make(verb method, std::string path, std::string body = {}, std::string content_type = {},
                                  std::string accept = "application/json") {
  amlk8s::http::request r;
  r.method = method;
  r.url = "https://127.0.0.1:6443" + path;
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.set("Content-Type", std::move(content_type));
  if (!accept.empty()) r.headers.set("Accept", std::move(accept));
  return r;
}

inline boost::json::object body_of(const amlk8s::http::response& r) {
  auto v = boost::json::parse(r.body);
  return v.as_object();
}

inline std::string str(const boost::json::value& v) { return boost::json::serialize(v); }

/// A server with a fixed clock and seed, and (optionally) the InstanceType CRD installed.
struct server {
  test_clock clock;
  kube::api_server api;

  explicit server(bool with_crd = true, kube::api_server_options options = {}) : api(with(std::move(options))) {
    if (with_crd) api.create(kube::resources::customresourcedefinitions, kube::instance_type_crd());
  }

  kube::api_server_options with(kube::api_server_options o) {
    o.clock = clock.fn();
    o.seed = 42;
    return o;
  }

  amlk8s::http::response get(const std::string& path, std::string accept = "application/json") {
    return api.handle(make(verb::get, path, {}, {}, std::move(accept)));
  }
  amlk8s::http::response post(const std::string& path, std::string body) {
    return api.handle(make(verb::post, path, std::move(body), "application/json"));
  }
  amlk8s::http::response put(const std::string& path, std::string body) {
    return api.handle(make(verb::put, path, std::move(body), "application/json"));
  }
  amlk8s::http::response patch(const std::string& path, std::string body, std::string type) {
    return api.handle(make(verb::patch, path, std::move(body), std::move(type)));
  }
  amlk8s::http::response del(const std::string& path, std::string body = {}) {
    std::string type = body.empty() ? "" : "application/json";
    return api.handle(make(verb::delete_, path, std::move(body), std::move(type)));
  }
};

/// A node with a name and, optionally, labels (GCC 12 warns on partial designated initializers).
inline kube::node_spec node(std::string name, std::map<std::string, std::string> labels = {}) {
  kube::node_spec n;
  n.name = std::move(name);
  n.labels = std::move(labels);
  return n;
}

/// A watch of `resource` from `rv` ("" starts with the current objects).
inline kube::watch_query watch_of(kube::resource_ref resource, std::string rv = {}) {
  kube::watch_query q;
  q.resource = std::move(resource);
  q.resource_version = std::move(rv);
  return q;
}

inline const std::string it_path = "/apis/amlarc.azureml.com/v1alpha1/instancetypes";

/// An InstanceType manifest as JSON (contracts/kubernetes.md §1.2 example shape).
inline std::string instance_type(const std::string& name, const std::string& cpu = "1") {
  return R"({"apiVersion":"amlarc.azureml.com/v1alpha1","kind":"InstanceType","metadata":{"name":")" + name +
         R"("},"spec":{"nodeSelector":{"mylabel":"mylabelvalue"},"resources":{"limits":{"cpu":")" + cpu +
         R"(","nvidia.com/gpu":1,"memory":"2Gi"},"requests":{"cpu":"700m","memory":"1500Mi"}}}})";
}

}  // namespace kube_test
