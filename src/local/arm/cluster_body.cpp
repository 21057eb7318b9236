// Cluster specs to and from the AKS (`managedClusters`) and Arc (`connectedClusters`) ARM bodies.
#include "local/arm/state.hpp"

#include <amlk8s/local/vm_sizes.hpp>

#include <boost/json/array.hpp>

#include <cmath>

namespace amlk8s::local {

bool supports_load_balancer(const cluster_spec& cluster) noexcept {
  return cluster.load_balancer.value_or(cluster.kind == cluster_kind::aks);
}

std::string_view arm_type(cluster_kind kind) noexcept {
  return kind == cluster_kind::aks ? "Microsoft.ContainerService/managedClusters" : "Microsoft.Kubernetes/connectedClusters";
}

std::string arm_id(const cluster_spec& cluster) {
  return "/subscriptions/" + cluster.subscription + "/resourceGroups/" + cluster.resource_group + "/providers/" +
         std::string(arm_type(cluster.kind)) + "/" + cluster.name;
}

std::string arm_id(const workspace_spec& workspace) {
  return "/subscriptions/" + workspace.subscription + "/resourceGroups/" + workspace.resource_group +
         "/providers/Microsoft.MachineLearningServices/workspaces/" + workspace.name;
}

std::string_view to_string(identity_kind kind) noexcept {
  switch (kind) {
    case identity_kind::system_assigned: return "SystemAssigned";
    case identity_kind::user_assigned: return "UserAssigned";
    case identity_kind::service_principal: return "ServicePrincipal";
    case identity_kind::none: return "None";
  }
  return "None";
}

}  // namespace amlk8s::local

