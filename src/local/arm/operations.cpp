// Long-running operations on the clock (contracts/arm-extensions.md §1.6,
// contracts/aml-workspace-and-auth.md §1.6): start, headers, completion, cancellation.
#include "local/arm/state.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

namespace amlk8s::local {

using detail::op_verb;
using detail::operation;

namespace {

// Where a long-running operation of `r` is reported: the resource's location, or its parent's for
// resources without one (extensions report under their cluster's region).
std::string location_of(arm_api::state& st, const detail::stored_resource& r) {
  for (const auto* cur = &r; cur != nullptr; cur = cur->parent_key.empty() ? nullptr : st.find(cur->parent_key)) {
    if (auto loc = detail::string_member(cur->body, "location"); !loc.empty()) return loc;
  }
  return st.options.default_location;
}

std::string subscription_of(std::string_view id) {
  const auto segments = detail::split_path(id);
  return segments.size() >= 2 ? segments[1] : std::string{};
}

}  // namespace

operation& arm_api::state::start_operation(const detail::request_context& rc, detail::stored_resource& r, op_verb verb,
                                           bool created, std::string action) {
  operation op;
  op.id = guids.next();
  const auto subscription = subscription_of(r.id);
  op.subscription_key = detail::to_lower(subscription);
  op.resource_key = detail::to_lower(r.id);
  op.resource_id = r.id;
  op.kind = r.kind;
  op.verb = verb;
  op.created = created;
  op.action = std::move(action);
  op.start = rc.now;
  op.due = rc.now + options.lro_delay;
  op.sequence = ++sequence;
  const auto prefix = "/subscriptions/" + subscription + "/providers/" + std::string(r.kind->provider_namespace()) +
                      "/locations/" + location_of(*this, r);
  // §1.2: the extension RP serves the status under the extension itself; the other providers
  // under their location, as ARM's generic async pattern does.
  op.status_path = r.kind == &detail::extension_kind() ? r.id + "/operations/" + op.id
                                                        : prefix + "/operationStatuses/" + op.id;
  op.result_path = prefix + "/operationResults/" + op.id;
  r.operation = op.id;
  return operations[op.id] = std::move(op);
}

std::chrono::seconds arm_api::state::retry_after(const operation& op, clock::time_point now) const {
  const auto left = std::chrono::duration<double>(op.due - now).count();
  const auto seconds = std::chrono::seconds(left > 0 ? static_cast<long>(std::ceil(left)) : 0);
  return std::max(seconds, options.min_retry_after);
}

void arm_api::state::lro_headers(http::response& res, const detail::request_context& rc, const operation& op) const {
  if (op.kind->async_operation_header(op.verb)) {
    res.headers.set("Azure-AsyncOperation", rc.absolute(op.status_path));
    res.headers.set("x-ms-async-operation-timeout", "PT48H");
  }
  res.headers.set("Location", rc.absolute(op.result_path));
  res.headers.set("Retry-After", std::to_string(retry_after(op, rc.now).count()));
}

void arm_api::state::complete(operation& op, clock::time_point now) {
  op.end = now;
  op.status = "Succeeded";
  auto* r = find(op.resource_key);
  if (r == nullptr) return;  // removed meanwhile (a resource group delete)
  r->operation.clear();
  auto fail = [&](const operation_failure& failure) { fail_operation(op, r, failure, now); };
  switch (op.verb) {
    case op_verb::put:
    case op_verb::patch:
    case op_verb::action:
      if (r->kind->has_provisioning_state() && op.verb != op_verb::action)
        detail::member_object(r->body, "properties")["provisioningState"] = "Succeeded";
      r->kind->finish(*r, op);
      if (const auto failure = notify(op.created ? change_kind::created : change_kind::updated, *r)) fail(*failure);
      break;
    case op_verb::delete_: {
      std::vector<std::string> child_keys;
      for (const auto& [key, child] : resources)
        if (child.parent_key == op.resource_key) child_keys.push_back(key);
      for (const auto& key : child_keys) remove_tree(key);
      r = find(op.resource_key);
      if (const auto failure = notify(change_kind::deleted, *r)) {
        fail(*failure);
      } else {
        resources.erase(op.resource_key);
      }
      break;
    }
  }
}

operation& arm_api::state::begin_write(const detail::request_context& rc, detail::stored_resource& r, op_verb verb,
                                       bool created) {
  auto& op = start_operation(rc, r, verb, created);
  const auto kind = verb == op_verb::delete_ ? change_kind::deleted : created ? change_kind::created : change_kind::updated;
  if (const auto failure = notify(kind, r, /*started=*/true)) {
    r.operation.clear();
    fail_operation(op, &r, *failure, rc.now);
  }
  return op;
}

void arm_api::state::fail_operation(operation& op, detail::stored_resource* r, const operation_failure& failure,
                                    clock::time_point now) {
  op.end = now;
  op.status = "Failed";
  op.error = failure;
  if (r == nullptr) return;
  if (r->kind->has_provisioning_state()) detail::member_object(r->body, "properties")["provisioningState"] = "Failed";
  r->kind->failed(*r, op, failure);
}

void arm_api::state::cancel_operation(std::string_view op_id, clock::time_point now) {
  const auto it = operations.find(std::string(op_id));
  if (it == operations.end() || it->second.end) return;
  it->second.status = "Canceled";
  it->second.end = now;
  it->second.error = operation_failure{"Canceled", "The operation was canceled by a later operation on the resource.", 409};
}

void arm_api::state::prune_operations() {
  // Finished operations stay readable for a while (clients poll late); keep the newest ones.
  constexpr std::size_t keep = 10000;
  if (operations.size() < keep) return;
  std::vector<std::pair<std::uint64_t, std::string>> finished;
  for (const auto& [id, op] : operations)
    if (op.end) finished.emplace_back(op.sequence, id);
  std::sort(finished.begin(), finished.end());
  for (std::size_t i = 0; i < finished.size() / 2; ++i) operations.erase(finished[i].second);
}

void arm_api::state::settle_locked() {
  if (settling) return;  // an observer called back into the API
  settling = true;
  struct reset {
    bool& flag;
    ~reset() { flag = false; }
  } guard{settling};
  prune_operations();
  const auto now = time->now();
  for (;;) {
    // Ids rather than pointers: an observer may start or prune operations meanwhile.
    std::vector<std::pair<std::pair<clock::time_point, std::uint64_t>, std::string>> due;
    for (const auto& [id, op] : operations)
      if (!op.end && op.due <= now) due.push_back({{op.due, op.sequence}, id});
    if (due.empty()) break;
    std::sort(due.begin(), due.end());
    for (const auto& [order, id] : due) {
      const auto it = operations.find(id);
      if (it != operations.end() && !it->second.end) complete(it->second, now);
    }
  }
  for (auto it = registering.begin(); it != registering.end();) {
    if (it->second <= now) {
      registrations[it->first] = true;
      it = registering.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& hook : settle_hooks) {
    try {
      hook();
    } catch (const std::exception&) {
      // Domain behaviour that failed this round tries again at the next one.
    }
  }
}

}  // namespace amlk8s::local
