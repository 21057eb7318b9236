#include <amlk8s/core/resource_id.hpp>

#include "core/id_text.hpp"

#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <utility>

namespace amlk8s {
namespace {

using detail::hex_byte;
using detail::is_control;
using detail::quote;
using detail::segment_problem;

constexpr std::string_view resources_namespace = "Microsoft.Resources";
constexpr std::string_view kubernetes_configuration_namespace = "Microsoft.KubernetesConfiguration";
constexpr std::string_view machine_learning_namespace = "Microsoft.MachineLearningServices";

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}


// ARM's documented resource group rule. Bytes above 0x7f are let through: the rule allows Unicode
// letters and digits, and telling those apart needs tables this type does not carry.
std::string resource_group_problem(std::string_view rg) {
  std::size_t characters = 0;
  for (char c : rg) {
    auto u = static_cast<unsigned char>(c);
    if ((u & 0xc0) != 0x80) ++characters;  // count UTF-8 lead bytes, not continuation bytes
    bool allowed = u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.' || c == '(' || c == ')';
    if (!allowed) {
      return "the resource group name " + quote(rg) + " contains " + quote(std::string_view(&c, 1)) +
             "; ARM allows letters, digits, '_', '-', '.', '(' and ')'";
    }
  }
  if (characters > 90) {
    return "the resource group name is " + std::to_string(characters) + " characters long; ARM allows at most 90";
  }
  if (rg.back() == '.') return "the resource group name " + quote(rg) + " ends with '.', which ARM does not allow";
  return {};
}

struct layout {
  std::vector<std::size_t> slashes;
  std::size_t last_scope = 0;
  std::size_t scopes = 0;
  resource_id::id_kind kind = resource_id::id_kind::none;
};

// Splits and checks `text`; returns what is wrong with it, or "" when it is a valid id.
std::string parse_layout(std::string_view text, layout& out) {
  if (text.empty()) return "the id is empty";
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '?') return "it contains '?' (a query string is not part of a resource id)";
    if (c == '#') return "it contains '#', which ARM does not allow in ids";
    if (is_control(c)) return "it contains a control character (" + hex_byte(c) + " at offset " + std::to_string(i) + ")";
  }
  if (text.front() != '/') return "it does not start with '/subscriptions/'";

  auto& slashes = out.slashes;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '/') slashes.push_back(i);
  }
  const std::size_t n = slashes.size();
  auto seg = [&](std::size_t i) {
    std::size_t begin = slashes[i] + 1;
    std::size_t end = i + 1 < n ? slashes[i + 1] : text.size();
    return text.substr(begin, end - begin);
  };
  // An empty segment where a keyword or a type belongs: a trailing '/' or a '//'.
  auto empty_segment = [&](std::size_t i) {
    if (i + 1 == n) return std::string("it ends with '/'");
    return "it has an empty segment ('//') after " + quote(seg(i - 1));
  };

  if (!iequals(seg(0), "subscriptions")) return "it does not start with '/subscriptions/'";
  if (n < 2) return "the subscription id is missing";
  if (seg(1).empty()) return "the subscription segment is empty";
  out.kind = resource_id::id_kind::subscription;
  if (n == 2) return {};

  std::size_t i = 2;
  bool in_group = false;
  if (seg(2).empty()) return empty_segment(2);
  if (iequals(seg(2), "resourceGroups")) {
    if (n < 4) return "the resource group name is missing";
    if (seg(3).empty()) return "the resource group segment is empty";
    if (auto problem = resource_group_problem(seg(3)); !problem.empty()) return problem;
    out.kind = resource_id::id_kind::resource_group;
    in_group = true;
    if (n == 4) return {};
    if (seg(4).empty()) return empty_segment(4);
    if (!iequals(seg(4), "providers")) return "expected 'providers' after the resource group, found " + quote(seg(4));
    i = 4;
  } else if (!iequals(seg(2), "providers")) {
    return "expected 'resourceGroups' or 'providers' after the subscription, found " + quote(seg(2));
  }

  // Each pass reads one /providers/{namespace}/{type}/{name}[/{type}/{name}]... scope; seg(i) is "providers".
  while (i < n) {
    if (i + 1 == n) return "'providers' is not followed by a namespace";
    std::string_view ns = seg(i + 1);
    if (ns.empty()) return "the provider namespace is empty";
    ++out.scopes;
    out.last_scope = i;
    std::size_t j = i + 2;
    if (j == n && out.scopes == 1 && !in_group) {
      out.kind = resource_id::id_kind::provider;
      return {};
    }
    std::size_t pairs = 0;
    while (j < n) {
      std::string_view type = seg(j);
      if (type.empty()) return empty_segment(j);
      if (iequals(type, "providers")) break;
      if (j + 1 == n) return "the resource type " + quote(type) + " has no name (type and name segments come in pairs)";
      if (seg(j + 1).empty()) return "the name of " + quote(type) + " is empty";
      ++pairs;
      j += 2;
    }
    if (pairs == 0) return "the provider namespace " + quote(ns) + " is not followed by a resource type";
    i = j;
  }
  out.kind = resource_id::id_kind::resource;
  return {};
}

