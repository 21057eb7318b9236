// The world file (`amlk8s-local serve --clusters FILE`): the clusters and workspaces that exist
// when the control plane starts, in YAML or JSON.
//
//   subscription: 00000000-0000-4000-8000-00000000d001   # default for entries that name none
//   location: eastus                                     # default location
//   clusters:
//     - name: aks-gpu
//       kind: aks                 # aks | arc
//       resourceGroup: rg1
//       kubernetesVersion: "1.30.6"
//       distribution: aks         # Arc: k8s, k3s, openshift, ...
//       identity: SystemAssigned  # SystemAssigned | UserAssigned | ServicePrincipal | None
//       localAccounts: true
//       authorizedIpRanges: [10.0.0.0/8]
//       loadBalancer: true        # LoadBalancer Services get an address; default true for aks, false for arc
//       nodePools:
//         - {name: system, count: 3, vmSize: Standard_D4s_v3, mode: System}
//         - name: gpu
//           count: 2
//           cpu: 8                # or vmSize; cpu/memory/gpu override the size's figures
//           memory: 64Gi
//           gpu: 1
//           labels: {accelerator: nvidia}
//           taints: ["sku=gpu:NoSchedule"]
//   workspaces:
//     - {name: ws1, resourceGroup: rg1}
//
// Member names are those of the ARM bodies (camelCase). An unknown member is an error that names
// it: a typo in a test fixture should fail loudly rather than silently change the world.
#pragma once

#include <amlk8s/local/cluster_spec.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local {

/// Everything a world file declares.
struct world {
  std::vector<cluster_spec> clusters;
  std::vector<workspace_spec> workspaces;

  friend bool operator==(const world&, const world&) = default;
};

/// The notation of a world file.
enum class world_format { yaml, json };

/// Defaults for what a world file leaves out.
struct world_defaults {
  std::string subscription;
  std::string location = "eastus";
  std::string kubernetes_version = "1.30.6";
};

/// Parses a world from text; errors are amlk8s::error (errc::invalid_argument) naming the member
/// path (e.g. "clusters[0].nodePools[1].vmSize") and, for syntax errors, `source_name` and the line.
world parse_world(std::string_view text, world_format format, const world_defaults& defaults,
                  std::string_view source_name = "world file");

/// Reads a world file; `.json` is JSON, anything else YAML (YAML also reads JSON).
world load_world_file(const std::filesystem::path& path, const world_defaults& defaults);

/// Parses a Kubernetes-style quantity ("64Gi", "500m", "2", "1.5G") as a plain number
/// (bytes, cores); std::nullopt when it is not one.
std::optional<double> parse_quantity(std::string_view text) noexcept;

}  // namespace amlk8s::local
