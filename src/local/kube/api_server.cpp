#include <amlk8s/local/kube/api_server.hpp>

#include "handlers.hpp"
#include "object_rules.hpp"
#include "patch.hpp"
#include "selectors.hpp"
#include "status.hpp"
#include "store.hpp"
#include "watch_impl.hpp"

#include <amlk8s/core/error.hpp>

namespace amlk8s::local::kube {

namespace {

// The errors of the C++ API carry the Status a client would have seen.
[[noreturn]] void rethrow(const detail::api_error& e) {
  diagnostics d;
  d.http_status = e.code();
  d.service_code = e.reason();
  d.service_message = e.what();
  throw error(make_error_code(errc_from_http_status(e.code())), std::move(d));
}

template <class F>
auto guarded(api_server::state& s, F&& f) {
  try {
    detail::locked guard(s);
    return f();
  } catch (const detail::api_error& e) {
    rethrow(e);
  }
}

detail::resource_type type_of(const api_server::state& s, const resource_ref& ref) {
  auto t = detail::find_type(s, ref.group, ref.version, ref.resource);
  if (!t) {
    diagnostics d;
    d.http_status = 404;
    d.service_code = "NotFound";
    d.service_message = "the server could not find the requested resource";
    d.client_message = "resource " + ref.api_version() + "/" + ref.resource + " is not served by this cluster";
    throw error(make_error_code(errc::not_found), std::move(d));
  }
  return *t;
}

// The namespaces a new cluster has (§1.6 adds azureml, where the extension's components live).
constexpr std::string_view initial_namespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease", "azureml"};

}  // namespace

api_server::api_server(api_server_options options) : state_(std::make_shared<state>(std::move(options))) {
  const auto* ns_type = detail::find_builtin("", "v1", "namespaces");
  for (auto name : initial_namespaces) {
    boost::json::object ns;
    ns["metadata"] = boost::json::object{{"name", name}};
    detail::create_object(*state_, *ns_type, "", std::move(ns), {});
  }
}

api_server::~api_server() = default;
api_server::api_server(api_server&&) noexcept = default;
api_server& api_server::operator=(api_server&&) noexcept = default;

reply api_server::serve(const http::request& request) { return detail::route(state_, request); }

http::response api_server::handle(const http::request& request) {
  auto out = detail::route(state_, request);
  if (out.stream) {
    for (auto& line : out.stream->poll()) out.response.body += line;
  }
  return std::move(out.response);
}

std::unique_ptr<watch_stream> api_server::watch(const watch_query& query) {
  return guarded(*state_, [&] { return detail::open_watch(state_, type_of(*state_, query.resource), query); });
}

boost::json::object api_server::create(const resource_ref& resource, boost::json::object object) {
  return guarded(*state_, [&] { return detail::create_object(*state_, type_of(*state_, resource), "", std::move(object), {}); });
}

boost::json::object api_server::update(const resource_ref& resource, boost::json::object object) {
  return guarded(*state_, [&] {
    auto t = type_of(*state_, resource);
    auto ns = detail::meta_string(object, "namespace");
    auto name = detail::meta_string(object, "name");
    if (t.namespaced && ns.empty()) ns = "default";
    return detail::update_object(*state_, t, ns, name, std::move(object), {});
  });
}

boost::json::object api_server::create_or_replace(const resource_ref& resource, boost::json::object object) {
  return guarded(*state_, [&] {
    auto t = type_of(*state_, resource);
    auto ns = detail::meta_string(object, "namespace");
    auto name = detail::meta_string(object, "name");
    if (t.namespaced && ns.empty()) ns = "default";
    if (name.empty() || detail::find_object(*state_, t, ns, name) == nullptr)
      return detail::create_object(*state_, t, "", std::move(object), {});
    detail::metadata_of(object).erase("resourceVersion");
    return detail::update_object(*state_, t, ns, name, std::move(object), {});
  });
}

boost::json::object api_server::merge_patch(const resource_ref& resource, std::string_view ns, std::string_view name,
                                            const boost::json::object& patch) {
  return guarded(*state_, [&] {
    auto t = type_of(*state_, resource);
    const auto* stored = detail::find_object(*state_, t, ns, name);
    if (stored == nullptr) throw detail::not_found(t, name);
    auto patched = detail::merge_patch(boost::json::value(stored->object), boost::json::value(patch));
    return detail::update_object(*state_, t, ns, name, std::move(patched.as_object()), {});
  });
}

std::optional<boost::json::object> api_server::get(const resource_ref& resource, std::string_view ns, std::string_view name) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto t = type_of(*state_, resource);
  const auto* stored = detail::find_object(*state_, t, ns, name);
  if (stored == nullptr) return std::nullopt;
  auto out = stored->object;
  detail::set_api_version(out, t);
  return out;
}

std::vector<boost::json::object> api_server::list(const resource_ref& resource, std::string_view ns,
                                                  std::string_view label_selector) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto t = type_of(*state_, resource);
  detail::label_selector selector;
  try {
    selector = detail::label_selector::parse(label_selector);
  } catch (const detail::api_error& e) {
    rethrow(e);
  }
  std::vector<boost::json::object> out;
  auto b = state_->buckets.find(t.key());
  if (b == state_->buckets.end()) return out;
  for (const auto& [key, stored] : b->second) {
    if (t.namespaced && !ns.empty() && key.first != ns) continue;
    if (!selector.matches(stored.object)) continue;
    out.push_back(stored.object);
    detail::set_api_version(out.back(), t);
  }
  return out;
}

bool api_server::remove(const resource_ref& resource, std::string_view ns, std::string_view name) {
  return guarded(*state_, [&] {
    auto t = type_of(*state_, resource);
    if (detail::find_object(*state_, t, ns, name) == nullptr) return false;
    detail::delete_object(*state_, t, ns, name, {});
    return true;
  });
}

void api_server::set_pod_log_provider(pod_log_provider provider) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->pod_logs = std::move(provider);
}

std::uint64_t api_server::resource_version() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->rv;
}

const api_server_options& api_server::options() const noexcept { return state_->options; }

}  // namespace amlk8s::local::kube
