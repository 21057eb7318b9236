// InstanceType objects over kube::client, written as coroutines (contracts/kubernetes.md §1.3 for
// the default, §2.1 for what `kubectl apply` sends, §2.5 for merge patches).
#include <amlk8s/model/instance_types_client.hpp>

#include "arm/blocking.hpp"
#include "model/coro.hpp"
#include "model/instance_type_wire.hpp"

#include <amlk8s/kube/resource.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <exception>


namespace amlk8s::model {
namespace {

namespace asio = boost::asio;
namespace wire = instance_type_wire;
using boost::json::object;
using boost::json::value;
using detail::check;
using detail::spawn;
using detail::use_tuple;

// A name to address an object by: present and a valid object name (else a collection path).
void check_name(std::string_view name) {
  if (name.empty()) throw validation_error({{"name", "is required", "name the instance type"}});
  if (!is_dns1123_subdomain(name))
    throw validation_error({{"name", "\"" + std::string(name) + "\" is not a valid instance type name",
                             "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"}});
}

// An object the server returned; one that cannot be read breaks the server's contract.
instance_type from_server(const value& v) {
  try {
    return instance_type::from_json(v);
  } catch (const amlk8s::error& e) {
    auto d = e.diag();
    d.client_message = "the cluster holds an InstanceType amlk8s cannot read";
    throw error(make_error_code(errc::protocol_error), std::move(d));
  }
}

// The JSON text kubectl stores as last-applied-configuration: members in name order (Go's map
// encoding), then "\n".
value sorted(const value& v) {
  if (v.is_array()) {
    boost::json::array out;
    for (const auto& item : v.as_array()) out.push_back(sorted(item));
    return out;
  }
  if (!v.is_object()) return v;
  std::vector<std::pair<std::string, const value*>> members;
  for (const auto& [k, m] : v.as_object()) members.emplace_back(std::string(k), &m);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  object out;
  for (const auto& [k, m] : members) out[k] = sorted(*m);
  return out;
}

std::string last_applied_text(const value& v) { return boost::json::serialize(sorted(v)) + "\n"; }

// The last-applied configuration of a live object, or null.
value last_applied_of(const object& live) {
  const auto* meta = live.if_contains(wire::metadata);
  const auto* annotations = meta && meta->is_object() ? meta->as_object().if_contains(wire::annotations) : nullptr;
  const auto* text = annotations && annotations->is_object() ? annotations->as_object().if_contains(wire::last_applied_annotation) : nullptr;
  if (text == nullptr || !text->is_string()) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(text->as_string(), ec);
  return ec ? value(nullptr) : v;
}

object patch_of(const value* original, const object& modified, const value* current) {
  object out;
  const object* cur = current && current->is_object() ? &current->as_object() : nullptr;
  const object* orig = original && original->is_object() ? &original->as_object() : nullptr;
  for (const auto& [k, m] : modified) {
    const value* c = cur ? cur->if_contains(k) : nullptr;
    if (c == nullptr || c->is_null()) {
      if (!m.is_null()) out[k] = m;
      continue;
    }
    if (m.is_object() && c->is_object()) {
      auto sub = patch_of(orig ? orig->if_contains(k) : nullptr, m.as_object(), c);
      if (!sub.empty()) out[k] = std::move(sub);
    } else if (m != *c) {
      out[k] = m;
    }
  }
  if (orig)
    for (const auto& [k, o] : *orig)
      if (!modified.contains(k)) out[k] = nullptr;
  return out;
}

const kube::resource& types = kube::resources::instancetypes;

asio::awaitable<apply_result> apply_coro(kube::client k8s, instance_type type, diagnostics* diag) {
  type.validate_or_throw();
  // As kubectl: the configuration with empty annotations is the last-applied text, and the
  // object sent carries that text as its one annotation.
  object modified = type.to_json();
  modified[wire::metadata].as_object()[wire::annotations] = object{};
  const auto applied_text = last_applied_text(modified);
  modified[wire::metadata].as_object()[wire::annotations] = object{{wire::last_applied_annotation, applied_text}};

  diagnostics local;
  auto get = k8s.async_get(types, "", type.name, local, use_tuple);
  auto [gec, live] = co_await std::move(get);
  if (gec == errc::not_found) {
    auto create = k8s.async_create(types, "", modified, *diag, use_tuple);
    auto [cec, created] = co_await std::move(create);
    check(cec, *diag);
    co_return apply_result{apply_action::created, from_server(created)};
  }
  if (gec) {
    *diag = local;
    throw error(gec, local);
  }
  if (!live.is_object()) throw error(errc::protocol_error, "the server's InstanceType is not a JSON object");
  const auto original = last_applied_of(live.as_object());
  auto patch = patch_of(&original, modified, &live);
  if (patch.empty()) co_return apply_result{apply_action::unchanged, from_server(live)};
  auto send = k8s.async_merge_patch(types, "", type.name, std::move(patch), *diag, use_tuple);
  auto [pec, patched] = co_await std::move(send);
  check(pec, *diag);
  co_return apply_result{apply_action::configured, from_server(patched)};
}

asio::awaitable<instance_type> get_coro(kube::client k8s, std::string name, diagnostics* diag) {
  check_name(name);
  auto get = k8s.async_get(types, "", name, *diag, use_tuple);
  auto [ec, v] = co_await std::move(get);
  check(ec, *diag);
  co_return from_server(v);
}

asio::awaitable<std::vector<instance_type>> list_coro(kube::client k8s, bool with_default, default_profile profile,
                                                      std::int64_t page_size, diagnostics* diag) {
  kube::list_options o;
  o.limit = page_size;
  auto list = k8s.async_list(types, "", std::move(o), *diag, use_tuple);
  auto [ec, found] = co_await std::move(list);
  check(ec, *diag);
  std::vector<instance_type> out;
  for (const auto& item : found.items) out.push_back(from_server(item));
  if (with_default && std::none_of(out.begin(), out.end(), [](const auto& t) { return t.name == wire::default_name; }))
    out.insert(out.begin(), instance_type::virtual_default(profile));
  co_return out;
}

asio::awaitable<void> delete_coro(kube::client k8s, std::string name, diagnostics* diag) {
  check_name(name);
  auto del = k8s.async_delete(types, "", name, kube::propagation::background, *diag, use_tuple);
  auto [ec, ignored] = co_await std::move(del);
  check(ec, *diag);
}

asio::awaitable<instance_type> resolve_coro(kube::client k8s, std::string name, default_profile profile, diagnostics* diag) {
  if (name.empty()) name = std::string(wire::default_name);
  check_name(name);
  diagnostics local;
  auto get = k8s.async_get(types, "", name, local, use_tuple);
  auto [ec, v] = co_await std::move(get);
  if (ec == errc::not_found && name == wire::default_name) co_return instance_type::virtual_default(profile);
  if (ec) {
    *diag = local;
    throw error(ec, local);
  }
  co_return from_server(v);
}

asio::awaitable<bool> crd_installed_coro(kube::client k8s, diagnostics* diag) {
  diagnostics local;
  auto get = k8s.async_get(kube::resources::customresourcedefinitions, "", wire::crd_name, local, use_tuple);
  auto [ec, ignored] = co_await std::move(get);
  if (ec == errc::not_found) co_return false;
  if (ec) {
    *diag = local;
    throw error(ec, local);
  }
  co_return true;
}

}  // namespace

std::string_view to_string(apply_action a) noexcept {
  switch (a) {
    case apply_action::created: return "created";
    case apply_action::configured: return "configured";
    case apply_action::unchanged: return "unchanged";
  }
  return "unchanged";
}

boost::json::object three_way_merge_patch(const boost::json::value& last_applied, const boost::json::value& desired,
                                          const boost::json::value& live) {
  if (!desired.is_object()) return {};
  return patch_of(&last_applied, desired.as_object(), &live);
}

instance_types_client::instance_types_client(kube::client k8s, instance_types_options options)
    : k8s_(std::move(k8s)), options_(options) {}

void instance_types_client::apply_erased(instance_type type, diagnostics& diag,
                                         asio::any_completion_handler<apply_signature> h) const {
  spawn<apply_result>(k8s_.get_executor(), diag, apply_coro(k8s_, std::move(type), &diag), std::move(h));
}

void instance_types_client::get_erased(std::string name, diagnostics& diag,
                                       asio::any_completion_handler<type_signature> h) const {
  spawn<instance_type>(k8s_.get_executor(), diag, get_coro(k8s_, std::move(name), &diag), std::move(h));
}

void instance_types_client::list_erased(bool with_default, default_profile profile, diagnostics& diag,
                                        asio::any_completion_handler<list_signature> h) const {
  spawn<std::vector<instance_type>>(k8s_.get_executor(), diag,
                                    list_coro(k8s_, with_default, profile, options_.page_size, &diag), std::move(h));
}

void instance_types_client::delete_erased(std::string name, diagnostics& diag,
                                          asio::any_completion_handler<delete_signature> h) const {
  spawn(k8s_.get_executor(), diag, delete_coro(k8s_, std::move(name), &diag), std::move(h));
}

void instance_types_client::resolve_erased(std::string name, default_profile profile, diagnostics& diag,
                                           asio::any_completion_handler<type_signature> h) const {
  spawn<instance_type>(k8s_.get_executor(), diag, resolve_coro(k8s_, std::move(name), profile, &diag), std::move(h));
}

void instance_types_client::crd_installed_erased(diagnostics& diag, asio::any_completion_handler<bool_signature> h) const {
  spawn<bool>(k8s_.get_executor(), diag, crd_installed_coro(k8s_, &diag), std::move(h));
}

// ---- blocking forms ----------------------------------------------------------------------------------

apply_result instance_types_client::apply(const instance_type& type) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<apply_result>([&](auto h) { apply_erased(type, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

instance_type instance_types_client::get(std::string_view name) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<instance_type>([&](auto h) { get_erased(std::string(name), diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

std::vector<instance_type> instance_types_client::list() const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<std::vector<instance_type>>(
      [&](auto h) { list_erased(false, options_.profile, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

std::vector<instance_type> instance_types_client::list_with_default() const { return list_with_default(options_.profile); }

std::vector<instance_type> instance_types_client::list_with_default(default_profile profile) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<std::vector<instance_type>>(
      [&](auto h) { list_erased(true, profile, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

void instance_types_client::delete_(std::string_view name) const {
  diagnostics diag;
  auto [ec] = arm::detail::run_blocking<>([&](auto h) { delete_erased(std::string(name), diag, std::move(h)); });
  throw_on_error(ec, diag);
}

instance_type instance_types_client::resolve(std::string_view name) const { return resolve(name, options_.profile); }

instance_type instance_types_client::resolve(std::string_view name, default_profile profile) const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<instance_type>(
      [&](auto h) { resolve_erased(std::string(name), profile, diag, std::move(h)); });
  throw_on_error(ec, diag);
  return std::move(r);
}

bool instance_types_client::crd_installed() const {
  diagnostics diag;
  auto [ec, r] = arm::detail::run_blocking<bool>([&](auto h) { crd_installed_erased(diag, std::move(h)); });
  throw_on_error(ec, diag);
  return r;
}

}  // namespace amlk8s::model
