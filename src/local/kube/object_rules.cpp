#include "object_rules.hpp"

#include "status.hpp"

#include <amlk8s/core/json.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace amlk8s::local::kube::detail {

boost::json::object& metadata_of(boost::json::object& object) {
  auto& m = object["metadata"];
  if (!m.is_object()) m = boost::json::object();
  return m.get_object();
}

std::string string_of(const boost::json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string meta_string(const boost::json::object& object, std::string_view key) {
  const auto* m = object.if_contains("metadata");
  return m && m->is_object() ? string_of(m->get_object(), key) : std::string();
}

namespace {

// apimachinery validation messages (IsDNS1123Subdomain, IsDNS1123Label, label values).
constexpr std::string_view subdomain_message =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr std::string_view label_message =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an "
    "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr std::string_view label_value_message =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (;;) {
    auto dot = s.find('.');
    auto part = s.substr(0, dot);
    if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back()) ||
        !std::all_of(part.begin(), part.end(), [](char c) { return lower_alnum(c) || c == '-'; }))
      return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

bool is_label_value(std::string_view v) {
  if (v.empty()) return true;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  return v.size() <= 63 && alnum(v.front()) && alnum(v.back()) &&
         std::all_of(v.begin(), v.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_qualified_name(std::string_view k) {
  auto slash = k.find('/');
  auto name = slash == std::string_view::npos ? k : k.substr(slash + 1);
  if (slash != std::string_view::npos && !is_dns_subdomain(k.substr(0, slash))) return false;
  return !name.empty() && is_label_value(name);
}

void check_labels(const boost::json::object& meta, std::vector<status_cause>& causes) {
  const auto* labels = meta.if_contains("labels");
  if (labels == nullptr || labels->is_null()) return;
  if (!labels->is_object()) {
    causes.push_back({"FieldValueTypeInvalid", "Invalid value: \"" + std::string(json::kind_name(*labels)) + "\": expected map", "metadata.labels"});
    return;
  }
  for (const auto& [k, v] : labels->get_object()) {
    if (!is_qualified_name(k))
      causes.push_back({"FieldValueInvalid",
                        invalid_value(quoted(k), "name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                                                 "start and end with an alphanumeric character"),
                        "metadata.labels"});
    if (!v.is_string())
      causes.push_back({"FieldValueTypeInvalid", "Invalid value: " + boost::json::serialize(v) + ": expected string",
                        "metadata.labels"});
    else if (!is_label_value(v.get_string()))
      causes.push_back({"FieldValueInvalid", invalid_value(quoted(v.get_string()), label_value_message), "metadata.labels"});
  }
}

// apiextensions validation, the part that keeps the served types well-formed.
void check_crd(const boost::json::object& crd, std::vector<status_cause>& causes) {
  const auto* spec_value = crd.if_contains("spec");
  const auto* spec = spec_value ? spec_value->if_object() : nullptr;
  if (spec == nullptr) {
    causes.push_back({"FieldValueRequired", required_value(), "spec"});
    return;
  }
  auto group = string_of(*spec, "group");
  const auto* names_value = spec->if_contains("names");
  const auto* names = names_value ? names_value->if_object() : nullptr;
  auto plural = names ? string_of(*names, "plural") : std::string();
  if (group.empty()) causes.push_back({"FieldValueRequired", required_value(), "spec.group"});
  if (plural.empty()) causes.push_back({"FieldValueRequired", required_value(), "spec.names.plural"});
  if (names == nullptr || string_of(*names, "kind").empty())
    causes.push_back({"FieldValueRequired", required_value(), "spec.names.kind"});
  auto name = meta_string(crd, "name");
  if (!group.empty() && !plural.empty() && name != plural + "." + group)
    causes.push_back({"FieldValueInvalid", invalid_value(quoted(name), "must be spec.names.plural+\".\"+spec.group"), "metadata.name"});
  auto scope = string_of(*spec, "scope");
  if (scope != "Cluster" && scope != "Namespaced")
    causes.push_back({"FieldValueNotSupported", "Unsupported value: " + quoted(scope) + ": supported values: \"Cluster\", \"Namespaced\"",
                      "spec.scope"});
  const auto* versions = spec->if_contains("versions");
  if (versions == nullptr || !versions->is_array() || versions->get_array().empty()) {
    causes.push_back({"FieldValueInvalid", invalid_value("[]v1.CustomResourceDefinitionVersion(nil)", "must have exactly one version marked as storage version"),
                      "spec.versions"});
    return;
  }
  int storage = 0;
  for (const auto& v : versions->get_array()) {
    const auto* vo = v.if_object();
    if (vo == nullptr || string_of(*vo, "name").empty()) {
      causes.push_back({"FieldValueRequired", required_value(), "spec.versions[].name"});
      continue;
    }
    if (const auto* st = vo->if_contains("storage"); st && st->is_bool() && st->get_bool()) ++storage;
  }
  if (storage != 1)
    causes.push_back({"FieldValueInvalid", invalid_value("[]", "must have exactly one version marked as storage version"),
                      "spec.versions"});
}

boost::json::object& member_object(boost::json::object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = boost::json::object();
  return v.get_object();
}

void set_default(boost::json::object& o, std::string_view key, boost::json::value value) {
  if (const auto* v = o.if_contains(key); v == nullptr || v->is_null()) o[key] = std::move(value);
}

void default_crd_status(boost::json::object& crd) {
  auto& spec = member_object(crd, "spec");
  auto& status = member_object(crd, "status");
  boost::json::array conditions;
  for (std::string_view type : {"NamesAccepted", "Established"}) {
    boost::json::object c;
    c["type"] = type;
    c["status"] = "True";
    c["lastTransitionTime"] = meta_string(crd, "creationTimestamp");
    c["reason"] = type == "Established" ? "InitialNamesAccepted" : "NoConflicts";
    c["message"] = type == "Established" ? "the initial names have been accepted" : "no conflicts found";
    conditions.push_back(std::move(c));
  }
  status["conditions"] = std::move(conditions);
  if (const auto* names = spec.if_contains("names")) status["acceptedNames"] = *names;
  boost::json::array stored;
  if (const auto* versions = spec.if_contains("versions"); versions && versions->is_array())
    for (const auto& v : versions->get_array())
      if (const auto* vo = v.if_object(); vo && vo->if_contains("storage") && vo->at("storage") == true) stored.push_back(vo->at("name"));
  status["storedVersions"] = std::move(stored);
}

}  // namespace

void validate_object(const resource_type& type, const boost::json::object& object) {
  std::vector<status_cause> causes;
  const auto* m = object.if_contains("metadata");
  boost::json::object empty;
  const auto& meta = m && m->is_object() ? m->get_object() : empty;
  auto name = string_of(meta, "name");
  switch (type.names) {
    case name_rule::subdomain:
      if (!is_dns_subdomain(name)) causes.push_back({"FieldValueInvalid", invalid_value(quoted(name), subdomain_message), "metadata.name"});
      break;
    case name_rule::label:
      if (!is_dns_label(name)) causes.push_back({"FieldValueInvalid", invalid_value(quoted(name), label_message), "metadata.name"});
      break;
    case name_rule::path_segment:
      if (name == "." || name == ".." || name.find_first_of("/%") != std::string::npos)
        causes.push_back({"FieldValueInvalid", invalid_value(quoted(name), "may not contain '/' or '%'"), "metadata.name"});
      break;
  }
  check_labels(meta, causes);
  if (type.group == "apiextensions.k8s.io" && type.resource == "customresourcedefinitions") check_crd(object, causes);
  if (!causes.empty()) throw invalid(type, name, std::move(causes));
}

void apply_defaults(api_server::state& s, const resource_type& type, boost::json::object& object, const boost::json::object* previous) {
  if (!type.builtin) return;
  const auto& r = type.resource;
  if (type.group.empty()) {
    if (r == "namespaces") {
      auto& labels = member_object(metadata_of(object), "labels");
      labels["kubernetes.io/metadata.name"] = meta_string(object, "name");
      auto& spec = member_object(object, "spec");
      set_default(spec, "finalizers", boost::json::array{"kubernetes"});
      set_default(member_object(object, "status"), "phase", "Active");
    } else if (r == "pods") {
      auto& spec = member_object(object, "spec");
      set_default(spec, "restartPolicy", "Always");
      set_default(spec, "dnsPolicy", "ClusterFirst");
      set_default(spec, "schedulerName", "default-scheduler");
      set_default(spec, "serviceAccountName", "default");
      set_default(spec, "terminationGracePeriodSeconds", 30);
      set_default(member_object(object, "status"), "phase", "Pending");
    } else if (r == "services") {
      auto& spec = member_object(object, "spec");
      set_default(spec, "type", "ClusterIP");
      set_default(spec, "sessionAffinity", "None");
      const auto* prev_ip = previous ? previous->if_contains("spec") : nullptr;
      if (prev_ip && prev_ip->is_object() && prev_ip->get_object().contains("clusterIP")) {
        set_default(spec, "clusterIP", prev_ip->get_object().at("clusterIP"));
      } else if (!spec.contains("clusterIP")) {
        unsigned n = 10 + s.services_added++;
        spec["clusterIP"] = "10.0." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
      }
      if (spec.at("clusterIP").is_string()) set_default(spec, "clusterIPs", boost::json::array{spec.at("clusterIP")});
      if (auto* ports = spec.if_contains("ports"); ports && ports->is_array())
        for (auto& p : ports->get_array())
          if (auto* po = p.if_object()) {
            set_default(*po, "protocol", "TCP");
            if (const auto* port = po->if_contains("port")) set_default(*po, "targetPort", *port);
          }
      if (!object.contains("status")) member_object(object, "status")["loadBalancer"] = boost::json::object();
    } else if (r == "secrets") {
      set_default(object, "type", "Opaque");
    }
    return;
  }
  if (type.group == "apps") {
    auto& spec = member_object(object, "spec");
    if (r != "daemonsets") set_default(spec, "replicas", 1);
    set_default(spec, "revisionHistoryLimit", 10);
    if (r == "statefulsets") {
      set_default(spec, "podManagementPolicy", "OrderedReady");
      set_default(member_object(object, "status"), "replicas", 0);
    } else if (r == "replicasets") {
      set_default(member_object(object, "status"), "replicas", 0);
    } else if (r == "daemonsets") {
      // The Python client requires these four DaemonSetStatus fields (§2.8).
      auto& status = member_object(object, "status");
      for (std::string_view f : {"currentNumberScheduled", "desiredNumberScheduled", "numberMisscheduled", "numberReady"})
        set_default(status, f, 0);
    } else if (r == "deployments") {
      set_default(spec, "progressDeadlineSeconds", 600);
    }
    return;
  }
  if (type.group == "batch" && r == "jobs") {
    auto& spec = member_object(object, "spec");
    set_default(spec, "completions", 1);
    set_default(spec, "parallelism", 1);
    set_default(spec, "backoffLimit", 6);
    return;
  }
  if (type.group == "apiextensions.k8s.io") default_crd_status(object);
}

}  // namespace amlk8s::local::kube::detail
