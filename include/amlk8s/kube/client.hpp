// The Kubernetes API client: generic operations on JSON objects of any resource type, sent through
// the policy pipeline (retry, logging) with the credentials of a cluster_config.
//
// Async shape (as arm/client.hpp): operations complete with (error_code, value) and fill a
// caller-owned amlk8s::diagnostics that must outlive them. A non-2xx answer completes with
// errc_from_http_status(status) (404 → not_found, 409 → conflict, 401 → authentication_failed, ...)
// and the metav1.Status in diagnostics: http_status, service_code = reason, service_message =
// message, details = causes (contracts/kubernetes.md §2.6). A 2xx answer whose body is not JSON
// completes with errc::protocol_error. Templates only initiate; the work is compiled in
// src/kube/client.cpp. Blocking forms throw amlk8s::error and must not be called from a thread that
// runs the client's executor.
//
// The resource, namespace and name are copied when the operation is initiated (deferred tokens
// included); `this` and `diag` must outlive the operation.
//
// Namespaces: an empty `ns` means the configuration's namespace (cluster_config::ns); all_namespaces
// lists across namespaces; cluster-scoped resources ignore `ns`.
//
// Watches (async_watch) stream: each event reaches the caller's callback as its line arrives, and
// the operation completes when the server ends the stream or the caller cancels it.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/kube/credentials.hpp>
#include <amlk8s/kube/kubeconfig.hpp>
#include <amlk8s/kube/resource.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

namespace amlk8s::kube {

/// Pass as `ns` to list a namespaced resource in every namespace.
inline constexpr std::string_view all_namespaces = "*";

/// Query options of a list (§2.7).
struct list_options {
  std::string label_selector{};  ///< e.g. "app=web,tier!=db"
  std::string field_selector{};  ///< e.g. "metadata.name=x"
  /// Items per page; 0 lets the server decide (one page, normally everything).
  std::int64_t limit = 0;
  /// Where a page-by-page list continues (object_list::continue_token of the previous page).
  std::string continue_token{};
  /// resourceVersion for the list, e.g. "0" for any cached version; empty: the latest.
  std::string resource_version{};
};

/// A list answer: the items and the list's metadata.
struct object_list {
  boost::json::array items;
  std::string resource_version;
  /// The token for the next page; empty on the last one.
  std::string continue_token;
  std::optional<std::int64_t> remaining_item_count;
};

/// What a pods/log read asks for (§2.9).
struct pod_log_options {
  std::string container{};              ///< empty: the pod's only container
  std::optional<std::int64_t> tail_lines{};
  std::optional<std::int64_t> limit_bytes{};
  bool previous = false;                ///< the log of the previous, terminated container
};

/// What a watch event reports (WatchEvent.type, §2.7).
enum class watch_event_type { added, modified, deleted, bookmark, error };

/// "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or "ERROR".
std::string_view to_string(watch_event_type t) noexcept;

/// One event of a watch. `object` is the object as it is now (DELETED: its last state); a BOOKMARK
/// carries only apiVersion, kind and metadata.resourceVersion; an ERROR carries a metav1.Status.
struct watch_event {
  watch_event_type type = watch_event_type::added;
  boost::json::object object;
};

/// Query options of a watch (§2.7).
struct watch_options {
  std::string label_selector{};  ///< e.g. "app=web"
  std::string field_selector{};  ///< e.g. "metadata.name=x"
  /// Changes after this version (e.g. object_list::resource_version of a list); empty: the current
  /// objects first, as ADDED events, then the changes. A version the server no longer has ends the
  /// watch with errc::service_error and the Status in diagnostics (http_status 410, service_code
  /// "Expired", see is_expired): list again, then watch from the list's version.
  std::string resource_version{};
  /// The server ends the stream after this many seconds (timeoutSeconds); unset: when it likes.
  std::optional<std::int64_t> timeout_seconds{};
  /// Lets the server send BOOKMARK events (allowWatchBookmarks) that only move the version on.
  bool allow_bookmarks = false;
};

/// Receives the events of a watch in order, one at a time, on the transport's I/O executor; it must
/// not block (start other work, or cancel the watch, instead).
using watch_event_handler = std::function<void(watch_event)>;

/// True when `diag` reports a 410 Expired answer: the resourceVersion asked for is too old.
bool is_expired(const diagnostics& diag) noexcept;

/// How a delete treats dependents (DeleteOptions.propagationPolicy, §2.5).
enum class propagation { server_default, orphan, background, foreground };

/// Settings of a kube::client.
struct client_options {
  /// The transport's settings; the cluster_config's CA, client certificate, insecure flag,
  /// tls-server-name and proxy-url are applied on top.
  http::client_options http{};
  /// Retry and logging of the pipeline.
  http::pipeline_options pipeline{};
  /// Token file and exec plugin behaviour.
  credential_options credentials{};
};

/// A Kubernetes API client for one cluster. Cheap to copy; copies share the transport and the
/// credential cache. Credentials travel only over https:// (as kubectl, §3.2).
class client {
 public:
  using signature = void(error_code, boost::json::value);
  using handler_type = boost::asio::any_completion_handler<signature>;
  using list_signature = void(error_code, object_list);
  using list_handler_type = boost::asio::any_completion_handler<list_signature>;
  /// A watch completes with the last resourceVersion it saw (from an event or a bookmark; empty if
  /// none), from which a new watch continues.
  using watch_signature = void(error_code, std::string);
  using watch_handler_type = boost::asio::any_completion_handler<watch_signature>;

