// The one error model of amlk8s, from the core types to the Python binding.
//
// Shape (as Boost.MySQL does it):
//  - async operations complete with a std::error_code plus an amlk8s::diagnostics object that
//    carries what the service said and what the client found;
//  - blocking operations throw amlk8s::error, a boost::system::system_error that owns the diagnostics;
//  - invalid input is reported before any network call, as validation issues that name the
//    field and say how to fix it.
// Secrets never enter a diagnostics object unredacted: every text that comes from the wire goes
// through amlk8s::redact_text (core/redact.hpp) on the way in.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace amlk8s {

/// The error code type of every async completion (Boost's, so that use_awaitable and use_future
/// turn it into an exception; it converts to std::error_code).
using error_code = boost::system::error_code;

/// Error conditions of amlk8s. Values are stable: the Python binding and the CLI's exit codes map them.
enum class errc {
  ok = 0,
  invalid_argument = 1,       ///< input rejected before any network call (see diagnostics::validation)
  not_found = 2,              ///< HTTP 404, Kubernetes NotFound
  conflict = 3,               ///< HTTP 409/412, Kubernetes AlreadyExists/Conflict
  throttled = 4,              ///< HTTP 429 after retries were exhausted
  authentication_failed = 5,  ///< HTTP 401, or no credential could produce a token
  authorization_failed = 6,   ///< HTTP 403
  timeout = 7,                ///< a client-side deadline passed
  cancelled = 8,              ///< the caller cancelled the operation
  service_error = 9,          ///< any other 4xx/5xx answer from a service
  transport_error = 10,       ///< connection refused/reset, DNS, truncated response
  tls_error = 11,             ///< certificate or host-name verification failed
  protocol_error = 12,        ///< the peer answered something that breaks its contract
  operation_failed = 13,      ///< a long-running operation ended Failed or Canceled
  precondition_failed = 14,   ///< a check before the operation found the target unfit (preflight)
  connect_failed = 15,        ///< no connection could be made (DNS, refused, unreachable); nothing
                              ///< was sent, so a retry is safe for any method (transport_error otherwise)
};

/// The category of amlk8s::errc.
const boost::system::error_category& error_category() noexcept;

/// Makes an error_code in amlk8s's category.
error_code make_error_code(errc e) noexcept;

/// The condition an HTTP status maps to (2xx/3xx map to errc::ok).
errc errc_from_http_status(int status) noexcept;

/// One local validation finding: which input is wrong, why, and how to fix it.
struct validation_issue {
  std::string field;    ///< dotted path of the setting, e.g. "configuration.inferenceRouterServiceType"
  std::string message;  ///< what is wrong, quoting the (non-secret) value
  std::string fix;      ///< what to do instead

  friend bool operator==(const validation_issue&, const validation_issue&) = default;
};

/// One entry of an ARM error's `details` array (nested details are flattened with a target path).
struct service_error_detail {
  std::string code;
  std::string message;
  std::string target;

  friend bool operator==(const service_error_detail&, const service_error_detail&) = default;
};

/// Everything known about a failure. Server text (service_*) and client text (client_message,
/// validation) are kept apart.
struct diagnostics {
  int http_status = 0;                          ///< 0 when no HTTP answer was received
  std::string service_code;                     ///< ARM error.code or Kubernetes Status.reason
  std::string service_message;                  ///< ARM error.message or Kubernetes Status.message
  std::vector<service_error_detail> details;    ///< ARM error.details
  std::string request_id;                       ///< x-ms-request-id (or Kubernetes Audit-Id)
  std::string correlation_request_id;           ///< x-ms-correlation-request-id
  std::string client_request_id;                ///< x-ms-client-request-id that amlk8s sent
  std::string client_message;                   ///< what amlk8s itself has to say
  std::vector<validation_issue> validation;     ///< local findings, when the input was rejected

  /// True when nothing at all was recorded.
  bool empty() const noexcept;
  /// Clears every field.
  void clear();
  /// One readable text with everything above that is set; useful on its own in a log or a terminal.
  std::string to_string() const;
};

/// The exception the blocking API throws.
class error : public boost::system::system_error {
 public:
  error(error_code code, diagnostics diag);
  explicit error(errc code, std::string client_message = {});

  const diagnostics& diag() const noexcept { return diag_; }
  errc condition() const noexcept;

 private:
  diagnostics diag_;
};

/// Throws amlk8s::error when `code` is set.
void throw_on_error(error_code code, const diagnostics& diag = {});

/// Builds the exception for rejected input from one or more validation issues.
error validation_error(std::vector<validation_issue> issues);

}  // namespace amlk8s

template <>
struct boost::system::is_error_code_enum<amlk8s::errc> : std::true_type {};
