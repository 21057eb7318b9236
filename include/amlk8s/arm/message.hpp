// The request and response values of the ARM client: what a caller asks for (an ARM path or a
// URL, JSON body, api-version) and what comes back (status, headers, parsed JSON, throttle state).
#pragma once

#include <amlk8s/arm/throttle.hpp>
#include <amlk8s/http/message.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::arm {

/// One ARM call.
///
/// `path` is either
///  - an ARM resource path such as an id "/subscriptions/.../extensions/azureml", given unencoded:
///    the client percent-encodes each segment, resolves it against the endpoint and appends
///    `api-version` (from `api_version`, else the client's default for the path's provider);
///    text after a '?' is taken as an already-encoded query; or
///  - an absolute URL (status URLs, nextLink), or any target with `verbatim` set: sent exactly as
///    given, never re-encoded and never given an api-version (contracts/arm-extensions.md §1.6, §1.9).
struct request {
  http::verb method = http::verb::get;
  std::string path{};
  /// The JSON body; none for GET/DELETE and body-less POST actions.
  std::optional<boost::json::value> body{};
  /// Overrides the client's api-version for this call.
  std::string api_version{};
  /// Extra query parameters, unencoded (the client encodes them), e.g. {"forceDelete", "true"}.
  std::vector<std::pair<std::string, std::string>> query{};
  /// Extra header fields; the client adds Accept and Content-Type.
  http::header_map headers{};
  /// Send `path` exactly as given (absolute URL, or a target relative to the endpoint).
  bool verbatim = false;
  /// The body carries secrets (protected settings): logging must never print it.
  bool body_is_secret = false;
  /// Overrides the retry policy's idempotency rule (see http::request::safe_to_retry).
  std::optional<bool> safe_to_retry{};
};

/// What ARM answered. A non-2xx answer is still returned (with an error code) so that callers can
/// look at it, e.g. a 404 on DELETE.
struct response {
  int status = 0;  ///< 0 when no HTTP answer was received
  http::header_map headers{};
  /// The parsed JSON body; null when the body was empty (or, for an error answer, not JSON).
  boost::json::value body{};
  /// Remaining quota and retry-after, read from this response's headers.
  throttle_info throttle{};

  /// True for 2xx.
  bool ok() const noexcept { return status >= 200 && status < 300; }
  /// `x-ms-request-id`, empty when absent.
  std::string_view request_id() const { return headers.get("x-ms-request-id").value_or(std::string_view{}); }
};

}  // namespace amlk8s::arm
