// What `az k8s-extension create/update --extension-type Microsoft.AzureML.Kubernetes` does to the
// settings before it calls ARM (contracts/arm-extensions.md §2.2–2.6, §2.8). The bodies are the
// extension resource of §1.3 and the patch of §1.4.
#include <amlk8s/model/azureml_settings.hpp>

#include "model/azureml_keys.hpp"
#include "model/pem.hpp"
#include "model/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace amlk8s::model {
namespace {

std::string lower(std::string_view s) { return detail::to_lower(s); }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw validation_error({{"sslCertPemFile", "file '" + path.string() + "' cannot be read", "give a readable PEM file"}});
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The certificate and key text, from files or given directly (validate() has checked them).
std::pair<std::string, std::string> pem_pair(const azureml_settings& s) {
  std::string cert = s.ssl_cert_pem_file ? read_file(*s.ssl_cert_pem_file) : s.ssl_cert_pem.reveal();
  std::string key = s.ssl_key_pem_file ? read_file(*s.ssl_key_pem_file) : s.ssl_key_pem.reveal();
  return {std::move(cert), std::move(key)};
}

bool has_pem_pair(const azureml_settings& s) {
  return (s.ssl_cert_pem_file || !s.ssl_cert_pem.empty()) && (s.ssl_key_pem_file || !s.ssl_key_pem.empty());
}

template <class Map, class V>
void put_if_absent(Map& m, std::string_view key, V value) {
  m.try_emplace(std::string(key), std::move(value));
}

// §2.5 dereferencing: copy the source's value to each target that is absent; the source stays.
template <class Map>
void dereference(Map& m) {
  auto copy = [&](std::string_view from, std::initializer_list<std::string_view> to) {
    auto it = m.find(std::string(from));
    if (it == m.end()) return;
    auto value = it->second;
    for (auto t : to) m.try_emplace(std::string(t), value);
  };
  copy(keys::relay_server_connection_string, {keys::relay_connection_string_target});
  copy(keys::service_bus_connection_string, {keys::service_bus_connection_string_target});
  copy(keys::cluster_name, {keys::cluster_id_target, keys::prometheus_cluster_name_target});
}

// The protected settings common to create and update: given secrets plus TLS material.
std::map<std::string, secret_string> protected_settings_of(const azureml_settings& s, bool tls_from_pem) {
  std::map<std::string, secret_string> p = s.extra_protected_settings;
  if (!s.relay_server_connection_string.empty())
    p[std::string(keys::relay_server_connection_string)] = s.relay_server_connection_string;
  if (!s.service_bus_connection_string.empty())
    p[std::string(keys::service_bus_connection_string)] = s.service_bus_connection_string;
  // §2.4 3f: certificate and key travel base64-encoded as protected settings. The local file
  // paths are not sent (the CLI sends them too; they mean nothing to the cluster).
  if (tls_from_pem) {
    auto [cert, key] = pem_pair(s);
    p[std::string(keys::scoring_fe_ssl_cert)] = secret_string(pem::base64(cert));
    p[std::string(keys::scoring_fe_ssl_key)] = secret_string(pem::base64(key));
  }
  return p;
}

boost::json::object protected_json(const std::map<std::string, secret_string>& m, bool redact) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = redact ? std::string("***") : v.reveal();
  return o;
}

// §2.8: the service-type flags are rewritten on every update that names them.
void service_type_flags(const azureml_settings& s, std::map<std::string, std::string>& m, std::vector<std::string>& warnings,
                        bool write_false) {
  const bool node_port = s.inference_router_service_type == router_service_type::node_port;
  const bool ilb = s.internal_load_balancer_provider && lower(*s.internal_load_balancer_provider) == "azure";
  if (s.inference_router_service_type && (node_port || write_false))
    m[std::string(keys::scoring_fe_node_port)] = node_port ? "True" : "False";
  if (ilb && !node_port) {
    m[std::string(keys::scoring_fe_internal_lb)] = "True";
    warnings.push_back("Internal load balancer only supported on AKS and AKS Engine Clusters.");
  } else if (write_false && s.internal_load_balancer_provider && !ilb) {
    m[std::string(keys::scoring_fe_internal_lb)] = "False";
  }
}

}  // namespace