std::string invalid_id_message(std::string_view text, std::string_view problem) {
  return quote(text) + " is not a valid ARM resource id: " + std::string(problem);
}

[[noreturn]] void throw_invalid(std::string message) { throw error(errc::invalid_argument, std::move(message)); }

// Checks the segments a builder is about to append, naming each by its role in the message.
void check_segments(std::string_view context,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> role_values) {
  for (const auto& [role, value] : role_values) {
    if (auto problem = segment_problem(value); !problem.empty()) {
      throw_invalid(std::string(context) + ": the " + std::string(role) +
                    (value.empty() ? "" : " " + quote(value)) + " " + problem);
    }
  }
}

void require_type(const resource_id& id, std::string_view type, std::string_view what, std::string_view building) {
  if (id.is_type(type)) return;
  std::string found = id.empty() ? std::string("an empty id") : quote(id.to_string());
  throw_invalid("cannot build " + std::string(building) + ": expected " + std::string(what) + " id (" +
                std::string(type) + "), got " + found);
}

}  // namespace

resource_id resource_id::parse(std::string_view text) {
  error_code ec;
  diagnostics diag;
  auto id = parse(text, ec, diag);
  throw_on_error(ec, diag);
  return id;
}

resource_id resource_id::parse(std::string_view text, error_code& ec, diagnostics& diag) {
  layout l;
  if (auto problem = parse_layout(text, l); !problem.empty()) {
    ec = make_error_code(errc::invalid_argument);
    diag.client_message = invalid_id_message(text, problem);
    return {};
  }
  ec.clear();
  resource_id id;
  id.text_ = std::string(text);
  id.slashes_ = std::move(l.slashes);
  id.last_scope_ = l.last_scope;
  id.scopes_ = l.scopes;
  id.kind_ = l.kind;
  return id;
}

resource_id resource_id::for_subscription(std::string_view subscription_id) {
  check_segments("cannot build a subscription id", {{"subscription id", subscription_id}});
  return parse("/subscriptions/" + std::string(subscription_id));
}

resource_id resource_id::for_resource_group(std::string_view subscription_id, std::string_view resource_group) {
  check_segments("cannot build a resource group id",
                 {{"subscription id", subscription_id}, {"resource group name", resource_group}});
  return parse("/subscriptions/" + std::string(subscription_id) + "/resourceGroups/" + std::string(resource_group));
}

std::string_view resource_id::segment(std::size_t i) const noexcept {
  std::size_t begin = slashes_[i] + 1;
  std::size_t end = i + 1 < slashes_.size() ? slashes_[i + 1] : text_.size();
  return std::string_view(text_).substr(begin, end - begin);
}

resource_id resource_id::prefix(std::size_t segments) const {
  // Any prefix that ends before a keyword of a valid id is itself valid, so this cannot throw.
  return parse(std::string_view(text_).substr(0, slashes_[segments]));
}

std::string_view resource_id::subscription_id() const noexcept { return empty() ? std::string_view() : segment(1); }

std::string_view resource_id::resource_group() const noexcept {
  if (slashes_.size() >= 4 && iequals(segment(2), "resourceGroups")) return segment(3);
  return {};
}

std::string_view resource_id::provider_namespace() const noexcept {
  switch (kind_) {
    case id_kind::none: return {};
    case id_kind::resource: return segment(last_scope_ + 1);
    default: return resources_namespace;
  }
}

