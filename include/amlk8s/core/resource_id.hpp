// ARM resource ids as values: parsed once, compared the way ARM compares them, printed exactly as given.
//
// Shapes understood (the keywords subscriptions, resourceGroups and providers in any casing):
//   /subscriptions/{s}
//   /subscriptions/{s}/resourceGroups/{rg}
//   /subscriptions/{s}/providers/{namespace}                    a resource provider (registration)
//   /subscriptions/{s}[/resourceGroups/{rg}]/providers/{namespace}/{type}/{name}[/{type}/{name}]...
//   {resource id}/providers/{namespace}/{type}/{name}[...]       an extension resource, e.g. a cluster
//                                                                extension; the id it extends is kept
//
// Equality ignores ASCII case everywhere. ARM treats keywords, namespaces and types that way, and
// its naming rules say resource and resource group names are case-insensitive and must be compared
// so ("Naming rules and restrictions for Azure resources"). Non-ASCII characters compare byte for
// byte: ARM folds them too, but that needs Unicode tables this value type does not carry.
//
// Rules checked: segments are not empty and type/name segments come in pairs (the id grammar); no
// '#' (ARM's naming rules forbid it) or '?' (it would start a query); no control characters (they
// cannot go into a request line); resource group names follow their documented rule (1-90
// characters: letters, digits, '_', '-', '.', '(', ')'; not ending in '.'). Per-type name rules are
// left to ARM, and subscription ids are not required to be GUIDs, so that test fixtures and the
// local control plane may use readable ones.
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/json/fwd.hpp>

#include <compare>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s {

/// An ARM resource id. Default-constructed, it is empty (kind() == id_kind::none).
class resource_id {
 public:
  /// What an id names.
  enum class id_kind {
    none,            ///< a default-constructed id
    subscription,    ///< /subscriptions/{s}
    resource_group,  ///< /subscriptions/{s}/resourceGroups/{rg}
    provider,        ///< /subscriptions/{s}/providers/{namespace}
    resource,        ///< anything with /providers/{namespace}/{type}/{name}
  };

  /// An empty id, useful as a member that is set later.
  resource_id() = default;

  /// Parses `text`; throws amlk8s::error (errc::invalid_argument) that quotes `text` and names the wrong part.
  static resource_id parse(std::string_view text);
  /// Parses `text` without throwing: on failure sets `ec` to errc::invalid_argument, explains in
  /// `diag.client_message` and returns an empty id. On success clears `ec` and leaves `diag` alone.
  static resource_id parse(std::string_view text, error_code& ec, diagnostics& diag);

  /// `/subscriptions/{subscription_id}`.
  static resource_id for_subscription(std::string_view subscription_id);
  /// `/subscriptions/{subscription_id}/resourceGroups/{resource_group}`.
  static resource_id for_resource_group(std::string_view subscription_id, std::string_view resource_group);

  /// What the id names.
  id_kind kind() const noexcept { return kind_; }
  /// True for a default-constructed id.
  bool empty() const noexcept { return kind_ == id_kind::none; }
  /// The id exactly as it was parsed or built, casing included.
  const std::string& to_string() const noexcept { return text_; }

  /// The subscription id segment.
  std::string_view subscription_id() const noexcept;
  /// The resource group name; empty for subscription-level ids.
  std::string_view resource_group() const noexcept;
  /// The namespace of the last /providers/ segment, e.g. "Microsoft.KubernetesConfiguration" for a
  /// cluster extension; "Microsoft.Resources" for subscription, resource group and provider ids.
  std::string_view provider_namespace() const noexcept;
  /// The full type, e.g. "Microsoft.MachineLearningServices/workspaces/computes"; for the built-in
  /// levels "Microsoft.Resources/subscriptions", ".../resourceGroups" or ".../providers".
  std::string resource_type() const;
  /// The last type segment as written, e.g. "computes" (or "subscriptions", "resourceGroups", "providers").
  std::string_view type_name() const noexcept;
  /// The last name segment (the namespace for a provider id).
  std::string_view name() const noexcept;
  /// True when resource_type() equals `type`, ignoring case.
  bool is_type(std::string_view type) const;

  /// True when the id lives under a second /providers/ segment, i.e. extends another resource.
  bool is_extension() const noexcept { return scopes_ > 1; }
  /// For an extension resource, the resource it extends (e.g. the cluster of a cluster extension).
  std::optional<resource_id> extended_resource() const;
  /// The enclosing id: the parent resource, the extended resource, the resource group or the
  /// subscription; none for a subscription or an empty id.
  std::optional<resource_id> parent() const;
  /// This id or the nearest enclosing one whose resource_type() is `type` (case-insensitive).
  std::optional<resource_id> ancestor_of_type(std::string_view type) const;

  /// A child resource: `{this}/{type}/{name}`. Only for resource ids; throws amlk8s::error otherwise
  /// or when a segment is empty or holds '/', '?', '#' or a control character.
  resource_id child(std::string_view type, std::string_view name) const;
  /// A resource under this scope: `{this}/providers/{ns}/{type}/{name}`. On a subscription or
  /// resource group it is a plain resource; on a resource it is an extension resource.
  resource_id provider_resource(std::string_view ns, std::string_view type, std::string_view name) const;

