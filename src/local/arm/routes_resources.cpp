// The generic resource machinery: ids, parents, GET/PUT/PATCH/DELETE, lists with nextLink,
// actions, and the long-running forms of the writes (contracts/arm-extensions.md §1.2–1.6).
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

#include <algorithm>
#include <charconv>

namespace amlk8s::local {

using detail::arm_error;
using detail::request_context;
using detail::resource_kind;
using detail::stored_resource;

namespace {

// One `{type}/{name}` step of a resource path; `block` marks the first step after `providers/{ns}`.
struct step {
  std::string ns;
  std::string type;
  std::optional<std::string> name;
  bool block = false;
};

// The steps after `/subscriptions/{s}/resourceGroups/{rg}`. Types and names alternate, so a
// resource that happens to be called "providers" is read as a name, not as a keyword.
std::vector<step> parse_steps(const std::vector<std::string>& s, const request_context& rc) {
  std::vector<step> steps;
  std::string ns;
  bool block = false;
  for (std::size_t i = 4; i < s.size();) {
    if (http::iequals(s[i], "providers")) {
      if (i + 2 >= s.size())
        throw arm_error{400, "InvalidResourceType", "The path '" + rc.path + "' names no resource type.", {}};
      ns = s[i + 1];
      block = true;
      i += 2;
      continue;
    }
    step st{ns, s[i], std::nullopt, block};
    if (i + 1 < s.size()) st.name = s[i + 1];
    steps.push_back(std::move(st));
    block = false;
    i += 2;
  }
  return steps;
}

// The steps resolved against the resource kinds.
struct resolution {
  std::vector<const resource_kind*> kinds;  // one per known step
  std::vector<std::string> ids;             // canonical id per known, named step
};

std::string full_type(const std::vector<step>& steps, std::size_t k) {
  std::size_t first = k;
  while (!steps[first].block && first > 0) --first;
  std::string t = steps[k].ns;
  for (std::size_t i = first; i <= k; ++i) t += "/" + steps[i].type;
  return t;
}

arm_error invalid_type(const std::vector<step>& steps, std::size_t k, const request_context& rc) {
  return {400, "InvalidResourceType",
          "The resource type '" + full_type(steps, k).substr(steps[k].ns.size() + 1) +
              "' could not be found in the namespace '" + steps[k].ns + "' for api version '" + rc.api_version + "'.",
          {}};
}

// "Microsoft.MachineLearningServices/workspaces/ws1/computes/c1": ARM's way of naming a nested
// resource in not-found messages.
std::string qualified_name(const std::vector<step>& steps, std::size_t k) {
  std::size_t first = k;
  while (!steps[first].block && first > 0) --first;
  std::string out = steps[k].ns;
  for (std::size_t i = first; i <= k; ++i) {
    out += "/" + steps[i].type;
    if (i < k && steps[i].name) out += "/" + *steps[i].name;
  }
  return out;
}

}  // namespace

http::response arm_api::state::resource_list(const request_context& rc, boost::json::array items) const {
  std::size_t skip = 0;
  if (const auto token = detail::find_param(rc.query, "$skipToken")) {
    const auto [ptr, ec] = std::from_chars(token->data(), token->data() + token->size(), skip);
    if (ec != std::errc{} || ptr != token->data() + token->size())
      throw arm_error{400, "InvalidSkipToken", "The $skipToken '" + *token + "' is not valid.", {}};
  }
  const auto page = std::max<std::size_t>(options.page_size, 1);
  boost::json::array value;
  for (std::size_t i = skip; i < items.size() && i < skip + page; ++i) value.push_back(std::move(items[i]));
  boost::json::object body{{"value", std::move(value)}};
  // §1.5: nextLink is absolute and already carries api-version; absent on the last page.
  if (skip + page < items.size()) body["nextLink"] = rc.absolute(rc.path, "$skipToken=" + std::to_string(skip + page));
  return detail::json_response(200, body);
}

http::response arm_api::state::resource_routes(request_context& rc) {
  const auto& s = rc.segments;
  const auto& sub = s[1];
  const auto group = group_or_default(sub, s[3]);
  const auto group_key = detail::to_lower(group.id);
  const auto steps = parse_steps(s, rc);
  if (steps.empty() || !steps.front().block)
    throw arm_error{404, "NotFound", "The path '" + rc.path + "' is not served by this Azure Resource Manager endpoint.", {}};

  // Resolve each step to a kind and a canonical id; parents must exist.
  resolution res;
  std::string id = group.id;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const auto& st = steps[k];
    const auto* kind = detail::find_kind(full_type(steps, k));
    if (kind == nullptr) break;
    if (st.block && k > 0) {
      const auto parents = kind->extends();
      const auto* parent_kind = res.kinds.back();
      if (std::find(parents.begin(), parents.end(), parent_kind->type()) == parents.end()) break;
    } else if (k == 0 && !kind->extends().empty()) {
      break;
    }
    res.kinds.push_back(kind);
    if (!st.name) break;
    if (st.block) id += "/providers/" + std::string(kind->provider_namespace());
    id += "/" + std::string(kind->last_type_segment()) + "/" + *st.name;
    if (const auto* stored = find(id)) id = stored->id;  // keep the casing it was created with
    res.ids.push_back(id);
  }
  const std::size_t n = steps.size();
  const std::size_t known = res.kinds.size();