std::string resource_id::resource_type() const {
  switch (kind_) {
    case id_kind::none: return {};
    case id_kind::subscription: return std::string(resources_namespace) + "/subscriptions";
    case id_kind::resource_group: return std::string(resources_namespace) + "/resourceGroups";
    case id_kind::provider: return std::string(resources_namespace) + "/providers";
    case id_kind::resource: break;
  }
  std::string type(segment(last_scope_ + 1));
  for (std::size_t i = last_scope_ + 2; i < slashes_.size(); i += 2) {
    type += '/';
    type += segment(i);
  }
  return type;
}

std::string_view resource_id::type_name() const noexcept {
  return empty() ? std::string_view() : segment(slashes_.size() - 2);
}

std::string_view resource_id::name() const noexcept { return empty() ? std::string_view() : segment(slashes_.size() - 1); }

bool resource_id::is_type(std::string_view type) const { return !empty() && iequals(resource_type(), type); }

std::optional<resource_id> resource_id::extended_resource() const {
  if (!is_extension()) return std::nullopt;
  return prefix(last_scope_);
}

std::optional<resource_id> resource_id::parent() const {
  switch (kind_) {
    case id_kind::none:
    case id_kind::subscription: return std::nullopt;
    case id_kind::resource_group:
    case id_kind::provider: return prefix(2);
    case id_kind::resource: break;
  }
  // A nested child drops its last type/name pair; a first-level resource goes back to its scope.
  const std::size_t pairs = (slashes_.size() - last_scope_ - 2) / 2;
  return pairs > 1 ? prefix(slashes_.size() - 2) : prefix(last_scope_);
}

std::optional<resource_id> resource_id::ancestor_of_type(std::string_view type) const {
  std::optional<resource_id> current = *this;
  while (current && !current->is_type(type)) current = current->parent();
  return current;
}

resource_id resource_id::child(std::string_view type, std::string_view name) const {
  std::string context = "cannot add a child " + quote(std::string(type) + "/" + std::string(name)) + " to " +
                        (empty() ? std::string("an empty id") : quote(text_));
  if (kind_ != id_kind::resource) {
    throw_invalid(context + ": only a resource under /providers/ has child resources");
  }
  check_segments(context, {{"type", type}, {"name", name}});
  // A type segment called "providers" would turn the child into an extension scope.
  if (iequals(type, "providers")) throw_invalid(context + ": 'providers' is not a resource type");
  return parse(text_ + "/" + std::string(type) + "/" + std::string(name));
}

resource_id resource_id::provider_resource(std::string_view ns, std::string_view type, std::string_view name) const {
  std::string context = "cannot add " + quote(std::string(ns) + "/" + std::string(type) + "/" + std::string(name)) +
                        " to " + (empty() ? std::string("an empty id") : quote(text_));
  if (kind_ == id_kind::none || kind_ == id_kind::provider) {
    throw_invalid(context + ": resources live under a subscription, a resource group or another resource");
  }
  check_segments(context, {{"namespace", ns}, {"type", type}, {"name", name}});
  if (iequals(type, "providers")) throw_invalid(context + ": 'providers' is not a resource type");
  return parse(text_ + "/providers/" + std::string(ns) + "/" + std::string(type) + "/" + std::string(name));
}

bool operator==(const resource_id& a, const resource_id& b) noexcept { return iequals(a.text_, b.text_); }

std::weak_ordering operator<=>(const resource_id& a, const resource_id& b) noexcept {
  const std::size_t n = std::min(a.text_.size(), b.text_.size());
  for (std::size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(ascii_lower(a.text_[i]));
    auto y = static_cast<unsigned char>(ascii_lower(b.text_[i]));
    if (x != y) return x < y ? std::weak_ordering::less : std::weak_ordering::greater;
  }
  return a.text_.size() <=> b.text_.size();
}

std::size_t hash_value(const resource_id& id) noexcept {
  // FNV-1a over the lower-cased bytes: equal ids (ignoring case) hash alike.
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : id.text_) {
    h ^= static_cast<unsigned char>(ascii_lower(c));
    h *= 1099511628211ULL;
  }
  return static_cast<std::size_t>(h);
}

