// The write and read operations on a cluster's objects, shared by the HTTP handlers and the C++ API
// (contracts/kubernetes.md §2.5). Callers hold the state's mutex (see locked).
#pragma once

#include "state.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

/// Holds the state's mutex; on release, tells the watches when something was written.
class locked {
 public:
  explicit locked(api_server::state& s);
  ~locked();
  locked(const locked&) = delete;
  locked& operator=(const locked&) = delete;

 private:
  api_server::state& state_;
  std::unique_lock<std::mutex> lock_;
  std::uint64_t start_rv_;
};

/// The served type for a URL's group/version/resource: a built-in one, or one a CRD declares.
std::optional<resource_type> find_type(const api_server::state& s, std::string_view group, std::string_view version,
                                       std::string_view resource);
/// Every served type (each served version of a custom resource counts once).
std::vector<resource_type> served_types(const api_server::state& s);

/// The stored object, or null.
const stored_object* find_object(const api_server::state& s, const resource_type& type, std::string_view ns,
                                 std::string_view name);
stored_object* find_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name);

/// Options common to writes.
struct write_options {
  bool dry_run = false;
  /// The write came from a client over HTTP: status is not writable through the main resource.
  bool from_client = false;
  /// metadata.resourceVersion must be given (a PUT of a custom resource, §2.5).
  bool require_resource_version = false;
  /// Writes through the status subresource: only `status` changes.
  bool status_only = false;
  /// A server-side apply: the manager and its configuration, remembered with the object.
  std::optional<std::pair<std::string, boost::json::object>> applied;
};

/// Creates an object; `url_ns` is the namespace of the URL (empty: from the object).
boost::json::object create_object(api_server::state& s, const resource_type& type, std::string_view url_ns,
                                  boost::json::object object, const write_options& options);

/// Replaces an object; metadata.resourceVersion, when set, must be the current one.
boost::json::object update_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name,
                                  boost::json::object object, const write_options& options);

/// DeleteOptions (§2.5).
struct delete_options {
  bool dry_run = false;
  std::string propagation = "Background";  ///< Orphan leaves dependents alone
  std::optional<std::string> uid;           ///< preconditions.uid
  std::optional<std::string> resource_version;  ///< preconditions.resourceVersion
};

struct delete_result {
  boost::json::object object;  ///< the deleted object, or the one now waiting on finalizers
  bool gone = false;           ///< false while finalizers hold it
};

delete_result delete_object(api_server::state& s, const resource_type& type, std::string_view ns, std::string_view name,
                            const delete_options& options);

/// Sets apiVersion for the version a client asked for (custom resources may serve several).
void set_api_version(boost::json::object& object, const resource_type& type);

/// Calls the notify hooks of every open watch (without the mutex held).
void notify_watchers(api_server::state& s);

}  // namespace amlk8s::local::kube::detail
