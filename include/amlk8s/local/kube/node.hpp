// Simulated nodes: what a node pool declares about each of its machines.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace amlk8s::local::kube {

/// A node taint (core/v1 Taint).
struct node_taint {
  std::string key;
  std::string value;
  std::string effect = "NoSchedule";  ///< NoSchedule, PreferNoSchedule or NoExecute
};

/// One simulated node. It appears Ready, with every NodeSystemInfo field set (the Python client
/// rejects a partial nodeInfo, contracts/kubernetes.md §2.8).
struct node_spec {
  std::string name;
  std::map<std::string, std::string> labels;  ///< added to the well-known kubernetes.io/* labels
  std::vector<node_taint> taints;
  /// Quantities by resource name: "cpu", "memory", "nvidia.com/gpu", "pods", ... ("pods" defaults
  /// to "110", "ephemeral-storage" to "128Gi").
  std::map<std::string, std::string> capacity;
  /// Defaults to `capacity` for every resource it does not name.
  std::map<std::string, std::string> allocatable;
  std::string kubelet_version;  ///< defaults to the server's gitVersion
  std::string internal_ip;      ///< defaults to 10.240.0.N
  bool unschedulable = false;   ///< cordoned: STATUS shows Ready,SchedulingDisabled
};

}  // namespace amlk8s::local::kube