std::vector<validation_issue> validate_azureml_create(const azureml_settings& settings, const resource_id& cluster,
                                                      const azureml_install_options& options) {
  std::vector<validation_issue> issues;
  // §2.2 step 2–3: cluster scope only, release namespace azureml.
  if (lower(options.scope) != "cluster")
    issues.push_back({"scope", "the AzureML extension installs at cluster scope only ('" + options.scope + "' was given)",
                      "use scope 'cluster'; its components always go to namespace azureml (see " +
                          std::string(keys::tsg_link) + ")"});
  if (!cluster_kind_of(cluster))
    issues.push_back({"cluster", "'" + cluster.to_string() + "' is not an AKS or Arc-enabled cluster id",
                      "give the id of a Microsoft.ContainerService/managedClusters or Microsoft.Kubernetes/connectedClusters resource"});
  // §2.1: a pinned version needs auto-upgrade off.
  if (options.version && options.auto_upgrade_minor_version.value_or(false))
    issues.push_back({"autoUpgradeMinorVersion", "a pinned version cannot be combined with automatic minor upgrades",
                      "set auto_upgrade_minor_version to false (or leave it unset) when a version is given"});

  // §2.4: every rule, before anything is sent.
  for (auto& issue : settings.validate()) issues.push_back(std::move(issue));
  return issues;
}

azureml_create_request build_azureml_create(const azureml_settings& settings, const azureml_target& target,
                                            const azureml_install_options& options) {
  if (auto issues = validate_azureml_create(settings, target.cluster, options); !issues.empty())
    throw validation_error(std::move(issues));
  azureml_create_request r;
  r.warnings = settings.warnings;
  r.warnings.push_back("Troubleshooting: " + std::string(keys::tsg_link));
  if (options.release_namespace && *options.release_namespace != "azureml")
    r.warnings.push_back("release namespace '" + *options.release_namespace +
                         "' is ignored: the AzureML extension always installs into namespace azureml");
  const auto kind = cluster_kind_of(target.cluster);

  auto& pub = r.configuration_settings;
  pub = settings.to_settings_map();
  const bool training = settings.enable_training.value_or(false);
  const bool inference = settings.enable_inference.value_or(false);
  // §2.4 rule 4: both flags are always written.
  pub[std::string(keys::enable_training)] = training ? "True" : "False";
  pub[std::string(keys::enable_inference)] = inference ? "True" : "False";

  bool tls_from_pem = false;
  if (inference) {
    // §2.4 3a: migration from AKS v1 inference.
    if (settings.is_aks_migration.value_or(false)) {
      pub[std::string(keys::scoring_fe_namespace)] = "default";
      pub[std::string(keys::is_aks_migration)] = "true";
    }
    service_type_flags(settings, pub, r.warnings, false);
    // §2.4 3f: PEM files win over sslSecret.
    if (!settings.allow_insecure_connections.value_or(false)) {
      if (has_pem_pair(settings)) tls_from_pem = true;
      else if (settings.ssl_secret) pub[std::string(keys::scoring_fe_ssl_secret)] = *settings.ssl_secret;
    } else {
      r.warnings.push_back("SSL is not enabled. Allowing insecure connections to the deployed services.");
    }
  }
  r.configuration_protected_settings = protected_settings_of(settings, tls_from_pem);

  // §2.2 step 5: what the cluster says.
  const std::string location = lower(target.location);
  if (target.node_count && *target.node_count < 3) {
    if (!settings.cluster_purpose) {
      pub[std::string(keys::cluster_purpose)] = "DevTest";
      r.warnings.push_back("the cluster has fewer than 3 nodes: clusterPurpose=DevTest");
    }
    if (!settings.inference_router_ha) {
      pub[std::string(keys::inference_router_ha)] = "false";
      if (inference) r.warnings.push_back("the cluster has fewer than 3 nodes: inferenceRouterHA=false (one router replica)");
    }
  }
  if (lower(target.distribution) == "openshift") pub[std::string(keys::openshift)] = "true";

  // §2.2 step 6: injected values, only when absent.
  put_if_absent(pub, keys::cluster_name, target.cluster.to_string());
  put_if_absent(pub, keys::domain, location + ".cloudapp.azure.com");
  put_if_absent(pub, keys::location, location);
  put_if_absent(pub, keys::job_scheduler_location, location);
  put_if_absent(pub, keys::cluster_name_friendly, std::string(target.cluster.name()));
  put_if_absent(pub, keys::service_bus_enabled, std::string("false"));
  const bool aks = kind == cluster_kind::aks;
  put_if_absent(pub, keys::relay_server_enabled, std::string(aks ? "false" : "true"));
  put_if_absent(pub, keys::nginx_ingress_enabled, std::string(aks ? "true" : "false"));

  // §2.7: the Azure Relay / Service Bus / Log Analytics resources the CLI creates are not created here.
  auto on = [&](std::string_view k) { return lower(pub[std::string(k)]) != "false"; };
  if (on(keys::relay_server_enabled) && settings.relay_server_connection_string.empty())
    r.warnings.push_back("relayserver.enabled is on and no relayServerConnectionString is given: the extension's relay "
                         "server needs an Azure Relay hybrid connection (create one and pass its connection string as "
                         "the protected setting relayServerConnectionString)");
  if (on(keys::service_bus_enabled) && settings.service_bus_connection_string.empty())
    r.warnings.push_back("servicebus.enabled is on and no serviceBusConnectionString is given");

  dereference(pub);
  dereference(r.configuration_protected_settings);

  r.release_train = options.release_train.value_or("stable");
  r.version = options.version;
  r.auto_upgrade_minor_version = options.version ? std::optional<bool>(false) : options.auto_upgrade_minor_version;
  // §2.6: Arc clusters get a system-assigned identity; AKS assigns its own.
  if (!aks) r.identity_type = "SystemAssigned";
  return r;
}

