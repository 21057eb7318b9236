// Retry decisions without I/O: given a request, how its last try ended and a little state, whether
// to send it again and after how long. http::retry_policy drives these with a timer; tests call
// them directly.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace amlk8s::http {

/// How the retry policy behaves. The defaults follow Azure's guidance, plus 429 (ARM throttles with it).
struct retry_options {
  /// Retries after the first try; 0 turns retrying off.
  int max_retries = 3;
  /// The back-off window of the first retry; each further retry doubles it.
  std::chrono::milliseconds base_delay{800};
  /// The largest back-off window. A server's Retry-After is honoured even when longer.
  std::chrono::milliseconds max_delay{60'000};
  /// HTTP statuses that are worth another try.
  std::vector<int> retry_statuses{408, 429, 500, 502, 503, 504};
  /// Limit for one try, enforced by cancelling it; 0: only the transport's own timeouts apply.
  std::chrono::milliseconds try_timeout{0};
  /// Limit for the whole operation, all tries and waits together; 0: none. No retry is started whose
  /// wait would pass it, and a try still running when it passes is cancelled (errc::timeout).
  std::chrono::milliseconds operation_timeout{0};
};

/// Throws amlk8s::error (errc::invalid_argument) naming the field when `options` is unusable.
void validate(const retry_options& options);

/// True when `req` may be sent again after its bytes may have reached the server:
/// request::safe_to_retry when the caller set it, is_idempotent(method) otherwise.
bool is_safe_to_resend(const request& req) noexcept;

/// The wait a server asked for, in the order `retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After`
/// (delta seconds or an HTTP date, which counts from `now`; a past date means no wait). Malformed
/// or negative values are ignored.
std::optional<std::chrono::milliseconds> server_retry_delay(const header_map& headers,
                                                            std::chrono::system_clock::time_point now);

/// Parses an HTTP date in any of the three forms RFC 9110 requires recipients to accept
/// (IMF-fixdate, RFC 850, asctime).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) noexcept;

/// Exponential back-off with full jitter for the `retry`-th retry (1-based): a uniformly chosen
/// point, given by `jitter` in [0, 1), of the window [0, min(max_delay, base_delay * 2^(retry-1))].
std::chrono::milliseconds backoff_delay(const retry_options& options, int retry, double jitter) noexcept;

/// What decide_retry knows besides the request and the outcome of its last try.
struct retry_state {
  int retries_done = 0;                                 ///< retries already made (0 after the first try)
  std::chrono::system_clock::time_point now{};          ///< for Retry-After dates
  std::optional<std::chrono::milliseconds> time_left;   ///< until the operation deadline, if there is one
  double jitter = 0.0;                                  ///< uniform in [0, 1), for backoff_delay
};

/// Whether to try again, and when.
struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  ///< wait before the next try; the server's value when it gave one
  std::string_view reason;             ///< a few words for logs, e.g. "retryable status"
};

/// Decides after one try. `ec` is how the try completed; `resp` is its answer, looked at only when
/// `ec` is clear. Retried: the statuses of retry_options::retry_statuses and transport failures
/// (errc::transport_error, errc::timeout) when is_safe_to_resend(req), and errc::connect_failed
/// for any request, because then nothing reached the server. Never retried: success, other statuses,
/// cancellation, TLS and other errors, a request that is not safe to resend, a retry past
/// max_retries, and a wait that would not end before the deadline.
retry_decision decide_retry(const retry_options& options, const request& req, error_code ec, const response& resp,
                            const retry_state& state);

}  // namespace amlk8s::http
