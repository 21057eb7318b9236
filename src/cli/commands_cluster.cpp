// `amlk8s extension`, `amlk8s cluster` and `amlk8s instancetype`: the AzureML extension and other
// cluster extensions over ARM, clusters, and instance types over the cluster's Kubernetes API.
// Every decision is the SDK's (model::azureml_client, extensions_client, instance_types_client,
// fit_analyzer); this file maps flags to its calls and its results to output.
#include "cli/cli.hpp"

#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/instance_types_client.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace amlk8s::cli {

namespace json = boost::json;

namespace {

// ---- flags ----

const flag_spec name_flag{"--name|-n", flag_kind::value, "NAME", "The extension's name.", true};
const flag_spec extension_type_flag{"--extension-type", flag_kind::value, "TYPE",
                               "The extension type, e.g. Microsoft.AzureML.Kubernetes.", true};
const flag_spec config_flag{"--config|--configuration-settings", flag_kind::list, "KEY=VALUE",
                       "Settings, space-separated or repeated (enableTraining=True ...)."};
const flag_spec config_protected_flag{"--config-protected|--configuration-protected-settings", flag_kind::list, "KEY=VALUE",
                                 "Protected settings (sslCertPemFile=cert.pem ...); never printed."};
const flag_spec config_file_flag{"--config-file|--config-settings-file|--configuration-settings-file", flag_kind::value,
                            "FILE", "Settings as a JSON object, instead of --config."};
const flag_spec config_protected_file_flag{
    "--config-protected-file|--config-protected-settings-file|--configuration-protected-settings-file",
    flag_kind::value, "FILE", "Protected settings as a JSON object, instead of --config-protected."};
const flag_spec version_flag{"--version", flag_kind::value, "VERSION", "Pin this version (turns auto-upgrade off)."};
const flag_spec auto_upgrade_flag{"--auto-upgrade-minor-version|--auto-upgrade", flag_kind::boolean, "[true|false]",
                             "Upgrade minor versions automatically."};
const flag_spec release_train_flag{"--release-train", flag_kind::value, "TRAIN", "Stable (default) or Preview."};
const flag_spec scope_flag{"--scope", flag_kind::value, "SCOPE", "cluster (default; the only one AzureML takes) or namespace."};
const flag_spec release_namespace_flag{"--release-namespace", flag_kind::value, "NAMESPACE",
                                  "Cluster scope: the release namespace (AzureML: always azureml)."};
const flag_spec target_namespace_flag{"--target-namespace", flag_kind::value, "NAMESPACE", "Namespace scope: the namespace."};
const flag_spec dry_run_flag{"--dry-run", flag_kind::boolean, "",
                        "AzureML: print the request that would be sent (protected values as ***) and stop."};
const flag_spec force_flag{"--force", flag_kind::boolean, "", "Delete the resource in ARM without the agent's uninstall."};

const std::vector<flag_spec>& cluster_flags() {
  static const std::vector<flag_spec> v = {flags::cluster_type, flags::cluster_name, flags::resource_group};
  return v;
}
const std::vector<flag_spec>& settings_flags() {
  static const std::vector<flag_spec> v = {config_flag, config_protected_flag, config_file_flag, config_protected_file_flag};
  return v;
}
const std::vector<flag_spec>& wait_flags() {
  static const std::vector<flag_spec> v = {flags::no_wait, flags::timeout};
  return v;
}
const std::vector<flag_spec>& kube_flags() {
  static const std::vector<flag_spec> v = {flags::kubeconfig, flags::kube_context};
  return v;
}

bool is_azureml(std::string_view type) { return lower(type) == model::azureml_extension_type; }

// `key=value` items of a generic extension type's --config / --config-protected.
std::map<std::string, std::string> key_values(const std::vector<std::string>& items, std::string_view flag) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw usage(std::string(flag), "'" + (eq == 0 ? item : item.substr(0, 40)) + "' is not KEY=VALUE",
                  "write " + std::string(flag) + " key=value key2=value2");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

// A generic extension type's settings file: a JSON object of strings (booleans and numbers as text).
std::map<std::string, std::string> settings_file(const std::string& path, std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage(std::string(flag), "file '" + path + "' cannot be read", "give the path of an existing JSON file");
  std::ostringstream s;
  s << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(s.str(), ec);
  if (ec || !v.is_object()) {
    throw usage(std::string(flag), "file '" + path + "' is not a JSON object", R"(write {"key": "value", ...})");
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, x] : v.as_object()) {
    if (x.is_string()) {
      out[std::string(k)] = std::string(x.as_string());
    } else if (x.is_bool()) {
      out[std::string(k)] = x.as_bool() ? "true" : "false";
    } else if (x.is_number()) {
      out[std::string(k)] = json::serialize(x);
    } else {
      throw usage(std::string(flag) + "." + std::string(k), "is not a string, boolean or number", "write the value as a string");
    }
  }
  return out;
}