namespace amlk8s::local::detail {

namespace {

boost::json::array string_array(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::vector<std::string> strings_of(const boost::json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

arm_error invalid_parameter(std::string_view target, std::string message) {
  return {400, "InvalidParameter", std::move(message), std::string(target)};
}

// An agent pool profile (AKS §: properties.agentPoolProfiles[]) to a node pool.
node_pool pool_from_profile(const boost::json::object& profile, std::size_t index) {
  const auto where = "properties.agentPoolProfiles[" + std::to_string(index) + "]";
  node_pool pool;
  pool.name = string_member(profile, "name");
  if (pool.name.empty()) throw invalid_parameter(where + ".name", "The agent pool at index " + std::to_string(index) + " has no name.");
  pool.mode = string_member(profile, "mode");
  if (pool.mode.empty()) pool.mode = index == 0 ? "System" : "User";
  if (const auto* count = profile.if_contains("count"); count != nullptr && !count->is_null()) {
    if (!count->is_int64() || count->as_int64() < 0 || count->as_int64() > 1000)
      throw invalid_parameter(where + ".count", "The value of parameter " + where + ".count must be an integer from 0 to 1000.");
    pool.count = static_cast<int>(count->as_int64());
  }
  pool.vm_size = string_member(profile, "vmSize");
  if (pool.vm_size.empty()) pool.vm_size = "Standard_DS2_v2";  // AKS's long-standing default size
  const auto size = find_vm_size(pool.vm_size);
  if (!size)
    throw invalid_parameter(where + ".vmSize", "The VM size '" + pool.vm_size +
                                                   "' is not known to the local control plane. Use a size from its "
                                                   "table (e.g. Standard_D4s_v3) or declare the pool in a world file "
                                                   "with explicit cpu, memory and gpu.");
  pool.vm_size = std::string(size->name);
  pool.cpu_millicores = size->vcpus * 1000LL;
  pool.memory_bytes = std::llround(size->memory_gib * 1024.0 * 1024.0 * 1024.0);
  pool.gpus = size->gpus;
  if (const auto* labels = profile.if_contains("nodeLabels"); labels != nullptr && labels->is_object())
    for (const auto& [k, v] : labels->as_object())
      if (v.is_string()) pool.labels[std::string(k)] = std::string(v.as_string());
  pool.taints = strings_of(profile.if_contains("nodeTaints"));
  return pool;
}

}  // namespace

boost::json::object cluster_body(const cluster_spec& c, const arm_options& options) {
  boost::json::object body;
  body["location"] = normalize_location(c.location.empty() ? options.default_location : c.location);
  boost::json::object props;
  if (c.kind == cluster_kind::aks) {
    switch (c.identity) {
      case identity_kind::system_assigned: body["identity"] = boost::json::object{{"type", "SystemAssigned"}}; break;
      case identity_kind::user_assigned:
        body["identity"] = boost::json::object{
            {"type", "UserAssigned"},
            {"userAssignedIdentities",
             boost::json::object{{"/subscriptions/" + c.subscription + "/resourceGroups/" + c.resource_group +
                                      "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + c.name + "-identity",
                                  boost::json::object{}}}}};
        break;
      case identity_kind::service_principal:
        props["servicePrincipalProfile"] = boost::json::object{{"clientId", dev_client_id}};
        break;
      case identity_kind::none: break;
    }
    props["kubernetesVersion"] = c.kubernetes_version.empty() ? options.default_kubernetes_version : c.kubernetes_version;
    boost::json::array pools;
    for (const auto& p : c.node_pools) {
      boost::json::object profile{{"name", p.name}, {"count", p.count}, {"mode", p.mode}};
      if (!p.vm_size.empty()) profile["vmSize"] = p.vm_size;
      boost::json::object labels;
      for (const auto& [k, v] : p.labels) labels[k] = v;
      profile["nodeLabels"] = std::move(labels);
      profile["nodeTaints"] = string_array(p.taints);
      pools.push_back(std::move(profile));
    }
    props["agentPoolProfiles"] = std::move(pools);
    props["enableRBAC"] = true;
    props["disableLocalAccounts"] = !c.local_accounts;
    if (!c.authorized_ip_ranges.empty())
      props["apiServerAccessProfile"] = boost::json::object{{"authorizedIPRanges", string_array(c.authorized_ip_ranges)}};
  } else {
    body["identity"] = boost::json::object{{"type", c.identity == identity_kind::none ? "None" : "SystemAssigned"}};
    props["agentPublicKeyCertificate"] = "";
    props["distribution"] = c.distribution.empty() ? "generic" : c.distribution;
    props["kubernetesVersion"] = c.kubernetes_version.empty() ? options.default_kubernetes_version : c.kubernetes_version;
  }
  body["properties"] = std::move(props);
  return body;
}

cluster_spec cluster_from_body(cluster_kind kind, std::string_view id, std::string_view name,
                               const boost::json::object& body, const arm_options& options) {
  cluster_spec c;
  c.kind = kind;
  const auto segments = split_path(id);
  c.subscription = segments.size() > 1 ? segments[1] : std::string{};
  c.resource_group = segments.size() > 3 ? segments[3] : std::string{};
  c.name = std::string(name);
  c.location = string_member(body, "location");
  const auto* props_value = body.if_contains("properties");
  static const boost::json::object empty;
  const auto& props = props_value != nullptr && props_value->is_object() ? props_value->as_object() : empty;
  c.kubernetes_version = string_member(props, "kubernetesVersion");
  if (c.kubernetes_version.empty()) c.kubernetes_version = options.default_kubernetes_version;

  std::string identity_type;
  if (const auto* identity = body.if_contains("identity"); identity != nullptr && identity->is_object())
    identity_type = to_lower(string_member(identity->as_object(), "type"));
  if (identity_type.find("userassigned") != std::string::npos) c.identity = identity_kind::user_assigned;
  else if (identity_type.find("systemassigned") != std::string::npos) c.identity = identity_kind::system_assigned;
  else if (identity_type == "none") c.identity = identity_kind::none;

  if (kind == cluster_kind::aks) {
    c.distribution = "aks";
    if (identity_type.empty()) {
      // No identity: a service principal cluster, unless its profile says "msi".
      std::string client;
      if (const auto* sp = props.if_contains("servicePrincipalProfile"); sp != nullptr && sp->is_object())
        client = string_member(sp->as_object(), "clientId");
      c.identity = !client.empty() && client != "msi" ? identity_kind::service_principal : identity_kind::system_assigned;
    }
    if (const auto* v = props.if_contains("disableLocalAccounts"); v != nullptr && v->is_bool()) c.local_accounts = !v->as_bool();
    if (const auto* access = props.if_contains("apiServerAccessProfile"); access != nullptr && access->is_object())
      c.authorized_ip_ranges = strings_of(access->as_object().if_contains("authorizedIPRanges"));
    const auto* pools = props.if_contains("agentPoolProfiles");
    if (pools == nullptr || !pools->is_array() || pools->as_array().empty())
      throw invalid_parameter("properties.agentPoolProfiles", "A managed cluster needs at least one agent pool in properties.agentPoolProfiles.");
    std::size_t index = 0;
    for (const auto& profile : pools->as_array()) {
      if (!profile.is_object())
        throw invalid_parameter("properties.agentPoolProfiles", "Each agent pool profile must be an object.");
      c.node_pools.push_back(pool_from_profile(profile.as_object(), index++));
    }
  } else {
    c.distribution = string_member(props, "distribution");
    if (c.distribution.empty()) c.distribution = "generic";
    c.node_pools.push_back(options.arc_default_pool);
  }
  return c;
}

}  // namespace amlk8s::local::detail
