// Reading AKS and Arc cluster resources and provider registrations. The member names are those of
// the public ARM specs (ContainerService managedClusters, Kubernetes connectedClusters) as the
// k8s-extension CLI reads them (contracts/arm-extensions.md §2.2 step 5, §2.6), and as the local
// control plane writes them (src/local/arm/cluster_body.cpp).
#include <amlk8s/model/cluster.hpp>

#include "arm/blocking.hpp"
#include "model/wire.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace amlk8s::model {

namespace {

std::string quoted_id(const resource_id& id) { return "'" + id.to_string() + "'"; }

}  // namespace

bool cluster_info::uses_service_principal() const {
  // §2.6 and the local control plane's rule: an AKS cluster with no identity whose service
  // principal profile names a client other than "msi" runs on a service principal.
  if (kind != cluster_kind::aks || !identity_type.empty()) return false;
  return !service_principal_client_id.empty() && detail::to_lower(service_principal_client_id) != "msi";
}

bool cluster_info::is_openshift() const { return detail::to_lower(distribution) == "openshift"; }

cluster_info cluster_info::from_json(cluster_kind kind, const boost::json::value& body) {
  const auto root = detail::reader::root(body, cluster_type_name(kind));
  cluster_info c;
  c.kind = kind;
  c.raw = body;
  if (auto id = root.string("id"); id && !id->empty()) {
    error_code ec;
    diagnostics diag;
    c.id = resource_id::parse(*id, ec, diag);
    if (ec) throw validation_error({{"id", diag.client_message, "the cluster's id must be an ARM resource id"}});
  }
  c.name = root.string_or_empty("name");
  if (c.name.empty() && !c.id.empty()) c.name = std::string(c.id.name());
  // §2.2 step 5: the CLI lower-cases the cluster's location.
  c.location = detail::to_lower(root.string_or_empty("location"));
  if (auto identity = root.child("identity")) c.identity_type = identity->string_or_empty("type");

  const auto props = root.child("properties");
  if (!props) {
    if (kind == cluster_kind::aks) c.distribution = "aks";
    return c;
  }
  c.kubernetes_version = props->string_or_empty("kubernetesVersion");
  c.provisioning_state = props->string_or_empty("provisioningState");
  if (kind == cluster_kind::aks) {
    c.distribution = "aks";
    if (const auto* pools = props->array("agentPoolProfiles")) {
      std::int64_t total = 0;
      for (std::size_t i = 0; i < pools->size(); ++i) {
        const auto where = props->path_of("agentPoolProfiles") + "[" + std::to_string(i) + "]";
        const auto& item = (*pools)[i];
        if (!item.is_object()) throw json::type_error(where, "an object", item);
        const detail::reader pool(item.as_object(), where);
        agent_pool p;
        p.name = pool.string_or_empty("name");
        p.count = pool.integer("count").value_or(0);
        p.vm_size = pool.string_or_empty("vmSize");
        p.mode = pool.string_or_empty("mode");
        total += p.count;
        c.agent_pools.push_back(std::move(p));
      }
      // §2.2 step 5: an AKS cluster's node count is the sum of its agent pools' counts.
      c.node_count = total;
    }
    if (auto sp = props->child("servicePrincipalProfile")) c.service_principal_client_id = sp->string_or_empty("clientId");
    c.local_accounts_disabled = props->boolean("disableLocalAccounts").value_or(false);
    if (auto access = props->child("apiServerAccessProfile")) c.authorized_ip_ranges = access->strings("authorizedIPRanges");
  } else {
    // §2.2 step 5: Arc reports the node count and the distribution itself.
    c.node_count = props->integer("totalNodeCount");
    c.distribution = props->string_or_empty("distribution");
    c.connectivity_status = props->string_or_empty("connectivityStatus");
    if (c.kubernetes_version.empty()) c.kubernetes_version = props->string_or_empty("kubernetesVersion");
  }
  return c;
}

std::string to_string(const cluster_info& c) {
  std::string out = std::string(cluster_type_name(c.kind)) + " " + (c.id.empty() ? c.name : c.id.to_string());
  if (!c.location.empty()) out += " in " + c.location;
  if (!c.kubernetes_version.empty()) out += ", Kubernetes " + c.kubernetes_version;
  if (c.node_count) out += ", " + std::to_string(*c.node_count) + " node(s)";
  if (!c.distribution.empty()) out += ", distribution " + c.distribution;
  if (c.uses_service_principal()) out += ", service principal";
  else if (!c.identity_type.empty()) out += ", identity " + c.identity_type;
  if (!c.provisioning_state.empty()) out += ", " + c.provisioning_state;
  return out;
}