void settings_not_both(const context& c) {
  if (c.flags.has("--config") && c.flags.has("--config-file")) {
    throw usage("--config-file", "is given together with --config", "give the settings one way: --config or --config-file");
  }
  if (c.flags.has("--config-protected") && c.flags.has("--config-protected-file")) {
    throw usage("--config-protected-file", "is given together with --config-protected",
                "give the protected settings one way: --config-protected or --config-protected-file");
  }
}

model::azureml_settings azureml_settings_of(const context& c) {
  const auto settings = c.flags.list("--config");
  const auto protected_settings = c.flags.list("--config-protected");
  auto s = model::azureml_settings::from_cli(settings, protected_settings, c.flags.value("--config-file").value_or(""),
                                             c.flags.value("--config-protected-file").value_or(""));
  for (const auto& w : s.warnings) c.warn(w);
  return s;
}

std::string scope_of(const context& c) {
  const auto scope = lower(c.flags.value("--scope").value_or("cluster"));
  if (scope != "cluster" && scope != "namespace") {
    throw usage("--scope", "'" + *c.flags.value("--scope") + "' is not a scope", "write --scope cluster or --scope namespace");
  }
  return scope;
}

model::azureml_install_options install_options(const context& c) {
  model::azureml_install_options o;
  o.release_train = c.flags.value("--release-train");
  o.version = c.flags.value("--version");
  o.auto_upgrade_minor_version = c.flags.boolean("--auto-upgrade-minor-version");
  o.scope = scope_of(c);
  o.release_namespace = c.flags.value("--release-namespace");
  return o;
}

std::string cluster_label(const resource_id& cluster) { return std::string(cluster.name()); }

const column extension_columns[] = {{"Name", "name"},
                                    {"ExtensionType", "properties.extensionType"},
                                    {"Version", "properties.currentVersion"},
                                    {"ProvisioningState", "properties.provisioningState"},
                                    {"ReleaseTrain", "properties.releaseTrain"}};

json::value extension_json(const model::extension& e) {
  if (!e.raw.is_null()) return e.raw;
  json::object o;
  o["id"] = e.id.to_string();
  o["name"] = e.name;
  json::object p;
  p["extensionType"] = e.extension_type;
  p["provisioningState"] = e.provisioning_state;
  o["properties"] = std::move(p);
  return o;
}

// ---- extension ----

