// Reading and checking the AzureML extension's settings (contracts/arm-extensions.md §2.3–2.5).
#include <amlk8s/model/azureml_settings.hpp>

#include "model/azureml_keys.hpp"
#include "model/pem.hpp"
#include "model/wire.hpp"

#include <amlk8s/model/azureml_components.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

namespace amlk8s::model {
namespace {

std::string lower(std::string_view s) { return detail::to_lower(s); }

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string bool_text(bool b) { return b ? "True" : "False"; }

// A setting's value with where it came from, for messages.
struct raw_value {
  std::string key;     // as the user wrote it
  secret_string value;
  bool is_protected = false;
};

enum class key_type { boolean, text, service_type, path, secret };

struct known_key {
  std::string_view name;
  key_type type;
};

constexpr known_key known_keys[] = {
    {keys::enable_training, key_type::boolean},
    {keys::enable_inference, key_type::boolean},
    {keys::allow_insecure_connections, key_type::boolean},
    {keys::inference_router_service_type, key_type::service_type},
    {keys::internal_load_balancer_provider, key_type::text},
    {keys::inference_router_ha, key_type::boolean},
    {keys::cluster_purpose, key_type::text},
    {keys::is_aks_migration, key_type::boolean},
    {keys::ssl_secret, key_type::text},
    {keys::ssl_cname, key_type::text},
    {keys::ssl_cert_pem_file, key_type::path},
    {keys::ssl_key_pem_file, key_type::path},
    {keys::install_nvidia_device_plugin, key_type::boolean},
    {keys::install_prom_op, key_type::boolean},
    {keys::install_volcano, key_type::boolean},
    {keys::install_dcgm_exporter, key_type::boolean},
    {keys::openshift, key_type::boolean},
    {keys::log_analytics_ws, key_type::boolean},
    {keys::relay_server_enabled, key_type::boolean},
    {keys::service_bus_enabled, key_type::boolean},
    {keys::nginx_ingress_enabled, key_type::boolean},
    {keys::relay_server_connection_string, key_type::secret},
    {keys::service_bus_connection_string, key_type::secret},
};

const known_key* find_known(std::string_view key) {
  for (const auto& k : known_keys)
    if (iequals(k.name, key)) return &k;
  return nullptr;
}

std::string where(const raw_value& v) {
  return std::string(v.is_protected ? "configurationProtectedSettings." : "configurationSettings.") + v.key;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (iequals(text, "true")) return true;
  if (iequals(text, "false")) return false;
  return std::nullopt;
}

// Collects typed values; a field set twice (a name and its legacy name) is an error.
class assembler {
 public:
  explicit assembler(azureml_settings& s) : s_(s) {}

  std::vector<validation_issue> issues;

