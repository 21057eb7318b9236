// The request log of the local control plane: what was asked, how it ended, how long it took.
// Built from an allow-list, never by stripping secrets afterwards: headers (Authorization above
// all) and bodies never enter an entry, and query values are kept only for known-safe parameters.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace amlk8s::local {

/// One answered request.
struct request_log_entry {
  std::string method;                   ///< "GET", "PUT", ...
  std::string target;                   ///< see loggable_target()
  int status = 0;                       ///< HTTP status of the answer
  std::chrono::microseconds duration{};  ///< time spent in the handler (wall clock, not the test clock)
  std::string client_request_id;        ///< `x-ms-client-request-id` or `client-request-id`, when sent
  std::string request_id;               ///< `x-ms-request-id` of the answer, when set
};

/// Receives each entry; called on the thread that handled the request.
using request_logger = std::function<void(const request_log_entry&)>;

/// The path of `url` (absolute or origin-form) plus its query, where only allow-listed parameters
/// (api-version, $skipToken, $top, $filter, forceDelete, underlyingResourceAction, ...) keep their
/// values and every other value reads "REDACTED".
std::string loggable_target(std::string_view url);

}  // namespace amlk8s::local