int extension_create(context& c) {
  const auto name = c.require("--name");
  const auto type = c.require("--extension-type", "add --extension-type Microsoft.AzureML.Kubernetes (or another type)");
  settings_not_both(c);
  const auto cluster = c.cluster();
  const auto scope = scope_of(c);
  if (is_azureml(type)) {
    const auto settings = azureml_settings_of(c);
    const auto options = install_options(c);
    // The checks that need no request come first, so that bad input never waits on the network.
    if (auto issues = model::validate_azureml_create(settings, cluster, options); !issues.empty()) {
      throw validation_error(std::move(issues));
    }
    auto& s = c.session();
    const auto plan = s.azureml().plan_create(cluster, settings, options);
    for (const auto& w : plan.warnings) c.warn(w);
    if (c.flags.on("--dry-run")) {
      c.print(plan.to_redacted_json());
      return 0;
    }
    auto poller = s.extensions().begin_create(cluster, name, plan.to_spec());
    if (c.flags.on("--no-wait")) return 0;
    const auto body = c.wait(poller, "Creating extension '" + name + "' on " + cluster_label(cluster));
    c.print(extension_json(model::extension::from_json(body)));
    return 0;
  }
  if (c.flags.on("--dry-run")) {
    throw usage("--dry-run", "is for the AzureML extension (Microsoft.AzureML.Kubernetes) only", "leave out --dry-run");
  }
  model::extension_spec spec;
  spec.extension_type = type;
  spec.version = c.flags.value("--version");
  spec.release_train = c.flags.value("--release-train");
  spec.auto_upgrade_minor_version = c.flags.boolean("--auto-upgrade-minor-version");
  model::extension_scope sc;
  sc.cluster = scope == "cluster";
  sc.release_namespace = c.flags.value("--release-namespace").value_or("");
  sc.target_namespace = c.flags.value("--target-namespace").value_or("");
  spec.scope = sc;
  spec.configuration_settings = c.flags.has("--config-file")
                                    ? settings_file(*c.flags.value("--config-file"), "--config-file")
                                    : key_values(c.flags.list("--config"), "--config");
  const auto protected_items = c.flags.has("--config-protected-file")
                                   ? settings_file(*c.flags.value("--config-protected-file"), "--config-protected-file")
                                   : key_values(c.flags.list("--config-protected"), "--config-protected");
  for (const auto& [k, v] : protected_items) spec.configuration_protected_settings.emplace(k, secret_string(v));
  if (auto issues = spec.validate(); !issues.empty()) throw validation_error(std::move(issues));
  auto& s = c.session();
  auto poller = s.extensions().begin_create(cluster, name, spec);
  if (c.flags.on("--no-wait")) return 0;
  const auto body = c.wait(poller, "Creating extension '" + name + "' on " + cluster_label(cluster));
  c.print(extension_json(model::extension::from_json(body)));
  return 0;
}

int extension_show(context& c) {
  const auto name = c.require("--name");
  const auto cluster = c.cluster();
  c.print(extension_json(c.session().extensions().get(cluster, name)), extension_columns);
  return 0;
}

int extension_list(context& c) {
  const auto cluster = c.cluster();
  json::array items;
  for (const auto& e : c.session().extensions().list(cluster)) items.push_back(extension_json(e));
  c.print(items, extension_columns);
  return 0;
}

int extension_update(context& c) {
  const auto name = c.require("--name");
  settings_not_both(c);
  const auto cluster = c.cluster();
  const bool protected_given = c.flags.has("--config-protected") || c.flags.has("--config-protected-file");
  const bool anything = protected_given || c.flags.has("--config") || c.flags.has("--config-file") ||
                        c.flags.has("--version") || c.flags.has("--release-train") ||
                        c.flags.has("--auto-upgrade-minor-version");
  if (!anything) {
    throw usage("--config", "nothing to update was given",
                "add --config KEY=VALUE, --config-protected KEY=VALUE, --version, --release-train or "
                "--auto-upgrade-minor-version");
  }
  auto& s = c.session();
  // The extension's type decides how the settings are read (as az reads it first).
  const auto current = s.extensions().get(cluster, name);
  model::extension_patch patch;
  if (is_azureml(current.extension_type)) {
    const auto changes = azureml_settings_of(c);
    model::azureml_install_options options;
    options.release_train = c.flags.value("--release-train");
    options.version = c.flags.value("--version");
    options.auto_upgrade_minor_version = c.flags.boolean("--auto-upgrade-minor-version");
    auto request = model::build_azureml_update(changes, protected_given, options);
    for (const auto& w : request.warnings) c.warn(w);
    std::string question;
    for (const auto& i : request.impact) question += i + " ";
    if (protected_given) {
      question += "The protected settings given replace all protected settings of '" + name + "'. ";
    }
    if (!question.empty()) c.confirm(question + "Continue?");
    patch = request.to_patch();
  } else {
    patch.version = c.flags.value("--version");
    patch.release_train = c.flags.value("--release-train");
    patch.auto_upgrade_minor_version = c.flags.boolean("--auto-upgrade-minor-version");
    if (c.flags.has("--config") || c.flags.has("--config-file")) {
      patch.configuration_settings = c.flags.has("--config-file")
                                         ? settings_file(*c.flags.value("--config-file"), "--config-file")
                                         : key_values(c.flags.list("--config"), "--config");
    }
    if (protected_given) {
      c.confirm("The protected settings given replace all protected settings of '" + name + "'. Continue?");
      const auto items = c.flags.has("--config-protected-file")
                             ? settings_file(*c.flags.value("--config-protected-file"), "--config-protected-file")
                             : key_values(c.flags.list("--config-protected"), "--config-protected");
      std::map<std::string, secret_string> secrets;
      for (const auto& [k, v] : items) secrets.emplace(k, secret_string(v));
      patch.configuration_protected_settings = std::move(secrets);
      patch.replaces_all_protected_settings = true;
    }
  }
  auto poller = s.extensions().begin_update(cluster, name, patch);
  if (c.flags.on("--no-wait")) return 0;
  auto body = c.wait(poller, "Updating extension '" + name + "' on " + cluster_label(cluster));
  // Some PATCH answers carry no body: read the extension back.
  if (!body.is_object() || !body.as_object().contains("id")) {
    c.print(extension_json(s.extensions().get(cluster, name)), extension_columns);
  } else {
    c.print(extension_json(model::extension::from_json(body)));
  }
  return 0;
}

