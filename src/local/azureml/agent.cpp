// The AzureML extension agent's lifecycle: which hook runs when, what a failure looks like on the
// ARM side, the agent-reported statuses, and namespace azureml while an uninstall runs
// (contracts/arm-extensions.md §1.3, §1.6, §2.10, §3 items 1 and 10).
#include <amlk8s/local/azureml_agent.hpp>

#include "local/azureml/agent_impl.hpp"
#include "local/azureml/wire.hpp"
#include "local/common/text.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/array.hpp>

#include <algorithm>

namespace amlk8s::local {

namespace {

using boost::json::array;
using boost::json::object;
namespace wire = azureml::wire;
namespace res = kube::resources;

const std::string ns(model::azureml_namespace);

azureml::settings_map string_map(const object& o, std::string_view key) {
  azureml::settings_map out;
  if (const auto* v = o.if_contains(key); v && v->is_object())
    for (const auto& [k, value] : v->as_object())
      if (value.is_string()) out[std::string(k)] = std::string(value.as_string());
  return out;
}

object& properties(resource_event& e) {
  auto& p = e.body["properties"];
  if (!p.is_object()) p = object{};
  return p.as_object();
}

std::string name_of(const resource_event& e) {
  if (const auto* n = e.body.if_contains("name"); n && n->is_string()) return std::string(n->as_string());
  return e.id.substr(e.id.rfind('/') + 1);
}

// §1.3 statuses[]: the agent's one entry for the last operation.
void report_status(resource_event& e, const kube::api_server& api, std::string_view code, std::string_view display,
                   std::string_view level, std::string_view message) {
  properties(e)["statuses"] = array{object{{"code", code},
                                           {"displayStatus", display},
                                           {"level", level},
                                           {"message", message},
                                           {"time", azureml::rfc3339(azureml::now_of(api))}}};
}

// §1.6/§3 item 1: the agent's frame around a Helm error.
operation_failure helm_failure(resource_event& e, const kube::api_server& api, bool upgrade, std::string_view inner) {
  const auto op = e.kind == change_kind::created ? "Create" : "Update";
  const auto message = std::string(wire::message_head) + (upgrade ? "Helm upgrade failed : " : "Helm installation failed : ") +
                       std::string(inner) + "]] occurred while doing the operation : [" + op + "] on the config" +
                       std::string(wire::message_tail);
  report_status(e, api, upgrade ? wire::status_upgrade_failed : wire::status_install_failed, "Failed", "Error", message);
  return {std::string(wire::operation_failed_code), message, 400};
}

// §2.10: a failed hook, as Helm with --atomic reports it.
std::string hook_error(std::string_view extension, std::string_view hook, const azureml::check_result& failed) {
  const bool upgrade = hook == wire::pre_upgrade;
  const auto what = "failed " + std::string(hook) + ": pod healthcheck failed";
  return "Error: " + std::string(upgrade ? "UPGRADE FAILED: " : "") + what + " : " + std::string(failed.code) + " " +
         std::string(failed.name) + ": " + failed.message + ". " + std::string(wire::healthcheck_recommendation) +
         " : InnerError [release " + std::string(extension) + " failed, and has been " +
         (upgrade ? "rolled back" : "uninstalled") + " due to atomic being set: " + what + "]";
}

bool terminating(const kube::api_server& api) {
  const auto n = api.get(res::namespaces, "", ns);
  if (!n) return false;
  const auto* m = n->if_contains("metadata");
  return m && m->is_object() && m->as_object().contains("deletionTimestamp");
}

// §3 item 10: Helm's first write (the release record) is refused in a terminating namespace.
std::string terminating_error(std::string_view extension, int revision) {
  return "Error: create: failed to create: secrets \"" + std::string(wire::release_secret_prefix) + std::string(extension) +
         ".v" + std::to_string(revision) + "\" is forbidden: unable to create new content in namespace " + ns +
         " because it is being terminated";
}

std::string kube_message(const error& e) {
  const auto& d = e.diag();
  return d.service_message.empty() ? std::string(e.what()) : d.service_message;
}

// DELETE starts: the pre-delete report, the release goes, and the namespace turns Terminating,
// held there by a finalizer until the operation completes.
void begin_uninstall(kube::api_server& api, std::string_view extension) {
  if (terminating(api)) return;
  azureml::write_report(api, azureml::run_health_check(api, {}, wire::pre_delete, {}, {}));
  azureml::uninstall_release(api, extension);
  auto n = api.get(res::namespaces, "", ns);
  if (!n) return;
  auto& m = (*n)["metadata"].as_object();
  auto& finalizers = m["finalizers"];
  if (!finalizers.is_array()) finalizers = array{};
  finalizers.as_array().push_back(boost::json::string(wire::uninstall_finalizer));
  m.erase("resourceVersion");
  api.update(res::namespaces, std::move(*n));
  api.remove(res::namespaces, "", ns);
}

// DELETE completes (or the resource went without one, forceDelete): nothing of the release stays,
// and the namespace is gone.
void finish_uninstall(kube::api_server& api, std::string_view extension) {
  if (!terminating(api)) azureml::uninstall_release(api, extension);
  auto n = api.get(res::namespaces, "", ns);
  if (!n) return;
  auto& m = (*n)["metadata"].as_object();
  if (auto* f = m.if_contains("finalizers"); f && f->is_array()) {
    auto& list = f->as_array();
    const auto it = std::find(list.begin(), list.end(), boost::json::value(boost::json::string(wire::uninstall_finalizer)));
    if (it != list.end()) {
      list.erase(it);
      m.erase("resourceVersion");
      api.update(res::namespaces, std::move(*n));  // the last finalizer: the namespace goes
      return;
    }
  }
  if (!m.contains("deletionTimestamp")) api.remove(res::namespaces, "", ns);
}

std::optional<operation_failure> install_or_upgrade(kube::api_server& api, const cluster_spec& cluster, resource_event& e) {
  const auto extension = name_of(e);
  auto& props = properties(e);
  const auto settings = string_map(props, "configurationSettings");
  const auto secrets = string_map(e.secrets, wire::protected_settings);
  const int revision = azureml::latest_revision(api, extension);
  const bool upgrade = revision > 0;
  if (terminating(api)) return helm_failure(e, api, upgrade, terminating_error(extension, revision + 1));

  const auto hook = upgrade ? wire::pre_upgrade : wire::pre_install;
  const auto report = azureml::run_health_check(api, cluster, hook, settings, secrets);
  azureml::write_report(api, report);
  if (const auto* failed = report.failure()) return helm_failure(e, api, upgrade, hook_error(extension, hook, *failed));

  azureml::release_plan plan;
  plan.extension = extension;
  if (const auto* v = props.if_contains("currentVersion"); v && v->is_string()) plan.version = std::string(v->as_string());
  if (plan.version.empty()) plan.version = "1.0.0";
  plan.selector = azureml::node_selector(settings);
  const auto kind = cluster.kind == cluster_kind::aks ? amlk8s::cluster_kind::aks : amlk8s::cluster_kind::arc;
  plan.components = model::expected_components(model::selection_from_settings(settings, kind), extension);
  if (auto refused = azureml::reconcile_release(api, plan, upgrade)) return helm_failure(e, api, upgrade, "Error: " + *refused);
  report_status(e, api, upgrade ? wire::status_upgraded : wire::status_installed, upgrade ? "Upgraded" : "Installed",
                "Information",
                "Release " + extension + " revision " + std::to_string(revision + 1) + " deployed in namespace " + ns + ".");
  return std::nullopt;
}

// The cluster of an extension id: everything before its `/providers/Microsoft.KubernetesConfiguration`.
std::string cluster_id_of(std::string_view extension_id) {
  const auto lower = detail::to_lower(extension_id);
  const auto at = lower.rfind("/providers/microsoft.kubernetesconfiguration/");
  return at == std::string::npos ? std::string{} : std::string(extension_id.substr(0, at));
}

}  // namespace

bool is_azureml_extension(const resource_event& event) noexcept {
  if (!http::iequals(event.type, "Microsoft.KubernetesConfiguration/extensions")) return false;
  const auto* p = event.body.if_contains("properties");
  if (p == nullptr || !p->is_object()) return false;
  const auto* t = p->as_object().if_contains("extensionType");
  return t != nullptr && t->is_string() && http::iequals(t->as_string(), azureml_extension_type);
}

std::optional<operation_failure> run_azureml_agent(kube::api_server& api, const cluster_spec& cluster, resource_event& event) {
  if (!is_azureml_extension(event)) return std::nullopt;
  const auto extension = name_of(event);
  try {
    if (event.kind == change_kind::deleted) {
      if (event.started) begin_uninstall(api, extension);
      else finish_uninstall(api, extension);
      return std::nullopt;
    }
    if (event.started) {
      // The agent refuses at once what Helm cannot start (§3 item 10).
      if (!terminating(api)) return std::nullopt;
      const int revision = azureml::latest_revision(api, extension);
      return helm_failure(event, api, revision > 0, terminating_error(extension, revision + 1));
    }
    return install_or_upgrade(api, cluster, event);
  } catch (const error& e) {
    if (event.kind == change_kind::deleted) {
      report_status(event, api, wire::status_uninstall_failed, "Failed", "Error", kube_message(e));
      return operation_failure{std::string(wire::operation_failed_code), kube_message(e), 400};
    }
    return helm_failure(event, api, azureml::latest_revision(api, extension) > 0, "Error: " + kube_message(e));
  }
}

void attach_azureml_agent(arm_api& arm, cluster_api_lookup lookup) {
  auto observer = [&arm, lookup = std::move(lookup)](resource_event& e) -> std::optional<operation_failure> {
    if (!is_azureml_extension(e)) return std::nullopt;
    const auto cluster = arm.cluster(cluster_id_of(e.id));
    if (!cluster) return std::nullopt;
    const auto api = lookup(*cluster);
    if (!api) return std::nullopt;
    return run_azureml_agent(*api, *cluster, e);
  };
  arm.on_change(observer);
  arm.on_start(std::move(observer));
}

}  // namespace amlk8s::local