  /// A client with its own transport and I/O thread, configured from `config`. Throws
  /// amlk8s::error (errc::invalid_argument) for settings the transport cannot use (a bad PEM, a
  /// socks5 proxy-url, a CA combined with insecure-skip-tls-verify).
  explicit client(cluster_config config, client_options options = {});
  /// The same, with the transport's I/O (and completions without an executor) on `executor`.
  client(boost::asio::any_io_executor executor, cluster_config config, client_options options = {});
  /// A client sending through `transport` (a caller's http::client, or a test fake); the TLS
  /// settings of `config` are then the transport's business.
  client(std::shared_ptr<http::sender> transport, cluster_config config, client_options options = {});

  /// The configuration the client was built from.
  const cluster_config& config() const noexcept;
  /// The executor completions run on when the handler has none of its own.
  boost::asio::any_io_executor get_executor() const;

  /// GET one object.
  template <class CompletionToken>
  auto async_get(const resource& r, std::string_view ns, std::string_view name, diagnostics& diag,
                 CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token), [r, ns = std::string(ns), name = std::string(name), &diag, this](handler_type h) {
      get_erased(r, ns, name, diag, std::move(h));
    });
  }
  /// LIST every page: follows metadata.continue until the last page (with `options.limit` per page)
  /// and completes with all items; the metadata is the last page's.
  template <class CompletionToken>
  auto async_list(const resource& r, std::string_view ns, list_options options, diagnostics& diag,
                  CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, list_signature>(
        [this, r, ns = std::string(ns), &diag](auto handler, list_options o) { list_erased(r, ns, std::move(o), true, diag, std::move(handler)); },
        token, std::move(options));
  }
  /// LIST one page (`options.limit`, `options.continue_token`).
  template <class CompletionToken>
  auto async_list_page(const resource& r, std::string_view ns, list_options options, diagnostics& diag,
                       CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, list_signature>(
        [this, r, ns = std::string(ns), &diag](auto handler, list_options o) { list_erased(r, ns, std::move(o), false, diag, std::move(handler)); },
        token, std::move(options));
  }
  /// POST a new object; completes with the stored object (409 AlreadyExists → errc::conflict).
  template <class CompletionToken>
  auto async_create(const resource& r, std::string_view ns, boost::json::value object, diagnostics& diag,
                    CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token), [r, ns = std::string(ns), &diag, this, o = std::move(object)](handler_type h) mutable {
      create_erased(r, ns, std::move(o), diag, std::move(h));
    });
  }
  /// PUT (replace) an object; a stale metadata.resourceVersion → errc::conflict.
  template <class CompletionToken>
  auto async_replace(const resource& r, std::string_view ns, std::string_view name, boost::json::value object,
                     diagnostics& diag, CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token),
                    [r, ns = std::string(ns), name = std::string(name), &diag, this, o = std::move(object)](handler_type h) mutable {
                      replace_erased(r, ns, name, std::move(o), diag, std::move(h));
                    });
  }
  /// PATCH with a JSON merge patch (RFC 7386: null deletes a key, arrays are replaced whole).
  template <class CompletionToken>
  auto async_merge_patch(const resource& r, std::string_view ns, std::string_view name, boost::json::value patch,
                         diagnostics& diag, CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token),
                    [r, ns = std::string(ns), name = std::string(name), &diag, this, p = std::move(patch)](handler_type h) mutable {
                      merge_patch_erased(r, ns, name, std::move(p), diag, std::move(h));
                    });
  }
  /// DELETE an object; completes with what the server answers (the deleted object, or a Status).
  template <class CompletionToken>
  auto async_delete(const resource& r, std::string_view ns, std::string_view name, propagation policy,
                    diagnostics& diag, CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token), [r, ns = std::string(ns), name = std::string(name), policy, &diag, this](handler_type h) {
      delete_erased(r, ns, name, policy, diag, std::move(h));
    });
  }
  /// WATCH a collection (`?watch=true`, §2.7): `on_event` receives each event as the server sends
  /// it; the operation completes with an empty error_code when the server ends the stream
  /// (options.timeout_seconds, or the server going away cleanly), with errc::cancelled when the
  /// caller cancels it (terminal or partial cancellation through the handler's cancellation slot,
  /// e.g. asio::bind_cancellation_slot), and with the Status of an ERROR event (410 Expired: see
  /// watch_options::resource_version) or of a non-2xx answer. Sent once, never retried; the
  /// transport's request_timeout covers only the wait for the response head.
  template <class CompletionToken>
  auto async_watch(const resource& r, std::string_view ns, watch_options options, watch_event_handler on_event,
                   diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, watch_signature>(
        [this, r, ns = std::string(ns), &diag](auto handler, watch_options o, watch_event_handler e) {
          watch_erased(r, ns, std::move(o), std::move(e), diag, std::move(handler));
        },
        token, std::move(options), std::move(on_event));
  }
  /// GET /version.
  template <class CompletionToken>
  auto async_version(diagnostics& diag, CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token), [&diag, this](handler_type h) { version_erased(diag, std::move(h)); });
  }

  /// Blocking forms; throw amlk8s::error.
  boost::json::value get(const resource& r, std::string_view ns, std::string_view name) const;
  object_list list(const resource& r, std::string_view ns = {}, list_options options = {}) const;
  object_list list_page(const resource& r, std::string_view ns, list_options options) const;
  boost::json::value create(const resource& r, std::string_view ns, boost::json::value object) const;
  boost::json::value replace(const resource& r, std::string_view ns, std::string_view name, boost::json::value object) const;
  boost::json::value merge_patch(const resource& r, std::string_view ns, std::string_view name, boost::json::value patch) const;
  boost::json::value delete_(const resource& r, std::string_view ns, std::string_view name,
                             propagation policy = propagation::background) const;
  boost::json::value version() const;
  /// Watches until the server ends the stream, `stop` is requested (then throws errc::cancelled) or
  /// an error; returns the last resourceVersion seen. `on_event` runs on the transport's thread.
  std::string watch(const resource& r, std::string_view ns, watch_options options, watch_event_handler on_event,
                    std::stop_token stop = {}) const;

  /// Reads a pod's log (GET .../pods/{name}/log); completes with the text as a JSON string.
  template <class CompletionToken>
  auto async_pod_log(std::string_view ns, std::string_view pod, pod_log_options options, diagnostics& diag,
                     CompletionToken&& token) const {
    return initiate(std::forward<CompletionToken>(token),
                    [ns = std::string(ns), pod = std::string(pod), o = std::move(options), &diag, this](handler_type h) {
                      pod_log_erased(ns, pod, o, diag, std::move(h));
                    });
  }
  /// Blocking pod log: the text.
  std::string pod_log(std::string_view ns, std::string_view pod, const pod_log_options& options = {}) const;

  /// The type-erased operations behind the templates. `r`, `ns` and `name` are copied before they return.
  void get_erased(const resource& r, std::string_view ns, std::string_view name, diagnostics& diag, handler_type h) const;
  void list_erased(const resource& r, std::string_view ns, list_options options, bool all_pages, diagnostics& diag,
                   list_handler_type h) const;
  void create_erased(const resource& r, std::string_view ns, boost::json::value object, diagnostics& diag, handler_type h) const;
  void replace_erased(const resource& r, std::string_view ns, std::string_view name, boost::json::value object,
                      diagnostics& diag, handler_type h) const;
  void merge_patch_erased(const resource& r, std::string_view ns, std::string_view name, boost::json::value patch,
                          diagnostics& diag, handler_type h) const;
  void delete_erased(const resource& r, std::string_view ns, std::string_view name, propagation policy,
                     diagnostics& diag, handler_type h) const;
  void version_erased(diagnostics& diag, handler_type h) const;
  void pod_log_erased(std::string_view ns, std::string_view pod, const pod_log_options& options, diagnostics& diag,
                      handler_type h) const;
  void watch_erased(const resource& r, std::string_view ns, watch_options options, watch_event_handler on_event,
                    diagnostics& diag, watch_handler_type h) const;

 private:
  template <class CompletionToken, class Start>
  static auto initiate(CompletionToken&& token, Start start) {
    return boost::asio::async_initiate<CompletionToken, signature>(
        [](auto handler, Start s) { std::move(s)(handler_type(std::move(handler))); }, token, std::move(start));
  }

  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::kube