int extension_delete(context& c) {
  const auto name = c.require("--name");
  const auto cluster = c.cluster();
  c.confirm("Delete extension '" + name + "' from cluster '" + cluster_label(cluster) + "'?");
  auto deletion = c.session().extensions().begin_delete(cluster, name, c.flags.on("--force"));
  if (!deletion.found) {
    c.warn("extension '" + name + "' was not found on cluster '" + cluster_label(cluster) + "': nothing to delete");
    return 0;
  }
  if (c.flags.on("--no-wait")) return 0;
  c.wait(deletion.poller, "Deleting extension '" + name + "' from " + cluster_label(cluster));
  return 0;
}

json::value verification_json(const model::verification_report& r) {
  json::object o;
  o["extensionName"] = r.extension_name;
  o["provisioningState"] = r.provisioning_state;
  o["ok"] = r.ok();
  json::array components;
  for (const auto& x : r.components) {
    components.push_back(json::object{{"name", x.expected.name},
                                      {"kind", std::string(to_string(x.expected.kind))},
                                      {"state", std::string(to_string(x.state))},
                                      {"ready", x.ready},
                                      {"desired", x.desired},
                                      {"purpose", x.expected.purpose}});
  }
  o["components"] = std::move(components);
  json::array checks;
  for (const auto& h : r.health_checks) {
    checks.push_back(json::object{{"phase", h.phase}, {"code", h.code}, {"name", h.name}, {"meaning", h.meaning}});
  }
  o["healthChecks"] = std::move(checks);
  return o;
}

// Human reports print as the SDK writes them unless --output or --query asks for data.
bool wants_report_text(const context& c) {
  return (!c.flags.has("--output") && !c.flags.has("--query")) || c.format() == output_format::table;
}

void print_report(const context& c, const std::string& text) {
  c.out << text;
  if (!text.empty() && text.back() != '\n') c.out << "\n";
}

int extension_verify(context& c) {
  const auto name = c.require("--name");
  const auto cluster = c.cluster();
  auto& s = c.session();
  auto k8s = c.kube(cluster.name());
  const auto report = s.azureml().verify(cluster, name, k8s);
  if (wants_report_text(c) && !c.flags.has("--query")) {
    print_report(c, report.to_string());
  } else {
    c.print(verification_json(report));
  }
  if (!report.ok()) {
    c.err << "ERROR: extension '" << name << "' is not healthy on cluster '" << cluster.name()
          << "' (see the components and health checks above)\n";
    return exit_code_of(errc::precondition_failed);
  }
  return 0;
}

// ---- cluster ----

