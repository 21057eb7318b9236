// One simulated cluster's Kubernetes API server, sans-I/O: HTTP requests in, HTTP responses (and
// watch streams) out, over the plain message types of amlk8s/http/message.hpp. The local control
// plane mounts one per cluster under a path prefix; tests call it directly.
//
// What it serves is contracts/kubernetes.md §2 (checklist §2.9): discovery, /version, the OpenAPI
// v2 blob, list/get/create/update/patch/delete/deletecollection/watch for the built-in kinds, CRDs
// and the custom resources they define, Tables and metav1.Status errors.
//
// Mounting it on an HTTP server:
//  - pass every request under the cluster's prefix (api_server_options::path_prefix) to serve();
//    `request.url` may be absolute or origin-form ("/k8s/NAME/api/v1/nodes?limit=500");
//  - without a stream, write `response` as is (it sets Content-Type; the server adds Content-Length);
//  - with a stream, write the head with `Transfer-Encoding: chunked`, poll() at once, then poll()
//    whenever on_ready() fires, writing each line as a chunk; end the body when finished() turns
//    true, when timeout() has passed (close cleanly), or when the client goes away (destroy the
//    stream). Call bookmark() about once a minute when the client allowed bookmarks.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/kube/node.hpp>
#include <amlk8s/local/kube/resource.hpp>
#include <amlk8s/local/kube/watch.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube {

/// What `GET /version` reports (§2.2). kubectl's gcloud dispatcher picks its kubectl by `minor`.
struct version_info {
  std::string major = "1";
  std::string minor = "30";
  std::string git_version = "v1.30.0";
  std::string git_commit = "0000000000000000000000000000000000000000";
  std::string build_date = "2024-04-17T00:00:00Z";
  std::string go_version = "go1.22.2";
  std::string platform = "linux/amd64";
};

/// Settings of one simulated API server.
struct api_server_options {
  /// Requests are served under this path (e.g. "/k8s/NAME"); empty serves at the root.
  std::string path_prefix;
  version_info version;
  /// Checks the bearer token of every request; unset accepts every request, with or without one
  /// (kubectl sends no credentials over plain HTTP, §3.2).
  std::function<bool(std::string_view token)> verify_token;
  /// The clock behind creationTimestamp and the AGE column; system_clock::now when unset.
  std::function<std::chrono::system_clock::time_point()> clock;
  /// Events kept for watches; a watch from an older resourceVersion gets 410 Expired.
  std::size_t event_log_capacity = 10000;
  /// Seeds uids and generated names; 0 seeds from std::random_device.
  std::uint64_t seed = 0;
};

/// An answer: a whole response, or, for a watch, the response head plus the stream of its body.
struct reply {
  http::response response;               ///< whole answer, or the head when `stream` is set
  std::unique_ptr<watch_stream> stream;  ///< set for a watch that started
};

/// Supplies `pods/log` text: (namespace, pod, container) → the log, or nullopt for "no such container".
using pod_log_provider = std::function<std::optional<std::string>(std::string_view ns, std::string_view pod,
                                                                  std::string_view container)>;

/// One simulated cluster's API: the object store, its event log and the HTTP handlers over them.
/// Thread-safe; namespaces default, kube-system, kube-public, kube-node-lease and azureml exist
/// from the start.
class api_server {
 public:
  /// A cluster with its initial namespaces and nothing else (add nodes and CRDs as needed).
  explicit api_server(api_server_options options = {});
  /// Open watch streams keep the state they read alive; they just see no more writes.
  ~api_server();
  /// Moves the cluster; the moved-from server must not be used.
  api_server(api_server&&) noexcept;
  /// Moves the cluster; the moved-from server must not be used.
  api_server& operator=(api_server&&) noexcept;

  /// Serves one request. A watch request gets its stream: write `response` (status and headers;
  /// the body is empty), then the stream's lines as they come.
  reply serve(const http::request& request);

  /// Serves one request whole. A watch answers only what is pending now and ends; use serve() for
  /// a real watch.
  http::response handle(const http::request& request);

  /// Opens a watch directly (controllers inside the control plane). Throws amlk8s::error
  /// (errc::not_found for an unknown resource, errc::invalid_argument for a bad selector).
  std::unique_ptr<watch_stream> watch(const watch_query& query);

  // Object access for code inside the control plane. Errors are amlk8s::error whose diagnostics
  // carry the Status a client would have seen (http_status, service_code = reason, message).
  // Objects are given and returned whole, with apiVersion and kind.

  /// Creates an object (its metadata.namespace names the namespace of a namespaced kind).
  boost::json::object create(const resource_ref& resource, boost::json::object object);
  /// Replaces an object, unconditionally unless metadata.resourceVersion is set.
  boost::json::object update(const resource_ref& resource, boost::json::object object);
  /// Creates the object, or replaces the existing one keeping its uid and creationTimestamp.
  boost::json::object create_or_replace(const resource_ref& resource, boost::json::object object);
  /// Applies an RFC 7386 merge patch to an existing object.
  boost::json::object merge_patch(const resource_ref& resource, std::string_view ns, std::string_view name,
                                  const boost::json::object& patch);
  /// The object, or nullopt.
  std::optional<boost::json::object> get(const resource_ref& resource, std::string_view ns, std::string_view name) const;
  /// Objects in `ns` (every namespace when empty) that match `label_selector`, in name order.
  std::vector<boost::json::object> list(const resource_ref& resource, std::string_view ns = {},
                                        std::string_view label_selector = {}) const;
  /// Deletes an object (with background cascading to its dependents); false when it did not exist.
  bool remove(const resource_ref& resource, std::string_view ns, std::string_view name);

  /// Adds (or replaces) a Ready node and returns it.
  boost::json::object add_node(const node_spec& node);

  /// Sets where `pods/log` text comes from; without one, existing pods have empty logs. The
  /// provider runs with the server's lock held, so it must not call back into this api_server.
  void set_pod_log_provider(pod_log_provider provider);

  /// The cluster's current resourceVersion (the global counter of writes).
  std::uint64_t resource_version() const;

  /// The options this server was made with.
  const api_server_options& options() const noexcept;

  /// The shared state behind the server and its watch streams (defined in the sources).
  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::local::kube