  /// Equal when both ids match ignoring ASCII case (see the file comment).
  friend bool operator==(const resource_id& a, const resource_id& b) noexcept;
  /// Orders ids by their text ignoring ASCII case, so they can key ordered containers.
  friend std::weak_ordering operator<=>(const resource_id& a, const resource_id& b) noexcept;
  /// A hash consistent with operator== (for boost::hash; std::hash is specialised below).
  friend std::size_t hash_value(const resource_id& id) noexcept;

 private:
  std::string_view segment(std::size_t i) const noexcept;
  resource_id prefix(std::size_t segments) const;

  std::string text_;
  std::vector<std::size_t> slashes_;  // offset of the '/' that opens each segment
  std::size_t last_scope_ = 0;        // segment index of the last "providers" keyword of a resource
  std::size_t scopes_ = 0;            // how many /providers/{namespace}/{type}/{name} scopes
  id_kind kind_ = id_kind::none;
};

/// Writes to_string().
std::ostream& operator<<(std::ostream& os, const resource_id& id);

/// Serialises as a JSON string (an empty id as "").
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const resource_id& id);
/// Reads a JSON string; "" gives an empty id, anything else must parse. Throws amlk8s::error.
resource_id tag_invoke(boost::json::value_to_tag<resource_id>, const boost::json::value& jv);

/// Full resource types amlk8s works with, for resource_id::is_type and ancestor_of_type.
namespace resource_types {
inline constexpr std::string_view managed_cluster = "Microsoft.ContainerService/managedClusters";
inline constexpr std::string_view connected_cluster = "Microsoft.Kubernetes/connectedClusters";
inline constexpr std::string_view cluster_extension = "Microsoft.KubernetesConfiguration/extensions";
inline constexpr std::string_view workspace = "Microsoft.MachineLearningServices/workspaces";
inline constexpr std::string_view compute = "Microsoft.MachineLearningServices/workspaces/computes";
inline constexpr std::string_view job = "Microsoft.MachineLearningServices/workspaces/jobs";
inline constexpr std::string_view online_endpoint = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
inline constexpr std::string_view online_deployment =
    "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
inline constexpr std::string_view environment_version =
    "Microsoft.MachineLearningServices/workspaces/environments/versions";
}  // namespace resource_types

/// The two kinds of Kubernetes cluster resource amlk8s works with.
enum class cluster_kind {
  aks,  ///< Microsoft.ContainerService/managedClusters
  arc,  ///< Microsoft.Kubernetes/connectedClusters
};

/// "Microsoft.ContainerService" or "Microsoft.Kubernetes".
std::string_view cluster_provider_namespace(cluster_kind kind) noexcept;
/// "managedClusters" or "connectedClusters" (what `az k8s-extension --cluster-type` takes).
std::string_view cluster_type_name(cluster_kind kind) noexcept;
/// The full type, e.g. "Microsoft.ContainerService/managedClusters".
std::string_view cluster_resource_type(cluster_kind kind) noexcept;
/// The kind for "managedClusters"/"connectedClusters" or their full types, ignoring case.
std::optional<cluster_kind> parse_cluster_type(std::string_view type) noexcept;
/// The kind of a cluster id; none when `id` is not a managed or connected cluster.
std::optional<cluster_kind> cluster_kind_of(const resource_id& id);

/// The id of an AKS or Arc cluster.
resource_id cluster_id(cluster_kind kind, std::string_view subscription_id, std::string_view resource_group,
                       std::string_view cluster_name);
/// A `Microsoft.KubernetesConfiguration/extensions` resource on `cluster`. The ARM API takes any
/// cluster resource here (provisionedClusters and appliances too), so any resource id is accepted.
resource_id cluster_extension_id(const resource_id& cluster, std::string_view extension_name);
/// A cluster extension on an AKS or Arc cluster.
resource_id cluster_extension_id(cluster_kind kind, std::string_view subscription_id,
                                 std::string_view resource_group, std::string_view cluster_name,
                                 std::string_view extension_name);

/// The id of an AzureML workspace.
resource_id workspace_id(std::string_view subscription_id, std::string_view resource_group,
                         std::string_view workspace_name);
/// `{workspace}/computes/{name}`; throws amlk8s::error when `workspace` is not a workspace id.
resource_id compute_id(const resource_id& workspace, std::string_view compute_name);
/// `{workspace}/jobs/{name}`; throws amlk8s::error when `workspace` is not a workspace id.
resource_id job_id(const resource_id& workspace, std::string_view job_name);
/// `{workspace}/onlineEndpoints/{name}`; throws amlk8s::error when `workspace` is not a workspace id.
resource_id online_endpoint_id(const resource_id& workspace, std::string_view endpoint_name);
/// `{endpoint}/deployments/{name}`; throws amlk8s::error when `endpoint` is not an online endpoint id.
resource_id online_deployment_id(const resource_id& endpoint, std::string_view deployment_name);
/// `{workspace}/environments/{name}/versions/{version}`; throws when `workspace` is not a workspace id.
resource_id environment_version_id(const resource_id& workspace, std::string_view environment_name,
                                   std::string_view version);

}  // namespace amlk8s

/// Hashes like amlk8s::hash_value, so that equal ids (ignoring case) share a bucket.
template <>
struct std::hash<amlk8s::resource_id> {
  std::size_t operator()(const amlk8s::resource_id& id) const noexcept { return hash_value(id); }
};