const column cluster_columns[] = {{"Name", "name"},
                                  {"Location", "location"},
                                  {"KubernetesVersion", "properties.kubernetesVersion"},
                                  {"ProvisioningState", "properties.provisioningState"}};

int cluster_show(context& c) {
  const auto cluster = c.cluster("--name");
  const auto info = c.session().clusters().get(cluster);
  c.print(info.raw, cluster_columns);
  return 0;
}

json::value preflight_json(const model::preflight_report& r) {
  json::object o;
  o["ok"] = r.ok();
  json::array findings;
  for (const auto& f : r.findings) {
    findings.push_back(json::object{{"id", f.id},
                                    {"severity", std::string(to_string(f.severity))},
                                    {"message", f.message},
                                    {"fix", f.fix}});
  }
  o["findings"] = std::move(findings);
  return o;
}

int cluster_preflight(context& c) {
  settings_not_both(c);
  const auto cluster = c.cluster("--name");
  const auto settings = azureml_settings_of(c);
  model::preflight_options options;
  options.workspace_subscription_id = c.flags.value("--workspace-subscription");
  const bool dev_test = settings.cluster_purpose && lower(*settings.cluster_purpose) == "devtest";
  options.production = !(c.flags.on("--dev-test") || dev_test);
  auto& s = c.session();
  std::optional<kube::client> k8s;
  // Only a kubeconfig that is surely this cluster's: given, or the local control plane's own.
  if (c.has_cluster_kubeconfig(cluster.name())) k8s.emplace(c.kube(cluster.name()));
  if (!k8s) c.warn("no --kubeconfig: the checks of nodes, load balancers and namespace azureml are skipped");
  const auto report = s.azureml().preflight(cluster, settings, k8s ? &*k8s : nullptr, options);
  if (wants_report_text(c) && !c.flags.has("--query")) {
    print_report(c, report.to_string());
  } else {
    c.print(preflight_json(report));
  }
  if (!report.ok()) {
    c.err << "ERROR: preflight found errors for cluster '" << cluster.name() << "' (see the findings above)\n";
    return exit_code_of(errc::precondition_failed);
  }
  return 0;
}

// ---- instancetype ----

const flag_spec itype_name{"--name|-n", flag_kind::value, "NAME", "The instance type's name.", true};
const flag_spec itype_files{"--filename|-f|--file", flag_kind::list, "FILE",
                            "Manifest files (YAML or JSON: InstanceType, InstanceTypeList, List, several documents)."};
const flag_spec itype_cluster{"--cluster-name|-c", flag_kind::value, "NAME",
                              "With --local: the cluster whose kubeconfig to use."};

const std::vector<flag_spec>& itype_kube_flags() {
  static const std::vector<flag_spec> v = {flags::kubeconfig, flags::kube_context, itype_cluster};
  return v;
}

const column itype_columns[] = {{"NAME", "metadata.name"},
                                {"CPU", "spec.resources.requests.cpu"},
                                {"MEMORY", "spec.resources.requests.memory"},
                                {"CPU LIMIT", "spec.resources.limits.cpu"},
                                {"MEMORY LIMIT", "spec.resources.limits.memory"},
                                {"GPU", "spec.resources.limits.\"nvidia.com/gpu\""},
                                {"NODE SELECTOR", "spec.nodeSelector"}};

model::instance_types_client itypes(context& c) {
  return model::instance_types_client(c.kube(c.flags.value("--cluster-name").value_or("")));
}

std::vector<model::instance_type> load_manifests(const context& c, bool required) {
  const auto files = c.flags.list("--filename");
  if (files.empty() && required) {
    throw usage("--filename", "is required by 'amlk8s " + std::string(c.cmd.group) + " " + std::string(c.cmd.verb) + "'",
                "add -f FILE with the instance types (the YAML kubectl apply -f takes)");
  }
  std::vector<model::instance_type> types;
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(f, ec)) {
      throw usage("--filename", "'" + f + "' is not a file", "give the path of an instance type manifest");
    }
    auto loaded = model::instance_type::load_file(f);
    types.insert(types.end(), loaded.begin(), loaded.end());
  }
  if (required && types.empty()) {
    throw usage("--filename", "the files hold no instance type", "write at least one InstanceType object into them");
  }
  // Every type is checked before any is written.
  std::vector<validation_issue> issues;
  for (const auto& t : types) {
    for (auto& i : t.validate()) {
      i.field = (t.name.empty() ? std::string("instance type") : t.name) + ": " + i.field;
      issues.push_back(std::move(i));
    }
  }
  if (!issues.empty()) throw validation_error(std::move(issues));
  return types;
}