std::ostream& operator<<(std::ostream& os, const cluster_info& c) { return os << to_string(c); }

void clusters_client::async_get_erased(resource_id cluster, diagnostics& diag,
                                       boost::asio::any_completion_handler<get_signature> handler) const {
  diag.clear();
  const auto kind = cluster_kind_of(cluster);
  if (!kind) {
    diag.validation.push_back({"cluster", "'" + cluster.to_string() + "' is not an AKS or Arc cluster id",
                               "pass a Microsoft.ContainerService/managedClusters or "
                               "Microsoft.Kubernetes/connectedClusters resource id (see amlk8s::cluster_id)"});
    diag.client_message = diag.validation.front().message;
    detail::complete_later(arm_->get_executor(), std::move(handler), make_error_code(errc::invalid_argument),
                           cluster_info{});
    return;
  }
  auto finish = [cluster, k = *kind](error_code& ec, const arm::response& res, diagnostics& d) {
    cluster_info out;
    if (ec == errc::not_found) {
      d.client_message = "the " + std::string(cluster_type_name(k)) + " cluster " + quoted_id(cluster) +
                         " was not found; check the subscription, resource group, cluster name and cluster type";
      return out;
    }
    if (ec) return out;
    ec = detail::read_body(res.body, "cluster", d, out,
                           [k](const boost::json::value& b) { return cluster_info::from_json(k, b); });
    return out;
  };
  arm::request req;
  req.path = cluster.to_string();
  detail::async_send_then<cluster_info>(*arm_, std::move(req), diag, std::move(finish), std::move(handler));
}

cluster_info clusters_client::get(const resource_id& cluster) const {
  diagnostics diag;
  auto [ec, info] = arm::detail::run_blocking<cluster_info>(
      [&](auto handler) { async_get_erased(cluster, diag, std::move(handler)); });
  throw_on_error(ec, diag);
  return std::move(info);
}

// Provider registration (§1.2, last bullet): GET /subscriptions/{s}/providers/{ns} → registrationState.

bool provider_registration::registered() const noexcept { return detail::to_lower(registration_state) == "registered"; }

provider_registration provider_registration::from_json(const boost::json::value& body) {
  const auto root = detail::reader::root(body, "provider");
  provider_registration p;
  p.provider_namespace = root.string_or_empty("namespace");
  p.registration_state = root.string_or_empty("registrationState");
  return p;
}

void providers_client::async_send_erased(bool register_it, std::string subscription_id, std::string provider_namespace,
                                         diagnostics& diag,
                                         boost::asio::any_completion_handler<signature> handler) const {
  diag.clear();
  arm::request req;
  try {
    const auto sub = resource_id::for_subscription(subscription_id);
    if (provider_namespace.empty() || provider_namespace.find_first_of("/?#") != std::string::npos)
      throw validation_error({{"provider_namespace", "'" + provider_namespace + "' is not a provider namespace",
                               "pass a namespace such as Microsoft.KubernetesConfiguration"}});
    req.path = sub.to_string() + "/providers/" + provider_namespace + (register_it ? "/register" : "");
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    detail::complete_later(arm_->get_executor(), std::move(handler), make_error_code(errc::invalid_argument),
                           provider_registration{});
    return;
  }
  req.method = register_it ? http::verb::post : http::verb::get;
  auto finish = [](error_code& ec, const arm::response& res, diagnostics& d) {
    provider_registration out;
    if (!ec) ec = detail::read_body(res.body, "provider", d, out, &provider_registration::from_json);
    return out;
  };
  detail::async_send_then<provider_registration>(*arm_, std::move(req), diag, std::move(finish), std::move(handler));
}

provider_registration providers_client::get(std::string_view subscription_id, std::string_view provider_namespace) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<provider_registration>([&](auto handler) {
    async_send_erased(false, std::string(subscription_id), std::string(provider_namespace), diag, std::move(handler));
  });
  throw_on_error(ec, diag);
  return std::move(p);
}

provider_registration providers_client::register_provider(std::string_view subscription_id,
                                                          std::string_view provider_namespace) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<provider_registration>([&](auto handler) {
    async_send_erased(true, std::string(subscription_id), std::string(provider_namespace), diag, std::move(handler));
  });
  throw_on_error(ec, diag);
  return std::move(p);
}

}  // namespace amlk8s::model
