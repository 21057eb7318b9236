// Microsoft.ContainerService/managedClusters (AKS) and Microsoft.Kubernetes/connectedClusters (Arc).
#include "local/arm/state.hpp"

#include <boost/json/array.hpp>

#include <cstdio>

namespace amlk8s::local::detail {

namespace {

// A short stable hash, for the parts of server-made names that look random in Azure.
std::string short_hash(std::string_view text) {
  std::uint32_t h = 2166136261u;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

clock::time_point now_of(const put_context& ctx) { return ctx.rc != nullptr ? ctx.rc->now : ctx.st->time->now(); }

template <class T>
void set_default(boost::json::object& o, std::string_view key, T value) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) o[key] = std::move(value);
}

// The clusters' PATCH is AKS's and Arc's "update tags": only `tags` changes; node pools and
// versions change through PUT.
bool patch_tags(stored_resource& r, const boost::json::object& body) {
  const auto* tags = body.if_contains("tags");
  if (tags == nullptr) return false;
  const auto* before = r.body.if_contains("tags");
  if (before != nullptr && *before == *tags) return false;
  if (tags->is_null()) return r.body.erase("tags") > 0;
  r.body["tags"] = *tags;
  return true;
}

class managed_cluster final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.ContainerService/managedClusters"; }

  void prepare(put_context& ctx) const override {
    // ctx.body gains at most "properties", "sku" and "identity" below; room for them keeps `props`
    // valid (adding a member to a full object moves the others).
    ctx.body.reserve(ctx.body.size() + 3);
    auto& props = member_object(ctx.body, "properties");
    if (!ctx.cluster) {
      auto spec = cluster_from_body(cluster_kind::aks, ctx.id, ctx.name, ctx.body, ctx.st->options);
      // A pool first declared with explicit capacity (world file) keeps it when a PUT omits vmSize.
      const auto* profiles = props.if_contains("agentPoolProfiles");
      if (ctx.existing != nullptr && ctx.existing->cluster && profiles != nullptr && profiles->is_array()) {
        for (std::size_t i = 0; i < profiles->as_array().size() && i < spec.node_pools.size(); ++i) {
          const auto& profile = profiles->as_array()[i];
          if (!profile.is_object() || !string_member(profile.as_object(), "vmSize").empty()) continue;
          for (const auto& old : ctx.existing->cluster->node_pools) {
            if (old.name == spec.node_pools[i].name && old.vm_size.empty()) {
              auto kept = old;
              kept.count = spec.node_pools[i].count;
              kept.labels = spec.node_pools[i].labels;
              kept.taints = spec.node_pools[i].taints;
              spec.node_pools[i] = kept;
            }
          }
        }
      }
      ctx.cluster = std::move(spec);
    }
    const auto& c = *ctx.cluster;
    const auto location = string_member(ctx.body, "location");
    set_default(ctx.body, "sku", boost::json::object{{"name", "Base"}, {"tier", "Free"}});
    props["kubernetesVersion"] = c.kubernetes_version;
    props["currentKubernetesVersion"] = c.kubernetes_version;
    set_default(props, "dnsPrefix", c.name + "-" + c.resource_group.substr(0, 10) + "-" + c.subscription.substr(0, 6));
    props["fqdn"] = string_member(props, "dnsPrefix") + "-" + short_hash(to_lower(ctx.id)) + ".hcp." + location + ".azmk8s.io";
    set_default(props, "nodeResourceGroup", "MC_" + c.resource_group + "_" + c.name + "_" + location);
    set_default(props, "enableRBAC", true);
    set_default(props, "disableLocalAccounts", !c.local_accounts);
    props["maxAgentPools"] = 100;
    props["powerState"] = boost::json::object{{"code", "Running"}};
    if (ctx.body.contains("identity")) {
      set_default(props, "servicePrincipalProfile", boost::json::object{{"clientId", "msi"}});
    } else if (!props.contains("servicePrincipalProfile")) {
      ctx.body["identity"] = boost::json::object{{"type", "SystemAssigned"}};  // what `az aks create` asks for by default
      props["servicePrincipalProfile"] = boost::json::object{{"clientId", "msi"}};
    }
    auto& profiles = props["agentPoolProfiles"];
    if (!profiles.is_array()) profiles = boost::json::array{};
    for (std::size_t i = 0; i < profiles.as_array().size() && i < c.node_pools.size(); ++i) {
      auto& profile = profiles.as_array()[i];
      if (!profile.is_object()) continue;
      auto& p = profile.as_object();
      const auto& pool = c.node_pools[i];
      p["count"] = pool.count;
      p["mode"] = pool.mode;
      if (!pool.vm_size.empty()) p["vmSize"] = pool.vm_size;
      set_default(p, "osType", "Linux");
      set_default(p, "type", "VirtualMachineScaleSets");
      p["orchestratorVersion"] = c.kubernetes_version;
      p["currentOrchestratorVersion"] = c.kubernetes_version;
      p["powerState"] = boost::json::object{{"code", "Running"}};
      set_default(p, "nodeLabels", boost::json::object{});
      set_default(p, "nodeTaints", boost::json::array{});
    }
  }