boost::json::object azureml_create_request::to_json() const {
  // One body: the one extensions_client sends.
  return to_spec().to_json();
}

boost::json::object azureml_create_request::to_redacted_json() const {
  auto body = to_json();
  auto& props = body["properties"].as_object();
  if (props.contains("configurationProtectedSettings"))
    props["configurationProtectedSettings"] = protected_json(configuration_protected_settings, true);
  return body;
}

std::string azureml_create_request::dry_run() const {
  // One member per line: easy to read and to diff.
  const auto body = to_redacted_json();
  std::string out = "{\n";
  bool first = true;
  for (const auto& [k, v] : body) {
    if (!first) out += ",\n";
    first = false;
    if (k == "properties") {
      out += "  \"properties\": {\n";
      bool first_prop = true;
      for (const auto& [pk, pv] : v.as_object()) {
        if (!first_prop) out += ",\n";
        first_prop = false;
        if (pv.is_object() && !pv.as_object().empty() && pk != "scope") {
          out += "    \"" + std::string(pk) + "\": {\n";
          bool first_item = true;
          for (const auto& [ik, iv] : pv.as_object()) {
            if (!first_item) out += ",\n";
            first_item = false;
            out += "      " + boost::json::serialize(boost::json::value(ik)) + ": " + boost::json::serialize(iv);
          }
          out += "\n    }";
        } else {
          out += "    \"" + std::string(pk) + "\": " + boost::json::serialize(pv);
        }
      }
      out += "\n  }";
    } else {
      out += "  \"" + std::string(k) + "\": " + boost::json::serialize(v);
    }
  }
  return out + "\n}\n";
}

extension_spec azureml_create_request::to_spec() const {
  extension_spec spec;
  spec.extension_type = extension_type;
  spec.auto_upgrade_minor_version = auto_upgrade_minor_version;
  spec.release_train = release_train;
  spec.version = version;
  spec.scope = extension_scope{true, release_namespace, {}};
  spec.configuration_settings = configuration_settings;
  spec.configuration_protected_settings = configuration_protected_settings;
  if (identity_type) spec.identity = extension_identity{*identity_type, {}, {}, {}};
  return spec;
}

