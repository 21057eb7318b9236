// Stored resources: presentation, lookup, direct creation and removal, observers.
#include "local/arm/state.hpp"

#include <amlk8s/core/error.hpp>

namespace amlk8s::local {

using detail::stored_resource;

boost::json::object arm_api::state::present(const stored_resource& r) const {
  boost::json::object out;
  out["id"] = r.id;
  out["name"] = r.name;
  out["type"] = r.kind->type();
  for (const auto& [key, value] : r.body) out[key] = value;
  // systemData (contracts/arm-extensions.md §1.3).
  out["systemData"] = boost::json::object{{"createdBy", r.created_by},
                                          {"createdByType", "Application"},
                                          {"createdAt", detail::iso8601(r.created_at)},
                                          {"lastModifiedBy", r.modified_by},
                                          {"lastModifiedByType", "Application"},
                                          {"lastModifiedAt", detail::iso8601(r.modified_at)}};
  r.kind->decorate(*this, r, out);
  return out;
}

stored_resource* arm_api::state::find(std::string_view id_or_key) {
  auto key = detail::to_lower(id_or_key);
  while (key.size() > 1 && key.back() == '/') key.pop_back();
  const auto it = resources.find(key);
  return it == resources.end() ? nullptr : &it->second;
}

std::vector<const stored_resource*> arm_api::state::children(std::string_view parent_key,
                                                               const detail::resource_kind* kind) {
  std::vector<const stored_resource*> out;
  for (const auto& [key, r] : resources)
    if (r.parent_key == parent_key && (kind == nullptr || r.kind == kind)) out.push_back(&r);
  return out;
}

std::optional<operation_failure> arm_api::state::notify(change_kind kind, stored_resource& r, bool started) {
  const auto& list = started ? start_observers : observers;
  if (list.empty()) return std::nullopt;
  resource_event event;
  event.kind = kind;
  event.started = started;
  event.id = r.id;
  event.type = std::string(r.kind->type());
  event.body = present(r);
  event.secrets = r.secrets;
  event.cluster = r.cluster;
  std::optional<operation_failure> failure;
  for (const auto& observer : list) {
    try {
      failure = observer(event);
    } catch (const std::exception&) {
      // An observer's exception fails the operation like a returned failure; its text stays out
      // of the answer (it may quote anything).
      failure = operation_failure{"InternalServerError", "The operation failed inside the local control plane.", 500};
    }
    if (failure) break;
  }
  if (kind != change_kind::deleted || started) {
    // Observers may fill server-side members; the envelope stays the server's.
    for (const auto* key : {"id", "name", "type", "systemData"}) event.body.erase(key);
    r.body = std::move(event.body);
  }
  return failure;
}

void arm_api::state::refresh(stored_resource& r) {
  if (read_observers.empty()) return;
  resource_event event;
  event.kind = change_kind::updated;
  event.id = r.id;
  event.type = std::string(r.kind->type());
  event.body = present(r);
  event.secrets = r.secrets;
  event.cluster = r.cluster;
  for (const auto& observer : read_observers) {
    try {
      (void)observer(event);
    } catch (const std::exception&) {
      // A read answers with what is stored when a refresh fails.
      return;
    }
  }
  for (const auto* key : {"id", "name", "type", "systemData"}) event.body.erase(key);
  r.body = std::move(event.body);
}

std::string arm_api::state::put_direct(const detail::resource_kind& kind, std::string id, std::string name,
                                       std::string parent_key, std::string group_key, boost::json::object body,
                                       std::optional<cluster_spec> cluster) {
  const auto key = detail::to_lower(id);
  auto* existing = find(key);
  detail::put_context ctx;
  ctx.st = this;
  ctx.id = existing ? existing->id : id;
  ctx.name = existing ? existing->name : name;
  ctx.existing = existing;
  ctx.parent = parent_key.empty() ? nullptr : find(parent_key);
  ctx.body = std::move(body);
  ctx.cluster = std::move(cluster);
  try {
    kind.prepare(ctx);
  } catch (const detail::arm_error& e) {
    throw error(errc::invalid_argument, "cannot create " + id + ": " + e.message);
  }
  const auto now = time->now();
  stored_resource r = existing ? *existing : stored_resource{};
  if (!existing) {
    r.id = ctx.id;
    r.name = ctx.name;
    r.kind = &kind;
    r.parent_key = std::move(parent_key);
    r.group_key = std::move(group_key);
    r.created_by = "amlk8s-local";
    r.created_at = now;
  }
  r.body = std::move(ctx.body);
  r.secrets = std::move(ctx.secrets);
  r.cluster = std::move(ctx.cluster);
  r.modified_by = "amlk8s-local";
  r.modified_at = now;
  if (kind.has_provisioning_state()) detail::member_object(r.body, "properties")["provisioningState"] = "Succeeded";
  auto& stored = resources[key] = std::move(r);
  detail::operation op;
  op.kind = &kind;
  op.verb = detail::op_verb::put;
  op.created = existing == nullptr;
  kind.finish(stored, op);
  if (const auto failure = notify(op.created ? change_kind::created : change_kind::updated, stored)) {
    if (kind.has_provisioning_state()) detail::member_object(stored.body, "properties")["provisioningState"] = "Failed";
    kind.failed(stored, op, *failure);
    throw error(errc::operation_failed, "an observer refused " + stored.id + ": " + failure->message);
  }
  return stored.id;
}

void arm_api::state::remove_tree(std::string_view key) {
  std::vector<std::string> child_keys;
  for (const auto& [k, r] : resources)
    if (r.parent_key == key) child_keys.push_back(k);
  for (const auto& k : child_keys) remove_tree(k);
  const auto it = resources.find(std::string(key));
  if (it == resources.end()) return;
  if (!it->second.operation.empty()) cancel_operation(it->second.operation, time->now());
  (void)notify(change_kind::deleted, it->second);
  resources.erase(std::string(key));
}

std::string arm_api::add_cluster(const cluster_spec& cluster) {
  std::lock_guard lock(state_->mutex);
  auto spec = cluster;
  if (spec.subscription.empty()) spec.subscription = state_->options.default_subscription;
  if (spec.location.empty()) spec.location = state_->options.default_location;
  if (spec.kubernetes_version.empty()) spec.kubernetes_version = state_->options.default_kubernetes_version;
  if (spec.distribution.empty()) spec.distribution = spec.kind == cluster_kind::aks ? "aks" : "generic";
  const auto id = arm_id(spec);
  const auto name = spec.name;
  const auto group_key = detail::to_lower("/subscriptions/" + spec.subscription + "/resourceGroups/" + spec.resource_group);
  const auto& kind = spec.kind == cluster_kind::aks ? detail::managed_cluster_kind() : detail::connected_cluster_kind();
  auto body = detail::cluster_body(spec, state_->options);
  return state_->put_direct(kind, id, name, {}, group_key, std::move(body), std::move(spec));
}

std::string arm_api::add_workspace(const workspace_spec& workspace) {
  std::lock_guard lock(state_->mutex);
  auto spec = workspace;
  if (spec.subscription.empty()) spec.subscription = state_->options.default_subscription;
  if (spec.location.empty()) spec.location = state_->options.default_location;
  const auto group_key = detail::to_lower("/subscriptions/" + spec.subscription + "/resourceGroups/" + spec.resource_group);
  boost::json::object body{{"location", detail::normalize_location(spec.location)},
                           {"identity", boost::json::object{{"type", "SystemAssigned"}}},
                           {"properties", boost::json::object{}}};
  if (!spec.description.empty()) body["properties"].as_object()["description"] = spec.description;
  return state_->put_direct(detail::workspace_kind(), arm_id(spec), spec.name, {}, group_key, std::move(body), std::nullopt);
}

void arm_api::apply(const world& w) {
  for (const auto& c : w.clusters) add_cluster(c);
  for (const auto& ws : w.workspaces) add_workspace(ws);
}

void arm_api::locked(const std::function<void()>& fn) {
  std::lock_guard lock(state_->mutex);
  fn();
}

std::optional<boost::json::object> arm_api::get(std::string_view id) {
  std::lock_guard lock(state_->mutex);
  const auto* r = state_->find(id);
  if (r == nullptr) return std::nullopt;
  return state_->present(*r);
}

std::optional<cluster_spec> arm_api::cluster(std::string_view id) {
  std::lock_guard lock(state_->mutex);
  const auto* r = state_->find(id);
  if (r == nullptr) return std::nullopt;
  return r->cluster;
}

bool arm_api::update(std::string_view id, const std::function<void(boost::json::object& body)>& edit) {
  std::lock_guard lock(state_->mutex);
  auto* r = state_->find(id);
  if (r == nullptr) return false;
  edit(r->body);
  r->modified_at = state_->time->now();
  return true;
}

std::optional<boost::json::object> arm_api::secrets(std::string_view id) {
  std::lock_guard lock(state_->mutex);
  const auto* r = state_->find(id);
  if (r == nullptr) return std::nullopt;
  return r->secrets;
}

std::vector<std::string> arm_api::ids(std::string_view type) {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> out;
  for (const auto& [key, r] : state_->resources)
    if (http::iequals(r.kind->type(), type)) out.push_back(r.id);
  return out;
}

}  // namespace amlk8s::local