  void add(const raw_value& v) {
    const std::string_view key = v.key;
    // Legacy names (§2.5): mapped with a warning, never sent under the old name.
    if (iequals(key, keys::legacy_inference_load_balancer_ha)) return legacy(v, keys::inference_router_ha, false);
    if (iequals(key, keys::legacy_volcano_scheduler_enable)) return legacy(v, keys::install_volcano, false);
    if (iequals(key, keys::legacy_reuse_existing_prom_op)) return legacy(v, keys::install_prom_op, true);
    if (iequals(key, keys::legacy_ssl_cert_key_file)) return legacy(v, keys::ssl_key_pem_file, false);
    if (iequals(key, keys::legacy_private_endpoint_node_port)) {
      auto b = boolean(v);
      s_.warnings.push_back(std::string(key) + " is a legacy name: read as " +
                            std::string(keys::inference_router_service_type) + (b && *b ? "=NodePort" : " (unchanged)"));
      if (b && *b) set_typed(v, keys::inference_router_service_type, "NodePort");
      return;
    }
    if (iequals(key, keys::legacy_private_endpoint_ilb)) {
      auto b = boolean(v);
      s_.warnings.push_back(std::string(key) + " is a legacy name: read as " +
                            std::string(keys::internal_load_balancer_provider) + (b && *b ? "=azure" : " (unchanged)"));
      if (b && *b) set_typed(v, keys::internal_load_balancer_provider, "azure");
      return;
    }
    if (starts_with_icase(key, keys::node_selector_prefix)) {
      auto label = std::string(key.substr(keys::node_selector_prefix.size()));
      if (label.empty()) {
        issues.push_back({where(v), "a node selector needs a label name after 'nodeSelector.'",
                          "write nodeSelector.<label>=<value>, e.g. nodeSelector.node-purpose=worker"});
        return;
      }
      if (!key.starts_with(keys::node_selector_prefix))
        s_.warnings.push_back("'" + std::string(key) + "' read as 'nodeSelector." + label + "'");
      s_.node_selector[label] = v.value.reveal();
      return;
    }
    if (const auto* k = find_known(key)) {
      if (k->name != key) s_.warnings.push_back("'" + std::string(key) + "' read as '" + std::string(k->name) + "'");
      set_typed(v, k->name, v.value.reveal());
      return;
    }
    // Anything else is kept and sent as given.
    const bool quiet = std::any_of(keys::passthrough_keys.begin(), keys::passthrough_keys.end(),
                                   [&](std::string_view p) { return p == key; }) ||
                       std::any_of(keys::passthrough_prefixes.begin(), keys::passthrough_prefixes.end(),
                                   [&](std::string_view p) { return key.starts_with(p); });
    if (!quiet)
      s_.warnings.push_back("'" + std::string(key) +
                            "' is not a setting amlk8s knows; it is sent unchanged (check its spelling)");
    if (v.is_protected) s_.extra_protected_settings[v.key] = v.value;
    else s_.extra_settings[v.key] = v.value.reveal();
  }

 private:
  azureml_settings& s_;
  std::map<std::string, std::string, std::less<>> seen_;  // canonical key → where it was given

  std::optional<bool> boolean(const raw_value& v) {
    auto b = parse_bool(v.value.reveal());
    if (!b)
      issues.push_back({where(v), "'" + v.value.reveal() + "' is not a boolean",
                        "use " + v.key + "=True or " + v.key + "=False"});
    return b;
  }

  void legacy(const raw_value& v, std::string_view target, bool invert) {
    s_.warnings.push_back(v.key + " is a legacy name: read as " + std::string(target) +
                          (invert ? " with the opposite value" : "") + "; use " + std::string(target) + " instead");
    if (!invert) return set_typed(v, target, v.value.reveal());
    auto b = boolean(v);
    if (b) set_typed(v, target, *b ? "False" : "True");
  }

  void set_typed(const raw_value& v, std::string_view canonical, const std::string& text) {
    if (auto it = seen_.find(canonical); it != seen_.end()) {
      issues.push_back({where(v), std::string(canonical) + " is given twice (" + it->second + " and " + where(v) + ")",
                        "give " + std::string(canonical) + " once"});
      return;
    }
    seen_.emplace(std::string(canonical), where(v));
    const auto* k = find_known(canonical);
    const std::string name(canonical);
    switch (k->type) {
      case key_type::boolean: {
        auto b = parse_bool(text);
        if (!b) {
          issues.push_back({where(v), "'" + text + "' is not a boolean", "use " + name + "=True or " + name + "=False"});
          return;
        }
        bool_field(canonical) = *b;
        return;
      }
      case key_type::service_type: {
        auto t = parse_router_service_type(text);
        if (!t) {
          issues.push_back({where(v), "'" + text + "' is not an inference router service type",
                            "use inferenceRouterServiceType=LoadBalancer, NodePort or ClusterIP"});
          return;
        }
        s_.inference_router_service_type = *t;
        return;
      }
      case key_type::path:
        if (!v.is_protected)
          s_.warnings.push_back(name + " was given as a public setting; the file is read and sent as a protected "
                                       "setting all the same (pass it with --config-protected)");
        if (canonical == keys::ssl_cert_pem_file) s_.ssl_cert_pem_file = std::filesystem::path(text);
        else s_.ssl_key_pem_file = std::filesystem::path(text);
        return;
      case key_type::secret:
        if (canonical == keys::relay_server_connection_string) s_.relay_server_connection_string = secret_string(text);
        else s_.service_bus_connection_string = secret_string(text);
        return;
      case key_type::text:
        text_field(canonical) = text;
        return;
    }
  }

