// The ARM error model, in one place: contracts/arm-extensions.md §1.7 (common-types v2
// ErrorResponse `{"error": ErrorDetail}`, ErrorDetail = {code, message, target, details[],
// additionalInfo[{type, info}]}, all optional, details recursive) and §1.9 (request ids to report on
// every error). Some resource providers answer with the ErrorDetail unwrapped (`{code, message}`),
// and gateways with HTML or plain text; all three are read.
#include <amlk8s/arm/error.hpp>

#include "arm/redact.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace amlk8s::arm {
namespace {

// Non-JSON bodies are mostly gateway pages; the first few hundred characters say what happened.
constexpr std::size_t max_text_body_chars = 300;
// additionalInfo payloads can be large policy documents; keep a readable excerpt.
constexpr std::size_t max_additional_info_chars = 500;
// A guard against pathological error bodies (deeply nested or huge details arrays).
constexpr std::size_t max_details = 64;
constexpr int max_detail_depth = 8;

std::string string_member(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->value().is_string()) return std::string(it->value().get_string());
  if (it->value().is_number() || it->value().is_bool()) return boost::json::serialize(it->value());
  return {};
}

std::string join_target(std::string_view parent, std::string_view child) {
  if (parent.empty()) return std::string(child);
  if (child.empty()) return std::string(parent);
  return std::string(parent) + "/" + std::string(child);
}

void add_additional_info(const boost::json::object& detail, std::string_view target, diagnostics& diag) {
  auto it = detail.find("additionalInfo");
  if (it == detail.end() || !it->value().is_array()) return;
  for (const auto& entry : it->value().get_array()) {
    if (diag.details.size() >= max_details) return;
    if (!entry.is_object()) continue;
    const auto& obj = entry.get_object();
    std::string info;
    if (auto info_it = obj.find("info"); info_it != obj.end() && !info_it->value().is_null())
      info = detail::redact(detail::shorten(boost::json::serialize(info_it->value()), max_additional_info_chars));
    diag.details.push_back({"additionalInfo:" + string_member(obj, "type"), std::move(info), std::string(target)});
  }
}

void add_details(const boost::json::object& detail, const std::string& parent_target, int depth, diagnostics& diag) {
  auto it = detail.find("details");
  if (it == detail.end() || !it->value().is_array() || depth > max_detail_depth) return;
  for (const auto& entry : it->value().get_array()) {
    if (diag.details.size() >= max_details) return;
    if (!entry.is_object()) continue;
    const auto& obj = entry.get_object();
    std::string target = join_target(parent_target, string_member(obj, "target"));
    diag.details.push_back(
        {string_member(obj, "code"), detail::redact(string_member(obj, "message")), target});
    add_additional_info(obj, target, diag);
    add_details(obj, target, depth + 1, diag);
  }
}

bool looks_like_error_detail(const boost::json::object& obj) {
  auto is_text = [&](std::string_view key) {
    auto it = obj.find(key);
    return it != obj.end() && it->value().is_string();
  };
  return is_text("code") || is_text("message");
}

}  // namespace

void read_request_ids(const http::header_map& headers, diagnostics& diag) {
  auto copy = [&](std::string_view name, std::string& field) {
    if (auto v = headers.get(name); v && !v->empty()) field = detail::shorten(*v, 128);
  };
  copy("x-ms-request-id", diag.request_id);
  copy("x-ms-correlation-request-id", diag.correlation_request_id);
  copy("x-ms-client-request-id", diag.client_request_id);
}

bool read_error_detail(const boost::json::object& detail, diagnostics& diag) {
  std::string code = string_member(detail, "code");
  std::string message = string_member(detail, "message");
  if (code.empty() && message.empty()) return false;
  diag.service_code = std::move(code);
  diag.service_message = detail::redact(message);
  std::string target = string_member(detail, "target");
  if (!target.empty()) diag.service_message += " (target: " + target + ")";
  add_additional_info(detail, {}, diag);
  add_details(detail, {}, 0, diag);
  return true;
}

bool read_error_json(const boost::json::value& body, diagnostics& diag) {
  if (!body.is_object()) return false;
  const auto& obj = body.get_object();
  if (auto it = obj.find("error"); it != obj.end() && it->value().is_object())
    return read_error_detail(it->value().get_object(), diag);
  // The flat shape: the ErrorDetail itself at top level.
  if (looks_like_error_detail(obj)) return read_error_detail(obj, diag);
  return false;
}

void read_error_body(std::string_view body, diagnostics& diag) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(body, ec);
  if (!ec && read_error_json(json, diag)) return;
  // Not JSON, or JSON of no known error shape: keep an excerpt, redacted before it is cut so that a
  // cut cannot leave half a secret behind.
  diag.service_message = detail::shorten(detail::redact(body), max_text_body_chars);
}

error_code error_from_response(const http::response& res, diagnostics& diag) {
  errc condition = errc_from_http_status(res.status);
  if (condition == errc::ok) return {};
  diag.http_status = res.status;
  read_request_ids(res.headers, diag);
  read_error_body(res.body, diag);
  return make_error_code(condition);
}

error_code error_from_response(const response& res, diagnostics& diag) {
  errc condition = errc_from_http_status(res.status);
  if (condition == errc::ok) return {};
  diag.http_status = res.status;
  read_request_ids(res.headers, diag);
  read_error_json(res.body, diag);
  return make_error_code(condition);
}

}  // namespace amlk8s::arm
