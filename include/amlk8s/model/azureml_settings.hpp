// The configuration of the `Microsoft.AzureML.Kubernetes` cluster extension as a typed object, and
// the client-side work `az k8s-extension create` does before it calls ARM. Contract:
// contracts/arm-extensions.md §2.2 (the steps), §2.3 (every key, its type and default), §2.4 (the
// validation rules, in order), §2.5 (legacy names and dereferencing), §2.6 (identity).
//
//   amlk8s::model::azureml_settings s;
//   s.enable_training = true;
//   s.enable_inference = true;
//   s.inference_router_service_type = amlk8s::model::router_service_type::load_balancer;
//   s.allow_insecure_connections = true;
//   auto request = amlk8s::model::build_azureml_create(s, cluster);   // throws on bad input
//   std::cout << request.dry_run();                                   // what will be sent (secrets ***)
//
// Or from the command-line form people already type:
//   auto s = amlk8s::model::azureml_settings::from_key_values(
//       {"enableTraining=True", "enableInference=True", "inferenceRouterServiceType=LoadBalancer"},
//       {"sslCertPemFile=cert.pem", "sslKeyPemFile=key.pem"});
//
// Nothing here does I/O except reading the PEM files and settings files it is pointed at.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/model/extension.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// How the inference router (azureml-fe) is exposed: `inferenceRouterServiceType`.
enum class router_service_type { load_balancer, node_port, cluster_ip };

/// "LoadBalancer", "NodePort" or "ClusterIP".
std::string_view to_string(router_service_type type) noexcept;
/// Parses the three names, ignoring case; nullopt for anything else.
std::optional<router_service_type> parse_router_service_type(std::string_view text) noexcept;

/// The extension type, as the CLI sends it (lower case).
inline constexpr std::string_view azureml_extension_type = "microsoft.azureml.kubernetes";

/// The AzureML extension's configuration settings. Unset optionals are not sent (the chart's
/// defaults apply; §2.3 lists them). Copy freely: secrets are secret_string and print as ***.
struct azureml_settings {
  // Workloads.
  std::optional<bool> enable_training;             ///< enableTraining (default False)
  std::optional<bool> enable_inference;            ///< enableInference (default False)
  // Inference router.
  std::optional<bool> allow_insecure_connections;  ///< allowInsecureConnections: HTTP endpoints (default False)
  std::optional<router_service_type> inference_router_service_type;  ///< required with inference
  std::optional<std::string> internal_load_balancer_provider;  ///< "azure": internal LB (AKS only)
  std::optional<bool> inference_router_ha;         ///< inferenceRouterHA: 3 router replicas (default True)
  std::optional<std::string> cluster_purpose;      ///< clusterPurpose, e.g. "DevTest"
  std::optional<bool> is_aks_migration;            ///< isAKSMigration (legacy AKS v1 inference)
  // TLS for inference endpoints: a Kubernetes secret in `azureml`, or a certificate and key.
  std::optional<std::string> ssl_secret;           ///< sslSecret: secret with cert.pem and key.pem
  std::optional<std::string> ssl_cname;            ///< sslCname: required whenever TLS is on
  std::optional<std::filesystem::path> ssl_cert_pem_file;  ///< sslCertPemFile (protected): read and sent base64
  std::optional<std::filesystem::path> ssl_key_pem_file;   ///< sslKeyPemFile (protected): read and sent base64
  secret_string ssl_cert_pem;  ///< the certificate PEM itself, instead of ssl_cert_pem_file
  secret_string ssl_key_pem;   ///< the key PEM itself (no passphrase), instead of ssl_key_pem_file
  // Placement and optional components.
  std::map<std::string, std::string> node_selector;  ///< nodeSelector.<label>=<value>
  std::optional<bool> install_nvidia_device_plugin;  ///< installNvidiaDevicePlugin (default False)
  std::optional<bool> install_prom_op;               ///< installPromOp (default True)
  std::optional<bool> install_volcano;               ///< installVolcano (default True)
  std::optional<bool> install_dcgm_exporter;         ///< installDcgmExporter (default False)
  std::optional<bool> openshift;                     ///< openshift (set for OpenShift clusters)
  std::optional<bool> log_analytics_ws;              ///< logAnalyticsWS
  // Cloud connectivity (defaults depend on the cluster kind, §2.2 step 6).
  std::optional<bool> relay_server_enabled;          ///< relayserver.enabled (default: Arc only)
  std::optional<bool> service_bus_enabled;           ///< servicebus.enabled (default False)
  std::optional<bool> nginx_ingress_enabled;         ///< nginxIngress.enabled (default: AKS only)
  secret_string relay_server_connection_string;      ///< relayServerConnectionString (protected)
  secret_string service_bus_connection_string;       ///< serviceBusConnectionString (protected)
  /// Any other public key, sent as given (keys the chart reads that have no field above).
  std::map<std::string, std::string> extra_settings;
  /// Any other protected key, sent as given.
  std::map<std::string, secret_string> extra_protected_settings;

  /// What parsing noticed that is not an error: legacy names mapped, unknown keys kept, keys whose
  /// case was corrected. Printed by the front ends; never contains secret values.
  std::vector<std::string> warnings;