  std::optional<bool>& bool_field(std::string_view k) {
    if (k == keys::enable_training) return s_.enable_training;
    if (k == keys::enable_inference) return s_.enable_inference;
    if (k == keys::allow_insecure_connections) return s_.allow_insecure_connections;
    if (k == keys::inference_router_ha) return s_.inference_router_ha;
    if (k == keys::is_aks_migration) return s_.is_aks_migration;
    if (k == keys::install_nvidia_device_plugin) return s_.install_nvidia_device_plugin;
    if (k == keys::install_prom_op) return s_.install_prom_op;
    if (k == keys::install_volcano) return s_.install_volcano;
    if (k == keys::install_dcgm_exporter) return s_.install_dcgm_exporter;
    if (k == keys::openshift) return s_.openshift;
    if (k == keys::log_analytics_ws) return s_.log_analytics_ws;
    if (k == keys::relay_server_enabled) return s_.relay_server_enabled;
    if (k == keys::service_bus_enabled) return s_.service_bus_enabled;
    return s_.nginx_ingress_enabled;
  }

  std::optional<std::string>& text_field(std::string_view k) {
    if (k == keys::internal_load_balancer_provider) return s_.internal_load_balancer_provider;
    if (k == keys::cluster_purpose) return s_.cluster_purpose;
    if (k == keys::ssl_secret) return s_.ssl_secret;
    return s_.ssl_cname;
  }
};

azureml_settings assemble(std::vector<raw_value> values, std::vector<validation_issue> issues) {
  // §2.4 rule 1: a key in both maps is an error (each one named).
  std::map<std::string, bool> in_public;
  for (const auto& v : values)
    if (!v.is_protected) in_public[v.key] = true;
  for (const auto& v : values)
    if (v.is_protected && in_public.count(v.key))
      issues.push_back({"configurationSettings." + v.key, "'" + v.key + "' is given both as a setting and as a protected setting",
                        "give it once: as a protected setting if its value is secret, else as a setting"});
  azureml_settings s;
  assembler a(s);
  a.issues = std::move(issues);
  for (const auto& v : values)
    if (!(v.is_protected && in_public.count(v.key))) a.add(v);
  if (!a.issues.empty()) throw validation_error(std::move(a.issues));
  return s;
}

void split_items(std::span<const std::string> items, bool is_protected, std::vector<raw_value>& out,
                 std::vector<validation_issue>& issues) {
  const std::string option = is_protected ? "--config-protected" : "--config";
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      // The item may be a secret: never quote it.
      issues.push_back({is_protected ? "configurationProtectedSettings" : "configurationSettings",
                        "an item is not of the form key=value" +
                            (is_protected ? std::string() : std::string(" ('") + item + "')"),
                        "write each " + option + " item as configuration_setting_key=configuration_setting_value"});
      continue;
    }
    out.push_back({item.substr(0, eq), secret_string(item.substr(eq + 1)), is_protected});
  }
}

std::vector<raw_value> read_settings_file(const std::filesystem::path& path, bool is_protected,
                                          std::vector<validation_issue>& issues) {
  std::vector<raw_value> out;
  const std::string field = is_protected ? "configurationProtectedSettingsFile" : "configurationSettingsFile";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    issues.push_back({field, "file '" + path.string() + "' cannot be read", "give the path of an existing JSON file"});
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) {
    issues.push_back({field, "file '" + path.string() + "' is empty", "write a JSON object of settings into it"});
    return out;
  }
  boost::system::error_code ec;
  auto doc = boost::json::parse(text.str(), ec);
  if (ec || !doc.is_object()) {
    issues.push_back({field, "file '" + path.string() + "' is not a valid JSON object",
                      "write a JSON object such as {\"enableTraining\": \"True\"}"});
    return out;
  }
  for (const auto& [key, value] : doc.as_object()) {
    std::string v;
    if (value.is_string()) v = std::string(value.as_string());
    else if (value.is_bool()) v = bool_text(value.as_bool());
    else if (value.is_int64()) v = std::to_string(value.as_int64());
    else if (value.is_uint64()) v = std::to_string(value.as_uint64());
    else if (value.is_double()) v = boost::json::serialize(value);
    else {
      issues.push_back({field + "." + std::string(key), "the value is not a string, boolean or number",
                        "give every setting a string value"});
      continue;
    }
    out.push_back({std::string(key), secret_string(std::move(v)), is_protected});
  }
  return out;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string_view to_string(router_service_type type) noexcept {
  switch (type) {
    case router_service_type::load_balancer: return "LoadBalancer";
    case router_service_type::node_port: return "NodePort";
    case router_service_type::cluster_ip: return "ClusterIP";
  }
  return "LoadBalancer";
}

