// The `amlk8s` tool: dispatch, --help, defaults, the session, output and errors (see cli.hpp).
#include "cli/cli.hpp"

#include "cli/progress.hpp"
#include "tools/local_serve.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/version.hpp>
#include <amlk8s/kube/kubeconfig.hpp>
#include <amlk8s/model/session.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace amlk8s::cli {

namespace json = boost::json;

namespace flags {
const flag_spec resource_group{"--resource-group|-g", flag_kind::value, "GROUP",
                               "Resource group (default: AMLK8S_DEFAULTS_GROUP or the config file's group).", true};
const flag_spec cluster_type{"--cluster-type|-t", flag_kind::value, "TYPE",
                             "managedClusters (AKS) or connectedClusters (Azure Arc).", true};
const flag_spec cluster_name{"--cluster-name|-c", flag_kind::value, "NAME", "The Kubernetes cluster's name.", true};
const flag_spec kubeconfig{"--kubeconfig", flag_kind::value, "FILE",
                           "The cluster's kubeconfig (default: as kubectl: $KUBECONFIG, then ~/.kube/config; with "
                           "--local, the cluster's own)."};
const flag_spec kube_context{"--context", flag_kind::value, "NAME", "The kubeconfig context (default: current-context)."};
const flag_spec no_wait{"--no-wait", flag_kind::boolean, "", "Start the operation and return without waiting for it."};
const flag_spec timeout{"--timeout", flag_kind::value, "SECONDS",
                        "Stop waiting after this long (exit code 6; the operation goes on)."};
const flag_spec yes{"--yes|-y", flag_kind::boolean, "", "Do not ask for confirmation."};
const flag_spec workspace_name{"--workspace-name|-w", flag_kind::value, "NAME",
                               "AzureML workspace (default: AMLK8S_DEFAULTS_WORKSPACE or the config file's workspace).",
                               true};
const flag_spec file{"--file|-f", flag_kind::value, "FILE", "The YAML file to read.", true};
}  // namespace flags

