// Text encodings the API uses: base64 (continue tokens, kubeconfig data), RFC 3339 timestamps and
// kubectl's human-readable durations (the AGE column).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::local::kube::detail {

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes standard or URL-safe base64, padded or not; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

/// RFC 3339 in UTC with whole seconds ("2024-01-02T03:04:05Z"), as metadata timestamps are written.
std::string format_rfc3339(std::chrono::system_clock::time_point t);
/// Parses what format_rfc3339 writes (fractions and offsets are accepted; offsets must be Z or ±hh:mm).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

/// apimachinery's duration.HumanDuration ("45s", "5m10s", "3h", "2d5h", "1y20d").
std::string human_duration(std::chrono::seconds d);

}  // namespace amlk8s::local::kube::detail