std::optional<router_service_type> parse_router_service_type(std::string_view text) noexcept {
  if (iequals(text, "loadbalancer")) return router_service_type::load_balancer;
  if (iequals(text, "nodeport")) return router_service_type::node_port;
  if (iequals(text, "clusterip")) return router_service_type::cluster_ip;
  return std::nullopt;
}

azureml_settings azureml_settings::from_key_values(std::span<const std::string> settings,
                                                   std::span<const std::string> protected_settings) {
  std::vector<raw_value> values;
  std::vector<validation_issue> issues;
  split_items(settings, false, values, issues);
  split_items(protected_settings, true, values, issues);
  return assemble(std::move(values), std::move(issues));
}

azureml_settings azureml_settings::from_maps(const std::map<std::string, std::string>& settings,
                                             const std::map<std::string, secret_string>& protected_settings) {
  std::vector<raw_value> values;
  for (const auto& [k, v] : settings) values.push_back({k, secret_string(v), false});
  for (const auto& [k, v] : protected_settings) values.push_back({k, v, true});
  return assemble(std::move(values), {});
}

azureml_settings azureml_settings::from_files(const std::filesystem::path& settings_file,
                                              const std::filesystem::path& protected_settings_file) {
  return from_cli({}, {}, settings_file, protected_settings_file);
}

azureml_settings azureml_settings::from_cli(std::span<const std::string> settings,
                                            std::span<const std::string> protected_settings,
                                            const std::filesystem::path& settings_file,
                                            const std::filesystem::path& protected_settings_file) {
  std::vector<raw_value> values;
  std::vector<validation_issue> issues;
  // §2.1: inline items and the matching file are mutually exclusive.
  if (!settings.empty() && !settings_file.empty())
    issues.push_back({"configurationSettingsFile", "both configuration settings and a configuration settings file are given",
                      "give the settings inline (--config) or in a file (--config-file), not both"});
  if (!protected_settings.empty() && !protected_settings_file.empty())
    issues.push_back({"configurationProtectedSettingsFile",
                      "both protected settings and a protected settings file are given",
                      "give them inline (--config-protected) or in a file (--config-protected-file), not both"});
  split_items(settings, false, values, issues);
  split_items(protected_settings, true, values, issues);
  if (!settings_file.empty())
    for (auto& v : read_settings_file(settings_file, false, issues)) values.push_back(std::move(v));
  if (!protected_settings_file.empty())
    for (auto& v : read_settings_file(protected_settings_file, true, issues)) values.push_back(std::move(v));
  return assemble(std::move(values), std::move(issues));
}

