// What a Kubernetes request addresses: a resource type (group, version, plural, kind, scope) and the
// REST paths built from it (contracts/kubernetes.md §2.1, §2.8).
#pragma once

#include <string>
#include <string_view>

namespace amlk8s::kube {

/// A resource type of the Kubernetes API.
struct resource {
  std::string group;    ///< "" for the core group
  std::string version;  ///< e.g. "v1"
  std::string plural;   ///< the URL segment, e.g. "pods"
  std::string kind;     ///< e.g. "Pod"
  bool namespaced = true;

  /// "v1" for the core group, else "group/version" (an object's apiVersion).
  std::string api_version() const;
  /// The collection path: /api/v1[/namespaces/{ns}]/{plural} or /apis/{g}/{v}[/namespaces/{ns}]/{plural}.
  /// `ns` is ignored for cluster-scoped resources; empty `ns` for a namespaced one means all namespaces.
  std::string collection_path(std::string_view ns) const;
  /// The path of one object: collection_path(ns) + "/" + name.
  std::string object_path(std::string_view ns, std::string_view name) const;

  friend bool operator==(const resource&, const resource&) = default;
};

/// The resource types amlk8s works with.
namespace resources {
inline const resource pods{"", "v1", "pods", "Pod", true};
inline const resource nodes{"", "v1", "nodes", "Node", false};
inline const resource namespaces{"", "v1", "namespaces", "Namespace", false};
inline const resource services{"", "v1", "services", "Service", true};
inline const resource secrets{"", "v1", "secrets", "Secret", true};
inline const resource configmaps{"", "v1", "configmaps", "ConfigMap", true};
inline const resource events{"", "v1", "events", "Event", true};
inline const resource deployments{"apps", "v1", "deployments", "Deployment", true};
inline const resource daemonsets{"apps", "v1", "daemonsets", "DaemonSet", true};
inline const resource statefulsets{"apps", "v1", "statefulsets", "StatefulSet", true};
inline const resource customresourcedefinitions{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                                "CustomResourceDefinition", false};
/// The AzureML extension's InstanceType custom resource (cluster-scoped, §1.1).
inline const resource instancetypes{"amlarc.azureml.com", "v1alpha1", "instancetypes", "InstanceType", false};
}  // namespace resources

}  // namespace amlk8s::kube