namespace {

const std::vector<flag_spec>& global_flags() {
  static const std::vector<flag_spec> g = {
      {"--output|-o", flag_kind::value, "FORMAT", "json (default), yaml, table, tsv or none."},
      {"--query", flag_kind::value, "PATH", "Print only this field: properties.provisioningState, [0].name, [].name."},
      {"--subscription", flag_kind::value, "ID", "Subscription (default: AZURE_SUBSCRIPTION_ID or the config file's)."},
      {"--local", flag_kind::value, "FILE",
       "Use the local control plane whose ready line (amlk8s-local serve's first line) is in FILE."},
      {"--only-show-errors", flag_kind::boolean, "", "Print no warnings."},
      {"--help|-h", flag_kind::boolean, "", "Show this help."},
  };
  return g;
}

const std::vector<command>& all_commands() {
  static const std::vector<command> all = [] {
    std::vector<command> v = cluster_commands();
    auto w = workspace_commands();
    v.insert(v.end(), std::make_move_iterator(w.begin()), std::make_move_iterator(w.end()));
    return v;
  }();
  return all;
}

struct group_info {
  std::string_view name;
  std::string_view summary;
};

constexpr group_info groups[] = {
    {"extension", "Cluster extensions, the AzureML extension above all (az k8s-extension)."},
    {"cluster", "AKS and Azure Arc clusters: show, and preflight for the AzureML extension."},
    {"instancetype", "AzureML instance types in a cluster (kubectl apply/get/delete, fit analysis)."},
    {"compute", "Kubernetes computes of an AzureML workspace (az ml compute)."},
    {"job", "Command jobs on a Kubernetes compute (az ml job)."},
    {"model", "Model versions that online deployments serve (az ml model)."},
    {"online-endpoint", "Kubernetes online endpoints (az ml online-endpoint)."},
    {"online-deployment", "Kubernetes online deployments (az ml online-deployment)."},
    {"configure", "Default subscription, resource group and workspace in the config file."},
    {"local", "The local control plane (local serve, as amlk8s-local serve)."},
};

constexpr std::string_view exit_codes_text =
    "Exit codes:\n"
    "  0  success\n"
    "  1  anything else (sign-in, connection, TLS, an unexpected answer)\n"
    "  2  bad input: usage, flags, settings or files (nothing was sent)\n"
    "  3  not found (a cluster, extension, workspace, compute, job, endpoint or instance type)\n"
    "  4  conflict (the resource exists or changed meanwhile: HTTP 409/412)\n"
    "  5  service error: the service refused or failed the request, a long-running operation\n"
    "     failed, a check failed (preflight or verify found an error, a streamed job failed)\n"
    "  6  timeout (--timeout passed; the operation goes on at the service)\n";

constexpr std::string_view configuration_text =
    "Configuration:\n"
    "  Subscription: --subscription, else AZURE_SUBSCRIPTION_ID, else the config file's \"subscription\".\n"
    "  Resource group: --resource-group, else AMLK8S_DEFAULTS_GROUP, else the config file's \"group\".\n"
    "  Workspace: --workspace-name, else AMLK8S_DEFAULTS_WORKSPACE, else the config file's \"workspace\".\n"
    "  Config file: $AMLK8S_CONFIG, else ~/.config/amlk8s/config.json, a JSON object such as\n"
    "    {\"subscription\": \"...\", \"group\": \"ml-rg\", \"workspace\": \"ml-ws\"}\n"
    "    (amlk8s configure --defaults group=ml-rg workspace=ml-ws writes it).\n"
    "  Sign-in: the default credential chain (AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET or a\n"
    "    certificate, workload identity, managed identity, then the Azure CLI's login).\n"
    "  Local control plane: --local FILE, with FILE the ready line of `amlk8s-local serve` (or\n"
    "    `amlk8s local serve`), or AMLK8S_LOCAL_ENDPOINTS set to that JSON line itself:\n"
    "      amlk8s local serve --clusters world.yaml > local.json &\n"
    "      amlk8s --local local.json extension list -t managedClusters -c aks1 -g rg1 -o table\n"
    "    Its subscription is then the default one, and each cluster's kubeconfig is found by name.\n";

std::string getenv_string(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::filesystem::path config_path() {
  if (auto p = getenv_string("AMLK8S_CONFIG"); !p.empty()) return p;
  if (auto x = getenv_string("XDG_CONFIG_HOME"); !x.empty()) return std::filesystem::path(x) / "amlk8s" / "config.json";
  if (auto h = getenv_string("HOME"); !h.empty()) return std::filesystem::path(h) / ".config" / "amlk8s" / "config.json";
  return {};
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr std::string_view config_keys[] = {"subscription", "group", "workspace"};

// The config file's object; empty when there is none. Throws a usage error for a broken one.
json::object read_config(const std::filesystem::path& path, bool must_exist) {
  std::error_code fs_ec;
  if (path.empty() || !std::filesystem::exists(path, fs_ec)) {
    if (must_exist) {
      throw usage("AMLK8S_CONFIG", "names '" + path.string() + "', which does not exist",
                  "create it (amlk8s configure --defaults group=NAME) or unset AMLK8S_CONFIG");
    }
    return {};
  }
  const auto text = read_text(path);
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    throw usage(path.string(), "is not a JSON object", R"(write {"subscription": "...", "group": "...", "workspace": "..."})");
  }
  for (const auto& [k, x] : v.as_object()) {
    if (std::find(std::begin(config_keys), std::end(config_keys), std::string_view(k)) == std::end(config_keys)) {
      throw usage(path.string() + ": " + std::string(k), "is not a setting of the config file",
                  "use subscription, group or workspace");
    }
    if (!x.is_string()) {
      throw usage(path.string() + ": " + std::string(k), "is not a string", "write the value in quotes");
    }
  }
  return std::move(v.as_object());
}

defaults load_defaults() {
  defaults d;
  const bool from_env = !getenv_string("AMLK8S_CONFIG").empty();
  const auto path = config_path();
  const auto config = read_config(path, from_env);
  auto get = [&config](std::string_view key) {
    const auto it = config.find(key);
    return it == config.end() ? std::string() : std::string(it->value().as_string());
  };
  if (!config.empty()) d.source = path;
  d.subscription = getenv_string("AZURE_SUBSCRIPTION_ID");
  if (d.subscription.empty()) d.subscription = get("subscription");
  d.group = getenv_string("AMLK8S_DEFAULTS_GROUP");
  if (d.group.empty()) d.group = get("group");
  d.workspace = getenv_string("AMLK8S_DEFAULTS_WORKSPACE");
  if (d.workspace.empty()) d.workspace = get("workspace");
  return d;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// ---- help ----

std::string flag_line(const flag_spec& f) {
  std::string names;
  std::string_view rest = f.names;
  while (!rest.empty()) {
    const auto bar = rest.find('|');
    if (!names.empty()) names += ", ";
    names += std::string(rest.substr(0, bar));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  if (!f.metavar.empty()) names += f.kind == flag_kind::list ? " " + std::string(f.metavar) + " ..." : " " + std::string(f.metavar);
  std::string line = "  " + names;
  if (line.size() < 34) {
    line += std::string(34 - line.size(), ' ');
  } else {
    line += "\n" + std::string(34, ' ');
  }
  line += std::string(f.help);
  if (f.required) line += " (required)";
  return line + "\n";
}

std::string command_name(const command& c) {
  return c.verb.empty() ? std::string(c.group) : std::string(c.group) + " " + std::string(c.verb);
}

void print_command_help(std::ostream& os, const command& c) {
  os << "usage: amlk8s " << command_name(c);
  if (!c.positional.empty()) os << " [NAME]";
  os << " [flags]\n\n" << c.summary << "\n";
  if (!c.details.empty()) os << "\n" << c.details;
  if (!c.details.empty() && c.details.back() != '\n') os << "\n";
  os << "\nFlags:\n";
  for (const auto& f : c.flags) os << flag_line(f);
  os << "\nGlobal flags:\n";
  for (const auto& f : global_flags()) os << flag_line(f);
  os << "\n" << exit_codes_text;
}

void print_group_help(std::ostream& os, std::string_view group) {
  std::string_view summary;
  for (const auto& g : groups) {
    if (g.name == group) summary = g.summary;
  }
  os << "usage: amlk8s " << group << " <command> [flags]\n\n" << summary << "\n\nCommands:\n";
  for (const auto& c : all_commands()) {
    if (c.group != group) continue;
    std::string name = "  " + std::string(c.verb);
    os << name << std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') << c.summary << "\n";
  }
  if (group == "local") {
    os << "  serve               Run the local control plane until SIGINT or SIGTERM (as amlk8s-local serve).\n";
  }
  os << "\nSee 'amlk8s " << group << " <command> --help' for its flags and examples.\n";
}

void print_main_help(std::ostream& os) {
  os << "usage: amlk8s <group> <command> [flags]\n\n"
        "Azure Machine Learning on AKS and Azure Arc-enabled Kubernetes, from the shell: the verbs and\n"
        "flags of az k8s-extension, kubectl and az ml, against Azure or a local control plane.\n\nGroups:\n";
  for (const auto& g : groups) {
    std::string name = "  " + std::string(g.name);
    os << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << g.summary << "\n";
  }
  os << "\nGlobal flags:\n";
  for (const auto& f : global_flags()) os << flag_line(f);
  os << "\nOutput: show and list print JSON unless --output says otherwise; --query picks one field.\n"
        "Long operations show their state, a spinner and the time elapsed on stderr when it is a terminal.\n\n"
     << configuration_text << "\n"
     << exit_codes_text << "\n"
     << "Examples:\n"
        "  amlk8s extension create --name azureml --extension-type Microsoft.AzureML.Kubernetes \\\n"
        "      --config enableTraining=True --cluster-type connectedClusters --cluster-name arc1 \\\n"
        "      --resource-group rg1 --scope cluster\n"
        "  amlk8s instancetype apply -f my_instance_type_list.yaml --kubeconfig ~/.kube/config\n"
        "  amlk8s job create -f job.yml --stream -w ml-ws -g ml-rg\n\n"
        "See 'amlk8s <group> --help' for a group's commands.\n";
}

void print_error(std::ostream& err, const amlk8s::error& e) {
  const auto& d = e.diag();
  if (d.validation.empty()) {
    const auto text = d.to_string();
    err << "ERROR: " << (text.empty() ? e.code().message() : text) << "\n";
    return;
  }
  err << "ERROR: " << (d.client_message.empty() ? "invalid input" : d.client_message) << "\n";
  for (const auto& v : d.validation) {
    err << "  " << v.field << ": " << v.message << "\n";
    if (!v.fix.empty()) err << "    fix: " << v.fix << "\n";
  }
  diagnostics rest = d;
  rest.client_message.clear();
  rest.validation.clear();
  if (!rest.empty()) err << "  " << rest.to_string() << "\n";
}

// ---- configure ----

int run_configure(context& c) {
  const auto path = config_path();
  if (path.empty()) throw usage("AMLK8S_CONFIG", "no config file path: HOME is not set", "set AMLK8S_CONFIG to a file path");
  auto config = read_config(path, false);
  const auto items = c.flags.list("--defaults");
  for (const auto& item : items) {
    const auto eq = item.find('=');
    const auto key = lower(item.substr(0, eq));
    if (eq == std::string::npos ||
        std::find(std::begin(config_keys), std::end(config_keys), std::string_view(key)) == std::end(config_keys)) {
      throw usage("--defaults", "'" + item + "' is not KEY=VALUE with KEY subscription, group or workspace",
                  "write --defaults group=ml-rg workspace=ml-ws (an empty value removes the default)");
    }
    const auto value = item.substr(eq + 1);
    if (value.empty()) {
      config.erase(key);
    } else {
      config[key] = value;
    }
  }
  if (!items.empty()) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << to_pretty_json(config);
    if (!f) throw usage("AMLK8S_CONFIG", "'" + path.string() + "' cannot be written", "check the folder's permissions");
  }
  if (items.empty() || c.flags.on("--list-defaults")) {
    c.print(config, {});
  }
  return 0;
}

const command configure_command{
    "configure", "", "Show or set the default subscription, resource group and workspace.",
    {{"--defaults", flag_kind::list, "KEY=VALUE", "Set defaults: subscription=ID group=NAME workspace=NAME (empty removes)."},
     {"--list-defaults|-l", flag_kind::boolean, "", "Print the defaults (also what configure alone does)."}},
    {},
    "  The file is $AMLK8S_CONFIG, else ~/.config/amlk8s/config.json. Environment variables\n"
    "  (AZURE_SUBSCRIPTION_ID, AMLK8S_DEFAULTS_GROUP, AMLK8S_DEFAULTS_WORKSPACE) and flags win over it.\n\n"
    "Examples:\n"
    "  amlk8s configure --defaults group=ml-rg workspace=ml-ws\n"
    "  amlk8s configure --list-defaults\n",
    &run_configure};

const command* find_command(std::string_view group, std::string_view verb) {
  if (group == configure_command.group) return &configure_command;
  for (const auto& c : all_commands()) {
    if (c.group == group && c.verb == verb) return &c;
  }
  return nullptr;
}

bool is_group(std::string_view name) {
  return std::any_of(std::begin(groups), std::end(groups), [&](const group_info& g) { return g.name == name; });
}

}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

error usage(std::string field, std::string message, std::string fix) {
  return validation_error({{std::move(field), std::move(message), std::move(fix)}});
}

int exit_code_of(errc condition) noexcept {
  switch (condition) {
    case errc::ok: return 0;
    case errc::invalid_argument: return 2;
    case errc::not_found: return 3;
    case errc::conflict: return 4;
    case errc::service_error:
    case errc::operation_failed:
    case errc::precondition_failed:
    case errc::throttled:
    case errc::protocol_error: return 5;
    case errc::timeout: return 6;
    default: return 1;
  }
}

// ---- context ----

context::context(const command& command_, parsed_flags parsed, std::ostream& out_, std::ostream& err_)
    : cmd(command_), flags(std::move(parsed)), out(out_), err(err_) {
  // configure is what creates the config file: it reads it itself.
  if (cmd.group != "configure") defaults_ = load_defaults();
  if (auto f = flags.value("--output"); f && !parse_output_format(*f)) {
    throw usage("--output", "'" + *f + "' is not an output format", "write --output json, yaml, table, tsv or none");
  }
  if (auto q = flags.value("--query")) query_path(json::value(nullptr), *q);  // checks the syntax before anything is sent
  std::string line;
  if (auto file = flags.value("--local")) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*file, ec)) {
      throw usage("--local", "'" + *file + "' is not a file", "save the ready line of amlk8s-local serve to a file and name it");
    }
    line = trim(read_text(*file));
    if (line.empty()) {
      throw usage("--local", "'" + *file + "' is empty", "wait until amlk8s-local serve has printed its ready line");
    }
  } else if (auto env = trim(getenv_string("AMLK8S_LOCAL_ENDPOINTS")); !env.empty()) {
    line = env;
  }
  if (!line.empty()) {
    line = line.substr(0, line.find('\n'));
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    const auto* o = v.if_object();
    if (ec || o == nullptr || !o->contains("arm_endpoint")) {
      throw usage(flags.has("--local") ? "--local" : "AMLK8S_LOCAL_ENDPOINTS", "is not the ready line of amlk8s-local serve",
                  "give the JSON object that amlk8s-local serve prints first (arm_endpoint, tenant_id, ...)");
    }
    if (const auto it = o->find("subscription_id"); it != o->end() && it->value().is_string()) {
      local_subscription_ = std::string(it->value().as_string());
    }
    if (const auto it = o->find("kubeconfig_dir"); it != o->end() && it->value().is_string()) {
      local_kubeconfig_dir_ = std::string(it->value().as_string());
    }
    local_endpoints_ = std::move(line);
  }
}