std::vector<validation_issue> azureml_settings::validate() const {
  std::vector<validation_issue> issues;
  const std::string tsg = " (see " + std::string(keys::tsg_link) + ")";

  // Rule 1 for objects built in code: an extra key that is also a protected extra key, or that
  // names a typed setting.
  for (const auto& [key, value] : extra_settings) {
    if (extra_protected_settings.count(key))
      issues.push_back({"configurationSettings." + key, "'" + key + "' is given both as a setting and as a protected setting",
                        "give it once"});
    if (const auto* k = find_known(key))
      issues.push_back({"configurationSettings." + key, "'" + key + "' is a typed setting given as an extra setting",
                        "set the " + std::string(k->name) + " field instead"});
  }

  // Rule 2: something to run.
  const bool training = enable_training.value_or(false);
  const bool inference = enable_inference.value_or(false);
  if (!training && !inference)
    issues.push_back({"configurationSettings.enableTraining",
                      "the extension must enable Machine Learning training or inference",
                      "set enableTraining=True or enableInference=True (or both)" + tsg});

  if (inference) {
    const bool insecure = allow_insecure_connections.value_or(false);
    const bool has_cert = ssl_cert_pem_file.has_value() || !ssl_cert_pem.empty();
    const bool has_key = ssl_key_pem_file.has_value() || !ssl_key_pem.empty();
    const bool has_secret = ssl_secret.has_value() && !ssl_secret->empty();
    const bool ssl = (has_cert && has_key) || has_secret;
    // Only one half of a certificate pair: the CLI would silently fall back; say it.
    if (has_cert != has_key && !has_secret)
      issues.push_back({has_cert ? "configurationProtectedSettings.sslKeyPemFile" : "configurationProtectedSettings.sslCertPemFile",
                        std::string("the TLS ") + (has_cert ? "certificate is given without its key" : "key is given without its certificate"),
                        "give both sslCertPemFile and sslKeyPemFile as protected settings"});
    // Rule 3b.
    else if (!ssl && !insecure)
      issues.push_back({"configurationSettings.allowInsecureConnections",
                        "inference endpoints need TLS material or an explicit choice of plain HTTP",
                        "give sslCertPemFile and sslKeyPemFile as protected settings, or sslSecret (a Kubernetes secret "
                        "in namespace azureml holding cert.pem and key.pem); for HTTP endpoints set "
                        "allowInsecureConnections=True" + tsg});
    // Rule 3c (fires even with allowInsecureConnections, as in the CLI).
    if (ssl && (!ssl_cname || ssl_cname->empty()))
      issues.push_back({"configurationSettings.sslCname", "HTTPS inference endpoints need the name they are served under",
                        "set sslCname=<DNS name covered by the certificate>" + tsg});
    // Rule 3d.
    if (!inference_router_service_type)
      issues.push_back({"configurationSettings.inferenceRouterServiceType", "inference needs a router service type",
                        "set inferenceRouterServiceType=LoadBalancer, NodePort or ClusterIP (and "
                        "internalLoadBalancerProvider=azure if the AKS cluster only supports internal load balancers)" + tsg});
    // Rule 3e.
    const bool ilb = internal_load_balancer_provider && iequals(*internal_load_balancer_provider, "azure");
    if (inference_router_service_type == router_service_type::node_port && ilb)
      issues.push_back({"configurationSettings.internalLoadBalancerProvider",
                        "internalLoadBalancerProvider has no meaning with inferenceRouterServiceType=NodePort",
                        "remove internalLoadBalancerProvider, or use inferenceRouterServiceType=LoadBalancer" + tsg});

    // TLS material that the cluster would reject (E40007), checked here instead.
    if (ssl && !insecure && has_cert && has_key) {
      auto load = [&](const std::optional<std::filesystem::path>& file, const secret_string& text, std::string_view key,
                      std::optional<std::string>& out) {
        const std::string field = "configurationProtectedSettings." + std::string(key);
        if (!file) {
          out = text.reveal();
          return;
        }
        out = read_text_file(*file);
        if (!out) issues.push_back({field, "file '" + file->string() + "' cannot be read", "give the path of a readable PEM file"});
      };
      std::optional<std::string> cert, key;
      load(ssl_cert_pem_file, ssl_cert_pem, keys::ssl_cert_pem_file, cert);
      load(ssl_key_pem_file, ssl_key_pem, keys::ssl_key_pem_file, key);
      bool usable = cert && key;
      if (cert)
        if (auto problem = pem::certificate_problem(*cert)) {
          usable = false;
          issues.push_back({"configurationProtectedSettings.sslCertPemFile", "the TLS certificate is not usable: " + *problem,
                            "give a PEM-encoded certificate (-----BEGIN CERTIFICATE-----)"});
        }
      if (key)
        if (auto problem = pem::private_key_problem(*key)) {
          usable = false;
          issues.push_back({"configurationProtectedSettings.sslKeyPemFile", "the TLS key is not usable: " + *problem,
                            problem->find("passphrase") != std::string::npos
                                ? "remove the passphrase (openssl pkey -in key.pem -out plain-key.pem) and give that file"
                                : "give a PEM-encoded private key"});
        }
      if (usable && !pem::key_matches_certificate(*cert, *key))
        issues.push_back({"configurationProtectedSettings.sslKeyPemFile", "the TLS key does not belong to the certificate",
                          "give the private key the certificate was issued for"});
      if (usable && ssl_cname && !ssl_cname->empty() && !pem::certificate_covers_host(*cert, *ssl_cname))
        issues.push_back({"configurationSettings.sslCname", "the certificate does not cover '" + *ssl_cname + "'",
                          "set sslCname to a name in the certificate's subject alternative names, or use a certificate for it"});
    }
  }
  return issues;
}

