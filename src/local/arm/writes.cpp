// PUT, PATCH and DELETE of a resource, synchronous or long-running per its kind
// (contracts/arm-extensions.md §1.2 table and §1.6; contracts/aml-workspace-and-auth.md §1.6, §2.1, §2.5).
#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

namespace amlk8s::local {

using detail::arm_error;
using detail::op_verb;
using detail::request_context;
using detail::resource_kind;
using detail::stored_resource;

namespace {

std::string subscription_of(std::string_view id) {
  const auto segments = detail::split_path(id);
  return segments.size() >= 2 ? segments[1] : std::string{};
}

void set_state(stored_resource& r, std::string_view state) {
  if (r.kind->has_provisioning_state()) detail::member_object(r.body, "properties")["provisioningState"] = state;
}

// Bodies compared without their provisioning state: a PUT that changes nothing is not an update.
bool same_desired_state(boost::json::object a, boost::json::object b) {
  for (auto* body : {&a, &b})
    if (auto* props = body->if_contains("properties"); props != nullptr && props->is_object())
      props->as_object().erase("provisioningState");
  return a == b;
}

}  // namespace

void arm_api::state::check_no_operation(const stored_resource& r) const {
  if (r.operation.empty()) return;
  const auto it = operations.find(r.operation);
  if (it == operations.end() || it->second.end) return;
  throw arm_error{409, "AnotherOperationInProgress",
                  "Another operation on the resource '" + r.name +
                      "' is in progress (operation id '" + it->second.id + "'). Retry after it completes.",
                  {}};
}

void arm_api::state::fill_identity(boost::json::object& body, const stored_resource* existing) {
  auto* identity = body.if_contains("identity");
  if (identity == nullptr || !identity->is_object()) return;
  auto& id = identity->as_object();
  const boost::json::object* before = nullptr;
  if (existing != nullptr)
    if (const auto* v = existing->body.if_contains("identity"); v != nullptr && v->is_object()) before = &v->as_object();
  const auto type = detail::to_lower(detail::string_member(id, "type"));
  if (type.find("systemassigned") != std::string::npos) {
    const auto kept = before ? detail::string_member(*before, "principalId") : std::string{};
    id["principalId"] = kept.empty() ? guids.next() : kept;
    id["tenantId"] = tokens->options().tenant_id;
  } else {
    id.erase("principalId");
    id.erase("tenantId");
  }
  if (auto* uai = id.if_contains("userAssignedIdentities"); uai != nullptr && uai->is_object()) {
    for (auto& [key, value] : uai->as_object()) {
      boost::json::object entry;
      if (before != nullptr)
        if (const auto* old = before->if_contains("userAssignedIdentities"); old != nullptr && old->is_object())
          if (const auto* e = old->as_object().if_contains(key); e != nullptr && e->is_object()) entry = e->as_object();
      if (!entry.contains("principalId")) entry["principalId"] = guids.next();
      if (!entry.contains("clientId")) entry["clientId"] = guids.next();
      value = std::move(entry);
    }
  }
}

http::response arm_api::state::put_resource(const request_context& rc, const resource_kind& kind, const std::string& id,
                                            const std::string& name, const std::string& parent_key,
                                            const std::string& group_key, stored_resource* existing) {
  if (rc.req->body.empty())
    throw arm_error{400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty.", {}};
  auto body = detail::parse_body(rc);
  const auto subscription = subscription_of(id);
  if (!provider_registered(subscription, kind.provider_namespace(), rc.now))
    throw arm_error{409, "MissingSubscriptionRegistration",
                    "The subscription is not registered to use namespace '" + std::string(kind.provider_namespace()) +
                        "'. See https://aka.ms/rps-not-found for how to register subscriptions.",
                    "namespace"};
  if (existing != nullptr) check_no_operation(*existing);

  for (const auto* key : {"id", "name", "type", "systemData"}) body.erase(key);
  if (auto* props = body.if_contains("properties"); props != nullptr && props->is_object())
    props->as_object().erase("provisioningState");

  detail::put_context ctx;
  ctx.st = this;
  ctx.rc = &rc;
  ctx.id = existing ? existing->id : id;
  ctx.name = existing ? existing->name : name;
  ctx.existing = existing;
  ctx.parent = parent_key.empty() ? nullptr : find(parent_key);
  if (kind.tracked()) {
    auto location = detail::string_member(body, "location");
    if (location.empty() && kind.location_from_parent() && ctx.parent != nullptr)
      location = detail::string_member(ctx.parent->body, "location");
    if (location.empty())
      throw arm_error{400, "LocationRequired", "The location property is required for this definition.", {}};
    body["location"] = detail::normalize_location(location);
  } else {
    body.erase("location");
  }
  ctx.body = std::move(body);
  kind.prepare(ctx);
  fill_identity(ctx.body, existing);

  const bool created = existing == nullptr;
  if (!created && same_desired_state(ctx.body, existing->body) && ctx.secrets == existing->secrets &&
      (!kind.has_provisioning_state() ||
       detail::string_member(detail::member_object(existing->body, "properties"), "provisioningState") == "Succeeded"))
    return detail::json_response(200, present(*existing));

  std::optional<stored_resource> previous;
  if (!created) previous = *existing;
  auto& r = created ? resources[detail::to_lower(id)] : *existing;
  if (created) {
    r.id = id;
    r.name = name;
    r.kind = &kind;
    r.parent_key = parent_key;
    r.group_key = group_key;
    r.created_by = rc.caller;
    r.created_at = rc.now;
  }
  r.body = std::move(ctx.body);
  r.secrets = std::move(ctx.secrets);
  r.cluster = std::move(ctx.cluster);
  r.modified_by = rc.caller;
  r.modified_at = rc.now;

  if (kind.async_put()) {
    set_state(r, created ? "Creating" : "Updating");
    const auto& op = begin_write(rc, r, op_verb::put, created);
    auto res = detail::json_response(created ? 201 : 200, present(r));
    lro_headers(res, rc, op);
    return res;
  }
  set_state(r, "Succeeded");
  detail::operation op;
  op.kind = &kind;
  op.verb = op_verb::put;
  op.created = created;
  kind.finish(r, op);
  if (const auto failure = notify(created ? change_kind::created : change_kind::updated, r)) {
    if (created) resources.erase(detail::to_lower(id));
    else r = std::move(*previous);
    return detail::error_response({failure->status, failure->code, failure->message, {}});
  }
  return detail::json_response(created ? 201 : 200, present(r));
}

void arm_api::state::put_implicit(const resource_kind& kind, const std::string& id, const std::string& name,
                                  const std::string& parent_key, const std::string& group_key, const request_context& rc) {
  detail::put_context ctx;
  ctx.st = this;
  ctx.rc = &rc;
  ctx.id = id;
  ctx.name = name;
  ctx.parent = parent_key.empty() ? nullptr : find(parent_key);
  ctx.body = boost::json::object{{"properties", boost::json::object{}}};
  kind.prepare(ctx);
  auto& r = resources[detail::to_lower(id)];
  r.id = id;
  r.name = name;
  r.kind = &kind;
  r.parent_key = parent_key;
  r.group_key = group_key;
  r.created_by = r.modified_by = rc.caller;
  r.created_at = r.modified_at = rc.now;
  r.body = std::move(ctx.body);
  r.secrets = std::move(ctx.secrets);
  set_state(r, "Succeeded");
  detail::operation op;
  op.kind = &kind;
  op.verb = op_verb::put;
  op.created = true;
  kind.finish(r, op);
  (void)notify(change_kind::created, r);
}

http::response arm_api::state::patch_resource(const request_context& rc, stored_resource& r) {
  const auto body = detail::parse_body(rc);
  check_no_operation(r);
  auto copy = r;
  const bool changed = r.kind->patch(copy, body, rc);
  fill_identity(copy.body, &r);
  if (changed) r.kind->check_patched(*this, copy);
  // §1.4/§1.8: a PATCH that changes nothing answers 200 with the resource and no operation.
  if (!changed) return detail::json_response(200, present(r));
  r.body = std::move(copy.body);
  r.secrets = std::move(copy.secrets);
  r.modified_by = rc.caller;
  r.modified_at = rc.now;
  if (r.kind->async_patch()) {
    set_state(r, "Updating");
    const auto& op = begin_write(rc, r, op_verb::patch, false);
    auto res = detail::json_response(202, present(r));
    lro_headers(res, rc, op);
    return res;
  }
  detail::operation op;
  op.kind = r.kind;
  op.verb = op_verb::patch;
  r.kind->finish(r, op);
  if (const auto failure = notify(change_kind::updated, r))
    return detail::error_response({failure->status, failure->code, failure->message, {}});
  return detail::json_response(200, present(r));
}

http::response arm_api::state::delete_resource(const request_context& rc, const resource_kind& kind,
                                               stored_resource* existing) {
  kind.check_delete(rc);
  // ARM answers 204 for a resource that is not there (§1.2: "204 (not found)").
  if (existing == nullptr) return detail::empty_response(204);
  if (!existing->operation.empty()) {
    const auto it = operations.find(existing->operation);
    if (it != operations.end() && !it->second.end) {
      if (it->second.verb == op_verb::delete_) {
        auto res = detail::empty_response(202);
        lro_headers(res, rc, it->second);
        return res;
      }
      // A delete wins over a create or update in flight, as in Azure.
      cancel_operation(existing->operation, rc.now);
    }
    existing->operation.clear();
  }
  bool async = kind.async_delete();
  // §1.2: forceDelete removes the extension's ARM resource at once instead of an uninstall.
  if (&kind == &detail::extension_kind() && http::iequals(detail::find_param(rc.query, "forceDelete").value_or(""), "true"))
    async = false;
  if (!async) {
    remove_tree(detail::to_lower(existing->id));
    return detail::empty_response(200);
  }
  set_state(*existing, "Deleting");
  const auto& op = begin_write(rc, *existing, op_verb::delete_, false);
  auto res = detail::empty_response(202);
  lro_headers(res, rc, op);
  return res;
}

}  // namespace amlk8s::local
