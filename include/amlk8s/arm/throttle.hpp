// What ARM says on every response about how much request quota is left, and how long to wait
// when it asks for a pause. Parsed generically so that new header names need no code change
// (contracts/arm-extensions.md §1.9).
#pragma once

#include <amlk8s/http/message.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::arm {

/// One remaining-quota figure taken from an `x-ms-ratelimit-remaining-*` header.
struct quota {
  /// The header name after `x-ms-ratelimit-remaining-`, lower-cased: "subscription-reads",
  /// "tenant-writes", "resource", ...
  std::string scope{};
  /// The policy name inside the `-resource` header's `Name;count,...` list
  /// (e.g. "Microsoft.Compute/HighCostGet3Min"); empty for the plain numeric headers.
  std::string name{};
  /// Requests left in the current window.
  std::int64_t remaining = 0;

  friend bool operator==(const quota&, const quota&) = default;
};

/// The throttling state one ARM response reports; empty when the service sent no such header.
struct throttle_info {
  /// Every quota figure found, in header order.
  std::vector<quota> quotas{};
  /// How long the service asked the client to wait (`Retry-After`, `retry-after-ms`,
  /// `x-ms-retry-after-ms`), when it did.
  std::optional<std::chrono::milliseconds> retry_after{};

  /// True when the response said nothing about throttling.
  bool empty() const noexcept { return quotas.empty() && !retry_after; }
  /// The figure for `scope` (and, for `resource`, the policy `name`), compared case-insensitively.
  std::optional<std::int64_t> remaining(std::string_view scope, std::string_view name = {}) const;
  /// The smallest figure of all, to decide whether to slow down before ARM answers 429.
  std::optional<std::int64_t> lowest() const;

  friend bool operator==(const throttle_info&, const throttle_info&) = default;
};

/// Reads every `x-ms-ratelimit-remaining-*` header and the retry-after headers. Values that are
/// not numbers are skipped rather than failing the response.
throttle_info parse_throttle_headers(const http::header_map& headers);

/// The wait a response asks for: `retry-after-ms` and `x-ms-retry-after-ms` (milliseconds) win over
/// `Retry-After`, which may be delta-seconds or an HTTP date. A date is measured against the
/// response's own `Date` header so that a skewed local clock does not matter; without `Date` it is
/// measured against the system clock. A date in the past gives zero.
std::optional<std::chrono::milliseconds> parse_retry_after(const http::header_map& headers);

}  // namespace amlk8s::arm
