#include "local/ml/cluster_target.hpp"

#include "local/azureml/agent_impl.hpp"
#include "local/common/text.hpp"
#include "local/ml/wire.hpp"

#include <amlk8s/core/error.hpp>

namespace amlk8s::local::ml {

namespace {

const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::string string_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

// "/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/workspaces/{ws}/computes/{c}": rg and ws.
void names_of(std::string_view compute_id, cluster_target& t) {
  const auto s = detail::split_path(compute_id);
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (http::iequals(s[i], "resourceGroups")) t.resource_group = s[i + 1];
    if (http::iequals(s[i], "workspaces")) t.workspace_name = s[i + 1];
  }
  t.compute_name = s.empty() ? std::string{} : s.back();
}

}  // namespace

std::string parent_id(std::string_view id) {
  auto end = id.rfind('/');
  if (end == std::string_view::npos) return {};
  end = id.rfind('/', end - 1);
  return end == std::string_view::npos ? std::string{} : std::string(id.substr(0, end));
}

std::string last_segment(std::string_view id) {
  const auto at = id.rfind('/');
  return std::string(at == std::string_view::npos ? id : id.substr(at + 1));
}

std::optional<cluster_target> resolve_compute(arm_api& arm, const cluster_api_lookup& lookup, std::string_view compute_id) {
  const auto compute = arm.get(compute_id);
  if (!compute) return std::nullopt;
  const auto* props = object_at(*compute, "properties");
  if (props == nullptr || !http::iequals(string_at(*props, "computeType"), "Kubernetes")) return std::nullopt;
  cluster_target t;
  t.compute_id = string_at(*compute, "id");
  names_of(t.compute_id, t);
  t.cluster_id = string_at(*props, "resourceId");
  const auto cluster = arm.cluster(t.cluster_id);
  if (!cluster) return std::nullopt;
  t.cluster = *cluster;
  t.api = lookup ? lookup(*cluster) : nullptr;
  if (const auto* k8s = object_at(*props, "properties")) t.ns = string_at(*k8s, namespace_member);
  if (t.ns.empty()) t.ns = "default";
  // The AzureML extension under the cluster: its nodeSelector.* settings shape every workload pod.
  const auto prefix = detail::to_lower(t.cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions/");
  for (const auto& id : arm.ids(extension_type)) {
    if (!detail::to_lower(id).starts_with(prefix)) continue;
    const auto ext = arm.get(id);
    const auto* ep = ext ? object_at(*ext, "properties") : nullptr;
    if (ep == nullptr || !http::iequals(string_at(*ep, "extensionType"), azureml_extension_type)) continue;
    azureml::settings_map settings;
    if (const auto* cs = object_at(*ep, "configurationSettings"))
      for (const auto& [k, v] : *cs)
        if (v.is_string()) settings[std::string(k)] = std::string(v.as_string());
    t.extension_node_selector = azureml::node_selector(settings);
    break;
  }
  return t;
}

std::vector<model::instance_type> cluster_instance_types(const kube::api_server& api) {
  std::vector<boost::json::object> objects;
  try {
    objects = api.list(kube::resources::instancetypes);
  } catch (const error&) {
    return {};  // the CRD is not installed: no custom instance types
  }
  std::vector<model::instance_type> out;
  for (const auto& o : objects) {
    try {
      out.push_back(model::instance_type::from_json(o));
    } catch (const error&) {
      // A CR the extension would reject is not offered (kubernetes.md §1.2).
    }
  }
  return out;
}

std::optional<model::instance_type> resolve_instance_type(const std::vector<model::instance_type>& types,
                                                          std::string_view name) {
  for (const auto& t : types)
    if (t.name == name) return t;
  if (name == model::default_instance_type_name) return model::instance_type::virtual_default(default_profile);
  return std::nullopt;
}

}  // namespace amlk8s::local::ml
