// metav1.Status errors (contracts/kubernetes.md §2.6): handlers throw api_error; the router turns
// it into the Status JSON a real API server sends.
#pragma once

#include <amlk8s/http/message.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local::kube::detail {

struct resource_type;

/// One entry of Status.details.causes.
struct status_cause {
  std::string reason;  ///< FieldValueRequired, FieldValueInvalid, FieldManagerConflict, ...
  std::string message;
  std::string field;
};

/// A failed request, as a Status.
class api_error : public std::runtime_error {
 public:
  api_error(int code, std::string reason, std::string message, std::optional<boost::json::object> details = std::nullopt);

  int code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::optional<boost::json::object>& details() const noexcept { return details_; }
  /// The Status object.
  boost::json::object status() const;

 private:
  int code_;
  std::string reason_;
  std::optional<boost::json::object> details_;
};

/// `pods` or `deployments.apps`: how messages name a resource.
std::string qualified_resource(const resource_type& type);

/// The `details` of a Status about one object (kind is the plural resource, §2.6).
boost::json::object object_details(const resource_type& type, std::string_view name);

api_error not_found(const resource_type& type, std::string_view name);
api_error not_found_path();
api_error namespace_not_found(std::string_view ns);
/// 403: `ns` has a deletionTimestamp, so nothing new may be created in it.
api_error namespace_terminating(const resource_type& type, std::string_view name, std::string_view ns);
api_error already_exists(const resource_type& type, std::string_view name);
api_error conflict(const resource_type& type, std::string_view name, std::string_view why);
/// 422 Invalid: `<Kind>.<group> "<name>" is invalid: <causes>`; details.kind is the Kind.
api_error invalid(const resource_type& type, std::string_view name, std::vector<status_cause> causes);
api_error bad_request(std::string message);
api_error method_not_allowed();
api_error unauthorized();
api_error not_acceptable(std::string message);
api_error unsupported_media_type(std::string message);
/// 410 Expired, for a resourceVersion older than the event log or a stale continue token.
api_error expired(std::string message);
api_error internal_error(std::string message);

/// The reason phrase of an HTTP status code.
std::string_view reason_phrase(int code) noexcept;

/// A JSON response.
http::response json_response(int code, const boost::json::value& body, std::string_view content_type = {});
/// The response for an error.
http::response error_response(const api_error& error);

/// Field error texts in the apimachinery field.Error format.
std::string required_value(std::string_view detail = {});
/// `Invalid value: <shown>: <detail>`; `shown` is the value as apimachinery prints it (quoted strings).
std::string invalid_value(std::string_view shown, std::string_view detail);
/// A string quoted the way Go's %q does for printable ASCII.
std::string quoted(std::string_view text);

}  // namespace amlk8s::local::kube::detail
