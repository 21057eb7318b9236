// The AzureML extension client: compositions of the clusters, providers, extensions and
// Kubernetes clients, written as coroutines (contracts/arm-extensions.md §2.2 for the order:
// check the settings, read the cluster, transform, PUT).
#include <amlk8s/model/azureml_client.hpp>

#include "arm/blocking.hpp"

#include <amlk8s/core/quantity.hpp>
#include <amlk8s/kube/resource.hpp>

#include "model/coro.hpp"

#include <boost/asio/post.hpp>

namespace amlk8s::model {
namespace {

namespace asio = boost::asio;
using detail::check;
using detail::spawn;
using detail::use_tuple;

// §2.4 before anything is sent: every check create makes, without reading the cluster.
void precheck(const resource_id& cluster, const azureml_settings& settings, const azureml_install_options& options) {
  if (auto issues = validate_azureml_create(settings, cluster, options); !issues.empty())
    throw validation_error(std::move(issues));
}

std::string string_at(const boost::json::object& o, std::initializer_list<std::string_view> path) {
  const boost::json::value* v = nullptr;
  const boost::json::object* cur = &o;
  for (auto key : path) {
    if (cur == nullptr) return {};
    v = cur->if_contains(key);
    if (v == nullptr) return {};
    cur = v->is_object() ? &v->as_object() : nullptr;
  }
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool node_ready(const boost::json::object& node) {
  const auto* status = node.if_contains("status");
  if (status == nullptr || !status->is_object()) return false;
  const auto* conditions = status->as_object().if_contains("conditions");
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const auto& c : conditions->as_array())
    if (c.is_object() && string_at(c.as_object(), {"type"}) == "Ready") return string_at(c.as_object(), {"status"}) == "True";
  return false;
}

// The allocatable (else capacity) `resource` of a node, in units.
double node_amount(const boost::json::object& node, std::string_view resource) {
  for (const auto* section : {"allocatable", "capacity"}) {
    auto text = string_at(node, {"status", section, resource});
    if (text.empty()) continue;
    diagnostics ignored;
    if (auto q = quantity::try_parse(text, ignored)) return static_cast<double>(q->milli_value()) / 1000.0;
  }
  return 0;
}

std::string node_selector_text(const std::map<std::string, std::string>& selector) {
  std::string out;
  for (const auto& [k, v] : selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

}  // namespace

azureml_target target_of(const cluster_info& cluster) {
  azureml_target t;
  t.cluster = cluster.id;
  t.location = cluster.location;
  if (cluster.node_count) t.node_count = static_cast<int>(*cluster.node_count);
  t.distribution = cluster.distribution;
  return t;
}

azureml_client::azureml_client(arm::client& arm) : arm_(&arm), extensions_(arm), clusters_(arm), providers_(arm) {}

// ---- plan / create / update -----------------------------------------------------------------------

namespace {

asio::awaitable<azureml_create_request> plan_coro(const clusters_client* clusters, resource_id cluster,
                                                  azureml_settings settings, azureml_install_options options,
                                                  diagnostics* diag) {
  precheck(cluster, settings, options);
  auto op1 = clusters->async_get(cluster, *diag, use_tuple);
  auto [ec, info] = co_await std::move(op1);
  check(ec, *diag);
  co_return build_azureml_create(settings, target_of(info), options);
}

asio::awaitable<arm::poller> create_coro(const clusters_client* clusters, const extensions_client* extensions,
                                         resource_id cluster, std::string name, azureml_settings settings,
                                         azureml_install_options options, diagnostics* diag) {
  auto planning = plan_coro(clusters, cluster, std::move(settings), std::move(options), diag);
  auto request = co_await std::move(planning);
  auto op2 = extensions->async_begin_create(cluster, std::move(name), request.to_spec(), *diag, use_tuple);
  auto [ec, poller] = co_await std::move(op2);
  check(ec, *diag);
  co_return poller;
}

asio::awaitable<arm::poller> update_coro(const extensions_client* extensions, resource_id cluster, std::string name,
                                         azureml_update_request request, diagnostics* diag) {
  auto op3 = extensions->async_begin_update(cluster, std::move(name), request.to_patch(), *diag, use_tuple);
  auto [ec, poller] = co_await std::move(op3);
  check(ec, *diag);
  co_return poller;
}

}  // namespace

void azureml_client::async_plan_create_erased(resource_id cluster, azureml_settings settings,
                                              azureml_install_options options, diagnostics& diag,
                                              asio::any_completion_handler<plan_signature> handler) const {
  spawn<azureml_create_request>(arm_->get_executor(), diag,
                                plan_coro(&clusters_, std::move(cluster), std::move(settings), std::move(options), &diag),
                                std::move(handler));
}

void azureml_client::async_begin_create_erased(resource_id cluster, std::string name, azureml_settings settings,
                                               azureml_install_options options, diagnostics& diag,
                                               asio::any_completion_handler<begin_signature> handler) const {
  spawn<arm::poller>(arm_->get_executor(), diag,
                     create_coro(&clusters_, &extensions_, std::move(cluster), std::move(name), std::move(settings),
                                 std::move(options), &diag),
                     std::move(handler));
}

void azureml_client::async_begin_update_erased(resource_id cluster, std::string name, azureml_settings changes,
                                               bool replaces_all_protected_settings, azureml_install_options options,
                                               diagnostics& diag,
                                               asio::any_completion_handler<begin_signature> handler) const {
  azureml_update_request request;
  try {
    request = build_azureml_update(changes, replaces_all_protected_settings, options);
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    asio::post(arm_->get_executor(), [h = std::move(handler), ec = e.code()]() mutable { std::move(h)(ec, arm::poller{}); });
    return;
  }
  spawn<arm::poller>(arm_->get_executor(), diag,
                     update_coro(&extensions_, std::move(cluster), std::move(name), std::move(request), &diag),
                     std::move(handler));
}

azureml_create_request azureml_client::plan_create(const resource_id& cluster, const azureml_settings& settings,
                                                   const azureml_install_options& options) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<azureml_create_request>(
      [&](auto h) { async_plan_create_erased(cluster, settings, options, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

arm::poller azureml_client::begin_create(const resource_id& cluster, std::string_view name,
                                         const azureml_settings& settings, const azureml_install_options& options) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<arm::poller>(
      [&](auto h) { async_begin_create_erased(cluster, std::string(name), settings, options, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(p);
}

extension azureml_client::create(const resource_id& cluster, std::string_view name, const azureml_settings& settings,
                                 const azureml_install_options& options) const {
  auto p = begin_create(cluster, name, settings, options);
  return extension::from_json(p.wait());
}

arm::poller azureml_client::begin_update(const resource_id& cluster, std::string_view name,
                                         const azureml_settings& changes, bool replaces_all_protected_settings,
                                         const azureml_install_options& options) const {
  diagnostics diag;
  auto [ec, p] = arm::detail::run_blocking<arm::poller>([&](auto h) {
    async_begin_update_erased(cluster, std::string(name), changes, replaces_all_protected_settings, options, diag,
                              std::move(h));
  });
  throw_on_error(ec, diag);
  return std::move(p);
}

extension azureml_client::update(const resource_id& cluster, std::string_view name, const azureml_settings& changes,
                                 bool replaces_all_protected_settings, const azureml_install_options& options) const {
  auto p = begin_update(cluster, name, changes, replaces_all_protected_settings, options);
  return extension::from_json(p.wait());
}

// ---- verify ---------------------------------------------------------------------------------------

namespace {

asio::awaitable<std::vector<boost::json::object>> list_objects(const kube::client* k8s, kube::resource r,
                                                                std::string ns, diagnostics* diag,
                                                                kube::list_options options = {}) {
  auto op4 = k8s->async_list(r, ns, std::move(options), *diag, use_tuple);
  auto [ec, list] = co_await std::move(op4);
  check(ec, *diag);
  std::vector<boost::json::object> out;
  for (auto& item : list.items)
    if (item.is_object()) out.push_back(std::move(item.as_object()));
  co_return out;
}

// The object, or nullopt on 404.
asio::awaitable<std::optional<boost::json::object>> get_optional(const kube::client* k8s, kube::resource r,
                                                                  std::string ns, std::string name, diagnostics* diag) {
  diagnostics local;
  auto op5 = k8s->async_get(r, ns, name, local, use_tuple);
  auto [ec, value] = co_await std::move(op5);
  if (ec == errc::not_found) co_return std::nullopt;
  if (ec) {
    *diag = local;
    throw error(ec, local);
  }
  if (!value.is_object()) co_return std::nullopt;
  co_return std::move(value.as_object());
}

asio::awaitable<verification_report> verify_coro(const extensions_client* extensions, const kube::client* k8s,
                                                 resource_id cluster, std::string name, diagnostics* diag) {
  auto op6 = extensions->async_get(cluster, name, *diag, use_tuple);
  auto [ec, ext] = co_await std::move(op6);
  check(ec, *diag);
  const auto kind = cluster_kind_of(cluster).value_or(cluster_kind::arc);
  const auto expected = expected_components(selection_from_settings(ext.configuration_settings, kind), name);
  const std::string ns(azureml_namespace);
  observed_workloads seen;
  auto deployments = list_objects(k8s, kube::resources::deployments, ns, diag);
  seen.deployments = co_await std::move(deployments);
  auto daemonsets = list_objects(k8s, kube::resources::daemonsets, ns, diag);
  seen.daemonsets = co_await std::move(daemonsets);
  auto statefulsets = list_objects(k8s, kube::resources::statefulsets, ns, diag);
  seen.statefulsets = co_await std::move(statefulsets);
  auto health = get_optional(k8s, kube::resources::configmaps, ns, "arcml-healthcheck", diag);
  seen.health_check_config_map = co_await std::move(health);
  auto report = evaluate_components(expected, seen);
  report.extension_name = name;
  report.provisioning_state = ext.provisioning_state;
  co_return report;
}

}  // namespace

void azureml_client::async_verify_erased(resource_id cluster, std::string name, const kube::client& k8s,
                                         diagnostics& diag, asio::any_completion_handler<verify_signature> handler) const {
  spawn<verification_report>(arm_->get_executor(), diag,
                             verify_coro(&extensions_, &k8s, std::move(cluster), std::move(name), &diag),
                             std::move(handler));
}

verification_report azureml_client::verify(const resource_id& cluster, std::string_view name,
                                           const kube::client& k8s) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<verification_report>(
      [&](auto h) { async_verify_erased(cluster, std::string(name), k8s, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

// ---- preflight ------------------------------------------------------------------------------------

namespace {

// Kubernetes facts; a step that fails (no permission, for instance) leaves its facts unknown.
asio::awaitable<void> kube_facts(const kube::client* k8s, const azureml_settings* settings, preflight_facts* f) {
  diagnostics ignored;
  {
    kube::list_options o;
    o.label_selector = node_selector_text(settings->node_selector);
      auto op7 = k8s->async_list(kube::resources::nodes, "", o, ignored, use_tuple);
    auto [ec, nodes] = co_await std::move(op7);
    if (!ec) {
      int ready = 0;
      double cpu = 0, memory = 0;
      for (const auto& n : nodes.items) {
        if (!n.is_object() || !node_ready(n.as_object())) continue;
        ++ready;
        cpu += node_amount(n.as_object(), "cpu");
        memory += node_amount(n.as_object(), "memory");
      }
      f->ready_nodes = ready;
      f->allocatable_cpu_cores = cpu;
      f->allocatable_memory_gib = memory / (1024.0 * 1024.0 * 1024.0);
    }
  }
  {
      auto op8 = k8s->async_list(kube::resources::services, kube::all_namespaces, {}, ignored, use_tuple);
    auto [ec, services] = co_await std::move(op8);
    if (!ec) {
      bool any_lb = false, provisioned = false;
      for (const auto& s : services.items) {
        if (!s.is_object() || string_at(s.as_object(), {"spec", "type"}) != "LoadBalancer") continue;
        any_lb = true;
        const auto* st = s.as_object().if_contains("status");
        const auto* lb = st && st->is_object() ? st->as_object().if_contains("loadBalancer") : nullptr;
        const auto* ingress = lb && lb->is_object() ? lb->as_object().if_contains("ingress") : nullptr;
        if (ingress && ingress->is_array() && !ingress->as_array().empty()) provisioned = true;
      }
      if (any_lb) f->load_balancer_provisioned = provisioned;
    }
  }
  // Legacy AKS v1 inference: the azureml-fe deployment and service in any namespace.
  for (const auto& r : {kube::resources::deployments, kube::resources::services}) {
    kube::list_options o;
    o.field_selector = "metadata.name=azureml-fe";
      auto op9 = k8s->async_list(r, kube::all_namespaces, o, ignored, use_tuple);
    auto [ec, found] = co_await std::move(op9);
    if (ec) continue;
    for (const auto& item : found.items)
      if (item.is_object())
        f->legacy_azureml_fe.push_back(r.kind + "/" + string_at(item.as_object(), {"metadata", "namespace"}) + "/" +
                                       string_at(item.as_object(), {"metadata", "name"}));
  }
  {
      auto op10 = k8s->async_get(kube::resources::namespaces, "", std::string(azureml_namespace), ignored, use_tuple);
    auto [ec, ns] = co_await std::move(op10);
    if (!ec && ns.is_object())
      f->azureml_namespace_terminating = string_at(ns.as_object(), {"status", "phase"}) == "Terminating";
    else if (ec == errc::not_found)
      f->azureml_namespace_terminating = false;
  }
}

asio::awaitable<preflight_report> preflight_coro(const clusters_client* clusters, const providers_client* providers,
                                                 const kube::client* k8s, resource_id cluster, azureml_settings settings,
                                                 preflight_options options, diagnostics* diag) {
  preflight_facts f;
  f.cluster = cluster;
  f.production = options.production;
  f.workspace_subscription_id = options.workspace_subscription_id;
  auto op11 = clusters->async_get(cluster, *diag, use_tuple);
  auto [ec, info] = co_await std::move(op11);
  check(ec, *diag);
  f.node_count = info.node_count ? std::optional<int>(static_cast<int>(*info.node_count)) : std::nullopt;
  if (info.kind == cluster_kind::aks) {
    f.uses_service_principal = info.uses_service_principal();
    f.local_accounts_disabled = info.local_accounts_disabled;
    f.authorized_ip_ranges = info.authorized_ip_ranges;
    if (info.raw.is_object()) {
      const auto* props = info.raw.as_object().if_contains("properties");
      const auto* pod = props && props->is_object() ? props->as_object().if_contains("podIdentityProfile") : nullptr;
      const auto* enabled = pod && pod->is_object() ? pod->as_object().if_contains("enabled") : nullptr;
      if (enabled && enabled->is_bool()) f.pod_identity_enabled = enabled->as_bool();
    }
  }
  diagnostics ignored;
  auto op12 = providers->async_get(std::string(cluster.subscription_id()),
                                                  std::string(kubernetes_configuration_provider), ignored, use_tuple);
  auto [pec, reg] = co_await std::move(op12);
  if (!pec) f.provider_registered = reg.registered();
  if (k8s != nullptr) {
    auto facts = kube_facts(k8s, &settings, &f);
    co_await std::move(facts);
  }
  co_return preflight_report{evaluate_preflight(f, settings)};
}

}  // namespace

void azureml_client::async_preflight_erased(resource_id cluster, azureml_settings settings, const kube::client* k8s,
                                            preflight_options options, diagnostics& diag,
                                            asio::any_completion_handler<preflight_signature> handler) const {
  spawn<preflight_report>(arm_->get_executor(), diag,
                          preflight_coro(&clusters_, &providers_, k8s, std::move(cluster), std::move(settings),
                                         std::move(options), &diag),
                          std::move(handler));
}

preflight_report azureml_client::preflight(const resource_id& cluster, const azureml_settings& settings,
                                           const kube::client* k8s, const preflight_options& options) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<preflight_report>(
      [&](auto h) { async_preflight_erased(cluster, settings, k8s, options, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

}  // namespace amlk8s::model
