// The parts of a request target the handlers read: the decoded path segments and query parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::local::kube::detail {

/// A request target split into its path and query.
struct target {
  std::string path;                                         ///< still percent-encoded
  std::vector<std::pair<std::string, std::string>> query;   ///< decoded names and values

  /// The first value of query parameter `name`.
  std::optional<std::string_view> param(std::string_view name) const;
  /// The value of `name`, or `fallback` when absent.
  std::string_view param_or(std::string_view name, std::string_view fallback) const;
};

/// Splits `url` (absolute, "scheme://authority/path?query", or origin-form "/path?query").
target parse_target(std::string_view url);

/// The authority ("host:port") of an absolute URL, or empty.
std::string authority_of(std::string_view url);

/// Decodes %XX escapes (and '+' as a space when `plus_is_space`).
std::string percent_decode(std::string_view text, bool plus_is_space);

/// The path split on '/', each segment decoded, empty segments dropped.
std::vector<std::string> split_path(std::string_view path);

}  // namespace amlk8s::local::kube::detail
