// Watch, sans-I/O: a subscription to a simulated cluster's event log that yields WatchEvent lines
// (contracts/kubernetes.md §2.7). The HTTP server writes the response head, then the lines as they
// come, as chunks of one `application/json` body.
#pragma once

#include <amlk8s/local/kube/resource.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amlk8s::local::kube {

/// What a Table row carries in `object` (the `includeObject` query parameter, §2.4).
enum class include_object { none, metadata, object };

/// What to watch. The same fields as the query parameters of a `?watch=true` request.
struct watch_query {
  resource_ref resource;           ///< what to watch
  std::string ns;                  ///< namespace; empty watches every namespace
  std::string label_selector;      ///< `labelSelector` syntax
  std::string field_selector;      ///< `fieldSelector` syntax
  std::string resource_version;    ///< changes newer than this; "" or "0" start with the current objects
  bool allow_bookmarks = false;    ///< `allowWatchBookmarks`
  bool send_initial_events = false;///< `sendInitialEvents`: current objects, then a BOOKMARK marking their end
  std::optional<std::chrono::seconds> timeout;  ///< `timeoutSeconds`: the server ends the stream then
  bool as_table = false;           ///< events carry one-row Tables (kubectl -w asks for them)
  std::string table_api_version = "meta.k8s.io/v1";  ///< meta.k8s.io/v1 or v1beta1
  include_object table_object = include_object::metadata;  ///< `includeObject` for Table rows
};

/// An open watch. Pull-based: the server calls poll() when on_ready() fires or when it likes.
/// Safe to use from any thread; destroying it unsubscribes.
class watch_stream {
 public:
  struct impl;
  /// Made by api_server::watch.
  explicit watch_stream(std::shared_ptr<impl> state);
  ~watch_stream();
  watch_stream(const watch_stream&) = delete;
  watch_stream& operator=(const watch_stream&) = delete;

  /// Up to `max` pending events, each one WatchEvent JSON text ending in '\n'.
  std::vector<std::string> poll(std::size_t max = std::numeric_limits<std::size_t>::max());

  /// Sets the function called after a write that may concern this watch. It runs on the writing
  /// thread without the server's lock, so it may poll, but it should only schedule work (e.g. post
  /// to an executor). Once the stream is destroyed it is not called again.
  void on_ready(std::function<void()> notify);

  /// True once the stream has nothing more to say: after an ERROR event (410 Expired) has been
  /// polled. The server then ends the response.
  bool finished() const;

  /// The `timeoutSeconds` the client asked for; the server ends the response cleanly after it.
  std::optional<std::chrono::seconds> timeout() const;

  /// A BOOKMARK line with the current resourceVersion when the client allowed bookmarks and no
  /// event is pending; servers send one now and then (kube-apiserver: about once a minute).
  std::optional<std::string> bookmark();

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace amlk8s::local::kube