azureml_update_request build_azureml_update(const azureml_settings& changes, bool replaces_all_protected_settings,
                                            const azureml_install_options& options) {
  azureml_update_request r;
  r.warnings = changes.warnings;
  r.warnings.push_back("Troubleshooting: " + std::string(keys::tsg_link));
  std::vector<validation_issue> issues;
  if (options.version && options.auto_upgrade_minor_version.value_or(false))
    issues.push_back({"autoUpgradeMinorVersion", "a pinned version cannot be combined with automatic minor upgrades",
                      "set auto_upgrade_minor_version to false (or leave it unset) when a version is given"});
  const bool tls_from_pem = has_pem_pair(changes);
  if ((changes.ssl_cert_pem_file || !changes.ssl_cert_pem.empty()) != (changes.ssl_key_pem_file || !changes.ssl_key_pem.empty()))
    issues.push_back({"configurationProtectedSettings.sslCertPemFile", "an update must give the TLS certificate and key together",
                      "give both sslCertPemFile and sslKeyPemFile"});
  auto prot = issues.empty() ? protected_settings_of(changes, tls_from_pem) : std::map<std::string, secret_string>{};
  if (!prot.empty() && !replaces_all_protected_settings)
    issues.push_back({"configurationProtectedSettings",
                      "an update replaces every protected setting of the extension, and these changes give only some",
                      "pass every protected setting the extension needs (TLS material, relay and service bus connection "
                      "strings) and confirm with replaces_all_protected_settings=true"});
  if (!issues.empty()) throw validation_error(std::move(issues));

  auto& pub = r.configuration_settings;
  pub = changes.to_settings_map();
  service_type_flags(changes, pub, r.warnings, true);
  if (!tls_from_pem && changes.ssl_secret) pub[std::string(keys::scoring_fe_ssl_secret)] = *changes.ssl_secret;
  r.configuration_protected_settings = std::move(prot);
  dereference(pub);
  dereference(r.configuration_protected_settings);

  // §2.8: what affects running jobs and endpoints (the CLI asks for confirmation).
  if (changes.enable_training == false) r.impact.push_back("enableTraining from True to False");
  if (changes.enable_inference == false) r.impact.push_back("enableInference from True to False");
  if (changes.install_nvidia_device_plugin == false)
    r.impact.push_back("installNvidiaDevicePlugin from True to False if Nvidia GPU is used");
  if (changes.allow_insecure_connections) r.impact.push_back("allowInsecureConnections");
  if (changes.inference_router_service_type) r.impact.push_back("inferenceRouterServiceType");
  if (changes.internal_load_balancer_provider) r.impact.push_back("internalLoadBalancerProvider");
  if (changes.ssl_cname) r.impact.push_back("sslCname");
  if (!changes.node_selector.empty())
    r.impact.push_back("nodeSelector (an update cannot remove an existing node selector, only add or change them)");
  if (changes.log_analytics_ws.value_or(false))
    r.impact.push_back("logAnalyticsWS (give all the original protected settings, or they are deleted)");

  r.release_train = options.release_train;
  r.version = options.version;
  r.auto_upgrade_minor_version = options.version ? std::optional<bool>(false) : options.auto_upgrade_minor_version;
  return r;
}

boost::json::object azureml_update_request::to_json() const {
  // One body: the one extensions_client sends (§1.4: only what is set).
  return to_patch().to_json();
}

extension_patch azureml_update_request::to_patch() const {
  extension_patch patch;
  patch.release_train = release_train;
  patch.version = version;
  patch.auto_upgrade_minor_version = auto_upgrade_minor_version;
  if (!configuration_settings.empty()) patch.configuration_settings = configuration_settings;
  if (!configuration_protected_settings.empty()) {
    patch.configuration_protected_settings = configuration_protected_settings;
    patch.replaces_all_protected_settings = true;  // build_azureml_update has had it confirmed
  }
  return patch;
}

boost::json::object azureml_update_request::to_redacted_json() const {
  auto body = to_json();
  auto& props = body["properties"].as_object();
  if (props.contains("configurationProtectedSettings"))
    props["configurationProtectedSettings"] = protected_json(configuration_protected_settings, true);
  return body;
}

}  // namespace amlk8s::model
