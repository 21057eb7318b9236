#include <amlk8s/local/world.hpp>

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/json.hpp>
#include <amlk8s/local/vm_sizes.hpp>

#include "local/common/text.hpp"
#include "local/world/yaml_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

namespace amlk8s::local {

std::optional<double> parse_quantity(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::size_t end = 0;
  while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.' || (end == 0 && text[end] == '+')))
    ++end;
  if (end == 0) return std::nullopt;
  double number = 0;
  try {
    std::size_t used = 0;
    number = std::stod(std::string(text.substr(0, end)), &used);
    if (used != end) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  const auto suffix = text.substr(end);
  struct unit {
    std::string_view name;
    double factor;
  };
  static constexpr unit units[] = {{"", 1},        {"m", 1e-3},     {"k", 1e3},      {"M", 1e6},
                                   {"G", 1e9},     {"T", 1e12},     {"P", 1e15},     {"E", 1e18},
                                   {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
                                   {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  for (const auto& u : units)
    if (suffix == u.name) return number * u.factor;
  return std::nullopt;
}

namespace {

using boost::json::object;
using boost::json::value;

[[noreturn]] void fail(const std::string& path, std::string message, std::string fix) {
  throw validation_error({{path, std::move(message), std::move(fix)}});
}

std::string show(const value& v) { return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v); }

// Members must be known: a typo in a fixture should fail loudly.
void check_members(const object& o, const std::string& path, std::initializer_list<std::string_view> known) {
  for (const auto& [key, v] : o) {
    bool ok = false;
    std::string list;
    for (const auto k : known) {
      ok = ok || k == key;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!ok) fail(path.empty() ? std::string(key) : path + "." + std::string(key), "is not a known member", "use one of: " + list);
  }
}

const object& object_at(const value& v, const std::string& path) {
  if (!v.is_object()) fail(path, "expected a mapping, got " + std::string(json::kind_name(v)), "write a mapping of members");
  return v.as_object();
}

// YAML gives every scalar as a string; JSON gives typed values. These readers take either.
std::optional<std::string> text_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_number() || v->is_bool()) return boost::json::serialize(*v);
  fail(path + "." + std::string(key), "expected a string, got " + std::string(json::kind_name(*v)), "write a string");
}

std::optional<long long> integer_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<long long>(v->as_uint64());
  if (v->is_string()) {
    const auto s = std::string(v->as_string());
    try {
      std::size_t used = 0;
      const auto n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (...) {
    }
  }
  fail(path + "." + std::string(key), "expected a whole number, got '" + show(*v) + "'", "write a whole number");
}

std::optional<bool> bool_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) {
    const auto s = detail::to_lower(v->as_string());
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  fail(path + "." + std::string(key), "expected true or false, got '" + show(*v) + "'", "write true or false");
}

std::optional<double> quantity_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_number()) return v->to_number<double>();
  if (v->is_string())
    if (const auto q = parse_quantity(v->as_string())) return q;
  fail(path + "." + std::string(key), "expected a quantity such as 4, 500m or 16Gi, got '" + show(*v) + "'",
       "write a number with an optional Kubernetes suffix (m, k, M, G, Ki, Mi, Gi, ...)");
}

std::vector<std::string> strings_at(const object& o, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) fail(path + "." + std::string(key), "expected a list, got " + std::string(json::kind_name(*v)), "write a list of strings");
  for (const auto& item : v->as_array()) {
    if (item.is_object() || item.is_array() || item.is_null())
      fail(path + "." + std::string(key), "expected strings in the list", "write a list of strings");
    out.push_back(show(item));
  }
  return out;
}

std::string required_text(const object& o, std::string_view key, const std::string& path) {
  auto t = text_at(o, key, path);
  if (!t || t->empty()) fail(path + "." + std::string(key), "is required", "add " + std::string(key) + ": <value>");
  return *t;
}