std::map<std::string, std::string> azureml_settings::to_settings_map() const {
  std::map<std::string, std::string> m = extra_settings;
  auto put_bool = [&](std::string_view k, const std::optional<bool>& v) {
    if (v) m[std::string(k)] = bool_text(*v);
  };
  auto put_text = [&](std::string_view k, const std::optional<std::string>& v) {
    if (v) m[std::string(k)] = *v;
  };
  put_bool(keys::enable_training, enable_training);
  put_bool(keys::enable_inference, enable_inference);
  put_bool(keys::allow_insecure_connections, allow_insecure_connections);
  if (inference_router_service_type)
    m[std::string(keys::inference_router_service_type)] = std::string(to_string(*inference_router_service_type));
  put_text(keys::internal_load_balancer_provider, internal_load_balancer_provider);
  put_bool(keys::inference_router_ha, inference_router_ha);
  put_text(keys::cluster_purpose, cluster_purpose);
  put_bool(keys::is_aks_migration, is_aks_migration);
  put_text(keys::ssl_secret, ssl_secret);
  put_text(keys::ssl_cname, ssl_cname);
  for (const auto& [label, value] : node_selector) m[std::string(keys::node_selector_prefix) + label] = value;
  put_bool(keys::install_nvidia_device_plugin, install_nvidia_device_plugin);
  put_bool(keys::install_prom_op, install_prom_op);
  put_bool(keys::install_volcano, install_volcano);
  put_bool(keys::install_dcgm_exporter, install_dcgm_exporter);
  put_bool(keys::openshift, openshift);
  put_bool(keys::log_analytics_ws, log_analytics_ws);
  put_bool(keys::relay_server_enabled, relay_server_enabled);
  put_bool(keys::service_bus_enabled, service_bus_enabled);
  put_bool(keys::nginx_ingress_enabled, nginx_ingress_enabled);
  return m;
}

std::string to_string(const azureml_settings& s) {
  std::string out = "azureml_settings{";
  bool first = true;
  for (const auto& [k, v] : s.to_settings_map()) {
    out += (first ? "" : ", ") + k + "=" + v;
    first = false;
  }
  auto secret = [&](std::string_view k, bool set) {
    if (!set) return;
    out += (first ? "" : ", ") + std::string(k) + "=***";
    first = false;
  };
  if (s.ssl_cert_pem_file) {
    out += (first ? "" : ", ") + std::string(keys::ssl_cert_pem_file) + "=" + s.ssl_cert_pem_file->string();
    first = false;
  }
  if (s.ssl_key_pem_file) {
    out += (first ? "" : ", ") + std::string(keys::ssl_key_pem_file) + "=" + s.ssl_key_pem_file->string();
    first = false;
  }
  secret("sslCertPem", !s.ssl_cert_pem.empty());
  secret("sslKeyPem", !s.ssl_key_pem.empty());
  secret(keys::relay_server_connection_string, !s.relay_server_connection_string.empty());
  secret(keys::service_bus_connection_string, !s.service_bus_connection_string.empty());
  for (const auto& [k, v] : s.extra_protected_settings) secret(k, true);
  return out + "}";
}

}  // namespace amlk8s::model
