// What the AzureML extension puts in namespace `azureml`, by configuration: the seed documents'
// component table ("Review Azure Machine Learning extension component"), with the optional rows
// tied to their install flags. The SDK's verification compares a cluster against this list; the
// local control plane's simulated agent creates exactly this list. One table, both sides.
#pragma once

#include <amlk8s/core/resource_id.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// The Kubernetes workload kind of a component.
enum class workload_kind { deployment, daemonset, statefulset };

/// "Deployment", "DaemonSet" or "StatefulSet".
std::string_view to_string(workload_kind kind) noexcept;
/// The apps/v1 plural: "deployments", "daemonsets" or "statefulsets".
std::string_view resource_plural(workload_kind kind) noexcept;

/// The flags that decide which components an installation has.
struct component_selection {
  bool training = false;                      ///< enableTraining
  bool inference = false;                     ///< enableInference
  bool relay_server = false;                  ///< relayserver.enabled (Arc clusters only)
  bool install_prom_op = true;                ///< installPromOp
  bool install_volcano = true;                ///< installVolcano
  bool install_nvidia_device_plugin = false;  ///< installNvidiaDevicePlugin
  bool install_dcgm_exporter = false;         ///< installDcgmExporter
  bool inference_router_ha = true;            ///< inferenceRouterHA: 3 azureml-fe replicas, else 1

  friend bool operator==(const component_selection&, const component_selection&) = default;
};

/// Reads the flags from an extension's public configurationSettings as they are stored in ARM
/// (string values; booleans compare case-insensitively with "true", as the CLI does). Keys that are
/// absent take the documented defaults; `relayserver.enabled` defaults to true on Arc, false on AKS.
component_selection selection_from_settings(const std::map<std::string, std::string>& settings, cluster_kind kind);

/// One expected component.
struct component {
  std::string name;       ///< object name in namespace azureml (extension name substituted)
  workload_kind kind = workload_kind::deployment;
  int replicas = 1;       ///< desired replicas of a deployment/statefulset; 0 for a daemonset (one per node)
  std::string purpose;    ///< the table's description

  friend bool operator==(const component&, const component&) = default;
};

/// The release namespace of the AzureML extension (contracts/arm-extensions.md §2.2 step 3).
inline constexpr std::string_view azureml_namespace = "azureml";

/// The components `selection` creates, in the table's order; `{EXTENSION-NAME}` rows are named
/// after `extension_name`.
std::vector<component> expected_components(const component_selection& selection, std::string_view extension_name);

/// A boolean configuration value the way the CLI reads one: `str(v).lower() == "true"`.
bool setting_is_true(std::string_view value) noexcept;

}  // namespace amlk8s::model