std::ostream& operator<<(std::ostream& os, const resource_id& id) { return os << id.to_string(); }

void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const resource_id& id) {
  jv = boost::json::string(id.to_string());
}

resource_id tag_invoke(boost::json::value_to_tag<resource_id>, const boost::json::value& jv) {
  const auto* s = jv.if_string();
  if (s == nullptr) {
    throw_invalid("an ARM resource id must be a JSON string, got " + std::string(boost::json::to_string(jv.kind())));
  }
  if (s->empty()) return {};
  return resource_id::parse(std::string_view(*s));
}

// --- cluster kinds -------------------------------------------------------------------------------

std::string_view cluster_provider_namespace(cluster_kind kind) noexcept {
  return kind == cluster_kind::aks ? "Microsoft.ContainerService" : "Microsoft.Kubernetes";
}

std::string_view cluster_type_name(cluster_kind kind) noexcept {
  return kind == cluster_kind::aks ? "managedClusters" : "connectedClusters";
}

std::string_view cluster_resource_type(cluster_kind kind) noexcept {
  return kind == cluster_kind::aks ? resource_types::managed_cluster : resource_types::connected_cluster;
}

std::optional<cluster_kind> parse_cluster_type(std::string_view type) noexcept {
  for (auto kind : {cluster_kind::aks, cluster_kind::arc}) {
    if (iequals(type, cluster_type_name(kind)) || iequals(type, cluster_resource_type(kind))) return kind;
  }
  return std::nullopt;
}

std::optional<cluster_kind> cluster_kind_of(const resource_id& id) {
  for (auto kind : {cluster_kind::aks, cluster_kind::arc}) {
    if (id.is_type(cluster_resource_type(kind))) return kind;
  }
  return std::nullopt;
}

// --- ids this project builds ---------------------------------------------------------------------

resource_id cluster_id(cluster_kind kind, std::string_view subscription_id, std::string_view resource_group,
                       std::string_view cluster_name) {
  return resource_id::for_resource_group(subscription_id, resource_group)
      .provider_resource(cluster_provider_namespace(kind), cluster_type_name(kind), cluster_name);
}

resource_id cluster_extension_id(const resource_id& cluster, std::string_view extension_name) {
  if (cluster.kind() != resource_id::id_kind::resource) {
    throw_invalid("cannot build a cluster extension id: expected a cluster resource id, got " +
                  (cluster.empty() ? std::string("an empty id") : quote(cluster.to_string())));
  }
  return cluster.provider_resource(kubernetes_configuration_namespace, "extensions", extension_name);
}

resource_id cluster_extension_id(cluster_kind kind, std::string_view subscription_id,
                                 std::string_view resource_group, std::string_view cluster_name,
                                 std::string_view extension_name) {
  return cluster_extension_id(cluster_id(kind, subscription_id, resource_group, cluster_name), extension_name);
}

resource_id workspace_id(std::string_view subscription_id, std::string_view resource_group,
                         std::string_view workspace_name) {
  return resource_id::for_resource_group(subscription_id, resource_group)
      .provider_resource(machine_learning_namespace, "workspaces", workspace_name);
}

resource_id compute_id(const resource_id& workspace, std::string_view compute_name) {
  require_type(workspace, resource_types::workspace, "a workspace", "a compute id");
  return workspace.child("computes", compute_name);
}

resource_id job_id(const resource_id& workspace, std::string_view job_name) {
  require_type(workspace, resource_types::workspace, "a workspace", "a job id");
  return workspace.child("jobs", job_name);
}

resource_id online_endpoint_id(const resource_id& workspace, std::string_view endpoint_name) {
  require_type(workspace, resource_types::workspace, "a workspace", "an online endpoint id");
  return workspace.child("onlineEndpoints", endpoint_name);
}

resource_id online_deployment_id(const resource_id& endpoint, std::string_view deployment_name) {
  require_type(endpoint, resource_types::online_endpoint, "an online endpoint", "an online deployment id");
  return endpoint.child("deployments", deployment_name);
}

resource_id environment_version_id(const resource_id& workspace, std::string_view environment_name,
                                   std::string_view version) {
  require_type(workspace, resource_types::workspace, "a workspace", "an environment version id");
  return workspace.child("environments", environment_name).child("versions", version);
}

}  // namespace amlk8s