context::~context() = default;

std::string context::require(std::string_view flag, std::string_view fix) const {
  if (auto v = flags.value(flag); v && !v->empty()) return *v;
  std::string metavar = "VALUE";
  for (const auto& f : cmd.flags) {
    if (f.canonical() == flag && !f.metavar.empty()) metavar = std::string(f.metavar);
  }
  throw usage(std::string(flag), "is required by 'amlk8s " + command_name(cmd) + "'",
              fix.empty() ? "add " + std::string(flag) + " " + metavar : std::string(fix));
}

std::string context::resource_group() const {
  if (auto v = flags.value("--resource-group"); v && !v->empty()) return *v;
  if (!defaults_.group.empty()) return defaults_.group;
  return require("--resource-group", "add --resource-group GROUP, or set a default: amlk8s configure --defaults group=GROUP");
}

std::string context::workspace_name() const {
  if (auto v = flags.value("--workspace-name"); v && !v->empty()) return *v;
  if (!defaults_.workspace.empty()) return defaults_.workspace;
  return require("--workspace-name",
                 "add --workspace-name NAME, or set a default: amlk8s configure --defaults workspace=NAME");
}

std::string context::subscription() const {
  if (auto v = flags.value("--subscription"); v && !v->empty()) return *v;
  if (!local_subscription_.empty()) return local_subscription_;
  if (!defaults_.subscription.empty()) return defaults_.subscription;
  throw usage("--subscription", "no subscription is known",
              "add --subscription ID, set AZURE_SUBSCRIPTION_ID, or amlk8s configure --defaults subscription=ID");
}

