// Seeded fault injection for the local server: added latency, throttling and server errors with
// Retry-After, dropped connections and truncated bodies, per path prefix. Sans-I/O: the server asks
// decide() once per request, and tests can check the decisions without a socket. A plan can be read
// from a YAML or JSON document (parse_fault_plan, the format of `serve --faults FILE` and of the
// admin route `/_amlk8s/faults`) and written back as JSON (to_json).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local {

/// What the server does to one request instead of (or before) answering it normally.
enum class fault_kind {
  none,          ///< answer normally
  throttle,      ///< answer 429 with Retry-After
  unavailable,   ///< answer 503 with Retry-After
  server_error,  ///< answer 500
  drop,          ///< close the connection without answering
  truncate,      ///< send the header and half of the body, then close the connection
};

/// One rule: which requests it applies to, and how often each fault happens to them.
/// The fractions are probabilities in [0, 1] and together at most 1.
struct fault_rule {
  std::string path_prefix;                 ///< applies to paths starting with this; empty: every path
  std::chrono::milliseconds latency{0};    ///< added before the request is answered (or dropped)
  double throttle_fraction = 0;            ///< answered 429
  double unavailable_fraction = 0;         ///< answered 503
  double server_error_fraction = 0;        ///< answered 500
  double drop_fraction = 0;                ///< connection closed without an answer
  double truncate_fraction = 0;            ///< body cut short, connection closed
  std::chrono::seconds retry_after{1};     ///< the Retry-After of 429 and 503 answers
  /// The rule stops applying after it has affected this many requests (0: no limit), so that
  /// "the next N requests fail" is a rule with fractions of 1 and max_hits N.
  std::uint64_t max_hits = 0;
};

/// The rules in priority order (the first rule that applies to a path decides) and the seed that
/// makes the draws repeatable.
struct fault_plan {
  std::uint64_t seed = 0;
  std::vector<fault_rule> rules;
};

/// The path prefix of the control plane's own admin routes (`/_amlk8s/faults`): requests under it
/// never get faults, so that a plan that fails everything can still be replaced.
inline constexpr std::string_view admin_path_prefix = "/_amlk8s/";

/// Reads a fault plan from a YAML or JSON document:
///
///     seed: 42                      # optional, default 0
///     rules:                        # optional, in priority order
///       - path_prefix: /subscriptions/   # optional, default: every path
///         latency_ms: 200                # optional, default 0
///         throttle_fraction: 0.1         # 429 with Retry-After
///         unavailable_fraction: 0.1      # 503 with Retry-After
///         server_error_fraction: 0.05    # 500
///         drop_fraction: 0.01            # connection closed without an answer
///         truncate_fraction: 0.01        # body cut short
///         retry_after_s: 2               # optional, default 1
///         max_hits: 3                    # optional: the rule stops after affecting 3 requests
///
/// Fractions are numbers in [0, 1] that add up to at most 1; "the next 3 requests get 503" is
/// `unavailable_fraction: 1, max_hits: 3`. Unknown members are refused. Throws validation_error
/// naming the member (e.g. `rules[0].unavailable_fraction`) and the fix; a YAML or JSON syntax error
/// names `source_name`, the line and the column.
fault_plan parse_fault_plan(std::string_view text, std::string_view source_name);

/// The plan as the JSON document parse_fault_plan reads (every member written out).
std::string to_json(const fault_plan& plan);

/// `rate` of the requests to every path answered 429 or 503 (half each) with Retry-After 1,
/// seeded by `seed` (`serve --fault-rate`). Throws validation_error when `rate` is not in [0, 1].
fault_plan mixed_fault_plan(double rate, std::uint64_t seed);

/// What happens to one request.
struct fault_decision {
  fault_kind kind = fault_kind::none;
  std::chrono::milliseconds latency{0};
  std::chrono::seconds retry_after{0};
};

/// Draws fault decisions from a plan. The n-th request a rule sees gets the same decision for the
/// same seed, whatever the timing. Thread-safe.
class fault_injector {
 public:
  fault_injector() = default;
  /// Starts drawing from `plan`.
  explicit fault_injector(fault_plan plan);

  /// Replaces the plan and restarts the counts.
  void reset(fault_plan plan);

  /// The plan in use.
  fault_plan plan() const;

  /// The decision for the next request to `path` (the query, if any, is ignored). Paths under
  /// admin_path_prefix always get fault_kind::none.
  fault_decision decide(std::string_view path);

 private:
  mutable std::mutex mutex_;
  fault_plan plan_;
  std::vector<std::uint64_t> seen_;  // per rule: requests it applied to
  std::vector<std::uint64_t> hits_;  // per rule: requests it affected
};

}  // namespace amlk8s::local