  // Every named step before the target must exist.
  const std::size_t target = known == n ? n - 1 : n - 2;  // index of the resource acted on
  if (known < n - 1 || (known == n - 1 && (n < 2 || !steps[n - 2].name))) throw invalid_type(steps, known, rc);
  std::optional<std::string> implicit_parent;  // created for this PUT; removed again if the PUT fails
  for (std::size_t k = 0; k < target; ++k) {
    if (find(res.ids[k]) != nullptr) continue;
    if (k + 1 == target && k > 0 && known == n && steps[n - 1].name && rc.req->method == http::verb::put &&
        res.kinds[target]->creates_parent() && !steps[k + 1].block) {
      put_direct(*res.kinds[k], res.ids[k], *steps[k].name, detail::to_lower(res.ids[k - 1]), group_key,
                 boost::json::object{{"properties", boost::json::object{}}}, std::nullopt);
      implicit_parent = detail::to_lower(res.ids[k]);
      continue;
    }
    if (steps[k + 1].block)  // an extension resource on a missing cluster: ARM names the cluster
      throw detail::resource_not_found(res.kinds[k]->type(), *steps[k].name, group.name);
    throw arm_error{404, "ParentResourceNotFound",
                    "Can not perform requested operation on nested resource. Parent resource '" + *steps[k].name +
                        "' not found.",
                    {}};
  }

  if (known == n - 1) {
    // `{resource}/operations/{id}` (extensions, §1.2) or `POST {resource}/{action}`.
    const auto& last = steps[n - 1];
    auto* r = find(res.ids[n - 2]);
    if (last.name && http::iequals(last.type, "operations") && res.kinds[n - 2] == &detail::extension_kind()) {
      detail::require_method(rc, {http::verb::get});
      return operation_status(rc, *last.name);
    }
    if (last.name) throw invalid_type(steps, n - 1, rc);
    if (r == nullptr) throw detail::resource_not_found(qualified_name(steps, n - 2), *steps[n - 2].name, group.name);
    detail::require_method(rc, {http::verb::post});
    detail::action_context ctx{this, &rc, r, last.type};
    if (auto answer = r->kind->action(ctx)) return std::move(*answer);
    throw arm_error{404, "NotFound", "The action '" + last.type + "' is not supported by '" + std::string(r->kind->type()) + "'.", {}};
  }

  const auto* kind = res.kinds[n - 1];
  const std::string parent_key = n >= 2 ? detail::to_lower(res.ids[n - 2]) : std::string{};
  if (!steps[n - 1].name) {
    detail::require_method(rc, {http::verb::get});
    boost::json::array items;
    for (const auto& [key, r] : resources)
      if (r.kind == kind && (n >= 2 ? r.parent_key == parent_key : (r.parent_key.empty() && r.group_key == group_key)))
        items.push_back(present(r));
    return resource_list(rc, std::move(items));
  }

  const auto& rid = res.ids[n - 1];
  const auto& name = *steps[n - 1].name;
  auto* existing = find(rid);
  auto not_found = [&]() -> arm_error {
    if (kind == &detail::extension_kind()) {
      // The k8s-extension CLI reads ResourceNotFound as "the cluster is missing" (§1.7), so a
      // missing extension on an existing cluster answers with its own code.
      return {404, "ExtensionNotFound",
              "The Resource " + std::string(res.kinds[n - 2]->type()) + "/" + *steps[n - 2].name +
                  "/Microsoft.KubernetesConfiguration/extensions/" + name + " could not be found!",
              {}};
    }
    return detail::resource_not_found(qualified_name(steps, n - 1), name, group.name);
  };

  switch (rc.req->method) {
    case http::verb::get:
    case http::verb::head:
      if (existing == nullptr) throw not_found();
      return detail::json_response(200, present(*existing));
    case http::verb::put: {
      try {
        auto answer = put_resource(rc, *kind, rid, name, parent_key, group_key, existing);
        if (implicit_parent && answer.status >= 400) remove_tree(*implicit_parent);
        return answer;
      } catch (...) {
        if (implicit_parent) remove_tree(*implicit_parent);
        throw;
      }
    }
    case http::verb::patch: {
      if (existing == nullptr) throw not_found();
      return patch_resource(rc, *existing);
    }
    case http::verb::delete_: return delete_resource(rc, *kind, existing);
    default: detail::require_method(rc, {http::verb::get, http::verb::put, http::verb::patch, http::verb::delete_});
  }
  return detail::empty_response(405);
}

}  // namespace amlk8s::local
