#include "local/arm/state.hpp"

#include "local/common/respond.hpp"

#include <boost/json/parse.hpp>

#include <array>

namespace amlk8s::local::detail {

// contracts/arm-extensions.md §1.7: the common-types v2 ErrorResponse.
http::response error_response(const arm_error& e) {
  boost::json::object error{{"code", e.code}, {"message", e.message}};
  if (!e.target.empty()) error["target"] = e.target;
  return json_response(e.status, boost::json::object{{"error", std::move(error)}});
}

arm_error resource_not_found(std::string_view type, std::string_view name, std::string_view resource_group) {
  return {404, "ResourceNotFound",
          "The Resource '" + std::string(type) + "/" + std::string(name) + "' under resource group '" +
              std::string(resource_group) + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
          {}};
}

bool merge_patch(boost::json::object& target, const boost::json::object& patch) {
  bool changed = false;
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      changed = target.erase(key) > 0 || changed;
    } else if (value.is_object()) {
      auto* existing = target.if_contains(key);
      if (existing == nullptr || !existing->is_object()) {
        target[key] = boost::json::object{};
        changed = true;
      }
      changed = merge_patch(target[key].as_object(), value.as_object()) || changed;
    } else {
      const auto* existing = target.if_contains(key);
      if (existing == nullptr || *existing != value) {
        target[key] = value;
        changed = true;
      }
    }
  }
  return changed;
}

boost::json::object& member_object(boost::json::object& body, std::string_view key) {
  auto& v = body[key];
  if (!v.is_object()) v = boost::json::object{};
  return v.as_object();
}

std::string string_member(const boost::json::object& body, std::string_view key) {
  const auto* v = body.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::string normalize_location(std::string_view location) {
  std::string out;
  for (const char c : location)
    if (c != ' ') out.push_back(c);
  return to_lower(out);
}

std::string request_context::absolute(std::string_view p, std::string_view extra_query) const {
  std::string url = origin + std::string(p) + "?api-version=" + percent_encode(api_version);
  if (!extra_query.empty()) url += "&" + std::string(extra_query);
  return url;
}

bool resource_kind::patch(stored_resource& r, const boost::json::object& patch, const request_context& rc) const {
  (void)rc;
  boost::json::object filtered;
  for (const auto& [key, value] : patch)
    if (key != "id" && key != "name" && key != "type" && key != "systemData") filtered[key] = value;
  if (auto* props = filtered.if_contains("properties"); props != nullptr && props->is_object())
    props->as_object().erase("provisioningState");
  return merge_patch(r.body, filtered);
}

std::string_view resource_kind::parent_type() const noexcept {
  const auto t = type();
  const auto first = t.find('/');
  const auto last = t.rfind('/');
  return first == last ? std::string_view{} : t.substr(0, last);
}

std::span<const resource_kind* const> all_kinds() noexcept {
  static const std::array<const resource_kind*, 14> kinds{
      &managed_cluster_kind(),       &connected_cluster_kind(),   &extension_kind(),       &workspace_kind(),
      &compute_kind(),               &job_kind(),                 &online_endpoint_kind(), &online_deployment_kind(),
      &environment_container_kind(), &environment_version_kind(), &model_container_kind(), &model_version_kind(),
      &code_container_kind(),        &code_version_kind()};
  return kinds;
}

const resource_kind* find_kind(std::string_view type) noexcept {
  for (const auto* kind : all_kinds())
    if (http::iequals(kind->type(), type)) return kind;
  return nullptr;
}

void require_method(const request_context& rc, std::initializer_list<http::verb> allowed) {
  for (const auto v : allowed)
    if (rc.req->method == v || (v == http::verb::get && rc.req->method == http::verb::head)) return;
  throw arm_error{405, "MethodNotAllowed",
                  "The requested resource does not support http method '" + std::string(http::to_string(rc.req->method)) + "'.",
                  {}};
}

boost::json::object parse_body(const request_context& rc) {
  if (rc.req->body.empty()) return {};
  boost::system::error_code ec;
  auto value = boost::json::parse(rc.req->body, ec);
  if (ec || !value.is_object())
    throw arm_error{400, "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: " +
                        (ec ? ec.message() : std::string("the body is not a JSON object")) + ".",
                    {}};
  return std::move(value.as_object());
}

}  // namespace amlk8s::local::detail
