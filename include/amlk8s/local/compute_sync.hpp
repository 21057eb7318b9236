// Compute sync in the local control plane: what the AzureML service does to keep a Kubernetes
// compute's instance types in step with its cluster (contracts/aml-workspace-and-auth.md §1.3,
// §3.3; contracts/kubernetes.md §1.3, §1.5). When a Kubernetes compute's PUT completes, and before
// every GET of it (alone or in a list), `properties.properties.instanceTypes` is rebuilt from the
// cluster's InstanceType CRs plus `defaultinstancetype` (the CR of that name, else the virtual
// default), so the compute always shows what the cluster has now. The checks made before an
// attach is accepted (cluster, AzureML extension) are the ARM side's (src/local/arm/kinds_ml.cpp).
#pragma once

#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/azureml_agent.hpp>

namespace amlk8s::local {

/// Registers the compute sync with `arm` (on_change and on_read observers). `lookup` gives a
/// cluster's Kubernetes API. `arm` owns the observers.
void attach_compute_sync(arm_api& arm, cluster_api_lookup lookup);

}  // namespace amlk8s::local
