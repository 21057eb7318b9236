// From a Kubernetes compute to what runs its workloads: the cluster, its Kubernetes API, the
// namespace and the AzureML extension's settings. Private to amlk8s_local.
#pragma once

#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/azureml_agent.hpp>
#include <amlk8s/model/instance_type.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::ml {

/// A Kubernetes compute resolved down to its cluster.
struct cluster_target {
  std::string compute_id;
  std::string compute_name;
  std::string workspace_name;
  std::string resource_group;
  std::string cluster_id;
  cluster_spec cluster;
  std::shared_ptr<kube::api_server> api;  ///< null when the cluster has no Kubernetes API
  std::string ns;                         ///< the compute's namespace
  /// The AzureML extension's `nodeSelector.*` settings (kubernetes.md §1.4), empty without one.
  std::map<std::string, std::string> extension_node_selector;
};

/// The target of the compute `compute_id`; nullopt when it is not a Kubernetes compute or its
/// cluster is gone. Call with arm's observers' locking rules (it reads arm).
std::optional<cluster_target> resolve_compute(arm_api& arm, const cluster_api_lookup& lookup, std::string_view compute_id);

/// The cluster's InstanceType CRs that read as instance types, in name order (none when the CRD
/// is not installed).
std::vector<model::instance_type> cluster_instance_types(const kube::api_server& api);

/// `name` among `types`, else the virtual `defaultinstancetype` for that name; nullopt otherwise.
std::optional<model::instance_type> resolve_instance_type(const std::vector<model::instance_type>& types,
                                                          std::string_view name);

/// The id of the resource that holds `id` (everything before its last `/{type}/{name}`).
std::string parent_id(std::string_view id);
/// The last segment of an id.
std::string last_segment(std::string_view id);

}  // namespace amlk8s::local::ml