int instancetype_apply(context& c) {
  const auto types = load_manifests(c, true);
  auto client = itypes(c);
  json::array applied;
  std::string lines;
  for (const auto& t : types) {
    const auto r = client.apply(t);
    lines += "instancetype.amlarc.azureml.com/" + t.name + " " + std::string(to_string(r.action)) + "\n";
    auto o = r.applied.to_json();
    applied.push_back(std::move(o));
  }
  if (c.flags.has("--output") || c.flags.has("--query")) {
    c.print(applied, itype_columns);
  } else {
    c.out << lines;
  }
  return 0;
}

int instancetype_get(context& c) {
  const auto name = c.require("--name", "add the instance type's name: amlk8s instancetype get NAME");
  c.print(itypes(c).resolve(name).to_json(), itype_columns);
  return 0;
}

int instancetype_list(context& c) {
  json::array items;
  for (const auto& t : itypes(c).list_with_default()) items.push_back(t.to_json());
  c.print(items, itype_columns);
  return 0;
}

int instancetype_delete(context& c) {
  const auto name = c.require("--name", "add the instance type's name: amlk8s instancetype delete NAME");
  itypes(c).delete_(name);
  c.out << "instancetype.amlarc.azureml.com \"" << name << "\" deleted\n";
  return 0;
}

json::value fit_json(const model::fit_table& t) {
  json::object o;
  json::array nodes;
  for (const auto& n : t.nodes) nodes.push_back(json::value(n));
  o["nodes"] = std::move(nodes);
  json::array types;
  for (const auto& f : t.types) {
    json::array per_node;
    for (const auto& n : f.nodes) {
      json::array reasons;
      for (const auto& r : n.reasons) reasons.push_back(json::value(r));
      per_node.push_back(json::object{{"node", n.node},
                                      {"status", std::string(to_string(n.status))},
                                      {"instances", n.instances},
                                      {"reasons", std::move(reasons)}});
    }
    types.push_back(json::object{{"instanceType", f.instance_type},
                                 {"fits", f.fits()},
                                 {"totalInstances", f.total_instances()},
                                 {"schedulerMessage", f.scheduler_message()},
                                 {"nodes", std::move(per_node)}});
  }
  o["instanceTypes"] = std::move(types);
  return o;
}

int instancetype_fit(context& c) {
  auto types = load_manifests(c, false);
  auto client = itypes(c);
  for (const auto& n : c.flags.list("--type")) types.push_back(client.resolve(n));
  if (types.empty()) types = client.list_with_default();
  model::fit_analyzer fit(client.kube());
  const auto table = fit.analyze(types);
  if (wants_report_text(c) && !c.flags.has("--query")) {
    print_report(c, table.to_string());
  } else {
    c.print(fit_json(table));
  }
  return 0;
}