  /// Reads az-style `key=value` items (`--config` and `--config-protected`; split on the first
  /// '='). Known keys are matched ignoring case, legacy names (§2.5) are mapped with a warning,
  /// other keys are kept in extra_settings with a warning. Throws amlk8s::error
  /// (errc::invalid_argument) listing every malformed item, non-boolean value of a boolean key,
  /// and key given both as a setting and a protected setting.
  static azureml_settings from_key_values(std::span<const std::string> settings,
                                          std::span<const std::string> protected_settings = {});
  /// The same from two maps (e.g. the objects of JSON settings files).
  static azureml_settings from_maps(const std::map<std::string, std::string>& settings,
                                    const std::map<std::string, secret_string>& protected_settings = {});
  /// The same from JSON settings files (`--config-file`, `--config-protected-file`): each a JSON
  /// object of strings (booleans and numbers are accepted and written as the CLI would). Either
  /// path may be empty.
  static azureml_settings from_files(const std::filesystem::path& settings_file,
                                     const std::filesystem::path& protected_settings_file = {});
  /// Everything az accepts at once: inline items and files. Inline items and the matching file
  /// must not both be given (§2.1).
  static azureml_settings from_cli(std::span<const std::string> settings, std::span<const std::string> protected_settings,
                                   const std::filesystem::path& settings_file,
                                   const std::filesystem::path& protected_settings_file);

  /// The create-time rules of §2.4, in the CLI's order, plus the checks the CLI leaves to the
  /// cluster where they can be made locally: a PEM file that cannot be read, does not parse or
  /// needs a passphrase, a key that does not match its certificate, a certificate that does not
  /// cover sslCname, only one of the certificate and the key. Empty when the settings can be sent.
  std::vector<validation_issue> validate() const;

  /// The settings as the flat public map (values as the CLI writes them: "True"/"False").
  std::map<std::string, std::string> to_settings_map() const;
};

/// Prints the settings with protected values as ***.
std::string to_string(const azureml_settings& settings);

/// What the transformation needs to know about the target cluster (§2.2 step 5): read it with the
/// clusters client, or fill it in by hand for a dry run.
struct azureml_target {
  resource_id cluster;            ///< the cluster resource id (its kind decides AKS vs Arc defaults)
  std::string location;           ///< the cluster's location; lower-cased when used
  std::optional<int> node_count;  ///< unknown: no small-cluster defaults are applied
  std::string distribution;       ///< Arc `distribution` ("openshift" turns openshift on)
};

/// Choices that are arguments of `az k8s-extension create` rather than settings.
struct azureml_install_options {
  std::optional<std::string> release_train;             ///< default "stable" (§2.2 step 6)
  std::optional<std::string> version;                   ///< a pinned version turns auto-upgrade off
  std::optional<bool> auto_upgrade_minor_version;
  /// "cluster" (default) or "namespace"; AzureML installs at cluster scope only (§2.2 step 2).
  std::string scope = "cluster";
  /// Ignored with a warning unless it is "azureml": the release namespace is always azureml.
  std::optional<std::string> release_namespace;
};

/// The request `az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes` would send:
/// the PUT body of contracts/arm-extensions.md §1.3, after §2.2–2.6.
struct azureml_create_request {
  std::string extension_type = std::string(azureml_extension_type);
  std::string release_namespace = "azureml";
  std::string release_train = "stable";
  std::optional<std::string> version;
  std::optional<bool> auto_upgrade_minor_version;
  std::map<std::string, std::string> configuration_settings;
  std::map<std::string, secret_string> configuration_protected_settings;
  /// "SystemAssigned" on Arc clusters; none on AKS, which assigns its own (§2.6).
  std::optional<std::string> identity_type;
  /// What the transformation decided that a user should know (defaults applied, TLS off, ...).
  std::vector<std::string> warnings;

  /// The PUT body on the wire. Protected values appear in clear: send it, never print it.
  boost::json::object to_json() const;
  /// The same body with every protected value replaced by "***": what `--dry-run` shows.
  boost::json::object to_redacted_json() const;
  /// to_redacted_json(), pretty enough to read in a terminal.
  std::string dry_run() const;
  /// The same request as a generic extension spec (what extensions_client sends).
  extension_spec to_spec() const;
};

/// Every check build_azureml_create makes before it transforms anything (scope, cluster id, the
/// version pin, and settings.validate()), without reading the cluster: empty when it can proceed.
std::vector<validation_issue> validate_azureml_create(const azureml_settings& settings, const resource_id& cluster,
                                                      const azureml_install_options& options = {});

/// Applies §2.2–2.6 to `settings` for `target`. Throws amlk8s::error (errc::invalid_argument)
/// with every validation issue before anything is sent.
azureml_create_request build_azureml_create(const azureml_settings& settings, const azureml_target& target,
                                            const azureml_install_options& options = {});

/// What an update (PATCH, §1.4 and §2.8) will send.
struct azureml_update_request {
  std::optional<std::string> release_train;
  std::optional<std::string> version;
  std::optional<bool> auto_upgrade_minor_version;
  std::map<std::string, std::string> configuration_settings;             ///< merged by key
  std::map<std::string, secret_string> configuration_protected_settings;  ///< replaces them all
  /// Changes that affect running jobs or endpoints (the CLI's confirmation prompt, §2.8).
  std::vector<std::string> impact;
  std::vector<std::string> warnings;

  /// The PATCH body: only what is set.
  boost::json::object to_json() const;
  /// The same with protected values as "***".
  boost::json::object to_redacted_json() const;
  /// The same request as a generic extension patch (what extensions_client sends).
  extension_patch to_patch() const;
};

/// Applies the update rules of §2.8 to `changes` (only what is set is sent). Since PATCH replaces
/// the protected settings whole, any protected value in `changes` requires
/// `replaces_all_protected_settings` (the caller confirms it passes every one of them);
/// otherwise, and for an invalid router service type, throws amlk8s::error.
azureml_update_request build_azureml_update(const azureml_settings& changes, bool replaces_all_protected_settings,
                                            const azureml_install_options& options = {});

}  // namespace amlk8s::model
