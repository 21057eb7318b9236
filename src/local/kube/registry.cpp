#include "registry.hpp"

#include <algorithm>
#include <cctype>

namespace amlk8s::local::kube::detail {

namespace {

resource_type make(std::string group, std::string version, std::string resource, std::string singular, std::string kind,
                   bool namespaced) {
  resource_type t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.versions = {t.version};
  t.resource = std::move(resource);
  t.singular = std::move(singular);
  t.list_kind = kind + "List";
  t.kind = std::move(kind);
  t.namespaced = namespaced;
  return t;
}

// §2.2 and §2.9: the built-in kinds, with the short names and categories kubectl resolves, and the
// field selectors of §2.7.
std::vector<resource_type> make_builtins() {
  std::vector<resource_type> all;

  auto ns = make("", "v1", "namespaces", "namespace", "Namespace", false);
  ns.short_names = {"ns"};
  ns.has_status = true;
  ns.names = name_rule::label;
  ns.subresources = {"status"};
  ns.field_labels = {"status.phase"};
  all.push_back(ns);

  auto nodes = make("", "v1", "nodes", "node", "Node", false);
  nodes.short_names = {"no"};
  nodes.has_status = true;
  nodes.subresources = {"status"};
  nodes.field_labels = {"spec.unschedulable"};
  all.push_back(nodes);

  auto pods = make("", "v1", "pods", "pod", "Pod", true);
  pods.short_names = {"po"};
  pods.categories = {"all"};
  pods.has_status = true;
  pods.subresources = {"log", "status"};
  pods.field_labels = {"spec.nodeName",   "status.phase",      "spec.schedulerName",       "spec.serviceAccountName",
                       "status.podIP",    "spec.restartPolicy", "status.nominatedNodeName", "spec.hostNetwork"};
  all.push_back(pods);

  auto services = make("", "v1", "services", "service", "Service", true);
  services.short_names = {"svc"};
  services.categories = {"all"};
  services.has_status = true;
  services.names = name_rule::label;
  services.subresources = {"status"};
  all.push_back(services);

  auto configmaps = make("", "v1", "configmaps", "configmap", "ConfigMap", true);
  configmaps.short_names = {"cm"};
  all.push_back(configmaps);

  auto secrets = make("", "v1", "secrets", "secret", "Secret", true);
  secrets.field_labels = {"type"};
  all.push_back(secrets);

  auto events = make("", "v1", "events", "event", "Event", true);
  events.short_names = {"ev"};
  events.field_labels = {"involvedObject.kind",     "involvedObject.namespace",       "involvedObject.name",
                         "involvedObject.uid",      "involvedObject.apiVersion",      "involvedObject.resourceVersion",
                         "involvedObject.fieldPath", "reason",                        "reportingComponent",
                         "source",                  "type"};
  all.push_back(events);

  auto workload = [&](std::string resource, std::string singular, std::string kind, std::string short_name) {
    auto t = make("apps", "v1", std::move(resource), std::move(singular), std::move(kind), true);
    t.short_names = {std::move(short_name)};
    t.categories = {"all"};
    t.has_status = true;
    t.has_generation = true;
    t.subresources = {"status"};
    return t;
  };
  all.push_back(workload("deployments", "deployment", "Deployment", "deploy"));
  all.push_back(workload("daemonsets", "daemonset", "DaemonSet", "ds"));
  all.push_back(workload("statefulsets", "statefulset", "StatefulSet", "sts"));
  auto replicasets = workload("replicasets", "replicaset", "ReplicaSet", "rs");
  replicasets.field_labels = {"status.replicas"};
  all.push_back(replicasets);

  auto jobs = make("batch", "v1", "jobs", "job", "Job", true);
  jobs.categories = {"all"};
  jobs.has_status = true;
  jobs.has_generation = true;
  jobs.subresources = {"status"};
  jobs.field_labels = {"status.successful"};
  all.push_back(jobs);

  auto crds = make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                   "CustomResourceDefinition", false);
  crds.short_names = {"crd", "crds"};
  crds.categories = {"api-extensions"};
  crds.has_status = true;
  crds.has_generation = true;
  crds.subresources = {"status"};
  all.push_back(crds);

  return all;
}

std::string string_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> strings_at(const boost::json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& item : v->get_array())
      if (item.is_string()) out.emplace_back(item.get_string());
  return out;
}

}  // namespace

const std::vector<resource_type>& builtin_types() {
  static const std::vector<resource_type> all = make_builtins();
  return all;
}

const resource_type* find_builtin(std::string_view group, std::string_view version, std::string_view resource) {
  for (const auto& t : builtin_types())
    if (t.group == group && t.version == version && t.resource == resource) return &t;
  return nullptr;
}

std::vector<resource_type> types_from_crd(const boost::json::object& crd) {
  std::vector<resource_type> out;
  const auto* spec = crd.if_contains("spec");
  if (spec == nullptr || !spec->is_object()) return out;
  const auto& s = spec->get_object();
  const auto* names_value = s.if_contains("names");
  if (names_value == nullptr || !names_value->is_object()) return out;
  const auto& names = names_value->get_object();

  resource_type base;
  base.group = string_at(s, "group");
  base.resource = string_at(names, "plural");
  base.kind = string_at(names, "kind");
  if (base.group.empty() || base.resource.empty() || base.kind.empty()) return out;
  base.singular = string_at(names, "singular");
  if (base.singular.empty()) {
    base.singular = base.kind;
    std::transform(base.singular.begin(), base.singular.end(), base.singular.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  base.list_kind = string_at(names, "listKind");
  if (base.list_kind.empty()) base.list_kind = base.kind + "List";
  base.short_names = strings_at(names, "shortNames");
  base.categories = strings_at(names, "categories");
  base.namespaced = string_at(s, "scope") != "Cluster";
  base.builtin = false;
  base.has_generation = true;

  const auto* versions = s.if_contains("versions");
  if (versions == nullptr || !versions->is_array()) return out;
  for (const auto& v : versions->get_array()) {
    if (!v.is_object()) continue;
    const auto& vo = v.get_object();
    const auto* served = vo.if_contains("served");
    if (served != nullptr && served->is_bool() && !served->get_bool()) continue;
    auto name = string_at(vo, "name");
    if (name.empty()) continue;
    base.versions.push_back(name);
    auto t = base;
    t.version = name;
    if (const auto* sub = vo.if_contains("subresources"); sub && sub->is_object() && sub->get_object().contains("status")) {
      t.has_status = true;
      t.subresources = {"status"};
    }
    if (const auto* cols = vo.if_contains("additionalPrinterColumns"); cols && cols->is_array())
      t.printer_columns = cols->get_array();
    out.push_back(std::move(t));
  }
  for (auto& t : out) t.versions = base.versions;
  return out;
}

std::vector<std::string> verbs_of(const resource_type&) {
  return {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
}

}  // namespace amlk8s::local::kube::detail