constexpr std::string_view create_details =
    "  Installs a cluster extension and waits for it. For Microsoft.AzureML.Kubernetes the settings are\n"
    "  read and checked as az k8s-extension does (every key of the AzureML extension, legacy names, PEM\n"
    "  files), the cluster is read for its defaults, and nothing is sent when they are wrong.\n\n"
    "Examples:\n"
    "  The four deployment scenarios of the AzureML extension documentation.\n"
    "  Scenario 1, AKS for a proof of concept (HTTP inference, one router replica):\n"
    "    amlk8s extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer allowInsecureConnections=True InferenceRouterHA=False --cluster-type managedClusters --cluster-name <your-AKS-cluster-name> --resource-group <your-RG-name> --scope cluster\n"
    "  Scenario 2, Arc cluster for training only:\n"
    "    amlk8s extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True --cluster-type connectedClusters --cluster-name <your-connected-cluster-name> --resource-group <your-RG-name> --scope cluster\n"
    "  Scenario 3, AKS in production, HTTPS inference behind a load balancer:\n"
    "    amlk8s extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer sslCname=<ssl cname> --config-protected sslCertPemFile=<file-path-to-cert-PEM> sslKeyPemFile=<file-path-to-cert-KEY> --cluster-type managedClusters --cluster-name <your-AKS-cluster-name> --resource-group <your-RG-name> --scope cluster\n"
    "  Scenario 4, Arc cluster with NVIDIA GPUs, NodePort and HTTPS:\n"
    "    amlk8s extension create --name <extension-name> --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True enableInference=True inferenceRouterServiceType=NodePort sslCname=<ssl cname> installNvidiaDevicePlugin=True installDcgmExporter=True --config-protected sslCertPemFile=<file-path-to-cert-PEM> sslKeyPemFile=<file-path-to-cert-KEY> --cluster-type connectedClusters --cluster-name <your-connected-cluster-name> --resource-group <your-RG-name> --scope cluster\n"
    "  What scenario 1 would send, without sending it:\n"
    "    amlk8s extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes --config enableTraining=True --cluster-type managedClusters --cluster-name aks1 --resource-group rg1 --dry-run\n";

}  // namespace

