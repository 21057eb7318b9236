// Subscriptions, resource groups, provider registration and the operation resources.
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <set>

namespace amlk8s::local {

using detail::arm_error;
using detail::request_context;

namespace {

struct provider_info {
  std::string_view name;
  std::vector<std::string_view> types;
  std::vector<std::string_view> api_versions;
};

// The providers the control plane serves; any other namespace answers as registered with no types.
const std::vector<provider_info>& providers() {
  static const std::vector<provider_info> list{
      {"Microsoft.ContainerService", {"managedClusters", "locations", "locations/operations"}, {"2024-09-01", "2024-05-01", "2023-10-01"}},
      {"Microsoft.Kubernetes", {"connectedClusters", "locations", "locations/operationStatuses"}, {"2024-01-01", "2023-11-01-preview", "2021-10-01"}},
      {"Microsoft.KubernetesConfiguration",
       {"extensions", "locations", "locations/operationStatuses"},
       {"2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01", "2022-03-01"}},
      {"Microsoft.MachineLearningServices",
       {"workspaces", "workspaces/computes", "workspaces/jobs", "workspaces/environments",
        "workspaces/environments/versions", "workspaces/onlineEndpoints", "workspaces/onlineEndpoints/deployments",
        "workspaces/models", "workspaces/models/versions", "workspaces/codes", "workspaces/codes/versions", "locations",
        "locations/operationStatuses"},
       {"2025-04-01", "2024-10-01", "2024-04-01", "2023-10-01"}},
      {"Microsoft.ExtendedLocation", {"customLocations"}, {"2021-08-15"}},
      {"Microsoft.Resources", {"resourceGroups", "subscriptions"}, {"2022-09-01", "2021-04-01"}},
  };
  return list;
}

std::string canonical_namespace(std::string_view ns) {
  for (const auto& p : providers())
    if (http::iequals(p.name, ns)) return std::string(p.name);
  return std::string(ns);
}

}  // namespace

http::response arm_api::state::subscription_routes(request_context& rc) {
  detail::require_method(rc, {http::verb::get});
  const auto tenant = tokens->options().tenant_id;
  auto subscription = [&](std::string_view id) {
    return boost::json::object{{"id", "/subscriptions/" + std::string(id)},
                               {"authorizationSource", "RoleBased"},
                               {"managedByTenants", boost::json::array{}},
                               {"subscriptionId", id},
                               {"tenantId", tenant},
                               {"displayName", "amlk8s local " + std::string(id)},
                               {"state", "Enabled"},
                               {"subscriptionPolicies", boost::json::object{{"locationPlacementId", "Public_2014-09-01"},
                                                                            {"quotaId", "PayAsYouGo_2014-09-01"},
                                                                            {"spendingLimit", "Off"}}}};
  };
  if (rc.segments.size() == 2) return detail::json_response(200, subscription(rc.segments[1]));
  // The default subscription first, then every other one that holds something.
  std::vector<std::string> ids{options.default_subscription};
  std::set<std::string> seen{detail::to_lower(options.default_subscription)};
  auto add = [&](std::string_view id) {
    const auto parts = detail::split_path(id);
    if (parts.size() >= 2 && seen.insert(detail::to_lower(parts[1])).second) ids.push_back(parts[1]);
  };
  for (const auto& [key, r] : resources) add(r.id);
  for (const auto& [key, g] : groups) add(g.id);
  boost::json::array value;
  for (const auto& id : ids) value.push_back(subscription(id));
  const auto count = value.size();
  return detail::json_response(200, boost::json::object{{"value", std::move(value)},
                                                        {"count", boost::json::object{{"type", "Total"}, {"value", count}}}});
}

detail::resource_group arm_api::state::group_or_default(std::string_view subscription, std::string_view name) {
  const auto key = detail::to_lower("/subscriptions/" + std::string(subscription) + "/resourceGroups/" + std::string(name));
  if (const auto it = groups.find(key); it != groups.end()) return it->second;
  // Implicit: named as asked, located where its first resource is.
  detail::resource_group g{"/subscriptions/" + std::string(subscription) + "/resourceGroups/" + std::string(name),
                           std::string(name), options.default_location, {}};
  for (const auto& [k, r] : resources) {
    if (r.group_key == key && r.parent_key.empty()) {
      const auto loc = detail::string_member(r.body, "location");
      if (!loc.empty()) {
        g.location = loc;
        break;
      }
    }
  }
  return g;
}

http::response arm_api::state::group_routes(request_context& rc) {
  const auto& sub = rc.segments[1];
  auto present_group = [](const detail::resource_group& g) {
    boost::json::object o{{"id", g.id},
                          {"name", g.name},
                          {"type", "Microsoft.Resources/resourceGroups"},
                          {"location", g.location},
                          {"properties", boost::json::object{{"provisioningState", "Succeeded"}}}};
    if (!g.tags.empty()) o["tags"] = g.tags;
    return o;
  };
  if (rc.segments.size() == 3) {
    detail::require_method(rc, {http::verb::get});
    std::map<std::string, detail::resource_group> all;
    const auto prefix = detail::to_lower("/subscriptions/" + sub + "/resourcegroups/");
    for (const auto& [key, g] : groups)
      if (key.starts_with(prefix)) all[key] = g;
    for (const auto& [key, r] : resources) {
      if (!r.group_key.starts_with(prefix) || all.contains(r.group_key)) continue;
      const auto name = detail::split_path(r.id).at(3);
      all[r.group_key] = group_or_default(sub, name);
    }
    boost::json::array value;
    for (const auto& [key, g] : all) value.push_back(present_group(g));
    return detail::json_response(200, boost::json::object{{"value", std::move(value)}});
  }

  const auto& name = rc.segments[3];
  const auto key = detail::to_lower("/subscriptions/" + sub + "/resourceGroups/" + name);
  switch (rc.req->method) {
    case http::verb::get:
    case http::verb::head: return detail::json_response(200, present_group(group_or_default(sub, name)));
    case http::verb::put: {
      const auto body = detail::parse_body(rc);
      const auto location = detail::string_member(body, "location");
      if (location.empty())
        throw arm_error{400, "LocationRequired", "The location property is required for this definition.", {}};
      const bool created = !groups.contains(key);
      auto g = group_or_default(sub, name);
      g.location = detail::normalize_location(location);
      const auto* tags = body.if_contains("tags");
      g.tags = tags != nullptr && tags->is_object() ? tags->as_object() : boost::json::object{};
      groups[key] = g;
      return detail::json_response(created ? 201 : 200, present_group(g));
    }
    case http::verb::patch: {
      const auto body = detail::parse_body(rc);
      auto g = group_or_default(sub, name);
      if (const auto* tags = body.if_contains("tags"); tags != nullptr && tags->is_object()) g.tags = tags->as_object();
      groups[key] = g;
      return detail::json_response(200, present_group(g));
    }
    case http::verb::delete_: {
      // Everything in the group goes with it, children first.
      std::vector<std::string> top;
      for (const auto& [k, r] : resources)
        if (r.group_key == key && r.parent_key.empty()) top.push_back(k);
      for (const auto& k : top) remove_tree(k);
      groups.erase(key);
      return detail::empty_response(200);
    }
    default: detail::require_method(rc, {http::verb::get, http::verb::put, http::verb::patch, http::verb::delete_});
  }
  return detail::empty_response(405);
}

bool arm_api::state::provider_registered(std::string_view subscription, std::string_view ns, clock::time_point now) {
  (void)now;
  const auto key = detail::to_lower(subscription) + "/" + detail::to_lower(ns);
  const auto it = registrations.find(key);
  return it == registrations.end() || it->second;
}

http::response arm_api::state::provider_routes(request_context& rc) {
  const auto& s = rc.segments;
  const auto& sub = s[1];
  auto present_provider = [&](std::string_view ns) {
    const auto name = canonical_namespace(ns);
    const auto key = detail::to_lower(sub) + "/" + detail::to_lower(name);
    std::string registration = "Registered";
    if (registering.contains(key)) registration = "Registering";
    else if (const auto it = registrations.find(key); it != registrations.end() && !it->second) registration = "NotRegistered";
    boost::json::array types;
    for (const auto& p : providers()) {
      if (p.name != name) continue;
      for (const auto t : p.types) {
        boost::json::array versions;
        for (const auto v : p.api_versions) versions.emplace_back(v);
        types.push_back(boost::json::object{{"resourceType", t},
                                            {"locations", boost::json::array{"East US", "West Europe", "West US 2"}},
                                            {"apiVersions", std::move(versions)},
                                            {"capabilities", "None"}});
      }
    }
    return boost::json::object{{"id", "/subscriptions/" + sub + "/providers/" + name},
                               {"namespace", name},
                               {"registrationState", registration},
                               {"registrationPolicy", "RegistrationRequired"},
                               {"resourceTypes", std::move(types)}};
  };

  if (s.size() == 3) {
    detail::require_method(rc, {http::verb::get});
    boost::json::array value;
    for (const auto& p : providers()) value.push_back(present_provider(p.name));
    return detail::json_response(200, boost::json::object{{"value", std::move(value)}});
  }
  const auto& ns = s[3];
  if (s.size() == 4) {
    detail::require_method(rc, {http::verb::get});
    return detail::json_response(200, present_provider(ns));
  }
  if (s.size() == 5 && (http::iequals(s[4], "register") || http::iequals(s[4], "unregister"))) {
    detail::require_method(rc, {http::verb::post});
    const auto key = detail::to_lower(sub) + "/" + detail::to_lower(canonical_namespace(ns));
    if (http::iequals(s[4], "unregister")) {
      registrations[key] = false;
      registering.erase(key);
    } else if (!provider_registered(sub, ns, rc.now) && !registering.contains(key)) {
      // Registration takes a while in Azure; here it takes one lro_delay.
      if (options.lro_delay.count() == 0) registrations[key] = true;
      else registering[key] = rc.now + options.lro_delay;
    }
    return detail::json_response(200, present_provider(ns));
  }
  if (s.size() == 5) {
    // A top-level type listed across the subscription.
    detail::require_method(rc, {http::verb::get});
    const auto* kind = detail::find_kind(ns + "/" + s[4]);
    if (kind == nullptr || !kind->parent_type().empty() || !kind->extends().empty())
      throw arm_error{400, "InvalidResourceType",
                      "The resource type '" + s[4] + "' could not be found in the namespace '" + ns +
                          "' for api version '" + rc.api_version + "'.",
                      {}};
    const auto prefix = detail::to_lower("/subscriptions/" + sub + "/");
    boost::json::array value;
    for (const auto& [key, r] : resources)
      if (r.kind == kind && key.starts_with(prefix)) value.push_back(present(r));
    return resource_list(rc, std::move(value));
  }
  if (s.size() == 8 && http::iequals(s[4], "locations")) {
    detail::require_method(rc, {http::verb::get});
    if (http::iequals(s[6], "operationStatuses") || http::iequals(s[6], "operations")) return operation_status(rc, s[7]);
    if (http::iequals(s[6], "operationResults")) return operation_result(rc, s[7]);
  }
  throw arm_error{404, "NotFound", "The path '" + rc.path + "' is not served by this Azure Resource Manager endpoint.", {}};
}

namespace {

const detail::operation& find_operation(const std::map<std::string, detail::operation>& operations,
                                        const request_context& rc, std::string_view op_id) {
  const auto it = operations.find(detail::to_lower(op_id));
  if (it == operations.end() || it->second.subscription_key != detail::to_lower(rc.segments[1]))
    throw arm_error{404, "NotFound", "The operation '" + std::string(op_id) + "' was not found.", {}};
  return it->second;
}

}  // namespace

// §1.6: `{id, name, status, startTime, endTime, percentComplete, properties, error}`.
http::response arm_api::state::operation_status(request_context& rc, std::string_view op_id) {
  const auto& op = find_operation(operations, rc, op_id);
  boost::json::object body;
  body["id"] = op.status_path;
  body["name"] = op.id;
  body["status"] = op.status;
  body["startTime"] = detail::iso8601(op.start);
  if (op.end) body["endTime"] = detail::iso8601(*op.end);
  double percent = 100;
  if (!op.end && op.due > op.start)
    percent = std::clamp(100.0 * std::chrono::duration<double>(rc.now - op.start).count() /
                             std::chrono::duration<double>(op.due - op.start).count(),
                         0.0, 99.0);
  body["percentComplete"] = static_cast<std::int64_t>(percent);  // Boost.JSON would write 100.0 as 1E2
  body["properties"] = boost::json::object{};
  if (op.error)
    body["error"] = boost::json::object{{"code", op.error->code}, {"message", op.error->message}};
  else
    body["error"] = nullptr;
  auto res = detail::json_response(200, body);
  if (!op.end) res.headers.set("Retry-After", std::to_string(retry_after(op, rc.now).count()));
  return res;
}

// ARM's Location pattern: 202 while running; then the final answer (the resource for PUT/PATCH,
// 204 for DELETE) or the failure.
http::response arm_api::state::operation_result(request_context& rc, std::string_view op_id) {
  const auto& op = find_operation(operations, rc, op_id);
  if (!op.end) {
    auto res = detail::empty_response(202);
    res.headers.set("Location", rc.absolute(op.result_path));
    res.headers.set("Retry-After", std::to_string(retry_after(op, rc.now).count()));
    return res;
  }
  if (op.error) return detail::error_response({op.error->status, op.error->code, op.error->message, {}});
  if (op.verb == detail::op_verb::delete_) return detail::empty_response(204);
  if (const auto* r = find(op.resource_key)) return detail::json_response(200, present(*r));
  return detail::empty_response(204);
}

}  // namespace amlk8s::local