model::session& context::session() {
  if (session_) return *session_;
  if (local_endpoints_) {
    session_ = model::session::from_endpoints_json(*local_endpoints_);
  } else {
    model::session_options o;
    o.subscription_id = subscription();
    session_ = std::make_unique<model::session>(std::move(o));
  }
  return *session_;
}

resource_id context::cluster(std::string_view name_flag) const {
  const auto type = require("--cluster-type", "add --cluster-type managedClusters (AKS) or connectedClusters (Azure Arc)");
  const auto kind = parse_cluster_type(type);
  if (!kind) {
    throw usage("--cluster-type", "'" + type + "' is not a cluster type",
                "write --cluster-type managedClusters (AKS) or connectedClusters (Azure Arc)");
  }
  const auto name = require(name_flag);
  const auto group = resource_group();
  return cluster_id(*kind, subscription(), group, name);
}

resource_id context::workspace() const {
  const auto name = workspace_name();
  const auto group = resource_group();
  return workspace_id(subscription(), group, name);
}

std::optional<std::filesystem::path> context::kubeconfig_path(std::string_view cluster_name) const {
  if (auto p = flags.value("--kubeconfig")) return std::filesystem::path(*p);
  if (!local_kubeconfig_dir_.empty() && !cluster_name.empty()) {
    auto p = std::filesystem::path(local_kubeconfig_dir_) / std::string(cluster_name);
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return std::nullopt;
}

bool context::has_cluster_kubeconfig(std::string_view cluster_name) const {
  return kubeconfig_path(cluster_name).has_value();
}

kube::client context::kube(std::string_view cluster_name) {
  kube::kubeconfig_overrides o;
  o.context = flags.value("--context").value_or("");
  if (auto path = kubeconfig_path(cluster_name)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*path, ec)) {
      throw usage("--kubeconfig", "'" + path->string() + "' is not a file", "give the path of the cluster's kubeconfig");
    }
    if (session_ || local_endpoints_) return session().kube_from_kubeconfig(*path, o.context);
    return kube::client(kube::kubeconfig::load_file(*path).resolve(o));
  }
  try {
    return kube::client(kube::load_cluster_config(o));
  } catch (const amlk8s::error& e) {
    if (e.condition() != errc::invalid_argument) throw;
    auto d = e.diag();
    d.validation.insert(d.validation.begin(),
                        {"--kubeconfig", "no kubeconfig was found (" + std::string(e.what()) + ")",
                         "add --kubeconfig FILE, set KUBECONFIG, or write ~/.kube/config"});
    throw amlk8s::error(e.code(), std::move(d));
  }
}