// `key=value:Effect` or `key:Effect` (the AKS nodeTaints form).
void check_taint(const std::string& taint, const std::string& path) {
  const auto colon = taint.rfind(':');
  const auto effect = colon == std::string::npos ? std::string{} : taint.substr(colon + 1);
  if (colon == 0 || (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute"))
    fail(path, "'" + taint + "' is not a taint", "write key=value:Effect with Effect NoSchedule, PreferNoSchedule or NoExecute");
}

node_pool read_pool(const value& v, const std::string& path, std::size_t index) {
  const auto& o = object_at(v, path);
  check_members(o, path, {"name", "count", "vmSize", "cpu", "memory", "gpu", "labels", "taints", "mode"});
  node_pool pool;
  pool.name = required_text(o, "name", path);
  pool.count = static_cast<int>(integer_at(o, "count", path).value_or(1));
  if (pool.count < 0 || pool.count > 1000) fail(path + ".count", "must be between 0 and 1000", "use a smaller count");
  pool.mode = text_at(o, "mode", path).value_or(index == 0 ? "System" : "User");
  if (pool.mode != "System" && pool.mode != "User") fail(path + ".mode", "must be System or User", "write System or User");
  if (const auto size_name = text_at(o, "vmSize", path)) {
    const auto size = find_vm_size(*size_name);
    if (!size) fail(path + ".vmSize", "'" + *size_name + "' is not a known VM size", "use a size such as Standard_D4s_v3, or give cpu, memory and gpu instead");
    pool.vm_size = std::string(size->name);
    pool.cpu_millicores = size->vcpus * 1000LL;
    pool.memory_bytes = std::llround(size->memory_gib * 1073741824.0);
    pool.gpus = size->gpus;
  }
  const auto cpu = quantity_at(o, "cpu", path);
  const auto memory = quantity_at(o, "memory", path);
  if (pool.vm_size.empty() && (!cpu || !memory))
    fail(path, "has neither vmSize nor both cpu and memory", "add vmSize: Standard_D4s_v3, or cpu: 4 and memory: 16Gi");
  if (cpu) pool.cpu_millicores = std::llround(*cpu * 1000);
  if (memory) pool.memory_bytes = std::llround(*memory);
  if (const auto gpu = integer_at(o, "gpu", path)) pool.gpus = static_cast<int>(*gpu);
  if (const auto* labels = o.if_contains("labels"); labels != nullptr && !labels->is_null()) {
    for (const auto& [key, item] : object_at(*labels, path + ".labels")) {
      if (item.is_object() || item.is_array()) fail(path + ".labels." + std::string(key), "expected a string", "write a string value");
      pool.labels[std::string(key)] = item.is_null() ? std::string{} : show(item);
    }
  }
  pool.taints = strings_at(o, "taints", path);
  for (std::size_t i = 0; i < pool.taints.size(); ++i) check_taint(pool.taints[i], path + ".taints[" + std::to_string(i) + "]");
  return pool;
}

identity_kind read_identity(const std::string& text, const std::string& path) {
  const auto t = detail::to_lower(text);
  if (t == "systemassigned" || t == "system_assigned" || t == "managedidentity") return identity_kind::system_assigned;
  if (t == "userassigned" || t == "user_assigned") return identity_kind::user_assigned;
  if (t == "serviceprincipal" || t == "service_principal") return identity_kind::service_principal;
  if (t == "none") return identity_kind::none;
  fail(path, "'" + text + "' is not an identity type", "write SystemAssigned, UserAssigned, ServicePrincipal or None");
}

cluster_spec read_cluster(const value& v, const std::string& path, const world_defaults& d) {
  const auto& o = object_at(v, path);
  check_members(o, path, {"name", "kind", "subscription", "resourceGroup", "location", "kubernetesVersion", "distribution",
                          "identity", "localAccounts", "authorizedIpRanges", "nodePools", "loadBalancer"});
  cluster_spec c;
  c.name = required_text(o, "name", path);
  const auto kind = detail::to_lower(text_at(o, "kind", path).value_or("aks"));
  if (kind == "aks" || kind == "managedclusters") c.kind = cluster_kind::aks;
  else if (kind == "arc" || kind == "connectedclusters") c.kind = cluster_kind::arc;
  else fail(path + ".kind", "'" + kind + "' is not a cluster kind", "write aks or arc");
  c.subscription = text_at(o, "subscription", path).value_or(d.subscription);
  c.resource_group = required_text(o, "resourceGroup", path);
  c.location = text_at(o, "location", path).value_or(d.location);
  c.kubernetes_version = text_at(o, "kubernetesVersion", path).value_or(d.kubernetes_version);
  c.distribution = text_at(o, "distribution", path).value_or(c.kind == cluster_kind::aks ? "aks" : "generic");
  if (const auto identity = text_at(o, "identity", path)) c.identity = read_identity(*identity, path + ".identity");
  c.local_accounts = bool_at(o, "localAccounts", path).value_or(true);
  c.load_balancer = bool_at(o, "loadBalancer", path);
  c.authorized_ip_ranges = strings_at(o, "authorizedIpRanges", path);
  if (const auto* pools = o.if_contains("nodePools"); pools != nullptr && !pools->is_null()) {
    if (!pools->is_array()) fail(path + ".nodePools", "expected a list", "write a list of node pools");
    std::set<std::string> names;
    for (std::size_t i = 0; i < pools->as_array().size(); ++i) {
      auto pool = read_pool(pools->as_array()[i], path + ".nodePools[" + std::to_string(i) + "]", i);
      if (!names.insert(pool.name).second)
        fail(path + ".nodePools[" + std::to_string(i) + "].name", "'" + pool.name + "' is used twice", "give each pool its own name");
      c.node_pools.push_back(std::move(pool));
    }
  }
  if (c.node_pools.empty()) {
    // One system pool, as `az aks create` makes by default (three nodes).
    c.node_pools.push_back({"nodepool1", 3, "Standard_D4s_v3", 4000, 16LL << 30, 0, {}, {}, "System"});
  }
  return c;
}

workspace_spec read_workspace(const value& v, const std::string& path, const world_defaults& d) {
  const auto& o = object_at(v, path);
  check_members(o, path, {"name", "subscription", "resourceGroup", "location", "description"});
  workspace_spec w;
  w.name = required_text(o, "name", path);
  w.subscription = text_at(o, "subscription", path).value_or(d.subscription);
  w.resource_group = required_text(o, "resourceGroup", path);
  w.location = text_at(o, "location", path).value_or(d.location);
  w.description = text_at(o, "description", path).value_or("");
  return w;
}

world read_world(const value& root, world_defaults d) {
  world w;
  if (root.is_null()) return w;  // an empty file declares nothing
  const auto& o = object_at(root, "(top level)");
  check_members(o, "", {"subscription", "location", "kubernetesVersion", "clusters", "workspaces"});
  d.subscription = text_at(o, "subscription", "").value_or(d.subscription);
  d.location = text_at(o, "location", "").value_or(d.location);
  d.kubernetes_version = text_at(o, "kubernetesVersion", "").value_or(d.kubernetes_version);
  std::set<std::string> ids;
  auto list = [&](std::string_view key, auto read, auto& out) {
    const auto* items = o.if_contains(key);
    if (items == nullptr || items->is_null()) return;
    if (!items->is_array()) fail(std::string(key), "expected a list", "write a list");
    for (std::size_t i = 0; i < items->as_array().size(); ++i) {
      const auto path = std::string(key) + "[" + std::to_string(i) + "]";
      auto item = read(items->as_array()[i], path, d);
      if (!ids.insert(detail::to_lower(arm_id(item))).second)
        fail(path + ".name", "'" + item.name + "' is declared twice", "give each one its own name or resource group");
      out.push_back(std::move(item));
    }
  };
  list("clusters", read_cluster, w.clusters);
  list("workspaces", read_workspace, w.workspaces);
  return w;
}

}  // namespace

world parse_world(std::string_view text, world_format format, const world_defaults& defaults, std::string_view source_name) {
  const auto root = format == world_format::json ? json::parse(text, source_name) : detail::yaml_to_json(text, source_name);
  try {
    return read_world(root, defaults);
  } catch (const error& e) {
    // Prefix the source so a message read on its own says which file is wrong.
    auto d = e.diag();
    d.client_message = std::string(source_name) + ": " + (d.client_message.empty() ? "invalid world file" : d.client_message);
    throw error(e.code(), std::move(d));
  }
}

world load_world_file(const std::filesystem::path& path, const world_defaults& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw validation_error({{path.string(), "cannot be read", "check the path and its permissions"}});
  std::ostringstream text;
  text << in.rdbuf();
  const auto format = detail::to_lower(path.extension().string()) == ".json" ? world_format::json : world_format::yaml;
  return parse_world(text.str(), format, defaults, path.string());
}

}  // namespace amlk8s::local
