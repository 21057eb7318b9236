#include "status.hpp"

#include "registry.hpp"
#include "wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace amlk8s::local::kube::detail {

api_error::api_error(int code, std::string reason, std::string message, std::optional<boost::json::object> details)
    : std::runtime_error(message), code_(code), reason_(std::move(reason)), details_(std::move(details)) {}

// §2.6: the member order of a real API server's Status.
boost::json::object api_error::status() const {
  boost::json::object s;
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = boost::json::object();
  s["status"] = "Failure";
  s["message"] = what();
  s["reason"] = reason_;
  if (details_) s["details"] = *details_;
  s["code"] = code_;
  return s;
}

std::string qualified_resource(const resource_type& type) {
  return type.group.empty() ? type.resource : type.resource + "." + type.group;
}

boost::json::object object_details(const resource_type& type, std::string_view name) {
  boost::json::object d;
  d["name"] = name;
  if (!type.group.empty()) d["group"] = type.group;
  d["kind"] = type.resource;
  return d;
}

api_error not_found(const resource_type& type, std::string_view name) {
  return {404, "NotFound", qualified_resource(type) + " \"" + std::string(name) + "\" not found", object_details(type, name)};
}

api_error not_found_path() { return {404, "NotFound", std::string(wire::unknown_path_message), boost::json::object()}; }

api_error namespace_not_found(std::string_view ns) {
  boost::json::object d;
  d["name"] = ns;
  d["kind"] = "namespaces";
  return {404, "NotFound", "namespaces \"" + std::string(ns) + "\" not found", std::move(d)};
}

api_error namespace_terminating(const resource_type& type, std::string_view name, std::string_view ns) {
  const auto why = std::string(wire::namespace_terminating_prefix) + std::string(ns) +
                   std::string(wire::namespace_terminating_suffix);
  auto d = object_details(type, name);
  d["causes"] = boost::json::array{boost::json::object{{"reason", wire::namespace_terminating_cause},
                                                       {"message", "namespace " + std::string(ns) + " is being terminated"},
                                                       {"field", "metadata.namespace"}}};
  return {403, "Forbidden", qualified_resource(type) + " \"" + std::string(name) + "\" is forbidden: " + why, std::move(d)};
}

api_error already_exists(const resource_type& type, std::string_view name) {
  return {409, "AlreadyExists", qualified_resource(type) + " \"" + std::string(name) + "\" already exists",
          object_details(type, name)};
}

api_error conflict(const resource_type& type, std::string_view name, std::string_view why) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + qualified_resource(type) + " \"" + std::string(name) + "\": " + std::string(why),
          object_details(type, name)};
}

api_error invalid(const resource_type& type, std::string_view name, std::vector<status_cause> causes) {
  std::string qualified_kind = type.group.empty() ? type.kind : type.kind + "." + type.group;
  std::string list;
  for (std::size_t i = 0; i < causes.size(); ++i) {
    if (i != 0) list += ", ";
    list += causes[i].field + ": " + causes[i].message;
  }
  if (causes.size() > 1) list = "[" + list + "]";
  boost::json::object d;
  d["name"] = name;
  if (!type.group.empty()) d["group"] = type.group;
  d["kind"] = type.kind;
  boost::json::array arr;
  for (auto& c : causes) {
    boost::json::object o;
    o["reason"] = c.reason;
    o["message"] = c.message;
    o["field"] = c.field;
    arr.push_back(std::move(o));
  }
  d["causes"] = std::move(arr);
  return {422, "Invalid", qualified_kind + " \"" + std::string(name) + "\" is invalid: " + list, std::move(d)};
}

api_error bad_request(std::string message) { return {400, "BadRequest", std::move(message)}; }

api_error method_not_allowed() {
  return {405, "MethodNotAllowed", std::string(wire::method_not_allowed_message), boost::json::object()};
}

api_error unauthorized() { return {401, "Unauthorized", "Unauthorized"}; }

api_error not_acceptable(std::string message) { return {406, "NotAcceptable", std::move(message)}; }

api_error unsupported_media_type(std::string message) { return {415, "UnsupportedMediaType", std::move(message)}; }

api_error expired(std::string message) { return {410, "Expired", std::move(message)}; }

api_error internal_error(std::string message) { return {500, "InternalError", std::move(message)}; }

std::string_view reason_phrase(int code) noexcept {
  switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

http::response json_response(int code, const boost::json::value& body, std::string_view content_type) {
  http::response r;
  r.status = code;
  r.reason = std::string(reason_phrase(code));
  r.headers.set("Content-Type", std::string(content_type.empty() ? wire::json_type : content_type));
  r.headers.set("Cache-Control", "no-cache, private");
  r.body = boost::json::serialize(body);
  return r;
}

http::response error_response(const api_error& error) { return json_response(error.code(), error.status()); }

std::string required_value(std::string_view detail) {
  return detail.empty() ? "Required value" : "Required value: " + std::string(detail);
}

std::string invalid_value(std::string_view shown, std::string_view detail) {
  return "Invalid value: " + std::string(shown) + ": " + std::string(detail);
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace amlk8s::local::kube::detail
