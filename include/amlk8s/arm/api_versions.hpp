// api-version per resource provider. ARM wants `api-version` on every call (contracts/arm-extensions.md
// §1.9), and each provider has its own versions; the defaults are the ones the contracts recommend,
// all in src/arm/api_versions.cpp, and every one can be overridden.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::arm {

/// A table from provider namespace ("Microsoft.KubernetesConfiguration") to api-version.
/// Namespaces compare case-insensitively, as ARM does.
class api_versions {
 public:
  /// The defaults from the contracts: Microsoft.KubernetesConfiguration, Microsoft.ContainerService,
  /// Microsoft.Kubernetes, Microsoft.MachineLearningServices, Microsoft.Resources and the other
  /// cluster providers the extension contract names. Providers the contracts give no version for
  /// (Microsoft.Relay, Microsoft.ServiceBus, Microsoft.OperationalInsights) must be set by the caller.
  api_versions();

  /// A table with no entries: every request must then carry its own api-version.
  static api_versions none();

  /// Sets (or replaces) the version used for `provider`.
  void set(std::string_view provider, std::string version);
  /// The version for `provider`, if one is known.
  std::optional<std::string_view> find(std::string_view provider) const;
  /// Every entry, in insertion order.
  const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }

 private:
  struct empty_tag {};
  explicit api_versions(empty_tag) {}

  std::vector<std::pair<std::string, std::string>> entries_;
};

/// The provider namespace whose api-version applies to an ARM path (unencoded, no query):
/// the namespace after the last `providers/` segment that names a resource type
/// (".../managedClusters/c/providers/Microsoft.KubernetesConfiguration/extensions/x" gives
/// "Microsoft.KubernetesConfiguration"); "Microsoft.Resources" for subscriptions, resource groups
/// and provider registration (`/subscriptions/{id}/providers/{ns}` and its `register` action);
/// empty when the path is not an ARM path.
std::string_view provider_of(std::string_view path) noexcept;

}  // namespace amlk8s::arm
