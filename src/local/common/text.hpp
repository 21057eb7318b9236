// Small text helpers shared by the ARM and token handlers: URL pieces, query strings, forms,
// timestamps and random identifiers. Private to amlk8s_local.
#pragma once

#include <amlk8s/http/message.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::local::detail {

/// ASCII lower case.
std::string to_lower(std::string_view s);

/// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view s, bool plus_is_space = false);

/// Escapes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s);

/// The parts of a request target: the server's origin ("http://host:port", empty for an
/// origin-form target without a Host header), the raw path and the raw query (no '?').
struct target_parts {
  std::string origin;
  std::string path;
  std::string query;
};

/// Splits `req.url`, which is absolute (scheme://host/path?query) or origin-form (/path?query).
/// For origin-form targets the origin is built from `default_scheme` and the Host header.
target_parts split_target(const http::request& req, std::string_view default_scheme);

/// Decoded name/value pairs of a query string or form body, in order.
using query_params = std::vector<std::pair<std::string, std::string>>;

/// Parses `a=1&b=2`; with `plus_is_space` for form bodies.
query_params parse_query(std::string_view query, bool plus_is_space = false);

/// The first value of `name` (compared case-insensitively: ARM accepts `api-Version`).
std::optional<std::string> find_param(const query_params& params, std::string_view name);

/// The decoded, non-empty segments of a path.
std::vector<std::string> split_path(std::string_view path);

/// ISO 8601 UTC with seven fractional digits, as ARM writes timestamps.
std::string iso8601(std::chrono::system_clock::time_point t);

/// Seconds since the Unix epoch.
std::int64_t epoch_seconds(std::chrono::system_clock::time_point t);

/// A source of random version-4 GUIDs; thread-safe.
class guid_source {
 public:
  guid_source();
  /// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case.
  std::string next();

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace amlk8s::local::detail
