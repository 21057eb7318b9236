// The kinds a simulated cluster serves: a fixed table of built-in resources and the custom
// resources that CustomResourceDefinition objects declare (contracts/kubernetes.md §2.2, §2.9).
#pragma once

#include <amlk8s/local/kube/resource.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

/// How names of a kind are validated.
enum class name_rule { subdomain, label, path_segment };

/// Everything the handlers need to know about one resource.
struct resource_type {
  std::string group;
  std::string version;   ///< the version served for this lookup
  std::vector<std::string> versions;  ///< every served version (custom resources may have several)
  std::string resource;  ///< plural
  std::string singular;
  std::string kind;
  std::string list_kind;
  bool namespaced = true;
  bool builtin = true;          ///< compiled into kubectl: strategic merge patch, items without apiVersion/kind
  bool has_status = false;      ///< has a status subresource: main-resource writes keep status
  bool has_generation = false;  ///< metadata.generation is kept and bumped on spec changes
  bool read_only_http = false;  ///< served for reads only through HTTP (events)
  name_rule names = name_rule::subdomain;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> subresources;  ///< "status", "log", ...
  std::vector<std::string> field_labels;  ///< fieldSelector fields besides metadata.name/namespace
  boost::json::array printer_columns;     ///< a CRD's additionalPrinterColumns (custom resources)

  /// The store bucket: "group/resource" (versions share storage).
  std::string key() const { return group + "/" + resource; }
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  resource_ref ref() const { return {group, version, resource}; }
};

/// The built-in resources, in discovery order.
const std::vector<resource_type>& builtin_types();

/// The built-in resource, if `group/version/resource` names one.
const resource_type* find_builtin(std::string_view group, std::string_view version, std::string_view resource);

/// The resource types a CRD object declares, one per served version; empty when it is malformed.
std::vector<resource_type> types_from_crd(const boost::json::object& crd);

/// The verbs of a resource in discovery (§2.2).
std::vector<std::string> verbs_of(const resource_type& type);

}  // namespace amlk8s::local::kube::detail
