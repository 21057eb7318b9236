// Names of the resources a simulated cluster serves, for code that creates objects directly
// (the extension's components, the scheduler) rather than through HTTP.
#pragma once

#include <string>
#include <string_view>

namespace amlk8s::local::kube {

/// A group/version/resource triple; the core group is the empty string.
struct resource_ref {
  std::string group;
  std::string version;
  std::string resource;  ///< the plural, as in the URL

  /// "v1" for the core group, "group/version" otherwise (an object's apiVersion).
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }

  friend bool operator==(const resource_ref&, const resource_ref&) = default;
};

/// The resources every simulated cluster serves from the start (contracts/kubernetes.md §2.9),
/// plus the InstanceType custom resource, which is served once its CRD exists.
namespace resources {
inline const resource_ref namespaces{"", "v1", "namespaces"};
inline const resource_ref nodes{"", "v1", "nodes"};
inline const resource_ref pods{"", "v1", "pods"};
inline const resource_ref services{"", "v1", "services"};
inline const resource_ref configmaps{"", "v1", "configmaps"};
inline const resource_ref secrets{"", "v1", "secrets"};
inline const resource_ref events{"", "v1", "events"};
inline const resource_ref deployments{"apps", "v1", "deployments"};
inline const resource_ref daemonsets{"apps", "v1", "daemonsets"};
inline const resource_ref statefulsets{"apps", "v1", "statefulsets"};
inline const resource_ref replicasets{"apps", "v1", "replicasets"};
inline const resource_ref jobs{"batch", "v1", "jobs"};
inline const resource_ref customresourcedefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
inline const resource_ref instancetypes{"amlarc.azureml.com", "v1alpha1", "instancetypes"};
}  // namespace resources

}  // namespace amlk8s::local::kube
