// The pieces of the simulated AzureML extension agent. Private to amlk8s_local.
#pragma once

#include <amlk8s/local/azureml_agent.hpp>
#include <amlk8s/model/azureml_components.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::azureml {

using settings_map = std::map<std::string, std::string>;

/// The `nodeSelector.<label>=<value>` settings as a label map.
settings_map node_selector(const settings_map& settings);

/// The nodes whose labels carry every pair of `selector`, in name order.
std::vector<boost::json::object> matching_nodes(const kube::api_server& api, const settings_map& selector);

/// The server's notion of now (its clock option, else the system clock).
std::chrono::system_clock::time_point now_of(const kube::api_server& api);
/// RFC 3339 UTC with seconds, as Kubernetes writes timestamps.
std::string rfc3339(std::chrono::system_clock::time_point t);

/// Standard base64 (RFC 4648 §4), padded; decode ignores whitespace and fails on anything else.
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

/// One check of a health check run.
struct check_result {
  std::string_view code;  ///< "E40002"
  std::string_view name;  ///< "INSUFFICIENT_NODE"
  bool passed = true;
  std::string message;
};

/// One run of the health check (§2.10) as one Helm hook.
struct health_report {
  std::string hook;  ///< "pre-install", "pre-upgrade", "pre-delete"
  std::vector<check_result> checks;

  /// The first failed check, or null.
  const check_result* failure() const noexcept;
};

/// Runs the checks of `hook` against the cluster and the extension's settings.
health_report run_health_check(const kube::api_server& api, const cluster_spec& cluster, std::string_view hook,
                               const settings_map& settings, const settings_map& protected_settings);

/// Writes `report` under `reports-<hook>` of ConfigMap arcml-healthcheck in namespace azureml,
/// creating the namespace and the ConfigMap as needed.
void write_report(kube::api_server& api, const health_report& report);

/// The latest revision of release `extension` (0: none).
int latest_revision(const kube::api_server& api, std::string_view extension);

/// What an install or upgrade works with.
struct release_plan {
  std::string extension;  ///< release name
  std::string version;    ///< chart version (the extension's currentVersion)
  settings_map selector;  ///< nodeSelector
  std::vector<model::component> components;
};

/// Makes the cluster match `plan`: creates, updates and deletes components and their pods, then
/// records the new release revision. Returns Helm's error text when it refuses (an object it
/// would own belongs to someone else, §3 item 4); throws amlk8s::error for API failures.
std::optional<std::string> reconcile_release(kube::api_server& api, const release_plan& plan, bool upgrade);

/// Deletes every component, pod and release record of release `extension`.
void uninstall_release(kube::api_server& api, std::string_view extension);

}  // namespace amlk8s::local::azureml
