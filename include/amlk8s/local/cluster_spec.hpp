// What a simulated cluster and a workspace are, whichever way they were declared: a world file or
// an ARM PUT. The Kubernetes side builds its nodes from a cluster_spec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace amlk8s::local {

/// AKS (`Microsoft.ContainerService/managedClusters`) or Azure Arc (`Microsoft.Kubernetes/connectedClusters`).
enum class cluster_kind { aks, arc };

/// How the cluster authenticates to Azure.
enum class identity_kind { system_assigned, user_assigned, service_principal, none };

/// One pool of identical nodes.
struct node_pool {
  std::string name;
  int count = 1;
  std::string vm_size;                        ///< empty when the capacity was declared directly
  std::int64_t cpu_millicores = 0;            ///< per node
  std::int64_t memory_bytes = 0;              ///< per node
  int gpus = 0;                               ///< `nvidia.com/gpu` per node
  std::map<std::string, std::string> labels;  ///< node labels
  std::vector<std::string> taints;            ///< AKS form: `key=value:Effect`
  std::string mode = "User";                  ///< AKS `System` or `User`

  friend bool operator==(const node_pool&, const node_pool&) = default;
};

/// A simulated cluster.
struct cluster_spec {
  cluster_kind kind = cluster_kind::aks;
  std::string subscription;
  std::string resource_group;
  std::string name;
  std::string location;
  std::string kubernetes_version;
  std::string distribution;  ///< "aks" for AKS; for Arc e.g. "k8s", "k3s", "openshift"
  identity_kind identity = identity_kind::system_assigned;
  bool local_accounts = true;  ///< false = AKS `disableLocalAccounts`
  std::vector<std::string> authorized_ip_ranges;
  std::vector<node_pool> node_pools;
  /// Whether a Service of type LoadBalancer gets an address (a cloud load balancer, or MetalLB
  /// and the like on premises). Unset: the kind's default, see supports_load_balancer(). World
  /// file key `loadBalancer`.
  std::optional<bool> load_balancer;

  friend bool operator==(const cluster_spec&, const cluster_spec&) = default;
};

/// Whether `cluster` can provision load balancers: `load_balancer` when set, else true for AKS
/// (Azure load balancer) and false for Arc (most on-premises clusters have none).
bool supports_load_balancer(const cluster_spec& cluster) noexcept;

/// An AzureML workspace.
struct workspace_spec {
  std::string subscription;
  std::string resource_group;
  std::string name;
  std::string location;
  std::string description;

  friend bool operator==(const workspace_spec&, const workspace_spec&) = default;
};

/// The ARM type of a cluster kind: "Microsoft.ContainerService/managedClusters" or
/// "Microsoft.Kubernetes/connectedClusters".
std::string_view arm_type(cluster_kind kind) noexcept;

/// The ARM id of a cluster.
std::string arm_id(const cluster_spec& cluster);

/// The ARM id of a workspace.
std::string arm_id(const workspace_spec& workspace);

/// "SystemAssigned", "UserAssigned", "ServicePrincipal" or "None".
std::string_view to_string(identity_kind kind) noexcept;

}  // namespace amlk8s::local
