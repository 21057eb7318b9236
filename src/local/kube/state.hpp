// The state behind one simulated API server: objects, the global resourceVersion, the event log
// that watches read, and the open watches. Every member is guarded by `mutex`.
#pragma once

#include <amlk8s/local/kube/api_server.hpp>

#include "registry.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace amlk8s::local::kube {

namespace detail {

/// One object and what server-side apply remembers about it.
struct stored_object {
  boost::json::object object;
  std::map<std::string, boost::json::object> applied;  ///< apply manager → its last configuration
};

/// (namespace, name); cluster-scoped objects have an empty namespace.
using object_key = std::pair<std::string, std::string>;
using bucket = std::map<object_key, stored_object>;

/// One entry of the event log.
struct event_record {
  std::uint64_t rv = 0;
  std::string type;  ///< ADDED, MODIFIED or DELETED
  std::string key;   ///< resource_type::key() of the object's kind
  std::shared_ptr<const boost::json::object> object;
  std::shared_ptr<const boost::json::object> previous;  ///< the state before; null for ADDED
};

}  // namespace detail

struct api_server::state {
  explicit state(api_server_options opts);

  api_server_options options;
  mutable std::mutex mutex;
  std::uint64_t rv = 0;
  std::map<std::string, detail::bucket> buckets;  ///< by resource_type::key()
  std::deque<detail::event_record> log;
  std::uint64_t compacted_rv = 0;  ///< events with rv <= this were dropped from the log
  std::vector<std::weak_ptr<watch_stream::impl>> watchers;
  std::mt19937_64 rng;
  pod_log_provider pod_logs;
  unsigned nodes_added = 0;
  unsigned services_added = 0;

  std::chrono::system_clock::time_point now() const;
};

}  // namespace amlk8s::local::kube
