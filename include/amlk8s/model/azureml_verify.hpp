// Knowing the AzureML extension worked, and knowing before installing whether a cluster can take it.
//
// Verification compares the components the seed's table says a configuration creates
// (azureml_components.hpp) with the workloads in namespace `azureml`, and reads the in-cluster
// health check's report (ConfigMap `arcml-healthcheck`, contracts/arm-extensions.md §2.10).
// Preflight checks every documented prerequisite and limitation (the seed's "Prerequisites" and
// "Limitations") and reports named findings with a severity and the fix.
//
// Both are sans-I/O evaluators over facts; the extension client gathers the facts over ARM and the
// Kubernetes API (azureml_client.hpp), and tests or other tools may supply them directly.
#pragma once

#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/model/azureml_components.hpp>
#include <amlk8s/model/azureml_settings.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

// ---- verification ----------------------------------------------------------------------------

/// Where a component stands.
enum class component_state {
  running,    ///< the workload exists and every desired replica (or daemon pod) is ready
  not_ready,  ///< the workload exists but is not (yet) fully ready
  missing,    ///< no workload of that kind and name in the namespace
};
/// "Running", "NotReady" or "Missing".
std::string_view to_string(component_state state) noexcept;

/// One component's state.
struct component_status {
  component expected;
  component_state state = component_state::missing;
  int ready = 0;    ///< ready replicas / daemon pods
  int desired = 0;  ///< desired replicas / daemon pods (0 when missing)
};

/// One code from the health check's report, e.g. E40002 INSUFFICIENT_NODE.
struct health_check_finding {
  std::string phase;  ///< "pre-install", "pre-upgrade", "pre-rollback", "pre-delete" or "test"
  std::string code;   ///< "E40002"
  std::string name;   ///< "INSUFFICIENT_NODE" (empty for a code amlk8s does not know)
  std::string meaning;  ///< what it means and how to fix it (empty when unknown)
};

/// The documented name and meaning of a health-check code (§2.10); empty strings when unknown.
std::pair<std::string_view, std::string_view> health_check_code_info(std::string_view code) noexcept;

/// What verification found.
struct verification_report {
  std::string extension_name;
  std::string provisioning_state;  ///< the extension resource's, when it was read
  std::vector<component_status> components;
  std::vector<health_check_finding> health_checks;

  /// True when provisioning succeeded (or was not read), every component runs and no check failed.
  bool ok() const noexcept;
  /// A table a person can read: one line per component, then the health-check findings.
  std::string to_string() const;
};

/// The workloads found in namespace azureml (apps/v1 objects as the Kubernetes API returns them).
struct observed_workloads {
  std::vector<boost::json::object> deployments;
  std::vector<boost::json::object> daemonsets;
  std::vector<boost::json::object> statefulsets;
  /// The `arcml-healthcheck` ConfigMap, when it exists.
  std::optional<boost::json::object> health_check_config_map;
};

/// Compares what `expected` lists with what was observed.
verification_report evaluate_components(const std::vector<component>& expected, const observed_workloads& observed);

/// The health-check codes in an `arcml-healthcheck` ConfigMap, by phase (every E-code in a report).
std::vector<health_check_finding> read_health_check(const boost::json::object& config_map);

// ---- preflight ----------------------------------------------------------------------------------

/// How serious a finding is.
enum class finding_severity {
  error,    ///< the installation will fail or the extension will not work
  warning,  ///< it may fail, or it works with a documented limitation
  info,     ///< worth knowing; nothing to fix
};
/// "Error", "Warning" or "Info".
std::string_view to_string(finding_severity severity) noexcept;

/// One preflight finding.
struct preflight_finding {
  std::string id;  ///< stable name, e.g. "aks-service-principal"
  finding_severity severity = finding_severity::warning;
  std::string message;
  std::string fix;
};

/// What preflight knows about the cluster. Unknown facts (nullopt) skip their checks.
struct preflight_facts {
  resource_id cluster;
  // From the cluster resource (ARM).
  std::optional<bool> uses_service_principal;      ///< AKS: servicePrincipalProfile instead of a managed identity
  std::optional<bool> local_accounts_disabled;     ///< AKS: properties.disableLocalAccounts
  std::vector<std::string> authorized_ip_ranges;   ///< AKS: apiServerAccessProfile.authorizedIPRanges
  std::optional<bool> pod_identity_enabled;        ///< AKS: podIdentityProfile.enabled (unsupported)
  std::optional<int> node_count;                   ///< ARM's count (AKS pools / Arc totalNodeCount)
  // From the subscription.
  std::optional<bool> provider_registered;         ///< Microsoft.KubernetesConfiguration registration
  std::optional<std::string> workspace_subscription_id;  ///< where the AzureML workspace lives, if known
  // From the Kubernetes API.
  std::optional<int> ready_nodes;                  ///< Ready nodes (matching the settings' nodeSelector)
  std::optional<double> allocatable_cpu_cores;     ///< sum over those nodes
  std::optional<double> allocatable_memory_gib;    ///< sum over those nodes
  std::optional<bool> load_balancer_provisioned;   ///< a Service of type LoadBalancer got an address
  std::vector<std::string> legacy_azureml_fe;      ///< legacy AKS v1 azureml-fe objects found ("kind/ns/name")
  std::optional<bool> azureml_namespace_terminating;  ///< namespace azureml is being deleted
  /// Purpose of the installation: production applies the 4 vCPU / 14 GB minimum.
  bool production = true;
};

/// Every check of the seed's prerequisites and limitations against `facts` for `settings`.
std::vector<preflight_finding> evaluate_preflight(const preflight_facts& facts, const azureml_settings& settings);

/// What preflight found.
struct preflight_report {
  std::vector<preflight_finding> findings;
  /// True when no finding is an error.
  bool ok() const noexcept;
  /// One line per finding: severity, id, message, fix.
  std::string to_string() const;
};

}  // namespace amlk8s::model