  bool patch(stored_resource& r, const boost::json::object& body, const request_context&) const override {
    return patch_tags(r, body);
  }
};

class connected_cluster final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.Kubernetes/connectedClusters"; }

  void prepare(put_context& ctx) const override {
    if (!ctx.cluster) {
      auto spec = cluster_from_body(cluster_kind::arc, ctx.id, ctx.name, ctx.body, ctx.st->options);
      if (ctx.existing != nullptr && ctx.existing->cluster) {
        // The Arc agent reports version and nodes; a PUT of the ARM resource changes neither.
        spec.node_pools = ctx.existing->cluster->node_pools;
        spec.kubernetes_version = ctx.existing->cluster->kubernetes_version;
      }
      ctx.cluster = std::move(spec);
    }
    const auto& c = *ctx.cluster;
    set_default(ctx.body, "identity", boost::json::object{{"type", "SystemAssigned"}});
    auto& props = member_object(ctx.body, "properties");
    set_default(props, "agentPublicKeyCertificate", "");
    props["distribution"] = c.distribution;
    set_default(props, "infrastructure", "generic");
    props["kubernetesVersion"] = c.kubernetes_version;
    long nodes = 0;
    long cores = 0;
    for (const auto& pool : c.node_pools) {
      nodes += pool.count;
      cores += pool.count * static_cast<long>(pool.cpu_millicores / 1000);
    }
    props["totalNodeCount"] = nodes;
    props["totalCoreCount"] = cores;
    props["agentVersion"] = ctx.st->options.arc_agent_version;
    props["connectivityStatus"] = "Connected";
    const boost::json::object* before = nullptr;
    if (ctx.existing != nullptr)
      if (const auto* v = ctx.existing->body.if_contains("properties"); v != nullptr && v->is_object()) before = &v->as_object();
    const auto now = iso8601(now_of(ctx));
    const auto seen = before ? string_member(*before, "lastConnectivityTime") : std::string{};
    props["lastConnectivityTime"] = seen.empty() ? now : seen;
    const auto expiry = before ? string_member(*before, "managedIdentityCertificateExpirationTime") : std::string{};
    props["managedIdentityCertificateExpirationTime"] =
        expiry.empty() ? iso8601(now_of(ctx) + std::chrono::hours(24 * 90)) : expiry;
  }

  bool patch(stored_resource& r, const boost::json::object& body, const request_context&) const override {
    return patch_tags(r, body);
  }
};

}  // namespace

const resource_kind& managed_cluster_kind() noexcept {
  static const managed_cluster kind;
  return kind;
}

const resource_kind& connected_cluster_kind() noexcept {
  static const connected_cluster kind;
  return kind;
}

}  // namespace amlk8s::local::detail
