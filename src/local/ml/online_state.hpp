// What the inference operator and the scoring route share. Private to amlk8s_local.
#pragma once

#include <amlk8s/local/online_endpoints.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace amlk8s::local {

struct online_endpoints::state {
  azure_api* azure = nullptr;
  cluster_api_lookup lookup;

  /// Where a deployment's pods went.
  struct placement {
    std::string compute_id;
    std::weak_ptr<kube::api_server> api;
    std::string ns;
    std::string endpoint;    ///< names, as in the pods' labels
    std::string deployment;
  };
  /// A router's memory of one endpoint: the traffic it last saw and the smooth weighted round
  /// robin's current weights.
  struct router {
    boost::json::object traffic;
    std::map<std::string, std::int64_t> current;
  };

  // Under `mutex`. Never call into ARM with it held: ARM's observers take it under ARM's lock.
  std::mutex mutex;
  std::map<std::string, placement> placements;   // key: lower-case deployment id
  std::map<std::string, router> routers;         // key: lower-case endpoint id
  std::map<std::string, std::uint64_t> turns;    // key: lower-case deployment id; requests served

  // inference_operator.cpp
  /// The observer: deployments made, changed and removed; computes and endpoints removed.
  std::optional<operation_failure> on_event(resource_event& e);
  std::optional<operation_failure> deploy(resource_event& e);
  /// Removes the pods of the deployment with lower-case id `key` and forgets where they were.
  void remove_pods(const std::string& key);

  // scoring.cpp
  http::response handle(const http::request& req);
};

}  // namespace amlk8s::local