output_format context::format() const {
  if (auto f = flags.value("--output")) return *parse_output_format(*f);
  return output_format::json;
}

void context::print(const json::value& v, std::span<const column> columns) const {
  cli::print(out, v, format(), flags.value("--query").value_or(""), columns);
}

void context::warn(std::string_view text) const {
  if (flags.on("--only-show-errors") || std::find(warned_.begin(), warned_.end(), text) != warned_.end()) return;
  warned_.emplace_back(text);
  err << "WARNING: " << text << "\n";
}

bool context::show_progress() const { return progress::stderr_is_terminal(); }

void context::confirm(std::string_view question) const {
  if (flags.on("--yes")) return;
  if (::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1) {
    err << question << " (y/N): " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    const auto a = lower(trim(answer));
    if (a == "y" || a == "yes") return;
    throw amlk8s::error(errc::cancelled, "not confirmed: nothing was changed");
  }
  throw usage("--yes", "confirmation is needed and there is no terminal to ask on (" + std::string(question) + ")",
              "add --yes to confirm");
}

json::value context::wait(arm::poller& poller, std::string label) const {
  if (auto t = flags.value("--timeout")) {
    char* end = nullptr;
    const long seconds = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != '\0' || seconds <= 0) {
      throw usage("--timeout", "'" + *t + "' is not a number of seconds", "write --timeout 600");
    }
    poller.options().timeout = std::chrono::seconds(seconds);
  }
  progress shown(std::move(label), show_progress());
  shown.status(poller.status());  // what the first answer said, until the first poll
  poller.options().on_progress = [&shown](std::string_view status, std::chrono::milliseconds) { shown.status(status); };
  struct reset {
    arm::poller& p;
    ~reset() { p.options().on_progress = nullptr; }
  } guard{poller};
  auto result = poller.wait();
  shown.finish(poller.status().empty() ? "Succeeded" : poller.status());
  return result;
}