std::vector<command> cluster_commands() {
  return {
      {"extension", "create", "Create a cluster extension (az k8s-extension create).",
       join({name_flag, extension_type_flag}, cluster_flags(), std::vector<flag_spec>{scope_flag, release_namespace_flag, target_namespace_flag},
            settings_flags(), std::vector<flag_spec>{version_flag, auto_upgrade_flag, release_train_flag, dry_run_flag}, wait_flags()),
       {}, create_details, &extension_create},
      {"extension", "show", "Show an extension (az k8s-extension show).", join({name_flag}, cluster_flags()), {},
       "Examples:\n"
       "  amlk8s extension show --name <extension-name> --cluster-type connectedClusters --cluster-name <your-connected-cluster-name> --resource-group <resource-group>\n"
       "  amlk8s extension show -n azureml -t managedClusters -c aks1 -g rg1 --query properties.provisioningState\n",
       &extension_show},
      {"extension", "list", "List the extensions of a cluster (az k8s-extension list).", join({}, cluster_flags()), {},
       "Examples:\n"
       "  amlk8s extension list --cluster-type managedClusters --cluster-name aks1 --resource-group rg1 --output table\n",
       &extension_list},
      {"extension", "update", "Change an extension's settings or version (az k8s-extension update).",
       join({name_flag}, cluster_flags(), settings_flags(),
            std::vector<flag_spec>{version_flag, auto_upgrade_flag, release_train_flag, flags::yes}, wait_flags()),
       {},
       "  Settings given are merged into the extension's; protected settings replace all protected\n"
       "  settings (ARM never returns them), so that asks for confirmation (--yes), as do changes\n"
       "  that affect running jobs or endpoints.\n\n"
       "Examples:\n"
       "  amlk8s extension update -n azureml -t managedClusters -c aks1 -g rg1 --config inferenceRouterHA=True\n"
       "  amlk8s extension update -n azureml -t connectedClusters -c arc1 -g rg1 --config-protected sslCertPemFile=cert.pem sslKeyPemFile=key.pem --yes\n",
       &extension_update},
      {"extension", "delete", "Delete an extension (az k8s-extension delete).",
       join({name_flag}, cluster_flags(), std::vector<flag_spec>{flags::yes, force_flag}, wait_flags()), {},
       "Examples:\n"
       "  amlk8s extension delete --name azureml --cluster-type managedClusters --cluster-name aks1 --resource-group rg1 --yes\n",
       &extension_delete},
      {"extension", "verify", "Check the AzureML extension's components in namespace azureml.",
       join({name_flag}, cluster_flags(), kube_flags()), {},
       "  Reads the extension (its settings decide the expected components) and compares them with the\n"
       "  deployments, daemonsets and statefulsets of namespace azureml, as kubectl get pods -n azureml\n"
       "  would show them, then reads the health check's report. Exit code 5 when something is wrong.\n\n"
       "Examples:\n"
       "  amlk8s extension verify -n azureml -t managedClusters -c aks1 -g rg1 --kubeconfig ~/.kube/config\n",
       &extension_verify},
      {"cluster", "show", "Show an AKS or Arc cluster resource.",
       join({{"--name|-n|--cluster-name|-c", flag_kind::value, "NAME", "The cluster's name.", true}, flags::cluster_type,
             flags::resource_group}),
       {},
       "Examples:\n"
       "  amlk8s cluster show --name aks1 --cluster-type managedClusters --resource-group rg1 --query properties.kubernetesVersion\n",
       &cluster_show},
      {"cluster", "preflight", "Check a cluster's prerequisites for the AzureML extension.",
       join({{"--name|-n|--cluster-name|-c", flag_kind::value, "NAME", "The cluster's name.", true}, flags::cluster_type,
             flags::resource_group},
            settings_flags(), kube_flags(),
            std::vector<flag_spec>{
                {"--workspace-subscription", flag_kind::value, "ID",
                 "The subscription of the workspace the cluster will be attached to."},
                {"--dev-test", flag_kind::boolean, "", "Skip the production minimum (also with clusterPurpose=DevTest)."}}),
       {},
       "  The prerequisites and limitations of the documentation, checked before installing with the\n"
       "  settings given: the cluster resource and its identity, the provider registration and, with a\n"
       "  kubeconfig, nodes, load balancers, legacy azureml-fe resources and namespace azureml.\n"
       "  Exit code 5 when a finding is an error.\n\n"
       "Examples:\n"
       "  amlk8s cluster preflight -n aks1 -t managedClusters -g rg1 --config enableTraining=True enableInference=True inferenceRouterServiceType=LoadBalancer allowInsecureConnections=True --kubeconfig ~/.kube/config\n",
       &cluster_preflight},
      {"instancetype", "apply", "Create or update instance types from manifests (kubectl apply -f).",
       join({itype_files}, itype_kube_flags()), {},
       "  Every type is checked before any is written; each is created, patched with what changed, or\n"
       "  left unchanged, as kubectl's client-side apply does. Prints kubectl's lines, or the objects\n"
       "  with --output.\n\n"
       "Examples:\n"
       "  amlk8s instancetype apply -f my_instance_type.yaml\n"
       "  amlk8s instancetype apply -f my_instance_type_list.yaml --kubeconfig ~/.kube/config\n",
       &instancetype_apply},
      {"instancetype", "get", "Show an instance type (defaultinstancetype: the CR or the virtual default).",
       join({itype_name}, itype_kube_flags()), "--name",
       "Examples:\n"
       "  amlk8s instancetype get defaultinstancetype\n"
       "  amlk8s instancetype get cpusmall --kubeconfig ~/.kube/config -o yaml\n",
       &instancetype_get},
      {"instancetype", "list", "List the instance types, with defaultinstancetype as AzureML shows it.",
       join({}, itype_kube_flags()), {},
       "Examples:\n"
       "  amlk8s instancetype list --output table\n",
       &instancetype_list},
      {"instancetype", "delete", "Delete an instance type (kubectl delete instancetype NAME).",
       join({itype_name}, itype_kube_flags()), "--name",
       "Examples:\n"
       "  amlk8s instancetype delete cpusmall\n",
       &instancetype_delete},
      {"instancetype", "fit", "Which nodes can run each instance type now, and why not.",
       join({itype_files,
             {"--type", flag_kind::list, "NAME", "Instance types in the cluster to analyze (default: all)."}},
            itype_kube_flags()),
       {},
       "  Reads nodes and pods, then filters as kube-scheduler does (unschedulable nodes, taints,\n"
       "  node selector, resources): the instances that fit on each node, or the scheduler's reasons.\n\n"
       "Examples:\n"
       "  amlk8s instancetype fit\n"
       "  amlk8s instancetype fit -f my_instance_type_list.yaml -o json\n",
       &instancetype_fit},
  };
}

}  // namespace amlk8s::cli
