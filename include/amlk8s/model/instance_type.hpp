// The AzureML InstanceType custom resource (`amlarc.azureml.com/v1alpha1`, cluster-scoped):
// where a workload runs (nodeSelector, tolerations) and with what resources. Contract:
// contracts/kubernetes.md §1 (the resource and defaultinstancetype), §4 (quantities, fitting).
#pragma once

#include <amlk8s/core/quantity.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amlk8s::model {

/// A core/v1 Toleration (§1.2: the optional `spec.tolerations`).
struct toleration {
  std::string key;                               ///< empty with operator Exists: tolerates every taint
  std::string op = "Equal";                      ///< "Equal" or "Exists" (`operator` on the wire)
  std::string value;
  std::string effect;                            ///< "NoSchedule", "PreferNoSchedule", "NoExecute" or empty (all)
  std::optional<std::int64_t> toleration_seconds;

  friend bool operator==(const toleration&, const toleration&) = default;
};

/// One instance type.
struct instance_type {
  std::string name;                                  ///< metadata.name (cluster-scoped)
  std::map<std::string, std::string> node_selector;  ///< spec.nodeSelector
  std::map<std::string, quantity> requests;          ///< spec.resources.requests ("cpu", "memory", ...)
  std::map<std::string, quantity> limits;            ///< spec.resources.limits ("cpu", "memory", "nvidia.com/gpu")
  std::vector<toleration> tolerations;               ///< spec.tolerations
  /// True for the virtual `defaultinstancetype` (no such object exists in the cluster, §1.3).
  bool is_virtual_default = false;

  friend bool operator==(const instance_type&, const instance_type&) = default;
};

}  // namespace amlk8s::model
