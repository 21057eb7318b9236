// Third policy of the pipeline: sends a request again after transient failures, waiting between
// tries on a timer of the next sender's executor. The decisions are http::decide_retry's.
#pragma once

#include <amlk8s/core/log.hpp>
#include <amlk8s/http/retry.hpp>
#include <amlk8s/http/sender.hpp>

namespace amlk8s::http {

/// Retries as retry_options says. When retries run out on a retryable status (429, 503, ...) the
/// last response is delivered as it is, not as an error: the protocol layer above maps it. A
/// cancellation from the caller, during a try or a back-off wait, ends the whole operation with
/// errc::cancelled; a try cut short by retry_options::try_timeout counts as errc::timeout; passing
/// retry_options::operation_timeout ends the operation with errc::timeout.
/// Operations in flight refer to the policy: keep it alive until they complete.
class retry_policy final : public sender {
 public:
  /// Sends through `next`, which must outlive this policy; throws amlk8s::error when `options` are
  /// invalid (see validate). `sink`, when set, receives one line per retry.
  explicit retry_policy(sender& next, retry_options options = {}, log_sink sink = {});

  /// The options in use.
  const retry_options& options() const noexcept { return options_; }

  boost::asio::any_io_executor get_executor() override { return next_.get_executor(); }
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  sender& next_;
  retry_options options_;
  log_sink sink_;
};

}  // namespace amlk8s::http