// ---- entry point ----

int run(std::span<const std::string> given, std::span<char* const> raw_args, std::ostream& out, std::ostream& err) {
  // Global flags may come before the command words too (amlk8s --local local.json extension list ...):
  // they move behind them.
  std::vector<std::string> reordered;
  std::size_t lead = 0;
  while (lead < given.size() && given[lead].size() > 1 && given[lead].front() == '-') {
    const auto spelling = given[lead].substr(0, given[lead].find('='));
    const auto it = std::find_if(global_flags().begin(), global_flags().end(),
                                 [&](const flag_spec& f) { return f.matches(spelling); });
    if (it == global_flags().end() || it->canonical() == "--help") break;
    const bool takes_next = it->kind == flag_kind::value && given[lead].find('=') == std::string::npos;
    lead += takes_next && lead + 1 < given.size() ? 2 : 1;
  }
  reordered.assign(given.begin() + static_cast<std::ptrdiff_t>(lead), given.end());
  reordered.insert(reordered.end(), given.begin(), given.begin() + static_cast<std::ptrdiff_t>(lead));
  const std::span<const std::string> args(reordered);
  const bool help = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
  const auto words = leading_words(args);
  try {
    if (words.empty()) {
      if (help || args.empty()) {
        print_main_help(help ? out : err);
        return help ? 0 : 2;
      }
      if (args.front() == "--version") {
        out << "amlk8s " << AMLK8S_VERSION_STRING << "\n";
        return 0;
      }
      throw usage(args.front(), "comes before a command", "write amlk8s <group> <command> [flags]; see amlk8s --help");
    }
    const std::string& group = words[0];
    if (group == "help") {
      print_main_help(out);
      return 0;
    }
    if (group == "local") {
      if (words.size() >= 2 && words[1] == "serve") {
        return tools::local_serve(raw_args.subspan(lead + 2), "amlk8s local serve", out);
      }
      if (help || words.size() == 1) {
        print_group_help(help ? out : err, group);
        return help ? 0 : 2;
      }
      throw usage(words[1], "is not a command of 'amlk8s local'", "write amlk8s local serve");
    }
    if (!is_group(group)) {
      throw usage(group, "is not a command group", "see amlk8s --help for the groups (extension, cluster, instancetype, ...)");
    }
    const std::string verb = group == "configure" ? std::string() : (words.size() >= 2 ? words[1] : std::string());
    const command* cmd = find_command(group, verb);
    if (cmd == nullptr) {
      if (verb.empty() || help) {
        print_group_help(verb.empty() && !help ? err : out, group);
        return verb.empty() && !help ? 2 : 0;
      }
      throw usage(verb, "is not a command of 'amlk8s " + group + "'", "see amlk8s " + group + " --help");
    }
    if (help) {
      print_command_help(out, *cmd);
      return 0;
    }
    std::vector<flag_spec> specs = cmd->flags;
    specs.insert(specs.end(), global_flags().begin(), global_flags().end());
    const std::size_t skip = cmd->verb.empty() ? 1 : 2;
    auto parsed = parse_flags(args.subspan(skip), specs, cmd->positional, command_name(*cmd));
    context c(*cmd, std::move(parsed), out, err);
    const int code = cmd->run(c);
    out.flush();
    return code;
  } catch (const amlk8s::error& e) {
    out.flush();
    print_error(err, e);
    return exit_code_of(e.condition());
  } catch (const std::exception& e) {
    out.flush();
    err << "ERROR: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace amlk8s::cli
